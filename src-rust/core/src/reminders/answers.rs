//! The patient's answers to appointment messages, taken out of a batch before the intake engine
//! sees it: a tapped Confirm / Reschedule / Cancel (`appt:<id>:<action>`, as a reply button or
//! a template's quick reply) and STOP / START. A patient in the middle of an intake who taps
//! Confirm must not have "Confirm" taken as a form answer; their other messages still go to
//! the engine.
//!
//! A tap only ever acts on an appointment of the conversation it came from: someone else's id,
//! an unknown or malformed one, a cancelled or past appointment change nothing (the patient is
//! told politely).
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use super::optout::{self, Word};
use super::plan::skip_all;
use super::texts::{ack, Ack};
use super::PatientAnswer;
use crate::audit::{self, Action};
use crate::engine::{self, Event, Outgoing, Phase, State};
use crate::events::{first_name, DeskEvent};
use crate::store::StoreError;
use crate::templates::compose::clinic;
use crate::templates::ready_made::Lang;
use crate::Result;

/// What staff read as the reason of a cancellation made on WhatsApp.
pub(crate) const PATIENT_CANCEL_REASON: &str = "Cancelled by the patient on WhatsApp";
/// Longer payloads are not ours (ours are `appt:` + at most 19 digits + an action).
const MAX_PAYLOAD: usize = 64;

/// What the desk did with a batch before the engine.
#[derive(Debug, Default)]
pub(crate) struct Answered {
    /// The messages left for the engine, in their order.
    pub rest: Vec<Event>,
    /// Acknowledgements to queue (Graph payloads, as the engine's replies are queued).
    pub replies: Vec<Value>,
    /// For the window, after the commit.
    pub events: Vec<DeskEvent>,
    /// The patient asked for a new time: the conversation goes to the front desk (the
    /// engine's hand-over, so the bot stays quiet until staff give it back).
    pub handover: bool,
}

/// Splits `events` into the patient's appointment answers and STOP / START (handled here, in
/// the caller's transaction) and the rest (returned for the engine).
pub(crate) fn take_answers(
    conn: &Connection,
    conversation_id: i64,
    wa_id: &str,
    state: &State,
    events: Vec<Event>,
    now_ms: i64,
) -> Result<Answered> {
    let mut out = Answered::default();
    let mut lang = None;
    for event in events {
        let Event::Inbound(m) = &event else {
            out.rest.push(event);
            continue;
        };
        let what = match &m.content {
            engine::Content::ButtonReply { id, .. } if id.starts_with("appt:") => Some(answer(
                conn,
                conversation_id,
                id,
                &m.wamid,
                now_ms,
                &mut out,
            )?),
            engine::Content::Text { body } => match optout::word(body) {
                Some(Word::Stop) => {
                    optout::stop(conn, conversation_id, wa_id, &m.wamid, now_ms)?;
                    flag_changed(conn, conversation_id, now_ms, &mut out)?;
                    // STOP also ends an intake under way, as the engine's own keyword does:
                    // the patient gets both answers.
                    if in_progress(state) {
                        out.rest.push(event.clone());
                    }
                    Some(Ack::Stopped)
                }
                Some(Word::Start)
                    if optout::start(conn, conversation_id, wa_id, &m.wamid, now_ms)? =>
                {
                    flag_changed(conn, conversation_id, now_ms, &mut out)?;
                    Some(Ack::Resumed)
                }
                // "Start" from someone who never stopped is a greeting: the intake bot's.
                _ => None,
            },
            _ => None,
        };
        match what {
            Some(a) => {
                let lang = match lang {
                    Some(l) => l,
                    None => *lang.insert(language(conn, state)?),
                };
                let body = ack(a, lang).to_owned();
                out.replies
                    .push(Outgoing::Text { body }.to_graph_json(wa_id));
            }
            None => out.rest.push(event),
        }
    }
    Ok(out)
}

fn in_progress(state: &State) -> bool {
    matches!(
        state.phase,
        Phase::Asking { .. } | Phase::Review | Phase::Edit { .. }
    ) && !state.handover
}

/// The language the patient chose in the intake, else the clinic's first bot language.
fn language(conn: &Connection, state: &State) -> Result<Lang> {
    Ok(match &state.lang {
        Some(l) => Lang::of(l),
        None => Lang::of(&clinic(conn)?.1),
    })
}

/// The appointments' "reminders off" flag changed: their panels refetch.
fn flag_changed(
    conn: &Connection,
    conversation_id: i64,
    now_ms: i64,
    out: &mut Answered,
) -> Result<()> {
    for appointment_id in optout::upcoming(conn, conversation_id, now_ms)? {
        out.events
            .push(DeskEvent::AppointmentsChanged { appointment_id });
    }
    Ok(())
}

/// `appt:<id>:<action>` with a positive id and one of our actions.
fn parse(payload: &str) -> Option<(i64, PatientAnswer)> {
    if payload.len() > MAX_PAYLOAD {
        return None;
    }
    let mut parts = payload.split(':');
    let (Some("appt"), Some(id), Some(action), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let id: i64 = id.parse().ok().filter(|i| *i > 0)?;
    Some((id, PatientAnswer::parse(action)?))
}

struct Target {
    status: String,
    starts_at: i64,
    patient_name: String,
}

fn answer(
    conn: &Connection,
    conversation_id: i64,
    payload: &str,
    wamid: &str,
    now_ms: i64,
    out: &mut Answered,
) -> Result<Ack> {
    let Some((id, answer)) = parse(payload) else {
        return Ok(Ack::NotFound);
    };
    // The conversation is part of the key: an id of another patient's appointment reads as
    // unknown, exactly like an id that does not exist.
    let target = conn
        .query_row(
            "SELECT status, starts_at, patient_name FROM appointments
             WHERE id = ?1 AND conversation_id = ?2",
            params![id, conversation_id],
            |r| {
                Ok(Target {
                    status: r.get(0)?,
                    starts_at: r.get(1)?,
                    patient_name: r.get(2)?,
                })
            },
        )
        .optional()
        .map_err(StoreError::from)?;
    let Some(t) = target else {
        return Ok(Ack::NotFound);
    };
    if t.status == "cancelled" {
        return Ok(Ack::AlreadyCancelled);
    }
    if now_ms >= t.starts_at {
        return Ok(Ack::AlreadyStarted);
    }
    let reply = match answer {
        PatientAnswer::Confirm => {
            conn.execute(
                "UPDATE appointments SET status = 'confirmed', patient_answer = 'confirm',
                     patient_answer_at = ?2, updated_at = ?2
                 WHERE id = ?1",
                params![id, now_ms],
            )
            .map_err(StoreError::from)?;
            Ack::Confirmed
        }
        PatientAnswer::Cancel => {
            conn.execute(
                "UPDATE appointments SET status = 'cancelled', cancelled_at = ?2,
                     cancel_reason = ?3, patient_answer = 'cancel', patient_answer_at = ?2,
                     updated_at = ?2
                 WHERE id = ?1",
                params![id, now_ms, PATIENT_CANCEL_REASON],
            )
            .map_err(StoreError::from)?;
            skip_all(conn, id, "cancelled", now_ms)?;
            Ack::Cancelled
        }
        PatientAnswer::Reschedule => {
            conn.execute(
                "UPDATE appointments SET patient_answer = 'reschedule', patient_answer_at = ?2,
                     updated_at = ?2
                 WHERE id = ?1",
                params![id, now_ms],
            )
            .map_err(StoreError::from)?;
            // The same trail as the engine's "talk to staff": the inbox lists the conversation
            // as asking for staff, and the desk gets a notification.
            crate::processor::bot_event(
                conn,
                conversation_id,
                "handover_requested",
                now_ms,
                json!({"wamid": wamid, "appointment": id, "reason": "reschedule"}),
            )?;
            out.handover = true;
            out.events.push(DeskEvent::StaffRequested {
                conversation_id,
                first_name: first_name(&t.patient_name),
            });
            Ack::Reschedule
        }
    };
    audit::append(
        conn,
        now_ms,
        "patient",
        Action::AppointmentAnswered,
        &format!("appointment:{id}"),
        &json!({ "answer": answer.as_str(), "conversation": conversation_id, "wamid": wamid }),
    )?;
    out.events
        .push(DeskEvent::AppointmentsChanged { appointment_id: id });
    out.events
        .push(DeskEvent::ConversationChanged { conversation_id });
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_payloads_parse() {
        assert_eq!(parse("appt:42:confirm"), Some((42, PatientAnswer::Confirm)));
        assert_eq!(parse("appt:7:cancel"), Some((7, PatientAnswer::Cancel)));
        assert_eq!(
            parse("appt:7:reschedule"),
            Some((7, PatientAnswer::Reschedule))
        );
        for bad in [
            "appt:42",
            "appt::confirm",
            "appt:0:confirm",
            "appt:-1:confirm",
            "appt:+1:confirm",
            "appt:1e3:confirm",
            "appt: 42:confirm",
            "appt:42:Confirm",
            "appt:42:confirm:extra",
            "appt:42:delete",
            "appt:99999999999999999999:confirm",
            "APPT:42:confirm",
            "appt:٤٢:confirm",
            "continue:0",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(
            parse(&format!("appt:1:confirm{}", "x".repeat(10_000))),
            None
        );
    }
}
