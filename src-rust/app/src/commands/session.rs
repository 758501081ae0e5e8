use intake_core::SessionInfo;

use super::{blocking, with_desk, Reply, Shared};

/// Signing in replaces the window's previous session (e.g. another user at a locked screen).
#[tauri::command]
pub async fn login(
    shell: Shared<'_>,
    username: String,
    password: String,
    totp_code: Option<String>,
) -> Reply<SessionInfo> {
    blocking(&shell, move |s| {
        let desk = s.launcher.desk()?;
        let (session, info) = desk.login(&username, &password, totp_code.as_deref())?;
        if let Some(old) = s.replace_session(Some(session)) {
            desk.logout(&old)?;
        }
        Ok(info)
    })
    .await
}

#[tauri::command]
pub async fn session_info(shell: Shared<'_>) -> Reply<SessionInfo> {
    with_desk(&shell, |desk, session| desk.session_info(session)).await
}

#[tauri::command]
pub async fn session_touch(shell: Shared<'_>) -> Reply<()> {
    with_desk(&shell, |desk, session| desk.touch(session)).await
}

#[tauri::command]
pub async fn session_lock(shell: Shared<'_>) -> Reply<()> {
    with_desk(&shell, |desk, session| desk.lock(session)).await
}

#[tauri::command]
pub async fn session_unlock(shell: Shared<'_>, password: String) -> Reply<SessionInfo> {
    with_desk(&shell, move |desk, session| desk.unlock(session, &password)).await
}

#[tauri::command]
pub async fn logout(shell: Shared<'_>) -> Reply<()> {
    blocking(&shell, |s| {
        let desk = s.launcher.desk()?;
        match s.replace_session(None) {
            Some(old) => desk.logout(&old),
            None => Ok(()),
        }
    })
    .await
}
