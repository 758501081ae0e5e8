//! Turns stored inbound messages into the engine's decisions. Per patient, in timestamp order,
//! in ONE transaction: the new conversation state, the outbox rows, the effects (consent in the
//! audit chain, submitted intakes, media to fetch, events for staff) and `processed_at` on the
//! messages. A crash before the commit replays the same messages; after it, none of them is
//! handled again. That is what makes it exactly once per wamid. Idle intakes get a Tick the
//! same way (see `ticks`), so they are marked abandoned without waiting for the patient.
mod effects;
mod ticks;

pub(crate) use effects::event as bot_event;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use crate::engine::{self, Event, Settings, State, Step};
use crate::events::DeskEvent;
use crate::form::Form;
use crate::store::StoreError;
use crate::whatsapp::{self, Content};
use crate::{outbox, reminders, Desk, Result};

/// Messages per patient per transaction: a flood waits for the next round, it does not make one
/// transaction huge.
const PER_PATIENT: i64 = 200;
const PATIENTS_PER_ROUND: i64 = 500;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ProcessReport {
    pub patients: usize,
    pub messages: usize,
    pub replies: usize,
    /// Conversations whose idle deadline had passed and that were sent a Tick.
    pub ticked: usize,
}

pub struct Processor {
    desk: Arc<Desk>,
    form: Arc<Form>,
    settings: Settings,
}

struct Row {
    wamid: String,
    phone_number_id: String,
    body: String,
}

impl Processor {
    pub fn new(desk: Arc<Desk>, form: Arc<Form>, settings: Settings) -> Self {
        Self {
            desk,
            form,
            settings,
        }
    }

    /// Handles everything pending now. Blocking: call it from a blocking thread.
    pub fn run_once(&self) -> Result<ProcessReport> {
        let patients = self.pending_patients()?;
        let mut report = ProcessReport::default();
        for wa_id in patients {
            let (messages, replies) = self.process_patient(&wa_id)?;
            report.patients += 1;
            report.messages += messages;
            report.replies += replies;
        }
        report.messages += self.drop_unaddressable()?;
        // After the messages: a patient who wrote before their deadline must be answered,
        // not abandoned.
        let (ticked, replies) = self.tick_idle()?;
        report.ticked += ticked;
        report.replies += replies;
        Ok(report)
    }

    fn pending_patients(&self) -> Result<Vec<String>> {
        let conn = self.desk.db().conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT DISTINCT wa_from FROM inbound_messages
                 WHERE processed_at IS NULL AND wa_from IS NOT NULL LIMIT ?1",
            )
            .map_err(StoreError::from)?;
        let rows = stmt
            .query_map([PATIENTS_PER_ROUND], |r| r.get(0))
            .map_err(StoreError::from)?;
        Ok(rows.collect::<Result<_, _>>().map_err(StoreError::from)?)
    }

    /// Messages from username-only users (no number) cannot be answered by number yet; they
    /// stay stored and are marked handled so they do not block the queue.
    fn drop_unaddressable(&self) -> Result<usize> {
        let now = self.desk.now_ms();
        let n = self.desk.write(|tx| {
            Ok(tx
                .execute(
                    "UPDATE inbound_messages SET processed_at = ?1
                     WHERE processed_at IS NULL AND wa_from IS NULL",
                    [now],
                )
                .map_err(StoreError::from)?)
        })?;
        if n > 0 {
            tracing::warn!(
                count = n,
                "messages without a phone number were stored but not answered"
            );
        }
        Ok(n)
    }

    fn process_patient(&self, wa_id: &str) -> Result<(usize, usize)> {
        let now = self.desk.clock_now();
        let now_ms = now.timestamp_millis();
        let (messages, replies, events) = self.desk.write(|tx| {
            let rows = pending_rows(tx, wa_id)?;
            let (conversation_id, state) = load_conversation(tx, wa_id, now_ms)?;
            let events: Vec<Event> = rows.iter().filter_map(to_event).collect();
            let last_inbound = events
                .iter()
                .filter_map(|e| match e {
                    Event::Inbound(m) => Some(m.timestamp.timestamp()),
                    _ => None,
                })
                .max();
            // Appointment answers and STOP / START are the desk's, never intake answers.
            let answered =
                reminders::take_answers(tx, conversation_id, wa_id, &state, events, now_ms)?;
            let mut step =
                engine::step_batch(&self.form, &state, &answered.rest, now, &self.settings);
            step.state.handover |= answered.handover;
            // Blue ticks for the newest message, ahead of the reply; while staff have the
            // conversation, the ticks are theirs to give when they read it.
            if let Some(newest) = rows.last().filter(|_| !step.state.handover) {
                outbox::enqueue_read(tx, wa_id, &newest.wamid, now_ms)?;
            }
            for reply in &answered.replies {
                outbox::enqueue(tx, wa_id, reply, now_ms)?;
            }
            let mut events =
                self.commit_step(tx, conversation_id, wa_id, &step, last_inbound, now_ms)?;
            events.extend(answered.events);
            let mut mark = tx
                .prepare_cached("UPDATE inbound_messages SET processed_at = ?2 WHERE wamid = ?1")
                .map_err(StoreError::from)?;
            for r in &rows {
                mark.execute(params![r.wamid, now_ms])
                    .map_err(StoreError::from)?;
            }
            Ok((
                rows.len(),
                step.outgoing.len() + answered.replies.len(),
                events,
            ))
        })?;
        // Only now that the transaction has committed: the window may read what they name.
        for event in events {
            self.desk.events().publish(event);
        }
        Ok((messages, replies))
    }

    fn commit_step(
        &self,
        conn: &Connection,
        conversation_id: i64,
        wa_id: &str,
        step: &Step,
        last_inbound: Option<i64>,
        now_ms: i64,
    ) -> Result<Vec<DeskEvent>, StoreError> {
        commit_step(
            conn,
            &self.settings,
            conversation_id,
            wa_id,
            step,
            last_inbound,
            now_ms,
        )
    }
}

/// Writes what one step decided, inside the caller's transaction: the state with its next
/// idle deadline, the replies, the effects. Messages, ticks and the inbox's hand-back all go
/// through here so none can forget a part.
pub(crate) fn commit_step(
    conn: &Connection,
    settings: &Settings,
    conversation_id: i64,
    wa_id: &str,
    step: &Step,
    last_inbound: Option<i64>,
    now_ms: i64,
) -> Result<Vec<DeskEvent>, StoreError> {
    let idle_at = engine::idle_deadline(&step.state, settings).map(|d| d.timestamp_millis());
    save_conversation(
        conn,
        conversation_id,
        &step.state,
        last_inbound,
        idle_at,
        now_ms,
    )?;
    for out in &step.outgoing {
        outbox::enqueue(conn, wa_id, &out.to_graph_json(wa_id), now_ms)?;
    }
    effects::apply(conn, conversation_id, &step.effects, now_ms)
}

fn pending_rows(conn: &Connection, wa_id: &str) -> Result<Vec<Row>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT wamid, phone_number_id, body FROM inbound_messages
         WHERE wa_from = ?1 AND processed_at IS NULL
         ORDER BY sent_at, received_at, wamid LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![wa_id, PER_PATIENT], |r| {
        Ok(Row {
            wamid: r.get(0)?,
            phone_number_id: r.get(1)?,
            body: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn load_conversation(
    conn: &Connection,
    wa_id: &str,
    now_ms: i64,
) -> Result<(i64, State), StoreError> {
    let found: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, state FROM conversations WHERE wa_id = ?1",
            [wa_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match found {
        Some((id, json)) => {
            // A state written by an older engine that no longer parses starts afresh rather
            // than blocking the patient; the old JSON stays in the row's history via the log.
            let state = parse_state(id, &json).unwrap_or_default();
            Ok((id, state))
        }
        None => {
            conn.execute(
                "INSERT INTO conversations (wa_id, state, updated_at) VALUES (?1, '{}', ?2)",
                params![wa_id, now_ms],
            )?;
            Ok((conn.last_insert_rowid(), State::default()))
        }
    }
}

pub(crate) fn parse_state(id: i64, json: &str) -> Option<State> {
    let state = serde_json::from_str(json).ok();
    if state.is_none() {
        tracing::warn!(conversation = id, "conversation state unreadable");
    }
    state
}

pub(crate) fn save_conversation(
    conn: &Connection,
    id: i64,
    state: &State,
    last_inbound: Option<i64>,
    idle_at: Option<i64>,
    now_ms: i64,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(state).unwrap_or_else(|_| "{}".into());
    conn.execute(
        "UPDATE conversations SET state = ?2, updated_at = ?3,
             last_inbound_at = max(coalesce(last_inbound_at, 0), coalesce(?4, 0)), idle_at = ?5
         WHERE id = ?1",
        params![id, json, now_ms, last_inbound, idle_at],
    )?;
    Ok(())
}

fn to_event(row: &Row) -> Option<Event> {
    let raw: Value = serde_json::from_str(&row.body).ok()?;
    let m = whatsapp::parse_message(&raw, &row.phone_number_id)?;
    let timestamp = DateTime::<Utc>::from_timestamp(m.timestamp, 0)?;
    let content = match m.content {
        Content::Text { body } => engine::Content::Text { body },
        Content::ButtonReply { id, title } => engine::Content::ButtonReply { id, title },
        Content::ListReply { id, title } => engine::Content::ListReply { id, title },
        Content::TemplateButton { payload, text } => engine::Content::ButtonReply {
            id: payload,
            title: text,
        },
        Content::Media(media) => engine::Content::Media {
            media_id: media.id,
            sha256: media.sha256.unwrap_or_default(),
            mime: media.mime_type.unwrap_or_default(),
        },
        Content::Location {
            latitude,
            longitude,
            ..
        } => engine::Content::Location {
            latitude,
            longitude,
        },
        Content::Contacts => engine::Content::Other {
            kind: "contacts".into(),
        },
        Content::Reaction { .. } => engine::Content::Other {
            kind: "reaction".into(),
        },
        Content::System { kind, .. } => engine::Content::Other {
            kind: format!("system/{kind}"),
        },
        Content::Unsupported => engine::Content::Other {
            kind: "unsupported".into(),
        },
        Content::Other { kind } => engine::Content::Other { kind },
    };
    Some(Event::Inbound(engine::Inbound {
        wamid: m.wamid,
        from: m.from,
        timestamp,
        content,
    }))
}
