//! What the dashboard shows of the in-process bot.
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum WebhookState {
    /// The records are not open yet (first run, recovery).
    Waiting,
    /// No app secret saved yet: WhatsApp cannot be connected.
    NotConfigured,
    Starting,
    Listening,
    /// Could not start; `problem` says why and what to do.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct BotStatus {
    pub webhook: WebhookState,
    /// Where the webhook server listens on this PC, e.g. http://127.0.0.1:8787/webhook.
    pub local_url: Option<String>,
    /// Plain-language trouble, with what to do.
    pub problem: Option<String>,
    /// False until an access token and phone number id are saved: patients' messages are
    /// stored, and answered once they are.
    pub replies_enabled: bool,
    /// Replies waiting in the outbox.
    pub outbox_waiting: u32,
    /// When the last webhook arrived (unix ms).
    #[ts(type = "number | null")]
    pub last_webhook_at: Option<i64>,
}
