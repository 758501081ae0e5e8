//! The intake engine: a pure function from (form, state, event, now, settings) to the next
//! state, the messages to send and the effects to record. No I/O, no clock: the processor
//! stores the state as JSON per patient and applies the outputs in one transaction.
mod flow;
mod outgoing;
mod prompt;
mod reply;
mod strings;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use phonenumber::country;
use serde::{Deserialize, Serialize};

use crate::form::{Answer, DateOrder, Form};

pub use outgoing::{Choice, Opt, Outgoing, Row};

/// Meta's size limits for outgoing messages (characters, not bytes).
pub mod limits {
    pub use super::outgoing::{
        MAX_BUTTONS, MAX_BUTTON_ID, MAX_BUTTON_TITLE, MAX_INTERACTIVE_BODY, MAX_LIST_BUTTON,
        MAX_ROWS, MAX_ROW_DESCRIPTION, MAX_ROW_ID, MAX_ROW_TITLE, MAX_TEXT_BODY,
    };
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// An intake with no patient message for this long is marked abandoned.
    pub idle_timeout_secs: i64,
    /// Messages older than this when processed are folded into a single reply.
    pub backlog_age_secs: i64,
    pub date_order: DateOrder,
    /// Region for phone numbers typed without a country code.
    pub default_region: Option<country::Id>,
    /// Languages the clinic offers (codes of the form's languages); empty means all. With one,
    /// the language question is not asked.
    pub languages: Vec<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            idle_timeout_secs: 24 * 3600,
            backlog_age_secs: 30 * 60,
            date_order: DateOrder::DayFirst,
            default_region: None,
            languages: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "type"
)]
pub enum Event {
    Inbound(Inbound),
    /// Periodic check for idle intakes.
    Tick,
    /// Staff took the conversation over from the desk: the bot goes quiet.
    StaffTakeover,
    /// Staff gave the conversation back: the bot re-asks where the patient is.
    StaffRelease,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inbound {
    pub wamid: String,
    /// The patient's WhatsApp number (digits, country code first), offered as their phone.
    pub from: Option<String>,
    pub timestamp: DateTime<Utc>,
    pub content: Content,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "type"
)]
pub enum Content {
    Text {
        body: String,
    },
    ButtonReply {
        id: String,
        title: String,
    },
    ListReply {
        id: String,
        title: String,
    },
    Media {
        media_id: String,
        sha256: String,
        mime: String,
    },
    Location {
        latitude: f64,
        longitude: f64,
    },
    /// Reactions, stickers, contacts, system messages: nothing the form can use.
    Other {
        kind: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "phase"
)]
pub enum Phase {
    /// Never talked to the bot (or reset).
    #[default]
    New,
    Asking {
        link_id: String,
    },
    Review,
    /// Choosing which answer to change; `page` of the paginated field list.
    Edit {
        page: usize,
    },
    /// Idle past the timeout; `resume` is where the patient was.
    Abandoned {
        resume: Box<Phase>,
    },
    /// Offered Continue / Start over / Talk to staff.
    ResumeOffer {
        resume: Box<Phase>,
    },
    Submitted,
    /// Offered a new intake or staff after a submission.
    SubmittedOffer,
    /// Withdrawn, or consent declined.
    Ended,
}

impl Phase {
    fn in_progress(&self) -> bool {
        matches!(
            self,
            Phase::Asking { .. } | Phase::Review | Phase::Edit { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct State {
    pub phase: Phase,
    pub lang: Option<String>,
    pub form_version: Option<String>,
    pub answers: BTreeMap<String, Answer>,
    pub wa_number: Option<String>,
    pub last_activity: Option<DateTime<Utc>>,
    /// Staff are handling this patient: the bot stays quiet until released.
    pub handover: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "effect"
)]
pub enum Effect {
    /// For the audit chain: what the patient agreed (or declined) to, and when.
    Consent {
        wamid: String,
        at: DateTime<Utc>,
        consent_version: String,
        text_sha256: String,
        lang: String,
        granted: bool,
    },
    FetchMedia {
        media_id: String,
        sha256: String,
        mime: String,
        link_id: String,
    },
    Submitted {
        form_id: String,
        form_version: String,
        lang: String,
        answers: BTreeMap<String, Answer>,
    },
    Withdrawn {
        wamid: String,
        at: DateTime<Utc>,
    },
    HandoverRequested {
        wamid: String,
        at: DateTime<Utc>,
    },
    Abandoned {
        last_activity: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub state: State,
    pub outgoing: Vec<Outgoing>,
    pub effects: Vec<Effect>,
}

/// Applies one event.
pub fn step(form: &Form, state: &State, event: &Event, now: DateTime<Utc>, s: &Settings) -> Step {
    let mut cx = flow::Cx::new(form, state.clone(), now, s);
    match event {
        Event::Inbound(msg) => cx.inbound(msg),
        Event::Tick => cx.tick(),
        Event::StaffTakeover => cx.state.handover = true,
        Event::StaffRelease => {
            cx.state.handover = false;
            cx.reprompt(None);
        }
    }
    cx.finish()
}

/// When a `Tick` would mark this intake abandoned, so the processor can schedule that one check
/// instead of ticking every conversation. Mirrors `flow::Cx::is_idle`: in progress, not with
/// staff, idle for the timeout. `None` means no Tick can change anything.
pub fn idle_deadline(state: &State, s: &Settings) -> Option<DateTime<Utc>> {
    if state.handover || !state.phase.in_progress() {
        return None;
    }
    // An absurd timeout from settings means "never", not a panic in the background loop.
    let timeout = Duration::try_seconds(s.idle_timeout_secs)?;
    state.last_activity?.checked_add_signed(timeout)
}

/// Applies a patient's pending events in order. Replies to events older than the backlog age
/// are folded: instead of one answer per stale message, the patient gets one message that
/// picks up where they now are (unless a fresh message already got a reply).
pub fn step_batch(
    form: &Form,
    state: &State,
    events: &[Event],
    now: DateTime<Utc>,
    s: &Settings,
) -> Step {
    let cutoff = now - Duration::seconds(s.backlog_age_secs.max(0));
    let mut current = state.clone();
    let mut outgoing = Vec::new();
    let mut effects = Vec::new();
    let mut fold_pending = false;
    for event in events {
        let st = step(form, &current, event, now, s);
        let stale = matches!(event, Event::Inbound(m) if m.timestamp < cutoff);
        if stale {
            fold_pending |= !st.outgoing.is_empty();
        } else {
            fold_pending = false;
            outgoing.extend(st.outgoing);
        }
        effects.extend(st.effects);
        current = st.state;
    }
    if fold_pending && !current.handover {
        let mut cx = flow::Cx::new(form, current, now, s);
        cx.reprompt(Some(strings::Msg::Delay));
        let folded = cx.finish();
        current = folded.state;
        outgoing.extend(folded.outgoing);
    }
    Step {
        state: current,
        outgoing,
        effects,
    }
}

#[cfg(test)]
mod tests;
