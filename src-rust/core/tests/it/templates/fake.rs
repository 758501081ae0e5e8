//! The message-template part of the fake Graph API (routed by setup/fake_graph.rs): the list
//! with Meta's cursor paging, and template creation with Meta's "already exists" error.
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::setup::fake_graph::{
    meta_error, no_such_object, note, refused, Fake, OTHER_WABA_ID, WABA_ID,
};

pub const FIELDS: &str =
    "id,name,language,status,category,parameter_format,components,rejected_reason";

/// A token without whatsapp_business_management, as Meta answers for it.
fn no_permission() -> Response {
    meta_error(
        StatusCode::FORBIDDEN,
        json!({"message": "(#200) Requires whatsapp_business_management permission to manage the object",
            "type": "OAuthException", "code": 200, "fbtrace_id": "AxYz6"}),
    )
}

fn checked(headers: &HeaderMap, id: &str) -> Option<Response> {
    if let Some(r) = refused(headers) {
        return Some(r);
    }
    match id {
        WABA_ID => None,
        // The token may read the account's numbers but not manage its templates.
        OTHER_WABA_ID => Some(no_permission()),
        _ => Some(no_such_object(id)),
    }
}

pub async fn list(
    State(fake): State<Arc<Fake>>,
    Path((version, id)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    note(
        &fake,
        format!("GET /{version}/{id}/message_templates?{query:?}"),
    );
    if let Some(r) = checked(&headers, &id) {
        return r;
    }
    let q = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(q("fields").as_deref(), Some(FIELDS));
    let limit: usize = q("limit").unwrap().parse().unwrap();
    assert_eq!(limit, 100);
    let size = match fake.template_page.load(Ordering::SeqCst) {
        0 => limit,
        n => n,
    };
    // Meta's cursors are opaque; these encode the offset.
    let start: usize = match q("after") {
        Some(c) => c.strip_prefix("QVFIU").unwrap().parse().unwrap(),
        None => 0,
    };
    let all = fake.templates.lock().unwrap().clone();
    let end = (start + size).min(all.len());
    let data = all[start.min(end)..end].to_vec();
    let mut paging =
        json!({"cursors": {"before": format!("QVFIU{start}"), "after": format!("QVFIU{end}")}});
    if end < all.len() {
        let host = if fake.foreign_next.load(Ordering::SeqCst) {
            "https://graph.facebook.com".to_owned()
        } else {
            format!("http://{}", headers["host"].to_str().unwrap())
        };
        paging["next"] = json!(format!(
            "{host}/{version}/{id}/message_templates?fields={FIELDS}&limit={limit}&after=QVFIU{end}"
        ));
    }
    Json(json!({"data": data, "paging": paging})).into_response()
}

pub async fn create(
    State(fake): State<Arc<Fake>>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    note(&fake, format!("POST /{version}/{id}/message_templates"));
    if let Some(r) = checked(&headers, &id) {
        return r;
    }
    fake.created.lock().unwrap().push(body.clone());
    let mut templates = fake.templates.lock().unwrap();
    if templates
        .iter()
        .any(|t| t["name"] == body["name"] && t["language"] == body["language"])
    {
        return meta_error(
            StatusCode::BAD_REQUEST,
            json!({"message": "Invalid parameter", "type": "OAuthException", "code": 100,
                "error_subcode": 2388024, "is_transient": false,
                "error_user_title": "Content in this language already exists",
                "error_user_msg": "The template name already has content in this language.",
                "fbtrace_id": "AxYz7"}),
        );
    }
    let new_id = format!("9{:05}", templates.len() + 1);
    templates.push(json!({
        "id": new_id, "name": body["name"], "language": body["language"], "status": "PENDING",
        "category": body["category"], "parameter_format": body["parameter_format"],
        "components": body["components"],
    }));
    Json(json!({"id": new_id, "status": "PENDING", "category": "UTILITY"})).into_response()
}
