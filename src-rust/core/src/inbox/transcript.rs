//! One conversation as staff read it: the patient's messages and ours, in time order, with
//! WhatsApp's ticks and a plain-language reason when something did not go.
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::render;
use super::types::{Delivery, Direction, TranscriptEntry};
use crate::store::StoreError;

/// Enough for any intake and the talk around it; a screen of thousands helps nobody and costs
/// a decrypting scan.
pub const MAX_ENTRIES: usize = 500;

/// The last [`MAX_ENTRIES`] messages of a conversation, oldest first. An unknown conversation
/// has none.
pub fn transcript(
    conn: &Connection,
    conversation_id: i64,
) -> Result<Vec<TranscriptEntry>, StoreError> {
    let wa_id: Option<String> = conn
        .query_row(
            "SELECT wa_id FROM conversations WHERE id = ?1",
            [conversation_id],
            |r| r.get(0),
        )
        .optional()?;
    match wa_id {
        Some(wa_id) => for_number(conn, &wa_id),
        None => Ok(Vec::new()),
    }
}

/// Entries with the clock they are ordered by: ours (received / queued), so a patient's phone
/// clock being off cannot put a reply above the message it answers.
struct Timed {
    order: i64,
    seq: i64,
    entry: TranscriptEntry,
}

pub(crate) fn for_number(
    conn: &Connection,
    wa_id: &str,
) -> Result<Vec<TranscriptEntry>, StoreError> {
    let mut all = inbound(conn, wa_id)?;
    all.extend(outbound(conn, wa_id)?);
    // Ties (same millisecond): the patient's message first, since our rows answer it.
    all.sort_by_key(|t| (t.order, t.entry.direction == Direction::Out, t.seq));
    let skip = all.len().saturating_sub(MAX_ENTRIES);
    Ok(all.into_iter().skip(skip).map(|t| t.entry).collect())
}

fn inbound(conn: &Connection, wa_id: &str) -> Result<Vec<Timed>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT wamid, sent_at, received_at, body, skipped_reason, rowid FROM inbound_messages
         WHERE wa_from = ?1 ORDER BY received_at DESC, rowid DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![wa_id, MAX_ENTRIES as i64], |r| {
        let wamid: String = r.get(0)?;
        let sent_at: i64 = r.get(1)?;
        let received_at: i64 = r.get(2)?;
        let body: String = r.get(3)?;
        let skipped: Option<String> = r.get(4)?;
        let seq: i64 = r.get(5)?;
        Ok(Timed {
            order: received_at,
            seq,
            entry: TranscriptEntry {
                key: format!("in:{wamid}"),
                direction: Direction::In,
                at: sent_at.saturating_mul(1000),
                text: render::inbound(&body),
                author: None,
                delivery: None,
                problem: skipped.as_deref().map(render::skipped),
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn outbound(conn: &Connection, wa_id: &str) -> Result<Vec<Timed>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.created_at, o.payload, o.state, o.attempts, o.error_code, o.error_reason,
                o.author, d.state, d.error_code
         FROM outbox o LEFT JOIN message_delivery d ON d.wamid = o.wamid
         WHERE o.wa_to = ?1 AND o.kind = 'message' ORDER BY o.id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![wa_id, MAX_ENTRIES as i64], |r| {
        let id: i64 = r.get(0)?;
        let created_at: i64 = r.get(1)?;
        let payload: String = r.get(2)?;
        let row = OutRow {
            state: r.get(3)?,
            attempts: r.get(4)?,
            error_code: r.get(5)?,
            error_reason: r.get(6)?,
            delivery: r.get(8)?,
            delivery_code: r.get(9)?,
        };
        let author: Option<String> = r.get(7)?;
        let (delivery, problem) = row.delivery();
        let payload: Value = serde_json::from_str(&payload).unwrap_or(Value::Null);
        Ok(Timed {
            order: created_at,
            seq: id,
            entry: TranscriptEntry {
                key: format!("out:{id}"),
                direction: Direction::Out,
                at: created_at,
                text: render::outbound(&payload),
                author: Some(author.unwrap_or_else(|| "bot".into())),
                delivery: Some(delivery),
                problem,
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

struct OutRow {
    state: String,
    attempts: i64,
    error_code: Option<i64>,
    error_reason: Option<String>,
    delivery: Option<String>,
    delivery_code: Option<i64>,
}

impl OutRow {
    /// The outbox knows until Meta accepts a message; from then on Meta's status webhooks do.
    fn delivery(&self) -> (Delivery, Option<String>) {
        let reason = || {
            self.error_reason
                .clone()
                .or_else(|| self.error_code.map(render::explain_code))
        };
        match self.state.as_str() {
            "pending" if self.attempts > 0 => (Delivery::Queued, Some(render::RETRYING.to_owned())),
            "pending" => (Delivery::Queued, None),
            "needs_staff" => (Delivery::NeedsStaff, reason()),
            "failed" => (Delivery::Failed, reason()),
            _ => match self.delivery.as_deref() {
                Some("read") => (Delivery::Read, None),
                Some("delivered") => (Delivery::Delivered, None),
                Some("failed") => (
                    Delivery::Failed,
                    Some(render::explain_code(self.delivery_code.unwrap_or(0))),
                ),
                _ => (Delivery::Sent, None),
            },
        }
    }
}
