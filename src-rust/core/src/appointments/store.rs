//! The SQL behind appointments: loading rows for the list, the clinician check, the
//! double-booking check and finding (or opening) the patient's conversation.
use chrono::{DateTime, Local};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::types::{Appointment, AppointmentQuery, AppointmentStatus, Clinician};
use crate::store::StoreError;
use crate::{Error, Result};

const COLUMNS: &str = "a.id, a.conversation_id, a.intake_id, a.patient_name, a.patient_phone,
    a.clinician_id, s.display_name, a.starts_at, a.duration_min, a.location, a.telehealth_url,
    a.notes, a.status, a.created_at, a.updated_at, a.cancelled_at, a.cancel_reason, a.patient_answer,
    a.patient_answer_at,
    EXISTS (SELECT 1 FROM reminder_optouts o JOIN conversations c ON c.wa_id = o.wa_id
            WHERE c.id = a.conversation_id)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Appointment> {
    let status: String = r.get(12)?;
    Ok(Appointment {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        intake_id: r.get(2)?,
        patient_name: r.get(3)?,
        patient_phone: r.get(4)?,
        clinician_id: r.get(5)?,
        clinician_name: r.get(6)?,
        starts_at: r.get(7)?,
        duration_min: r.get(8)?,
        location: r.get(9)?,
        telehealth_url: r.get(10)?,
        notes: r.get(11)?,
        // Only this module writes the column (and the CHECK constraint guards it).
        status: AppointmentStatus::parse(&status).unwrap_or(AppointmentStatus::Booked),
        created_at: r.get(13)?,
        updated_at: r.get(14)?,
        cancelled_at: r.get(15)?,
        cancel_reason: r.get(16)?,
        patient_answer: r
            .get::<_, Option<String>>(17)?
            .as_deref()
            .and_then(crate::reminders::PatientAnswer::parse),
        patient_answer_at: r.get(18)?,
        reminders_off: r.get(19)?,
    })
}

pub(crate) fn not_found() -> Error {
    Error::not_found(
        "not_found.appointment",
        "That appointment is no longer there. Refresh the list.",
    )
}

pub(crate) fn load(conn: &Connection, id: i64) -> Result<Appointment> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM appointments a JOIN staff s ON s.id = a.clinician_id
             WHERE a.id = ?1"
        ),
        [id],
        from_row,
    )
    .optional()
    .map_err(StoreError::from)?
    .ok_or_else(not_found)
}

/// In start order (ties by id), over the (clinician_id, starts_at) index when one clinician
/// is asked for and the starts_at index otherwise.
pub(crate) fn list(conn: &Connection, q: &AppointmentQuery) -> Result<Vec<Appointment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM appointments a JOIN staff s ON s.id = a.clinician_id
         WHERE a.starts_at >= ?1 AND a.starts_at < ?2
           AND (?3 IS NULL OR a.clinician_id = ?3)
           AND (?4 OR a.status <> 'cancelled')
         ORDER BY a.starts_at, a.id"
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::from)?;
    let rows = stmt
        .query_map(
            params![q.from_ms, q.to_ms, q.clinician_id, q.include_cancelled],
            from_row,
        )
        .map_err(StoreError::from)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(StoreError::from)?;
    Ok(rows)
}

pub(crate) fn clinicians(conn: &Connection) -> Result<Vec<Clinician>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, display_name FROM staff WHERE role = 'doctor' AND active = 1
             ORDER BY display_name COLLATE NOCASE, id",
        )
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Clinician {
                id: r.get(0)?,
                display_name: r.get(1)?,
            })
        })
        .map_err(StoreError::from)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(StoreError::from)?;
    Ok(rows)
}

/// The clinician's display name, when `id` is an active doctor.
pub(crate) fn clinician_name(conn: &Connection, id: i64) -> Result<String> {
    conn.query_row(
        "SELECT display_name FROM staff WHERE id = ?1 AND role = 'doctor' AND active = 1",
        [id],
        |r| r.get(0),
    )
    .optional()
    .map_err(StoreError::from)?
    .ok_or_else(|| {
        Error::invalid(
            "invalid.appointment_clinician",
            "Choose a doctor from the list. That person is not an active doctor here.",
        )
    })
}

/// Refuses a time that overlaps another live appointment of the same clinician. `except` is
/// the appointment being moved. Appointments last at most 8 hours, so only those starting in
/// the 8 hours before the new end can overlap: a bounded range over the clinician index.
pub(crate) fn check_free(
    conn: &Connection,
    clinician_id: i64,
    clinician_name: &str,
    starts_at: i64,
    duration_min: u32,
    except: Option<i64>,
) -> Result<()> {
    let ends_at = starts_at + i64::from(duration_min) * 60_000;
    let earliest = starts_at - i64::from(super::validate::MAX_DURATION_MIN) * 60_000;
    let clash: Option<i64> = conn
        .query_row(
            "SELECT starts_at FROM appointments
             WHERE clinician_id = ?1 AND starts_at < ?2 AND starts_at >= ?3
               AND starts_at + duration_min * 60000 > ?4
               AND status <> 'cancelled' AND id IS NOT ?5
             ORDER BY starts_at LIMIT 1",
            params![clinician_id, ends_at, earliest, starts_at, except],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::from)?;
    match clash {
        None => Ok(()),
        Some(at) => Err(Error::invalid(
            "invalid.appointment_overlap",
            &format!(
                "{clinician_name} already has an appointment at {}. Choose another time or another doctor.",
                local_time(at)
            ),
        )),
    }
}

fn local_time(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&Local).format("%H:%M").to_string())
        .unwrap_or_default()
}

/// The conversation for a WhatsApp number (digits only, as the webhook stores wa_id),
/// opened when the bot has never talked to this patient. Call inside the booking transaction.
pub(crate) fn conversation_for(conn: &Connection, wa_id: &str, now_ms: i64) -> Result<i64> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT id FROM conversations WHERE wa_id = ?1",
            [wa_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::from)?;
    if let Some(id) = found {
        return Ok(id);
    }
    // '{}' is the engine's fresh state, as the processor writes it for a first message.
    conn.execute(
        "INSERT INTO conversations (wa_id, state, updated_at) VALUES (?1, '{}', ?2)",
        params![wa_id, now_ms],
    )
    .map_err(StoreError::from)?;
    Ok(conn.last_insert_rowid())
}

/// (conversation id, patient name, patient phone) of an intake.
pub(crate) fn intake_patient(conn: &Connection, intake_id: i64) -> Result<(i64, String, String)> {
    conn.query_row(
        "SELECT conversation_id, patient_name, patient_phone FROM intakes WHERE id = ?1",
        [intake_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
    .map_err(StoreError::from)?
    .ok_or_else(|| {
        Error::not_found(
            "not_found.intake",
            "That intake is no longer there. Refresh the queue.",
        )
    })
}
