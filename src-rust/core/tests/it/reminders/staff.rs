//! What staff see and change: a message that could not go (no approved template outside the
//! window) in the appointment's panel and the inbox; who may read the panel and the reminder
//! settings; the appointment's place, link and notes.
use intake_core::appointments::{AppointmentDetails, Cancel};
use intake_core::inbox::{Delivery, InboxReason};
use intake_core::reminders::MessageState::{Queued, Skipped};
use intake_core::templates::TemplateEvent::{AppointmentConfirmation, Reminder1h, Reminder24h};
use intake_core::templates::Via;

use super::{template_of, Rig, DAY, HOUR, MIN, PATIENT};
use crate::common::code;
use crate::wa::{body_of, text};

#[tokio::test(flavor = "multi_thread")]
async fn no_approved_template_outside_the_window_is_skipped_and_shown_to_staff() {
    let r = Rig::new().await;
    let start = r.t0 + 2 * DAY;
    let a = r.book(start);
    r.pass().await;
    assert!(r.sent_to(PATIENT).is_empty(), "nothing may go to Meta");

    let confirmation = r.message(a.id, AppointmentConfirmation);
    assert_eq!(confirmation.state, Skipped);
    assert_eq!(confirmation.via, None);
    assert!(confirmation
        .skip_reason
        .as_deref()
        .unwrap()
        .contains("no approved template"));
    assert_eq!(confirmation.delivery.as_deref(), Some("needs_staff"));
    let why = confirmation.delivery_error.unwrap();
    assert!(
        why.contains("booking confirmation") && why.contains("phone the patient"),
        "{why}"
    );
    assert!(!why.contains("Lucía") && !why.contains(PATIENT));

    // The front desk sees it in the inbox, with the message and the reason in the transcript.
    let conversation = r.conversation_id(PATIENT);
    let item = r
        .desk
        .inbox(&r.fd())
        .unwrap()
        .into_iter()
        .find(|i| i.conversation_id == conversation)
        .expect("in the inbox");
    assert_eq!(item.reason, InboxReason::SendProblem);
    let view = r.desk.conversation(&r.fd(), conversation).unwrap();
    let held = view.messages.last().unwrap();
    assert_eq!(held.delivery, Some(Delivery::NeedsStaff));
    assert!(held.text.contains("Lucía"));
    assert!(held.problem.as_deref().unwrap().contains("24 hours"));

    // A template chosen but still pending at Meta: the reason says so.
    r.template_status("PENDING");
    r.at(start - DAY).await;
    let pending = r.message(a.id, Reminder24h);
    assert_eq!(pending.state, Skipped);
    assert!(
        pending
            .delivery_error
            .as_deref()
            .unwrap()
            .contains("not approved yet"),
        "{pending:?}"
    );
    assert!(r.sent_to(PATIENT).is_empty());

    // Approved at last: the next reminder goes as the template.
    r.approve_templates();
    r.at(start - HOUR).await;
    let sent = r.sent_to(PATIENT);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        template_of(&sent[0]).as_deref(),
        Some("appointment_reminder_1h")
    );
    assert_eq!(r.message(a.id, Reminder1h).via, Some(Via::Template));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_panel_follows_the_appointment_list_rules() {
    let r = Rig::new().await;
    let a = r.book(r.t0 + 2 * DAY);
    let house = r.doctor_session("house");
    let grey = r.doctor_session("grey");
    assert_eq!(r.desk.appointment_messages(&house, a.id).unwrap().len(), 3);
    assert_eq!(
        r.desk.appointment_messages(&r.admin(), a.id).unwrap().len(),
        3
    );
    for (who, id) in [(&grey, a.id), (&house, 999_999), (&house, -1)] {
        assert_eq!(
            code(r.desk.appointment_messages(who, id).unwrap_err()),
            "not_found.appointment"
        );
    }
    assert_eq!(
        code(
            r.desk
                .appointment_messages("no-such-session", a.id)
                .unwrap_err()
        ),
        "auth.not_signed_in"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reminder_settings_are_read_by_staff_and_changed_by_admins() {
    let r = Rig::new().await;
    let defaults = r.desk.reminder_settings(&r.fd()).unwrap();
    assert!(defaults.confirmation && defaults.reminder_24h && defaults.reminder_1h);
    assert!(!defaults.reminder_15m);
    let mut off = defaults;
    off.reminder_1h = false;
    assert_eq!(
        code(r.desk.update_reminder_settings(&r.fd(), &off).unwrap_err()),
        "auth.forbidden"
    );
    assert_eq!(
        code(
            r.desk
                .update_reminder_settings(&r.doctor_session("house"), &off)
                .unwrap_err()
        ),
        "auth.forbidden"
    );

    // A booking made before the 1-hour reminder is turned off: it is skipped when due.
    let start = r.t0 + 2 * DAY;
    let a = r.book(start);
    r.settings(|s| s.reminder_1h = false);
    assert_eq!(r.desk.reminder_settings(&r.fd()).unwrap(), off);
    let details: String = r
        .desk
        .db()
        .conn()
        .query_row(
            "SELECT details FROM audit_log WHERE action = 'settings.changed'
               AND subject = 'reminders' ORDER BY id DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(details.contains("\"reminder1h\":false"), "{details}");
    r.at(start - HOUR).await;
    let skipped = r.message(a.id, Reminder1h);
    assert_eq!(skipped.state, Skipped);
    assert!(skipped.skip_reason.unwrap().contains("turned off"));
    // A new booking does not plan it at all.
    let b = r.book(start + DAY);
    assert!(r.messages(b.id).iter().all(|m| m.kind != Reminder1h));
}

#[tokio::test(flavor = "multi_thread")]
async fn details_change_is_validated_audited_by_field_and_used_by_the_next_reminder() {
    let mut r = Rig::new().await;
    r.say(PATIENT, text("Hi")).await;
    let start = r.t0 + 25 * HOUR;
    let a = r.book(start);
    let new = AppointmentDetails {
        location: " Room 5\n".into(),
        telehealth_url: "https://meet.example.org/lucia".into(),
        notes: a.notes.clone(),
    };
    let house = r.doctor_session("house");
    assert_eq!(
        code(
            r.desk
                .update_appointment_details(&house, a.id, &new)
                .unwrap_err()
        ),
        "auth.forbidden"
    );
    for (bad, expected) in [
        (
            AppointmentDetails {
                telehealth_url: "javascript:alert(1)".into(),
                ..new.clone()
            },
            "invalid.telehealth_url",
        ),
        (
            AppointmentDetails {
                location: "x".repeat(201),
                ..new.clone()
            },
            "invalid.appointment_location",
        ),
        (
            AppointmentDetails {
                notes: "n".repeat(2001),
                ..new.clone()
            },
            "invalid.appointment_notes",
        ),
    ] {
        assert_eq!(
            code(
                r.desk
                    .update_appointment_details(&r.fd(), a.id, &bad)
                    .unwrap_err()
            ),
            expected
        );
    }
    assert_eq!(
        code(
            r.desk
                .update_appointment_details(&r.fd(), 999_999, &new)
                .unwrap_err()
        ),
        "not_found.appointment"
    );

    r.set_clock(r.t0 + 30 * MIN);
    let updated = r
        .desk
        .update_appointment_details(&r.fd(), a.id, &new)
        .unwrap();
    assert_eq!(updated.location, "Room 5");
    assert_eq!(updated.telehealth_url, "https://meet.example.org/lucia");
    assert_eq!(updated.notes, a.notes);
    let audit = "SELECT count(*) FROM audit_log WHERE action = 'appointment.details_changed'";
    let details: String = r
        .desk
        .db()
        .conn()
        .query_row(
            "SELECT details FROM audit_log WHERE action = 'appointment.details_changed'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&details).unwrap(),
        serde_json::json!({"location": true, "telehealthUrl": true, "notes": false})
    );
    // Saving the same values again changes nothing and writes no audit row.
    r.desk
        .update_appointment_details(&r.fd(), a.id, &new)
        .unwrap();
    assert_eq!(r.count(audit), 1);

    // The 24-hour reminder (inside the window: free text) carries the new link.
    r.at(start - DAY).await;
    let reminder = r.sent_to(PATIENT).last().unwrap().clone();
    assert_eq!(r.message(a.id, Reminder24h).state, Queued);
    assert!(
        body_of(&reminder).contains("https://meet.example.org/lucia"),
        "{reminder}"
    );

    // A cancelled appointment's details stay as they were.
    r.desk
        .cancel_appointment(&r.fd(), a.id, &Cancel::default())
        .unwrap();
    assert_eq!(
        code(
            r.desk
                .update_appointment_details(&r.fd(), a.id, &AppointmentDetails::default())
                .unwrap_err()
        ),
        "invalid.appointment_cancelled"
    );
}
