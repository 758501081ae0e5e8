//! The whole spine over real HTTP: signed webhook → stored → processor (engine) → outbox →
//! sender → a local fake of Meta's Graph API. Duplicates of a message are answered once.
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use intake_core::engine::Settings;
use intake_core::form::Form;
use intake_core::processor::Processor;
use intake_core::sender::{GraphConfig, Sender};
use serde_json::Value;

use crate::sender::fake_graph;
use crate::wa::{buttons, tap, webhook_from};
use crate::webhook::{fixture, start};

const PATIENT: &str = "34600111222";

fn reply_webhook(wamid: &str, ts: i64, id: &str, title: &str) -> Vec<u8> {
    webhook_from(PATIENT, wamid, ts, tap(id, title))
}

#[tokio::test(flavor = "multi_thread")]
async fn hi_then_taps_flow_through_engine_outbox_and_sender_once_each() {
    let s = start().await;
    // The fixture's "Hi" was sent at 1763800000; the desk's clock is a few seconds later.
    s.f.clock.set(Utc.timestamp_opt(1_763_800_005, 0).unwrap());
    let desk = s.f.desk();
    let (fake, url) = fake_graph(0).await;
    let sender = Sender::new(
        desk.clone(),
        GraphConfig {
            base_url: url,
            version: "v23.0".into(),
            phone_number_id: "106540352242922".into(),
            token: Arc::from("test-token"),
        },
    )
    .unwrap();
    let form = Arc::new(Form::default_form().unwrap());
    let processor = Processor::new(desk.clone(), form, Settings::default());
    let round = || async {
        let report = processor.run_once().unwrap();
        sender.drain_until_idle().await.unwrap();
        report
    };

    assert_eq!(s.signed(fixture("text.json")).await.0, 200);
    let first = round().await;
    assert_eq!((first.patients, first.messages), (1, 1));
    let replies = || -> Vec<Value> {
        let seen = fake.seen.lock().unwrap();
        seen.iter()
            .filter(|m| m["status"] != "read")
            .cloned()
            .collect()
    };
    let sent = replies();
    assert_eq!(fake.reads.lock().unwrap().len(), 1, "the Hi is marked read");
    assert_eq!(sent.len(), first.replies, "every reply reached Graph");
    assert!(sent.iter().all(|m| m["to"] == PATIENT));
    let language = sent.last().unwrap().clone();
    let choices = buttons(&language);
    assert!(choices.len() >= 2, "language choice as buttons: {language}");

    // Meta delivers the same "Hi" five more times: nothing new is processed or sent.
    for _ in 0..5 {
        assert_eq!(s.signed(fixture("text.json")).await.0, 200);
    }
    let dup = round().await;
    assert_eq!((dup.messages, dup.replies), (0, 0));
    assert_eq!(replies().len(), sent.len());
    assert_eq!(
        fake.reads.lock().unwrap().len(),
        1,
        "duplicates are not marked read again"
    );

    // Tap the first language: the consent question follows.
    let (id, title) = choices[0].clone();
    s.f.clock.set(Utc.timestamp_opt(1_763_800_030, 0).unwrap());
    assert_eq!(
        s.signed(reply_webhook("wamid.tap.1", 1_763_800_025, &id, &title))
            .await
            .0,
        200
    );
    let second = round().await;
    assert_eq!(second.messages, 1);
    assert!(second.replies >= 1);
    let consent = fake.seen.lock().unwrap().last().unwrap().clone();
    let consent_buttons = buttons(&consent);
    assert!(
        !consent_buttons.is_empty(),
        "consent asked with buttons: {consent}"
    );

    // Agree: the consent evidence lands in the audit chain, in the same transaction.
    let (yes_id, yes_title) = consent_buttons[0].clone();
    s.f.clock.set(Utc.timestamp_opt(1_763_800_060, 0).unwrap());
    assert_eq!(
        s.signed(reply_webhook(
            "wamid.tap.2",
            1_763_800_055,
            &yes_id,
            &yes_title
        ))
        .await
        .0,
        200
    );
    round().await;
    let conn = desk.db().connect().unwrap();
    let (subject, details): (String, String) = conn
        .query_row(
            "SELECT subject, details FROM audit_log WHERE action = 'consent.recorded'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(subject.starts_with("conversation:"));
    assert!(
        details.contains("wamid.tap.2") && details.contains("textSha256"),
        "{details}"
    );
    assert!(
        !details.contains(PATIENT),
        "no phone number in the audit chain"
    );
    let pending: i64 = conn
        .query_row(
            "SELECT count(*) FROM inbound_messages WHERE processed_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pending, 0);
    let unsent: i64 = conn
        .query_row(
            "SELECT count(*) FROM outbox WHERE state != 'sent'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unsent, 0);
}
