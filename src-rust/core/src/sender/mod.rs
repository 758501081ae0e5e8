//! Drains the outbox to the WhatsApp Cloud API: `POST {base}/{version}/{phone_number_id}/messages`
//! with the bearer token, in order per patient, at most 80 messages a second overall, retrying
//! by Meta's error code and writing the outcome (wamid, retry time or plain-language reason)
//! back to the outbox row. Base URL and version are configuration, so tests use a local fake.
pub mod classify;
pub mod media;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde_json::Value;

use crate::outbox::{self, Pending};
use crate::{Desk, Error, Result};
pub use classify::{classify, Outcome};

/// Meta's default throughput per business number.
const PER_SECOND: u32 = 80;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
const BATCH: usize = 200;

#[derive(Clone)]
pub struct GraphConfig {
    /// e.g. `https://graph.facebook.com`
    pub base_url: String,
    /// e.g. `v23.0`
    pub version: String,
    pub phone_number_id: String,
    pub token: Arc<str>,
}

impl std::fmt::Debug for GraphConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphConfig")
            .field("base_url", &self.base_url)
            .field("version", &self.version)
            .field("phone_number_id", &self.phone_number_id)
            .field("token", &"<redacted>")
            .finish()
    }
}

impl GraphConfig {
    fn messages_url(&self) -> String {
        format!(
            "{}/{}/{}/messages",
            self.base_url.trim_end_matches('/'),
            self.version.trim_matches('/'),
            self.phone_number_id
        )
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: usize,
    pub retrying: usize,
    pub stopped: usize,
}

pub struct Sender {
    desk: Arc<Desk>,
    graph: GraphConfig,
    http: reqwest::Client,
    limiter: DefaultDirectRateLimiter,
}

impl Sender {
    pub fn new(desk: Arc<Desk>, graph: GraphConfig) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|_| Error::Internal("cannot build the HTTP client"))?;
        let quota = Quota::per_second(NonZeroU32::new(PER_SECOND).unwrap_or(NonZeroU32::MIN));
        Ok(Self {
            desk,
            graph,
            http,
            limiter: RateLimiter::direct(quota),
        })
    }

    /// Sends every message that is due now (the oldest pending one per patient), once each.
    pub async fn drain_once(&self) -> Result<DrainReport> {
        let desk = self.desk.clone();
        let now = desk.now_ms();
        let due = tokio::task::spawn_blocking(move || {
            Ok::<_, Error>(outbox::due(&desk.db().conn(), now, BATCH)?)
        })
        .await
        .map_err(|_| Error::Internal("sender task failed"))??;
        let mut report = DrainReport::default();
        for row in due {
            self.limiter.until_ready().await;
            let outcome = self.send(&row).await;
            match &outcome {
                Outcome::Sent(_) => report.sent += 1,
                Outcome::Retry(_) => report.retrying += 1,
                Outcome::WindowClosed | Outcome::Fatal { .. } => report.stopped += 1,
            }
            self.record(row.id, outcome).await?;
        }
        Ok(report)
    }

    /// Drains repeatedly until nothing is pending or only retries in the future remain.
    pub async fn drain_until_idle(&self) -> Result<DrainReport> {
        let mut total = DrainReport::default();
        loop {
            let r = self.drain_once().await?;
            total.sent += r.sent;
            total.retrying += r.retrying;
            total.stopped += r.stopped;
            if r == DrainReport::default() {
                return Ok(total);
            }
        }
    }

    async fn send(&self, row: &Pending) -> Outcome {
        let mut body = match &row.payload {
            Value::Object(map) => map.clone(),
            _ => {
                return Outcome::Fatal {
                    code: 0,
                    reason: "This message was stored in a form WhatsApp cannot take.",
                }
            }
        };
        body.insert("messaging_product".into(), "whatsapp".into());
        body.insert("recipient_type".into(), "individual".into());
        body.insert("to".into(), row.wa_to.clone().into());
        let response = self
            .http
            .post(self.graph.messages_url())
            .bearer_auth(&*self.graph.token)
            .json(&body)
            .send()
            .await;
        let Ok(response) = response else {
            tracing::warn!(outbox = row.id, "Graph API unreachable; will retry");
            return classify::transport_failure(row.attempts);
        };
        let status = response.status().as_u16();
        let json: Value = response.json().await.unwrap_or(Value::Null);
        let code = json.pointer("/error/code").and_then(Value::as_i64);
        let wamid = json.pointer("/messages/0/id").and_then(Value::as_str);
        let outcome = classify(status, code, wamid, row.attempts);
        if !matches!(outcome, Outcome::Sent(_)) {
            tracing::warn!(
                outbox = row.id,
                status,
                code,
                "Graph API did not accept the message"
            );
        }
        outcome
    }

    async fn record(&self, id: i64, outcome: Outcome) -> Result<()> {
        let desk = self.desk.clone();
        tokio::task::spawn_blocking(move || {
            let now = desk.now_ms();
            desk.write(|tx| {
                match outcome {
                    Outcome::Sent(wamid) => outbox::mark_sent(tx, id, &wamid, now)?,
                    Outcome::Retry(after) => {
                        let next = now + i64::try_from(after.as_millis()).unwrap_or(i64::MAX / 2);
                        outbox::mark_retry(tx, id, next, None)?
                    }
                    Outcome::WindowClosed => outbox::mark_stopped(
                        tx,
                        id,
                        "needs_staff",
                        131047,
                        "More than 24 hours have passed since the patient last wrote, so WhatsApp only allows an approved template. Ask the patient to write, or send a template.",
                    )?,
                    Outcome::Fatal { code, reason } => outbox::mark_stopped(tx, id, "failed", code, reason)?,
                }
                Ok(())
            })
        })
        .await
        .map_err(|_| Error::Internal("sender task failed"))?
    }
}
