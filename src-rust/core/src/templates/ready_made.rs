//! The built-in texts, in English and Spanish, one per `TemplateEvent`. They are both the
//! ready-made templates an admin submits to Meta for approval (UTILITY, NAMED parameters) and
//! the free text the bot sends inside the 24-hour window when no template is mapped, so a
//! patient reads the same words either way.
//!
//! Written to pass Meta's template review: utility wording about an existing appointment (no
//! offers, no emojis), no parameter at the very start or end of the body, never two parameters
//! side by side, and enough fixed text around them. The greeting sits on its own line so the
//! free-text form can leave it out when the patient's first name is unknown.
use super::types::{ParamSource, TemplateEvent};

/// The languages the built-in texts are written in (the bot's own languages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    Es,
}

impl Lang {
    /// Meta's codes (`es`, `es_MX`, `en_US`) and the bot's (`es`): Spanish by its prefix,
    /// English for everything else, because English is what the clinic can always fall back on.
    pub(crate) fn of(code: &str) -> Self {
        let c = code.trim().to_ascii_lowercase();
        if c == "es" || c.starts_with("es_") || c.starts_with("es-") {
            Lang::Es
        } else {
            Lang::En
        }
    }

    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    pub(crate) const ALL: [Lang; 2] = [Lang::En, Lang::Es];
}

/// One built-in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Text {
    /// The name it is submitted under; the same in every language, as Meta allows.
    pub name: &'static str,
    pub body: &'static str,
    pub buttons: &'static [&'static str],
}

const APPOINTMENT_BUTTONS_EN: &[&str] = &["Confirm", "Reschedule", "Cancel"];
const APPOINTMENT_BUTTONS_ES: &[&str] = &["Confirmar", "Cambiar cita", "Cancelar"];
const CONTINUE_EN: &[&str] = &["Continue"];
const CONTINUE_ES: &[&str] = &["Continuar"];

pub(crate) fn text(event: TemplateEvent, lang: Lang) -> Text {
    use TemplateEvent as E;
    let t = |name, body, buttons| Text {
        name,
        body,
        buttons,
    };
    match (event, lang) {
        (E::AppointmentConfirmation, Lang::En) => t(
            "appointment_confirmation",
            "Hello {{first_name}},\nYour appointment at {{clinic_name}} is booked for {{date}} at {{time}} with {{clinician}}.\nWhere: {{link}}\nPlease use the buttons below to confirm, reschedule or cancel it.",
            APPOINTMENT_BUTTONS_EN,
        ),
        (E::AppointmentConfirmation, Lang::Es) => t(
            "appointment_confirmation",
            "Hola {{first_name}}:\nSu cita en {{clinic_name}} está reservada para el {{date}} a las {{time}} con {{clinician}}.\nLugar: {{link}}\nUse los botones de abajo para confirmarla, cambiarla o cancelarla.",
            APPOINTMENT_BUTTONS_ES,
        ),
        (E::Reminder24h, Lang::En) => t(
            "appointment_reminder_24h",
            "Hello {{first_name}},\nThis is a reminder of your appointment at {{clinic_name}} on {{date}} at {{time}}, with {{clinician}}.\nWhere: {{link}}\nPlease let us know with the buttons below whether you can attend.",
            APPOINTMENT_BUTTONS_EN,
        ),
        (E::Reminder24h, Lang::Es) => t(
            "appointment_reminder_24h",
            "Hola {{first_name}}:\nLe recordamos su cita en {{clinic_name}} el {{date}} a las {{time}}, con {{clinician}}.\nLugar: {{link}}\nIndíquenos con los botones de abajo si podrá asistir.",
            APPOINTMENT_BUTTONS_ES,
        ),
        (E::Reminder1h, Lang::En) => t(
            "appointment_reminder_1h",
            "Hello {{first_name}},\nYour appointment at {{clinic_name}} with {{clinician}} starts in one hour, at {{time}}.\nWhere: {{link}}\nPlease use the buttons below if your plans have changed.",
            APPOINTMENT_BUTTONS_EN,
        ),
        (E::Reminder1h, Lang::Es) => t(
            "appointment_reminder_1h",
            "Hola {{first_name}}:\nSu cita en {{clinic_name}} con {{clinician}} empieza dentro de una hora, a las {{time}}.\nLugar: {{link}}\nUse los botones de abajo si sus planes han cambiado.",
            APPOINTMENT_BUTTONS_ES,
        ),
        (E::Reminder15m, Lang::En) => t(
            "appointment_reminder_15m",
            "Hello {{first_name}},\nYour appointment at {{clinic_name}} with {{clinician}} starts in 15 minutes, at {{time}}.\nWhere: {{link}}\nPlease use the buttons below if you cannot make it.",
            APPOINTMENT_BUTTONS_EN,
        ),
        (E::Reminder15m, Lang::Es) => t(
            "appointment_reminder_15m",
            "Hola {{first_name}}:\nSu cita en {{clinic_name}} con {{clinician}} empieza dentro de 15 minutos, a las {{time}}.\nLugar: {{link}}\nUse los botones de abajo si no puede llegar.",
            APPOINTMENT_BUTTONS_ES,
        ),
        (E::AppointmentCancelled, Lang::En) => t(
            "appointment_cancelled",
            "Hello {{first_name}},\nYour appointment at {{clinic_name}} on {{date}} at {{time}} has been cancelled.\nReply to this message if you would like to book a new time.",
            &[],
        ),
        (E::AppointmentCancelled, Lang::Es) => t(
            "appointment_cancelled",
            "Hola {{first_name}}:\nSu cita en {{clinic_name}} del {{date}} a las {{time}} ha sido cancelada.\nResponda a este mensaje si desea reservar otra hora.",
            &[],
        ),
        (E::AppointmentRescheduled, Lang::En) => t(
            "appointment_rescheduled",
            "Hello {{first_name}},\nYour appointment at {{clinic_name}} has been moved to {{date}} at {{time}} with {{clinician}}.\nWhere: {{link}}\nPlease confirm the new time, or use the buttons below to change or cancel it.",
            APPOINTMENT_BUTTONS_EN,
        ),
        (E::AppointmentRescheduled, Lang::Es) => t(
            "appointment_rescheduled",
            "Hola {{first_name}}:\nSu cita en {{clinic_name}} se ha cambiado al {{date}} a las {{time}} con {{clinician}}.\nLugar: {{link}}\nConfirme la nueva hora, o use los botones de abajo para cambiarla o cancelarla.",
            APPOINTMENT_BUTTONS_ES,
        ),
        (E::IntakeReminder, Lang::En) => t(
            "intake_form_reminder",
            "Hello {{first_name}},\nYour registration form for {{clinic_name}} is not finished yet.\nTap Continue to pick up where you left off.",
            CONTINUE_EN,
        ),
        (E::IntakeReminder, Lang::Es) => t(
            "intake_form_reminder",
            "Hola {{first_name}}:\nSu formulario de registro de {{clinic_name}} todavía no está terminado.\nPulse Continuar para seguir donde lo dejó.",
            CONTINUE_ES,
        ),
        (E::ContinueConversation, Lang::En) => t(
            "messages_received_continue",
            "Hello {{first_name}},\n{{clinic_name}} has received your messages.\nTap Continue to carry on with the conversation.",
            CONTINUE_EN,
        ),
        (E::ContinueConversation, Lang::Es) => t(
            "messages_received_continue",
            "Hola {{first_name}}:\n{{clinic_name}} ha recibido sus mensajes.\nPulse Continuar para seguir con la conversación.",
            CONTINUE_ES,
        ),
    }
}

/// The example Meta's reviewers see for each parameter (required for NAMED templates).
pub(crate) fn example(source: ParamSource, lang: Lang) -> &'static str {
    use ParamSource as P;
    match (source, lang) {
        (P::FirstName, _) => "Ana",
        (P::ClinicName, Lang::En) => "Riverside Clinic",
        (P::ClinicName, Lang::Es) => "Clínica Ribera",
        (P::Date, Lang::En) => "Tuesday 3 March",
        (P::Date, Lang::Es) => "martes 3 de marzo",
        (P::Time, _) => "09:30",
        (P::Clinician, Lang::En) => "Dr. Lee",
        (P::Clinician, Lang::Es) => "Dra. López",
        (P::Location, Lang::En) => "Room 2, 1 Main Street",
        (P::Location, Lang::Es) => "Consulta 2, Calle Mayor 1",
        (P::Link, Lang::En) => "Room 2, 1 Main Street",
        (P::Link, Lang::Es) => "Consulta 2, Calle Mayor 1",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::compose::placeholders;

    #[test]
    fn every_text_follows_metas_rules() {
        for event in TemplateEvent::ALL {
            for lang in Lang::ALL {
                let t = text(event, lang);
                assert_eq!(t.name, text(event, Lang::En).name, "{event:?}");
                assert!(
                    t.name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit()),
                    "{}",
                    t.name
                );
                let params = placeholders(t.body);
                assert!(!params.is_empty(), "{event:?} {lang:?}");
                for p in &params {
                    assert!(ParamSource::parse(p).is_some(), "{p}");
                }
                assert!(!t.body.starts_with("{{"), "{event:?} {lang:?}");
                assert!(!t.body.trim_end().ends_with("}}"), "{event:?} {lang:?}");
                assert!(!t.body.contains("}} {{") && !t.body.contains("}}{{"));
                assert!(t.body.chars().count() <= 1024);
                assert!(t.buttons.len() <= 3);
                for b in t.buttons {
                    assert!(!b.is_empty() && b.chars().count() <= 20, "{b}");
                }
            }
        }
    }

    #[test]
    fn languages_are_read_from_meta_and_bot_codes() {
        assert_eq!(Lang::of("es"), Lang::Es);
        assert_eq!(Lang::of("es_MX"), Lang::Es);
        assert_eq!(Lang::of(" ES "), Lang::Es);
        assert_eq!(Lang::of("en_US"), Lang::En);
        assert_eq!(Lang::of("est"), Lang::En);
        assert_eq!(Lang::of(""), Lang::En);
    }
}
