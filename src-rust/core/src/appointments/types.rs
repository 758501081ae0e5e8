//! What crosses IPC for appointments. Times are unix milliseconds; the window turns them into
//! the clinic's local time.
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Booked,
    /// The patient tapped Confirm on an appointment message.
    Confirmed,
    Cancelled,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 3] = [Self::Booked, Self::Confirmed, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Who the appointment is for: the patient of an intake, or a WhatsApp number staff typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(
    rename_all = "snake_case",
    tag = "kind",
    rename_all_fields = "camelCase"
)]
pub enum AppointmentPatient {
    /// Name and number come from the intake.
    Intake {
        #[ts(type = "number")]
        intake_id: i64,
    },
    /// A number with its country code ("+34 600 111 222") and the patient's name.
    Number { phone: String, name: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct NewAppointment {
    pub patient: AppointmentPatient,
    #[ts(type = "number")]
    pub clinician_id: i64,
    #[ts(type = "number")]
    pub starts_at: i64,
    pub duration_min: u32,
    #[serde(default)]
    pub location: String,
    /// An https link, or empty.
    #[serde(default)]
    pub telehealth_url: String,
    #[serde(default)]
    pub notes: String,
}

/// A new time (and possibly another clinician) for a booked appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Reschedule {
    #[ts(type = "number")]
    pub starts_at: i64,
    pub duration_min: u32,
    #[ts(type = "number")]
    pub clinician_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
#[serde(rename_all = "camelCase", default)]
pub struct Cancel {
    /// Optional; shown to staff, never written to the audit log.
    pub reason: String,
}

/// A day or a week (at most 62 days). Doctors always get their own appointments only,
/// whatever `clinician_id` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
#[serde(rename_all = "camelCase", default)]
pub struct AppointmentQuery {
    /// Starting at or after (unix ms).
    #[ts(type = "number")]
    pub from_ms: i64,
    /// Starting before (unix ms, exclusive).
    #[ts(type = "number")]
    pub to_ms: i64,
    #[ts(type = "number | null")]
    pub clinician_id: Option<i64>,
    /// Cancelled appointments are left out unless asked for.
    pub include_cancelled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub conversation_id: i64,
    #[ts(type = "number | null")]
    pub intake_id: Option<i64>,
    pub patient_name: String,
    /// E.164 with the plus.
    pub patient_phone: String,
    #[ts(type = "number")]
    pub clinician_id: i64,
    pub clinician_name: String,
    #[ts(type = "number")]
    pub starts_at: i64,
    pub duration_min: u32,
    pub location: String,
    pub telehealth_url: String,
    pub notes: String,
    pub status: AppointmentStatus,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
    #[ts(type = "number | null")]
    pub cancelled_at: Option<i64>,
    pub cancel_reason: Option<String>,
    /// What the patient answered to a reminder's buttons, and when.
    pub patient_answer: Option<crate::reminders::PatientAnswer>,
    #[ts(type = "number | null")]
    pub patient_answer_at: Option<i64>,
    /// The patient replied STOP: no reminders go to them until they reply START.
    pub reminders_off: bool,
}

/// An active doctor appointments can be booked with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Clinician {
    #[ts(type = "number")]
    pub id: i64,
    pub display_name: String,
}

/// Where and how: the parts of a booking that can change without moving it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
#[serde(rename_all = "camelCase", default)]
pub struct AppointmentDetails {
    pub location: String,
    /// An https link, or empty.
    pub telehealth_url: String,
    pub notes: String,
}
