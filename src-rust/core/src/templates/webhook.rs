//! Meta's `message_template_status_update` webhook: a template was approved, rejected, paused,
//! disabled... Applied by the webhook writer inside the same transaction that stores the body
//! (`ingest`), so a status is never lost between the 200 and the library.
//!
//! ```json
//! {"field": "message_template_status_update",
//!  "value": {"event": "APPROVED", "message_template_id": 123456,
//!            "message_template_name": "appointment_reminder_24h",
//!            "message_template_language": "en", "reason": "NONE",
//!            "message_template_category": "UTILITY"}}
//! ```
use rusqlite::Connection;
use serde_json::Value;

use super::parse::{id, word, MAX_LANGUAGE, MAX_NAME, MAX_REASON, MAX_WORD};
use super::store::{self, StatusUpdate};
use crate::store::StoreError;

/// The change's `field` for template status updates.
pub(crate) const FIELD: &str = "message_template_status_update";

/// Reads one change's `value`; `None` when it cannot be tied to a template or has no event.
pub(crate) fn parse(v: &Value) -> Option<StatusUpdate> {
    let event = word(v, "event", MAX_WORD)?.to_ascii_uppercase();
    if !event.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        return None;
    }
    let update = StatusUpdate {
        // Meta sends the id as a JSON number; a string of digits is accepted too.
        meta_id: id(v, "message_template_id"),
        name: word(v, "message_template_name", MAX_NAME),
        language: word(v, "message_template_language", MAX_LANGUAGE),
        event,
        reason: word(v, "reason", MAX_REASON).filter(|r| !r.eq_ignore_ascii_case("NONE")),
        category: word(v, "message_template_category", MAX_WORD),
    };
    (update.meta_id.is_some() || (update.name.is_some() && update.language.is_some()))
        .then_some(update)
}

/// Applies one webhook change, in the caller's transaction. Returns whether the library
/// changed; a change that cannot be read is left alone (it stays in the stored body).
pub(crate) fn apply(conn: &Connection, value: &Value, now_ms: i64) -> Result<bool, StoreError> {
    let Some(update) = parse(value) else {
        tracing::warn!("a template status webhook could not be read; it was stored and ignored");
        return Ok(false);
    };
    store::apply_status(conn, &update, now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_metas_shape_and_refuses_junk() {
        let u = parse(&json!({"event": "REJECTED", "message_template_id": 123456,
            "message_template_name": "appointment_reminder_24h",
            "message_template_language": "en", "reason": "INCORRECT_CATEGORY"}))
        .unwrap();
        assert_eq!(u.meta_id.as_deref(), Some("123456"));
        assert_eq!(u.event, "REJECTED");
        assert_eq!(u.reason.as_deref(), Some("INCORRECT_CATEGORY"));
        let u = parse(&json!({"event": "approved", "message_template_id": "77", "reason": "NONE"}))
            .unwrap();
        assert_eq!((u.event.as_str(), u.reason), ("APPROVED", None));
        for junk in [
            json!(null),
            json!([]),
            json!({"event": "APPROVED"}),
            json!({"message_template_id": 1}),
            json!({"event": "APP ROVED", "message_template_id": 1}),
            json!({"event": "", "message_template_id": 1}),
            json!({"event": "APPROVED", "message_template_id": -1}),
            json!({"event": "APPROVED", "message_template_id": 1.5}),
            json!({"event": "APPROVED", "message_template_name": "x\u{0}", "message_template_language": "en"}),
            json!({"event": "APPROVED", "message_template_name": "x".repeat(600), "message_template_language": "en"}),
            json!({"event": "APPROVED", "message_template_name": "x"}),
            json!({"event": 5, "message_template_id": 1}),
        ] {
            assert_eq!(parse(&junk), None, "{junk}");
        }
    }
}
