//! How the sender behaves beyond Meta's wire format: pacing, what to do when the 24-hour window
//! has closed, and how long an interrupted send waits for Meta's word before it goes again.
use std::num::NonZeroU32;
use std::time::Duration;

use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};
use rusqlite::{params, Connection};
use serde_json::{json, Value};

use crate::clock::RateClock;
use crate::outbox::{self, Pending};
use crate::store::StoreError;

/// An approved template (no variables) that invites the patient to write again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    /// Meta's language code the template was approved in, e.g. `en` or `es`.
    pub language: String,
}

impl Template {
    pub fn to_graph_json(&self) -> Value {
        json!({
            "type": "template",
            "template": { "name": self.name, "language": { "code": self.language } }
        })
    }
}

#[derive(Debug, Clone)]
pub struct SendPolicy {
    /// Sent once when Meta answers 131047; without one the conversation is left for staff.
    pub reopen_template: Option<Template>,
    /// How long a send cut off by a crash waits for a status webhook before it is sent again.
    pub claim_grace: Duration,
    /// Meta's pair rate limit: about one message per 6 s to the same patient, in bursts.
    pub patient_period: Duration,
    pub patient_burst: NonZeroU32,
}

impl Default for SendPolicy {
    fn default() -> Self {
        Self {
            reopen_template: None,
            // Meta's "sent" status normally follows within seconds, and retries of a webhook
            // that failed while we were down start within a minute or so.
            claim_grace: Duration::from_secs(120),
            patient_period: Duration::from_secs(6),
            patient_burst: NonZeroU32::new(20).unwrap_or(NonZeroU32::MIN),
        }
    }
}

pub(crate) type PatientLimiter =
    RateLimiter<String, HashMapStateStore<String>, RateClock, NoOpMiddleware<Nanos>>;

pub(crate) fn patient_limiter(policy: &SendPolicy, clock: RateClock) -> PatientLimiter {
    let quota = Quota::with_period(policy.patient_period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(policy.patient_burst);
    RateLimiter::hashmap_with_clock(quota, clock)
}

const REASON_TEMPLATE_SENT: &str = "More than 24 hours had passed since the patient last wrote, so WhatsApp only allows an approved template. The clinic's \"please write to us\" template was sent; the intake continues when the patient answers.";
const REASON_NO_TEMPLATE: &str = "More than 24 hours have passed since the patient last wrote, so WhatsApp only allows an approved template. Ask the patient to write, or set a re-engagement template in Settings.";

/// 131047 for `row`: stops what is waiting for that patient, sends the re-engagement template
/// once (never in answer to a failed template, which would loop), and tells staff.
pub(crate) fn window_closed(
    tx: &Connection,
    row: &Pending,
    template: Option<&Template>,
    now_ms: i64,
) -> Result<(), StoreError> {
    let was_template = row.payload.get("type").and_then(Value::as_str) == Some("template");
    let template = template.filter(|_| !was_template);
    let reason = if template.is_some() {
        REASON_TEMPLATE_SENT
    } else {
        REASON_NO_TEMPLATE
    };
    outbox::mark_stopped(tx, row.id, "needs_staff", 131047, reason, now_ms)?;
    outbox::stop_patient(tx, &row.wa_to, "needs_staff", 131047, reason)?;
    if let Some(t) = template {
        outbox::enqueue(tx, &row.wa_to, &t.to_graph_json(), now_ms)?;
    }
    tx.prepare_cached(
        "INSERT INTO bot_events (conversation_id, kind, at, details)
         SELECT id, 'window_closed', ?2, ?3 FROM conversations WHERE wa_id = ?1",
    )?
    .execute(params![
        row.wa_to,
        now_ms,
        json!({ "templateSent": template.is_some() }).to_string()
    ])?;
    Ok(())
}
