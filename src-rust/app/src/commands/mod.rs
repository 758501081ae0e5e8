//! IPC commands, one module per domain. Each is: session → core call → `IpcError`. Core does
//! the permission check; argon2 and SQLCipher work runs off the async runtime.
mod account;
mod admin;
mod appointments;
mod bot;
mod connection;
mod export;
mod inbox;
mod intakes;
mod session;
mod startup;
mod templates;
mod trybot;

use std::sync::Arc;

use intake_core::form::Form;
use intake_core::Desk;

pub use export::Exports;

use crate::{IpcError, Shell};

pub type Shared<'a> = tauri::State<'a, Arc<Shell>>;
pub type Reply<T> = Result<T, IpcError>;

/// Runs a core call on the blocking pool (password hashing, database work).
async fn blocking<T, F>(shell: &Arc<Shell>, f: F) -> Reply<T>
where
    T: Send + 'static,
    F: FnOnce(&Shell) -> intake_core::Result<T> + Send + 'static,
{
    let shell = shell.clone();
    match tauri::async_runtime::spawn_blocking(move || f(&shell)).await {
        Ok(result) => result.map_err(IpcError::from),
        Err(e) => {
            tracing::error!(error = %e, "command task failed");
            Err(IpcError::internal())
        }
    }
}

/// The common case: the open desk and the window's session.
async fn with_desk<T, F>(shell: &Arc<Shell>, f: F) -> Reply<T>
where
    T: Send + 'static,
    F: FnOnce(&Desk, &str) -> intake_core::Result<T> + Send + 'static,
{
    blocking(shell, move |s| {
        let desk = s.launcher.desk()?;
        let session = s.session()?;
        f(&desk, &session)
    })
    .await
}

/// Like `with_desk`, for calls that read answers against the intake form.
async fn with_form<T, F>(shell: &Arc<Shell>, f: F) -> Reply<T>
where
    T: Send + 'static,
    F: FnOnce(&Desk, &Form, &str) -> intake_core::Result<T> + Send + 'static,
{
    blocking(shell, move |s| {
        let desk = s.launcher.desk()?;
        let session = s.session()?;
        f(&desk, &s.form, &session)
    })
    .await
}

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        startup::startup_status,
        startup::startup_retry,
        startup::setup_begin,
        startup::setup_finish,
        startup::recover_with_key,
        startup::restore_backup,
        session::login,
        session::session_info,
        session::session_touch,
        session::session_lock,
        session::session_unlock,
        session::logout,
        account::change_password,
        account::totp_begin,
        account::totp_confirm,
        account::totp_disable,
        admin::users_list,
        admin::users_create,
        admin::users_reset_password,
        admin::users_set_active,
        admin::users_set_role,
        admin::users_unlock,
        admin::users_reset_totp,
        admin::settings_get,
        admin::settings_update,
        admin::audit_list,
        admin::audit_verify,
        admin::backup_create,
        admin::whatsapp_get,
        admin::whatsapp_update,
        admin::whatsapp_renew_verify_token,
        bot::bot_status,
        intakes::dashboard_get,
        intakes::intakes_list,
        intakes::intake_get,
        intakes::intake_review,
        intakes::intake_media,
        inbox::inbox_list,
        inbox::conversation_get,
        inbox::conversation_take_over,
        inbox::conversation_reply,
        inbox::conversation_give_back,
        trybot::trybot_start,
        trybot::trybot_send,
        trybot::trybot_reset,
        export::export_options,
        export::export_start,
        export::export_cancel,
        export::export_open,
        export::export_reveal,
        connection::connection_health,
        connection::tunnel_get,
        connection::tunnel_update,
        connection::setup_check,
        connection::setup_subscribe,
        connection::setup_test_send,
        connection::setup_test_status,
        appointments::appointments_list,
        appointments::appointments_clinicians,
        appointments::appointment_create,
        appointments::appointment_reschedule,
        appointments::appointment_cancel,
        appointments::appointment_update_details,
        appointments::appointment_messages,
        appointments::reminder_settings_get,
        appointments::reminder_settings_update,
        templates::templates_library,
        templates::templates_sync,
        templates::templates_submit,
        templates::template_mappings,
        templates::template_mapping_update,
        templates::message_preview,
    ]
}

#[cfg(test)]
mod tests;
