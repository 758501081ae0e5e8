//! The sender's rules beyond retries, against the fake Graph API in `sender.rs`: sends cut off by
//! a crash are settled from Meta's status webhooks (never sent twice when Meta saw them), the
//! per-patient pacing, the 24-hour window with and without a re-engagement template, and read
//! receipts that never hold a reply back.
use std::sync::Arc;

use chrono::Duration;
use intake_core::sender::{GraphConfig, SendPolicy, Sender, Template};
use intake_core::{ingest, outbox, Desk};
use serde_json::{json, Value};

use crate::common::{clinic, Fixture};
use crate::sender::{fake_graph, Fake};

fn text(body: &str) -> Value {
    json!({"type": "text", "text": {"body": body}})
}

async fn sender_with(f: &Fixture, policy: SendPolicy) -> (Arc<Fake>, Sender) {
    let (fake, url) = fake_graph(0).await;
    let graph = GraphConfig {
        base_url: url,
        version: "v23.0".into(),
        phone_number_id: "106540352242922".into(),
        token: Arc::from("test-token"),
    };
    (fake, Sender::with_policy(f.desk(), graph, policy).unwrap())
}

fn enqueue(desk: &Desk, to: &str, texts: &[&str]) -> Vec<i64> {
    let conn = desk.db().conn();
    let now = desk.now_ms();
    texts
        .iter()
        .map(|t| outbox::enqueue(&conn, to, &text(t), now).unwrap())
        .collect()
}

fn states(desk: &Desk) -> Vec<(i64, String, Option<String>, Option<i64>)> {
    let conn = desk.db().conn();
    let mut stmt = conn
        .prepare("SELECT id, state, wamid, error_code FROM outbox ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn accepted_texts(fake: &Fake, to: &str) -> Vec<String> {
    fake.accepted
        .lock()
        .unwrap()
        .iter()
        .filter(|(t, _)| t == to)
        .map(|(_, text)| text.clone())
        .collect()
}

/// A `sent` status webhook as Meta posts it, echoing our callback data.
fn status_webhook(wamid: &str, callback: &str) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": "106540352242922"},
        "statuses": [{"id": wamid, "status": "sent", "timestamp": "1767603600",
                      "recipient_id": "34600000001", "biz_opaque_callback_data": callback}]
    }}]}]})
    .to_string()
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_send_carries_its_outbox_id_for_metas_status_webhooks() {
    let f = clinic();
    let desk = f.desk();
    let (fake, sender) = sender_with(&f, SendPolicy::default()).await;
    let ids = enqueue(&desk, "34600000001", &["one", "two"]);
    sender.drain_until_idle().await.unwrap();
    let callbacks: Vec<Value> = fake
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|b| b["biz_opaque_callback_data"].clone())
        .collect();
    assert_eq!(
        callbacks,
        ids.iter()
            .map(|id| Value::from(outbox::callback(*id)))
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sends_cut_off_by_a_crash_are_confirmed_by_status_or_sent_again_after_the_grace() {
    let f = clinic();
    let desk = f.desk();
    let ids = enqueue(&desk, "34600000001", &["seen by Meta"]);
    let other = enqueue(&desk, "34600000002", &["lost in the crash"]);
    // The previous run claimed both, posted them, and died before recording either outcome.
    {
        let conn = desk.db().conn();
        outbox::claim(&conn, &[ids[0], other[0]], desk.now_ms()).unwrap();
        // Meta did take the first: its status webhook carries our callback.
        let body = status_webhook("wamid.FROM.META", &outbox::callback(ids[0]));
        let guard = ingest::FloodGuard::new(Default::default(), desk.clock());
        ingest::ingest(&conn, &body, desk.now_ms(), &guard).unwrap();
    }
    let (fake, sender) = sender_with(&f, SendPolicy::default()).await;

    let first = sender.drain_until_idle().await.unwrap();
    assert_eq!((first.confirmed, first.released, first.sent), (1, 0, 0));
    assert!(
        fake.seen.lock().unwrap().is_empty(),
        "nothing posted inside the grace period"
    );
    let rows = states(&desk);
    assert_eq!(
        rows[0],
        (ids[0], "sent".into(), Some("wamid.FROM.META".into()), None)
    );
    assert_eq!(rows[1].1, "pending");

    f.clock.advance(Duration::seconds(119));
    assert_eq!(sender.drain_until_idle().await.unwrap().released, 0);
    f.clock.advance(Duration::seconds(2));
    let later = sender.drain_until_idle().await.unwrap();
    assert_eq!((later.released, later.sent), (1, 1));
    assert_eq!(accepted_texts(&fake, "34600000001"), Vec::<String>::new());
    assert_eq!(
        accepted_texts(&fake, "34600000002"),
        vec!["lost in the crash"]
    );
    assert_eq!(sender.drain_until_idle().await.unwrap(), Default::default());
}

#[tokio::test(flavor = "multi_thread")]
async fn one_patient_gets_a_burst_then_one_message_per_period_while_others_are_not_held() {
    let f = clinic();
    let desk = f.desk();
    let policy = SendPolicy {
        patient_burst: std::num::NonZeroU32::new(3).unwrap(),
        ..SendPolicy::default()
    };
    let (fake, sender) = sender_with(&f, policy).await;
    let texts: Vec<String> = (0..6).map(|i| format!("m{i}")).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    enqueue(&desk, "34600000001", &refs);
    enqueue(&desk, "34600000002", &["other patient"]);

    sender.drain_until_idle().await.unwrap();
    assert_eq!(accepted_texts(&fake, "34600000001"), ["m0", "m1", "m2"]);
    assert_eq!(accepted_texts(&fake, "34600000002"), ["other patient"]);

    f.clock.advance(Duration::seconds(5));
    sender.drain_until_idle().await.unwrap();
    assert_eq!(accepted_texts(&fake, "34600000001").len(), 3, "not yet");
    f.clock.advance(Duration::seconds(1));
    sender.drain_until_idle().await.unwrap();
    assert_eq!(
        accepted_texts(&fake, "34600000001"),
        ["m0", "m1", "m2", "m3"]
    );
    for _ in 0..4 {
        f.clock.advance(Duration::seconds(6));
        sender.drain_until_idle().await.unwrap();
    }
    assert_eq!(
        accepted_texts(&fake, "34600000001"),
        texts,
        "all of them, once each, in order"
    );
    let attempts: i64 = desk
        .db()
        .conn()
        .query_row("SELECT sum(attempts) FROM outbox", [], |r| r.get(0))
        .unwrap();
    assert_eq!(attempts, 7, "being held back is not a failed attempt");
}

fn events(desk: &Desk, kind: &str) -> Vec<String> {
    let conn = desk.db().conn();
    let mut stmt = conn
        .prepare("SELECT details FROM bot_events WHERE kind = ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([kind], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn start_conversation(desk: &Desk, wa_id: &str) {
    desk.db()
        .conn()
        .execute(
            "INSERT INTO conversations (wa_id, state, updated_at) VALUES (?1, '{}', 0)",
            [wa_id],
        )
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_window_sends_the_reengagement_template_once_and_tells_staff() {
    let f = clinic();
    let desk = f.desk();
    start_conversation(&desk, "34999000048");
    let policy = SendPolicy {
        reopen_template: Some(Template {
            name: "intake_continue".into(),
            language: "es".into(),
        }),
        ..SendPolicy::default()
    };
    let (fake, sender) = sender_with(&f, policy).await;
    enqueue(
        &desk,
        "34999000048",
        &["question 5", "question 6", "question 7"],
    );

    sender.drain_until_idle().await.unwrap();
    let templates: Vec<Value> = fake
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "template")
        .cloned()
        .collect();
    assert_eq!(
        templates.len(),
        1,
        "one template, not one per waiting message"
    );
    assert_eq!(templates[0]["template"]["name"], "intake_continue");
    assert_eq!(templates[0]["template"]["language"]["code"], "es");
    assert_eq!(accepted_texts(&fake, "34999000048"), ["intake_continue"]);
    let rows = states(&desk);
    let stopped: Vec<_> = rows.iter().filter(|r| r.1 == "needs_staff").collect();
    assert_eq!(stopped.len(), 3, "{rows:?}");
    assert!(stopped.iter().all(|r| r.3 == Some(131047)));
    assert_eq!(
        fake.seen.lock().unwrap().len(),
        2,
        "the rest were not tried once the window was known closed"
    );
    assert_eq!(events(&desk, "window_closed"), [r#"{"templateSent":true}"#]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_window_without_template_or_for_the_template_itself_is_left_for_staff() {
    let f = clinic();
    let desk = f.desk();
    start_conversation(&desk, "34999000047");
    let policy = SendPolicy {
        reopen_template: Some(Template {
            name: "intake_continue".into(),
            language: "en".into(),
        }),
        ..SendPolicy::default()
    };
    // This fake number refuses even templates: the template must not be re-sent in a loop.
    let (fake, sender) = sender_with(&f, policy).await;
    enqueue(&desk, "34999000047", &["late reply"]);
    for _ in 0..3 {
        sender.drain_until_idle().await.unwrap();
        f.clock.advance(Duration::minutes(5));
    }
    assert_eq!(
        fake.seen.lock().unwrap().len(),
        2,
        "the reply, then one template"
    );
    assert!(states(&desk).iter().all(|r| r.1 == "needs_staff"));
    assert_eq!(
        events(&desk, "window_closed"),
        [r#"{"templateSent":true}"#, r#"{"templateSent":false}"#]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn read_receipts_go_before_the_reply_and_a_refused_one_never_holds_it_back() {
    let f = clinic();
    let desk = f.desk();
    {
        let conn = desk.db().conn();
        let now = desk.now_ms();
        outbox::enqueue_read(&conn, "34600000001", "wamid.IN.1", now).unwrap();
        outbox::enqueue(&conn, "34600000001", &text("reply"), now).unwrap();
    }
    // One 500 is spent on the read receipt, which is not retried.
    let (fake, url) = fake_graph(1).await;
    let graph = GraphConfig {
        base_url: url,
        version: "v23.0".into(),
        phone_number_id: "106540352242922".into(),
        token: Arc::from("test-token"),
    };
    let sender = Sender::new(desk.clone(), graph).unwrap();
    sender.drain_until_idle().await.unwrap();
    assert!(fake.reads.lock().unwrap().is_empty());
    assert_eq!(accepted_texts(&fake, "34600000001"), ["reply"]);
    let rows = states(&desk);
    assert_eq!(rows[0].1, "failed", "a read receipt is tried once");
    assert_eq!(rows[1].1, "sent");

    outbox::enqueue_read(
        &desk.db().conn(),
        "34600000001",
        "wamid.IN.2",
        desk.now_ms(),
    )
    .unwrap();
    sender.drain_until_idle().await.unwrap();
    assert_eq!(*fake.reads.lock().unwrap(), ["wamid.IN.2"]);
    let last = states(&desk).pop().unwrap();
    assert_eq!((last.1.as_str(), last.2), ("sent", None));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_carrying_a_secret_or_breaking_limits_is_refused_before_it_leaves() {
    let f = clinic();
    let desk = f.desk();
    let (fake, sender) = sender_with(&f, SendPolicy::default()).await;
    enqueue(
        &desk,
        "34600000001",
        &[
            "Your code is test-token, keep it safe",
            "EAAGm0PX4ZCpsBAKZAZBqnoZCZCqoQZDZD1234567890abcdef",
            "",
            "all good",
        ],
    );
    {
        let conn = desk.db().conn();
        let long = "x".repeat(4097);
        outbox::enqueue(&conn, "34600000001", &text(&long), desk.now_ms()).unwrap();
    }
    sender.drain_until_idle().await.unwrap();
    assert_eq!(
        accepted_texts(&fake, "34600000001"),
        ["all good"],
        "only the clean message left, and the refused ones did not block it"
    );
    let reasons: Vec<(String, Option<String>)> = {
        let conn = desk.db().conn();
        let mut stmt = conn
            .prepare("SELECT state, error_reason FROM outbox ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let failed: Vec<&str> = reasons
        .iter()
        .filter(|(s, _)| s == "failed")
        .map(|(_, r)| r.as_deref().unwrap())
        .collect();
    assert_eq!(failed.len(), 4, "{reasons:?}");
    for reason in &failed {
        assert!(
            !reason.contains("test-token") && !reason.contains("EAAG"),
            "the reason never repeats the secret: {reason}"
        );
    }
    assert!(failed[3].contains("4096"), "{}", failed[3]);
}
