//! Hostile and malformed input: refused with a clear message, nothing written.
use super::*;

#[test]
fn hostile_input_is_refused() {
    let c = setup();
    let fd_id = staff_id(&c.desk, "frida");
    let ok = by_number(c.house.1, c.now + DAY);
    let with_phone = |phone: &str| NewAppointment {
        patient: AppointmentPatient::Number {
            phone: phone.into(),
            name: "Lucía".into(),
        },
        ..ok.clone()
    };
    let cases: Vec<(&str, NewAppointment, &str)> = vec![
        (
            "past",
            NewAppointment {
                starts_at: c.now - 6 * MIN,
                ..ok.clone()
            },
            "invalid.appointment_start",
        ),
        (
            "far future",
            NewAppointment {
                starts_at: i64::MAX,
                ..ok.clone()
            },
            "invalid.appointment_start",
        ),
        (
            "zero duration",
            NewAppointment {
                duration_min: 0,
                ..ok.clone()
            },
            "invalid.appointment_duration",
        ),
        (
            "huge duration",
            NewAppointment {
                duration_min: u32::MAX,
                ..ok.clone()
            },
            "invalid.appointment_duration",
        ),
        (
            "http link",
            NewAppointment {
                telehealth_url: "http://meet.example.org/x".into(),
                ..ok.clone()
            },
            "invalid.telehealth_url",
        ),
        (
            "script link",
            NewAppointment {
                telehealth_url: "javascript:alert(1)".into(),
                ..ok.clone()
            },
            "invalid.telehealth_url",
        ),
        (
            "long notes",
            NewAppointment {
                notes: "n".repeat(2001),
                ..ok.clone()
            },
            "invalid.appointment_notes",
        ),
        (
            "long location",
            NewAppointment {
                location: "l".repeat(201),
                ..ok.clone()
            },
            "invalid.appointment_location",
        ),
        (
            "unknown clinician",
            NewAppointment {
                clinician_id: 9999,
                ..ok.clone()
            },
            "invalid.appointment_clinician",
        ),
        (
            "front desk as clinician",
            NewAppointment {
                clinician_id: fd_id,
                ..ok.clone()
            },
            "invalid.appointment_clinician",
        ),
        (
            "no country code",
            with_phone("600 111 222"),
            "invalid.patient_phone",
        ),
        (
            "not a number",
            with_phone("+34 abc"),
            "invalid.patient_phone",
        ),
        (
            "empty name",
            NewAppointment {
                patient: AppointmentPatient::Number {
                    phone: "+34600111222".into(),
                    name: " \u{1}\n".into(),
                },
                ..ok.clone()
            },
            "invalid.patient_name",
        ),
    ];
    for (what, new, want) in cases {
        assert_eq!(c.refused(&new), want, "{what}");
    }
    let count: i64 = c
        .desk
        .db()
        .conn()
        .query_row("SELECT count(*) FROM appointments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0, "nothing refused was stored");

    // A few minutes late is still fine; control characters are stripped, not stored.
    let a = c.book(&NewAppointment {
        starts_at: c.now - 4 * MIN,
        notes: "Line one\u{0}\r\nline\u{202E} two".into(),
        location: "Room\t\u{7}3\n".into(),
        ..ok.clone()
    });
    assert_eq!(a.notes, "Line one\nline two");
    assert_eq!(a.location, "Room 3");

    let range = |from: i64, to: i64| AppointmentQuery {
        from_ms: from,
        to_ms: to,
        ..Default::default()
    };
    let too_long = c
        .desk
        .appointments(&c.fd, &range(c.now, c.now + 62 * DAY + 1));
    assert_eq!(code(too_long.unwrap_err()), "invalid.appointment_range");
    let backwards = c.desk.appointments(&c.fd, &range(c.now, c.now - DAY));
    assert_eq!(code(backwards.unwrap_err()), "invalid.appointment_range");
    assert!(c
        .desk
        .appointments(&c.fd, &range(c.now, c.now + 62 * DAY))
        .is_ok());

    let past_move = c.desk.reschedule_appointment(
        &c.fd,
        a.id,
        &Reschedule {
            starts_at: c.now - HOUR,
            duration_min: 30,
            clinician_id: c.house.1,
        },
    );
    assert_eq!(code(past_move.unwrap_err()), "invalid.appointment_start");
    let long_reason = c.desk.cancel_appointment(
        &c.fd,
        a.id,
        &Cancel {
            reason: "r".repeat(501),
        },
    );
    assert_eq!(code(long_reason.unwrap_err()), "invalid.cancel_reason");
}
