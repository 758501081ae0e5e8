use intake_core::desk::TotpEnrollment;

use super::{with_desk, Reply, Shared};

#[tauri::command]
pub async fn change_password(shell: Shared<'_>, current: String, next: String) -> Reply<()> {
    with_desk(&shell, move |desk, session| {
        desk.change_own_password(session, &current, &next)
    })
    .await
}

#[tauri::command]
pub async fn totp_begin(shell: Shared<'_>) -> Reply<TotpEnrollment> {
    with_desk(&shell, |desk, session| desk.begin_totp(session)).await
}

#[tauri::command]
pub async fn totp_confirm(shell: Shared<'_>, code: String) -> Reply<()> {
    with_desk(&shell, move |desk, session| {
        desk.confirm_totp(session, &code)
    })
    .await
}

#[tauri::command]
pub async fn totp_disable(shell: Shared<'_>, password: String) -> Reply<()> {
    with_desk(&shell, move |desk, session| {
        desk.disable_own_totp(session, &password)
    })
    .await
}
