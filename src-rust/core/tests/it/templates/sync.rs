//! Syncing and submitting against the fake Graph API: cursor paging, removal of templates Meta
//! no longer lists, explained errors without the token, who may ask Meta, and Meta's exact
//! create body with its "already exists" answer.
use std::sync::atomic::Ordering;

use intake_core::auth::Role;
use intake_core::events::DeskEvent;
use intake_core::templates::{submit_ready_made, sync_templates, TemplateEvent, TemplateStatus};
use serde_json::{json, Value};

use super::{account_templates, fake_with, find, graph, named, REMINDER_BODY};
use crate::common::{clinic, code};
use crate::log_capture::{assert_no_leaks, Capture};
use crate::setup::fake_graph::{
    EXPIRED_TOKEN, GOOD_TOKEN, OTHER_WABA_ID, REVOKED_TOKEN, TOKENS, WABA_ID,
};

#[tokio::test(flavor = "multi_thread")]
async fn a_next_page_on_another_host_is_read_by_cursor_from_our_own() {
    let f = clinic();
    let desk = f.desk();
    let admin = f.admin();
    let (fake, url) = fake_with(account_templates(), 2).await;
    fake.foreign_next.store(true, Ordering::SeqCst);
    // Had the token followed `next` to graph.facebook.com, the sync would have failed offline.
    let lib = sync_templates(&desk, &admin, &graph(&url, GOOD_TOKEN), WABA_ID)
        .await
        .unwrap();
    assert_eq!(lib.templates.len(), 5);
    let requests = fake.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 4, "{requests:#?}");
    for (i, r) in requests.iter().enumerate().skip(1) {
        assert!(
            r.contains(&format!("(\"after\", \"QVFIU{}\")", i * 2)),
            "{r}"
        );
        assert!(r.contains("(\"limit\", \"100\")"), "{r}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resync_removes_what_meta_dropped_and_keeps_unchanged_times() {
    let f = clinic();
    let desk = f.desk();
    let admin = f.admin();
    let (fake, url) = fake_with(account_templates(), 0).await;
    let g = graph(&url, GOOD_TOKEN);
    sync_templates(&desk, &admin, &g, WABA_ID).await.unwrap();
    let first = desk.now_ms();
    f.clock.advance(chrono::Duration::hours(2));
    // The idle lock has engaged meanwhile.
    let admin = f.admin();
    fake.templates
        .lock()
        .unwrap()
        .retain(|t| t["name"] != "visit_followup");
    // Meta approved the reminder meanwhile (no webhook reached us).
    fake.templates.lock().unwrap()[0]["status"] = json!("APPROVED");
    let lib = sync_templates(&desk, &admin, &g, WABA_ID).await.unwrap();
    assert!(find(&desk, &admin, "visit_followup", "en").is_none());
    assert_eq!(lib.templates.len(), 4);
    let reminder = find(&desk, &admin, "appointment_reminder_24h", "en").unwrap();
    assert_eq!(
        (reminder.status, reminder.updated_at),
        (TemplateStatus::Approved, desk.now_ms())
    );
    let hello = find(&desk, &admin, "hello_world", "en_US").unwrap();
    assert_eq!(
        hello.updated_at, first,
        "unchanged templates keep their time"
    );
    assert_eq!(lib.synced_at, Some(desk.now_ms()));

    // A complete, empty list means the account has no templates left.
    *fake.templates.lock().unwrap() = vec![];
    let lib = sync_templates(&desk, &admin, &g, WABA_ID).await.unwrap();
    assert!(
        lib.templates.is_empty(),
        "an empty list from Meta is an empty account"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn graph_errors_are_explained_without_the_token() {
    let capture = Capture::start();
    let f = clinic();
    let desk = f.desk();
    let admin = f.admin();
    let (_fake, url) = fake_with(account_templates(), 0).await;
    let problem = |e: intake_core::Error| match e {
        intake_core::Error::Graph(p) => p,
        other => panic!("{other:?}"),
    };
    let p = problem(
        sync_templates(&desk, &admin, &graph(&url, EXPIRED_TOKEN), WABA_ID)
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (p.code.as_str(), p.meta_code),
        ("setup.token_expired", Some(190))
    );
    let p = problem(
        sync_templates(&desk, &admin, &graph(&url, REVOKED_TOKEN), WABA_ID)
            .await
            .unwrap_err(),
    );
    assert_eq!(p.code, "setup.token_invalid");
    let p = problem(
        sync_templates(&desk, &admin, &graph(&url, GOOD_TOKEN), OTHER_WABA_ID)
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (p.code.as_str(), p.meta_code),
        ("templates.permission_missing", Some(200))
    );
    assert!(p.message.contains("whatsapp_business_management"), "{p:?}");
    let p = problem(
        sync_templates(&desk, &admin, &graph(&url, GOOD_TOKEN), "102290129340111")
            .await
            .unwrap_err(),
    );
    assert_eq!(p.code, "setup.wrong_business_account_id");
    let p = problem(
        sync_templates(
            &desk,
            &admin,
            &graph("http://127.0.0.1:9", GOOD_TOKEN),
            WABA_ID,
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(p.code, "setup.no_network");
    // The same explanations for submitting.
    let p = problem(
        submit_ready_made(
            &desk,
            &admin,
            &graph(&url, EXPIRED_TOKEN),
            WABA_ID,
            TemplateEvent::Reminder1h,
            "en",
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(p.code, "setup.token_expired");
    assert!(desk.template_library(&admin).unwrap().templates.is_empty());
    assert_eq!(desk.template_library(&admin).unwrap().synced_at, None);
    let log = capture.text();
    assert!(
        log.contains("templates_list"),
        "the refusals are logged: {log}"
    );
    assert_no_leaks(&log, TOKENS);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_admins_ask_meta_and_nobody_else_reaches_it() {
    let f = clinic();
    let desk = f.desk();
    let (fake, url) = fake_with(account_templates(), 0).await;
    let g = graph(&url, GOOD_TOKEN);
    let fd = f.user("frida", Role::FrontDesk);
    let doc = f.user("house", Role::Doctor);
    for session in [fd.as_str(), doc.as_str(), "not-a-session"] {
        let e = sync_templates(&desk, session, &g, WABA_ID)
            .await
            .unwrap_err();
        assert!(["auth.forbidden", "auth.not_signed_in"].contains(&code(e).as_str()));
        let e = submit_ready_made(
            &desk,
            session,
            &g,
            WABA_ID,
            TemplateEvent::Reminder24h,
            "en",
        )
        .await
        .unwrap_err();
        assert!(["auth.forbidden", "auth.not_signed_in"].contains(&code(e).as_str()));
    }
    assert!(fake.requests.lock().unwrap().is_empty());
    // Reading the library is for everyone who sees the queue.
    assert!(desk.template_library(&fd).unwrap().templates.is_empty());
    assert!(desk.template_mappings(&doc).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ready_made_text_goes_in_metas_exact_json_and_is_mapped() {
    let f = clinic();
    let desk = f.desk();
    let admin = f.admin();
    let (fake, url) = fake_with(vec![], 0).await;
    let g = graph(&url, GOOD_TOKEN);
    let mut events = desk.events().subscribe();
    let lib = submit_ready_made(&desk, &admin, &g, WABA_ID, TemplateEvent::Reminder24h, "en")
        .await
        .unwrap();
    let created = fake.created.lock().unwrap().clone();
    let body = "Hello {{first_name}},\nThis is a reminder of your appointment at {{clinic_name}} on {{date}} at {{time}}, with {{clinician}}.\nWhere: {{link}}\nPlease let us know with the buttons below whether you can attend.";
    assert_eq!(
        created,
        vec![json!({
            "name": "appointment_reminder_24h", "language": "en", "category": "UTILITY",
            "parameter_format": "NAMED",
            "components": [
                {"type": "BODY", "text": body, "example": {"body_text_named_params": [
                    {"param_name": "first_name", "example": "Ana"},
                    {"param_name": "clinic_name", "example": "Riverside Clinic"},
                    {"param_name": "date", "example": "Tuesday 3 March"},
                    {"param_name": "time", "example": "09:30"},
                    {"param_name": "clinician", "example": "Dr. Lee"},
                    {"param_name": "link", "example": "Room 2, 1 Main Street"}]}},
                {"type": "BUTTONS", "buttons": [
                    {"type": "QUICK_REPLY", "text": "Confirm"},
                    {"type": "QUICK_REPLY", "text": "Reschedule"},
                    {"type": "QUICK_REPLY", "text": "Cancel"}]}
            ]
        })]
    );
    let t = lib
        .templates
        .iter()
        .find(|t| t.name == "appointment_reminder_24h")
        .unwrap();
    assert_eq!(
        (t.status, t.language.as_str(), t.body.as_str()),
        (TemplateStatus::Pending, "en", body)
    );
    assert!(lib
        .ready_made
        .iter()
        .any(|r| r.name == t.name && r.language == "en" && r.in_library));
    let mappings = desk.template_mappings(&admin).unwrap();
    assert_eq!(mappings.len(), 1);
    let m = &mappings[0];
    assert_eq!(
        (m.event, m.template_name.as_str(), m.language.as_str()),
        (TemplateEvent::Reminder24h, t.name.as_str(), "en")
    );
    let bound: Vec<(String, Value)> = m
        .params
        .iter()
        .map(|b| (b.name.clone(), serde_json::to_value(b.source).unwrap()))
        .collect();
    assert_eq!(
        bound,
        [
            "first_name",
            "clinic_name",
            "date",
            "time",
            "clinician",
            "link"
        ]
        .iter()
        .map(|n| (n.to_string(), json!(n)))
        .collect::<Vec<_>>()
    );
    assert_eq!(
        serde_json::to_value(&m.buttons).unwrap(),
        json!(["confirm", "reschedule", "cancel"])
    );
    assert!(std::iter::from_fn(|| events.try_recv().ok()).any(|e| e == DeskEvent::TemplatesChanged));

    // Spanish for the same event: submitted, but the admin's existing choice stays.
    submit_ready_made(&desk, &admin, &g, WABA_ID, TemplateEvent::Reminder24h, "es")
        .await
        .unwrap();
    let es = fake.created.lock().unwrap()[1].clone();
    assert_eq!(es["language"], "es");
    assert_eq!(es["components"][1]["buttons"][1]["text"], "Cambiar cita");
    assert_eq!(desk.template_mappings(&admin).unwrap(), mappings);
    // A confirmation has buttons; a cancellation notice none.
    submit_ready_made(
        &desk,
        &admin,
        &g,
        WABA_ID,
        TemplateEvent::AppointmentCancelled,
        "en",
    )
    .await
    .unwrap();
    let cancelled = fake.created.lock().unwrap()[2].clone();
    assert_eq!(cancelled["components"].as_array().unwrap().len(), 1);
    let audit: Vec<String> = desk
        .db()
        .conn()
        .prepare("SELECT details FROM audit_log WHERE action = 'template.submitted' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(audit.len(), 3);
    assert_eq!(
        serde_json::from_str::<Value>(&audit[1]).unwrap(),
        json!({"event": "reminder_24h", "language": "es", "mapped": false})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn already_exists_asks_for_a_sync_and_changes_nothing() {
    let f = clinic();
    let desk = f.desk();
    let admin = f.admin();
    let existing = named(
        "1001",
        "appointment_reminder_24h",
        "en",
        "APPROVED",
        REMINDER_BODY,
        &["Confirm", "Reschedule", "Cancel"],
    );
    let (fake, url) = fake_with(vec![existing], 0).await;
    let g = graph(&url, GOOD_TOKEN);
    let e = submit_ready_made(&desk, &admin, &g, WABA_ID, TemplateEvent::Reminder24h, "en")
        .await
        .unwrap_err();
    let body = e.body();
    assert_eq!(body.code, "templates.already_exists");
    assert!(body.message.contains("Sync"), "{body:?}");
    assert!(
        !body.message.contains("Content in this language"),
        "Meta's words stay out"
    );
    assert_eq!(fake.created.lock().unwrap().len(), 1);
    assert!(desk.template_library(&admin).unwrap().templates.is_empty());
    assert!(desk.template_mappings(&admin).unwrap().is_empty());
    // The suggested sync brings it in.
    sync_templates(&desk, &admin, &g, WABA_ID).await.unwrap();
    let t = find(&desk, &admin, "appointment_reminder_24h", "en").unwrap();
    assert_eq!(t.status, TemplateStatus::Approved);
}

#[tokio::test(flavor = "multi_thread")]
async fn submit_refuses_languages_it_has_no_text_for_before_asking_meta() {
    let f = clinic();
    let desk = f.desk();
    let admin = f.admin();
    let (fake, url) = fake_with(vec![], 0).await;
    let g = graph(&url, GOOD_TOKEN);
    for lang in ["fr", "", "en\n", "EN", &"e".repeat(10_000), "es_MX"] {
        let e = submit_ready_made(&desk, &admin, &g, WABA_ID, TemplateEvent::Reminder1h, lang)
            .await
            .unwrap_err();
        assert_eq!(code(e), "invalid.template_language");
    }
    for bad_account in ["", "1/../2", "abc", &"1".repeat(40)] {
        let e = submit_ready_made(
            &desk,
            &admin,
            &g,
            bad_account,
            TemplateEvent::Reminder1h,
            "en",
        )
        .await
        .unwrap_err();
        assert_eq!(code(e), "setup.wrong_business_account_id", "{bad_account}");
        let e = sync_templates(&desk, &admin, &g, bad_account)
            .await
            .unwrap_err();
        assert_eq!(code(e), "setup.wrong_business_account_id");
    }
    assert!(fake.requests.lock().unwrap().is_empty());
}
