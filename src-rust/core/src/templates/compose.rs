//! One appointment message, composed: the ONE place that turns an event and an appointment's
//! facts into what the patient reads, for the reminder that goes out and for the admin's
//! preview alike.
//!
//! ```ignore
//! pub struct Facts { appointment_id, conversation_id, first_name, clinic_name, starts_at_ms,
//!                    clinician, location, link, language }
//! pub fn facts_for(conn: &Connection, appointment_id: i64) -> Result<Facts>;
//! impl Facts { pub fn sample(language: &str, clinic_name: &str, starts_at_ms: i64) -> Facts }
//! pub struct Composed { text, buttons, text_payload, template_payload, template, problems }
//! pub fn compose(conn: &Connection, event: TemplateEvent, facts: &Facts) -> Result<Composed>;
//! pub(crate) fn window_open(conn: &Connection, conversation_id: i64, now_ms: i64) -> Result<bool>;
//! ```
//!
//! Payloads are Graph API `messages` bodies without `messaging_product` and `to` (the sender
//! adds them) and pass `outbox_check::validate`. Buttons answer with
//! `appt:<appointment id>:<confirm|reschedule|cancel>` (reply id inside the window, quick-reply
//! payload in a template); a button that does nothing answers `continue:<index>`.
//!
//! Values: whitespace (newlines, tabs, runs of spaces) is collapsed to one space, because Meta
//! refuses a template parameter with a newline, a tab or more than 4 spaces in a row, and each
//! value is cut at `fill::MAX_VALUE` characters. An empty value cannot go into a template (Meta
//! refuses empty parameters): it is sent as "-" and named in `problems`, so the admin sees it
//! in the preview. The free text simply leaves out the line that would hold it.
use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Value};

pub(crate) use super::fill::placeholders;
use super::fill::{clean, date_words, fill, time_words, tokens};
use super::filled::{fill_template, status_problem, template_json};
use super::ready_made::{self, Lang};
use super::store;
use super::types::{ButtonAction, ParamSource, TemplateEvent, TemplateStatus};
use crate::engine::limits::{MAX_BUTTONS, MAX_BUTTON_TITLE, MAX_INTERACTIVE_BODY};
use crate::store::{settings, StoreError};
use crate::{Error, Result};

/// Free text is allowed for 24 hours after the patient's last message; a message due right at
/// the edge could be refused while it waits in the outbox, so the desk stops earlier.
pub(crate) const WINDOW_SAFETY_MS: i64 = 10 * 60 * 1000;

/// What a message about one appointment says. Built by `facts_for` (or `Facts::sample`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub appointment_id: i64,
    pub conversation_id: i64,
    pub first_name: String,
    pub clinic_name: String,
    pub starts_at_ms: i64,
    pub clinician: String,
    pub location: String,
    /// The telehealth link, empty for an in-person visit.
    pub link: String,
    /// The clinic's first bot language (`en`, `es`): the built-in texts and dates use it.
    pub language: String,
}

impl Facts {
    /// Made-up facts for a preview without an appointment.
    pub fn sample(language: &str, clinic_name: &str, starts_at_ms: i64) -> Facts {
        let lang = Lang::of(language);
        Facts {
            appointment_id: 0,
            conversation_id: 0,
            first_name: ready_made::example(ParamSource::FirstName, lang).into(),
            clinic_name: clinic_name.into(),
            starts_at_ms,
            clinician: ready_made::example(ParamSource::Clinician, lang).into(),
            location: ready_made::example(ParamSource::Location, lang).into(),
            link: String::new(),
            language: lang.code().into(),
        }
    }
}

/// One message ready to queue, in both forms.
#[derive(Debug, Clone, PartialEq)]
pub struct Composed {
    /// What the patient reads in the free-text form (what the preview shows when that is how
    /// it would go).
    pub text: String,
    /// The free-text form's button titles.
    pub buttons: Vec<String>,
    /// Free text, with reply buttons when there are any: only inside the 24-hour window.
    pub text_payload: Value,
    /// The mapped template, filled: `None` when no approved, complete template is mapped.
    pub template_payload: Option<Value>,
    /// The template's text and buttons as the patient would read them, when one is mapped and
    /// in the library (approved or not).
    pub template: Option<(String, Vec<String>)>,
    /// Sentences for the admin: no template, template not approved, an empty value...
    pub problems: Vec<String>,
}

/// The clinic's name and first bot language, from settings.
pub(crate) fn clinic(conn: &Connection) -> Result<(String, String)> {
    let name = settings::get(conn, "clinic_name")?.unwrap_or_default();
    let language = settings::get(conn, "bot_languages")?
        .and_then(|v| serde_json::from_str::<Vec<String>>(&v).ok())
        .and_then(|l| l.into_iter().next())
        .unwrap_or_else(|| "en".into());
    Ok((name, language))
}

pub fn facts_for(conn: &Connection, appointment_id: i64) -> Result<Facts> {
    let row = conn
        .query_row(
            "SELECT a.conversation_id, a.patient_name, a.starts_at, s.display_name, a.location,
                    a.telehealth_url
             FROM appointments a JOIN staff s ON s.id = a.clinician_id WHERE a.id = ?1",
            [appointment_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )
        .optional()
        .map_err(StoreError::from)?;
    let Some((conversation_id, name, starts_at_ms, clinician, location, link)) = row else {
        return Err(Error::not_found(
            "not_found.appointment",
            "That appointment is no longer there. Refresh the list.",
        ));
    };
    let (clinic_name, language) = clinic(conn)?;
    Ok(Facts {
        appointment_id,
        conversation_id,
        first_name: name.split_whitespace().next().unwrap_or_default().into(),
        clinic_name,
        starts_at_ms,
        clinician,
        location,
        link,
        language,
    })
}

/// Whether free text may go to this conversation now: the patient wrote within the last 24
/// hours, minus `WINDOW_SAFETY_MS`. `last_inbound_at` is Meta's time, in unix seconds.
pub(crate) fn window_open(conn: &Connection, conversation_id: i64, now_ms: i64) -> Result<bool> {
    let last: Option<Option<i64>> = conn
        .query_row(
            "SELECT last_inbound_at FROM conversations WHERE id = ?1",
            [conversation_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::from)?;
    Ok(match last.flatten().filter(|s| *s > 0) {
        Some(secs) => {
            let closes = secs
                .saturating_mul(1000)
                .saturating_add(crate::inbox::WINDOW_MS);
            now_ms < closes.saturating_sub(WINDOW_SAFETY_MS)
        }
        None => false,
    })
}

/// The cleaned value for each source; empty when the appointment has none.
pub(super) fn value(source: ParamSource, f: &Facts, lang: Lang) -> String {
    clean(&match source {
        ParamSource::FirstName => f.first_name.clone(),
        ParamSource::ClinicName => f.clinic_name.clone(),
        ParamSource::Date => date_words(f.starts_at_ms, lang),
        ParamSource::Time => time_words(f.starts_at_ms),
        ParamSource::Clinician => f.clinician.clone(),
        ParamSource::Location => f.location.clone(),
        ParamSource::Link if f.link.trim().is_empty() => f.location.clone(),
        ParamSource::Link => f.link.clone(),
    })
}

/// A button's reply id / quick-reply payload.
pub(crate) fn button_id(appointment_id: i64, action: ButtonAction, index: usize) -> String {
    match action {
        ButtonAction::None => format!("continue:{index}"),
        a => format!("appt:{appointment_id}:{}", a.as_str()),
    }
}

/// Each button's action; a later button repeating an earlier one's action does nothing, so no
/// two reply ids are alike. Missing entries are guessed from the button text.
pub(crate) fn actions(texts: &[String], chosen: &[ButtonAction]) -> Vec<ButtonAction> {
    let mut out: Vec<ButtonAction> = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let a = if chosen.len() == texts.len() {
            chosen[i]
        } else {
            ButtonAction::guess(text)
        };
        let a = if a != ButtonAction::None && out.contains(&a) {
            ButtonAction::None
        } else {
            a
        };
        out.push(a);
    }
    out
}

fn text_payload(body: &str, buttons: &[String], ids: &[String]) -> Value {
    if buttons.is_empty() {
        return json!({"type": "text", "text": {"preview_url": false, "body": body}});
    }
    let buttons: Vec<Value> = buttons
        .iter()
        .zip(ids)
        .map(|(title, id)| json!({"type": "reply", "reply": {"id": id, "title": title}}))
        .collect();
    json!({
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}}
    })
}

/// The built-in text for the clinic's language, lines with an empty value left out.
fn builtin(event: TemplateEvent, f: &Facts, lang: Lang) -> (String, Vec<String>) {
    let t = ready_made::text(event, lang);
    let mut lines = Vec::new();
    for line in t.body.lines() {
        let complete = tokens(line).iter().all(|(_, name, _)| {
            ParamSource::parse(name).is_some_and(|s| !value(s, f, lang).is_empty())
        });
        if complete {
            lines.push(fill(line, |name| {
                ParamSource::parse(name).map(|s| value(s, f, lang))
            }));
        }
    }
    let buttons = t.buttons.iter().map(|b| (*b).to_owned()).collect();
    (lines.join("\n"), buttons)
}

fn fits_buttons(body: &str, buttons: &[String]) -> bool {
    body.chars().count() <= MAX_INTERACTIVE_BODY
        && buttons.len() <= MAX_BUTTONS
        && buttons
            .iter()
            .all(|b| !b.trim().is_empty() && b.chars().count() <= MAX_BUTTON_TITLE)
}

pub fn compose(conn: &Connection, event: TemplateEvent, facts: &Facts) -> Result<Composed> {
    let lang = Lang::of(&facts.language);
    let mut problems = Vec::new();
    let mapping = store::mapping(conn, event)?;
    let stored = match &mapping {
        Some(m) => store::template(conn, &m.template_name, &m.language)?,
        None => None,
    };
    let mut template = None;
    let mut template_payload = None;
    let mut text_form = None;
    match (&mapping, &stored) {
        (None, _) => problems.push(
            "No template is chosen for this message. Outside the 24-hour window this message cannot be sent: choose an approved template."
                .to_owned(),
        ),
        (Some(m), None) => problems.push(format!(
            "The template {} ({}) chosen for this message is no longer in the library. Sync the templates, or choose another one.",
            m.template_name, m.language
        )),
        (Some(m), Some(s)) => {
            let filled = fill_template(m, s, facts, lang, &mut problems);
            if let Some(p) = status_problem(s) {
                problems.push(p);
            }
            let acts = actions(&s.template.buttons, &m.buttons);
            if let Some((text, values)) = &filled {
                if s.template.status == TemplateStatus::Approved && s.unsupported.is_none() {
                    template_payload = Some(template_json(s, facts, values, &acts));
                }
                if fits_buttons(text, &s.template.buttons) {
                    text_form = Some((text.clone(), s.template.buttons.clone(), acts.clone()));
                }
                template = Some((text.clone(), s.template.buttons.clone()));
            }
        }
    }
    let (text, buttons, acts) = match text_form {
        Some(t) => t,
        None => {
            let (text, buttons) = builtin(event, facts, lang);
            let acts = actions(&buttons, &[]);
            (text, buttons, acts)
        }
    };
    let ids: Vec<String> = acts
        .iter()
        .enumerate()
        .map(|(i, a)| button_id(facts.appointment_id, *a, i))
        .collect();
    Ok(Composed {
        text_payload: text_payload(&text, &buttons, &ids),
        text,
        buttons,
        template_payload,
        template,
        problems,
    })
}

#[cfg(test)]
#[path = "compose_tests.rs"]
mod tests;
