//! The Graph media flow against a local fake: metadata, then bytes, both with the bearer
//! token; the checksum and the size limit decide what is kept.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use intake_core::sender::media::{MediaFetcher, MAX_BYTES};
use intake_core::sender::GraphConfig;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::common::clinic;

const PHOTO: &[u8] = b"\xff\xd8\xff\xe0 pretend this is a JPEG of an insurance card";

struct Fake {
    base: String,
    flaky: AtomicUsize,
}

fn b64_sha(bytes: &[u8]) -> String {
    data_encoding::BASE64.encode(&Sha256::digest(bytes))
}

async fn meta(
    State(f): State<Arc<Fake>>,
    Path((_v, id)): Path<(String, String)>,
    h: HeaderMap,
) -> Response {
    if h.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer test-token") {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    match id.as_str() {
        "expired" => (StatusCode::NOT_FOUND, Json(json!({"error": {"code": 100, "message": "Unsupported get request"}}))).into_response(),
        "flaky" if f.flaky.fetch_add(1, Ordering::SeqCst) == 0 => StatusCode::BAD_GATEWAY.into_response(),
        "huge" => Json(json!({"url": format!("{}/bytes/huge", f.base), "file_size": MAX_BYTES + 1, "mime_type": "image/jpeg", "id": id})).into_response(),
        _ => Json(json!({
            "messaging_product": "whatsapp", "url": format!("{}/bytes/{id}", f.base),
            "mime_type": "image/jpeg", "sha256": b64_sha(PHOTO), "file_size": PHOTO.len(), "id": id
        }))
        .into_response(),
    }
}

async fn bytes(Path(id): Path<String>, h: HeaderMap) -> Response {
    if h.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer test-token") {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let _ = id;
    PHOTO.to_vec().into_response()
}

#[tokio::test(flavor = "multi_thread")]
async fn photos_are_fetched_checked_and_stored_encrypted() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let fake = Arc::new(Fake {
        base: base.clone(),
        flaky: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/{version}/{id}", get(meta))
        .route("/bytes/{id}", get(bytes))
        .with_state(fake);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let f = clinic();
    let desk = f.desk();
    {
        let conn = desk.db().conn();
        conn.execute(
            "INSERT INTO conversations (wa_id, state, updated_at) VALUES ('34600111222', '{}', 0)",
            [],
        )
        .unwrap();
        let good = b64_sha(PHOTO);
        for (id, sha) in [
            ("good1", good.as_str()),
            ("mismatch", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
            ("expired", good.as_str()),
            ("huge", good.as_str()),
            ("flaky", good.as_str()),
            ("../../etc/passwd", good.as_str()),
        ] {
            conn.execute(
                "INSERT INTO media_fetches (media_id, conversation_id, link_id, sha256, mime, created_at)
                 VALUES (?1, 1, 'id_card', ?2, 'image/jpeg', 0)",
                [id, sha],
            )
            .unwrap();
        }
    }
    let fetcher = MediaFetcher::new(
        desk.clone(),
        GraphConfig {
            base_url: base,
            version: "v23.0".into(),
            phone_number_id: "106540352242922".into(),
            token: Arc::from("test-token"),
        },
    )
    .unwrap();
    let first = fetcher.fetch_pending().await.unwrap();
    assert_eq!(
        (first.stored, first.failed, first.retrying),
        (1, 4, 1),
        "{first:?}"
    );
    let second = fetcher.fetch_pending().await.unwrap();
    assert_eq!(
        (second.stored, second.retrying),
        (1, 0),
        "the flaky one succeeds on retry"
    );

    let conn = desk.db().conn();
    let state = |id: &str| -> (String, Option<Vec<u8>>, Option<String>) {
        conn.query_row(
            "SELECT state, data, error FROM media_fetches WHERE media_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    };
    assert_eq!(state("good1").1.as_deref(), Some(PHOTO));
    assert_eq!(state("flaky").0, "stored");
    for (id, needle) in [
        ("mismatch", "checksum"),
        ("expired", "7 days"),
        ("huge", "too large"),
        ("../../etc/passwd", "not valid"),
    ] {
        let (st, data, error) = state(id);
        assert_eq!(st, "failed", "{id}");
        assert!(data.is_none(), "{id}: nothing kept");
        assert!(error.unwrap().contains(needle), "{id}");
    }
}
