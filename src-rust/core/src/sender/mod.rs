//! Drains the outbox to the WhatsApp Cloud API: `POST {base}/{version}/{phone_number_id}/messages`
//! with the bearer token, in order per patient, at most 80 messages a second overall and about
//! one per 6 s per patient after a burst, retrying by Meta's error code and writing the outcome
//! (wamid, retry time or plain-language reason) back to the outbox row. Base URL and version are
//! configuration, so tests use a local fake.
pub mod classify;
pub mod media;
mod policy;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use rusqlite::OptionalExtension;
use serde_json::Value;

use crate::clock::RateClock;
use crate::events::DeskEvent;
use crate::outbox::{self, Kind, Pending, Settled};
use crate::outbox_check;
use crate::{Desk, Error, Result};
pub use classify::{classify, Outcome};
use policy::PatientLimiter;
pub use policy::{SendPolicy, Template};

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
    /// Sends cut off by a crash that Meta's status webhooks confirmed (not sent again).
    pub confirmed: usize,
    /// Sends cut off by a crash with no word from Meta: released to go again.
    pub released: usize,
}

pub struct Sender {
    desk: Arc<Desk>,
    graph: GraphConfig,
    policy: SendPolicy,
    http: reqwest::Client,
    limiter: DefaultDirectRateLimiter,
    per_patient: PatientLimiter,
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| Error::Internal("sender task failed"))?
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2)
}

impl Sender {
    pub fn new(desk: Arc<Desk>, graph: GraphConfig) -> Result<Self> {
        Self::with_policy(desk, graph, SendPolicy::default())
    }

    pub fn with_policy(desk: Arc<Desk>, graph: GraphConfig, policy: SendPolicy) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|_| Error::Internal("cannot build the HTTP client"))?;
        let quota = Quota::per_second(NonZeroU32::new(PER_SECOND).unwrap_or(NonZeroU32::MIN));
        let per_patient = policy::patient_limiter(&policy, RateClock(desk.clock()));
        Ok(Self {
            desk,
            graph,
            policy,
            http,
            limiter: RateLimiter::direct(quota),
            per_patient,
        })
    }

    /// Sends every message that is due now (the oldest pending one per patient), once each.
    pub async fn drain_once(&self) -> Result<DrainReport> {
        let desk = self.desk.clone();
        let grace = millis(self.policy.claim_grace);
        let (settled, due) = blocking(move || {
            let now = desk.now_ms();
            let settled = desk.write(|tx| Ok(outbox::settle_claims(tx, now, grace)?))?;
            Ok((settled, outbox::due(&desk.db().conn(), now, BATCH)?))
        })
        .await?;
        if settled != Settled::default() {
            tracing::warn!(
                confirmed = settled.confirmed,
                released = settled.released,
                "sends interrupted by a restart were settled"
            );
        }
        let ready = self.pace(due).await?;
        let mut report = DrainReport {
            confirmed: settled.confirmed,
            released: settled.released,
            ..DrainReport::default()
        };
        let mut changed = Changed {
            delivery: settled.confirmed > 0,
            ..Changed::default()
        };
        for row in ready {
            // Meta's 80/s is a messaging throughput; read receipts are not messages.
            if row.kind == Kind::Message {
                self.limiter.until_ready().await;
            }
            let outcome = self.send(&row).await;
            match &outcome {
                Outcome::Sent(_) => report.sent += 1,
                Outcome::Retry(_) => report.retrying += 1,
                Outcome::WindowClosed | Outcome::Fatal { .. } | Outcome::Refused(_) => {
                    report.stopped += 1
                }
            }
            let is_message = row.kind == Kind::Message;
            match self.record(row, outcome).await {
                Ok(conversation) if is_message => changed.note(conversation),
                Ok(_) => {}
                Err(e) => {
                    changed.publish(&self.desk);
                    return Err(e);
                }
            }
        }
        changed.publish(&self.desk);
        Ok(report)
    }

    /// Holds back messages to patients who have had their burst, and claims the rest in one
    /// commit before any of them is posted.
    async fn pace(&self, due: Vec<Pending>) -> Result<Vec<Pending>> {
        let clock = self.desk.clock();
        let mut ready = Vec::with_capacity(due.len());
        let mut held = Vec::new();
        for row in due {
            if row.kind == Kind::Read {
                ready.push(row);
                continue;
            }
            match self.per_patient.check_key(&row.wa_to) {
                Ok(()) => ready.push(row),
                Err(not_until) => {
                    let wait = not_until.wait_time_from(RateClock(clock.clone()).now_nanos());
                    held.push((row.id, millis(wait).max(1)));
                }
            }
        }
        let claims: Vec<i64> = ready
            .iter()
            .filter(|r| r.kind == Kind::Message)
            .map(|r| r.id)
            .collect();
        if claims.is_empty() && held.is_empty() {
            return Ok(ready);
        }
        let desk = self.desk.clone();
        blocking(move || {
            let now = desk.now_ms();
            desk.write(|tx| {
                outbox::claim(tx, &claims, now)?;
                for (id, wait) in held {
                    outbox::defer(tx, id, now + wait)?;
                }
                Ok(())
            })
        })
        .await?;
        Ok(ready)
    }

    /// Drains repeatedly until nothing is pending or only retries in the future remain.
    pub async fn drain_until_idle(&self) -> Result<DrainReport> {
        let mut total = DrainReport::default();
        loop {
            let r = self.drain_once().await?;
            total.sent += r.sent;
            total.retrying += r.retrying;
            total.stopped += r.stopped;
            total.confirmed += r.confirmed;
            total.released += r.released;
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
        // The last look before a message leaves: Meta's limits, and never a secret of ours.
        if let Err(e) = outbox_check::validate(&row.payload, &[&self.graph.token]) {
            tracing::warn!(
                outbox = row.id,
                code = e.code(),
                "message refused before sending"
            );
            return Outcome::Refused(e.to_string());
        }
        body.insert("messaging_product".into(), "whatsapp".into());
        if row.kind == Kind::Message {
            body.insert("recipient_type".into(), "individual".into());
            body.insert("to".into(), row.wa_to.clone().into());
            body.insert(
                "biz_opaque_callback_data".into(),
                outbox::callback(row.id).into(),
            );
        }
        let response = self
            .http
            .post(self.graph.messages_url())
            .bearer_auth(&*self.graph.token)
            .json(&body)
            .send()
            .await;
        let Ok(response) = response else {
            tracing::warn!(outbox = row.id, "Graph API unreachable; will retry");
            return match row.kind {
                Kind::Message => classify::transport_failure(row.attempts),
                Kind::Read => READ_NOT_TAKEN,
            };
        };
        let status = response.status().as_u16();
        let json: Value = response.json().await.unwrap_or(Value::Null);
        let code = json.pointer("/error/code").and_then(Value::as_i64);
        let outcome = match row.kind {
            Kind::Message => {
                let wamid = json.pointer("/messages/0/id").and_then(Value::as_str);
                classify(status, code, wamid, row.attempts)
            }
            // A read receipt is answered `{"success": true}`; it is never worth a retry.
            Kind::Read if (200..300).contains(&status) => Outcome::Sent(String::new()),
            Kind::Read => READ_NOT_TAKEN,
        };
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

    /// Writes the outcome; returns the patient's conversation, if they have one, so the
    /// screens showing it can refresh.
    async fn record(&self, row: Pending, outcome: Outcome) -> Result<Option<i64>> {
        let desk = self.desk.clone();
        let template = self.policy.reopen_template.clone();
        blocking(move || {
            let now = desk.now_ms();
            let id = row.id;
            desk.write(|tx| {
                let conversation = tx
                    .prepare_cached("SELECT id FROM conversations WHERE wa_id = ?1")
                    .and_then(|mut s| s.query_row([&row.wa_to], |r| r.get(0)).optional())
                    .map_err(crate::store::StoreError::from)?;
                match outcome {
                    Outcome::Sent(wamid) => {
                        let wamid = Some(wamid.as_str()).filter(|w| !w.is_empty());
                        outbox::mark_sent(tx, id, wamid, now)?
                    }
                    Outcome::Retry(after) => outbox::mark_retry(tx, id, now + millis(after), None)?,
                    Outcome::WindowClosed => {
                        policy::window_closed(tx, &row, template.as_ref(), now)?
                    }
                    Outcome::Fatal { code, reason } => {
                        outbox::mark_stopped(tx, id, "failed", code, reason, now)?
                    }
                    Outcome::Refused(reason) => {
                        outbox::mark_stopped(tx, id, "failed", 0, &reason, now)?
                    }
                }
                Ok(conversation)
            })
        })
        .await
    }
}

/// What one drain changed for the screens, published once at its end: a burst of sends is one
/// refresh, not eighty a second.
#[derive(Default)]
struct Changed {
    delivery: bool,
    conversations: std::collections::BTreeSet<i64>,
}

impl Changed {
    fn note(&mut self, conversation: Option<i64>) {
        self.delivery = true;
        self.conversations.extend(conversation);
    }

    fn publish(&mut self, desk: &Desk) {
        let events = desk.events();
        if std::mem::take(&mut self.delivery) {
            events.publish(DeskEvent::DeliveryChanged);
        }
        for conversation_id in std::mem::take(&mut self.conversations) {
            events.publish(DeskEvent::ConversationChanged { conversation_id });
        }
    }
}

const READ_NOT_TAKEN: Outcome = Outcome::Fatal {
    code: 0,
    reason: "WhatsApp did not take the read receipt; the patient's message itself is safe.",
};
