//! What crosses IPC for the intake queue, the intake detail and the dashboard. Times are unix
//! milliseconds; the window turns them into the clinic's local time.
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::inbox::TranscriptEntry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum IntakeStatus {
    New,
    Reviewed,
    NeedsFollowUp,
}

impl IntakeStatus {
    pub const ALL: [IntakeStatus; 3] = [Self::New, Self::Reviewed, Self::NeedsFollowUp];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Reviewed => "reviewed",
            Self::NeedsFollowUp => "needs_follow_up",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum QueueSort {
    #[default]
    SubmittedAt,
    Name,
    Status,
}

/// One page of the queue. Everything is filtered, sorted and paged in the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
#[serde(rename_all = "camelCase", default)]
pub struct QueueQuery {
    /// Part of a name (accents and case ignored) or of a phone number (digits only compared).
    pub search: Option<String>,
    /// Empty means every status.
    pub statuses: Vec<IntakeStatus>,
    /// Submitted at or after (unix ms), e.g. the start of a local day.
    #[ts(type = "number | null")]
    pub from_ms: Option<i64>,
    /// Submitted before (unix ms, exclusive).
    #[ts(type = "number | null")]
    pub to_ms: Option<i64>,
    /// `Some(false)`: not reviewed yet (status new); `Some(true)`: reviewed or follow-up.
    pub reviewed: Option<bool>,
    pub sort: QueueSort,
    pub descending: bool,
    /// 0-based.
    pub page: u32,
    /// 1 to 200; 0 means the default (50).
    pub page_size: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct QueueRow {
    #[ts(type = "number")]
    pub id: i64,
    pub patient_name: String,
    /// The patient's WhatsApp number, E.164 with the plus.
    pub patient_phone: String,
    #[ts(type = "number")]
    pub submitted_at: i64,
    pub status: IntakeStatus,
    /// Display name of whoever last set the status.
    pub status_by: Option<String>,
    #[ts(type = "number | null")]
    pub status_at: Option<i64>,
    pub lang: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    /// Rows matching the filters, across all pages.
    pub total: u32,
    pub page: u32,
    pub page_size: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Demographic,
    Clinical,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AnswerView {
    pub link_id: String,
    /// The question's short label ("Date of birth").
    pub label: String,
    /// The full question as the patient saw it.
    pub question: String,
    /// The answer as staff read it ("1984-03-02", "Yes", "—" for skipped).
    pub value: String,
    pub skipped: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AnswerSection {
    pub kind: SectionKind,
    pub title: String,
    pub answers: Vec<AnswerView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentState {
    /// Waiting to be downloaded from Meta.
    Pending,
    Fetched,
    /// Could not be downloaded (expired at Meta, too large, wrong type): `problem` says which.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentView {
    pub media_id: String,
    pub link_id: String,
    pub label: String,
    pub mime: String,
    pub state: AttachmentState,
    #[ts(type = "number | null")]
    pub size: Option<i64>,
    pub problem: Option<String>,
}

/// The photo itself, for an `<img src="data:…">` (the CSP allows data: images only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct MediaData {
    pub mime: String,
    pub base64: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ConsentEvidence {
    pub granted: bool,
    /// When the patient answered (RFC 3339, Meta's timestamp).
    pub at: String,
    pub consent_version: String,
    /// SHA-256 of the consent text the patient was shown.
    pub text_sha256: String,
    pub lang: String,
    /// The WhatsApp message id of the patient's answer.
    pub wamid: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct IntakeNote {
    #[ts(type = "number")]
    pub id: i64,
    pub author: String,
    #[ts(type = "number")]
    pub at: i64,
    pub text: String,
}

/// One intake as the signed-in role may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct IntakeDetail {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub conversation_id: i64,
    pub patient_name: String,
    pub patient_phone: String,
    #[ts(type = "number")]
    pub submitted_at: i64,
    pub lang: String,
    pub form_version: String,
    pub status: IntakeStatus,
    pub status_by: Option<String>,
    #[ts(type = "number | null")]
    pub status_at: Option<i64>,
    /// Demographic first; clinical only for roles that may read it.
    pub sections: Vec<AnswerSection>,
    /// True when clinical answers, notes and the transcript were left out for this role.
    pub clinical_hidden: bool,
    pub attachments: Vec<AttachmentView>,
    pub consent: Option<ConsentEvidence>,
    /// Doctor notes, oldest first (clinical: empty when `clinical_hidden`).
    pub notes: Vec<IntakeNote>,
    /// The WhatsApp conversation up to now (clinical: empty when `clinical_hidden`).
    pub transcript: Vec<TranscriptEntry>,
}

/// A doctor's review: a new status and, optionally, a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ReviewRequest {
    pub status: IntakeStatus,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
#[serde(rename_all = "camelCase", default)]
pub struct DashboardQuery {
    /// The window's offset from UTC in minutes (east positive, e.g. +60 for CET), so "today"
    /// and the days of the chart are the clinic's days.
    pub utc_offset_minutes: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Default)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct StatusCounts {
    pub new: u32,
    pub reviewed: u32,
    pub needs_follow_up: u32,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct DayCount {
    /// Local date, YYYY-MM-DD.
    pub day: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// Intakes submitted today (local day), by status.
    pub today: StatusCounts,
    /// All intakes still `new`, whatever the day.
    pub awaiting_review: u32,
    /// Conversations in the inbox (asked for staff, held by staff, or a send that needs staff).
    pub waiting_for_staff: u32,
    /// The last 30 local days, oldest first, zero days included.
    pub per_day: Vec<DayCount>,
}
