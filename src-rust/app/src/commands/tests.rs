//! The command layer on Tauri's mock runtime with the real handler, the real capability file
//! and a real (temporary) SQLCipher database: every command refuses a window with no session,
//! and every command refuses a role without its permission.
use std::collections::BTreeSet;
use std::sync::Arc;

use intake_core::auth::{allows, Permission, Role};
use intake_core::desk::NewUser;
use intake_core::keys::MemorySecretStore;
use intake_core::{Config, DataDir, Launcher, ManualClock, SetupRequest};
use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

use crate::Shell;

const PASSWORD: &str = "correct horse battery staple 42";

/// Commands that work before anyone signs in (start-up, sign-in, the session itself).
const OPEN: &[&str] = &[
    "startup_status",
    "startup_retry",
    "setup_begin",
    "setup_finish",
    "recover_with_key",
    "restore_backup",
    "login",
    "session_info",
    "session_touch",
    "session_lock",
    "session_unlock",
    "logout",
];

/// Every other command, the permission core checks first, and arguments that pass parsing.
fn guarded() -> Vec<(&'static str, Permission, Value)> {
    use Permission::*;
    let query = json!({"query": {}});
    vec![
        (
            "change_password",
            ManageOwnAccount,
            json!({"current": "x", "next": "y"}),
        ),
        ("totp_begin", ManageOwnAccount, json!({})),
        ("totp_confirm", ManageOwnAccount, json!({"code": "000000"})),
        ("totp_disable", ManageOwnAccount, json!({"password": "x"})),
        ("users_list", ManageUsers, json!({})),
        (
            "users_create",
            ManageUsers,
            json!({"user": {"username": "zed", "displayName": "Zed", "role": "doctor", "password": PASSWORD}}),
        ),
        (
            "users_reset_password",
            ManageUsers,
            json!({"userId": 2, "password": PASSWORD}),
        ),
        (
            "users_set_active",
            ManageUsers,
            json!({"userId": 2, "active": true}),
        ),
        (
            "users_set_role",
            ManageUsers,
            json!({"userId": 2, "role": "front_desk"}),
        ),
        ("users_unlock", ManageUsers, json!({"userId": 2})),
        ("users_reset_totp", ManageUsers, json!({"userId": 2})),
        ("settings_get", ManageSettings, json!({})),
        (
            "settings_update",
            ManageSettings,
            json!({"settings": {
            "clinicName": "X", "idleLockMinutes": 5, "languages": ["en"], "dateOrder": "dayFirst",
            "intakeTimeoutHours": 24, "backlogMinutes": 30, "notifyWithFirstName": false,
            "reopenTemplate": "", "reopenTemplateLanguage": "en"}}),
        ),
        ("whatsapp_get", ManageSettings, json!({})),
        (
            "whatsapp_update",
            ManageSettings,
            json!({"update": {"phoneNumberId": "", "businessAccountId": "", "appSecret": null, "accessToken": null}}),
        ),
        ("whatsapp_renew_verify_token", ManageSettings, json!({})),
        ("audit_list", ViewAudit, json!({"query": {}})),
        ("audit_verify", ViewAudit, json!({})),
        (
            "backup_create",
            ManageBackups,
            json!({"path": "/nonexistent/intake-desk-test.idbk"}),
        ),
        ("bot_status", ViewQueue, json!({})),
        ("dashboard_get", ViewQueue, query.clone()),
        ("intakes_list", ViewQueue, query),
        ("intake_get", ViewDemographics, json!({"id": 1})),
        (
            "intake_review",
            ReviewIntake,
            json!({"id": 1, "review": {"status": "reviewed", "note": null}}),
        ),
        (
            "intake_media",
            ViewDemographics,
            json!({"intakeId": 1, "mediaId": "m"}),
        ),
        ("inbox_list", HandleConversations, json!({})),
        (
            "conversation_get",
            HandleConversations,
            json!({"conversationId": 1}),
        ),
        (
            "conversation_take_over",
            HandleConversations,
            json!({"conversationId": 1}),
        ),
        (
            "conversation_reply",
            HandleConversations,
            json!({"reply": {"conversationId": 1, "text": "Hello"}}),
        ),
        (
            "conversation_give_back",
            HandleConversations,
            json!({"conversationId": 1}),
        ),
        ("trybot_start", ViewQueue, json!({})),
        (
            "trybot_send",
            ViewQueue,
            json!({"input": {"type": "text", "text": "hi"}}),
        ),
        ("trybot_reset", ViewQueue, json!({})),
        ("export_options", ViewQueue, json!({})),
        (
            "export_start",
            ExportDemographics,
            json!({"request": {"format": "csv", "query": {}}}),
        ),
        ("export_cancel", ExportDemographics, json!({"jobId": 1})),
        ("export_open", ExportDemographics, json!({"jobId": 999})),
        ("export_reveal", ExportDemographics, json!({"jobId": 999})),
        ("connection_health", ViewQueue, json!({})),
        ("tunnel_get", ManageSettings, json!({})),
        (
            "tunnel_update",
            ManageSettings,
            json!({"update": {"config": {"mode": "off"}, "authtoken": null}}),
        ),
        ("setup_check", ManageSettings, json!({})),
        ("setup_subscribe", ManageSettings, json!({})),
        (
            "setup_test_send",
            ManageSettings,
            json!({"to": "+34600111222"}),
        ),
        (
            "setup_test_status",
            ManageSettings,
            json!({"wamid": "wamid.X"}),
        ),
        (
            "appointments_list",
            ViewQueue,
            json!({"query": {"fromMs": 0, "toMs": 86_400_000}}),
        ),
        ("appointments_clinicians", ViewQueue, json!({})),
        (
            "appointment_create",
            ManageAppointments,
            json!({"new": {"patient": {"kind": "number", "phone": "+34600111222", "name": "Ana"},
                "clinicianId": 3, "startsAt": 4_102_444_800_000_i64, "durationMin": 30}}),
        ),
        (
            "appointment_reschedule",
            ManageAppointments,
            json!({"id": 1, "reschedule": {"startsAt": 4_102_444_800_000_i64, "durationMin": 30, "clinicianId": 3}}),
        ),
        (
            "appointment_cancel",
            ManageAppointments,
            json!({"id": 1, "cancel": {"reason": ""}}),
        ),
        (
            "appointment_update_details",
            ManageAppointments,
            json!({"id": 1, "details": {"location": "Room 2"}}),
        ),
        ("appointment_messages", ViewQueue, json!({"id": 1})),
        ("reminder_settings_get", ViewQueue, json!({})),
        (
            "reminder_settings_update",
            ManageSettings,
            json!({"settings": {"confirmation": true, "reminder24h": true, "reminder1h": true,
                "reminder15m": false, "cancellation": true, "reschedule": true}}),
        ),
        ("templates_library", ViewQueue, json!({})),
        ("templates_sync", ManageSettings, json!({})),
        (
            "templates_submit",
            ManageSettings,
            json!({"event": "reminder_24h", "language": "en"}),
        ),
        ("template_mappings", ViewQueue, json!({})),
        (
            "template_mapping_update",
            ManageSettings,
            json!({"update": {"event": "reminder_24h", "templateName": null}}),
        ),
        (
            "message_preview",
            ViewQueue,
            json!({"event": "reminder_24h", "appointmentId": null}),
        ),
    ]
}

fn invoke(
    window: &WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: window.url().unwrap(),
        body: tauri::ipc::InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

fn code(result: Result<Value, Value>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => e["code"].as_str().unwrap_or("<no code>").to_owned(),
    }
}

struct Rig {
    _dir: tempfile::TempDir,
    window: WebviewWindow<tauri::test::MockRuntime>,
    _app: tauri::App<tauri::test::MockRuntime>,
}

fn rig() -> Rig {
    let dir = tempfile::tempdir().unwrap();
    // Stands in for the save dialog (debug builds), which the mock runtime has no window for.
    static EXPORTS: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let exports = EXPORTS.get_or_init(|| tempfile::tempdir().unwrap());
    std::env::set_var("INTAKE_DESK_TEST_EXPORT_DIR", exports.path());
    let launcher = Launcher::new(
        Config::fast_for_tests(DataDir::new(dir.path())),
        Arc::new(MemorySecretStore::new()),
        Arc::new(ManualClock::at_test_epoch()),
    );
    let key = launcher.begin_setup().unwrap();
    launcher
        .finish_setup(&SetupRequest {
            clinic_name: "Test clinic".into(),
            username: "admin".into(),
            display_name: "Admin".into(),
            password: PASSWORD.into(),
            recovery_confirmation: key.rsplit('-').next().unwrap().into(),
        })
        .unwrap();
    let desk = launcher.desk().unwrap();
    for (username, role) in [("desk", Role::FrontDesk), ("doc", Role::Doctor)] {
        desk.create_user_as_operator(&NewUser {
            username: username.into(),
            display_name: username.into(),
            role,
            password: PASSWORD.into(),
        })
        .unwrap();
    }
    let app = mock_builder()
        .manage(Arc::new(Shell::with_launcher(launcher)))
        .invoke_handler(super::handler())
        .build(tauri::generate_context!())
        .unwrap();
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Rig {
        _dir: dir,
        window,
        _app: app,
    }
}

#[test]
fn every_command_is_either_open_or_guarded_and_granted_to_the_window() {
    let capability: Value =
        serde_json::from_str(include_str!("../../capabilities/default.json")).unwrap();
    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            p.as_str()?
                .strip_prefix("allow-")
                .map(|c| c.replace('-', "_"))
        })
        .collect();
    let known: BTreeSet<String> = OPEN
        .iter()
        .map(|c| (*c).to_owned())
        .chain(guarded().into_iter().map(|(c, _, _)| c.to_owned()))
        .collect();
    assert_eq!(
        granted, known,
        "capabilities/default.json and this test list the same commands"
    );
}

#[test]
fn without_a_session_every_guarded_command_is_refused() {
    let rig = rig();
    for (cmd, _, args) in guarded() {
        assert_eq!(
            code(invoke(&rig.window, cmd, args)),
            "auth.not_signed_in",
            "{cmd}"
        );
    }
}

#[test]
fn each_role_is_refused_exactly_the_commands_its_permissions_leave_out() {
    let rig = rig();
    for (username, role) in [
        ("desk", Role::FrontDesk),
        ("doc", Role::Doctor),
        ("admin", Role::Admin),
    ] {
        let login = invoke(
            &rig.window,
            "login",
            json!({"username": username, "password": PASSWORD, "totpCode": null}),
        );
        assert!(login.is_ok(), "{username}: {login:?}");
        for (cmd, permission, args) in guarded() {
            let got = code(invoke(&rig.window, cmd, args));
            if allows(role, permission) {
                assert_ne!(got, "auth.forbidden", "{username} may {cmd}");
                assert_ne!(got, "auth.not_signed_in", "{username} {cmd}");
            } else {
                assert_eq!(got, "auth.forbidden", "{username} must not {cmd}");
            }
        }
        assert_eq!(code(invoke(&rig.window, "logout", json!({}))), "ok");
    }
}

/// The appointment and template commands carry their arguments and answers through to the
/// real core and back, in the shapes `ui/src/ipc.ts` sends and the bindings describe.
#[test]
fn appointment_commands_round_trip_through_core() {
    let rig = rig();
    let ok = |cmd: &str, args: Value| -> Value {
        invoke(&rig.window, cmd, args.clone()).unwrap_or_else(|e| panic!("{cmd} {args}: {e}"))
    };
    ok(
        "login",
        json!({"username": "desk", "password": PASSWORD, "totpCode": null}),
    );
    let doctors = ok("appointments_clinicians", json!({}));
    assert_eq!(doctors[0]["displayName"], "doc");
    let doctor = doctors[0]["id"].clone();
    // Two days after the rig's clock (ManualClock::at_test_epoch, 5 January 2026 09:00 UTC).
    let starts = 1_767_603_600_000_i64 + 2 * 86_400_000;
    let created = ok(
        "appointment_create",
        json!({"new": {"patient": {"kind": "number", "phone": "+34 600 111 222", "name": "Ana"},
            "clinicianId": doctor, "startsAt": starts, "durationMin": 30,
            "location": "Room 2", "telehealthUrl": "", "notes": ""}}),
    );
    let id = created["id"].clone();
    assert_eq!(created["status"], "booked");
    assert_eq!(created["patientPhone"], "+34600111222");
    let day = json!({"query": {"fromMs": starts - 3_600_000, "toMs": starts + 3_600_000,
        "clinicianId": null, "includeCancelled": true}});
    assert_eq!(ok("appointments_list", day.clone())[0]["id"], id);
    let planned = ok("appointment_messages", json!({"id": id}));
    assert!(
        planned
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "reminder_24h"),
        "{planned}"
    );
    let moved = ok(
        "appointment_reschedule",
        json!({"id": id, "reschedule": {"startsAt": starts + 1_800_000, "durationMin": 45,
            "clinicianId": doctor}}),
    );
    assert_eq!(moved["durationMin"], 45);
    let placed = ok(
        "appointment_update_details",
        json!({"id": id, "details": {"location": "Room 5", "telehealthUrl": "", "notes": "x"}}),
    );
    assert_eq!(placed["location"], "Room 5");
    let cancelled = ok(
        "appointment_cancel",
        json!({"id": id, "cancel": {"reason": "Ill"}}),
    );
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancelReason"], "Ill");
    assert_eq!(
        code(invoke(
            &rig.window,
            "appointment_cancel",
            json!({"id": id, "cancel": {}})
        )),
        "invalid.appointment_cancelled"
    );
    ok("logout", json!({}));

    ok(
        "login",
        json!({"username": "admin", "password": PASSWORD, "totpCode": null}),
    );
    let library = ok("templates_library", json!({}));
    assert!(library["syncedAt"].is_null());
    assert!(!library["readyMade"].as_array().unwrap().is_empty());
    assert!(ok("template_mappings", json!({})).is_array());
    let preview = ok(
        "message_preview",
        json!({"event": "reminder_24h", "appointmentId": id}),
    );
    assert_eq!(preview["event"], "reminder_24h");
    assert!(!preview["text"].as_str().unwrap().is_empty());
    let sample = ok(
        "message_preview",
        json!({"event": "appointment_confirmation", "appointmentId": null}),
    );
    assert!(!sample["text"].as_str().unwrap().is_empty());
    let mut settings = ok("reminder_settings_get", json!({}));
    settings["reminder15m"] = json!(true);
    let saved = ok(
        "reminder_settings_update",
        json!({"settings": settings.clone()}),
    );
    assert_eq!(saved, settings);
    // No token saved: the templates page is told where to save one, Meta is never called.
    assert_eq!(
        code(invoke(&rig.window, "templates_sync", json!({}))),
        "setup.token_missing"
    );
}
