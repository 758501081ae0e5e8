//! Issue 6, must-show: the WhatsApp set-up's checks against a local fake of Meta's Graph API
//! (the phone number, the account's numbers and webhook subscription, the messages endpoint),
//! which answers with Meta's error shapes on demand (190 with subcode 463, 100, 131030); then
//! the test message's statuses arrive as signed status webhooks through the real webhook router
//! and `test_message_status` follows them.
pub mod fake_graph;

use std::sync::Arc;

use intake_core::sender::GraphConfig;
use intake_core::setup::{
    check_connection, send_test_message, subscribe_webhooks, test_message_status, SetupProblem,
    TestState,
};
use serde_json::{json, Value};

use crate::log_capture::{assert_no_leaks, Capture};
use crate::wa::PHONE_NUMBER_ID;
use crate::webhook::start;

use fake_graph::{
    fake_graph, EXPIRED_TOKEN, GOOD_TOKEN, OTHER_WABA_ID, REVOKED_TOKEN, TOKENS, WABA_ID,
};

/// The admin's own phone, on the app's list of test recipients.
const ADMIN_PHONE: &str = "+34 611 223 344";
/// A second listed phone, whose test message fails later (status webhook).
const LATER_FAILS: &str = "+34 633 445 566";
/// Not on the list: Meta refuses the send with 131030 while the app is in development mode.
const NOT_LISTED: &str = "+34 622 131 030";
/// The numbers as fragments any log format would keep.
const PHONES: &[&str] = &["611223344", "633445566", "622131030"];

fn graph(base_url: &str, phone_number_id: &str, token: &str) -> GraphConfig {
    GraphConfig {
        base_url: base_url.into(),
        version: "v23.0".into(),
        phone_number_id: phone_number_id.into(),
        token: Arc::from(token),
    }
}

/// No explanation may carry a token, a phone number or Meta's own words.
fn assert_clean(p: &SetupProblem) {
    for secret in TOKENS.iter().chain(PHONES) {
        assert!(!p.message.contains(secret), "{p:?}");
    }
    for meta_words in [
        "OAuth",
        "Session has expired",
        "(#",
        "Unsupported get request",
    ] {
        assert!(!p.message.contains(meta_words), "{p:?}");
    }
    assert!(p.code.starts_with("setup."), "{p:?}");
}

/// A status webhook for a message we sent, in the shape of the shared fixtures
/// (status_sent.json, status_failed_131047.json).
fn status_webhook(wamid: &str, status: &str, ts: i64, to: &str, errors: Option<Value>) -> Vec<u8> {
    let mut s =
        json!({"id": wamid, "status": status, "timestamp": ts.to_string(), "recipient_id": to});
    if status != "failed" {
        s["pricing"] = json!({"billable": false, "pricing_model": "PMP",
            "type": "free_customer_service", "category": "utility"});
    }
    if let Some(e) = errors {
        s["errors"] = e;
    }
    json!({"object": "whatsapp_business_account", "entry": [{"id": WABA_ID, "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
        "statuses": [s]
    }}]}]})
    .to_string()
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_check_reads_the_number_and_fixes_the_webhook_subscription() {
    let (fake, url) = fake_graph().await;
    let g = graph(&url, PHONE_NUMBER_ID, GOOD_TOKEN);

    let check = check_connection(&g, WABA_ID).await.unwrap();
    assert_eq!(check.display_phone_number, "+1 555-000-1111");
    assert_eq!(check.verified_name, "Clínica San Rafael");
    assert_eq!(check.quality_rating.as_deref(), Some("GREEN"));
    assert_eq!(
        check.code_verification_status.as_deref(),
        Some("NOT_VERIFIED")
    );
    // Not subscribed: the usual reason no webhook ever arrives, explained.
    assert!(check.subscribed_apps.is_empty());
    let problem = check.webhook_problem.clone().unwrap();
    assert_eq!(problem.code, "setup.webhooks_not_subscribed");
    assert_clean(&problem);

    subscribe_webhooks(&g, WABA_ID).await.unwrap();
    let check = check_connection(&g, WABA_ID).await.unwrap();
    assert_eq!(check.subscribed_apps, vec!["Intake Desk Clinic".to_owned()]);
    assert_eq!(check.webhook_problem, None);
    let v = serde_json::to_value(&check).unwrap();
    assert_eq!(v["displayPhoneNumber"], "+1 555-000-1111");
    assert!(v["webhookProblem"].is_null());

    let requests = fake.requests.lock().unwrap().clone();
    assert!(
        requests[0].starts_with(&format!("GET /v23.0/{PHONE_NUMBER_ID}?")),
        "{requests:?}"
    );
    assert_eq!(
        requests[1..4],
        [
            format!("GET /v23.0/{WABA_ID}/phone_numbers"),
            format!("GET /v23.0/{WABA_ID}/subscribed_apps"),
            format!("POST /v23.0/{WABA_ID}/subscribed_apps"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn graph_errors_190_100_and_131030_are_explained_without_the_token() {
    let logs = Capture::start();
    let (fake, url) = fake_graph().await;
    let check = |phone_id: &'static str, token: &'static str, waba: &'static str| {
        let g = graph(&url, phone_id, token);
        async move { check_connection(&g, waba).await.unwrap_err() }
    };

    // 190 with subcode 463: a 24-hour token from the API Setup page, the day after.
    let p = check(PHONE_NUMBER_ID, EXPIRED_TOKEN, WABA_ID).await;
    assert_eq!(
        (p.code.as_str(), p.meta_code),
        ("setup.token_expired", Some(190))
    );
    assert!(p.message.contains("24 hours"), "{p:?}");
    assert!(p.message.contains("System users"), "{p:?}");
    assert_clean(&p);
    // 190 without a subcode: revoked or mistyped.
    let p = check(PHONE_NUMBER_ID, REVOKED_TOKEN, WABA_ID).await;
    assert_eq!(
        (p.code.as_str(), p.meta_code),
        ("setup.token_invalid", Some(190))
    );
    assert_clean(&p);
    // The token is checked by the first call, whatever the IDs: the same explanation on send.
    let p = send_test_message(&graph(&url, PHONE_NUMBER_ID, EXPIRED_TOKEN), ADMIN_PHONE)
        .await
        .unwrap_err();
    assert_eq!(p.code, "setup.token_expired");
    assert_clean(&p);

    // 100: a phone number ID that does not exist (or the token may not see).
    let p = check("106540352249999", GOOD_TOKEN, WABA_ID).await;
    assert_eq!(
        (p.code.as_str(), p.meta_code),
        ("setup.wrong_phone_number_id", Some(100))
    );
    assert_clean(&p);
    // 100: the two IDs swapped, told apart by Meta's node type.
    let p = check(WABA_ID, GOOD_TOKEN, PHONE_NUMBER_ID).await;
    assert_eq!(p.code, "setup.wrong_phone_number_id");
    assert!(p.message.contains("business account ID field"), "{p:?}");
    assert_clean(&p);
    // 100 on the account: a business account ID that does not exist.
    let p = check(PHONE_NUMBER_ID, GOOD_TOKEN, "102290129349999").await;
    assert_eq!(
        (p.code.as_str(), p.meta_code),
        ("setup.wrong_business_account_id", Some(100))
    );
    assert_clean(&p);
    // A real account, but not the number's.
    let p = check(PHONE_NUMBER_ID, GOOD_TOKEN, OTHER_WABA_ID).await;
    assert_eq!(p.code, "setup.number_not_in_account");
    assert_clean(&p);

    // 131030: the number is not on the development app's list of test recipients.
    let g = graph(&url, PHONE_NUMBER_ID, GOOD_TOKEN);
    let p = send_test_message(&g, NOT_LISTED).await.unwrap_err();
    assert_eq!(
        (p.code.as_str(), p.meta_code),
        ("setup.not_allowed_recipient", Some(131030))
    );
    assert!(p.message.contains("API Setup"), "{p:?}");
    assert_clean(&p);
    // A number without its country code never reaches Meta.
    let before = fake.requests.lock().unwrap().len();
    let p = send_test_message(&g, "611 223 344").await.unwrap_err();
    assert_eq!(
        (p.code.as_str(), p.meta_code),
        ("setup.invalid_recipient", None)
    );
    assert_eq!(fake.requests.lock().unwrap().len(), before);

    // Meta unreachable: a port nothing listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let p = check_connection(&graph(&closed, PHONE_NUMBER_ID, GOOD_TOKEN), WABA_ID)
        .await
        .unwrap_err();
    assert_eq!((p.code.as_str(), p.meta_code), ("setup.no_network", None));

    assert!(fake.sent.lock().unwrap().is_empty(), "nothing was accepted");
    let log = logs.text();
    assert!(
        log.contains("Graph API refused a WhatsApp set-up call"),
        "{log}"
    );
    let mut needles: Vec<&str> = TOKENS.to_vec();
    needles.extend(PHONES);
    assert_no_leaks(&log, &needles);
}

#[tokio::test(flavor = "multi_thread")]
async fn test_message_status_follows_the_status_webhooks() {
    let logs = Capture::start();
    let server = start().await;
    let desk = server.f.desk();
    let (fake, url) = fake_graph().await;
    let g = graph(&url, PHONE_NUMBER_ID, GOOD_TOKEN);

    let message = send_test_message(&g, ADMIN_PHONE).await.unwrap();
    assert_eq!(message.to, "+34611223344");
    let body = fake.sent.lock().unwrap()[0].clone();
    assert_eq!(
        body,
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "34611223344",
            "type": "template", "template": {"name": "hello_world", "language": {"code": "en_US"}}})
    );
    let wamid = message.wamid.clone();
    let status = test_message_status(&desk, &wamid).unwrap();
    assert_eq!(status.state, TestState::Accepted);
    assert!(status.steps.is_empty() && status.problem.is_none());

    let ts = 1_763_900_000;
    let mut seen = Vec::new();
    for (i, (name, state)) in [
        ("sent", TestState::Sent),
        ("delivered", TestState::Delivered),
        ("read", TestState::Read),
    ]
    .into_iter()
    .enumerate()
    {
        let (code, text) = server
            .signed(status_webhook(
                &wamid,
                name,
                ts + i as i64,
                "34611223344",
                None,
            ))
            .await;
        assert_eq!(code, 200, "{text}");
        let status = test_message_status(&desk, &wamid).unwrap();
        assert_eq!(status.state, state);
        assert_eq!(status.problem, None);
        seen.push(state);
        let steps: Vec<TestState> = status.steps.iter().map(|s| s.state).collect();
        assert_eq!(steps, seen);
    }
    // Meta's retry of a stale status, late and out of order, moves nothing back.
    server
        .signed(status_webhook(
            &wamid,
            "delivered",
            ts + 1,
            "34611223344",
            None,
        ))
        .await;
    let status = test_message_status(&desk, &wamid).unwrap();
    assert_eq!(status.state, TestState::Read);
    assert_eq!(status.steps.len(), 3);
    assert_eq!(
        status.steps[2].at,
        (ts + 2) * 1000,
        "Meta's time, in unix ms"
    );
    let v = serde_json::to_value(&status).unwrap();
    assert_eq!(v["state"], "read");
    assert_eq!(v["steps"][0]["state"], "sent");

    // A second test message that Meta accepts and then reports failed with 131030.
    let failing = send_test_message(&g, LATER_FAILS).await.unwrap();
    assert_ne!(failing.wamid, wamid);
    let errors = json!([{"code": 131030, "title": "Recipient phone number not in allowed list",
        "message": "Recipient phone number not in allowed list",
        "error_data": {"details": "Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again."},
        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]);
    let (code, _) = server
        .signed(status_webhook(
            &failing.wamid,
            "failed",
            ts + 5,
            "34633445566",
            Some(errors),
        ))
        .await;
    assert_eq!(code, 200);
    let status = test_message_status(&desk, &failing.wamid).unwrap();
    assert_eq!(status.state, TestState::Failed);
    let problem = status.problem.unwrap();
    assert_eq!(
        (problem.code.as_str(), problem.meta_code),
        ("setup.not_allowed_recipient", Some(131030))
    );
    assert_clean(&problem);
    // The first message's state is its own.
    assert_eq!(
        test_message_status(&desk, &wamid).unwrap().state,
        TestState::Read
    );
    // An unknown wamid is waiting, not an error; an empty one is the caller's mistake.
    assert_eq!(
        test_message_status(&desk, "wamid.NEVER").unwrap().state,
        TestState::Accepted
    );
    assert_eq!(
        test_message_status(&desk, "").unwrap_err().code(),
        "invalid.wamid"
    );

    let mut needles: Vec<&str> = TOKENS.to_vec();
    needles.extend(PHONES);
    assert_no_leaks(&logs.text(), &needles);
}
