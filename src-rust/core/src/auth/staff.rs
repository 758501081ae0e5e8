//! The staff table.
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use super::lockout::LockState;
use super::{AuthError, Role};
use crate::store::StoreError;

#[derive(Debug, Clone)]
pub struct StaffRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
    pub lock: LockState,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub created_at: i64,
}

/// What an admin sees in the user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct StaffSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// Unix ms while the account is locked out, else null.
    #[ts(type = "number | null")]
    pub locked_until: Option<i64>,
    pub totp_enabled: bool,
    #[ts(type = "number")]
    pub created_at: i64,
}

impl StaffRow {
    pub fn summary(&self, now_ms: i64) -> StaffSummary {
        StaffSummary {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            active: self.active,
            locked_until: self.lock.locked_until.filter(|u| *u > now_ms),
            totp_enabled: self.totp_secret.is_some(),
            created_at: self.created_at,
        }
    }
}

const COLUMNS: &str = "id, username, display_name, role, password_hash, active, failed_attempts, \
                       locked_until, lockouts, totp_secret, totp_last_step, created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<StaffRow> {
    let role: String = r.get(3)?;
    Ok(StaffRow {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        // The CHECK constraint keeps other values out of the table.
        role: Role::parse(&role).unwrap_or(Role::FrontDesk),
        password_hash: r.get(4)?,
        active: r.get(5)?,
        lock: LockState {
            failed_attempts: r.get(6)?,
            locked_until: r.get(7)?,
            lockouts: r.get(8)?,
        },
        totp_secret: r.get(9)?,
        totp_last_step: r.get(10)?,
        created_at: r.get(11)?,
    })
}

pub fn by_username(conn: &Connection, username: &str) -> Result<Option<StaffRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM staff WHERE username = ?1");
    Ok(conn
        .query_row(&sql, [username.trim()], from_row)
        .optional()?)
}

pub fn by_id(conn: &Connection, id: i64) -> Result<StaffRow, crate::Error> {
    let sql = format!("SELECT {COLUMNS} FROM staff WHERE id = ?1");
    conn.query_row(&sql, [id], from_row)
        .optional()
        .map_err(StoreError::from)?
        .ok_or(AuthError::UserNotFound.into())
}

pub fn list(conn: &Connection) -> Result<Vec<StaffRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM staff ORDER BY display_name COLLATE NOCASE, id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert(
    conn: &Connection,
    username: &str,
    display_name: &str,
    role: Role,
    password_hash: &str,
    now_ms: i64,
) -> Result<i64, crate::Error> {
    let res = conn.execute(
        "INSERT INTO staff (username, display_name, role, password_hash, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![username, display_name, role.as_str(), password_hash, now_ms],
    );
    match res {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
            Err(AuthError::UsernameTaken.into())
        }
        Err(e) => Err(StoreError::from(e).into()),
    }
}

pub fn save_lock(conn: &Connection, id: i64, s: &LockState, now_ms: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE staff SET failed_attempts = ?2, locked_until = ?3, lockouts = ?4, updated_at = ?5
         WHERE id = ?1",
        params![id, s.failed_attempts, s.locked_until, s.lockouts, now_ms],
    )?;
    Ok(())
}

pub fn set_password(conn: &Connection, id: i64, hash: &str, now_ms: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE staff SET password_hash = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, hash, now_ms],
    )?;
    Ok(())
}

pub fn set_active(conn: &Connection, id: i64, active: bool, now_ms: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE staff SET active = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, active, now_ms],
    )?;
    Ok(())
}

pub fn set_role(conn: &Connection, id: i64, role: Role, now_ms: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE staff SET role = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, role.as_str(), now_ms],
    )?;
    Ok(())
}

pub fn set_totp(
    conn: &Connection,
    id: i64,
    secret: Option<&str>,
    last_step: Option<i64>,
    now_ms: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE staff SET totp_secret = ?2, totp_last_step = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, secret, last_step, now_ms],
    )?;
    Ok(())
}

pub fn active_admins(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM staff WHERE role = 'admin' AND active = 1",
        [],
        |r| r.get(0),
    )?)
}
