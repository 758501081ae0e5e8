//! Whole intakes under load: PATIENTS patients, each playing the full default-form intake (16
//! messages from "Hi" to the confirmed review) against the real `intake-server` over loopback,
//! with a local fake of Meta (Graph API + status webhooks) in this process. A step's reply latency
//! runs from posting the patient's signed webhook to the bot's reply reaching the fake. Prints
//! acks/s, ack and reply latency p50/p99, completed intakes (from the database afterwards),
//! lost and duplicated replies, and the server's peak RSS.
//!
//!   cargo bench -p intake-server --bench intakes
//!   PATIENTS=1000 THINK_MS=15000 cargo bench -p intake-server --bench intakes
//!
//! THINK_MS is how long a patient takes to read and answer (jittered ±50%, starts staggered over
//! one think time). With THINK_MS=0 every patient answers at once and replies queue behind Meta's
//! 80 messages/s per number, which the sender respects.
use std::sync::Arc;
use std::time::{Duration, Instant};

use intake_core::keys::FileSecretStore;
use intake_core::{Config, DataDir, Launcher, SystemClock};

// The server tests' harness: a site folder, `init`, `serve`, the fake Meta and the script.
#[path = "../tests/common/mod.rs"]
mod common;

use common::meta::{post_until_acked, webhook, FakeMeta, PHONE_NUMBER_ID};
use common::script::{self, INTAKE};
use common::{env_usize as var, peak_rss_mib, percentile_ms, Site};

#[derive(Default)]
struct Played {
    acks: Vec<Duration>,
    replies: Vec<Duration>,
    finished: bool,
    lost: usize,
}

/// Deterministic jitter per patient and step, so runs are comparable.
fn think(p: usize, step: usize, think_ms: u64) -> Duration {
    if think_ms == 0 {
        return Duration::ZERO;
    }
    let h = (p as u64)
        .wrapping_mul(2_654_435_761)
        .wrapping_add(step as u64 * 40_503);
    Duration::from_millis(think_ms / 2 + h % think_ms)
}

async fn play(
    meta: Arc<FakeMeta>,
    client: reqwest::Client,
    url: String,
    p: usize,
    patients: usize,
    think_ms: u64,
) -> Played {
    let from = format!("3461{p:07}");
    let mut inbox = meta.inbox(&from);
    let mut out = Played::default();
    tokio::time::sleep(Duration::from_millis(
        (p as u64 * think_ms) / patients.max(1) as u64,
    ))
    .await;
    let mut last = String::new();
    for (k, step) in INTAKE.iter().enumerate() {
        if k > 0 {
            tokio::time::sleep(think(p, k, think_ms)).await;
        }
        // Replies of more than one message: the rest arrived while the patient was reading.
        while inbox.try_recv().is_ok() {}
        let body = webhook(
            &from,
            &format!("wamid.bench.{from}.{k}"),
            script::message(*step),
        );
        let t = Instant::now();
        if !post_until_acked(&client, || url.clone(), &body).await {
            out.lost += INTAKE.len() - k;
            return out;
        }
        out.acks.push(t.elapsed());
        match tokio::time::timeout(Duration::from_secs(120), inbox.recv()).await {
            Ok(Some(reply)) => {
                out.replies.push(t.elapsed());
                last = reply.to_string();
            }
            _ => {
                out.lost += INTAKE.len() - k;
                return out;
            }
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    while let Ok(extra) = inbox.try_recv() {
        last = extra.to_string();
    }
    out.finished = last.contains("Thank you");
    out
}

fn main() {
    let patients = var("PATIENTS", 500);
    let think_ms = var("THINK_MS", 10_000) as u64;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (meta, graph) = rt.block_on(FakeMeta::start(true));
    let site = Site::with_config(&format!(
        "graph_base_url = \"{graph}\"\ngraph_version = \"v23.0\"\nphone_number_id = \"{PHONE_NUMBER_ID}\"\n{}",
        common::LOAD_LIMITS
    ));
    assert!(site.init().status.success(), "init failed");
    site.put_secret("whatsapp-access-token", "t");
    let (server, url) = site.serve();
    meta.set_webhook(&url);

    let start = Instant::now();
    let played: Vec<Played> = rt.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(patients)
            .build()
            .expect("client");
        let tasks: Vec<_> = (0..patients)
            .map(|p| {
                tokio::spawn(play(
                    meta.clone(),
                    client.clone(),
                    url.clone(),
                    p,
                    patients,
                    think_ms,
                ))
            })
            .collect();
        let mut played = Vec::new();
        for t in tasks {
            played.push(t.await.expect("patient"));
        }
        // The last status webhooks, before the server stops.
        tokio::time::sleep(Duration::from_millis(500)).await;
        played
    });
    let elapsed = start.elapsed();
    let rss = peak_rss_mib(server.0.id());
    drop(server);

    let launcher = Launcher::new(
        Config::new(DataDir::new(site.dir.path().join("data"))),
        Arc::new(FileSecretStore::new(site.dir.path().join("secrets"))),
        Arc::new(SystemClock),
    );
    let desk = launcher.desk().expect("database");
    let conn = desk.db().connect().expect("connection");
    let submitted: i64 = conn
        .query_row("SELECT count(*) FROM intakes", [], |r| r.get(0))
        .expect("count");

    let mut acks: Vec<Duration> = played.iter().flat_map(|p| p.acks.clone()).collect();
    let mut replies: Vec<Duration> = played.iter().flat_map(|p| p.replies.clone()).collect();
    acks.sort();
    replies.sort();
    let finished = played.iter().filter(|p| p.finished).count();
    let lost: usize = played.iter().map(|p| p.lost).sum();
    let duplicated: usize = meta
        .callback_counts()
        .values()
        .map(|n| n.saturating_sub(1))
        .sum();
    println!(
        "intakes: {patients} patients, {} messages each (the whole default form), think time {think_ms} ms",
        INTAKE.len()
    );
    println!(
        "  webhooks acknowledged: {} in {:.1} s ({:.0}/s)",
        acks.len(),
        elapsed.as_secs_f64(),
        acks.len() as f64 / elapsed.as_secs_f64()
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
        "  completed intakes: {finished} of {patients} thanked, {submitted} submitted in the database"
    );
    println!("  lost: {lost} messages without a reply; duplicated replies: {duplicated}");
    match rss {
        Some(mib) => println!("  server peak RSS: {mib:.0} MiB"),
        None => println!("  server peak RSS: not available on this platform"),
    }
}
