//! The real `intake-server`, logging at TRACE (`INTAKE_DESK_LOG=trace`), talks a patient
//! through the first questions; its whole log is then searched for what the patient sent.
//! Patient data must never reach a log line, at any level.
mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use common::{Site, SECRET};
use serde_json::{json, Value};

const PATIENT: &str = "34600111222";
const PHONE_NUMBER_ID: &str = "106540352242922";
/// What the patient sends or is known by, as fragments any log format would keep whole.
const PHI: &[&str] = &[
    "600111222",
    "Zoë Testpatient",
    "Testpatient",
    "Pérez",
    "02/05/1971",
    "1971-05-02",
    "Calle Luna",
];

type Seen = Arc<Mutex<Vec<Value>>>;

async fn messages(State(seen): State<Seen>, Json(body): Json<Value>) -> Json<Value> {
    let n = {
        let mut s = seen.lock().unwrap();
        s.push(body);
        s.len()
    };
    Json(json!({"messaging_product": "whatsapp", "messages": [{"id": format!("wamid.log.{n}")}]}))
}

fn webhook(n: usize, message: Value) -> Vec<u8> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut m = message;
    m["from"] = json!(PATIENT);
    m["id"] = json!(format!("wamid.logs.{n}"));
    m["timestamp"] = json!(now.to_string());
    json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Zoë Testpatient Pérez"}, "wa_id": PATIENT}],
        "messages": [m]
    }}]}]})
    .to_string()
    .into_bytes()
}

fn tap(id: &str) -> Value {
    json!({"type": "interactive", "interactive": {"type": "button_reply",
        "button_reply": {"id": id, "title": "x"}}})
}

fn typed(body: &str) -> Value {
    json!({"type": "text", "text": {"body": body}})
}

#[test]
fn a_trace_log_holds_no_patient_data() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let seen: Seen = Arc::default();
    let graph = rt.block_on(async {
        let app = Router::new()
            .route(
                &format!("/v23.0/{PHONE_NUMBER_ID}/messages"),
                post(messages),
            )
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    });
    let site = Site::with_config(&format!(
        "graph_base_url = \"{graph}\"\ngraph_version = \"v23.0\"\nphone_number_id = \"{PHONE_NUMBER_ID}\"\n"
    ));
    assert!(site.init().status.success());
    site.put_secret("whatsapp-access-token", "graph-token");
    let (server, url) = site.serve_at("trace");
    let log_path = site.log_path();

    let script = [
        typed("Hi"),
        tap("q:language:en"),
        tap("q:consent:true"),
        typed("Zoë Testpatient"),
        typed("02/05/1971"),
        typed("Calle Luna 7, Madrid"),
    ];
    let client = reqwest::Client::new();
    for (n, message) in script.into_iter().enumerate() {
        let before = seen.lock().unwrap().len();
        let body = webhook(n, message);
        let sig = intake_core::whatsapp::signature::sign(SECRET.as_bytes(), &body);
        let status = rt.block_on(async {
            client
                .post(&url)
                .header("X-Hub-Signature-256", sig)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
        });
        assert_eq!(status, 200, "message {n}");
        // One reply at a time, so every message is processed before the next is sent.
        let deadline = Instant::now() + Duration::from_secs(20);
        while seen.lock().unwrap().len() == before && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            seen.lock().unwrap().len() > before,
            "no reply to message {n}"
        );
    }
    let sent = seen.lock().unwrap().clone();
    let asked: String = sent
        .iter()
        .filter_map(|m| {
            m.pointer("/text/body")
                .or(m.pointer("/interactive/body/text"))
        })
        .filter_map(Value::as_str)
        .collect();
    assert!(
        asked.contains("date of birth"),
        "the walk got past the name: {asked}"
    );
    drop(server);

    let log = std::fs::read_to_string(&log_path).unwrap();
    // The log is the real thing: TRACE lines and the core's own lines for each webhook.
    assert!(log.contains("TRACE"), "INTAKE_DESK_LOG=trace was honoured");
    let stored = log.matches("webhook stored").count();
    assert!(
        stored >= 6,
        "the six webhooks are in the log, found {stored}"
    );
    let lower = log.to_lowercase();
    let leaked: Vec<&str> = PHI
        .iter()
        .copied()
        .filter(|p| lower.contains(&p.to_lowercase()))
        .collect();
    assert!(
        leaked.is_empty(),
        "patient data in the server log: {leaked:?}"
    );
}
