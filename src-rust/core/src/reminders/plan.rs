//! Planning: which messages an appointment gets, written in the same transaction as the
//! booking, the move or the cancellation that calls for them.
use rusqlite::{params, Connection};

use super::settings_in;
use crate::store::StoreError;
use crate::templates::TemplateEvent;
use crate::Result;

const MINUTE_MS: i64 = 60_000;

/// The reminders and how long before the start each one goes.
const REMINDERS: [(TemplateEvent, i64); 3] = [
    (TemplateEvent::Reminder24h, 24 * 60 * MINUTE_MS),
    (TemplateEvent::Reminder1h, 60 * MINUTE_MS),
    (TemplateEvent::Reminder15m, 15 * MINUTE_MS),
];

/// What just happened to the appointment (already written in the caller's transaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Booked,
    /// New start, duration or clinician.
    Moved,
    /// `notify`: send the cancellation notice (not when the patient cancelled themselves:
    /// they get their own acknowledgement).
    Cancelled {
        notify: bool,
    },
}

/// Plans (or stops planning) the appointment's messages after `change`. Call inside the
/// transaction that made the change, after the appointment row was written.
pub(crate) fn plan(
    conn: &Connection,
    appointment_id: i64,
    change: Change,
    now_ms: i64,
) -> Result<()> {
    let s = settings_in(conn)?;
    let starts_at: i64 = conn
        .query_row(
            "SELECT starts_at FROM appointments WHERE id = ?1",
            [appointment_id],
            |r| r.get(0),
        )
        .map_err(StoreError::from)?;
    match change {
        Change::Booked => {
            if s.confirmation {
                add(
                    conn,
                    appointment_id,
                    TemplateEvent::AppointmentConfirmation,
                    starts_at,
                    now_ms,
                    now_ms,
                )?;
            }
            reminders(conn, appointment_id, starts_at, &s, now_ms)?;
        }
        Change::Moved => {
            conn.execute(
                "UPDATE appointment_messages SET state = 'skipped', skip_reason = 'moved',
                     handled_at = ?3
                 WHERE appointment_id = ?1 AND state = 'planned' AND starts_at <> ?2",
                params![appointment_id, starts_at, now_ms],
            )
            .map_err(StoreError::from)?;
            reminders(conn, appointment_id, starts_at, &s, now_ms)?;
            if s.reschedule && starts_at > now_ms {
                add(
                    conn,
                    appointment_id,
                    TemplateEvent::AppointmentRescheduled,
                    starts_at,
                    now_ms,
                    now_ms,
                )?;
            }
        }
        Change::Cancelled { notify } => {
            skip_all(conn, appointment_id, "cancelled", now_ms)?;
            // A cancellation after the start is staff tidying the list: nothing to tell.
            if notify && s.cancellation && starts_at > now_ms {
                add(
                    conn,
                    appointment_id,
                    TemplateEvent::AppointmentCancelled,
                    starts_at,
                    now_ms,
                    now_ms,
                )?;
            }
        }
    }
    Ok(())
}

/// Every still-planned message of the appointment becomes skipped with `reason`.
pub(crate) fn skip_all(
    conn: &Connection,
    appointment_id: i64,
    reason: &str,
    now_ms: i64,
) -> Result<usize> {
    Ok(conn
        .execute(
            "UPDATE appointment_messages SET state = 'skipped', skip_reason = ?2, handled_at = ?3
             WHERE appointment_id = ?1 AND state = 'planned'",
            params![appointment_id, reason, now_ms],
        )
        .map_err(StoreError::from)?)
}

/// The enabled reminders whose time is still ahead. One whose time has already passed at
/// booking (booked 30 minutes ahead: no 24-hour or 1-hour reminder) is not planned at all:
/// the confirmation going out now says the same, and the panel shows nothing that failed.
fn reminders(
    conn: &Connection,
    appointment_id: i64,
    starts_at: i64,
    s: &super::ReminderSettings,
    now_ms: i64,
) -> Result<()> {
    for (kind, before) in REMINDERS {
        let due_at = starts_at.saturating_sub(before);
        if s.sends(kind) && due_at > now_ms {
            add(conn, appointment_id, kind, starts_at, due_at, now_ms)?;
        }
    }
    Ok(())
}

/// One planned message. The same (kind, start) again is ignored, except a row skipped only
/// because the appointment moved away from this start and has now moved back: it never went,
/// so it is planned again. A row that was queued never is.
fn add(
    conn: &Connection,
    appointment_id: i64,
    kind: TemplateEvent,
    starts_at: i64,
    due_at: i64,
    now_ms: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO appointment_messages (appointment_id, kind, starts_at, due_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (appointment_id, kind, starts_at) DO UPDATE
             SET state = 'planned', skip_reason = NULL, handled_at = NULL,
                 due_at = excluded.due_at
             WHERE appointment_messages.state = 'skipped'
               AND appointment_messages.skip_reason = 'moved'",
    )
    .map_err(StoreError::from)?
    .execute(params![
        appointment_id,
        kind.as_str(),
        starts_at,
        due_at,
        now_ms
    ])
    .map_err(StoreError::from)?;
    Ok(())
}
