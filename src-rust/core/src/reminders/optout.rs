//! STOP and START: a patient who replies STOP (or UNSUBSCRIBE, or BAJA) gets no appointment
//! messages until they reply START. Only the whole message counts, so "stop the bleeding" is an
//! answer, not an opt-out.
use rusqlite::{params, Connection};
use serde_json::json;

use crate::audit::{self, Action};
use crate::form::text::fold;
use crate::store::StoreError;
use crate::Result;

/// Longer messages are never a keyword (and are not folded: a 10,000-character text costs
/// nothing here).
const MAX_KEYWORD_BYTES: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Word {
    Stop,
    Start,
}

/// The keyword a whole message is, ignoring case, accents, spaces and anything around it that
/// is not a letter or digit ("Stop!", "*STOP*", "stop 🛑").
pub(crate) fn word(text: &str) -> Option<Word> {
    if text.len() > MAX_KEYWORD_BYTES {
        return None;
    }
    let folded = fold(text);
    let core = folded.trim_matches(|c: char| !c.is_alphanumeric());
    match core {
        "stop" | "unsubscribe" | "baja" => Some(Word::Stop),
        "start" | "alta" => Some(Word::Start),
        _ => None,
    }
}

/// Records the opt-out (once: a second STOP keeps the first one's time) with its audit row.
/// Planned messages stay planned and are skipped as `opted_out` when due, so START before
/// then brings them back.
pub(crate) fn stop(
    conn: &Connection,
    conversation_id: i64,
    wa_id: &str,
    wamid: &str,
    now_ms: i64,
) -> Result<bool> {
    let added = conn
        .execute(
            "INSERT OR IGNORE INTO reminder_optouts (wa_id, at, wamid) VALUES (?1, ?2, ?3)",
            params![wa_id, now_ms, wamid],
        )
        .map_err(StoreError::from)?
        > 0;
    if added {
        audit::append(
            conn,
            now_ms,
            "patient",
            Action::RemindersStopped,
            &format!("conversation:{conversation_id}"),
            &json!({ "wamid": wamid }),
        )?;
    }
    Ok(added)
}

/// Lifts the opt-out; `false` when there was none (the word then goes to the intake bot).
pub(crate) fn start(
    conn: &Connection,
    conversation_id: i64,
    wa_id: &str,
    wamid: &str,
    now_ms: i64,
) -> Result<bool> {
    let removed = conn
        .execute("DELETE FROM reminder_optouts WHERE wa_id = ?1", [wa_id])
        .map_err(StoreError::from)?
        > 0;
    if removed {
        audit::append(
            conn,
            now_ms,
            "patient",
            Action::RemindersResumed,
            &format!("conversation:{conversation_id}"),
            &json!({ "wamid": wamid }),
        )?;
    }
    Ok(removed)
}

/// The patient's appointments still ahead, whose "reminders off" flag just changed.
pub(crate) fn upcoming(conn: &Connection, conversation_id: i64, now_ms: i64) -> Result<Vec<i64>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id FROM appointments
             WHERE conversation_id = ?1 AND starts_at > ?2 AND status <> 'cancelled'
             ORDER BY starts_at",
        )
        .map_err(StoreError::from)?;
    let ids = stmt
        .query_map(params![conversation_id, now_ms], |r| r.get(0))
        .map_err(StoreError::from)?
        .collect::<rusqlite::Result<Vec<i64>>>()
        .map_err(StoreError::from)?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_whole_message_is_a_keyword() {
        for yes in [
            "STOP",
            "stop",
            " Stop! ",
            "*STOP*",
            "stop 🛑",
            "Unsubscribe.",
            "BAJA",
            "bája",
            "\tstop\n",
        ] {
            assert_eq!(word(yes), Some(Word::Stop), "{yes:?}");
        }
        for yes in ["START", "start!", " Alta "] {
            assert_eq!(word(yes), Some(Word::Start), "{yes:?}");
        }
        for no in [
            "stop the bleeding",
            "please stop",
            "stopp",
            "s t o p",
            "🛑",
            "",
            "   ",
            "ＳＴＯＰ",
            "start over",
            "stop\u{200B}stop",
            "restart",
        ] {
            assert_eq!(word(no), None, "{no:?}");
        }
        assert_eq!(word(&"stop ".repeat(2000)), None);
        assert_eq!(word(&format!("stop{}", "!".repeat(10_000))), None);
    }
}
