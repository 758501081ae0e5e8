//! Counters the dashboard shows next to the bot's state. Read without a session: the shell
//! asks on behalf of whoever is signed in, and none of it is patient data.
use rusqlite::OptionalExtension;

use crate::store::StoreError;
use crate::Desk;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BotCounters {
    /// Replies still to send (not read receipts).
    pub outbox_waiting: u32,
    /// When the last webhook request was stored (unix ms).
    pub last_webhook_at: Option<i64>,
}

pub fn bot_counters(desk: &Desk) -> Result<BotCounters, StoreError> {
    let conn = desk.db().conn();
    let waiting: i64 = conn.query_row(
        "SELECT count(*) FROM outbox WHERE state = 'pending' AND kind = 'message'",
        [],
        |r| r.get(0),
    )?;
    let last: Option<i64> = conn
        .query_row("SELECT max(received_at) FROM webhook_payloads", [], |r| {
            r.get(0)
        })
        .optional()?
        .flatten();
    Ok(BotCounters {
        outbox_waiting: u32::try_from(waiting).unwrap_or(u32::MAX),
        last_webhook_at: last,
    })
}

/// The last send that stopped with an error, for the connection health panel.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct SendError {
    /// Meta's error code (0: refused before sending).
    #[ts(type = "number")]
    pub code: i64,
    /// Plain language, as the inbox shows it.
    pub reason: String,
    #[ts(type = "number | null")]
    pub at: Option<i64>,
}

/// How sending is going, for the connection health panel.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct SendHealth {
    pub last_error: Option<SendError>,
    /// Meta refused the access token (error 190) after the last message that went out: every
    /// reply fails until an admin saves a new token.
    pub token_problem: bool,
    /// Patients' messages stored but not answered yet: after downtime, the backlog being
    /// replayed.
    pub backlog: u32,
}

pub fn send_health(desk: &Desk) -> Result<SendHealth, StoreError> {
    let conn = desk.db().conn();
    let last_error = conn
        .query_row(
            "SELECT error_code, error_reason, stopped_at FROM outbox
             WHERE state IN ('failed', 'needs_staff') AND kind = 'message'
             ORDER BY coalesce(stopped_at, 0) DESC, id DESC LIMIT 1",
            [],
            |r| {
                Ok(SendError {
                    code: r.get::<_, Option<i64>>(0)?.unwrap_or(0),
                    reason: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    at: r.get(2)?,
                })
            },
        )
        .optional()?;
    let token_problem: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE error_code = 190 AND state = 'failed'
             AND id > coalesce((SELECT max(id) FROM outbox WHERE state = 'sent'), 0))",
        [],
        |r| r.get(0),
    )?;
    let backlog: i64 = conn.query_row(
        "SELECT count(*) FROM inbound_messages WHERE processed_at IS NULL",
        [],
        |r| r.get(0),
    )?;
    Ok(SendHealth {
        last_error,
        token_problem,
        backlog: u32::try_from(backlog).unwrap_or(u32::MAX),
    })
}
