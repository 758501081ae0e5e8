use intake_core::trybot::{TryInput, TryState};

use super::{blocking, Reply, Shared};

#[tauri::command]
pub async fn trybot_start(shell: Shared<'_>) -> Reply<TryState> {
    blocking(&shell, |s| {
        let desk = s.launcher.desk()?;
        let session = s.session()?;
        s.trybot(&desk)?.start(&desk, &session)
    })
    .await
}

#[tauri::command]
pub async fn trybot_send(shell: Shared<'_>, input: TryInput) -> Reply<TryState> {
    blocking(&shell, move |s| {
        let desk = s.launcher.desk()?;
        let session = s.session()?;
        s.trybot(&desk)?.send(&desk, &session, input)
    })
    .await
}

#[tauri::command]
pub async fn trybot_reset(shell: Shared<'_>) -> Reply<TryState> {
    blocking(&shell, |s| {
        let desk = s.launcher.desk()?;
        let session = s.session()?;
        s.trybot(&desk)?.reset(&desk, &session)
    })
    .await
}
