//! The sender against a local fake of Meta's Graph API that speaks its wire format: it fails
//! with 500s for a while and then recovers; one patient's window has closed (131047) and one
//! send hits an expired token (190).
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use chrono::Duration;
use intake_core::outbox;
use intake_core::sender::{GraphConfig, Sender};
use serde_json::{json, Value};

use crate::common::clinic;

#[derive(Default)]
pub struct Fake {
    /// Requests answered 500 before the fake "recovers".
    outage: AtomicUsize,
    pub accepted: Mutex<Vec<(String, String)>>,
    pub seen: Mutex<Vec<Value>>,
    /// wamids of patient messages marked as read.
    pub reads: Mutex<Vec<String>>,
}

impl Fake {
    /// Messages (not read receipts) posted to the fake for `to`, in order, refused ones too.
    pub fn sent_to(&self, to: &str) -> Vec<Value> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|b| b["to"] == to && b["status"].is_null())
            .cloned()
            .collect()
    }
}

async fn messages(
    State(fake): State<Arc<Fake>>,
    Path((version, phone_number_id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    fake.seen.lock().unwrap().push(body.clone());
    assert_eq!(version, "v23.0");
    assert_eq!(phone_number_id, "106540352242922");
    assert_eq!(headers["authorization"], "Bearer test-token");
    assert_eq!(body["messaging_product"], "whatsapp");
    if fake.outage.load(Ordering::SeqCst) > 0 {
        fake.outage.fetch_sub(1, Ordering::SeqCst);
        let e = json!({"error": {"message": "Service temporarily unavailable", "type": "OAuthException", "code": 2, "fbtrace_id": "X"}});
        return (StatusCode::INTERNAL_SERVER_ERROR, Json(e));
    }
    if body["status"] == "read" {
        assert!(
            body.get("to").is_none(),
            "a read receipt names only the message"
        );
        let id = body["message_id"].as_str().unwrap().to_owned();
        fake.reads.lock().unwrap().push(id);
        return (StatusCode::OK, Json(json!({"success": true})));
    }
    let to = body["to"].as_str().unwrap().to_owned();
    let window_closed = json!({"error": {"message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047}});
    match to.as_str() {
        // The window closed, but an approved template still goes through (as on Meta).
        "34999000048" if body["type"] != "template" => {
            (StatusCode::BAD_REQUEST, Json(window_closed))
        }
        "34999000047" => (
            StatusCode::BAD_REQUEST,
            Json(
                json!({"error": {"message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047}}),
            ),
        ),
        "34999000190" => (
            StatusCode::UNAUTHORIZED,
            Json(
                json!({"error": {"message": "Error validating access token", "type": "OAuthException", "code": 190}}),
            ),
        ),
        _ => {
            let text = body["text"]["body"]
                .as_str()
                .or(body["template"]["name"].as_str())
                .unwrap_or_default()
                .to_owned();
            let mut accepted = fake.accepted.lock().unwrap();
            let wamid = format!("wamid.OUT.{}", accepted.len());
            accepted.push((to.clone(), text));
            (
                StatusCode::OK,
                Json(
                    json!({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}], "messages": [{"id": wamid}]}),
                ),
            )
        }
    }
}

pub async fn fake_graph(outage: usize) -> (Arc<Fake>, String) {
    let fake = Arc::new(Fake::default());
    fake.outage.store(outage, Ordering::SeqCst);
    let app = Router::new()
        .route("/{version}/{phone}/messages", post(messages))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (fake, url)
}

struct OutboxRow {
    to: String,
    state: String,
    wamid: Option<String>,
    code: Option<i64>,
    reason: Option<String>,
}

fn text(body: &str) -> Value {
    json!({"type": "text", "text": {"body": body}})
}

#[tokio::test(flavor = "multi_thread")]
async fn outage_then_recovery_delivers_everything_once_in_order_and_surfaces_fatal_errors() {
    let f = clinic();
    let desk = f.desk();
    let (fake, url) = fake_graph(4).await;
    let patients = ["34600000001", "34600000002", "34600000003"];
    {
        let conn = desk.db().conn();
        let now = desk.now_ms();
        for m in 0..3 {
            for p in patients {
                outbox::enqueue(&conn, p, &text(&format!("{p} message {m}")), now).unwrap();
            }
        }
        outbox::enqueue(&conn, "34999000047", &text("late reply"), now).unwrap();
        outbox::enqueue(&conn, "34999000190", &text("token test"), now).unwrap();
    }
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

    // The outage: the first sends fail and wait for a retry; nothing is lost or reordered.
    let first = sender.drain_until_idle().await.unwrap();
    assert_eq!(first.retrying, 4, "{first:?}");
    for _ in 0..20 {
        f.clock.advance(Duration::minutes(1));
        sender.drain_until_idle().await.unwrap();
    }
    let accepted = fake.accepted.lock().unwrap().clone();
    assert!(!accepted.is_empty());
    assert_eq!(
        accepted.len(),
        9,
        "every patient message delivered once: {accepted:?}"
    );
    for p in patients {
        let mine: Vec<&str> = accepted
            .iter()
            .filter(|(to, _)| to == p)
            .map(|(_, t)| t.as_str())
            .collect();
        let expected: Vec<String> = (0..3).map(|m| format!("{p} message {m}")).collect();
        assert_eq!(mine, expected, "in order for {p}");
    }

    let rows: Vec<OutboxRow> = {
        let conn = desk.db().conn();
        let mut stmt = conn
            .prepare("SELECT wa_to, state, wamid, error_code, error_reason FROM outbox ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| {
            Ok(OutboxRow {
                to: r.get(0)?,
                state: r.get(1)?,
                wamid: r.get(2)?,
                code: r.get(3)?,
                reason: r.get(4)?,
            })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    let sent: Vec<_> = rows.iter().filter(|r| r.state == "sent").collect();
    assert_eq!(sent.len(), 9);
    assert!(sent.iter().all(|r| r
        .wamid
        .as_deref()
        .is_some_and(|w| w.starts_with("wamid.OUT."))));
    let window = rows.iter().find(|r| r.to == "34999000047").unwrap();
    assert_eq!(
        (window.state.as_str(), window.code),
        ("needs_staff", Some(131047))
    );
    assert!(window.reason.as_deref().unwrap().contains("24 hours"));
    let token = rows.iter().find(|r| r.to == "34999000190").unwrap();
    assert_eq!((token.state.as_str(), token.code), ("failed", Some(190)));
    assert!(token.reason.as_deref().unwrap().contains("token"));
    // Fatal errors are not retried: exactly one request each.
    let token_requests = fake
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|b| b["to"] == "34999000190")
        .count();
    assert_eq!(token_requests, 1);
    let again = sender.drain_until_idle().await.unwrap();
    assert_eq!(
        again.sent + again.retrying + again.stopped,
        0,
        "nothing is sent twice"
    );

    // The connection health panel: the token error came after the last message that went
    // out, so it is flagged; the last error is the newest stop, with when.
    let health = intake_core::health::send_health(&desk).unwrap();
    assert!(health.token_problem);
    assert_eq!(health.backlog, 0);
    f.clock.advance(Duration::minutes(5));
    {
        let conn = desk.db().conn();
        outbox::enqueue(&conn, "34999000190", &text("token again"), desk.now_ms()).unwrap();
    }
    sender.drain_until_idle().await.unwrap();
    let last = intake_core::health::send_health(&desk)
        .unwrap()
        .last_error
        .unwrap();
    assert_eq!(last.code, 190);
    assert_eq!(last.at, Some(desk.now_ms()));
    assert!(last.reason.contains("token"));
    // A message that goes out afterwards (a new token was saved) clears the flag.
    {
        let conn = desk.db().conn();
        outbox::enqueue(
            &conn,
            patients[0],
            &text("after the new token"),
            desk.now_ms(),
        )
        .unwrap();
    }
    sender.drain_until_idle().await.unwrap();
    assert!(
        !intake_core::health::send_health(&desk)
            .unwrap()
            .token_problem
    );
}
