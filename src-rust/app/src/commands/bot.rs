use intake_core::auth::Permission;

use super::{blocking, Reply, Shared};
use crate::backend::BotStatus;

/// Anyone who can see the queue can see whether the bot is up (no patient data in it).
#[tauri::command]
pub async fn bot_status(shell: Shared<'_>) -> Reply<BotStatus> {
    blocking(&shell, |s| {
        let desk = s.launcher.desk()?;
        desk.authorize(&s.session()?, Permission::ViewQueue)?;
        Ok(s.backend.status(Some(&desk)))
    })
    .await
}
