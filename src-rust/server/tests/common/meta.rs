//! A stand-in for Meta on loopback: the Graph API's send endpoint (messages and read receipts,
//! answered in the real wire format) and the webhook side, which posts signed status webhooks
//! carrying our `biz_opaque_callback_data` back to the server and retries them until they are
//! acknowledged, as Meta does. Patients' messages go through [`post_until_acked`], which also
//! retries like Meta while the server is down.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use intake_core::whatsapp::signature::sign;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::SECRET;

pub const PHONE_NUMBER_ID: &str = "106540352242922";

/// One message the bot sent, as the fake received it.
#[derive(Debug, Clone)]
pub struct Sent {
    pub to: String,
    pub callback: String,
    pub body: Value,
}

#[derive(Default)]
pub struct FakeMeta {
    /// Where status webhooks go: the server's current webhook URL (it changes on restart).
    pub webhook_url: Mutex<String>,
    pub sent: Mutex<Vec<Sent>>,
    /// wamids the bot marked as read.
    pub reads: Mutex<Vec<String>>,
    inboxes: Mutex<HashMap<String, mpsc::UnboundedSender<Value>>>,
    next: AtomicU64,
    statuses: bool,
    client: reqwest::Client,
    /// The send with this number (1-based) is accepted but never answered: the server is left
    /// waiting on a POST that Meta has taken, the window a crash test needs to hit.
    hang_at: AtomicUsize,
}

impl FakeMeta {
    /// Starts the Graph side on 127.0.0.1:0; returns it and its base URL. With `statuses`, each
    /// accepted message is followed by a signed `sent` status webhook.
    pub async fn start(statuses: bool) -> (Arc<Self>, String) {
        let meta = Arc::new(Self {
            statuses,
            hang_at: AtomicUsize::new(usize::MAX),
            ..Self::default()
        });
        let app = Router::new()
            .route(
                &format!("/v23.0/{PHONE_NUMBER_ID}/messages"),
                post(messages),
            )
            .with_state(meta.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (meta, url)
    }

    /// Replies to `to` arrive on the returned channel.
    pub fn inbox(&self, to: &str) -> mpsc::UnboundedReceiver<Value> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.inboxes
            .lock()
            .expect("inboxes")
            .insert(to.to_owned(), tx);
        rx
    }

    /// Accept the `n`-th message but never answer it.
    pub fn hang_at(&self, n: usize) {
        self.hang_at.store(n, Ordering::SeqCst);
    }

    pub fn set_webhook(&self, url: &str) {
        *self.webhook_url.lock().expect("url") = url.to_owned();
    }

    /// How many times each callback (outbox row) was sent; more than 1 is a reply sent twice.
    pub fn callback_counts(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for s in self.sent.lock().expect("sent").iter() {
            *counts.entry(s.callback.clone()).or_insert(0) += 1;
        }
        counts
    }

    async fn deliver_status(self: Arc<Self>, wamid: String, to: String, callback: String) {
        let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
            "statuses": [{"id": wamid, "status": "sent", "timestamp": unix_now().to_string(),
                          "recipient_id": to, "biz_opaque_callback_data": callback}]
        }}]}]})
        .to_string()
        .into_bytes();
        let url = self.webhook_url.lock().expect("url").clone();
        let _ = post_until_acked(&self.client, || url.clone(), &body).await;
    }
}

async fn messages(State(meta): State<Arc<FakeMeta>>, Json(body): Json<Value>) -> Json<Value> {
    if body["status"] == "read" {
        let id = body["message_id"].as_str().unwrap_or_default().to_owned();
        meta.reads.lock().expect("reads").push(id);
        return Json(json!({"success": true}));
    }
    let to = body["to"].as_str().unwrap_or_default().to_owned();
    let callback = body["biz_opaque_callback_data"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let wamid = format!("wamid.fake.{}", meta.next.fetch_add(1, Ordering::SeqCst));
    let count = {
        let mut sent = meta.sent.lock().expect("sent");
        sent.push(Sent {
            to: to.clone(),
            callback: callback.clone(),
            body: body.clone(),
        });
        sent.len()
    };
    if let Some(tx) = meta.inboxes.lock().expect("inboxes").get(&to) {
        let _ = tx.send(body);
    }
    if meta.statuses {
        tokio::spawn(
            meta.clone()
                .deliver_status(wamid.clone(), to.clone(), callback),
        );
    }
    if count == meta.hang_at.load(Ordering::SeqCst) {
        std::future::pending::<()>().await;
    }
    Json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": wamid}]
    }))
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// A signed-to-be webhook body with one patient message, as Meta sends it.
pub fn webhook(from: &str, wamid: &str, message: Value) -> Vec<u8> {
    let mut m = message;
    m["from"] = json!(from);
    m["id"] = json!(wamid);
    m["timestamp"] = json!(unix_now().to_string());
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Patient"}, "wa_id": from}],
        "messages": [m]
    }}]}]})
    .to_string()
    .into_bytes()
}

/// Posts a signed body until the server answers 200, retrying every 50 ms for up to a minute
/// (Meta retries for days; a test needs less). Returns false if it never was acknowledged.
pub async fn post_until_acked(
    client: &reqwest::Client,
    url: impl Fn() -> String,
    body: &[u8],
) -> bool {
    let sig = sign(SECRET.as_bytes(), body);
    for _ in 0..1200 {
        let sent = client
            .post(url())
            .header("X-Hub-Signature-256", &sig)
            .body(body.to_vec())
            .send()
            .await;
        if sent.is_ok_and(|r| r.status() == 200) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}
