//! Composing and previewing a real appointment's message: free text with reply buttons inside
//! the 24-hour window, the approved template outside it, problems in words otherwise; values
//! cleaned for Meta; the built-in texts in the clinic's language; every payload passes the
//! outbox check.
use std::sync::Arc;

use intake_core::appointments::{AppointmentPatient, NewAppointment};
use intake_core::auth::Role;
use intake_core::outbox_check::validate;
use intake_core::templates::{
    compose, facts_for, sync_templates, ButtonAction, Composed, Facts, MappingUpdate, ParamBinding,
    ParamSource, TemplateEvent, Via,
};
use intake_core::Desk;
use serde_json::{json, Value};

use super::{account_templates, fake_with, graph, named, REMINDER_BODY};
use crate::common::{clinic, clinic_settings, code, Fixture};
use crate::setup::fake_graph::{GOOD_TOKEN, WABA_ID};

const HOUR: i64 = 3_600_000;
const SECRETS: &[&str] = &[GOOD_TOKEN];

struct Clinic {
    f: Fixture,
    desk: Arc<Desk>,
    admin: String,
    fd: String,
    house: (String, i64),
    grey: String,
}

fn setup() -> Clinic {
    let f = clinic();
    let desk = f.desk();
    let admin = f.admin();
    let fd = f.user("frida", Role::FrontDesk);
    let house = f.user("house", Role::Doctor);
    let grey = f.user("grey", Role::Doctor);
    let house_id = desk
        .db()
        .conn()
        .query_row("SELECT id FROM staff WHERE username = 'house'", [], |r| {
            r.get(0)
        })
        .unwrap();
    Clinic {
        f,
        desk,
        admin,
        fd,
        house: (house, house_id),
        grey,
    }
}

impl Clinic {
    fn book(&self, hours_ahead: i64, location: &str, link: &str) -> i64 {
        self.desk
            .create_appointment(
                &self.fd,
                &NewAppointment {
                    patient: AppointmentPatient::Number {
                        phone: "+34 600 111 222".into(),
                        name: "Lucía Fernández".into(),
                    },
                    clinician_id: self.house.1,
                    starts_at: self.desk.now_ms() + hours_ahead * HOUR,
                    duration_min: 30,
                    location: location.into(),
                    telehealth_url: link.into(),
                    notes: String::new(),
                },
            )
            .unwrap()
            .id
    }

    /// What the processor writes when it handles a patient's message (Meta's seconds).
    fn patient_wrote(&self, appointment: i64, ms_ago: i64) {
        let conn = self.desk.db().conn();
        conn.execute(
            "UPDATE conversations SET last_inbound_at = ?2
             WHERE id = (SELECT conversation_id FROM appointments WHERE id = ?1)",
            [appointment, (self.desk.now_ms() - ms_ago) / 1000],
        )
        .unwrap();
    }

    /// What the reminders would queue for this appointment now.
    fn composed(&self, event: TemplateEvent, appointment: i64) -> Composed {
        let conn = self.desk.db().conn();
        compose(&conn, event, &facts_for(&conn, appointment).unwrap()).unwrap()
    }

    fn map_reminder(&self) {
        let params = [
            ("first_name", ParamSource::FirstName),
            ("clinician", ParamSource::Clinician),
            ("date", ParamSource::Date),
            ("time", ParamSource::Time),
            ("link", ParamSource::Link),
        ]
        .into_iter()
        .map(|(name, source)| ParamBinding {
            name: name.into(),
            source,
        })
        .collect();
        self.desk
            .update_template_mapping(
                &self.admin,
                &MappingUpdate {
                    event: TemplateEvent::Reminder24h,
                    template_name: Some("appointment_reminder_24h".into()),
                    language: "en".into(),
                    params,
                    buttons: vec![],
                },
            )
            .unwrap();
    }
}

fn checked(payload: &Value) {
    validate(payload, SECRETS).unwrap_or_else(|e| panic!("{e:?}: {payload}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn preview_follows_the_window_and_the_templates_state() {
    let c = setup();
    let id = c.book(26, "Room 2", "");
    let preview = |session: &str| {
        c.desk
            .preview_message(session, TemplateEvent::Reminder24h, Some(id))
            .unwrap()
    };

    // Nothing mapped, the patient never wrote: it could not go at all.
    let p = preview(&c.admin);
    assert_eq!(p.via, None);
    assert!(
        p.problems.iter().any(|s| s.contains(
            "Outside the 24-hour window this message cannot be sent: choose an approved template"
        )),
        "{p:?}"
    );
    assert!(
        p.text.starts_with("Hello Lucía,\nThis is a reminder"),
        "{}",
        p.text
    );
    assert!(
        p.text.contains("with house Example") && p.text.contains("Where: Room 2"),
        "{}",
        p.text
    );
    assert_eq!(p.buttons, vec!["Confirm", "Reschedule", "Cancel"]);

    // The patient wrote an hour ago: free text with reply buttons.
    c.patient_wrote(id, HOUR);
    let p = preview(&c.fd);
    assert_eq!(p.via, Some(Via::Text));
    let composed = c.composed(TemplateEvent::Reminder24h, id);
    assert_eq!(composed.template_payload, None);
    checked(&composed.text_payload);
    let ids: Vec<&str> = composed.text_payload["interactive"]["action"]["buttons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["reply"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![
            format!("appt:{id}:confirm"),
            format!("appt:{id}:reschedule"),
            format!("appt:{id}:cancel")
        ]
    );
    // Five minutes before the window closes is inside the safety margin: closed.
    c.patient_wrote(id, 24 * HOUR - 5 * 60_000);
    assert_eq!(preview(&c.admin).via, None);

    // A pending template mapped: its text, not approved yet, still not sendable outside.
    let (fake, url) = fake_with(account_templates(), 0).await;
    let g = graph(&url, GOOD_TOKEN);
    sync_templates(&c.desk, &c.admin, &g, WABA_ID)
        .await
        .unwrap();
    c.map_reminder();
    let p = preview(&c.admin);
    assert_eq!(p.via, None);
    assert!(
        p.text
            .starts_with("Hello Lucía, your appointment with house Example is on"),
        "{}",
        p.text
    );
    assert!(
        p.text.contains("Where: Room 2. Use the buttons"),
        "{}",
        p.text
    );
    assert!(
        p.problems.iter().any(|s| s.contains("not approved yet")),
        "{p:?}"
    );

    // Approved (a later sync): the template goes, filled, with the buttons' payloads.
    fake.templates.lock().unwrap()[0]["status"] = json!("APPROVED");
    sync_templates(&c.desk, &c.admin, &g, WABA_ID)
        .await
        .unwrap();
    let p = preview(&c.admin);
    assert_eq!((p.via, p.problems.clone()), (Some(Via::Template), vec![]));
    let composed = c.composed(TemplateEvent::Reminder24h, id);
    let payload = composed.template_payload.clone().unwrap();
    checked(&payload);
    checked(&composed.text_payload);
    let body = &payload["template"]["components"][0];
    assert_eq!(payload["template"]["name"], "appointment_reminder_24h");
    assert_eq!(payload["template"]["language"], json!({"code": "en"}));
    let names: Vec<&str> = body["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["parameter_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["first_name", "clinician", "date", "time", "link"]
    );
    assert_eq!(
        body["parameters"][0],
        json!({"type": "text", "parameter_name": "first_name", "text": "Lucía"})
    );
    assert_eq!(body["parameters"][4]["text"], "Room 2");
    for (i, action) in ["confirm", "reschedule", "cancel"].iter().enumerate() {
        assert_eq!(
            payload["template"]["components"][i + 1],
            json!({"type": "button", "sub_type": "quick_reply", "index": i.to_string(),
                   "parameters": [{"type": "payload", "payload": format!("appt:{id}:{action}")}]})
        );
    }
    let (text, buttons) = composed.template.unwrap();
    assert_eq!(p.text, text);
    assert!(!text.contains("{{"), "{text}");
    assert_eq!(buttons, vec!["Confirm", "Reschedule", "Cancel"]);
    // Inside the window the same filled text goes as free text, buttons and all.
    c.patient_wrote(id, HOUR);
    let p = preview(&c.admin);
    assert_eq!((p.via, p.text.as_str()), (Some(Via::Text), text.as_str()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_spanish_clinic_gets_spanish_texts_and_telehealth_links() {
    let c = setup();
    let mut settings = clinic_settings("Clínica San Rafael", 5);
    settings.languages = vec!["es".into(), "en".into()];
    c.desk.update_settings(&c.admin, &settings).unwrap();
    let id = c.book(2, "", "https://meet.example.org/abc");
    c.patient_wrote(id, HOUR);
    let p = c
        .desk
        .preview_message(&c.admin, TemplateEvent::Reminder1h, Some(id))
        .unwrap();
    assert_eq!(p.via, Some(Via::Text));
    assert!(p.text.starts_with("Hola Lucía:\nSu cita en Clínica San Rafael con house Example empieza dentro de una hora"), "{}", p.text);
    assert!(
        p.text.contains("Lugar: https://meet.example.org/abc"),
        "{}",
        p.text
    );
    assert_eq!(p.buttons, vec!["Confirmar", "Cambiar cita", "Cancelar"]);
    let p = c
        .desk
        .preview_message(&c.admin, TemplateEvent::AppointmentConfirmation, Some(id))
        .unwrap();
    assert!(p.text.contains(" de enero a las "), "{}", p.text);
    let p = c
        .desk
        .preview_message(&c.admin, TemplateEvent::AppointmentCancelled, Some(id))
        .unwrap();
    assert!(p.buttons.is_empty());
    assert!(p.text.contains("ha sido cancelada"), "{}", p.text);
    let conn = c.desk.db().conn();
    for event in TemplateEvent::ALL {
        let composed = compose(&conn, event, &facts_for(&conn, id).unwrap()).unwrap();
        checked(&composed.text_payload);
    }
    // An in-person visit without a location: the free text leaves the line out.
    drop(conn);
    let bare = c.book(30, "", "");
    let p = c
        .desk
        .preview_message(&c.admin, TemplateEvent::Reminder24h, Some(bare))
        .unwrap();
    assert!(!p.text.contains("Lugar"), "{}", p.text);
    // A sample preview, with no appointment, is Spanish too.
    let p = c
        .desk
        .preview_message(&c.fd, TemplateEvent::Reminder15m, None)
        .unwrap();
    assert!(p.text.starts_with("Hola Ana:"), "{}", p.text);
    assert_eq!(p.via, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_values_are_cleaned_for_meta_and_named_when_missing() {
    let c = setup();
    let approved = named(
        "1001",
        "appointment_reminder_24h",
        "en",
        "APPROVED",
        REMINDER_BODY,
        &["Yes", "Change", "No thanks"],
    );
    let (_fake, url) = fake_with(vec![approved], 0).await;
    sync_templates(&c.desk, &c.admin, &graph(&url, GOOD_TOKEN), WABA_ID)
        .await
        .unwrap();
    c.map_reminder();
    let facts = Facts {
        appointment_id: 42,
        conversation_id: 0,
        first_name: "Ana\n\n\tMaría      {{time}}".into(),
        clinic_name: String::new(),
        starts_at_ms: c.desk.now_ms() + 3 * HOUR,
        clinician: "  \n ".into(),
        location: String::new(),
        link: format!("https://meet.example.org/{}", "a".repeat(10_000)),
        language: "en".into(),
    };
    let conn = c.desk.db().conn();
    let composed = compose(&conn, TemplateEvent::Reminder24h, &facts).unwrap();
    let payload = composed.template_payload.clone().unwrap();
    checked(&payload);
    checked(&composed.text_payload);
    let params = payload["template"]["components"][0]["parameters"]
        .as_array()
        .unwrap()
        .clone();
    for p in &params {
        let text = p["text"].as_str().unwrap();
        assert!(!text.is_empty() && text.chars().count() <= 300, "{text}");
        assert!(
            !text.contains('\n') && !text.contains('\t') && !text.contains("     "),
            "{text}"
        );
    }
    assert_eq!(params[0]["text"], "Ana María {{time}}");
    assert_eq!(params[1]["text"], "-");
    assert!(
        composed
            .problems
            .iter()
            .any(|p| p.contains("no clinician name")),
        "{:?}",
        composed.problems
    );
    // Buttons guessed from their texts, one action each; "No thanks" tells staff only.
    let payloads: Vec<&str> = payload["template"]["components"].as_array().unwrap()[1..]
        .iter()
        .map(|b| b["parameters"][0]["payload"].as_str().unwrap())
        .collect();
    assert_eq!(
        payloads,
        vec!["appt:42:confirm", "appt:42:reschedule", "continue:2"]
    );
    drop(conn);
    let mappings = c.desk.template_mappings(&c.admin).unwrap();
    assert_eq!(
        mappings[0].buttons,
        vec![
            ButtonAction::Confirm,
            ButtonAction::Reschedule,
            ButtonAction::None
        ]
    );
    // The filled text never expands a value that looks like a parameter.
    assert!(composed
        .template
        .unwrap()
        .0
        .contains("Hello Ana María {{time}}, your"));

    // A token in a value would be stopped by the outbox check, not sent.
    let leaky = Facts {
        first_name: GOOD_TOKEN.into(),
        ..facts
    };
    let conn = c.desk.db().conn();
    let composed = compose(&conn, TemplateEvent::Reminder24h, &leaky).unwrap();
    assert!(validate(&composed.template_payload.unwrap(), SECRETS).is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn doctors_preview_their_own_appointments_only() {
    let c = setup();
    let id = c.book(5, "Room 2", "");
    assert!(c
        .desk
        .preview_message(&c.house.0, TemplateEvent::Reminder1h, Some(id))
        .is_ok());
    let e = c
        .desk
        .preview_message(&c.grey, TemplateEvent::Reminder1h, Some(id))
        .unwrap_err();
    assert_eq!(code(e), "not_found.appointment");
    let e = c
        .desk
        .preview_message(&c.admin, TemplateEvent::Reminder1h, Some(id + 1000))
        .unwrap_err();
    assert_eq!(code(e), "not_found.appointment");
    let e = c
        .desk
        .preview_message("nobody", TemplateEvent::Reminder1h, None)
        .unwrap_err();
    assert_eq!(code(e), "auth.not_signed_in");
    let _ = &c.f;
}
