use std::path::PathBuf;

use intake_core::audit::{AuditEntry, AuditQuery, VerifyReport};
use intake_core::auth::staff::StaffSummary;
use intake_core::auth::Role;
use intake_core::desk::{BackupInfo, ClinicSettings, NewUser, WhatsAppSettings, WhatsAppUpdate};

use super::{with_desk, Reply, Shared};

#[tauri::command]
pub async fn users_list(shell: Shared<'_>) -> Reply<Vec<StaffSummary>> {
    with_desk(&shell, |desk, session| desk.list_users(session)).await
}

#[tauri::command]
pub async fn users_create(shell: Shared<'_>, user: NewUser) -> Reply<StaffSummary> {
    with_desk(&shell, move |desk, session| {
        desk.create_user(session, &user)
    })
    .await
}

#[tauri::command]
pub async fn users_reset_password(shell: Shared<'_>, user_id: i64, password: String) -> Reply<()> {
    with_desk(&shell, move |desk, session| {
        desk.reset_password(session, user_id, &password)
    })
    .await
}

#[tauri::command]
pub async fn users_set_active(shell: Shared<'_>, user_id: i64, active: bool) -> Reply<()> {
    with_desk(&shell, move |desk, session| {
        desk.set_user_active(session, user_id, active)
    })
    .await
}

#[tauri::command]
pub async fn users_set_role(shell: Shared<'_>, user_id: i64, role: Role) -> Reply<()> {
    with_desk(&shell, move |desk, session| {
        desk.set_user_role(session, user_id, role)
    })
    .await
}

#[tauri::command]
pub async fn users_unlock(shell: Shared<'_>, user_id: i64) -> Reply<()> {
    with_desk(&shell, move |desk, session| {
        desk.unlock_user(session, user_id)
    })
    .await
}

#[tauri::command]
pub async fn users_reset_totp(shell: Shared<'_>, user_id: i64) -> Reply<()> {
    with_desk(&shell, move |desk, session| {
        desk.reset_user_totp(session, user_id)
    })
    .await
}

#[tauri::command]
pub async fn settings_get(shell: Shared<'_>) -> Reply<ClinicSettings> {
    with_desk(&shell, |desk, session| desk.settings(session)).await
}

#[tauri::command]
pub async fn settings_update(shell: Shared<'_>, settings: ClinicSettings) -> Reply<ClinicSettings> {
    with_desk(&shell, move |desk, session| {
        desk.update_settings(session, &settings)
    })
    .await
}

#[tauri::command]
pub async fn audit_list(shell: Shared<'_>, query: AuditQuery) -> Reply<Vec<AuditEntry>> {
    with_desk(&shell, move |desk, session| desk.audit_log(session, &query)).await
}

#[tauri::command]
pub async fn audit_verify(shell: Shared<'_>) -> Reply<VerifyReport> {
    with_desk(&shell, |desk, session| desk.verify_audit(session)).await
}

#[tauri::command]
pub async fn backup_create(shell: Shared<'_>, path: PathBuf) -> Reply<BackupInfo> {
    with_desk(&shell, move |desk, session| desk.backup(session, &path)).await
}

#[tauri::command]
pub async fn whatsapp_get(shell: Shared<'_>) -> Reply<WhatsAppSettings> {
    with_desk(&shell, |desk, session| desk.whatsapp_settings(session)).await
}

#[tauri::command]
pub async fn whatsapp_update(shell: Shared<'_>, update: WhatsAppUpdate) -> Reply<WhatsAppSettings> {
    with_desk(&shell, move |desk, session| {
        desk.update_whatsapp(session, &update)
    })
    .await
}

#[tauri::command]
pub async fn whatsapp_renew_verify_token(shell: Shared<'_>) -> Reply<WhatsAppSettings> {
    with_desk(&shell, |desk, session| desk.renew_verify_token(session)).await
}
