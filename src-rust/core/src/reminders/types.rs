//! What crosses IPC for reminders: which messages go, and what happened to each one planned
//! for an appointment.
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::templates::{TemplateEvent, Via};

/// Which appointment messages the clinic sends. Reminders go at 24 h, 1 h and 15 min before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ReminderSettings {
    pub confirmation: bool,
    #[serde(rename = "reminder24h")]
    pub reminder_24h: bool,
    #[serde(rename = "reminder1h")]
    pub reminder_1h: bool,
    #[serde(rename = "reminder15m")]
    pub reminder_15m: bool,
    pub cancellation: bool,
    pub reschedule: bool,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        Self {
            confirmation: true,
            reminder_24h: true,
            reminder_1h: true,
            reminder_15m: false,
            cancellation: true,
            reschedule: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// Waiting for its time.
    Planned,
    /// Handed to the outbox (see `delivery`).
    Queued,
    /// Not sent; `skip_reason` says why.
    Skipped,
}

/// What the patient answered to a reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum PatientAnswer {
    Confirm,
    Reschedule,
    Cancel,
}

impl PatientAnswer {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Reschedule => "reschedule",
            Self::Cancel => "cancel",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Confirm, Self::Reschedule, Self::Cancel]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// One message planned for an appointment, as the appointment's panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentMessage {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: TemplateEvent,
    #[ts(type = "number")]
    pub due_at: i64,
    pub state: MessageState,
    /// A sentence for staff when skipped ("The appointment was cancelled.").
    pub skip_reason: Option<String>,
    pub via: Option<Via>,
    /// The outbox's word once queued: `waiting`, `sent`, `delivered`, `read`, `failed`,
    /// `needs_staff`.
    pub delivery: Option<String>,
    /// Why it failed, in words, when it did.
    pub delivery_error: Option<String>,
}
