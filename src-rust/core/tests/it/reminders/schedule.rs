//! The schedule over a day: each reminder goes once at its time, nothing after a cancellation,
//! a move plans afresh, and the 24-hour window decides between free text and the template.
use intake_core::appointments::Cancel;
use intake_core::reminders::MessageState::{Planned, Queued, Skipped};
use intake_core::templates::TemplateEvent::{
    AppointmentCancelled, AppointmentConfirmation, AppointmentRescheduled, Reminder15m, Reminder1h,
    Reminder24h,
};
use intake_core::templates::Via;
use serde_json::{json, Value};

use super::{answer_ids, states, template_of, Rig, DAY, HOUR, MIN, PATIENT};
use crate::wa::{body_of, text};

/// Meta's status webhook for one of our messages.
async fn status(r: &Rig, wamid: &str, status: &str) {
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": crate::wa::PHONE_NUMBER_ID},
        "statuses": [{"id": wamid, "status": status,
            "timestamp": r.desk.clock_now().timestamp().to_string(), "recipient_id": PATIENT}]}}]}]});
    let (code, text) = r.s.signed(body.to_string().into_bytes()).await;
    assert_eq!(code, 200, "{text}");
}

fn body_params(m: &Value) -> Vec<(String, String)> {
    m["template"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "body")
        .flat_map(|c| c["parameters"].as_array().unwrap().clone())
        .map(|p| {
            (
                p["parameter_name"].as_str().unwrap().to_owned(),
                p["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn reminders_at_24h_1h_15m_are_sent_once_each() {
    let r = Rig::new().await;
    r.approve_templates();
    r.settings(|s| s.reminder_15m = true);
    // Wednesday 10:00 UTC, booked on Monday at 09:00.
    let start = r.t0 + 2 * DAY + HOUR;
    let a = r.book(start);
    assert_eq!(
        states(&r.messages(a.id)),
        vec![
            (AppointmentConfirmation, Planned),
            (Reminder24h, Planned),
            (Reminder1h, Planned),
            (Reminder15m, Planned),
        ]
    );

    // Through the two days in 15-minute steps, two passes at each step: every message leaves
    // at its own step, exactly once.
    let mut seen: Vec<(i64, String)> = Vec::new();
    let mut t = r.t0;
    while t <= start + HOUR {
        r.at(t).await;
        r.pass().await;
        let sent = r.sent_to(PATIENT);
        for m in &sent[seen.len()..] {
            let name = template_of(m).expect("the patient never wrote: templates only");
            seen.push((t - r.t0, name));
        }
        t += 15 * MIN;
    }
    let at = |ms: i64| ms - r.t0;
    assert_eq!(
        seen,
        vec![
            (0, "appointment_confirmation".to_owned()),
            (at(start - DAY), "appointment_reminder_24h".to_owned()),
            (at(start - HOUR), "appointment_reminder_1h".to_owned()),
            (at(start - 15 * MIN), "appointment_reminder_15m".to_owned()),
        ]
    );

    // What the fake Graph API received for the 24-hour reminder: Meta's template shape,
    // named parameters from the appointment, and the three answers as quick-reply payloads.
    let sent = r.sent_to(PATIENT);
    let reminder = &sent[1];
    assert_eq!(reminder["messaging_product"], "whatsapp");
    assert_eq!(reminder["template"]["language"]["code"], "en");
    let params = body_params(reminder);
    let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["first_name", "clinic_name", "date", "time"]);
    assert_eq!(params[0].1, "Lucía");
    assert_eq!(params[1].1, "Clínica San Rafael");
    assert!(
        !params[2].1.is_empty() && params[3].1.contains(':'),
        "{params:?}"
    );
    assert_eq!(
        answer_ids(reminder),
        ["confirm", "reschedule", "cancel"].map(|w| format!("appt:{}:{w}", a.id))
    );
    assert_eq!(
        reminder["biz_opaque_callback_data"]
            .as_str()
            .map(|c| c.starts_with("ob:")),
        Some(true)
    );

    // The panel: all four queued as templates and sent; the ticks follow Meta's statuses.
    let panel = r.messages(a.id);
    assert!(panel.iter().all(|m| m.state == Queued
        && m.via == Some(Via::Template)
        && m.delivery.as_deref() == Some("sent")
        && m.skip_reason.is_none()));
    let wamid: String = r
        .desk
        .db()
        .conn()
        .query_row(
            "SELECT o.wamid FROM appointment_messages m JOIN outbox o ON o.id = m.outbox_id
             WHERE m.appointment_id = ?1 AND m.kind = 'reminder_24h'",
            [a.id],
            |row| row.get(0),
        )
        .unwrap();
    status(&r, &wamid, "delivered").await;
    assert_eq!(
        r.message(a.id, Reminder24h).delivery.as_deref(),
        Some("delivered")
    );
    status(&r, &wamid, "read").await;
    assert_eq!(
        r.message(a.id, Reminder24h).delivery.as_deref(),
        Some("read")
    );

    // Long after: still exactly four.
    r.at(start + 3 * DAY).await;
    assert_eq!(r.sent_to(PATIENT).len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn no_reminders_after_cancellation() {
    let r = Rig::new().await;
    r.approve_templates();
    let start = r.t0 + 2 * DAY;
    let a = r.book(start);
    r.pass().await;
    assert_eq!(r.sent_to(PATIENT).len(), 1, "the confirmation");

    r.set_clock(r.t0 + 2 * HOUR);
    r.desk
        .cancel_appointment(&r.fd(), a.id, &Cancel::default())
        .unwrap();
    r.pass().await;
    let sent = r.sent_to(PATIENT);
    assert_eq!(sent.len(), 2);
    assert_eq!(
        template_of(&sent[1]).as_deref(),
        Some("appointment_cancelled")
    );
    assert!(answer_ids(&sent[1]).is_empty(), "nothing left to answer");

    r.pass_every(30 * MIN, r.t0 + 2 * HOUR, start + 2 * HOUR)
        .await;
    assert_eq!(
        r.sent_to(PATIENT).len(),
        2,
        "no reminder after the cancellation"
    );
    let panel = r.messages(a.id);
    assert_eq!(
        states(&panel),
        vec![
            (AppointmentConfirmation, Queued),
            (AppointmentCancelled, Queued),
            (Reminder24h, Skipped),
            (Reminder1h, Skipped),
        ]
    );
    for m in panel.iter().filter(|m| m.state == Skipped) {
        assert_eq!(
            m.skip_reason.as_deref(),
            Some("The appointment was cancelled.")
        );
        assert_eq!(m.delivery, None);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn template_outside_the_window_and_text_inside_it() {
    let mut r = Rig::new().await;
    r.approve_templates();
    // The patient writes first: the bot starts an intake, and the window is open for 24 hours.
    r.say(PATIENT, text("Hi")).await;
    let from_the_bot = r.sent_to(PATIENT).len();
    assert!(from_the_bot >= 1);
    let start = r.t0 + 2 * DAY;
    let a = r.book(start);
    r.pass().await;

    let sent = r.sent_to(PATIENT);
    assert_eq!(sent.len(), from_the_bot + 1);
    let confirmation = sent.last().unwrap();
    assert_eq!(confirmation["type"], "interactive", "{confirmation}");
    assert!(body_of(confirmation).contains("Lucía"), "{confirmation}");
    assert_eq!(
        answer_ids(confirmation),
        ["confirm", "reschedule", "cancel"].map(|w| format!("appt:{}:{w}", a.id))
    );

    // A day later the window has closed: only the approved template may go.
    r.at(start - DAY).await;
    let reminder = r.sent_to(PATIENT).last().unwrap().clone();
    assert_eq!(
        template_of(&reminder).as_deref(),
        Some("appointment_reminder_24h")
    );

    // The patient writes again two hours before: the 1-hour reminder is free text.
    r.set_clock(start - 2 * HOUR);
    r.say(PATIENT, text("See you soon")).await;
    let before = r.sent_to(PATIENT).len();
    r.at(start - HOUR).await;
    let sent = r.sent_to(PATIENT);
    assert_eq!(sent.len(), before + 1);
    assert_eq!(sent.last().unwrap()["type"], "interactive");

    let via: Vec<_> = r.messages(a.id).iter().map(|m| (m.kind, m.via)).collect();
    assert_eq!(
        via,
        vec![
            (AppointmentConfirmation, Some(Via::Text)),
            (Reminder24h, Some(Via::Template)),
            (Reminder1h, Some(Via::Text)),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reschedule_moves_the_reminders() {
    let r = Rig::new().await;
    r.approve_templates();
    let first = r.t0 + 2 * DAY;
    let second = r.t0 + 3 * DAY;
    let a = r.book(first);
    r.pass().await;

    r.set_clock(r.t0 + HOUR);
    r.move_to(a.id, second);
    r.pass().await;
    let sent = r.sent_to(PATIENT);
    assert_eq!(
        sent.iter().filter_map(template_of).collect::<Vec<_>>(),
        ["appointment_confirmation", "appointment_rescheduled"]
    );
    let panel = r.messages(a.id);
    let moved: Vec<_> = panel
        .iter()
        .filter(|m| m.state == Skipped)
        .map(|m| (m.kind, m.skip_reason.clone().unwrap()))
        .collect();
    assert_eq!(moved.len(), 2, "{panel:?}");
    assert!(moved.iter().all(|(_, why)| why.contains("moved")));
    let planned: Vec<_> = panel
        .iter()
        .filter(|m| m.state == Planned)
        .map(|m| (m.kind, m.due_at))
        .collect();
    assert_eq!(
        planned,
        vec![(Reminder24h, second - DAY), (Reminder1h, second - HOUR)]
    );

    // Nothing at the old times.
    r.at(first - DAY).await;
    r.at(first - HOUR).await;
    assert_eq!(r.sent_to(PATIENT).len(), 2);

    // Moved again, to Thursday 11:00: the second time's reminders are skipped, the new time's
    // go once each.
    let third = first + DAY + 2 * HOUR; // Thursday 11:00, a day after the first time
    r.move_to(a.id, third);
    r.pass().await;
    assert_eq!(r.sent_to(PATIENT).len(), 3, "a notice for the new time");
    r.pass_every(15 * MIN, r.now(), third + HOUR).await;
    let names: Vec<String> = r.sent_to(PATIENT).iter().filter_map(template_of).collect();
    assert_eq!(
        names,
        [
            "appointment_confirmation",
            "appointment_rescheduled",
            "appointment_rescheduled",
            "appointment_reminder_24h",
            "appointment_reminder_1h",
        ]
    );
    let queued: Vec<_> = r
        .messages(a.id)
        .into_iter()
        .filter(|m| m.state == Queued)
        .map(|m| m.kind)
        .collect();
    assert_eq!(
        queued,
        vec![
            AppointmentConfirmation,
            AppointmentRescheduled,
            AppointmentRescheduled,
            Reminder24h,
            Reminder1h,
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn moving_back_to_an_earlier_time_plans_its_unsent_reminders_again() {
    let r = Rig::new().await;
    r.approve_templates();
    let first = r.t0 + 2 * DAY;
    let a = r.book(first);
    r.move_to(a.id, first + DAY);
    r.move_to(a.id, first);
    let planned: Vec<_> = r
        .messages(a.id)
        .into_iter()
        .filter(|m| m.state == Planned && matches!(m.kind, Reminder24h | Reminder1h))
        .map(|m| (m.kind, m.due_at))
        .collect();
    assert_eq!(
        planned,
        vec![(Reminder24h, first - DAY), (Reminder1h, first - HOUR)]
    );
    r.pass_every(30 * MIN, r.now(), first).await;
    let reminders = r
        .sent_to(PATIENT)
        .iter()
        .filter_map(template_of)
        .filter(|n| n.contains("reminder"))
        .count();
    assert_eq!(reminders, 2, "24 h and 1 h, once each");
}
