//! The clinic's WhatsApp templates (issue 7): the library as last synced, refreshing it from
//! Meta and submitting ready-made texts (admin, with the saved token), the event → template
//! mapping, and a preview of any event's message filled with a real appointment.
use intake_core::templates::{
    self, MappingUpdate, MessagePreview, TemplateEvent, TemplateLibrary, TemplateMapping,
};

use super::connection::admin_graph;
use super::{with_desk, Reply, Shared};
use crate::IpcError;

#[tauri::command]
pub async fn templates_library(shell: Shared<'_>) -> Reply<TemplateLibrary> {
    with_desk(&shell, move |desk, session| desk.template_library(session)).await
}

/// Fetches every template from Meta and stores it (admin).
#[tauri::command]
pub async fn templates_sync(shell: Shared<'_>) -> Reply<TemplateLibrary> {
    let (graph, waba) = admin_graph(&shell, NO_TOKEN).await?;
    let (desk, session) = desk_and_session(&shell)?;
    templates::sync_templates(&desk, &session, &graph, &waba)
        .await
        .map_err(IpcError::from)
}

/// Submits one ready-made text for Meta's approval (admin).
#[tauri::command]
pub async fn templates_submit(
    shell: Shared<'_>,
    event: TemplateEvent,
    language: String,
) -> Reply<TemplateLibrary> {
    let (graph, waba) = admin_graph(&shell, NO_TOKEN).await?;
    let (desk, session) = desk_and_session(&shell)?;
    templates::submit_ready_made(&desk, &session, &graph, &waba, event, &language)
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
pub async fn template_mappings(shell: Shared<'_>) -> Reply<Vec<TemplateMapping>> {
    with_desk(&shell, move |desk, session| desk.template_mappings(session)).await
}

#[tauri::command]
pub async fn template_mapping_update(
    shell: Shared<'_>,
    update: MappingUpdate,
) -> Reply<Vec<TemplateMapping>> {
    with_desk(&shell, move |desk, session| {
        desk.update_template_mapping(session, &update)
    })
    .await
}

/// The event's message as it would go out now; nothing is sent.
#[tauri::command]
pub async fn message_preview(
    shell: Shared<'_>,
    event: TemplateEvent,
    appointment_id: Option<i64>,
) -> Reply<MessagePreview> {
    with_desk(&shell, move |desk, session| {
        desk.preview_message(session, event, appointment_id)
    })
    .await
}

/// A missing token points at where the token is saved, not at the Connect page's step.
const NO_TOKEN: &str =
    "Save the WhatsApp access token first (Connect WhatsApp, step 2), then try again.";

/// The open desk and this window's session, for core's async Graph calls. Opening the desk
/// is a lookup of the already-open records, so it does not need the blocking pool.
fn desk_and_session(shell: &Shared<'_>) -> Reply<(std::sync::Arc<intake_core::Desk>, String)> {
    let desk = shell.launcher.desk()?;
    let session = shell.session()?;
    Ok((desk, session))
}
