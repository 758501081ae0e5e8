//! Words: what staff read about a message that was not sent, and the short acknowledgements
//! the patient gets for a tap or a STOP / START, in the clinic's languages (English, Spanish).
use crate::templates::ready_made::Lang;
use crate::templates::TemplateEvent;

/// The message's name in a sentence for staff.
pub(crate) fn kind_label(kind: TemplateEvent) -> &'static str {
    match kind {
        TemplateEvent::AppointmentConfirmation => "booking confirmation",
        TemplateEvent::Reminder24h => "24-hour reminder",
        TemplateEvent::Reminder1h => "1-hour reminder",
        TemplateEvent::Reminder15m => "15-minute reminder",
        TemplateEvent::AppointmentCancelled => "cancellation notice",
        TemplateEvent::AppointmentRescheduled => "new-time notice",
        TemplateEvent::IntakeReminder => "intake reminder",
        TemplateEvent::ContinueConversation => "invitation to continue",
    }
}

/// A stored `skip_reason` code as a sentence for the appointment's panel.
pub(crate) fn skip_sentence(code: &str) -> String {
    match code {
        "cancelled" => "The appointment was cancelled.",
        "moved" => "The appointment was moved; its messages were planned again for the new time.",
        "late" => "The appointment had already started when this message was due (the computer was probably off), so it was dropped.",
        "superseded" => "A later message for this appointment was due at the same time (the computer was probably off), so only that one was sent.",
        "opted_out" => "The patient replied STOP, so no appointment messages go to them until they reply START.",
        "no_template" => "More than 24 hours had passed since the patient last wrote and no approved template is chosen for this message, so WhatsApp did not allow it. The inbox shows it to the front desk.",
        "turned_off" => "This kind of message was turned off in the reminder settings.",
        _ => "Not sent.",
    }
    .to_owned()
}

/// What the patient is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ack {
    Confirmed,
    Cancelled,
    Reschedule,
    AlreadyCancelled,
    AlreadyStarted,
    NotFound,
    Stopped,
    Resumed,
}

pub(crate) fn ack(what: Ack, lang: Lang) -> &'static str {
    match (what, lang) {
        (Ack::Confirmed, Lang::En) => "Thank you, your appointment is confirmed. See you then!",
        (Ack::Confirmed, Lang::Es) => "Gracias, su cita queda confirmada. ¡Hasta pronto!",
        (Ack::Cancelled, Lang::En) => "Your appointment has been cancelled. Write to us here if you would like a new time.",
        (Ack::Cancelled, Lang::Es) => "Su cita ha sido cancelada. Escríbanos por aquí si desea otra hora.",
        (Ack::Reschedule, Lang::En) => "Thank you. Someone from the front desk will write to you here to find a new time.",
        (Ack::Reschedule, Lang::Es) => "Gracias. Alguien de recepción le escribirá por aquí para buscar otra hora.",
        (Ack::AlreadyCancelled, Lang::En) => "This appointment was already cancelled. Write to us here if you would like a new time.",
        (Ack::AlreadyCancelled, Lang::Es) => "Esta cita ya estaba cancelada. Escríbanos por aquí si desea otra hora.",
        (Ack::AlreadyStarted, Lang::En) => "This appointment has already started or passed, so the button no longer works. Write to us here if you need anything.",
        (Ack::AlreadyStarted, Lang::Es) => "Esta cita ya ha empezado o ha pasado, así que el botón ya no sirve. Escríbanos por aquí si necesita algo.",
        (Ack::NotFound, Lang::En) => "We could not find that appointment. Write to us here if you need to change an appointment.",
        (Ack::NotFound, Lang::Es) => "No encontramos esa cita. Escríbanos por aquí si necesita cambiar una cita.",
        (Ack::Stopped, Lang::En) => "You will not get appointment reminders any more. Reply START to get them again.",
        (Ack::Stopped, Lang::Es) => "Ya no recibirá recordatorios de citas. Responda START para recibirlos de nuevo.",
        (Ack::Resumed, Lang::En) => "You will get appointment reminders again. Reply STOP to stop them.",
        (Ack::Resumed, Lang::Es) => "Volverá a recibir recordatorios de citas. Responda STOP para dejar de recibirlos.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_code_reads_as_a_sentence() {
        for code in [
            "cancelled",
            "moved",
            "late",
            "superseded",
            "opted_out",
            "no_template",
            "turned_off",
        ] {
            let s = skip_sentence(code);
            assert!(s.ends_with('.') && s.len() > 20, "{code}: {s}");
            assert_ne!(s, skip_sentence("something else"), "{code}");
        }
    }

    #[test]
    fn acknowledgements_fit_a_whatsapp_text_in_both_languages() {
        let all = [
            Ack::Confirmed,
            Ack::Cancelled,
            Ack::Reschedule,
            Ack::AlreadyCancelled,
            Ack::AlreadyStarted,
            Ack::NotFound,
            Ack::Stopped,
            Ack::Resumed,
        ];
        for a in all {
            assert_ne!(ack(a, Lang::En), ack(a, Lang::Es), "{a:?}");
            for lang in Lang::ALL {
                assert!(ack(a, lang).chars().count() < 300);
            }
        }
    }
}
