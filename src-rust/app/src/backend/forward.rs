//! Desk events to the window (`desk-event`) and to the OS notification area.
use std::sync::Arc;

use intake_core::events::DeskEvent;
use intake_core::Desk;
use tauri::{AppHandle, Emitter, Runtime};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;

pub const EVENT: &str = "desk-event";

pub async fn events<R: Runtime>(app: AppHandle<R>, desk: Arc<Desk>) {
    let mut rx = desk.events().subscribe();
    loop {
        let event = match rx.recv().await {
            Ok(ev) => ev,
            // Dropped some: one event that every screen refetches on stands in for them all.
            Err(RecvError::Lagged(_)) => DeskEvent::Missed,
            Err(RecvError::Closed) => return,
        };
        if let Err(e) = app.emit(EVENT, &event) {
            tracing::debug!(detail = %e, "could not send an event to the window");
        }
        if let Some(body) = notification_text(&event, names_allowed(&desk)) {
            let shown = app
                .notification()
                .builder()
                .title("Intake Desk")
                .body(body)
                .show();
            if let Err(e) = shown {
                tracing::debug!(detail = %e, "no notification service");
            }
        }
    }
}

/// Each tunnel state change (online, dropped, reconnecting) as a `connection_changed` event, so
/// the health panel follows it without polling.
pub async fn tunnel<R: Runtime>(
    app: AppHandle<R>,
    mut rx: tokio::sync::watch::Receiver<intake_core::tunnel::TunnelState>,
) {
    while rx.changed().await.is_ok() {
        let _ = app.emit(EVENT, &DeskEvent::ConnectionChanged);
    }
}

pub fn status_changed<R: Runtime>(app: &AppHandle<R>) {
    let _ = app.emit(EVENT, &DeskEvent::BotStatusChanged);
}

fn names_allowed(desk: &Desk) -> bool {
    desk.settings_for_backend()
        .map(|s| s.notify_with_first_name)
        .unwrap_or(false)
}

/// What the notification says: never more than a first name, and only when the clinic allows.
pub fn notification_text(event: &DeskEvent, with_name: bool) -> Option<String> {
    let name = |n: &Option<String>| n.as_deref().filter(|_| with_name).map(str::to_owned);
    match event {
        DeskEvent::IntakeSubmitted { first_name, .. } => Some(match name(first_name) {
            Some(n) => format!("New intake from {n}, ready for review."),
            None => "A new intake is ready for review.".into(),
        }),
        DeskEvent::StaffRequested { first_name, .. } => Some(match name(first_name) {
            Some(n) => format!("{n} asked to talk to staff on WhatsApp."),
            None => "A patient asked to talk to staff on WhatsApp.".into(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_carry_a_first_name_only_when_allowed() {
        let ev = DeskEvent::IntakeSubmitted {
            intake_id: 7,
            first_name: Some("María".into()),
        };
        assert_eq!(
            notification_text(&ev, true).as_deref(),
            Some("New intake from María, ready for review.")
        );
        let plain = notification_text(&ev, false).unwrap_or_default();
        assert!(!plain.contains("María"), "{plain}");
        let staff = DeskEvent::StaffRequested {
            conversation_id: 3,
            first_name: Some("Ana".into()),
        };
        assert!(notification_text(&staff, false)
            .is_some_and(|t| !t.contains("Ana") && t.contains("staff")));
        assert_eq!(notification_text(&DeskEvent::DeliveryChanged, true), None);
    }
}
