//! The patient's taps on Confirm / Reschedule / Cancel, as Meta delivers them (a template's
//! quick reply arrives as a `button` message, a reply button as `interactive`), through the
//! signed webhook and the real ingest. They change only the tapping patient's own appointment
//! and never reach the intake engine.
use intake_core::appointments::{AppointmentStatus, Cancel};
use intake_core::events::DeskEvent;
use intake_core::inbox::InboxReason;
use intake_core::reminders::MessageState::{Planned, Queued, Skipped};
use intake_core::reminders::PatientAnswer;
use intake_core::templates::TemplateEvent::{AppointmentCancelled, Reminder1h, Reminder24h};

use super::{states, template_tap, Rig, DAY, HOUR, MIN, OTHER, PATIENT};
use crate::wa::{body_of, buttons, tap, text};

fn state_of(r: &Rig, wa_id: &str) -> String {
    r.desk
        .db()
        .conn()
        .query_row(
            "SELECT state FROM conversations WHERE wa_id = ?1",
            [wa_id],
            |row| row.get(0),
        )
        .unwrap()
}

/// The bodies of what was sent to `to` after the first `from` messages.
fn said_since(r: &Rig, to: &str, from: usize) -> Vec<String> {
    r.sent_to(to)[from..].iter().map(body_of).collect()
}

const CONFIRMED: &str = "Thank you, your appointment is confirmed. See you then!";
const CANCELLED: &str =
    "Your appointment has been cancelled. Write to us here if you would like a new time.";
const NOT_FOUND: &str =
    "We could not find that appointment. Write to us here if you need to change an appointment.";

#[tokio::test(flavor = "multi_thread")]
async fn quick_reply_confirm_and_cancel_update_the_appointment() {
    let mut r = Rig::new().await;
    r.approve_templates();
    // Mid-intake: the bot has asked for the language.
    r.say(PATIENT, text("Hi")).await;
    let language = r.sent_to(PATIENT)[0].clone();
    let first = r.book(r.t0 + DAY + 3 * HOUR);
    let second = r.book(r.t0 + 2 * DAY);
    let theirs = r.book_for(OTHER, r.t0 + 3 * DAY);
    r.pass().await;
    let intake = state_of(&r, PATIENT);

    // Confirm, as a template's quick reply.
    r.set_clock(r.t0 + HOUR);
    let n = r.sent_to(PATIENT).len();
    r.say(
        PATIENT,
        template_tap(&format!("appt:{}:confirm", first.id), "Confirm"),
    )
    .await;
    let a = r.appointment(first.id);
    assert_eq!(a.status, AppointmentStatus::Confirmed);
    assert_eq!(a.patient_answer, Some(PatientAnswer::Confirm));
    assert_eq!(a.patient_answer_at, Some(r.t0 + HOUR));
    assert_eq!(said_since(&r, PATIENT, n), [CONFIRMED]);
    assert_eq!(
        state_of(&r, PATIENT),
        intake,
        "the tap is not an answer to the intake's question"
    );

    // Cancel, as an interactive reply button, in the same batch as the intake's next answer:
    // the appointment is cancelled and the intake goes on.
    let n = r.sent_to(PATIENT).len();
    r.arrives(
        PATIENT,
        tap(&format!("appt:{}:cancel", second.id), "Cancel"),
    )
    .await;
    let (id, title) = buttons(&language)[0].clone();
    r.arrives(PATIENT, tap(&id, &title)).await;
    r.pass().await;
    let a = r.appointment(second.id);
    assert_eq!(a.status, AppointmentStatus::Cancelled);
    assert_eq!(
        a.cancel_reason.as_deref(),
        Some("Cancelled by the patient on WhatsApp")
    );
    assert_eq!(a.patient_answer, Some(PatientAnswer::Cancel));
    let said = said_since(&r, PATIENT, n);
    assert_eq!(said[0], CANCELLED);
    assert!(
        said.len() >= 2,
        "the intake's next question follows: {said:?}"
    );
    assert_ne!(
        state_of(&r, PATIENT),
        intake,
        "the language answer reached the engine"
    );
    assert_eq!(
        states(&r.messages(second.id))[1..],
        [(Reminder24h, Skipped), (Reminder1h, Skipped)],
        "no reminders for a cancelled appointment, and no cancellation notice: they know"
    );
    assert!(r
        .messages(second.id)
        .iter()
        .all(|m| m.kind != AppointmentCancelled));

    // The other patient's appointment, tapped from this phone: untouched.
    let n = r.sent_to(PATIENT).len();
    r.say(
        PATIENT,
        tap(&format!("appt:{}:cancel", theirs.id), "Cancel"),
    )
    .await;
    let t = r.appointment(theirs.id);
    assert_eq!(
        (t.status, t.patient_answer),
        (AppointmentStatus::Booked, None)
    );
    assert_eq!(said_since(&r, PATIENT, n), [NOT_FOUND]);

    // Audited as the patient's, with ids only.
    let conn = r.desk.db().conn();
    let mut stmt = conn
        .prepare(
            "SELECT actor, subject, details FROM audit_log
             WHERE action = 'appointment.patient_answer' ORDER BY id",
        )
        .unwrap();
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0, "patient");
    assert_eq!(rows[0].1, format!("appointment:{}", first.id));
    assert!(rows[0].2.contains("\"answer\":\"confirm\""));
    assert!(rows[1].2.contains("\"answer\":\"cancel\""));
    for (_, _, details) in &rows {
        assert!(!details.contains("Lucía") && !details.contains(PATIENT));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn reschedule_answer_asks_the_front_desk() {
    let mut r = Rig::new().await;
    r.say(PATIENT, text("Hi")).await;
    let a = r.book(r.t0 + 2 * DAY);
    r.pass().await;
    let mut events = r.desk.events().subscribe();
    let n = r.sent_to(PATIENT).len();
    r.say(
        PATIENT,
        template_tap(&format!("appt:{}:reschedule", a.id), "Reschedule"),
    )
    .await;

    let now = r.appointment(a.id);
    assert_eq!(now.patient_answer, Some(PatientAnswer::Reschedule));
    assert_eq!(now.status, AppointmentStatus::Booked, "staff move it");
    assert_eq!(
        said_since(&r, PATIENT, n),
        ["Thank you. Someone from the front desk will write to you here to find a new time."]
    );
    let conversation = r.conversation_id(PATIENT);
    let inbox = r.desk.inbox(&r.fd()).unwrap();
    let item = inbox
        .iter()
        .find(|i| i.conversation_id == conversation)
        .expect("in the inbox");
    assert_eq!(item.reason, InboxReason::AskedForStaff);
    let seen: Vec<DeskEvent> = std::iter::from_fn(|| events.try_recv().ok()).collect();
    assert!(seen.iter().any(|e| matches!(e,
        DeskEvent::StaffRequested { conversation_id, first_name }
            if *conversation_id == conversation && first_name.as_deref() == Some("Lucía"))));
    assert!(seen.contains(&DeskEvent::AppointmentsChanged {
        appointment_id: a.id
    }));

    // The bot stays quiet until staff give the conversation back; the reminders stand.
    let n = r.sent_to(PATIENT).len();
    r.say(PATIENT, text("hello?")).await;
    assert_eq!(r.sent_to(PATIENT).len(), n);
    assert_eq!(r.message(a.id, Reminder24h).state, Planned);
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_that_are_not_this_patients_change_nothing() {
    let mut r = Rig::new().await;
    r.say(PATIENT, text("Hi")).await;
    let mine = r.book(r.t0 + 2 * DAY);
    let theirs = r.book_for(OTHER, r.t0 + 3 * DAY);
    let gone = r.book(r.t0 + 4 * DAY);
    r.desk
        .cancel_appointment(&r.fd(), gone.id, &Cancel::default())
        .unwrap();
    let soon = r.book(r.t0 + 20 * MIN);
    r.pass().await;
    let before: Vec<_> = [mine.id, theirs.id, gone.id, soon.id]
        .map(|id| r.appointment(id))
        .to_vec();
    let intake = state_of(&r, PATIENT);
    let audit = "SELECT count(*) FROM audit_log WHERE action = 'appointment.patient_answer'";

    let payloads = [
        (format!("appt:{}:confirm", theirs.id), NOT_FOUND),
        ("appt:999999:confirm".to_owned(), NOT_FOUND),
        (format!("appt:{}:delete", mine.id), NOT_FOUND),
        (format!("appt:{}", mine.id), NOT_FOUND),
        (format!("appt:-{}:cancel", mine.id), NOT_FOUND),
        (format!("appt:{}:cancel:now", mine.id), NOT_FOUND),
        ("appt:abc:confirm".to_owned(), NOT_FOUND),
        ("appt:9223372036854775808:cancel".to_owned(), NOT_FOUND),
        (format!("appt:{}:cancel{}", mine.id, "x".repeat(5000)), NOT_FOUND),
        (format!("appt:{}:confirm", gone.id), "This appointment was already cancelled. Write to us here if you would like a new time."),
    ];
    for (i, (payload, reply)) in payloads.iter().enumerate() {
        let n = r.sent_to(PATIENT).len();
        // Both ways a tap can arrive.
        let message = if i % 2 == 0 {
            tap(payload, "Confirm")
        } else {
            template_tap(payload, "Confirm")
        };
        r.say(PATIENT, message).await;
        assert_eq!(said_since(&r, PATIENT, n), [*reply], "{payload:.60}");
    }

    // Someone else tapping this patient's appointment id.
    let n = r.sent_to(OTHER).len();
    r.say(OTHER, tap(&format!("appt:{}:cancel", mine.id), "Cancel"))
        .await;
    assert_eq!(said_since(&r, OTHER, n), [NOT_FOUND]);

    // After the start the buttons no longer act.
    r.set_clock(soon.starts_at + MIN);
    let n = r.sent_to(PATIENT).len();
    r.say(PATIENT, tap(&format!("appt:{}:cancel", soon.id), "Cancel"))
        .await;
    assert!(said_since(&r, PATIENT, n)[0].contains("already started"));

    let after: Vec<_> = [mine.id, theirs.id, gone.id, soon.id]
        .map(|id| r.appointment(id))
        .to_vec();
    assert_eq!(after, before);
    assert_eq!(r.count(audit), 0);
    assert_eq!(state_of(&r, PATIENT), intake, "none reached the intake");
    assert_eq!(r.message(mine.id, Reminder24h).state, Planned);
    // The confirmation of the appointment in 20 minutes went; its reminders were not planned.
    assert_eq!(
        states(&r.messages(soon.id)),
        vec![(
            intake_core::templates::TemplateEvent::AppointmentConfirmation,
            Queued
        )]
    );
}
