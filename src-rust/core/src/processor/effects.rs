//! What the engine asks for besides replies, written in the processor's transaction. Returns
//! the events for the desktop window, which the processor publishes only once the transaction
//! has committed (an event for a rolled-back intake would send the window to a missing row).
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::audit::{self, Action};
use crate::engine::Effect;
use crate::events::{first_name, DeskEvent};
use crate::queue::{self, IntakeStatus, NewIntake, NAME_LINK_ID};
use crate::store::StoreError;

pub fn apply(
    conn: &Connection,
    conversation: i64,
    effects: &[Effect],
    now_ms: i64,
) -> Result<Vec<DeskEvent>, StoreError> {
    let subject = format!("conversation:{conversation}");
    let mut events = Vec::new();
    for effect in effects {
        match effect {
            Effect::Consent {
                wamid,
                at,
                consent_version,
                text_sha256,
                lang,
                granted,
            } => {
                // The evidence: which text (by hash and version), which reply, when. No PHI.
                let details = json!({
                    "wamid": wamid, "at": at.to_rfc3339(), "consentVersion": consent_version,
                    "textSha256": text_sha256, "lang": lang, "granted": granted,
                });
                audit::append(
                    conn,
                    now_ms,
                    "bot",
                    Action::ConsentRecorded,
                    &subject,
                    &details,
                )?;
            }
            Effect::Submitted {
                form_id,
                form_version,
                lang,
                answers,
            } => {
                let wa_id: String = conn.query_row(
                    "SELECT wa_id FROM conversations WHERE id = ?1",
                    [conversation],
                    |r| r.get(0),
                )?;
                let name = queue::patient_name(answers);
                let intake_id = queue::insert_intake(
                    conn,
                    &NewIntake {
                        conversation_id: conversation,
                        form_id,
                        form_version,
                        lang,
                        answers_json: &serde_json::to_string(answers)
                            .unwrap_or_else(|_| "{}".into()),
                        patient_name: &name,
                        wa_id: &wa_id,
                        submitted_at: now_ms,
                        status: IntakeStatus::New,
                        status_by: None,
                        status_at: None,
                    },
                )?;
                events.push(DeskEvent::IntakeSubmitted {
                    intake_id,
                    first_name: first_name(&name),
                });
            }
            Effect::FetchMedia {
                media_id,
                sha256,
                mime,
                link_id,
            } => {
                conn.execute(
                    "INSERT OR IGNORE INTO media_fetches (media_id, conversation_id, link_id, sha256, mime, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![media_id, conversation, link_id, sha256, mime, now_ms],
                )?;
            }
            Effect::Withdrawn { wamid, at } => event(
                conn,
                conversation,
                "withdrawn",
                now_ms,
                json!({"wamid": wamid, "at": at.to_rfc3339()}),
            )?,
            Effect::HandoverRequested { wamid, at } => {
                event(
                    conn,
                    conversation,
                    "handover_requested",
                    now_ms,
                    json!({"wamid": wamid, "at": at.to_rfc3339()}),
                )?;
                events.push(DeskEvent::StaffRequested {
                    conversation_id: conversation,
                    first_name: known_name(conn, conversation)?
                        .as_deref()
                        .and_then(first_name),
                });
            }
            Effect::Abandoned { last_activity } => event(
                conn,
                conversation,
                "abandoned",
                now_ms,
                json!({"lastActivity": last_activity.to_rfc3339()}),
            )?,
        }
    }
    Ok(events)
}

/// The patient's name if they have given it: from the intake in progress (the state this
/// transaction just saved), else from their latest submitted intake.
fn known_name(conn: &Connection, conversation: i64) -> Result<Option<String>, StoreError> {
    let state: Option<String> = conn
        .query_row(
            "SELECT state FROM conversations WHERE id = ?1",
            [conversation],
            |r| r.get(0),
        )
        .optional()?;
    let in_progress = state
        .and_then(|s| serde_json::from_str::<Value>(&s).ok())
        .and_then(|v| {
            let answer = &v["answers"][NAME_LINK_ID];
            (answer["type"] == "text")
                .then(|| answer["value"].as_str().map(str::to_owned))
                .flatten()
        });
    if in_progress.is_some() {
        return Ok(in_progress);
    }
    Ok(conn
        .query_row(
            "SELECT patient_name FROM intakes WHERE conversation_id = ?1 ORDER BY id DESC LIMIT 1",
            [conversation],
            |r| r.get(0),
        )
        .optional()?)
}

/// A row of `bot_events`, the trail the inbox and the notifications read.
pub(crate) fn event(
    conn: &Connection,
    conversation: i64,
    kind: &str,
    now_ms: i64,
    details: serde_json::Value,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO bot_events (conversation_id, kind, at, details) VALUES (?1, ?2, ?3, ?4)",
        params![conversation, kind, now_ms, details.to_string()],
    )?;
    Ok(())
}
