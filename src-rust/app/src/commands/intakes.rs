use intake_core::queue::{
    Dashboard, DashboardQuery, IntakeDetail, MediaData, QueuePage, QueueQuery, ReviewRequest,
};

use super::{with_desk, with_form, Reply, Shared};

#[tauri::command]
pub async fn dashboard_get(shell: Shared<'_>, query: DashboardQuery) -> Reply<Dashboard> {
    with_desk(&shell, move |desk, session| desk.dashboard(session, &query)).await
}

#[tauri::command]
pub async fn intakes_list(shell: Shared<'_>, query: QueueQuery) -> Reply<QueuePage> {
    with_desk(&shell, move |desk, session| {
        desk.intake_queue(session, &query)
    })
    .await
}

#[tauri::command]
pub async fn intake_get(shell: Shared<'_>, id: i64) -> Reply<IntakeDetail> {
    with_form(&shell, move |desk, form, session| {
        desk.intake_detail(session, form, id)
    })
    .await
}

#[tauri::command]
pub async fn intake_review(
    shell: Shared<'_>,
    id: i64,
    review: ReviewRequest,
) -> Reply<IntakeDetail> {
    with_form(&shell, move |desk, form, session| {
        desk.review_intake(session, form, id, &review)
    })
    .await
}

#[tauri::command]
pub async fn intake_media(shell: Shared<'_>, intake_id: i64, media_id: String) -> Reply<MediaData> {
    with_form(&shell, move |desk, form, session| {
        desk.intake_media(session, form, intake_id, &media_id)
    })
    .await
}
