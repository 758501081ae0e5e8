//! A doctor's review: the status, who set it and when, and an optional note, written with its
//! audit row in one transaction. The audit row says whether a note was added, never what it says.
use rusqlite::{params, OptionalExtension};
use serde_json::json;

use super::detail::{build, intake_not_found, load};
use super::subject;
use super::types::{IntakeDetail, ReviewRequest};
use crate::audit::{self, Action};
use crate::auth::{allows, Permission};
use crate::events::DeskEvent;
use crate::form::text::sanitize;
use crate::form::Form;
use crate::store::StoreError;
use crate::{Desk, Error, Result};

pub const MAX_NOTE_CHARS: usize = 4000;

/// Control characters (but newlines and tabs) and bidi overrides removed, trimmed; an empty
/// note is no note.
pub(crate) fn clean_note(raw: Option<&str>) -> Result<Option<String>> {
    let Some(text) = raw.map(sanitize).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(Error::invalid(
            "invalid.note",
            "A note can be at most 4,000 characters. Shorten it and save again.",
        ));
    }
    Ok(Some(text))
}

impl Desk {
    /// Sets an intake's status (and adds a note); returns the intake as the reviewer sees it.
    pub fn review_intake(
        &self,
        session: &str,
        form: &Form,
        id: i64,
        r: &ReviewRequest,
    ) -> Result<IntakeDetail> {
        let actor = self.authorize(session, Permission::ReviewIntake)?;
        let note = clean_note(r.note.as_deref())?;
        let now = self.now_ms();
        self.write(|tx| {
            // The name as it reads today; a later rename does not rewrite history.
            let by: String = tx
                .query_row(
                    "SELECT display_name FROM staff WHERE id = ?1",
                    [actor.user_id],
                    |row| row.get(0),
                )
                .optional()
                .map_err(StoreError::from)?
                .unwrap_or_else(|| actor.username.clone());
            let changed = tx
                .execute(
                    "UPDATE intakes SET status = ?2, status_by = ?3, status_at = ?4 WHERE id = ?1",
                    params![id, r.status.as_str(), by, now],
                )
                .map_err(StoreError::from)?;
            if changed == 0 {
                return Err(intake_not_found());
            }
            if let Some(text) = &note {
                tx.execute(
                    "INSERT INTO intake_notes (intake_id, author, at, text) VALUES (?1, ?2, ?3, ?4)",
                    params![id, by, now, text],
                )
                .map_err(StoreError::from)?;
            }
            audit::append(
                tx,
                now,
                &actor.audit_name(),
                Action::IntakeReviewed,
                &subject(id),
                &json!({ "status": r.status.as_str(), "note": note.is_some() }),
            )?;
            Ok(())
        })?;
        self.events()
            .publish(DeskEvent::IntakeUpdated { intake_id: id });
        // The review's audit row already records that this person had the intake open.
        let conn = self.db().conn();
        let stored = load(&conn, id)?;
        Ok(build(
            &conn,
            form,
            &stored,
            allows(actor.role, Permission::ViewClinical),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_cleaned_and_bounded() {
        assert_eq!(clean_note(None).ok(), Some(None));
        assert_eq!(clean_note(Some("  \n ")).ok(), Some(None));
        assert_eq!(
            clean_note(Some(" Call back\r\n\tabout \u{7}results\u{202E} ")).ok(),
            Some(Some("Call back\n\tabout results".into()))
        );
        assert!(clean_note(Some(&"x".repeat(MAX_NOTE_CHARS))).is_ok());
        assert_eq!(
            clean_note(Some(&"é".repeat(MAX_NOTE_CHARS + 1)))
                .err()
                .map(|e| e.code()),
            Some("invalid.note")
        );
    }
}
