//! Live updates for the desktop window: the backend publishes after each commit, the shell
//! forwards them as Tauri events, screens refetch what changed. Ids only (and a first name for
//! notifications), so nothing clinical rides on an event.
use serde::Serialize;
use tokio::sync::broadcast;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(
    rename_all = "snake_case",
    tag = "kind",
    rename_all_fields = "camelCase"
)]
pub enum DeskEvent {
    /// Messages from patients were stored.
    InboundMessages { count: u32 },
    /// The bot finished an intake.
    IntakeSubmitted {
        #[ts(type = "number")]
        intake_id: i64,
        /// For the notification, when the clinic allows names in notifications.
        first_name: Option<String>,
    },
    /// Status or notes changed.
    IntakeUpdated {
        #[ts(type = "number")]
        intake_id: i64,
    },
    /// A patient tapped "Talk to staff".
    StaffRequested {
        #[ts(type = "number")]
        conversation_id: i64,
        first_name: Option<String>,
    },
    /// Anything the inbox shows changed for this conversation: a message in or out, a delivery
    /// tick, a take-over or hand-back.
    ConversationChanged {
        #[ts(type = "number")]
        conversation_id: i64,
    },
    /// Delivery states moved (ticks).
    DeliveryChanged,
    /// The webhook server or sender changed state.
    BotStatusChanged,
    /// The connection's health moved: Meta verified the webhook (or was refused), a webhook
    /// arrived with a bad signature. Screens refetch; nothing restarts.
    ConnectionChanged,
    /// An appointment was booked, moved or cancelled: the appointment lists refetch.
    AppointmentsChanged {
        #[ts(type = "number")]
        appointment_id: i64,
    },
    /// The template library or the event → template mapping changed (a sync, a status webhook,
    /// an admin's choice).
    TemplatesChanged,
    /// The window fell behind and some events were dropped: every screen refetches.
    Missed,
}

/// A broadcast channel; slow or absent listeners never hold the bot back.
#[derive(Debug, Clone)]
pub struct Events {
    tx: broadcast::Sender<DeskEvent>,
}

impl Default for Events {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(256).0,
        }
    }
}

impl Events {
    pub fn subscribe(&self) -> broadcast::Receiver<DeskEvent> {
        self.tx.subscribe()
    }

    /// Nobody listening (the headless server) is fine.
    pub fn publish(&self, event: DeskEvent) {
        let _ = self.tx.send(event);
    }
}

/// The first word of a full name, for notifications that may carry a first name only.
pub fn first_name(full_name: &str) -> Option<String> {
    full_name
        .split_whitespace()
        .next()
        .map(|w| w.chars().take(40).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_name_is_the_first_word_only() {
        assert_eq!(first_name("  María José Pérez "), Some("María".into()));
        assert_eq!(first_name(""), None);
        assert_eq!(first_name("   "), None);
    }

    #[test]
    fn publishing_without_listeners_is_fine_and_listeners_get_events() {
        let events = Events::default();
        events.publish(DeskEvent::DeliveryChanged);
        let mut rx = events.subscribe();
        events.publish(DeskEvent::InboundMessages { count: 2 });
        assert_eq!(
            rx.try_recv().ok(),
            Some(DeskEvent::InboundMessages { count: 2 })
        );
    }
}
