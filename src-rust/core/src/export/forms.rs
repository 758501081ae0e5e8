//! The form versions that produced intakes (migration 012). A version's definition is written
//! once and never changed, so an export years later still knows what each question was.
use std::collections::HashSet;

use rusqlite::{params, Connection};

use crate::form::Form;
use crate::store::StoreError;
use crate::{Desk, Result};

pub(crate) fn remember(conn: &Connection, form: &Form, now_ms: i64) -> Result<(), StoreError> {
    let json = serde_json::to_string(form).map_err(|_| StoreError::WriteFailed)?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO forms (form_id, version, definition, first_seen)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![form.id, form.version, json, now_ms])?;
    Ok(())
}

/// The current form first, then the other recorded versions, oldest first. A definition that
/// no longer parses (hand-edited) is left out with a warning; its answers then land in the
/// export's "Other answers" column rather than being lost.
pub(crate) fn known(conn: &Connection, current: &Form) -> Result<Vec<Form>, StoreError> {
    let mut out = vec![current.clone()];
    let mut stmt = conn.prepare_cached(
        "SELECT form_id, version, definition FROM forms ORDER BY first_seen, form_id, version",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (id, version, json) = row?;
        if id == current.id && version == current.version {
            continue;
        }
        match serde_json::from_str::<Form>(&json) {
            Ok(form) => out.push(form),
            Err(_) => {
                tracing::warn!(form = %id, version = %version, "stored form definition unreadable")
            }
        }
    }
    Ok(out)
}

/// Whether some intake came from a form version none of `forms` describes.
pub(crate) fn has_unknown_versions(conn: &Connection, forms: &[Form]) -> Result<bool, StoreError> {
    let known: HashSet<(&str, &str)> = forms
        .iter()
        .map(|f| (f.id.as_str(), f.version.as_str()))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT form_id, form_version FROM intakes INDEXED BY intakes_form",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, version): (String, String) = (r.get(0)?, r.get(1)?);
        if !known.contains(&(id.as_str(), version.as_str())) {
            return Ok(true);
        }
    }
    Ok(false)
}

impl Desk {
    /// Records a form definition the first time it is used (the bot and exports call this), so
    /// later exports can line up answers from it.
    pub fn remember_form(&self, form: &Form) -> Result<()> {
        let now = self.now_ms();
        remember(&self.db().conn(), form, now)?;
        Ok(())
    }
}
