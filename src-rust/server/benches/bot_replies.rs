//! Reply latency under load: PATIENTS patients at once, each playing ROUNDS turns of the intake
//! (Hi, then tapping the first button of each reply) against the real `intake-server` over
//! loopback, with a fake Graph API in this process. A round's reply latency is from posting the
//! patient's webhook to the bot's reply reaching the fake. Prints acks/s, ack and reply latency
//! p50/p99, rounds completed, patients left without a reply, and the server's peak RSS.
//!
//!   cargo bench -p intake-server --bench bot_replies
//!   PATIENTS=500 ROUNDS=3 THINK_MS=10000 cargo bench -p intake-server --bench bot_replies
//!
//! THINK_MS is how long a patient takes to read and answer (jittered ±50%, starts staggered
//! over one think time). With THINK_MS=0 every patient writes at the same instant and replies
//! queue behind Meta's 80 messages/s per number, which the sender respects.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use intake_core::whatsapp::signature::sign;
use serde_json::{json, Value};
use tokio::sync::mpsc;

// The server tests' harness: a site folder, `init`, and `serve` with its ready line.
#[path = "../tests/common/mod.rs"]
mod common;

use common::{env_usize as var, peak_rss_mib, percentile_ms, Site, SECRET};

type Inboxes = Arc<Mutex<HashMap<String, mpsc::UnboundedSender<Value>>>>;

async fn graph(State(inboxes): State<Inboxes>, Json(body): Json<Value>) -> Json<Value> {
    let to = body["to"].as_str().unwrap_or_default().to_owned();
    if let Some(tx) = inboxes.lock().expect("inboxes").get(&to) {
        let _ = tx.send(body);
    }
    Json(
        json!({"messaging_product": "whatsapp", "messages": [{"id": format!("wamid.out.{}", rand_id())}]}),
    )
}

fn rand_id() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

fn webhook(from: &str, wamid: &str, message: Value) -> Vec<u8> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let mut m = message;
    m["from"] = json!(from);
    m["id"] = json!(wamid);
    m["timestamp"] = json!(now.to_string());
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Bench"}, "wa_id": from}],
        "messages": [m]
    }}]}]})
    .to_string()
    .into_bytes()
}

fn main() {
    let patients = var("PATIENTS", 500);
    let rounds = var("ROUNDS", 3).max(1);
    let think_ms = var("THINK_MS", 10_000) as u64;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let inboxes: Inboxes = Arc::default();
    let graph_url = rt.block_on(async {
        let app = Router::new()
            .route("/v23.0/106540352242922/messages", post(graph))
            .with_state(inboxes.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    });

    let site = Site::with_config(&format!(
        "graph_base_url = \"{graph_url}\"\ngraph_version = \"v23.0\"\nphone_number_id = \"106540352242922\"\n"
    ));
    assert!(site.init().status.success(), "init failed");
    site.put_secret("whatsapp-access-token", "t");
    let (server, url) = site.serve();

    let (acks, replies, completed, silent, posts, elapsed) = rt.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(patients)
            .build()
            .expect("client");
        let start = Instant::now();
        let mut tasks = Vec::new();
        for p in 0..patients {
            let from = format!("3461{p:07}");
            let (tx, mut rx) = mpsc::unbounded_channel();
            inboxes.lock().expect("inboxes").insert(from.clone(), tx);
            let (client, url) = (client.clone(), url.clone());
            tasks.push(tokio::spawn(async move {
                let mut acks = Vec::new();
                let mut replies = Vec::new();
                let mut message = json!({"type": "text", "text": {"body": "Hi"}});
                // Deterministic jitter per patient and round, so runs are comparable.
                let jitter = |round: usize| -> Duration {
                    if think_ms == 0 {
                        return Duration::ZERO;
                    }
                    let h = (p as u64)
                        .wrapping_mul(2_654_435_761)
                        .wrapping_add(round as u64 * 40_503);
                    Duration::from_millis(think_ms / 2 + h % think_ms.max(1))
                };
                tokio::time::sleep(if think_ms == 0 {
                    Duration::ZERO
                } else {
                    Duration::from_millis((p as u64 * think_ms) / patients.max(1) as u64)
                })
                .await;
                for round in 0..rounds {
                    if round > 0 {
                        tokio::time::sleep(jitter(round)).await;
                    }
                    let body = webhook(
                        &from,
                        &format!("wamid.bench.{from}.{round}"),
                        message.clone(),
                    );
                    let sig = sign(SECRET.as_bytes(), &body);
                    let t = Instant::now();
                    let ok = client
                        .post(&url)
                        .header("X-Hub-Signature-256", sig)
                        .body(body)
                        .send()
                        .await
                        .map(|r| r.status().is_success())
                        .unwrap_or(false);
                    acks.push(t.elapsed());
                    if !ok {
                        return (acks, replies, round, true);
                    }
                    // The round's reply: the first message; interactive ones end the turn.
                    let mut reply =
                        match tokio::time::timeout(Duration::from_secs(60), rx.recv()).await {
                            Ok(Some(r)) => r,
                            _ => return (acks, replies, round, true),
                        };
                    replies.push(t.elapsed());
                    while reply["type"] != "interactive" {
                        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
                            Ok(Some(r)) => reply = r,
                            _ => return (acks, replies, round + 1, false),
                        }
                    }
                    let b = &reply["interactive"]["action"]["buttons"][0]["reply"];
                    message = json!({"type": "interactive", "interactive": {"type": "button_reply",
                        "button_reply": {"id": b["id"], "title": b["title"]}}});
                }
                (acks, replies, rounds, false)
            }));
        }
        let (mut acks, mut replies, mut completed, mut silent) =
            (Vec::new(), Vec::new(), 0usize, 0usize);
        for t in tasks {
            let (a, r, done, lost) = t.await.expect("patient");
            acks.extend(a);
            replies.extend(r);
            completed += done;
            silent += usize::from(lost);
        }
        let posts = acks.len();
        (acks, replies, completed, silent, posts, start.elapsed())
    });
    let rss = peak_rss_mib(server.0.id());
    drop(server);
    let (mut acks, mut replies) = (acks, replies);
    acks.sort();
    replies.sort();
    println!("bot replies: {patients} patients at once, {rounds} rounds each (Hi, then taps), think time {think_ms} ms");
    println!(
        "  webhooks acknowledged: {posts} in {:.2} s ({:.0}/s)",
        elapsed.as_secs_f64(),
        posts as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  ack latency: p50 {:.1} ms, p99 {:.1} ms",
        percentile_ms(&acks, 0.5),
        percentile_ms(&acks, 0.99)
    );
    println!(
        "  reply latency (webhook posted -> reply at Graph): p50 {:.1} ms, p99 {:.1} ms",
        percentile_ms(&replies, 0.5),
        percentile_ms(&replies, 0.99)
    );
    println!(
        "  rounds completed: {completed} of {}; patients left without a reply: {silent}",
        patients * rounds
    );
    match rss {
        Some(mib) => println!("  server peak RSS: {mib:.0} MiB"),
        None => println!("  server peak RSS: not available on this platform"),
    }
}
