//! Load generator for the webhook edge: plays PATIENTS patients x MESSAGES messages as signed
//! webhooks against the real `intake-server` binary over loopback, CONCURRENCY at a time, and
//! prints acknowledgements per second, ack latency p50/p99, lost and duplicated messages and
//! the server's peak RSS. Every ack is after a durable commit (synchronous=FULL, group commit).
//!
//!   cargo bench -p intake-server --bench webhook_ingress
//!   PATIENTS=1000 MESSAGES=10 CONCURRENCY=200 cargo bench -p intake-server --bench webhook_ingress
//!
//! Replies (engine, outbox, sender) are not in the pipeline yet, so reply latency is not
//! measured here yet.
use std::sync::Arc;
use std::time::Instant;

use intake_core::keys::FileSecretStore;
use intake_core::whatsapp::signature::sign;
use intake_core::{Config, DataDir, Launcher, SystemClock};

// The server tests' harness: a site folder, `init`, and `serve` with its ready line.
#[path = "../tests/common/mod.rs"]
mod common;

use common::{env_usize as var, peak_rss_mib, percentile_ms, Site, SECRET};

fn body(patient: usize, seq: usize, now: u64) -> Vec<u8> {
    serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "102290129340398", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "15550001111", "phone_number_id": "106540352242922" },
            "contacts": [{ "profile": { "name": format!("Patient {patient}") }, "wa_id": format!("346{patient:08}") }],
            "messages": [{
                "from": format!("346{patient:08}"),
                "id": format!("wamid.bench.{patient}.{seq}"),
                "timestamp": now.to_string(),
                "type": "text",
                "text": { "body": format!("answer {seq}") }
            }]
        }}]}]
    })
    .to_string()
    .into_bytes()
}

fn main() {
    let patients = var("PATIENTS", 1000);
    let messages = var("MESSAGES", 10);
    let concurrency = var("CONCURRENCY", 200).max(1);
    let site = Site::with_config(common::LOAD_LIMITS);
    assert!(site.init().status.success(), "init failed");
    let (server, url) = site.serve();

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let jobs: Vec<(Vec<u8>, String)> = (0..messages)
        .flat_map(|seq| (0..patients).map(move |p| (p, seq)))
        .map(|(p, seq)| {
            let b = body(p, seq, now);
            let s = sign(SECRET.as_bytes(), &b);
            (b, s)
        })
        .collect();
    let total = jobs.len();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (latencies, failures, elapsed) = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(concurrency)
            .build()
            .expect("client");
        let queue = Arc::new(tokio::sync::Mutex::new(jobs.into_iter()));
        let start = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..concurrency {
            let (client, queue, url) = (client.clone(), queue.clone(), url.clone());
            workers.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut failed = 0usize;
                loop {
                    let Some((body, sig)) = queue.lock().await.next() else {
                        break;
                    };
                    let t = Instant::now();
                    let ok = client
                        .post(&url)
                        .header("X-Hub-Signature-256", sig)
                        .body(body)
                        .send()
                        .await
                        .map(|r| r.status().is_success())
                        .unwrap_or(false);
                    lat.push(t.elapsed());
                    if !ok {
                        failed += 1;
                    }
                }
                (lat, failed)
            }));
        }
        let mut all = Vec::with_capacity(total);
        let mut failures = 0;
        for w in workers {
            let (lat, failed) = w.await.expect("worker");
            all.extend(lat);
            failures += failed;
        }
        (all, failures, start.elapsed())
    });
    let rss = peak_rss_mib(server.0.id());
    drop(server);

    let launcher = Launcher::new(
        Config::new(DataDir::new(site.dir.path().join("data"))),
        Arc::new(FileSecretStore::new(site.dir.path().join("secrets"))),
        Arc::new(SystemClock),
    );
    let stored: i64 = launcher
        .desk()
        .expect("database")
        .db()
        .conn()
        .query_row("SELECT count(*) FROM inbound_messages", [], |r| r.get(0))
        .expect("count");
    let mut sorted = latencies;
    sorted.sort();
    println!("webhook ingress: {patients} patients x {messages} messages = {total} signed webhooks, {concurrency} concurrent");
    println!(
        "  acknowledged after durable commit: {:.0}/s ({} in {:.2} s)",
        (total - failures) as f64 / elapsed.as_secs_f64(),
        total - failures,
        elapsed.as_secs_f64()
    );
    println!(
        "  ack latency: p50 {:.1} ms, p99 {:.1} ms",
        percentile_ms(&sorted, 0.50),
        percentile_ms(&sorted, 0.99)
    );
    println!(
        "  failed requests: {failures}; stored {stored} of {total}; lost {}; duplicated {}",
        (total as i64 - stored).max(0),
        (stored - total as i64).max(0)
    );
    match rss {
        Some(mib) => println!("  server peak RSS: {mib:.0} MiB"),
        None => println!("  server peak RSS: not available on this platform"),
    }
}
