//! One appointment's messages as its panel lists them: what was planned, what went (with
//! WhatsApp's ticks from the outbox and `message_delivery`), and why anything did not.
use rusqlite::{Connection, OptionalExtension};

use super::texts::skip_sentence;
use super::{AppointmentMessage, MessageState};
use crate::appointments::not_found;
use crate::auth::{Actor, Role};
use crate::inbox::explain_code;
use crate::store::StoreError;
use crate::templates::{TemplateEvent, Via};
use crate::Result;

/// Doctors see their own appointments only; another's reads as missing, as in the list.
pub(super) fn check_visible(conn: &Connection, actor: &Actor, id: i64) -> Result<()> {
    let clinician: Option<i64> = conn
        .query_row(
            "SELECT clinician_id FROM appointments WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::from)?;
    match clinician {
        None => Err(not_found()),
        Some(c) if actor.role == Role::Doctor && c != actor.user_id => Err(not_found()),
        Some(_) => Ok(()),
    }
}

struct Raw {
    id: i64,
    kind: String,
    due_at: i64,
    state: String,
    skip_reason: Option<String>,
    via: Option<String>,
    outbox_state: Option<String>,
    outbox_reason: Option<String>,
    delivery: Option<String>,
    delivery_code: Option<i64>,
}

pub(super) fn messages(conn: &Connection, appointment_id: i64) -> Result<Vec<AppointmentMessage>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT m.id, m.kind, m.due_at, m.state, m.skip_reason, m.via, o.state,
                    o.error_reason, d.state, d.error_code
             FROM appointment_messages m
             LEFT JOIN outbox o ON o.id = m.outbox_id
             LEFT JOIN message_delivery d ON d.wamid = o.wamid
             WHERE m.appointment_id = ?1 ORDER BY m.due_at, m.id",
        )
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map([appointment_id], |r| {
            Ok(Raw {
                id: r.get(0)?,
                kind: r.get(1)?,
                due_at: r.get(2)?,
                state: r.get(3)?,
                skip_reason: r.get(4)?,
                via: r.get(5)?,
                outbox_state: r.get(6)?,
                outbox_reason: r.get(7)?,
                delivery: r.get(8)?,
                delivery_code: r.get(9)?,
            })
        })
        .map_err(StoreError::from)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(StoreError::from)?;
    // Only this module writes the kind; a word it no longer knows is left out of the panel.
    Ok(rows.into_iter().filter_map(message).collect())
}

fn message(r: Raw) -> Option<AppointmentMessage> {
    let kind = TemplateEvent::parse(&r.kind)?;
    let state = match r.state.as_str() {
        "queued" => MessageState::Queued,
        "skipped" => MessageState::Skipped,
        _ => MessageState::Planned,
    };
    let (delivery, delivery_error) = delivery(&r);
    Some(AppointmentMessage {
        id: r.id,
        kind,
        due_at: r.due_at,
        state,
        skip_reason: r.skip_reason.as_deref().map(skip_sentence),
        via: match r.via.as_deref() {
            Some("template") => Some(Via::Template),
            Some("text") => Some(Via::Text),
            _ => None,
        },
        delivery,
        delivery_error,
    })
}

/// The outbox knows until Meta accepts the message; from then on Meta's status webhooks do.
fn delivery(r: &Raw) -> (Option<String>, Option<String>) {
    let word = |w: &str| Some(w.to_owned());
    match r.outbox_state.as_deref() {
        None => (None, None),
        Some("pending") => (word("waiting"), None),
        Some("needs_staff") => (word("needs_staff"), r.outbox_reason.clone()),
        Some("failed") => (word("failed"), r.outbox_reason.clone()),
        Some(_) => match r.delivery.as_deref() {
            Some("read") => (word("read"), None),
            Some("delivered") => (word("delivered"), None),
            // Meta accepted it but could not deliver it: the transcript's words for the code.
            Some("failed") => (
                word("failed"),
                Some(explain_code(r.delivery_code.unwrap_or(0))),
            ),
            _ => (word("sent"), None),
        },
    }
}
