//! The durable half of `POST /webhook`: in one transaction, the raw body, every new inbound
//! message (keyed by wamid) and every status. The HTTP edge answers 200 only after this commits.
mod flood;
mod group;

pub use flood::{FloodGuard, FloodLimit};
pub use group::GroupCommitter;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use crate::store::StoreError;
use crate::whatsapp::{Content, Envelope, StatusUpdate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ingested {
    pub payload_id: i64,
    /// False when the body was not JSON at all (it is still stored, for inspection).
    pub parse_ok: bool,
    /// Messages stored for the first time, flooded ones included.
    pub new_messages: usize,
    /// Of `new_messages`, those over their sender's flood limit: stored and flagged, never
    /// answered.
    pub flooded: usize,
    pub duplicate_messages: usize,
    pub statuses: usize,
    pub skipped: usize,
    /// Template status updates that changed the template library.
    pub templates: usize,
}

fn kind(c: &Content) -> &str {
    match c {
        Content::Text { .. } => "text",
        Content::ButtonReply { .. } => "button_reply",
        Content::ListReply { .. } => "list_reply",
        Content::TemplateButton { .. } => "template_button",
        Content::Media(m) => &m.kind,
        Content::Location { .. } => "location",
        Content::Contacts => "contacts",
        Content::Reaction { .. } => "reaction",
        Content::System { .. } => "system",
        Content::Unsupported => "unsupported",
        Content::Other { .. } => "other",
    }
}

/// Where a status sits in the forward-only order; 0 means "record, but never a state".
fn rank(status: &str) -> i64 {
    match status {
        "sent" => 1,
        "delivered" => 2,
        "read" => 3,
        "failed" => 4,
        _ => 0,
    }
}

/// Call inside a transaction; `now_ms` is the receive time. `flood` is charged once per new
/// message. If the transaction then rolls back the budget stays spent: governor cannot refund,
/// and Meta's retry comes minutes later, by when a normal sender's budget has refilled.
pub fn ingest(
    conn: &Connection,
    body: &[u8],
    now_ms: i64,
    flood: &FloodGuard,
) -> Result<Ingested, StoreError> {
    ingest_noting(conn, body, now_ms, flood, &mut Touched::default())
}

/// The patients a batch of webhook bodies touched (a new message from them, or a status of a
/// message to them), so the desk can tell the screens which conversations changed.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    numbers: std::collections::BTreeSet<String>,
}

/// Beyond this many patients in one batch the screens refresh on the batch-wide events alone;
/// naming each would cost a lookup per patient on the webhook's hot path.
const MAX_TOUCHED: usize = 64;

impl Touched {
    fn note(&mut self, number: Option<&str>) {
        if let Some(n) = number.filter(|_| self.numbers.len() < MAX_TOUCHED) {
            self.numbers.insert(n.to_owned());
        }
    }

    /// Conversation ids of the touched patients who have one (read inside the same
    /// transaction, so it sees what the batch stored).
    pub(crate) fn conversations(&self, conn: &Connection) -> Result<Vec<i64>, StoreError> {
        let mut stmt = conn.prepare_cached("SELECT id FROM conversations WHERE wa_id = ?1")?;
        let mut ids = Vec::new();
        for n in &self.numbers {
            if let Some(id) = stmt.query_row([n], |r| r.get(0)).optional()? {
                ids.push(id);
            }
        }
        Ok(ids)
    }
}

/// [`ingest`], noting which patients the body touched.
pub(crate) fn ingest_noting(
    conn: &Connection,
    body: &[u8],
    now_ms: i64,
    flood: &FloodGuard,
    touched: &mut Touched,
) -> Result<Ingested, StoreError> {
    let parsed = Envelope::parse(body).ok();
    let updates = parsed.as_ref().map(Envelope::updates).unwrap_or_default();
    conn.execute(
        "INSERT INTO webhook_payloads (received_at, body, parse_ok, messages, statuses, skipped)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            now_ms,
            body,
            parsed.is_some(),
            updates.messages.len() as i64,
            updates.statuses.len() as i64,
            updates.skipped as i64
        ],
    )?;
    let payload_id = conn.last_insert_rowid();
    let mut out = Ingested {
        payload_id,
        parse_ok: parsed.is_some(),
        skipped: updates.skipped,
        ..Default::default()
    };
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO inbound_messages
         (wamid, payload_id, wa_from, user_id, phone_number_id, sent_at, received_at, kind, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for m in &updates.messages {
        let added = insert.execute(params![
            m.wamid,
            payload_id,
            m.from,
            m.user_id,
            m.phone_number_id,
            m.timestamp,
            now_ms,
            kind(&m.content),
            m.raw.to_string()
        ])?;
        if added == 0 {
            out.duplicate_messages += 1;
            continue;
        }
        out.new_messages += 1;
        touched.note(m.from.as_deref());
        // Charged only after the insert proved the wamid new, so a retry costs no budget and
        // keeps the first row's verdict. Numberless senders are never answered anyway.
        if m.from.as_deref().is_some_and(|from| !flood.admit(from)) {
            mark_flooded(conn, &m.wamid, now_ms)?;
            out.flooded += 1;
        }
    }
    for s in &updates.statuses {
        record_status(conn, s, payload_id, now_ms)?;
        touched.note(s.recipient_id.as_deref());
        out.statuses += 1;
    }
    for change in parsed
        .iter()
        .flat_map(|p| &p.entry)
        .flat_map(|e| &e.changes)
    {
        if change.field == crate::templates::webhook::FIELD
            && crate::templates::webhook::apply(conn, &change.value, now_ms)?
        {
            out.templates += 1;
        }
    }
    Ok(out)
}

/// Marked handled in the same transaction as the insert, so the processor never sees it.
fn mark_flooded(conn: &Connection, wamid: &str, now_ms: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE inbound_messages SET skipped_reason = 'flood', processed_at = ?2 WHERE wamid = ?1",
    )?
    .execute(params![wamid, now_ms])?;
    Ok(())
}

fn record_status(
    conn: &Connection,
    s: &StatusUpdate,
    payload_id: i64,
    now_ms: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO message_status_events
             (wamid, status, at, error_code, body, payload_id, callback)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        s.wamid,
        s.status,
        s.timestamp,
        s.error_code,
        Value::to_string(&s.raw),
        payload_id,
        s.callback
    ])?;
    let r = rank(&s.status);
    if r > 0 {
        conn.prepare_cached(
            "INSERT INTO message_delivery (wamid, state, rank, error_code, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (wamid) DO UPDATE SET state = excluded.state, rank = excluded.rank,
                 error_code = excluded.error_code, updated_at = excluded.updated_at
             WHERE excluded.rank > message_delivery.rank",
        )?
        .execute(params![s.wamid, s.status, r, s.error_code, now_ms])?;
    }
    Ok(())
}
