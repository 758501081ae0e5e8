//! The web edge: `GET /webhook` (Meta's verification) and `POST /webhook` (updates). The only
//! module that knows about HTTP. A POST is answered 200 only after its rows are committed;
//! anything the database cannot take is a 503, so Meta retries (it does, for up to 7 days).
//! Every route is behind the per-client budgets of `limit` (429 with `Retry-After`).
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use tower_http::timeout::TimeoutLayer;

mod limit;
mod seen;

pub use crate::ingest::FloodLimit;
use crate::ingest::{GroupCommitter, Ingested};
use crate::whatsapp::signature;
use crate::Desk;
pub use seen::EdgeHealth;
pub(crate) use seen::Seen;

/// A little above Meta's documented 3 MB maximum body.
pub const BODY_LIMIT: usize = 3 * 1024 * 1024 + 512 * 1024;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
const MAX_CHALLENGE: usize = 256;

/// Secrets the edge needs; held in memory only, loaded from the keyring by the caller.
#[derive(Clone)]
pub struct WebhookSecrets {
    pub app_secret: Arc<[u8]>,
    pub verify_token: Arc<str>,
}

impl std::fmt::Debug for WebhookSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecrets(<redacted>)")
    }
}

#[derive(Clone)]
struct Edge {
    writer: GroupCommitter,
    secrets: WebhookSecrets,
    desk: Arc<Desk>,
}

/// The edge's routes. Starts the group-commit writer thread for `desk`; `wake` is notified
/// whenever new messages are committed (the bot waits on it). Senders get the desk's
/// [`FloodLimit`] (`LimitPolicy::sender_flood`).
pub fn router(
    desk: Arc<Desk>,
    secrets: WebhookSecrets,
    wake: Arc<tokio::sync::Notify>,
) -> std::io::Result<Router> {
    let limit = desk.limits().policy().sender_flood;
    router_with_flood_limit(desk, secrets, wake, limit)
}

/// [`router`] with another per-sender limit (tests, load generators).
pub fn router_with_flood_limit(
    desk: Arc<Desk>,
    secrets: WebhookSecrets,
    wake: Arc<tokio::sync::Notify>,
    limit: FloodLimit,
) -> std::io::Result<Router> {
    let writer = GroupCommitter::start(desk.clone(), wake, limit)?;
    Ok(routes(writer, secrets, desk))
}

fn routes(writer: GroupCommitter, secrets: WebhookSecrets, desk: Arc<Desk>) -> Router {
    let policy = desk.limits().policy();
    let limiter = Arc::new(crate::limits::EdgeLimiter::new(
        policy.webhook_requests,
        policy.webhook_failures,
        desk.clock(),
    ));
    Router::new()
        .route("/webhook", get(verify).post(receive))
        .route("/healthz", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        // Outermost: a client over its budget is answered before its body is read.
        .layer(axum::middleware::from_fn_with_state(limiter, limit::guard))
        .with_state(Edge {
            writer,
            secrets,
            desk,
        })
}

fn reply(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// Serves `app` until `shutdown` resolves, finishing requests in flight (so no acknowledged
/// webhook is cut off half-way). Each request knows its peer's address, which the per-client
/// budgets count by.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

#[derive(Deserialize)]
struct VerifyQuery {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

/// Meta's subscription check: echo the challenge when the token matches.
async fn verify(State(edge): State<Edge>, Query(q): Query<VerifyQuery>) -> Response {
    let token_ok = q.verify_token.as_deref().is_some_and(|t| {
        !edge.secrets.verify_token.is_empty()
            && bool::from(t.as_bytes().ct_eq(edge.secrets.verify_token.as_bytes()))
    });
    let challenge = q.challenge.unwrap_or_default();
    let challenge_ok = !challenge.is_empty()
        && challenge.len() <= MAX_CHALLENGE
        && challenge.chars().all(|c| c.is_ascii_graphic());
    if q.mode.as_deref() != Some("subscribe") || !token_ok || !challenge_ok {
        tracing::warn!("webhook verification refused");
        edge.desk.record_verification_refused();
        return reply(StatusCode::FORBIDDEN, "verification refused");
    }
    tracing::info!("webhook verified by Meta");
    let desk = edge.desk.clone();
    // A small write, off the async workers; Meta only needs the challenge back, so a failure
    // here is logged rather than refusing a verification that was right.
    match tokio::task::spawn_blocking(move || desk.record_verified()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "could not record the verification"),
        Err(_) => tracing::warn!("recording the verification stopped"),
    }
    ([(header::CONTENT_TYPE, "text/plain")], challenge).into_response()
}

async fn receive(State(edge): State<Edge>, headers: HeaderMap, body: Bytes) -> Response {
    let sig = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    if !signature::verify(&edge.secrets.app_secret, &body, sig) {
        tracing::warn!(
            bytes = body.len(),
            "webhook with a missing or wrong signature refused"
        );
        edge.desk.record_bad_signature();
        return reply(StatusCode::UNAUTHORIZED, "invalid signature");
    }
    match edge.writer.submit(body.to_vec()).await {
        Ok(ingested) => answer(ingested),
        Err(e) => {
            tracing::error!(detail = %e, "webhook not stored; asking Meta to retry");
            reply(StatusCode::SERVICE_UNAVAILABLE, "temporarily unavailable")
        }
    }
}

fn answer(i: Ingested) -> Response {
    tracing::debug!(
        payload = i.payload_id,
        new = i.new_messages,
        flooded = i.flooded,
        duplicates = i.duplicate_messages,
        statuses = i.statuses,
        skipped = i.skipped,
        "webhook stored"
    );
    if i.flooded > 0 {
        // Counts only: the sender's number and the text are PHI and stay in the database.
        tracing::warn!(
            payload = i.payload_id,
            flooded = i.flooded,
            "messages over the per-sender flood limit were stored but will not be answered"
        );
    }
    if !i.parse_ok {
        // Stored for inspection, but it is not a webhook: say so plainly.
        return reply(StatusCode::BAD_REQUEST, "body is not valid JSON");
    }
    (StatusCode::OK, Json(serde_json::json!({ "status": "ok" }))).into_response()
}
