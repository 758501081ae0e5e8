//! Issue 7, first step: booking, moving and cancelling appointments, the day/week list, who
//! may do what, hostile input, double booking, audit rows without patient data, events.
use std::sync::Arc;

use intake_core::appointments::{
    Appointment, AppointmentPatient, AppointmentQuery, AppointmentStatus, Cancel, NewAppointment,
    Reschedule,
};
use intake_core::auth::Role;
use intake_core::events::DeskEvent;
use intake_core::queue::IntakeStatus;
use intake_core::Desk;

use crate::common::{clinic, code, Fixture};

mod hostile;

pub(super) const MIN: i64 = 60_000;
pub(super) const HOUR: i64 = 60 * MIN;
pub(super) const DAY: i64 = 24 * HOUR;

pub(super) struct Clinic {
    f: Fixture,
    desk: Arc<Desk>,
    /// Front desk.
    fd: String,
    /// Two doctors' sessions and staff ids.
    house: (String, i64),
    grey: (String, i64),
    /// Monday 2026-01-05 09:00 UTC, the fixture's clock.
    now: i64,
}

pub(super) fn staff_id(desk: &Desk, username: &str) -> i64 {
    desk.db()
        .conn()
        .query_row(
            "SELECT id FROM staff WHERE username = ?1",
            [username],
            |r| r.get(0),
        )
        .unwrap()
}

pub(super) fn setup() -> Clinic {
    let f = clinic();
    let desk = f.desk();
    let fd = f.user("frida", Role::FrontDesk);
    let house = f.user("house", Role::Doctor);
    let grey = f.user("grey", Role::Doctor);
    let now = desk.now_ms();
    Clinic {
        house: (house, staff_id(&desk, "house")),
        grey: (grey, staff_id(&desk, "grey")),
        f,
        desk,
        fd,
        now,
    }
}

pub(super) fn by_number(clinician_id: i64, starts_at: i64) -> NewAppointment {
    NewAppointment {
        patient: AppointmentPatient::Number {
            phone: "+34 600 111 222".into(),
            name: "Lucía Fernández".into(),
        },
        clinician_id,
        starts_at,
        duration_min: 30,
        location: "Room 2".into(),
        telehealth_url: String::new(),
        notes: "Bring the x-rays".into(),
    }
}

impl Clinic {
    fn book(&self, new: &NewAppointment) -> Appointment {
        self.desk.create_appointment(&self.fd, new).unwrap()
    }

    fn refused(&self, new: &NewAppointment) -> String {
        code(self.desk.create_appointment(&self.fd, new).unwrap_err())
    }

    fn list(&self, session: &str, from: i64, to: i64, clinician: Option<i64>) -> Vec<i64> {
        let q = AppointmentQuery {
            from_ms: from,
            to_ms: to,
            clinician_id: clinician,
            include_cancelled: false,
        };
        self.desk
            .appointments(session, &q)
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect()
    }
}

#[test]
fn books_from_an_intake_and_from_a_typed_number() {
    let c = setup();
    let intake = crate::queue::add(
        &c.desk,
        "María Pérez",
        "34611000001",
        c.now - HOUR,
        IntakeStatus::New,
    );
    let from_intake = c.book(&NewAppointment {
        patient: AppointmentPatient::Intake { intake_id: intake },
        telehealth_url: "https://meet.example.org/abc".into(),
        ..by_number(c.house.1, c.now + DAY)
    });
    assert_eq!(from_intake.intake_id, Some(intake));
    assert_eq!(from_intake.patient_name, "María Pérez");
    assert_eq!(from_intake.patient_phone, "+34611000001");
    assert_eq!(from_intake.clinician_name, "house Example");
    assert_eq!(from_intake.status, AppointmentStatus::Booked);
    assert_eq!(from_intake.telehealth_url, "https://meet.example.org/abc");
    let intake_conversation: i64 = c
        .desk
        .db()
        .conn()
        .query_row(
            "SELECT conversation_id FROM intakes WHERE id = ?1",
            [intake],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(from_intake.conversation_id, intake_conversation);

    // A new number opens a conversation stored as the webhook stores it (digits only); the
    // same number again reuses it, however it is typed.
    let typed = c.book(&by_number(c.house.1, c.now + 2 * DAY));
    assert_eq!(typed.intake_id, None);
    assert_eq!(typed.patient_phone, "+34600111222");
    assert_eq!(typed.location, "Room 2");
    let wa_id: String = c
        .desk
        .db()
        .conn()
        .query_row(
            "SELECT wa_id FROM conversations WHERE id = ?1",
            [typed.conversation_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(wa_id, "34600111222");
    let again = c.book(&NewAppointment {
        patient: AppointmentPatient::Number {
            phone: "0034 600-111-222".into(),
            name: "Lucía".into(),
        },
        ..by_number(c.house.1, c.now + 3 * DAY)
    });
    assert_eq!(again.conversation_id, typed.conversation_id);

    let missing = c.refused(&NewAppointment {
        patient: AppointmentPatient::Intake { intake_id: 999 },
        ..by_number(c.house.1, c.now + 4 * DAY)
    });
    assert_eq!(missing, "not_found.intake");
}

#[test]
fn reschedules_and_cancels() {
    let c = setup();
    let a = c.book(&by_number(c.house.1, c.now + DAY));
    c.f.clock.advance(chrono::Duration::minutes(3));
    let moved = c
        .desk
        .reschedule_appointment(
            &c.fd,
            a.id,
            &Reschedule {
                starts_at: c.now + DAY + 2 * HOUR,
                duration_min: 45,
                clinician_id: c.grey.1,
            },
        )
        .unwrap();
    assert_eq!(moved.starts_at, c.now + DAY + 2 * HOUR);
    assert_eq!(moved.duration_min, 45);
    assert_eq!(moved.clinician_id, c.grey.1);
    assert_eq!(moved.updated_at, c.now + 3 * MIN);
    assert_eq!(moved.created_at, c.now);

    // Moving within its own slot is not a clash with itself.
    let nudged = Reschedule {
        starts_at: c.now + DAY + 2 * HOUR + 15 * MIN,
        duration_min: 45,
        clinician_id: c.grey.1,
    };
    c.desk.reschedule_appointment(&c.fd, a.id, &nudged).unwrap();

    let cancelled = c
        .desk
        .cancel_appointment(
            &c.fd,
            a.id,
            &Cancel {
                reason: " Patient\u{7} is travelling ".into(),
            },
        )
        .unwrap();
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    assert_eq!(cancelled.cancelled_at, Some(c.now + 3 * MIN));
    assert_eq!(
        cancelled.cancel_reason.as_deref(),
        Some("Patient is travelling")
    );

    let again = c.desk.cancel_appointment(&c.fd, a.id, &Cancel::default());
    assert_eq!(code(again.unwrap_err()), "invalid.appointment_cancelled");
    let moved_again = c.desk.reschedule_appointment(&c.fd, a.id, &nudged);
    assert_eq!(
        code(moved_again.unwrap_err()),
        "invalid.appointment_cancelled"
    );
    let gone = c.desk.cancel_appointment(&c.fd, 999, &Cancel::default());
    assert_eq!(code(gone.unwrap_err()), "not_found.appointment");

    // The freed slot can be booked again.
    c.book(&by_number(c.grey.1, nudged.starts_at));
}

#[test]
fn day_and_week_lists_are_ordered_ranged_and_doctors_see_their_own() {
    let c = setup();
    let tomorrow = c.now + DAY - 9 * HOUR; // Tuesday 00:00 UTC
    let late = c.book(&by_number(c.house.1, tomorrow + 15 * HOUR));
    let early = c.book(&by_number(c.grey.1, tomorrow + 8 * HOUR));
    let same_time = c.book(&by_number(c.house.1, tomorrow + 8 * HOUR));
    let next_week = c.book(&by_number(c.house.1, tomorrow + 7 * DAY));
    let cancelled = c.book(&by_number(c.grey.1, tomorrow + 10 * HOUR));
    c.desk
        .cancel_appointment(&c.fd, cancelled.id, &Cancel::default())
        .unwrap();

    let day = c.list(&c.fd, tomorrow, tomorrow + DAY, None);
    assert_eq!(
        day,
        vec![early.id, same_time.id, late.id],
        "start order, ties by id"
    );
    let week = c.list(&c.fd, tomorrow, tomorrow + 7 * DAY, None);
    assert_eq!(
        week,
        vec![early.id, same_time.id, late.id],
        "to is exclusive"
    );
    let two_weeks = c.list(&c.fd, tomorrow, tomorrow + 14 * DAY, None);
    assert_eq!(two_weeks.last(), Some(&next_week.id));
    assert_eq!(
        c.list(&c.fd, tomorrow, tomorrow + DAY, Some(c.grey.1)),
        vec![early.id]
    );

    let all = c
        .desk
        .appointments(
            &c.fd,
            &AppointmentQuery {
                from_ms: tomorrow,
                to_ms: tomorrow + DAY,
                clinician_id: None,
                include_cancelled: true,
            },
        )
        .unwrap();
    assert_eq!(all.len(), 4);

    // Doctors get their own day whatever they ask for.
    assert_eq!(
        c.list(&c.house.0, tomorrow, tomorrow + DAY, None),
        vec![same_time.id, late.id]
    );
    assert_eq!(
        c.list(&c.house.0, tomorrow, tomorrow + DAY, Some(c.grey.1)),
        vec![same_time.id, late.id]
    );
    assert_eq!(
        c.list(&c.grey.0, tomorrow, tomorrow + DAY, None),
        vec![early.id]
    );
    // Admins see everyone's.
    assert_eq!(
        c.list(&c.f.admin(), tomorrow, tomorrow + DAY, None).len(),
        3
    );

    let clinicians = c.desk.clinicians(&c.fd).unwrap();
    let names: Vec<_> = clinicians.iter().map(|d| d.display_name.as_str()).collect();
    assert_eq!(names, ["grey Example", "house Example"]);
}

#[test]
fn only_front_desk_and_admins_change_appointments() {
    let c = setup();
    let doctor = c
        .desk
        .create_appointment(&c.house.0, &by_number(c.house.1, c.now + DAY));
    assert_eq!(code(doctor.unwrap_err()), "auth.forbidden");
    let admin = c.f.admin();
    let a = c
        .desk
        .create_appointment(&admin, &by_number(c.house.1, c.now + DAY))
        .unwrap();
    let b = c.book(&by_number(c.house.1, c.now + 2 * DAY));
    let r = Reschedule {
        starts_at: c.now + 3 * DAY,
        duration_min: 30,
        clinician_id: c.house.1,
    };
    let moved = c.desk.reschedule_appointment(&c.house.0, a.id, &r);
    assert_eq!(code(moved.unwrap_err()), "auth.forbidden");
    let cancelled = c
        .desk
        .cancel_appointment(&c.house.0, b.id, &Cancel::default());
    assert_eq!(code(cancelled.unwrap_err()), "auth.forbidden");
    c.desk
        .cancel_appointment(&c.fd, a.id, &Cancel::default())
        .unwrap();
    c.desk
        .cancel_appointment(&admin, b.id, &Cancel::default())
        .unwrap();
    let signed_out = c
        .desk
        .appointments("no-such-session", &AppointmentQuery::default());
    assert_eq!(code(signed_out.unwrap_err()), "auth.not_signed_in");
}

#[test]
fn double_booking_a_clinician_is_refused() {
    let c = setup();
    let start = c.now + DAY; // 09:00 UTC tomorrow
    let first = c.book(&by_number(c.house.1, start));
    for overlapping in [start, start + 29 * MIN, start - 15 * MIN] {
        let e = c
            .desk
            .create_appointment(&c.fd, &by_number(c.house.1, overlapping))
            .unwrap_err();
        let body = e.body();
        assert_eq!(body.code, "invalid.appointment_overlap");
        assert!(
            body.message
                .starts_with("house Example already has an appointment at "),
            "{}",
            body.message
        );
    }
    // Back to back is fine, and so is another doctor at the same time.
    c.book(&by_number(c.house.1, start + 30 * MIN));
    c.book(&by_number(c.house.1, start - 30 * MIN));
    c.book(&by_number(c.grey.1, start));
    // Moving another appointment onto it is refused too.
    let other = c.book(&by_number(c.house.1, start + 3 * HOUR));
    let r = Reschedule {
        starts_at: start + 10 * MIN,
        duration_min: 10,
        clinician_id: c.house.1,
    };
    let e = c
        .desk
        .reschedule_appointment(&c.fd, other.id, &r)
        .unwrap_err();
    assert_eq!(code(e), "invalid.appointment_overlap");
    // Once cancelled, the slot is free.
    c.desk
        .cancel_appointment(&c.fd, first.id, &Cancel::default())
        .unwrap();
    c.desk.reschedule_appointment(&c.fd, other.id, &r).unwrap();
}

#[test]
fn every_change_is_audited_without_patient_data_and_published() {
    let c = setup();
    let mut events = c.desk.events().subscribe();
    let a = c.book(&NewAppointment {
        notes: "Allergic to penicillin".into(),
        ..by_number(c.house.1, c.now + DAY)
    });
    c.desk
        .reschedule_appointment(
            &c.fd,
            a.id,
            &Reschedule {
                starts_at: c.now + 2 * DAY,
                duration_min: 20,
                clinician_id: c.grey.1,
            },
        )
        .unwrap();
    c.desk
        .cancel_appointment(
            &c.fd,
            a.id,
            &Cancel {
                reason: "Lucía moved to Sevilla".into(),
            },
        )
        .unwrap();

    let conn = c.desk.db().conn();
    let mut stmt = conn
        .prepare(
            "SELECT actor, action, subject, details FROM audit_log
             WHERE action LIKE 'appointment.%' ORDER BY id",
        )
        .unwrap();
    let rows: Vec<(String, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let actions: Vec<_> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        actions,
        [
            "appointment.created",
            "appointment.rescheduled",
            "appointment.cancelled"
        ]
    );
    let subject = format!("appointment:{}", a.id);
    for (actor, _, subj, details) in &rows {
        assert_eq!(actor, "staff:frida");
        assert_eq!(subj, &subject);
        for secret in [
            "Lucía",
            "Fernández",
            "600111222",
            "600 111",
            "penicillin",
            "Sevilla",
            "Room 2",
        ] {
            assert!(!details.contains(secret), "{secret} in {details}");
        }
    }
    assert!(rows[0].3.contains(&(c.now + DAY).to_string()));
    assert!(rows[1].3.contains(&(c.now + 2 * DAY).to_string()));
    drop(stmt);
    drop(conn);
    assert!(c
        .desk
        .verify_audit(&c.f.admin())
        .unwrap()
        .first_broken
        .is_none());

    let got: Vec<_> = std::iter::from_fn(|| events.try_recv().ok())
        .filter(|e| matches!(e, DeskEvent::AppointmentsChanged { .. }))
        .collect();
    assert_eq!(
        got,
        vec![
            DeskEvent::AppointmentsChanged {
                appointment_id: a.id
            };
            3
        ]
    );
}
