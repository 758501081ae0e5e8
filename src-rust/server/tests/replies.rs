//! The headless server answers patients: a signed "Hi" reaches the real `intake-server`, the
//! bot processes it and the language question arrives at a local fake of the Graph API.
mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use common::{Site, SECRET};
use serde_json::{json, Value};

type Seen = Arc<Mutex<Vec<Value>>>;

async fn messages(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Json<Value> {
    assert_eq!(headers["authorization"], "Bearer graph-token");
    let n = {
        let mut s = seen.lock().unwrap();
        s.push(body);
        s.len()
    };
    Json(
        json!({"messaging_product": "whatsapp", "messages": [{"id": format!("wamid.server.{n}")}]}),
    )
}

#[test]
fn serve_answers_a_patient_through_the_graph_api() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let seen: Seen = Arc::default();
    let graph = rt.block_on(async {
        let app = Router::new()
            .route("/v23.0/106540352242922/messages", post(messages))
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    });
    let site = Site::with_config(&format!(
        "graph_base_url = \"{graph}\"\ngraph_version = \"v23.0\"\nphone_number_id = \"106540352242922\"\n"
    ));
    assert!(site.init().status.success());
    site.put_secret("whatsapp-access-token", "graph-token");
    let (_server, url) = site.serve();

    rt.block_on(async {
        let body = common::fixture("text.json");
        let sig = intake_core::whatsapp::signature::sign(SECRET.as_bytes(), &body);
        let r = reqwest::Client::new()
            .post(&url)
            .header("X-Hub-Signature-256", sig)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let replied = || {
        seen.lock()
            .unwrap()
            .iter()
            .any(|m| m["type"] == "interactive")
    };
    while !replied() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let (reads, sent): (Vec<Value>, Vec<Value>) = seen
        .lock()
        .unwrap()
        .iter()
        .cloned()
        .partition(|m| m["status"] == "read");
    assert_eq!(
        reads.len(),
        1,
        "the patient's message is marked read: {reads:?}"
    );
    assert!(!sent.is_empty(), "no reply reached the Graph API");
    assert!(sent.iter().all(|m| m["to"] == "34600111222"));
    assert!(
        sent.iter().any(|m| m["type"] == "interactive"),
        "the language question, as buttons: {sent:?}"
    );
}
