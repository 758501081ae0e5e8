use std::path::PathBuf;

use intake_core::{SetupRequest, StartupStatus};

use super::{blocking, Reply, Shared};

#[tauri::command]
pub async fn startup_status(shell: Shared<'_>) -> Reply<StartupStatus> {
    blocking(&shell, |s| Ok(s.launcher.status())).await
}

#[tauri::command]
pub async fn startup_retry(shell: Shared<'_>) -> Reply<StartupStatus> {
    let status = blocking(&shell, |s| Ok(s.launcher.retry())).await;
    shell.backend.kick();
    status
}

#[tauri::command]
pub async fn setup_begin(shell: Shared<'_>) -> Reply<String> {
    blocking(&shell, |s| s.launcher.begin_setup()).await
}

#[tauri::command]
pub async fn setup_finish(shell: Shared<'_>, request: SetupRequest) -> Reply<()> {
    blocking(&shell, move |s| s.launcher.finish_setup(&request)).await?;
    shell.backend.kick();
    Ok(())
}

#[tauri::command]
pub async fn recover_with_key(shell: Shared<'_>, recovery_key: String) -> Reply<()> {
    blocking(&shell, move |s| s.launcher.recover(&recovery_key)).await?;
    shell.backend.kick();
    Ok(())
}

#[tauri::command]
pub async fn restore_backup(shell: Shared<'_>, path: PathBuf, recovery_key: String) -> Reply<()> {
    blocking(&shell, move |s| {
        s.launcher.restore_backup(&path, &recovery_key)
    })
    .await?;
    shell.backend.kick();
    Ok(())
}
