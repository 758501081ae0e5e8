//! What the engine asks for besides replies, written in the processor's transaction.
use rusqlite::{params, Connection};
use serde_json::json;

use crate::audit::{self, Action};
use crate::engine::Effect;
use crate::store::StoreError;

pub fn apply(
    conn: &Connection,
    conversation: i64,
    effects: &[Effect],
    now_ms: i64,
) -> Result<(), StoreError> {
    let subject = format!("conversation:{conversation}");
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
                conn.execute(
                    "INSERT INTO intakes (conversation_id, form_id, form_version, lang, answers, submitted_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        conversation,
                        form_id,
                        form_version,
                        lang,
                        serde_json::to_string(answers).unwrap_or_else(|_| "{}".into()),
                        now_ms
                    ],
                )?;
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
            Effect::HandoverRequested { wamid, at } => event(
                conn,
                conversation,
                "handover_requested",
                now_ms,
                json!({"wamid": wamid, "at": at.to_rfc3339()}),
            )?,
            Effect::Abandoned { last_activity } => event(
                conn,
                conversation,
                "abandoned",
                now_ms,
                json!({"lastActivity": last_activity.to_rfc3339()}),
            )?,
        }
    }
    Ok(())
}

fn event(
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
