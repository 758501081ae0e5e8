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
