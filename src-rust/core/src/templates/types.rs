//! What crosses IPC for the template library and the event → template mapping.
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Meta's review state of a template, reduced to what the desk acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TemplateStatus {
    /// May be sent.
    Approved,
    /// Submitted, waiting for Meta (also IN_APPEAL).
    Pending,
    Rejected,
    /// Meta paused it for poor quality; sends fail until it is approved again.
    Paused,
    /// DISABLED, DELETED, ARCHIVED, PENDING_DELETION, LIMIT_EXCEEDED or a word we do not know.
    Unavailable,
}

/// A kind of message the clinic sends first (outside a conversation): each can have a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TemplateEvent {
    AppointmentConfirmation,
    #[serde(rename = "reminder_24h")]
    Reminder24h,
    #[serde(rename = "reminder_1h")]
    Reminder1h,
    #[serde(rename = "reminder_15m")]
    Reminder15m,
    AppointmentCancelled,
    AppointmentRescheduled,
    IntakeReminder,
    ContinueConversation,
}

impl TemplateEvent {
    pub const ALL: [TemplateEvent; 8] = [
        Self::AppointmentConfirmation,
        Self::Reminder24h,
        Self::Reminder1h,
        Self::Reminder15m,
        Self::AppointmentCancelled,
        Self::AppointmentRescheduled,
        Self::IntakeReminder,
        Self::ContinueConversation,
    ];

    /// The word stored in `template_mappings.event` and `appointment_messages.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AppointmentConfirmation => "appointment_confirmation",
            Self::Reminder24h => "reminder_24h",
            Self::Reminder1h => "reminder_1h",
            Self::Reminder15m => "reminder_15m",
            Self::AppointmentCancelled => "appointment_cancelled",
            Self::AppointmentRescheduled => "appointment_rescheduled",
            Self::IntakeReminder => "intake_reminder",
            Self::ContinueConversation => "continue_conversation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// One of the clinic's templates as Meta last reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct WaTemplate {
    pub name: String,
    pub language: String,
    /// UTILITY, MARKETING or AUTHENTICATION.
    pub category: String,
    pub status: TemplateStatus,
    /// Meta's own word (APPROVED, IN_APPEAL...), for the detail line.
    pub meta_status: String,
    /// The body with its `{{parameters}}`.
    pub body: String,
    /// Parameter names in the order they appear (`"1"`, `"2"` for positional templates).
    pub params: Vec<String>,
    /// Quick-reply button texts, in order.
    pub buttons: Vec<String>,
    /// First guesses for the mapping screen, one per parameter (`None`: no idea) and one per
    /// button, so the screen and core's own defaults guess the same way.
    pub suggested_params: Vec<Option<ParamSource>>,
    pub suggested_buttons: Vec<ButtonAction>,
    /// Why Meta rejected or paused it, when it said.
    pub reason: Option<String>,
    /// Set when the template has a part Intake Desk cannot fill (a header with a variable or a
    /// picture, a link button with a variable...): a sentence for the admin. Such a template
    /// cannot be chosen for a message.
    pub unsupported: Option<String>,
    #[ts(type = "number")]
    pub updated_at: i64,
}

/// A ready-made utility template the clinic can submit for approval in one click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ReadyMade {
    pub event: TemplateEvent,
    /// The name it is submitted under, e.g. `appointment_reminder_24h`.
    pub name: String,
    pub language: String,
    pub body: String,
    pub buttons: Vec<String>,
    /// A template of this name and language is already in the library.
    pub in_library: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TemplateLibrary {
    pub templates: Vec<WaTemplate>,
    /// When the list was last fetched from Meta; `None` before the first sync.
    #[ts(type = "number | null")]
    pub synced_at: Option<i64>,
    pub ready_made: Vec<ReadyMade>,
}

/// What fills a template parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ParamSource {
    FirstName,
    ClinicName,
    /// The appointment's date in the clinic's words ("Tuesday 3 March").
    Date,
    /// The appointment's start time ("09:30").
    Time,
    Clinician,
    Location,
    /// The telehealth link (or the location when there is none).
    Link,
}

impl ParamSource {
    pub const ALL: [ParamSource; 7] = [
        Self::FirstName,
        Self::ClinicName,
        Self::Date,
        Self::Time,
        Self::Clinician,
        Self::Location,
        Self::Link,
    ];

    /// The parameter name the ready-made templates use for this value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FirstName => "first_name",
            Self::ClinicName => "clinic_name",
            Self::Date => "date",
            Self::Time => "time",
            Self::Clinician => "clinician",
            Self::Location => "location",
            Self::Link => "link",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// A first guess from a template's parameter name (English or Spanish words), or from a
    /// positional number in the usual order of a greeting, then when and with whom. Most
    /// specific first: "clinic_name" and "doctor_name" are not the patient's name.
    pub fn guess(name: &str) -> Option<Self> {
        const HINTS: [(&[&str], ParamSource); 7] = [
            (
                &["clinic", "clínica", "clinica", "practice"],
                ParamSource::ClinicName,
            ),
            (
                &["doctor", "clinician", "médico", "medico", "professional"],
                ParamSource::Clinician,
            ),
            (&["link", "url", "video", "enlace"], ParamSource::Link),
            (
                &[
                    "location", "place", "room", "address", "lugar", "sala", "direcci",
                ],
                ParamSource::Location,
            ),
            (&["date", "day", "fecha", "día", "dia"], ParamSource::Date),
            (&["time", "hour", "hora"], ParamSource::Time),
            (
                &["first", "name", "patient", "nombre"],
                ParamSource::FirstName,
            ),
        ];
        const POSITIONAL: [ParamSource; 6] = [
            ParamSource::FirstName,
            ParamSource::ClinicName,
            ParamSource::Date,
            ParamSource::Time,
            ParamSource::Clinician,
            ParamSource::Location,
        ];
        let n = name.trim().to_lowercase();
        let dr = n == "dr" || n.starts_with("dr_") || n.starts_with("dr ");
        if dr {
            return Some(ParamSource::Clinician);
        }
        if let Some((_, source)) = HINTS
            .iter()
            .find(|(words, _)| words.iter().any(|w| n.contains(w)))
        {
            return Some(*source);
        }
        n.parse::<usize>()
            .ok()
            .filter(|i| *i >= 1 && n == i.to_string())
            .and_then(|i| POSITIONAL.get(i - 1).copied())
    }
}

/// The screen's first guesses for a template's parameters and buttons.
pub(crate) fn suggestions(
    params: &[String],
    buttons: &[String],
) -> (Vec<Option<ParamSource>>, Vec<ButtonAction>) {
    (
        params.iter().map(|p| ParamSource::guess(p)).collect(),
        buttons.iter().map(|b| ButtonAction::guess(b)).collect(),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ParamBinding {
    /// The template's parameter name (`first_name`, or `1` for positional templates).
    pub name: String,
    pub source: ParamSource,
}

/// What a quick-reply button of a reminder template does when the patient taps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ButtonAction {
    Confirm,
    Reschedule,
    Cancel,
    /// Shown, but only tells staff.
    None,
}

impl ButtonAction {
    /// The last part of a button's reply id / payload, `appt:<appointment id>:<action>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Reschedule => "reschedule",
            Self::Cancel => "cancel",
            Self::None => "none",
        }
    }

    /// What a quick-reply button most likely does, from its text (English and Spanish), for
    /// mappings that do not say.
    pub fn guess(text: &str) -> Self {
        let t = text.trim().to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
        if has(&[
            "reschedul",
            "change",
            "another",
            "other time",
            "cambiar",
            "reprogram",
            "move",
            "mover",
        ]) {
            Self::Reschedule
        } else if has(&["cancel"]) {
            Self::Cancel
        } else if has(&["confirm", "yes", "sí", "asistir", "attend"]) || t == "si" || t == "ok" {
            Self::Confirm
        } else {
            Self::None
        }
    }
}

/// The template chosen for one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TemplateMapping {
    pub event: TemplateEvent,
    pub template_name: String,
    pub language: String,
    pub params: Vec<ParamBinding>,
    /// One per quick-reply button of the template, in order.
    pub buttons: Vec<ButtonAction>,
}

/// Sets (`template_name` given) or clears (`None`) the template for an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct MappingUpdate {
    pub event: TemplateEvent,
    pub template_name: Option<String>,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub params: Vec<ParamBinding>,
    #[serde(default)]
    pub buttons: Vec<ButtonAction>,
}

/// How a message would go out now, filled with a real appointment's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// An approved template (the only thing WhatsApp allows outside the 24-hour window).
    Template,
    /// Free text with reply buttons (inside the window).
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct MessagePreview {
    pub event: TemplateEvent,
    /// The text the patient would read, parameters filled in.
    pub text: String,
    pub buttons: Vec<String>,
    /// How it would be sent if it were due now; `None` when it could not be sent at all.
    pub via: Option<Via>,
    /// Plain sentences for the admin: a parameter without a source, a template not approved...
    pub problems: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_names_tell_the_clinic_and_the_doctor_from_the_patient() {
        let g = ParamSource::guess;
        assert_eq!(g("first_name"), Some(ParamSource::FirstName));
        assert_eq!(g("clinic_name"), Some(ParamSource::ClinicName));
        assert_eq!(g("doctor_name"), Some(ParamSource::Clinician));
        assert_eq!(g("dr"), Some(ParamSource::Clinician));
        assert_eq!(g("appointment_date"), Some(ParamSource::Date));
        assert_eq!(g("appointment_time"), Some(ParamSource::Time));
        assert_eq!(g("video_link"), Some(ParamSource::Link));
        assert_eq!(g("address"), Some(ParamSource::Location));
        assert_eq!(g("nombre_paciente"), Some(ParamSource::FirstName));
        assert_eq!(g("1"), Some(ParamSource::FirstName));
        assert_eq!(g("99"), None);
        assert_eq!(g("01"), None);
        assert_eq!(g("zzz"), None);
    }

    #[test]
    fn button_words_in_english_and_spanish() {
        let g = ButtonAction::guess;
        assert_eq!(g("Confirm"), ButtonAction::Confirm);
        assert_eq!(g("Confirmar"), ButtonAction::Confirm);
        assert_eq!(g("Reschedule"), ButtonAction::Reschedule);
        assert_eq!(g("Reprogramar"), ButtonAction::Reschedule);
        assert_eq!(g("Another time"), ButtonAction::Reschedule);
        assert_eq!(g("Cambiar cita"), ButtonAction::Reschedule);
        assert_eq!(g("Cancelar"), ButtonAction::Cancel);
        assert_eq!(g("Book again"), ButtonAction::None);
    }
}
