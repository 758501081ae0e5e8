//! After the computer was off: the right reminders go (a late 24-hour one for an appointment
//! still ahead, only the closest of several due at once, none after the start), and planning
//! and queuing survive crashes and repeats without a message going twice.
use intake_core::reminders::{self, MessageState::*};
use intake_core::templates::TemplateEvent::{
    AppointmentConfirmation, Reminder15m, Reminder1h, Reminder24h,
};

use super::{states, template_of, Rig, DAY, HOUR, MIN, OTHER, PATIENT, THIRD};

const FOURTH: &str = "34600111555";

fn sent_names(r: &Rig, to: &str) -> Vec<String> {
    r.sent_to(to).iter().filter_map(template_of).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_night_offline_the_right_reminders_go() {
    let r = Rig::new().await;
    r.approve_templates();
    r.settings(|s| s.reminder_15m = true);
    // Monday 09:00. The computer will be off until Tuesday 12:00 (t0 + 27 h).
    let back = r.t0 + 27 * HOUR;
    let started = r.book_for(THIRD, back - 10 * MIN); // began before the computer came back
    let soon = r.book_for(PATIENT, back + 30 * MIN); // 24 h and 1 h both due by then
    let later = r.book_for(OTHER, back + 3 * HOUR); // only the 24 h due by then
    r.pass().await;
    for to in [THIRD, PATIENT, OTHER] {
        assert_eq!(sent_names(&r, to), ["appointment_confirmation"]);
    }
    // Booked just before the computer went off: its confirmation never left.
    let unsent = r.book_for(FOURTH, back + 90 * MIN);

    r.at(back).await;
    r.pass().await;
    assert_eq!(sent_names(&r, THIRD), ["appointment_confirmation"]);
    assert_eq!(
        sent_names(&r, PATIENT),
        ["appointment_confirmation", "appointment_reminder_1h"]
    );
    assert_eq!(
        sent_names(&r, OTHER),
        ["appointment_confirmation", "appointment_reminder_24h"],
        "a late 24-hour reminder still goes while the appointment is ahead"
    );
    assert_eq!(sent_names(&r, FOURTH), ["appointment_reminder_24h"]);

    assert_eq!(
        states(&r.messages(started.id)),
        vec![
            (AppointmentConfirmation, Queued),
            (Reminder24h, Skipped),
            (Reminder1h, Skipped),
            (Reminder15m, Skipped),
        ]
    );
    for m in r.messages(started.id).iter().filter(|m| m.state == Skipped) {
        assert!(
            m.skip_reason
                .as_deref()
                .unwrap()
                .contains("already started"),
            "{m:?}"
        );
    }
    assert_eq!(
        states(&r.messages(soon.id)),
        vec![
            (AppointmentConfirmation, Queued),
            (Reminder24h, Skipped),
            (Reminder1h, Queued),
            (Reminder15m, Planned),
        ]
    );
    assert!(r
        .message(soon.id, Reminder24h)
        .skip_reason
        .unwrap()
        .contains("only that one was sent"));
    assert_eq!(
        states(&r.messages(later.id)),
        vec![
            (AppointmentConfirmation, Queued),
            (Reminder24h, Queued),
            (Reminder1h, Planned),
            (Reminder15m, Planned),
        ]
    );
    assert_eq!(
        states(&r.messages(unsent.id)),
        vec![
            (AppointmentConfirmation, Skipped),
            (Reminder24h, Queued),
            (Reminder1h, Planned),
            (Reminder15m, Planned),
        ]
    );

    // From here on the computer stays on: the rest go at their times.
    r.pass_every(5 * MIN, back, back + 4 * HOUR).await;
    assert_eq!(
        sent_names(&r, PATIENT),
        [
            "appointment_confirmation",
            "appointment_reminder_1h",
            "appointment_reminder_15m"
        ]
    );
    assert_eq!(
        sent_names(&r, OTHER),
        [
            "appointment_confirmation",
            "appointment_reminder_24h",
            "appointment_reminder_1h",
            "appointment_reminder_15m"
        ]
    );
    assert_eq!(sent_names(&r, THIRD), ["appointment_confirmation"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_queues_nothing_and_running_twice_never_queues_twice() {
    let r = Rig::new().await;
    r.approve_templates();
    let a = r.book(r.t0 + 2 * DAY);
    let outbox = "SELECT count(*) FROM outbox WHERE kind = 'message'";

    // The power goes while the confirmation is being queued: the outbox insert fails, so the
    // whole batch rolls back and the row is still planned.
    r.desk
        .db()
        .conn()
        .execute_batch(
            "CREATE TRIGGER power_cut BEFORE INSERT ON outbox
             BEGIN SELECT RAISE(ABORT, 'power cut'); END;",
        )
        .unwrap();
    assert!(reminders::run_due(&r.desk).is_err());
    assert_eq!(r.count(outbox), 0);
    assert_eq!(r.message(a.id, AppointmentConfirmation).state, Planned);
    r.desk
        .db()
        .conn()
        .execute_batch("DROP TRIGGER power_cut")
        .unwrap();

    // Four runs at once (the app and a stray second pass): one of them queues it.
    let queued: usize = std::thread::scope(|s| {
        let runs: Vec<_> = (0..4)
            .map(|_| s.spawn(|| reminders::run_due(&r.desk).unwrap().queued))
            .collect();
        runs.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(queued, 1);
    assert_eq!(r.count(outbox), 1);

    // A restart over the same files finds nothing left to queue.
    let restarted = r.s.f.restart();
    let again = reminders::run_due(&restarted.desk().unwrap()).unwrap();
    assert_eq!((again.queued, again.skipped), (0, 0));
    r.pass().await;
    r.pass().await;
    assert_eq!(sent_names(&r, PATIENT), ["appointment_confirmation"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_booking_and_its_messages_commit_together() {
    let r = Rig::new().await;
    let messages = "SELECT count(*) FROM appointment_messages";
    let first = r.book(r.t0 + 2 * DAY);
    let planned = r.count(messages);
    assert_eq!(planned, 3, "confirmation, 24 h, 1 h");

    // A refused booking (the doctor is busy then) plans nothing.
    let clash = r
        .desk
        .create_appointment(&r.fd(), &r.booking(OTHER, first.starts_at + 10 * MIN))
        .unwrap_err();
    assert_eq!(crate::common::code(clash), "invalid.appointment_overlap");
    assert_eq!(r.count(messages), planned);

    // Planning that fails takes the booking with it.
    r.desk
        .db()
        .conn()
        .execute_batch(
            "CREATE TRIGGER full_disk BEFORE INSERT ON appointment_messages
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    let appointments = r.count("SELECT count(*) FROM appointments");
    assert!(r
        .desk
        .create_appointment(&r.fd(), &r.booking(OTHER, r.t0 + 3 * DAY))
        .is_err());
    assert_eq!(r.count("SELECT count(*) FROM appointments"), appointments);
    r.desk
        .db()
        .conn()
        .execute_batch("DROP TRIGGER full_disk")
        .unwrap();

    // Booked 30 minutes ahead: no 24-hour or 1-hour reminder is planned, nothing looks failed.
    let walk_in = r.book_for(THIRD, r.t0 + 30 * MIN);
    assert_eq!(
        states(&r.messages(walk_in.id)),
        vec![(AppointmentConfirmation, Planned)]
    );
}
