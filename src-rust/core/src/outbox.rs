//! The outbox table: what is waiting to be sent, in order per patient.
//!
//! A message row is claimed (committed) before its POST and settled with the outcome. Each send
//! carries `biz_opaque_callback_data` = [`callback`] and Meta echoes it in status webhooks, so a
//! row left claimed by a crash is matched to its wamid instead of being sent a second time.
use rusqlite::{params, Connection};
use serde_json::{json, Value};

use crate::store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Something the patient reads.
    Message,
    /// A read receipt for the patient's message: tried once, never retried.
    Read,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub id: i64,
    pub wa_to: String,
    pub payload: Value,
    pub attempts: u32,
    pub kind: Kind,
}

/// What a send carries as `biz_opaque_callback_data`.
pub fn callback(id: i64) -> String {
    format!("ob:{id}")
}

/// Call inside the transaction that produced the message.
pub fn enqueue(
    conn: &Connection,
    wa_to: &str,
    payload: &Value,
    now_ms: i64,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO outbox (wa_to, payload, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?3)",
    )?
    .execute(params![wa_to, payload.to_string(), now_ms])?;
    Ok(conn.last_insert_rowid())
}

/// A message written by a member of staff (`author`, their display name, shown in the
/// transcript); the bot's rows leave it NULL. Same queue and order as the bot's messages.
pub fn enqueue_by(
    conn: &Connection,
    wa_to: &str,
    payload: &Value,
    now_ms: i64,
    author: &str,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO outbox (wa_to, payload, created_at, next_attempt_at, author)
         VALUES (?1, ?2, ?3, ?3, ?4)",
    )?
    .execute(params![wa_to, payload.to_string(), now_ms, author])?;
    Ok(conn.last_insert_rowid())
}

/// A message the desk could not send (an appointment reminder outside the 24-hour window with
/// no approved template), stored as never sent and held for staff with `reason`, so the inbox
/// and the transcript show what the patient did not get and why.
pub fn hold_for_staff(
    conn: &Connection,
    wa_to: &str,
    payload: &Value,
    now_ms: i64,
    reason: &str,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO outbox (wa_to, payload, created_at, next_attempt_at, state, error_reason,
             stopped_at)
         VALUES (?1, ?2, ?3, ?3, 'needs_staff', ?4, ?3)",
    )?
    .execute(params![wa_to, payload.to_string(), now_ms, reason])?;
    Ok(conn.last_insert_rowid())
}

/// Queues the blue ticks for the patient's message `wamid`, ahead of the reply to it.
pub fn enqueue_read(
    conn: &Connection,
    wa_to: &str,
    wamid: &str,
    now_ms: i64,
) -> Result<i64, StoreError> {
    let payload = json!({ "status": "read", "message_id": wamid });
    conn.prepare_cached(
        "INSERT INTO outbox (wa_to, payload, created_at, next_attempt_at, kind)
         VALUES (?1, ?2, ?3, ?3, 'read')",
    )?
    .execute(params![wa_to, payload.to_string(), now_ms])?;
    Ok(conn.last_insert_rowid())
}

/// Messages that may go now: for each patient only the oldest pending one, so a patient's
/// messages leave in order even when an earlier one is waiting for a retry.
pub fn due(conn: &Connection, now_ms: i64, limit: usize) -> Result<Vec<Pending>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.wa_to, o.payload, o.attempts, o.kind FROM outbox o
         WHERE o.state = 'pending' AND o.next_attempt_at <= ?1 AND o.claimed_at IS NULL
           AND o.id = (SELECT min(p.id) FROM outbox p WHERE p.wa_to = o.wa_to AND p.state = 'pending')
         ORDER BY o.next_attempt_at, o.id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![now_ms, limit as i64], |r| {
        let payload: String = r.get(2)?;
        let kind: String = r.get(4)?;
        Ok(Pending {
            id: r.get(0)?,
            wa_to: r.get(1)?,
            payload: serde_json::from_str(&payload).unwrap_or(Value::Null),
            attempts: r.get(3)?,
            kind: if kind == "read" {
                Kind::Read
            } else {
                Kind::Message
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Marks rows as being sent now. Commit this before the POSTs.
pub fn claim(conn: &Connection, ids: &[i64], now_ms: i64) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached("UPDATE outbox SET claimed_at = ?2 WHERE id = ?1")?;
    for id in ids {
        stmt.execute(params![id, now_ms])?;
    }
    Ok(())
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    /// Claimed rows that Meta's status webhooks show were sent: recorded, not sent again.
    pub confirmed: usize,
    /// Claimed rows with no word from Meta after the grace period: released to be sent again.
    pub released: usize,
}

/// Settles rows left claimed by a send that never recorded its outcome (a crash, or a failed
/// write). Call before claiming new rows, from the only sender. A row with a status webhook
/// carrying its callback reached Meta; one with none after `grace_ms` almost surely did not,
/// and the patient waiting for a reply matters more than the small chance of a repeat.
pub fn settle_claims(conn: &Connection, now_ms: i64, grace_ms: i64) -> Result<Settled, StoreError> {
    let confirmed = conn.execute(
        "UPDATE outbox SET state = 'sent', claimed_at = NULL, sent_at = ?1,
             attempts = attempts + 1, error_code = NULL, error_reason = NULL,
             wamid = (SELECT e.wamid FROM message_status_events e
                      WHERE e.callback = 'ob:' || outbox.id LIMIT 1)
         WHERE claimed_at IS NOT NULL AND state = 'pending' AND EXISTS
             (SELECT 1 FROM message_status_events e WHERE e.callback = 'ob:' || outbox.id)",
        [now_ms],
    )?;
    let released = conn.execute(
        "UPDATE outbox SET claimed_at = NULL
         WHERE claimed_at IS NOT NULL AND state = 'pending' AND claimed_at <= ?1",
        [now_ms - grace_ms],
    )?;
    Ok(Settled {
        confirmed,
        released,
    })
}

/// The earliest time anything pending becomes due (for the sender's sleep).
pub fn next_due(conn: &Connection) -> Result<Option<i64>, StoreError> {
    Ok(conn.query_row(
        "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending' AND claimed_at IS NULL",
        [],
        |r| r.get(0),
    )?)
}

/// `wamid` is `None` for a read receipt (Graph answers those with `{"success": true}`).
pub fn mark_sent(
    conn: &Connection,
    id: i64,
    wamid: Option<&str>,
    now_ms: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET state = 'sent', wamid = ?2, sent_at = ?3, attempts = attempts + 1,
             error_code = NULL, error_reason = NULL, claimed_at = NULL
         WHERE id = ?1",
        params![id, wamid, now_ms],
    )?;
    Ok(())
}

pub fn mark_retry(
    conn: &Connection,
    id: i64,
    next_ms: i64,
    code: Option<i64>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, error_code = ?3,
             claimed_at = NULL
         WHERE id = ?1",
        params![id, next_ms, code],
    )?;
    Ok(())
}

/// Holds a row back without counting an attempt (per-patient pacing).
pub fn defer(conn: &Connection, id: i64, next_ms: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET next_attempt_at = ?2, claimed_at = NULL WHERE id = ?1",
        params![id, next_ms],
    )?;
    Ok(())
}

/// `state` is `failed` or `needs_staff`; `reason` is the plain-language text staff see.
pub fn mark_stopped(
    conn: &Connection,
    id: i64,
    state: &str,
    code: i64,
    reason: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET state = ?2, attempts = attempts + 1, error_code = ?3, error_reason = ?4,
             claimed_at = NULL, stopped_at = ?5
         WHERE id = ?1",
        params![id, state, code, reason, now_ms],
    )?;
    Ok(())
}

/// Stops every message still waiting for `wa_to` (the 24-hour window closed: sending the rest
/// would fail the same way). Returns how many were stopped.
pub fn stop_patient(
    conn: &Connection,
    wa_to: &str,
    state: &str,
    code: i64,
    reason: &str,
) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE outbox SET state = ?2, error_code = ?3, error_reason = ?4, claimed_at = NULL
         WHERE wa_to = ?1 AND state = 'pending' AND kind = 'message'",
        params![wa_to, state, code, reason],
    )?)
}
