//! The event → template choice: checked against the library, hostile input refused with a
//! code and without echoing it, audited with the event, name and language only.
use intake_core::auth::Role;
use intake_core::templates::{
    sync_templates, ButtonAction, MappingUpdate, ParamBinding, ParamSource, TemplateEvent,
};
use serde_json::{json, Value};

use super::{account_templates, fake_with, graph};
use crate::common::{clinic, code, Fixture};
use crate::setup::fake_graph::{GOOD_TOKEN, WABA_ID};

fn bind(name: &str, source: ParamSource) -> ParamBinding {
    ParamBinding {
        name: name.into(),
        source,
    }
}

fn reminder_params() -> Vec<ParamBinding> {
    vec![
        bind("first_name", ParamSource::FirstName),
        bind("clinician", ParamSource::Clinician),
        bind("date", ParamSource::Date),
        bind("time", ParamSource::Time),
        bind("link", ParamSource::Link),
    ]
}

fn update(
    name: &str,
    language: &str,
    params: Vec<ParamBinding>,
    buttons: Vec<ButtonAction>,
) -> MappingUpdate {
    MappingUpdate {
        event: TemplateEvent::Reminder24h,
        template_name: Some(name.into()),
        language: language.into(),
        params,
        buttons,
    }
}

async fn synced() -> (Fixture, String) {
    let f = clinic();
    let admin = f.admin();
    let (_fake, url) = fake_with(account_templates(), 0).await;
    sync_templates(&f.desk(), &admin, &graph(&url, GOOD_TOKEN), WABA_ID)
        .await
        .unwrap();
    (f, admin)
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_mappings_are_refused_and_nothing_is_stored() {
    let (f, admin) = synced().await;
    let desk = f.desk();
    let long = "x".repeat(10_000);
    let three = vec![
        ButtonAction::Confirm,
        ButtonAction::Reschedule,
        ButtonAction::Cancel,
    ];
    let mut dup = reminder_params();
    dup.push(bind("date", ParamSource::Time));
    let mut unknown = reminder_params();
    unknown.push(bind("diagnosis", ParamSource::FirstName));
    let mut long_name = reminder_params();
    long_name.push(bind(&long, ParamSource::FirstName));
    let cases: Vec<(MappingUpdate, &str)> = vec![
        (
            update("no_such_template", "en", reminder_params(), three.clone()),
            "invalid.template_not_in_library",
        ),
        (
            update(
                "appointment_reminder_24h",
                "es",
                reminder_params(),
                three.clone(),
            ),
            "invalid.template_not_in_library",
        ),
        (
            update(
                "appointment_reminder_24h\u{0}",
                "en",
                reminder_params(),
                three.clone(),
            ),
            "invalid.template_not_in_library",
        ),
        (
            update(
                "appointment_reminder_24h",
                "e\nn",
                reminder_params(),
                three.clone(),
            ),
            "invalid.template_language",
        ),
        (
            update(&long, "en", reminder_params(), three.clone()),
            "invalid.template_not_in_library",
        ),
        (
            update(
                "appointment_reminder_24h",
                &long,
                reminder_params(),
                three.clone(),
            ),
            "invalid.template_language",
        ),
        (
            update("", "en", reminder_params(), three.clone()),
            "invalid.template_not_in_library",
        ),
        (
            update(
                "appointment_reminder_24h",
                "",
                reminder_params(),
                three.clone(),
            ),
            "invalid.template_language",
        ),
        (
            update("appointment_reminder_24h", "en", dup, three.clone()),
            "invalid.template_param_duplicate",
        ),
        (
            update("appointment_reminder_24h", "en", unknown, three.clone()),
            "invalid.template_param_unknown",
        ),
        (
            update("appointment_reminder_24h", "en", long_name, three.clone()),
            "invalid.template_param_unknown",
        ),
        (
            update(
                "appointment_reminder_24h",
                "en",
                reminder_params()[1..].to_vec(),
                three.clone(),
            ),
            "invalid.template_param_missing",
        ),
        (
            update("appointment_reminder_24h", "en", vec![], three.clone()),
            "invalid.template_param_missing",
        ),
        (
            update(
                "appointment_reminder_24h",
                "en",
                reminder_params(),
                three[..2].to_vec(),
            ),
            "invalid.template_buttons",
        ),
        (
            update(
                "appointment_reminder_24h",
                "en",
                reminder_params(),
                vec![ButtonAction::None; 4],
            ),
            "invalid.template_buttons",
        ),
        (
            update(
                "appointment_reminder_24h",
                "en",
                reminder_params(),
                vec![
                    ButtonAction::Confirm,
                    ButtonAction::Confirm,
                    ButtonAction::Cancel,
                ],
            ),
            "invalid.template_buttons",
        ),
        (
            update("hello_world", "en_US", vec![], vec![ButtonAction::Confirm]),
            "invalid.template_buttons",
        ),
    ];
    for (u, expected) in cases {
        let e = desk.update_template_mapping(&admin, &u).unwrap_err();
        let body = e.body();
        assert_eq!(body.code, expected, "{u:?}");
        assert!(
            !body.message.contains("diagnosis") && !body.message.contains("xxxxxxxx"),
            "{body:?}"
        );
    }
    assert!(desk.template_mappings(&admin).unwrap().is_empty());
    let audits: i64 = desk
        .db()
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'template.mapping_changed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audits, 0);

    // Events and sources outside the lists never get past deserialisation (the IPC edge).
    for bad in [
        json!({"event": "reminder_2h", "templateName": "x", "language": "en"}),
        json!({"event": "REMINDER_24H", "templateName": "x", "language": "en"}),
        json!({"event": "reminder_24h", "templateName": "x", "language": "en",
               "params": [{"name": "first_name", "source": "diagnosis"}]}),
        json!({"event": "reminder_24h", "templateName": "x", "language": "en", "buttons": ["maybe"]}),
        json!({"event": "reminder_24h", "templateName": 5}),
    ] {
        assert!(
            serde_json::from_value::<MappingUpdate>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_choice_is_stored_audited_guessed_and_cleared() {
    let (f, admin) = synced().await;
    let desk = f.desk();
    let fd = f.user("frida", Role::FrontDesk);
    let u = update(
        "appointment_reminder_24h",
        " en ",
        reminder_params().into_iter().rev().collect(),
        vec![],
    );
    let e = desk.update_template_mapping(&fd, &u).unwrap_err();
    assert_eq!(code(e), "auth.forbidden");
    let mut events = desk.events().subscribe();
    // A pending template may be chosen ahead of approval; buttons guessed from their text;
    // bindings kept in the template's order.
    let out = desk.update_template_mapping(&admin, &u).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].params, reminder_params());
    assert_eq!(
        out[0].buttons,
        vec![
            ButtonAction::Confirm,
            ButtonAction::Reschedule,
            ButtonAction::Cancel
        ]
    );
    assert_eq!(out[0].language, "en");
    assert_eq!(
        events.try_recv().ok(),
        Some(intake_core::events::DeskEvent::TemplatesChanged)
    );
    assert_eq!(desk.template_mappings(&fd).unwrap(), out);

    // Positional: "1" and "2"; chosen explicitly for another event.
    let pos = MappingUpdate {
        event: TemplateEvent::AppointmentConfirmation,
        template_name: Some("recordatorio_cita".into()),
        language: "es".into(),
        params: vec![
            bind("2", ParamSource::Date),
            bind("1", ParamSource::FirstName),
        ],
        buttons: vec![],
    };
    let out = desk.update_template_mapping(&admin, &pos).unwrap();
    assert_eq!(
        out.iter().map(|m| m.event).collect::<Vec<_>>(),
        vec![
            TemplateEvent::AppointmentConfirmation,
            TemplateEvent::Reminder24h
        ]
    );

    let clear = MappingUpdate {
        event: TemplateEvent::Reminder24h,
        template_name: None,
        language: String::new(),
        params: vec![],
        buttons: vec![],
    };
    let out = desk.update_template_mapping(&admin, &clear).unwrap();
    assert_eq!(out.len(), 1);
    let details: Vec<Value> = desk
        .db()
        .conn()
        .prepare(
            "SELECT details FROM audit_log WHERE action = 'template.mapping_changed' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|d| serde_json::from_str(&d.unwrap()).unwrap())
        .collect();
    assert_eq!(
        details,
        vec![
            json!({"event": "reminder_24h", "template": "appointment_reminder_24h", "language": "en"}),
            json!({"event": "appointment_confirmation", "template": "recordatorio_cita", "language": "es"}),
            json!({"event": "reminder_24h", "cleared": true}),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_template_with_parts_we_cannot_fill_is_listed_with_why_and_cannot_be_chosen() {
    let f = clinic();
    let admin = f.admin();
    let mut list = account_templates();
    list.push(
        json!({"id": "2001", "name": "promo_photo", "language": "en", "status": "APPROVED",
        "category": "UTILITY", "parameter_format": "NAMED", "components": [
            {"type": "HEADER", "format": "IMAGE"},
            {"type": "BODY", "text": "Hi {{first_name}}, see you soon."}]}),
    );
    list.push(
        json!({"id": "2002", "name": "visit_link", "language": "en", "status": "APPROVED",
        "category": "UTILITY", "parameter_format": "NAMED", "components": [
            {"type": "BODY", "text": "Hi {{first_name}}, your visit details are online."},
            {"type": "BUTTONS", "buttons": [
                {"type": "URL", "text": "Open", "url": "https://clinic.example/v/{{1}}"}]}]}),
    );
    let (_fake, url) = fake_with(list, 0).await;
    let lib = sync_templates(&f.desk(), &admin, &graph(&url, GOOD_TOKEN), WABA_ID)
        .await
        .unwrap();
    let why = |name: &str| {
        lib.templates
            .iter()
            .find(|t| t.name == name)
            .unwrap()
            .unsupported
            .clone()
    };
    assert!(why("promo_photo").unwrap().contains("picture"));
    assert!(why("visit_link").unwrap().contains("link button"));
    assert_eq!(why("appointment_reminder_24h"), None);
    for name in ["promo_photo", "visit_link"] {
        let err = f
            .desk()
            .update_template_mapping(
                &admin,
                &update(
                    name,
                    "en",
                    vec![bind("first_name", ParamSource::FirstName)],
                    vec![],
                ),
            )
            .unwrap_err();
        assert_eq!(code(err), "invalid.template_unsupported");
    }
    assert!(f.desk().template_mappings(&admin).unwrap().is_empty());
}
