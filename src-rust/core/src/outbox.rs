//! The outbox table: what is waiting to be sent, in order per patient.
use rusqlite::{params, Connection};
use serde_json::Value;

use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub id: i64,
    pub wa_to: String,
    pub payload: Value,
    pub attempts: u32,
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

/// Messages that may go now: for each patient only the oldest pending one, so a patient's
/// messages leave in order even when an earlier one is waiting for a retry.
pub fn due(conn: &Connection, now_ms: i64, limit: usize) -> Result<Vec<Pending>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.wa_to, o.payload, o.attempts FROM outbox o
         WHERE o.state = 'pending' AND o.next_attempt_at <= ?1
           AND o.id = (SELECT min(p.id) FROM outbox p WHERE p.wa_to = o.wa_to AND p.state = 'pending')
         ORDER BY o.next_attempt_at, o.id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![now_ms, limit as i64], |r| {
        let payload: String = r.get(2)?;
        Ok(Pending {
            id: r.get(0)?,
            wa_to: r.get(1)?,
            payload: serde_json::from_str(&payload).unwrap_or(Value::Null),
            attempts: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The earliest time anything pending becomes due (for the sender's sleep).
pub fn next_due(conn: &Connection) -> Result<Option<i64>, StoreError> {
    Ok(conn.query_row(
        "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'",
        [],
        |r| r.get(0),
    )?)
}

pub fn mark_sent(conn: &Connection, id: i64, wamid: &str, now_ms: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET state = 'sent', wamid = ?2, sent_at = ?3, attempts = attempts + 1,
             error_code = NULL, error_reason = NULL
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
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, error_code = ?3 WHERE id = ?1",
        params![id, next_ms, code],
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
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET state = ?2, attempts = attempts + 1, error_code = ?3, error_reason = ?4
         WHERE id = ?1",
        params![id, state, code, reason],
    )?;
    Ok(())
}
