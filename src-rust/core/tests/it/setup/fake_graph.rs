//! A local fake of Meta's Graph API for the set-up checks: the phone number node, the
//! account's numbers and subscribed apps, and the messages endpoint. Three tokens (good, expired
//! with subcode 463, revoked) and the IDs below choose the answer, in Meta's wire format.
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::wa::PHONE_NUMBER_ID;

pub const WABA_ID: &str = "102290129340398";
/// A real account, but not the one that owns PHONE_NUMBER_ID.
pub const OTHER_WABA_ID: &str = "102290129340777";
pub const GOOD_TOKEN: &str = "EAAGsetupGOODtoken7731";
/// A 24-hour token from the API Setup page, a day later.
pub const EXPIRED_TOKEN: &str = "EAAGsetupEXPIREDtoken7731";
pub const REVOKED_TOKEN: &str = "EAAGsetupREVOKEDtoken7731";
pub const TOKENS: &[&str] = &[GOOD_TOKEN, EXPIRED_TOKEN, REVOKED_TOKEN];

/// The wa_id Meta refuses with 131030 (not on the development app's list of test recipients).
pub const NOT_LISTED_WA_ID: &str = "34622131030";

#[derive(Default)]
pub struct Fake {
    pub subscribed: AtomicBool,
    /// Every request as "METHOD path?query".
    pub requests: Mutex<Vec<String>>,
    pub sent: Mutex<Vec<Value>>,
    /// The account's message templates in Meta's list format (see templates/fake.rs).
    pub templates: Mutex<Vec<Value>>,
    /// Templates per list page; 0 means Meta's `limit`.
    pub template_page: AtomicUsize,
    /// Template pages' `paging.next` points at another host (only the cursor may be used).
    pub foreign_next: AtomicBool,
    /// Bodies of `POST …/message_templates`, as received.
    pub created: Mutex<Vec<Value>>,
}

pub(crate) fn meta_error(status: StatusCode, error: Value) -> Response {
    (status, Json(json!({ "error": error }))).into_response()
}

/// Meta's answers for the three tokens. Its texts quote the token here on purpose, so the tests
/// can show that no explanation repeats Meta's words.
pub(crate) fn refused(headers: &HeaderMap) -> Option<Response> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let token = auth.strip_prefix("Bearer ").unwrap_or_default();
    if token == GOOD_TOKEN {
        return None;
    }
    let error = if token == EXPIRED_TOKEN {
        json!({"message": format!("Error validating access token: Session has expired on Tuesday, 18-Nov-25 09:00:00 PST. ({token})"),
            "type": "OAuthException", "code": 190, "error_subcode": 463, "fbtrace_id": "AxYz1"})
    } else {
        json!({"message": format!("Invalid OAuth access token - Cannot parse access token {token}"),
            "type": "OAuthException", "code": 190, "fbtrace_id": "AxYz2"})
    };
    Some(meta_error(StatusCode::UNAUTHORIZED, error))
}

pub(crate) fn no_such_object(id: &str) -> Response {
    meta_error(
        StatusCode::BAD_REQUEST,
        json!({"message": format!("Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."),
            "type": "GraphMethodException", "code": 100, "error_subcode": 33, "fbtrace_id": "AxYz3"}),
    )
}

pub(crate) fn note(fake: &Fake, line: String) {
    fake.requests.lock().unwrap().push(line);
}

async fn node(
    State(fake): State<Arc<Fake>>,
    Path((version, id)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    note(&fake, format!("GET /{version}/{id}?{query:?}"));
    if let Some(r) = refused(&headers) {
        return r;
    }
    assert_eq!(version, "v23.0");
    assert_eq!(
        query,
        vec![(
            "fields".to_owned(),
            "display_phone_number,verified_name,quality_rating,code_verification_status".to_owned()
        )]
    );
    match id.as_str() {
        PHONE_NUMBER_ID => Json(json!({
            "display_phone_number": "+1 555-000-1111", "verified_name": "Clínica San Rafael",
            "quality_rating": "GREEN", "code_verification_status": "NOT_VERIFIED", "id": id
        }))
        .into_response(),
        // The IDs swapped: Meta's node is an account, which has no phone number fields.
        WABA_ID => meta_error(
            StatusCode::BAD_REQUEST,
            json!({"message": "(#100) Tried accessing nonexisting field (display_phone_number) on node type (WhatsAppBusinessAccount)",
                "type": "OAuthException", "code": 100, "fbtrace_id": "AxYz4"}),
        ),
        _ => no_such_object(&id),
    }
}

async fn phone_numbers(
    State(fake): State<Arc<Fake>>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    note(&fake, format!("GET /{version}/{id}/phone_numbers"));
    if let Some(r) = refused(&headers) {
        return r;
    }
    match id.as_str() {
        WABA_ID => Json(json!({"data": [{"id": PHONE_NUMBER_ID}]})).into_response(),
        OTHER_WABA_ID => Json(json!({"data": [{"id": "106540352240000"}]})).into_response(),
        _ => no_such_object(&id),
    }
}

async fn subscribed_apps(
    State(fake): State<Arc<Fake>>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    note(&fake, format!("GET /{version}/{id}/subscribed_apps"));
    if let Some(r) = refused(&headers) {
        return r;
    }
    if id != WABA_ID {
        return no_such_object(&id);
    }
    let data = if fake.subscribed.load(Ordering::SeqCst) {
        json!([{"whatsapp_business_api_data": {"link": "https://www.example.org/", "name": "Intake Desk Clinic", "id": "1234567890"}}])
    } else {
        json!([])
    };
    Json(json!({ "data": data })).into_response()
}

async fn subscribe(
    State(fake): State<Arc<Fake>>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    note(&fake, format!("POST /{version}/{id}/subscribed_apps"));
    if let Some(r) = refused(&headers) {
        return r;
    }
    if id != WABA_ID {
        return no_such_object(&id);
    }
    fake.subscribed.store(true, Ordering::SeqCst);
    Json(json!({"success": true})).into_response()
}

async fn messages(
    State(fake): State<Arc<Fake>>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    note(&fake, format!("POST /{version}/{id}/messages"));
    if let Some(r) = refused(&headers) {
        return r;
    }
    if id != PHONE_NUMBER_ID {
        return no_such_object(&id);
    }
    let to = body["to"].as_str().unwrap().to_owned();
    if to == NOT_LISTED_WA_ID {
        return meta_error(
            StatusCode::BAD_REQUEST,
            json!({"message": "(#131030) Recipient phone number not in allowed list", "type": "OAuthException",
                "code": 131030, "error_data": {"messaging_product": "whatsapp",
                "details": format!("Recipient phone number not in allowed list: Add recipient phone number {to} to recipient list and try again.")},
                "fbtrace_id": "AxYz5"}),
        );
    }
    let mut sent = fake.sent.lock().unwrap();
    sent.push(body.clone());
    let wamid = format!("wamid.SETUP.{}", sent.len());
    Json(
        json!({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": wamid, "message_status": "accepted"}]}),
    )
    .into_response()
}

pub async fn fake_graph() -> (Arc<Fake>, String) {
    let fake = Arc::new(Fake::default());
    let app = Router::new()
        .route("/{version}/{id}", get(node))
        .route("/{version}/{id}/phone_numbers", get(phone_numbers))
        .route(
            "/{version}/{id}/subscribed_apps",
            get(subscribed_apps).post(subscribe),
        )
        .route("/{version}/{id}/messages", post(messages))
        .route(
            "/{version}/{id}/message_templates",
            get(crate::templates::fake::list).post(crate::templates::fake::create),
        )
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (fake, url)
}
