//! Reading conversations for the inbox: who is waiting, why, since when, and one
//! conversation's view with its transcript.
//!
//! The inbox rule, in the order a conversation is classified:
//! 1. `held_by` is set: staff took it over ([`InboxReason::TakenOver`], since `held_at`).
//! 2. The engine's `state.handover` is true but nobody holds it: the patient asked for staff
//!    and the bot has gone quiet until someone gives it back ([`InboxReason::AskedForStaff`],
//!    since the newest `handover_requested` bot event). The engine's flag is the single
//!    source of truth because it is exactly what keeps the bot silent; a bot event alone would
//!    linger after a hand-back.
//! 3. A message to the patient stopped as `needs_staff` or `failed` (except an expired access
//!    token, which is the whole clinic's problem and is shown in Settings, not per patient)
//!    after both the patient's last message and the last hand-back
//!    ([`InboxReason::SendProblem`], since the oldest such message). A new message from the
//!    patient or a hand-back settles it: the bot answers anew from there.
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::transcript::for_number;
use super::types::{ConversationView, InboxItem, InboxReason};
use crate::engine::State;
use crate::processor::parse_state;
use crate::store::StoreError;

/// Meta's customer-service window: free text is allowed this long after the patient's last
/// message.
pub(crate) const WINDOW_MS: i64 = 24 * 3600 * 1000;

/// One `conversations` row with the engine state parsed.
#[derive(Debug, Clone)]
pub(crate) struct Conv {
    pub id: i64,
    pub wa_id: String,
    pub state: State,
    /// Unix seconds (Meta's clock).
    pub last_inbound_at: Option<i64>,
    pub held_by: Option<String>,
    pub held_at: Option<i64>,
}

impl Conv {
    /// When free text stops being allowed (unix ms); `None` if the patient never wrote.
    pub fn window_closes_at(&self) -> Option<i64> {
        self.last_inbound_at
            .map(|s| s.saturating_mul(1000).saturating_add(WINDOW_MS))
    }

    pub fn asked_for_staff(&self) -> bool {
        self.state.handover && self.held_by.is_none()
    }
}

const COLUMNS: &str = "c.id, c.wa_id, c.state, c.last_inbound_at, c.held_by, c.held_at";

fn conv_from(r: &Row<'_>) -> rusqlite::Result<Conv> {
    let id: i64 = r.get(0)?;
    let json: String = r.get(2)?;
    Ok(Conv {
        id,
        wa_id: r.get(1)?,
        // An unreadable state is treated as a fresh one, as the processor does.
        state: parse_state(id, &json).unwrap_or_default(),
        // 0 is what a save without any patient message leaves: nobody wrote.
        last_inbound_at: r.get::<_, Option<i64>>(3)?.filter(|s| *s > 0),
        held_by: r.get(4)?,
        held_at: r.get(5)?,
    })
}

pub(crate) fn load(conn: &Connection, id: i64) -> Result<Option<Conv>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM conversations c WHERE c.id = ?1"),
            [id],
            conv_from,
        )
        .optional()?)
}

/// E.164 with the plus, as staff dial it; WhatsApp ids are the digits alone.
pub(crate) fn phone(wa_id: &str) -> String {
    if wa_id.starts_with('+') {
        wa_id.to_owned()
    } else {
        format!("+{wa_id}")
    }
}

/// The name the patient gave in the intake under way, else in their latest submitted one.
pub(crate) fn patient_name(conn: &Connection, c: &Conv) -> Result<Option<String>, StoreError> {
    if let Some(crate::form::Answer::Text(name)) = c.state.answers.get("full_name") {
        if !name.trim().is_empty() {
            return Ok(Some(name.trim().to_owned()));
        }
    }
    let stored: Option<Option<String>> = conn
        .query_row(
            "SELECT CASE WHEN json_valid(answers)
                    THEN json_extract(answers, '$.full_name.value') END
             FROM intakes WHERE conversation_id = ?1 ORDER BY id DESC LIMIT 1",
            [c.id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(stored
        .flatten()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty()))
}

fn latest_intake(conn: &Connection, id: i64) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT max(id) FROM intakes WHERE conversation_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

pub(crate) fn view(
    conn: &Connection,
    c: &Conv,
    now_ms: i64,
) -> Result<ConversationView, StoreError> {
    Ok(ConversationView {
        conversation_id: c.id,
        patient_phone: phone(&c.wa_id),
        patient_name: patient_name(conn, c)?,
        taken_over: c.held_by.is_some(),
        held_by: c.held_by.clone(),
        window_closes_at: c.window_closes_at(),
        now: now_ms,
        asked_for_staff: c.asked_for_staff(),
        messages: for_number(conn, &c.wa_id)?,
        latest_intake_id: latest_intake(conn, c.id)?,
    })
}

/// Every conversation that needs a person (see the module's rule), longest waiting first.
pub(crate) fn inbox(conn: &Connection) -> Result<Vec<InboxItem>, StoreError> {
    // Candidates first, each through a partial index (held, handed over, a stopped send), so
    // the cost follows the inbox's size, not the clinic's years of conversations; the rule is
    // then applied to those rows only. The handover CASE matches conversations_handover.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT * FROM (
           SELECT {COLUMNS},
             (SELECT max(b.at) FROM bot_events b
               WHERE b.conversation_id = c.id AND b.kind = 'handover_requested') AS asked_at,
             (SELECT min(o.created_at) FROM outbox o
               WHERE o.wa_to = c.wa_id AND o.state IN ('needs_staff', 'failed')
                 AND o.kind = 'message' AND coalesce(o.error_code, 0) <> 190
                 AND o.created_at > max(coalesce(c.last_inbound_at, 0) * 1000,
                                        coalesce(c.released_at, 0))) AS problem_at,
             c.updated_at,
             CASE WHEN json_valid(c.state)
                  THEN coalesce(json_extract(c.state, '$.handover'), 0) ELSE 0 END AS handover
           FROM conversations c
           WHERE c.id IN (
             SELECT id FROM conversations WHERE held_by IS NOT NULL
             UNION
             SELECT id FROM conversations
               WHERE CASE WHEN json_valid(state) THEN json_extract(state, '$.handover') END = 1
             UNION
             SELECT c2.id FROM outbox o2 JOIN conversations c2 ON c2.wa_id = o2.wa_to
               WHERE o2.state IN ('needs_staff', 'failed')))
         WHERE held_by IS NOT NULL OR handover = 1 OR problem_at IS NOT NULL"
    ))?;
    let rows = stmt.query_map([], |r| {
        let asked_at: Option<i64> = r.get(6)?;
        let problem_at: Option<i64> = r.get(7)?;
        let updated_at: i64 = r.get(8)?;
        Ok((conv_from(r)?, asked_at, problem_at, updated_at))
    })?;
    let mut items = Vec::new();
    for row in rows {
        let (c, asked_at, problem_at, updated_at) = row?;
        let (reason, since) = if let Some(held_at) = c.held_by.as_ref().and(c.held_at) {
            (InboxReason::TakenOver, held_at)
        } else if c.state.handover {
            (InboxReason::AskedForStaff, asked_at.unwrap_or(updated_at))
        } else if let Some(at) = problem_at {
            (InboxReason::SendProblem, at)
        } else {
            // held_by without held_at cannot be written by this code; still show it.
            (InboxReason::TakenOver, updated_at)
        };
        items.push(InboxItem {
            conversation_id: c.id,
            patient_phone: phone(&c.wa_id),
            patient_name: patient_name(conn, &c)?,
            reason,
            since,
            held_by: c.held_by.clone(),
            window_closes_at: c.window_closes_at(),
        });
    }
    items.sort_by_key(|i| (i.since, i.conversation_id));
    Ok(items)
}

/// Marks staff as holding the conversation: the bot goes quiet (the engine's `handover`, which
/// is all `Event::StaffTakeover` does) and no idle tick can abandon the intake meanwhile.
pub(crate) fn hold(conn: &Connection, c: &Conv, by: &str, now_ms: i64) -> Result<(), StoreError> {
    let mut state = c.state.clone();
    state.handover = true;
    let json = serde_json::to_string(&state).map_err(|_| StoreError::WriteFailed)?;
    conn.execute(
        "UPDATE conversations SET state = ?2, idle_at = NULL, updated_at = ?3, held_by = ?4,
             held_at = ?3
         WHERE id = ?1",
        params![c.id, json, now_ms, by],
    )?;
    Ok(())
}

/// Blue ticks for the patient's newest message, once: the processor leaves them to staff
/// while staff have the conversation, and taking it over or replying is reading it.
pub(crate) fn mark_read(conn: &Connection, wa_id: &str, now_ms: i64) -> Result<(), StoreError> {
    let newest: Option<String> = conn
        .query_row(
            "SELECT wamid FROM inbound_messages WHERE wa_from = ?1
             ORDER BY received_at DESC, rowid DESC LIMIT 1",
            [wa_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(wamid) = newest else {
        return Ok(());
    };
    let queued: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE wa_to = ?1 AND kind = 'read'
             AND json_extract(payload, '$.message_id') = ?2)",
        params![wa_id, wamid],
        |r| r.get(0),
    )?;
    if !queued {
        crate::outbox::enqueue_read(conn, wa_id, &wamid, now_ms)?;
    }
    Ok(())
}
