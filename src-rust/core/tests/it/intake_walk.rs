//! Issue 3, must-show 1: a whole intake over real HTTP, from "Hi" to a submitted record with
//! every default-form field. The patient answers only what the bot actually sent (read back
//! from a local fake of Meta's Graph API): button taps, list replies, typed text, a date that
//! is re-prompted, an edit from the review step, and a photo fetched through the media flow
//! and checked by its sha256.
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{TimeZone, Utc};
use intake_core::engine::Settings;
use intake_core::form::Form;
use intake_core::processor::Processor;
use intake_core::sender::media::MediaFetcher;
use intake_core::sender::{GraphConfig, Sender};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::log_capture::{assert_no_leaks, Capture};
use crate::wa::{body_of, buttons, rows, webhook_from, PHONE_NUMBER_ID};
use crate::webhook::{start, Server};

const PATIENT: &str = "34600111222";
const TOKEN: &str = "test-token";
const MEDIA_ID: &str = "1037543291543636";
const PHOTO: &[u8] = b"\xff\xd8\xff\xe0 the front of Ana's insurance card, as a pretend JPEG";

/// What this walk's patient tells the desk, as fragments that would survive any log format:
/// none of it may appear in a log line at any level.
const WALK_PHI: &[&str] = &[
    "600111222",
    "Ana María",
    "Ana Mar",
    "Ana Pérez",
    "Pérez",
    "14/03/1987",
    "1987-03-14",
    "31/02/1990",
    "ana.perez",
    "female",
    "Calle Mayor",
    "28013 Madrid",
    "Calle Sol",
    "41001 Sevilla",
    "Headache",
    "Appendectomy",
    "Penicillin",
    "Ibuprofen",
    "insurance card",
];

fn b64_sha(bytes: &[u8]) -> String {
    data_encoding::BASE64.encode(&Sha256::digest(bytes))
}

/// One fake Graph API: the messages endpoint (records every request) and the media flow.
struct Graph {
    base: String,
    seen: Mutex<Vec<Value>>,
    media_gets: Mutex<Vec<String>>,
}

fn authorized(h: &HeaderMap) -> bool {
    h.get("authorization").and_then(|v| v.to_str().ok()) == Some("Bearer test-token")
}

async fn messages(
    State(g): State<Arc<Graph>>,
    Path((version, phone)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if version != "v23.0" || phone != PHONE_NUMBER_ID || !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let mut seen = g.seen.lock().unwrap();
    seen.push(body.clone());
    let wamid = format!("wamid.OUT.{}", seen.len());
    Json(json!({"messaging_product": "whatsapp",
        "contacts": [{"input": body["to"], "wa_id": body["to"]}],
        "messages": [{"id": wamid}]}))
    .into_response()
}

async fn media_meta(
    State(g): State<Arc<Graph>>,
    Path((_version, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    g.media_gets.lock().unwrap().push(id.clone());
    if id != MEDIA_ID {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": {"code": 100, "message": "Unsupported get request"}})),
        )
            .into_response();
    }
    Json(json!({
        "messaging_product": "whatsapp", "url": format!("{}/bytes/{id}", g.base),
        "mime_type": "image/jpeg", "sha256": b64_sha(PHOTO), "file_size": PHOTO.len(), "id": id
    }))
    .into_response()
}

async fn media_bytes(Path(id): Path<String>, headers: HeaderMap) -> Response {
    if !authorized(&headers) || id != MEDIA_ID {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    PHOTO.to_vec().into_response()
}

async fn fake_graph() -> Arc<Graph> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let graph = Arc::new(Graph {
        base: format!("http://{}", listener.local_addr().unwrap()),
        seen: Mutex::new(Vec::new()),
        media_gets: Mutex::new(Vec::new()),
    });
    let app = Router::new()
        .route("/{version}/{phone}/messages", post(messages))
        .route("/{version}/{id}", get(media_meta))
        .route("/bytes/{id}", get(media_bytes))
        .with_state(graph.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    graph
}

fn webhook(wamid: &str, ts: i64, message: Value) -> Vec<u8> {
    webhook_from(PATIENT, wamid, ts, message)
}

/// The patient's phone, the desk's pipeline and the fake Graph, one round per message.
struct Walk {
    s: Server,
    graph: Arc<Graph>,
    processor: Processor,
    sender: Sender,
    ts: i64,
    n: usize,
}

impl Walk {
    /// Sends one message from the patient over signed HTTP, runs one processing round and
    /// returns what the bot sent in reply (in order).
    async fn send(&mut self, message: Value) -> Vec<Value> {
        self.n += 1;
        self.ts += 20;
        let wamid = format!("wamid.walk.{}", self.n);
        // The desk sees it a few seconds after the patient sent it: never backlog.
        self.s
            .f
            .clock
            .set(Utc.timestamp_opt(self.ts + 3, 0).unwrap());
        let (status, text) = self.s.signed(webhook(&wamid, self.ts, message)).await;
        assert_eq!(status, 200, "{text}");
        let before = self.graph.seen.lock().unwrap().len();
        let report = self.processor.run_once().unwrap();
        assert_eq!(report.messages, 1, "message {wamid} processed once");
        self.sender.drain_until_idle().await.unwrap();
        let seen = self.graph.seen.lock().unwrap();
        let (reads, new): (Vec<Value>, Vec<Value>) = seen[before..]
            .iter()
            .cloned()
            .partition(|m| m["status"] == "read");
        assert_eq!(
            reads,
            [json!({"messaging_product": "whatsapp", "status": "read", "message_id": wamid})],
            "the message is marked read"
        );
        assert_eq!(seen[before]["status"], "read", "ahead of the reply");
        assert_eq!(new.len(), report.replies, "every reply reached Graph");
        assert!(!new.is_empty(), "the bot answers every message ({wamid})");
        assert!(new.iter().all(|m| m["to"] == PATIENT));
        new
    }

    async fn text(&mut self, body: &str) -> Vec<Value> {
        self.send(json!({"type": "text", "text": {"body": body}}))
            .await
    }

    /// Taps the button `id` of the bot's last message (which must offer it).
    async fn tap(&mut self, last: &[Value], id: &str) -> Vec<Value> {
        let m = last.last().unwrap();
        let (id, title) = buttons(m)
            .into_iter()
            .find(|(b, _)| b == id)
            .unwrap_or_else(|| panic!("no button {id} in {m}"));
        self.send(
            json!({"type": "interactive", "interactive": {"type": "button_reply",
            "button_reply": {"id": id, "title": title}}}),
        )
        .await
    }

    /// Picks the row `id` of the bot's last message (a list, which must offer it).
    async fn pick(&mut self, last: &[Value], id: &str) -> Vec<Value> {
        let m = last.last().unwrap();
        assert_eq!(m["interactive"]["type"], "list", "{m}");
        let (id, title) = rows(m)
            .into_iter()
            .find(|(r, _)| r == id)
            .unwrap_or_else(|| panic!("no row {id} in {m}"));
        self.send(
            json!({"type": "interactive", "interactive": {"type": "list_reply",
            "list_reply": {"id": id, "title": title}}}),
        )
        .await
    }
}

fn asks(out: &[Value], needle: &str) {
    let last = body_of(out.last().unwrap());
    assert!(last.contains(needle), "expected {needle:?}, got {last:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn full_intake_from_hi_to_a_submitted_record_over_http() {
    let logs = Capture::start();
    let s = start().await;
    let desk = s.f.desk();
    let graph = fake_graph().await;
    let config = GraphConfig {
        base_url: graph.base.clone(),
        version: "v23.0".into(),
        phone_number_id: PHONE_NUMBER_ID.into(),
        token: Arc::from(TOKEN),
    };
    let sender = Sender::new(desk.clone(), config.clone()).unwrap();
    let processor = Processor::new(
        desk.clone(),
        Arc::new(Form::default_form().unwrap()),
        Settings::default(),
    );
    let mut w = Walk {
        s,
        graph: graph.clone(),
        processor,
        sender,
        ts: 1_763_800_000,
        n: 0,
    };

    // "Hi": the language question, as buttons.
    let out = w.text("Hi").await;
    let ids: Vec<String> = buttons(out.last().unwrap())
        .into_iter()
        .map(|b| b.0)
        .collect();
    assert_eq!(ids, ["q:language:en", "q:language:es"]);

    // Button taps: language, then consent.
    let out = w.tap(&out, "q:language:en").await;
    asks(&out, "Do you agree?");
    let out = w.tap(&out, "q:consent:true").await;
    asks(&out, "full name");

    let out = w.text("Ana María Pérez").await;
    asks(&out, "date of birth");

    // An impossible date is re-prompted with the problem, then a valid one is accepted.
    let out = w.text("31/02/1990").await;
    let reprompt: String = out.iter().map(body_of).collect();
    assert!(
        reprompt.contains("couldn't read that date"),
        "re-prompt names the problem: {reprompt}"
    );
    assert!(
        reprompt.contains("14/03/1987"),
        "and shows the format: {reprompt}"
    );
    assert!(
        !reprompt.contains("gender"),
        "the date is asked again: {reprompt}"
    );
    let out = w.text("14/03/1987").await;

    // Four genders: a list, answered with a list reply.
    asks(&out, "gender");
    let out = w.pick(&out, "q:gender:female").await;

    // Phone: offered the WhatsApp number as a button.
    let all: String = out.iter().map(body_of).collect();
    assert!(all.contains("phone number"), "{all}");
    assert!(all.contains("+34600111222"), "offers the wa number: {all}");
    let out = w.tap(&out, "d:phone").await;

    // Email is optional: typed.
    asks(&out, "email");
    let out = w.text("ana.perez@example.com").await;
    asks(&out, "home address");
    let out = w.text("Calle Mayor 1, 28013 Madrid").await;
    asks(&out, "reason for your visit");
    let out = w.text("Headache for two weeks").await;
    asks(&out, "medical history");
    let out = w.text("Appendectomy in 2010").await;
    asks(&out, "any allergies");
    let out = w.tap(&out, "q:has_allergies:true").await;
    asks(&out, "Which allergies");
    let out = w.text("Penicillin: rash").await;
    asks(&out, "medications");
    let out = w.text("Ibuprofen 400 mg as needed").await;
    asks(&out, "photo");

    // The photo: an image message whose sha256 is that of the bytes Graph will serve.
    let out = w
        .send(json!({"type": "image", "image": {
            "caption": "insurance card front", "mime_type": "image/jpeg",
            "sha256": b64_sha(PHOTO), "id": MEDIA_ID}}))
        .await;

    // Review: the summary, then confirm / change.
    let summary: String = out.iter().map(body_of).collect();
    for needle in [
        "Ana María Pérez",
        "1987-03-14",
        "Female",
        "+34600111222",
        "ana.perez@example.com",
        "Calle Mayor 1",
        "Penicillin: rash",
        "Ibuprofen 400 mg",
    ] {
        assert!(summary.contains(needle), "{needle} in summary: {summary}");
    }
    let review_ids: Vec<String> = buttons(out.last().unwrap())
        .into_iter()
        .map(|b| b.0)
        .collect();
    assert!(
        review_ids.contains(&"r:confirm".to_owned()) && review_ids.contains(&"r:edit".to_owned()),
        "{review_ids:?}"
    );

    // The photo goes through the media flow and is kept only if its checksum matches.
    let fetcher = MediaFetcher::new(desk.clone(), config).unwrap();
    let report = fetcher.fetch_pending().await.unwrap();
    assert_eq!(
        (report.stored, report.failed, report.retrying),
        (1, 0, 0),
        "{report:?}"
    );
    assert_eq!(graph.media_gets.lock().unwrap().as_slice(), [MEDIA_ID]);
    {
        let conn = desk.db().connect().unwrap();
        let (state, link_id, sha, data): (String, String, String, Vec<u8>) = conn
            .query_row(
                "SELECT state, link_id, sha256, data FROM media_fetches WHERE media_id = ?1",
                [MEDIA_ID],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!((state.as_str(), link_id.as_str()), ("stored", "id_card"));
        assert_eq!(sha, b64_sha(PHOTO));
        assert_eq!(data, PHOTO, "the stored bytes are the photo's");
        assert_eq!(b64_sha(&data), sha, "and match the webhook's sha256");
    }

    // Edit from review: a list of fields, pick the address, answer it again.
    let out = w.tap(&out, "r:edit").await;
    let edit = out.last().unwrap();
    assert_eq!(edit["interactive"]["type"], "list", "{edit}");
    let out = w.pick(&out, "e:address").await;
    asks(&out, "home address");
    let out = w.text("Calle Sol 3, 41001 Sevilla").await;
    let summary: String = out.iter().map(body_of).collect();
    assert!(
        summary.contains("Calle Sol 3") && !summary.contains("Calle Mayor"),
        "back at review with the new address: {summary}"
    );
    let out = w.tap(&out, "r:confirm").await;
    asks(&out, "Thank you");

    // The submitted record: every field the patient answered, with the edited address.
    let conn = desk.db().connect().unwrap();
    let records: Vec<(String, String, String)> = conn
        .prepare("SELECT form_id, lang, answers FROM intakes")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(records.len(), 1, "one intake submitted");
    let (form_id, lang, answers) = &records[0];
    assert_eq!((form_id.as_str(), lang.as_str()), ("intake-default", "en"));
    let answers: Value = serde_json::from_str(answers).unwrap();
    let text = |v: &str| json!({"type": "text", "value": v});
    let expected = json!({
        "language": {"type": "choice", "value": "en"},
        "consent": {"type": "bool", "value": true},
        "full_name": text("Ana María Pérez"),
        "birth_date": {"type": "date", "value": "1987-03-14"},
        "gender": {"type": "choice", "value": "female"},
        "phone": text("+34600111222"),
        "email": text("ana.perez@example.com"),
        "address": text("Calle Sol 3, 41001 Sevilla"),
        "reason": text("Headache for two weeks"),
        "history": text("Appendectomy in 2010"),
        "has_allergies": {"type": "bool", "value": true},
        "allergies": text("Penicillin: rash"),
        "medications": text("Ibuprofen 400 mg as needed"),
    });
    for (link_id, want) in expected.as_object().unwrap() {
        assert_eq!(&answers[link_id], want, "{link_id} in {answers}");
    }
    let card = &answers["id_card"];
    assert_eq!(card["type"], "attachment", "{answers}");
    // The payload's fields are stored snake_case (only the tag is camelCase).
    assert_eq!(card["value"]["mediaId"], MEDIA_ID, "{answers}");
    assert_eq!(card["value"]["mime"], "image/jpeg", "{answers}");
    assert_eq!(card["value"]["sha256"], b64_sha(PHOTO), "{answers}");
    assert_eq!(
        answers.as_object().unwrap().len(),
        14,
        "every default-form field, nothing else: {answers}"
    );

    // Consent evidence is in the audit chain; nothing left unprocessed or unsent.
    let consents: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'consent.recorded'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(consents, 1);
    let pending: i64 = conn
        .query_row(
            "SELECT count(*) FROM inbound_messages WHERE processed_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pending, 0);
    let outbox: Vec<(String, i64, Option<String>)> = conn
        .prepare("SELECT state, attempts, wamid FROM outbox WHERE kind = 'message' ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let sent = graph
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m["status"] != "read")
        .count();
    assert_eq!(outbox.len(), sent, "one Graph request per outbox row");
    assert!(
        outbox
            .iter()
            .all(|(st, attempts, wamid)| st == "sent" && *attempts == 1 && wamid.is_some()),
        "every outbox row sent exactly once: {outbox:?}"
    );

    // Everything logged during the walk, TRACE included, is free of the patient's data. The
    // count shows the capture saw the walk itself, so an empty log cannot pass for a clean one.
    let log = logs.text();
    let stored = log.matches("webhook stored").count();
    assert!(
        stored >= w.n,
        "the log holds the walk's {} webhooks, found {stored}",
        w.n
    );
    assert_no_leaks(&log, WALK_PHI);
}
