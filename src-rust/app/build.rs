/// Every IPC command the window may call. Each must also be granted in
/// capabilities/default.json (`allow-<name>`): a command missing from either is unreachable.
const COMMANDS: &[&str] = &[
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
    "change_password",
    "totp_begin",
    "totp_confirm",
    "totp_disable",
    "users_list",
    "users_create",
    "users_reset_password",
    "users_set_active",
    "users_set_role",
    "users_unlock",
    "users_reset_totp",
    "settings_get",
    "settings_update",
    "audit_list",
    "audit_verify",
    "backup_create",
    "whatsapp_get",
    "whatsapp_update",
    "whatsapp_renew_verify_token",
    "bot_status",
    "dashboard_get",
    "intakes_list",
    "intake_get",
    "intake_review",
    "intake_media",
    "inbox_list",
    "conversation_get",
    "conversation_take_over",
    "conversation_reply",
    "conversation_give_back",
    "trybot_start",
    "trybot_send",
    "trybot_reset",
    "export_options",
    "export_start",
    "export_cancel",
    "export_open",
    "export_reveal",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-rust/app/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build script failed: {e:#}");
    }
}
