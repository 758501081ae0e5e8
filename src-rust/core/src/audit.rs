//! Append-only, hash-chained audit log. Each row's hash covers its own fields and the previous
//! row's hash, so an edited, inserted or deleted row breaks the chain at a place `verify` names.
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::store::StoreError;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened. Stored as its dotted name; never carries patient data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SetupCompleted,
    LoginOk,
    LoginFailed,
    LoginLocked,
    LoginRefusedDisabled,
    Logout,
    SessionLocked,
    SessionUnlocked,
    UserCreated,
    UserPasswordReset,
    UserPasswordChanged,
    UserDisabled,
    UserEnabled,
    UserRoleChanged,
    UserUnlocked,
    TotpEnabled,
    TotpDisabled,
    KeyRecovered,
    BackupCreated,
    BackupRestored,
    SettingsChanged,
    AuditVerified,
    ConsentRecorded,
    IntakeViewed,
    IntakeMediaViewed,
    IntakeReviewed,
    DemoSeeded,
    ConversationTakenOver,
    ConversationReleased,
    StaffReplyQueued,
    ExportCreated,
    AppointmentCreated,
    AppointmentRescheduled,
    AppointmentCancelled,
    TemplatesSynced,
    TemplateSubmitted,
    TemplateMappingChanged,
    AppointmentDetailsChanged,
    AppointmentAnswered,
    RemindersStopped,
    RemindersResumed,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SetupCompleted => "setup.completed",
            Self::LoginOk => "login.ok",
            Self::LoginFailed => "login.failed",
            Self::LoginLocked => "login.locked",
            Self::LoginRefusedDisabled => "login.refused_disabled",
            Self::Logout => "logout",
            Self::SessionLocked => "session.locked",
            Self::SessionUnlocked => "session.unlocked",
            Self::UserCreated => "user.created",
            Self::UserPasswordReset => "user.password_reset",
            Self::UserPasswordChanged => "user.password_changed",
            Self::UserDisabled => "user.disabled",
            Self::UserEnabled => "user.enabled",
            Self::UserRoleChanged => "user.role_changed",
            Self::UserUnlocked => "user.unlocked",
            Self::TotpEnabled => "totp.enabled",
            Self::TotpDisabled => "totp.disabled",
            Self::KeyRecovered => "key.recovered",
            Self::BackupCreated => "backup.created",
            Self::BackupRestored => "backup.restored",
            Self::SettingsChanged => "settings.changed",
            Self::AuditVerified => "audit.verified",
            Self::ConsentRecorded => "consent.recorded",
            Self::IntakeViewed => "intake.viewed",
            Self::IntakeMediaViewed => "intake.media_viewed",
            Self::IntakeReviewed => "intake.reviewed",
            Self::DemoSeeded => "demo.seeded",
            Self::ConversationTakenOver => "conversation.taken_over",
            Self::ConversationReleased => "conversation.released",
            Self::StaffReplyQueued => "conversation.staff_reply",
            Self::ExportCreated => "export.created",
            Self::AppointmentCreated => "appointment.created",
            Self::AppointmentRescheduled => "appointment.rescheduled",
            Self::AppointmentCancelled => "appointment.cancelled",
            Self::TemplatesSynced => "templates.synced",
            Self::TemplateSubmitted => "template.submitted",
            Self::TemplateMappingChanged => "template.mapping_changed",
            Self::AppointmentDetailsChanged => "appointment.details_changed",
            Self::AppointmentAnswered => "appointment.patient_answer",
            Self::RemindersStopped => "reminders.stopped",
            Self::RemindersResumed => "reminders.resumed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    /// Unix milliseconds.
    #[ts(type = "number")]
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub details: String,
}

/// Appends one row. Call it inside the transaction that makes the change it records, so the
/// change and its audit row commit or roll back together.
pub fn append(
    conn: &Connection,
    at_ms: i64,
    actor: &str,
    action: Action,
    subject: &str,
    details: &serde_json::Value,
) -> Result<i64, StoreError> {
    let prev: String = conn
        .query_row(
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| GENESIS.to_owned());
    // Ids come from sqlite_sequence so they are never reused, even after a (forbidden) delete.
    let id: i64 = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0)
        + 1;
    let details = details.to_string();
    let entry = AuditEntry {
        id,
        at: at_ms,
        actor: actor.to_owned(),
        action: action.as_str().to_owned(),
        subject: subject.to_owned(),
        details,
    };
    let hash = row_hash(&entry, &prev);
    conn.execute(
        "INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            entry.id,
            entry.at,
            entry.actor,
            entry.action,
            entry.subject,
            entry.details,
            prev,
            hash
        ],
    )?;
    Ok(id)
}

/// Length-prefixed fields, so no choice of text can make two different rows hash alike.
fn row_hash(e: &AuditEntry, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    let id = e.id.to_string();
    let at = e.at.to_string();
    for field in [
        id.as_str(),
        at.as_str(),
        &e.actor,
        &e.action,
        &e.subject,
        &e.details,
        prev_hash,
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct VerifyReport {
    #[ts(type = "number")]
    pub rows_checked: i64,
    /// `None` when the whole chain is intact.
    pub first_broken: Option<BrokenLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct BrokenLink {
    /// The id of the first row that is missing, altered, or no longer linked to its parent.
    #[ts(type = "number")]
    pub id: i64,
    pub reason: String,
}

pub fn verify(conn: &Connection) -> Result<VerifyReport, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, subject, details, prev_hash, hash
         FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_id = 1;
    let mut prev = GENESIS.to_owned();
    let mut checked = 0;
    let broken = |id: i64, reason: &str, checked: i64| VerifyReport {
        rows_checked: checked,
        first_broken: Some(BrokenLink {
            id,
            reason: reason.to_owned(),
        }),
    };
    while let Some(r) = rows.next()? {
        let e = AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            subject: r.get(4)?,
            details: r.get(5)?,
        };
        let (prev_hash, hash): (String, String) = (r.get(6)?, r.get(7)?);
        if e.id != expected_id {
            return Ok(broken(expected_id, "row is missing (deleted)", checked));
        }
        if prev_hash != prev {
            return Ok(broken(
                e.id,
                "row is not linked to the row before it",
                checked,
            ));
        }
        if row_hash(&e, &prev_hash) != hash {
            return Ok(broken(
                e.id,
                "row was altered after it was written",
                checked,
            ));
        }
        prev = hash;
        expected_id += 1;
        checked += 1;
    }
    let highest: i64 = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    if highest >= expected_id {
        return Ok(broken(
            expected_id,
            "the newest rows are missing (deleted)",
            checked,
        ));
    }
    Ok(VerifyReport {
        rows_checked: checked,
        first_broken: None,
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AuditQuery {
    /// Matches actor, action or subject (case-insensitive substring).
    pub text: Option<String>,
    /// Only rows older than this id (paging backwards from the newest).
    #[ts(type = "number | null")]
    pub before_id: Option<i64>,
    pub limit: Option<u32>,
}

pub fn list(conn: &Connection, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let pattern = q
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            format!(
                "%{}%",
                t.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, subject, details FROM audit_log
         WHERE (?1 IS NULL OR id < ?1)
           AND (?2 IS NULL OR actor LIKE ?2 ESCAPE '\\' OR action LIKE ?2 ESCAPE '\\'
                OR subject LIKE ?2 ESCAPE '\\')
         ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![q.before_id, pattern, limit], |r| {
        Ok(AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            subject: r.get(4)?,
            details: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
