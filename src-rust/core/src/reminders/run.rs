//! Running: every planned message whose time has come is checked against the appointment as
//! it is now, then queued into the outbox (the sender does pacing, retries and statuses) or
//! skipped with a reason code. Checking, queuing and marking happen in one transaction per
//! batch, so a crash or a second run can never queue a message twice.
//!
//! After the computer was off, several messages of one appointment can be due at once: only
//! the one closest to the start goes (the others are `superseded`), a message for an
//! appointment that has already started is dropped (`late`), and a late 24-hour reminder for
//! an appointment still ahead is sent.
use std::collections::BTreeSet;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::{settings_in, ReminderSettings};
use crate::events::DeskEvent;
use crate::outbox;
use crate::store::StoreError;
use crate::templates::compose::window_open;
use crate::templates::{compose, facts_for, TemplateEvent, Via};
use crate::{Desk, Result};

/// Rows per transaction: a backlog after days offline is worked through in short writes.
const BATCH: usize = 200;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReminderReport {
    /// Handed to the outbox.
    pub queued: usize,
    /// Not sent, with a reason staff can read (including those held for staff: no template).
    pub skipped: usize,
}

struct Due {
    id: i64,
    appointment_id: i64,
    kind: Option<TemplateEvent>,
    starts_at: i64,
    due_at: i64,
}

/// The appointment as it is now.
struct Now {
    status: String,
    starts_at: i64,
    conversation_id: i64,
    wa_id: String,
    opted_out: bool,
}

/// Queues or skips everything due. Blocking (call it from a blocking thread); publishes
/// `AppointmentsChanged` for each appointment touched, after its batch committed.
pub fn run_due(desk: &Desk) -> Result<ReminderReport> {
    let mut report = ReminderReport::default();
    // The bot calls this every half second: a read over the partial index first, so an idle
    // pass never takes the write lock the webhook writer needs.
    if !anything_due(&desk.db().conn(), desk.now_ms())? {
        return Ok(report);
    }
    loop {
        let now = desk.now_ms();
        let (handled, touched) = desk.write(|tx| batch(tx, now, &mut report))?;
        for event in touched {
            desk.events().publish(event);
        }
        if handled < BATCH {
            return Ok(report);
        }
    }
}

fn batch(
    conn: &Connection,
    now_ms: i64,
    report: &mut ReminderReport,
) -> Result<(usize, Vec<DeskEvent>)> {
    let settings = settings_in(conn)?;
    let rows = due(conn, now_ms)?;
    let mut appointments = BTreeSet::new();
    let mut conversations = BTreeSet::new();
    for row in &rows {
        appointments.insert(row.appointment_id);
        let current = appointment(conn, row.appointment_id)?;
        let sent = match &current {
            Some(c) => match verdict(conn, row, c, &settings, now_ms)? {
                Ok(kind) => {
                    conversations.insert(c.conversation_id);
                    queue(conn, row, kind, c, now_ms)?
                }
                Err(reason) => {
                    skip(conn, row.id, reason, None, now_ms)?;
                    false
                }
            },
            None => {
                skip(conn, row.id, "unknown", None, now_ms)?;
                false
            }
        };
        if sent {
            report.queued += 1;
        } else {
            report.skipped += 1;
        }
    }
    let events = appointments
        .into_iter()
        .map(|appointment_id| DeskEvent::AppointmentsChanged { appointment_id })
        .chain(
            conversations
                .into_iter()
                .map(|conversation_id| DeskEvent::ConversationChanged { conversation_id }),
        )
        .collect();
    Ok((rows.len(), events))
}

fn anything_due(conn: &Connection, now_ms: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM appointment_messages
                            WHERE state = 'planned' AND due_at <= ?1)",
        )
        .map_err(StoreError::from)?
        .query_row([now_ms], |r| r.get(0))
        .map_err(StoreError::from)?)
}

fn due(conn: &Connection, now_ms: i64) -> Result<Vec<Due>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, appointment_id, kind, starts_at, due_at FROM appointment_messages
             WHERE state = 'planned' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2",
        )
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map(params![now_ms, BATCH as i64], |r| {
            Ok(Due {
                id: r.get(0)?,
                appointment_id: r.get(1)?,
                kind: TemplateEvent::parse(&r.get::<_, String>(2)?),
                starts_at: r.get(3)?,
                due_at: r.get(4)?,
            })
        })
        .map_err(StoreError::from)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(StoreError::from)?;
    Ok(rows)
}

fn appointment(conn: &Connection, id: i64) -> Result<Option<Now>> {
    Ok(conn
        .prepare_cached(
            "SELECT a.status, a.starts_at, a.conversation_id, c.wa_id,
                    EXISTS (SELECT 1 FROM reminder_optouts o WHERE o.wa_id = c.wa_id)
             FROM appointments a JOIN conversations c ON c.id = a.conversation_id
             WHERE a.id = ?1",
        )
        .map_err(StoreError::from)?
        .query_row([id], |r| {
            Ok(Now {
                status: r.get(0)?,
                starts_at: r.get(1)?,
                conversation_id: r.get(2)?,
                wa_id: r.get(3)?,
                opted_out: r.get(4)?,
            })
        })
        .optional()
        .map_err(StoreError::from)?)
}

/// The kinds one appointment's messages are chosen among when several are due at once: the
/// confirmation and the move notice say what a reminder says, so the latest of them wins.
fn competes(kind: TemplateEvent) -> bool {
    !matches!(
        kind,
        TemplateEvent::AppointmentCancelled
            | TemplateEvent::IntakeReminder
            | TemplateEvent::ContinueConversation
    )
}

/// `Ok` to send, or the skip reason code.
fn verdict(
    conn: &Connection,
    row: &Due,
    a: &Now,
    settings: &ReminderSettings,
    now_ms: i64,
) -> Result<std::result::Result<TemplateEvent, &'static str>> {
    let Some(kind) = row.kind else {
        return Ok(Err("unknown"));
    };
    if !settings.sends(kind) {
        return Ok(Err("turned_off"));
    }
    if kind != TemplateEvent::AppointmentCancelled {
        if a.status == "cancelled" {
            return Ok(Err("cancelled"));
        }
        if a.starts_at != row.starts_at {
            return Ok(Err("moved"));
        }
    }
    if a.opted_out {
        return Ok(Err("opted_out"));
    }
    if now_ms >= a.starts_at {
        return Ok(Err("late"));
    }
    if competes(kind) && superseded(conn, row, settings, now_ms)? {
        return Ok(Err("superseded"));
    }
    Ok(Ok(kind))
}

/// Whether a later message of the same appointment and start, of a kind that still goes, is
/// also due now.
fn superseded(conn: &Connection, row: &Due, s: &ReminderSettings, now_ms: i64) -> Result<bool> {
    let kinds: Vec<&str> = TemplateEvent::ALL
        .into_iter()
        .filter(|k| competes(*k) && s.sends(*k))
        .map(TemplateEvent::as_str)
        .collect();
    let kinds = serde_json::to_string(&kinds).unwrap_or_else(|_| "[]".into());
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM appointment_messages
               WHERE appointment_id = ?1 AND starts_at = ?2 AND state = 'planned'
                 AND due_at <= ?3 AND id <> ?4
                 AND (due_at > ?5 OR (due_at = ?5 AND id > ?4))
                 AND kind IN (SELECT value FROM json_each(?6)))",
        )
        .map_err(StoreError::from)?
        .query_row(
            params![
                row.appointment_id,
                row.starts_at,
                now_ms,
                row.id,
                row.due_at,
                kinds
            ],
            |r| r.get(0),
        )
        .map_err(StoreError::from)?)
}

/// Composes and queues: free text inside the 24-hour window, the mapped approved template
/// outside it. With neither, the message is held for staff (an outbox row in `needs_staff`,
/// which the inbox shows with the reason) and the row is skipped as `no_template`. Returns
/// whether it was queued.
fn queue(conn: &Connection, row: &Due, kind: TemplateEvent, a: &Now, now_ms: i64) -> Result<bool> {
    let facts = facts_for(conn, row.appointment_id)?;
    let composed = compose(conn, kind, &facts)?;
    let (via, payload): (Via, Value) = if window_open(conn, a.conversation_id, now_ms)? {
        (Via::Text, composed.text_payload)
    } else if let Some(template) = composed.template_payload {
        (Via::Template, template)
    } else {
        let reason = no_template_reason(kind, &composed.problems);
        let held = outbox::hold_for_staff(conn, &a.wa_id, &composed.text_payload, now_ms, &reason)?;
        skip(conn, row.id, "no_template", Some(held), now_ms)?;
        return Ok(false);
    };
    let outbox_id = outbox::enqueue(conn, &a.wa_id, &payload, now_ms)?;
    conn.prepare_cached(
        "UPDATE appointment_messages SET state = 'queued', via = ?2, outbox_id = ?3,
             handled_at = ?4
         WHERE id = ?1 AND state = 'planned'",
    )
    .map_err(StoreError::from)?
    .execute(params![row.id, via_word(via), outbox_id, now_ms])
    .map_err(StoreError::from)?;
    Ok(true)
}

fn skip(
    conn: &Connection,
    id: i64,
    reason: &str,
    outbox_id: Option<i64>,
    now_ms: i64,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE appointment_messages SET state = 'skipped', skip_reason = ?2, outbox_id = ?3,
             handled_at = ?4
         WHERE id = ?1 AND state = 'planned'",
    )
    .map_err(StoreError::from)?
    .execute(params![id, reason, outbox_id, now_ms])
    .map_err(StoreError::from)?;
    Ok(())
}

fn via_word(via: Via) -> &'static str {
    match via {
        Via::Template => "template",
        Via::Text => "text",
    }
}

/// What staff read in the inbox for a message held back: which message, and what the
/// template side says is missing (no template chosen, not approved, paused...). Never patient
/// data.
fn no_template_reason(kind: TemplateEvent, problems: &[String]) -> String {
    let mut reason = format!(
        "The {} was not sent: more than 24 hours have passed since the patient last wrote, so WhatsApp only allows an approved template.",
        super::texts::kind_label(kind)
    );
    if problems.is_empty() {
        reason.push_str(
            " No approved template is ready for this message: choose one under Templates.",
        );
    }
    for p in problems {
        reason.push(' ');
        reason.push_str(p);
    }
    reason.push_str(" Meanwhile, phone the patient.");
    reason
}
