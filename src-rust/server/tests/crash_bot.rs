//! Kill -9 with the bot running: patients are half-way through their intakes when the real
//! server is killed, then restarted on the same database while "Meta" (a local fake) retries
//! every webhook it has no 200 for, status webhooks included. Every acknowledged message must be
//! processed exactly once, no reply may reach the Graph API twice, and every patient's intake
//! must finish with exactly the answers they gave.
mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::meta::{post_until_acked, webhook, FakeMeta, PHONE_NUMBER_ID};
use common::script::{self, INTAKE};
use common::Site;
use intake_core::keys::FileSecretStore;
use intake_core::{Config, DataDir, Launcher, SystemClock};
use serde_json::Value;

const PATIENTS: usize = 40;

fn patient(i: usize) -> String {
    format!("3460{:07}", 1_000_000 + i)
}

/// Plays the whole intake; a reply per step, whatever happens to the server in between.
async fn play(meta: Arc<FakeMeta>, url: Arc<Mutex<String>>, i: usize) -> Vec<Value> {
    let client = reqwest::Client::new();
    let from = patient(i);
    let mut inbox = meta.inbox(&from);
    let mut replies = Vec::new();
    for (k, step) in INTAKE.iter().enumerate() {
        while let Ok(extra) = inbox.try_recv() {
            replies.push(extra);
        }
        let body = webhook(
            &from,
            &format!("wamid.crash.{i}.{k}"),
            script::message(*step),
        );
        let u = url.clone();
        assert!(
            post_until_acked(&client, || u.lock().unwrap().clone(), &body).await,
            "patient {i} step {k} never acknowledged"
        );
        let reply = tokio::time::timeout(Duration::from_secs(60), inbox.recv())
            .await
            .unwrap_or_else(|_| panic!("patient {i} got no reply to step {k}"))
            .unwrap();
        replies.push(reply);
        // Patients take a moment to answer; it spreads the load across the kill.
        tokio::time::sleep(Duration::from_millis(20 + (i as u64 * 7) % 40)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(extra) = inbox.try_recv() {
        replies.push(extra);
    }
    replies
}

#[test]
fn sigkill_with_the_bot_running_answers_each_message_once_and_every_intake_finishes() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (meta, graph) = rt.block_on(FakeMeta::start(true));
    // A short grace keeps the test quick; Meta's status webhooks arrive well within it.
    let site = Site::with_config(&format!(
        "graph_base_url = \"{graph}\"\ngraph_version = \"v23.0\"\nphone_number_id = \"{PHONE_NUMBER_ID}\"\nclaim_grace_secs = 10\n{}",
        common::LOAD_LIMITS
    ));
    assert!(site.init().status.success());
    site.put_secret("whatsapp-access-token", "graph-token");
    let (server, first_url) = site.serve();
    meta.set_webhook(&first_url);
    let url = Arc::new(Mutex::new(first_url));
    let total_steps = PATIENTS * INTAKE.len();

    let results = rt.block_on(async {
        let players: Vec<_> = (0..PATIENTS)
            .map(|i| tokio::spawn(play(meta.clone(), url.clone(), i)))
            .collect();
        // Kill once about 40% of the conversation has been answered, while the server waits
        // for Graph's answer to a message Meta has already taken: the reply that would be sent
        // twice if the restart trusted only its own records.
        let hang = total_steps * 2 / 5;
        meta.hang_at(hang);
        while meta.sent.lock().unwrap().len() < hang {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut server = server;
        server.0.kill().unwrap();
        server.0.wait().unwrap();
        let answered_before = meta.sent.lock().unwrap().len();
        let restarted = {
            let site = &site;
            tokio::task::block_in_place(|| site.serve())
        };
        meta.set_webhook(&restarted.1);
        *url.lock().unwrap() = restarted.1.clone();
        let mut results = Vec::new();
        for p in players {
            results.push(p.await.unwrap());
        }
        assert!(
            answered_before < total_steps,
            "the kill came before the end ({answered_before} replies)"
        );
        // Give the last status webhooks time to land before the server stops.
        tokio::time::sleep(Duration::from_millis(500)).await;
        drop(restarted);
        results
    });

    // No reply reached the Graph API twice.
    let counts = meta.callback_counts();
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "replies sent twice: {twice:?}");
    assert!(counts.keys().all(|c| c.starts_with("ob:")), "{counts:?}");

    // Every patient heard the same conversation: a reply per step, the thanks at the end.
    let per_patient: HashSet<usize> = results.iter().map(Vec::len).collect();
    assert_eq!(per_patient.len(), 1, "reply counts differ: {per_patient:?}");
    for replies in &results {
        let last = replies.last().unwrap().to_string();
        assert!(last.contains("Thank you"), "{last}");
    }

    let launcher = Launcher::new(
        Config::new(DataDir::new(site.dir.path().join("data"))),
        Arc::new(FileSecretStore::new(site.dir.path().join("secrets"))),
        Arc::new(SystemClock),
    );
    let desk = launcher.desk().expect("database opens after the crash");
    let conn = desk.db().connect().unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM inbound_messages") as usize,
        total_steps
    );
    assert_eq!(
        count("SELECT count(*) FROM inbound_messages WHERE processed_at IS NULL"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM outbox WHERE kind = 'message' AND state != 'sent'"),
        0,
        "every reply was sent"
    );
    assert_eq!(
        count("SELECT count(*) FROM outbox WHERE kind = 'message'") as usize,
        counts.len(),
        "each outbox row reached the Graph API exactly once"
    );
    // Exactly once per wamid: a message handled twice would shift every later answer.
    let mut stmt = conn
        .prepare(
            "SELECT c.wa_id, i.answers FROM intakes i JOIN conversations c ON c.id = i.conversation_id",
        )
        .unwrap();
    let intakes: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(intakes.len(), PATIENTS, "one intake per patient");
    for (wa_id, answers) in &intakes {
        let answers: Value = serde_json::from_str(answers).unwrap();
        let expected = script::expected_answers(wa_id);
        for (link_id, want) in expected.as_object().unwrap() {
            assert_eq!(&answers[link_id], want, "{link_id} for {wa_id}");
        }
    }
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");

    // The hung send was settled from Meta's status webhook, not sent again.
    let log = std::fs::read_to_string(site.log_path()).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("were settled") && l.contains("confirmed=1")),
        "the interrupted send was confirmed by its status webhook"
    );

    // The server's own log, across both runs, names no patient and quotes none of their words.
    assert!(log.contains("webhook"), "the log was captured: {log:.200}");
    for phi in [
        "Ana María Pérez",
        "Calle Mayor",
        "Penicillin",
        "14/03/1987",
        "1987-03-14",
        "ana.perez@example.com",
        &patient(0)[2..],
    ] {
        assert!(!log.contains(phi), "patient data in the server log: {phi}");
    }
}
