//! What crosses IPC for the inbox (conversations that need staff) and transcripts.
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the patient.
    In,
    /// To the patient (the bot or staff).
    Out,
}

/// Delivery of a message we sent, as WhatsApp's ticks show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// In the outbox, not yet accepted by WhatsApp (a clock).
    Queued,
    /// One grey tick.
    Sent,
    /// Two grey ticks.
    Delivered,
    /// Two blue ticks.
    Read,
    /// Not delivered: `problem` says why and what to do.
    Failed,
    /// Held back for staff (outside the 24-hour window, or refused before sending).
    NeedsStaff,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptEntry {
    /// Stable key: "in:<wamid>" or "out:<outbox id>".
    pub key: String,
    pub direction: Direction,
    #[ts(type = "number")]
    pub at: i64,
    /// What was said, as a person reads it: the text, the tapped button's title, "Photo", the
    /// question and its buttons for interactive messages.
    pub text: String,
    /// "bot", a staff member's display name, or null for the patient.
    pub author: Option<String>,
    /// Outgoing only.
    pub delivery: Option<Delivery>,
    /// Plain-language reason for a failure or a hold, with what to do.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum InboxReason {
    /// The patient tapped "Talk to staff".
    AskedForStaff,
    /// A member of staff has taken the conversation over.
    TakenOver,
    /// A reply could not be sent and needs a person (window closed, number not on WhatsApp...).
    SendProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct InboxItem {
    #[ts(type = "number")]
    pub conversation_id: i64,
    /// The patient's WhatsApp number, E.164 with the plus.
    pub patient_phone: String,
    /// From the current or last intake; null before the patient gave a name.
    pub patient_name: Option<String>,
    pub reason: InboxReason,
    /// Since when the conversation has been waiting (unix ms).
    #[ts(type = "number")]
    pub since: i64,
    /// Display name of the staff member holding it, if taken over.
    pub held_by: Option<String>,
    /// When the 24-hour customer-service window closes (unix ms); null if the patient never
    /// wrote. After this, only approved templates may be sent.
    #[ts(type = "number | null")]
    pub window_closes_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ConversationView {
    #[ts(type = "number")]
    pub conversation_id: i64,
    pub patient_phone: String,
    pub patient_name: Option<String>,
    /// True while staff hold the conversation (the bot is quiet).
    pub taken_over: bool,
    pub held_by: Option<String>,
    #[ts(type = "number | null")]
    pub window_closes_at: Option<i64>,
    /// Server time when this view was made, so the countdown does not trust the PC's clock
    /// twice.
    #[ts(type = "number")]
    pub now: i64,
    /// Whether the patient asked for staff and is still waiting.
    pub asked_for_staff: bool,
    pub messages: Vec<TranscriptEntry>,
    /// The latest intake from this conversation, to link to it.
    #[ts(type = "number | null")]
    pub latest_intake_id: Option<i64>,
}

/// A reply typed by staff. Free text only while the 24-hour window is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct StaffReply {
    #[ts(type = "number")]
    pub conversation_id: i64,
    pub text: String,
}
