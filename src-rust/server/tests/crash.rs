//! Kill -9 mid-load: the real server is killed while webhooks are arriving, restarted on the
//! same database, and everything Meta would retry is sent again. Every message that was ever
//! acknowledged must be stored, each exactly once, and the encrypted file must be intact.
mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::{Site, SECRET};
use intake_core::keys::FileSecretStore;
use intake_core::whatsapp::signature::sign;
use intake_core::{Config, DataDir, Launcher, SystemClock};

const TOTAL: usize = 2000;
const KILL_AFTER: usize = 600;

fn body(i: usize) -> Vec<u8> {
    let template = String::from_utf8(common::fixture("text.json")).unwrap();
    template
        .replace(
            "wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQzQUYxAA==",
            &format!("wamid.crash.{i}"),
        )
        .into_bytes()
}

async fn post(client: &reqwest::Client, url: &str, i: usize) -> bool {
    let b = body(i);
    let sig = sign(SECRET.as_bytes(), &b);
    client
        .post(url)
        .header("X-Hub-Signature-256", sig)
        .body(b)
        .send()
        .await
        .map(|r| r.status() == 200)
        .unwrap_or(false)
}

#[test]
fn sigkill_mid_load_loses_no_acknowledged_message() {
    let site = Site::with_config(common::LOAD_LIMITS);
    assert!(site.init().status.success());
    let (server, url) = site.serve();
    let server = Arc::new(Mutex::new(server));
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::new();
        let next = Arc::new(AtomicUsize::new(0));
        let mut workers = Vec::new();
        for _ in 0..32 {
            let (client, url, next, acked, server) = (
                client.clone(),
                url.clone(),
                next.clone(),
                acked.clone(),
                server.clone(),
            );
            workers.push(tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= TOTAL {
                        break;
                    }
                    if post(&client, &url, i).await {
                        let n = {
                            let mut a = acked.lock().unwrap();
                            a.insert(i);
                            a.len()
                        };
                        if n == KILL_AFTER {
                            // SIGKILL: no shutdown, no flush, whatever is in flight.
                            let _ = server.lock().unwrap().0.kill();
                        }
                    }
                }
            }));
        }
        for w in workers {
            w.await.unwrap();
        }
    });
    let acked_before = acked.lock().unwrap().clone();
    assert!(acked_before.len() >= KILL_AFTER, "{}", acked_before.len());
    assert!(acked_before.len() < TOTAL, "the kill happened mid-load");

    // Restart on the same database; Meta retries everything it has no 200 for (and, to be
    // hard on it, we also resend what was acknowledged: duplicates must be ignored).
    let (_server, url) = site.serve();
    rt.block_on(async {
        let client = reqwest::Client::new();
        for i in 0..TOTAL {
            assert!(post(&client, &url, i).await, "message {i} after restart");
        }
    });
    drop(_server);

    let launcher = Launcher::new(
        Config::new(DataDir::new(site.dir.path().join("data"))),
        Arc::new(FileSecretStore::new(site.dir.path().join("secrets"))),
        Arc::new(SystemClock),
    );
    let desk = launcher.desk().expect("database opens after the crash");
    let conn = desk.db().connect().unwrap();
    let stored: BTreeSet<usize> = conn
        .prepare("SELECT wamid FROM inbound_messages WHERE wamid LIKE 'wamid.crash.%'")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|w| {
            w.unwrap()
                .trim_start_matches("wamid.crash.")
                .parse()
                .unwrap()
        })
        .collect();
    assert!(
        acked_before.is_subset(&stored),
        "an acknowledged message was lost"
    );
    assert_eq!(stored.len(), TOTAL, "each message exactly once");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let cipher_problems: Vec<String> = conn
        .prepare("PRAGMA cipher_integrity_check")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(cipher_problems.is_empty(), "{cipher_problems:?}");
}
