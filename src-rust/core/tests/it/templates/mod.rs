//! Issue 7, must-show: the template library synced from a local fake of Meta's Graph API (two
//! and more pages by cursor, NAMED and POSITIONAL bodies, junk entries skipped), then moved by
//! signed `message_template_status_update` webhooks through the real router and ingest; the
//! ready-made texts submitted in Meta's exact JSON; the event → template mapping; composing
//! and previewing a real appointment's message inside and outside the 24-hour window.
mod compose;
pub mod fake;
mod mapping;
mod sync;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use intake_core::events::DeskEvent;
use intake_core::sender::GraphConfig;
use intake_core::templates::{sync_templates, TemplateStatus, WaTemplate};
use intake_core::Desk;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::setup::fake_graph::{fake_graph, Fake, GOOD_TOKEN, WABA_ID};
use crate::wa::PHONE_NUMBER_ID;
use crate::webhook::start;

pub fn graph(base_url: &str, token: &str) -> GraphConfig {
    GraphConfig {
        base_url: base_url.into(),
        version: "v23.0".into(),
        phone_number_id: PHONE_NUMBER_ID.into(),
        token: Arc::from(token),
    }
}

/// A NAMED template as Meta lists it.
pub fn named(
    id: &str,
    name: &str,
    language: &str,
    status: &str,
    body: &str,
    buttons: &[&str],
) -> Value {
    let examples: Vec<Value> = [
        "first_name",
        "date",
        "time",
        "clinician",
        "clinic_name",
        "link",
    ]
    .iter()
    .filter(|p| body.contains(&format!("{{{{{p}}}}}")))
    .map(|p| json!({"param_name": p, "example": "x"}))
    .collect();
    let mut components = vec![
        json!({"type": "HEADER", "format": "TEXT", "text": "Appointment"}),
        json!({"type": "BODY", "text": body, "example": {"body_text_named_params": examples}}),
        json!({"type": "FOOTER", "text": "Reply STOP to stop reminders"}),
    ];
    if !buttons.is_empty() {
        let b: Vec<Value> = buttons
            .iter()
            .map(|t| json!({"type": "QUICK_REPLY", "text": t}))
            .collect();
        components.push(json!({"type": "BUTTONS", "buttons": b}));
    }
    json!({"id": id, "name": name, "language": language, "status": status,
        "category": "UTILITY", "parameter_format": "NAMED", "components": components})
}

/// A POSITIONAL template as Meta lists it (no `parameter_format`, as older answers do).
pub fn positional(id: &str, name: &str, language: &str, status: &str, body: &str) -> Value {
    json!({"id": id, "name": name, "language": language, "status": status, "category": "UTILITY",
        "components": [{"type": "BODY", "text": body, "example": {"body_text": [["Ana", "martes"]]}}]})
}

pub const REMINDER_BODY: &str = "Hello {{first_name}}, your appointment with {{clinician}} is on {{date}} at {{time}}. Where: {{link}}. Use the buttons to answer.";

/// The account's templates: five readable ones (two languages, both parameter formats, all
/// states that matter) and two Meta would never send, which the sync must skip.
pub fn account_templates() -> Vec<Value> {
    vec![
        named(
            "1001",
            "appointment_reminder_24h",
            "en",
            "PENDING",
            REMINDER_BODY,
            &["Confirm", "Reschedule", "Cancel"],
        ),
        positional(
            "1002",
            "recordatorio_cita",
            "es",
            "APPROVED",
            "Hola {{1}}, su cita es el {{2}}. Responda a este mensaje si necesita cambiarla.",
        ),
        json!({"id": "1003", "language": "en", "status": "APPROVED", "components": []}),
        named(
            "1004",
            "visit_followup",
            "en",
            "REJECTED",
            "Hi {{first_name}}, how did your visit go today at the clinic?",
            &[],
        )
        .as_object()
        .map(|o| {
            let mut o = o.clone();
            o.insert("rejected_reason".into(), json!("INCORRECT_CATEGORY"));
            Value::Object(o)
        })
        .unwrap(),
        json!("not an object"),
        named(
            "1005",
            "hello_world",
            "en_US",
            "APPROVED",
            "Welcome and congratulations! This is a sample.",
            &[],
        ),
        json!({"id": "1006", "name": "new_kind", "language": "en", "status": "APPROVED",
            "components": [{"type": "CAROUSEL", "cards": []}, {"type": "BODY", "text": "Hi {{first_name}}, your results from the clinic are ready."}]}),
    ]
}

/// A signed-able webhook body with one template status update.
pub fn status_webhook(value: Value) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": WABA_ID, "time": 1767603600,
        "changes": [{"field": "message_template_status_update", "value": value}]}]})
    .to_string()
    .into_bytes()
}

pub fn find(desk: &Desk, session: &str, name: &str, language: &str) -> Option<WaTemplate> {
    desk.template_library(session)
        .unwrap()
        .templates
        .into_iter()
        .find(|t| t.name == name && t.language == language)
}

pub async fn fake_with(templates: Vec<Value>, page: usize) -> (Arc<Fake>, String) {
    let (fake, url) = fake_graph().await;
    *fake.templates.lock().unwrap() = templates;
    fake.template_page.store(page, Ordering::SeqCst);
    (fake, url)
}

fn drain(rx: &mut tokio::sync::broadcast::Receiver<DeskEvent>) -> Vec<DeskEvent> {
    std::iter::from_fn(|| rx.try_recv().ok()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn template_sync_then_status_update_webhook() {
    let s = start().await;
    let desk = s.f.desk();
    let admin = s.f.admin();
    let (fake, url) = fake_with(account_templates(), 3).await;
    let mut events = desk.events().subscribe();

    // Sync: seven entries on three pages of three, followed by Meta's `paging.next`.
    let lib = sync_templates(&desk, &admin, &graph(&url, GOOD_TOKEN), WABA_ID)
        .await
        .unwrap();
    let requests = fake.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    assert!(!requests[0].contains("\"after\""));
    assert!(
        requests[1].contains("(\"after\", \"QVFIU3\")"),
        "{requests:#?}"
    );
    assert!(
        requests[2].contains("(\"after\", \"QVFIU6\")"),
        "{requests:#?}"
    );
    assert_eq!(lib.synced_at, Some(desk.now_ms()));
    let names: Vec<(&str, &str)> = lib
        .templates
        .iter()
        .map(|t| (t.name.as_str(), t.language.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("appointment_reminder_24h", "en"),
            ("hello_world", "en_US"),
            ("new_kind", "en"),
            ("recordatorio_cita", "es"),
            ("visit_followup", "en"),
        ]
    );
    let reminder = &lib.templates[0];
    assert_eq!(reminder.status, TemplateStatus::Pending);
    assert_eq!(reminder.meta_status, "PENDING");
    assert_eq!(
        reminder.params,
        vec!["first_name", "clinician", "date", "time", "link"]
    );
    assert_eq!(reminder.buttons, vec!["Confirm", "Reschedule", "Cancel"]);
    assert_eq!(reminder.body, REMINDER_BODY);
    let positional = find(&desk, &admin, "recordatorio_cita", "es").unwrap();
    assert_eq!(positional.params, vec!["1", "2"]);
    assert_eq!(positional.status, TemplateStatus::Approved);
    let rejected = find(&desk, &admin, "visit_followup", "en").unwrap();
    assert_eq!(rejected.status, TemplateStatus::Rejected);
    assert_eq!(rejected.reason.as_deref(), Some("INCORRECT_CATEGORY"));
    assert_eq!(
        find(&desk, &admin, "new_kind", "en").unwrap().params,
        vec!["first_name"]
    );
    assert!(lib
        .ready_made
        .iter()
        .any(|r| r.name == "appointment_reminder_24h" && r.language == "en" && r.in_library));
    assert!(lib
        .ready_made
        .iter()
        .any(|r| r.name == "appointment_reminder_24h" && r.language == "es" && !r.in_library));
    assert_eq!(drain(&mut events), vec![DeskEvent::TemplatesChanged]);
    let audit: (String, String) = desk
        .db()
        .conn()
        .query_row(
            "SELECT action, details FROM audit_log WHERE action = 'templates.synced'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let details: Value = serde_json::from_str(&audit.1).unwrap();
    assert_eq!(
        details,
        json!({"count": 5, "skipped": 2, "removed": 0, "complete": true})
    );

    // Meta approves the reminder: a signed webhook through the real router and ingest.
    s.f.clock.advance(chrono::Duration::minutes(20));
    // The idle lock has engaged meanwhile.
    let admin = s.f.admin();
    let (status, body) = s
        .signed(status_webhook(
            json!({"event": "APPROVED", "message_template_id": 1001,
            "message_template_name": "appointment_reminder_24h", "message_template_language": "en",
            "reason": "NONE", "message_template_category": "UTILITY"}),
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let approved = find(&desk, &admin, "appointment_reminder_24h", "en").unwrap();
    assert_eq!(approved.status, TemplateStatus::Approved);
    assert_eq!(approved.meta_status, "APPROVED");
    assert_eq!(approved.reason, None);
    assert_eq!(approved.updated_at, desk.now_ms());
    assert_eq!(drain(&mut events), vec![DeskEvent::TemplatesChanged]);

    // Rejected, found by name and language (Meta's id unknown here), with the reason.
    let (status, _) = s
        .signed(status_webhook(
            json!({"event": "REJECTED", "message_template_id": 555,
            "message_template_name": "recordatorio_cita", "message_template_language": "es",
            "reason": "INCORRECT_CATEGORY"}),
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let r = find(&desk, &admin, "recordatorio_cita", "es").unwrap();
    assert_eq!(
        (r.status, r.reason.as_deref()),
        (TemplateStatus::Rejected, Some("INCORRECT_CATEGORY"))
    );
    assert_eq!(drain(&mut events), vec![DeskEvent::TemplatesChanged]);

    // Paused, then reinstated; a template created in WhatsApp Manager since the sync appears.
    for event in ["PAUSED", "REINSTATED"] {
        s.signed(status_webhook(
            json!({"event": event, "message_template_id": 1001,
            "message_template_name": "appointment_reminder_24h", "message_template_language": "en",
            "reason": if event == "PAUSED" { "LOW_QUALITY" } else { "NONE" }}),
        ))
        .await;
        let t = find(&desk, &admin, "appointment_reminder_24h", "en").unwrap();
        let expected = if event == "PAUSED" {
            TemplateStatus::Paused
        } else {
            TemplateStatus::Approved
        };
        assert_eq!((t.status, t.meta_status.as_str()), (expected, event));
    }
    s.signed(status_webhook(
        json!({"event": "PENDING_DELETION", "message_template_id": 1009,
        "message_template_name": "made_elsewhere", "message_template_language": "en",
        "reason": "NONE", "message_template_category": "MARKETING"}),
    ))
    .await;
    let elsewhere = find(&desk, &admin, "made_elsewhere", "en").unwrap();
    assert_eq!(
        (elsewhere.status, elsewhere.category.as_str()),
        (TemplateStatus::Unavailable, "MARKETING")
    );

    // A status update that names nothing is stored with its body and changes nothing.
    let before = desk.template_library(&admin).unwrap();
    let _ = drain(&mut events);
    let (status, _) = s
        .signed(status_webhook(
            json!({"event": "APPROVED", "message_template_name": "x"}),
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(desk.template_library(&admin).unwrap(), before);
    assert!(!drain(&mut events).contains(&DeskEvent::TemplatesChanged));
    // Unsigned, it is refused and nothing moves.
    let body = status_webhook(json!({"event": "DISABLED", "message_template_id": 1001}));
    let res = s
        .client
        .post(format!("{}/webhook", s.base))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let t = find(&desk, &admin, "appointment_reminder_24h", "en").unwrap();
    assert_eq!(t.status, TemplateStatus::Approved);
}
