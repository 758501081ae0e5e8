use intake_core::inbox::{ConversationView, InboxItem, StaffReply};

use super::{with_desk, with_form, Reply, Shared};

#[tauri::command]
pub async fn inbox_list(shell: Shared<'_>) -> Reply<Vec<InboxItem>> {
    with_desk(&shell, |desk, session| desk.inbox(session)).await
}

#[tauri::command]
pub async fn conversation_get(shell: Shared<'_>, conversation_id: i64) -> Reply<ConversationView> {
    with_desk(&shell, move |desk, session| {
        desk.conversation(session, conversation_id)
    })
    .await
}

#[tauri::command]
pub async fn conversation_take_over(
    shell: Shared<'_>,
    conversation_id: i64,
) -> Reply<ConversationView> {
    with_desk(&shell, move |desk, session| {
        desk.take_over(session, conversation_id)
    })
    .await
}

#[tauri::command]
pub async fn conversation_reply(shell: Shared<'_>, reply: StaffReply) -> Reply<ConversationView> {
    with_desk(&shell, move |desk, session| {
        desk.staff_reply(session, &reply)
    })
    .await
}

#[tauri::command]
pub async fn conversation_give_back(
    shell: Shared<'_>,
    conversation_id: i64,
) -> Reply<ConversationView> {
    with_form(&shell, move |desk, form, session| {
        let settings = desk.engine_settings()?;
        desk.give_back(session, form, &settings, conversation_id)
    })
    .await
}
