//! The per-sender flood limit at the webhook edge, over real HTTP with signed bodies. Time is
//! the fixture's ManualClock: the limit only moves when a test moves the clock.
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use intake_core::engine::Settings;
use intake_core::form::Form;
use intake_core::processor::Processor;
use intake_core::webhook::{router_with_flood_limit, FloodLimit, WebhookSecrets};
use reqwest::StatusCode;
use serde_json::json;
use tokio::sync::Notify;

use crate::common::clinic;
use crate::webhook::{start, Server, SECRET};

const ANA: &str = "34600111222";
const BEA: &str = "34600333444";

/// One signed POST as Meta batches it: several senders' messages in one body.
fn batch(s: &Server, messages: &[(&str, String)]) -> Vec<u8> {
    let ts = now(s).timestamp();
    let msgs: Vec<_> = messages
        .iter()
        .map(|(from, wamid)| {
            json!({"from": from, "id": wamid, "timestamp": ts.to_string(), "type": "text",
                   "text": {"body": "hola"}})
        })
        .collect();
    let contacts: Vec<_> = messages
        .iter()
        .map(|(from, _)| json!({"profile": {"name": "Paciente"}, "wa_id": from}))
        .collect();
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": "106540352242922"},
            "contacts": contacts, "messages": msgs}}]}]})
    .to_string()
    .into_bytes()
}

fn now(s: &Server) -> chrono::DateTime<chrono::Utc> {
    intake_core::Clock::now(&*s.f.clock)
}

fn ids(from: &str, range: std::ops::Range<usize>) -> Vec<(&str, String)> {
    range.map(|i| (from, format!("wamid.{from}.{i}"))).collect()
}

async fn post(s: &Server, messages: &[(&str, String)]) {
    let (status, text) = s.signed(batch(s, messages)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    wamid: String,
    from: String,
    skipped: Option<String>,
    processed_at: Option<i64>,
}

/// Every stored message, in the order it was stored.
fn rows(s: &Server) -> Vec<Row> {
    let conn = s.f.desk().db().connect().unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT wamid, wa_from, skipped_reason, processed_at FROM inbound_messages
             ORDER BY rowid",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok(Row {
            wamid: r.get(0)?,
            from: r.get(1)?,
            skipped: r.get(2)?,
            processed_at: r.get(3)?,
        })
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// (left for the bot, flagged as flood) for one sender, checking every flagged row is handled.
fn split(s: &Server, from: &str) -> (Vec<String>, Vec<String>) {
    let (mut open, mut flooded) = (Vec::new(), Vec::new());
    for r in rows(s).into_iter().filter(|r| r.from == from) {
        match r.skipped.as_deref() {
            None => open.push(r.wamid),
            Some("flood") => {
                assert!(r.processed_at.is_some(), "{r:?} flagged but left pending");
                flooded.push(r.wamid);
            }
            Some(other) => panic!("unexpected skipped_reason {other}"),
        }
    }
    (open, flooded)
}

fn advance(s: &Server, secs: i64) {
    s.f.clock.advance(chrono::Duration::seconds(secs));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_is_stored_but_only_the_burst_is_left_for_the_bot() {
    let s = start().await;
    let now_ms = now(&s).timestamp_millis();
    // Ten deliveries, each carrying ten of Ana's messages and one of Bea's.
    for d in 0..10 {
        let mut msgs = ids(ANA, d * 10..d * 10 + 10);
        msgs.push((BEA, format!("wamid.{BEA}.{d}")));
        post(&s, &msgs).await;
    }
    assert_eq!(s.count("inbound_messages"), 110, "nothing is lost");
    let (open, flooded) = split(&s, ANA);
    let first_burst: Vec<String> = ids(ANA, 0..20).into_iter().map(|(_, w)| w).collect();
    assert_eq!(
        open, first_burst,
        "exactly the first burst is left to answer"
    );
    assert_eq!(flooded.len(), 80);
    assert!(rows(&s)
        .iter()
        .filter(|r| r.skipped.is_some())
        .all(|r| r.processed_at == Some(now_ms)));
    let (bea_open, bea_flooded) = split(&s, BEA);
    assert_eq!(
        (bea_open.len(), bea_flooded.len()),
        (10, 0),
        "Bea is unaffected"
    );
    assert!(rows(&s)
        .iter()
        .filter(|r| r.skipped.is_none())
        .all(|r| r.processed_at.is_none()));

    // The bot sees only what was left open.
    let form = Arc::new(Form::default_form().unwrap());
    let report = Processor::new(s.f.desk(), form, Settings::default())
        .run_once()
        .unwrap();
    assert_eq!((report.patients, report.messages), (2, 30));
    assert!(rows(&s).iter().all(|r| r.processed_at.is_some()));
    assert_eq!(split(&s, ANA).1, flooded, "the flags survive processing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_deliveries_share_one_budget() {
    let s = Arc::new(start().await);
    let mut tasks = Vec::new();
    for i in 0..100 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let b = batch(&s, &ids(ANA, i..i + 1));
            s.signed(b).await.0
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
    let (open, flooded) = split(&s, ANA);
    assert_eq!((open.len(), flooded.len()), (20, 80));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_budget_refills_with_the_clock() {
    let s = start().await;
    post(&s, &ids(ANA, 0..30)).await;
    assert_eq!(split(&s, ANA).0.len(), 20);
    // 30 a minute is one every 2 s: ten seconds buy five more.
    advance(&s, 10);
    post(&s, &ids(ANA, 30..38)).await;
    let (open, flooded) = split(&s, ANA);
    assert_eq!((open.len(), flooded.len()), (25, 13));
    assert!(open.contains(&format!("wamid.{ANA}.34")));
    assert!(!open.contains(&format!("wamid.{ANA}.35")));
    // A minute later she is answered again, up to a full burst.
    advance(&s, 60);
    post(&s, &ids(ANA, 38..59)).await;
    let (open, flooded) = split(&s, ANA);
    assert_eq!((open.len(), flooded.len()), (45, 14));
    assert!(flooded.contains(&format!("wamid.{ANA}.58")));
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicates_spend_no_budget_and_keep_their_verdict() {
    let s = start().await;
    post(&s, &ids(ANA, 0..10)).await;
    // Meta retries the same ten five times: no new rows, and no budget spent.
    for _ in 0..5 {
        post(&s, &ids(ANA, 0..10)).await;
    }
    post(&s, &ids(ANA, 10..25)).await;
    let (open, flooded) = split(&s, ANA);
    assert_eq!((open.len(), flooded.len()), (20, 5));
    let before = rows(&s);

    // With the budget full again, retries of everything (the flagged ones too) change nothing...
    advance(&s, 120);
    for _ in 0..3 {
        post(&s, &ids(ANA, 0..25)).await;
    }
    assert_eq!(
        rows(&s),
        before,
        "a retry keeps the first delivery's row and flag"
    );
    // ...and the refilled budget is still all there for new messages.
    post(&s, &ids(ANA, 25..45)).await;
    assert_eq!(split(&s, ANA).0.len(), 40);
    assert_eq!(s.count("inbound_messages"), 45);
}

async fn start_with(limit: FloodLimit, wake: Arc<Notify>) -> Server {
    let f = clinic();
    let secrets = WebhookSecrets {
        app_secret: Arc::from(SECRET),
        verify_token: Arc::from("unused"),
    };
    let app = router_with_flood_limit(f.desk(), secrets, wake, limit).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        f,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn another_limit_can_be_given_and_a_flood_alone_does_not_wake_the_bot() {
    let wake = Arc::new(Notify::new());
    let limit = FloodLimit {
        per_minute: NonZeroU32::new(6).unwrap(),
        burst: NonZeroU32::new(3).unwrap(),
    };
    let s = start_with(limit, wake.clone()).await;
    let woken =
        || async { tokio::time::timeout(Duration::from_millis(200), wake.notified()).await };
    post(&s, &ids(ANA, 0..5)).await;
    assert_eq!(split(&s, ANA).0.len(), 3);
    assert!(woken().await.is_ok(), "new messages to answer wake the bot");
    post(&s, &ids(ANA, 5..9)).await;
    assert_eq!(split(&s, ANA).1.len(), 6);
    assert!(
        woken().await.is_err(),
        "nothing to answer: the bot sleeps on"
    );
    advance(&s, 10);
    post(&s, &ids(ANA, 9..10)).await;
    assert_eq!(split(&s, ANA).0.len(), 4, "one every 10 s at 6 a minute");
}
