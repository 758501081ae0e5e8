//! One intake as the signed-in role may see it.
//! Clinical answers, notes, the transcript and clinical attachments are left out, not masked,
//! for roles without `view_clinical`: what is not sent cannot leak from the window.
use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Value};

use super::types::{
    AnswerSection, AnswerView, AttachmentState, AttachmentView, ConsentEvidence, IntakeDetail,
    IntakeNote, IntakeStatus, SectionKind,
};
use super::{status_from_db, subject};
use crate::audit::Action;
use crate::auth::{allows, Permission};
use crate::form::{tr, Answer, Form, Item, ItemType, Tag};
use crate::store::StoreError;
use crate::{Desk, Error, Result};

/// An intake row with its answers decoded.
pub(super) struct Stored {
    pub id: i64,
    pub conversation_id: i64,
    pub form_version: String,
    pub lang: String,
    pub answers: BTreeMap<String, Answer>,
    pub submitted_at: i64,
    pub status: IntakeStatus,
    pub status_by: Option<String>,
    pub status_at: Option<i64>,
    pub patient_name: String,
    pub patient_phone: String,
}

pub(super) fn intake_not_found() -> Error {
    Error::not_found(
        "not_found.intake",
        "That intake is not in the records. Refresh the queue.",
    )
}

pub(super) fn load(conn: &Connection, id: i64) -> Result<Stored> {
    let row = conn
        .prepare_cached(
            "SELECT id, conversation_id, form_version, lang, answers, submitted_at, status,
                    status_by, status_at, patient_name, patient_phone
             FROM intakes WHERE id = ?1",
        )
        .map_err(StoreError::from)?
        .query_row([id], |r| {
            Ok((
                Stored {
                    id: r.get(0)?,
                    conversation_id: r.get(1)?,
                    form_version: r.get(2)?,
                    lang: r.get(3)?,
                    answers: BTreeMap::new(),
                    submitted_at: r.get(5)?,
                    status: status_from_db(&r.get::<_, String>(6)?),
                    status_by: r.get(7)?,
                    status_at: r.get(8)?,
                    patient_name: r.get(9)?,
                    patient_phone: r.get(10)?,
                },
                r.get::<_, String>(4)?,
            ))
        })
        .optional()
        .map_err(StoreError::from)?;
    let (mut stored, json) = row.ok_or_else(intake_not_found)?;
    stored.answers = decode_answers(stored.id, &json);
    Ok(stored)
}

/// Answer by answer, so one that an older version wrote differently costs only itself.
pub(crate) fn decode_answers(id: i64, json: &str) -> BTreeMap<String, Answer> {
    let raw: BTreeMap<String, Value> = serde_json::from_str(json).unwrap_or_else(|_| {
        tracing::warn!(intake = id, "intake answers unreadable");
        BTreeMap::new()
    });
    raw.into_iter()
        .filter_map(|(link_id, v)| match serde_json::from_value(v) {
            Ok(a) => Some((link_id, a)),
            Err(_) => {
                tracing::warn!(intake = id, link_id = %link_id, "answer unreadable");
                None
            }
        })
        .collect()
}

/// An answer with the form item it belongs to; answers to items a newer form no longer has get
/// a stand-in item tagged clinical, so they are shown only to roles that may read everything.
pub(super) struct Shown<'a> {
    pub item: std::borrow::Cow<'a, Item>,
    pub answer: &'a Answer,
}

fn stand_in(link_id: &str) -> Item {
    Item {
        link_id: link_id.to_owned(),
        kind: ItemType::String,
        text: BTreeMap::new(),
        label: BTreeMap::from([(String::new(), link_id.to_owned())]),
        required: false,
        tag: Tag::Clinical,
        answer_option: Vec::new(),
        enable_when: Vec::new(),
        format: None,
        max_length: None,
    }
}

/// In form order, then unknown link ids; without the language and consent items.
pub(super) fn shown<'a>(form: &'a Form, answers: &'a BTreeMap<String, Answer>) -> Vec<Shown<'a>> {
    let hidden = |id: &str| id == form.language_link_id || id == form.consent.link_id;
    let mut out: Vec<Shown<'a>> = form
        .item
        .iter()
        .filter(|i| !hidden(&i.link_id))
        .filter_map(|i| {
            answers.get(&i.link_id).map(|answer| Shown {
                item: std::borrow::Cow::Borrowed(i),
                answer,
            })
        })
        .collect();
    out.extend(
        answers
            .iter()
            .filter(|(id, _)| !hidden(id) && form.item(id).is_none())
            .map(|(id, answer)| Shown {
                item: std::borrow::Cow::Owned(stand_in(id)),
                answer,
            }),
    );
    out
}

fn section_title(kind: SectionKind, lang: &str) -> &'static str {
    match (kind, lang) {
        (SectionKind::Demographic, "es") => "Datos del paciente",
        (SectionKind::Demographic, _) => "About the patient",
        (SectionKind::Clinical, "es") => "Información clínica",
        (SectionKind::Clinical, _) => "Clinical",
    }
}

pub(super) fn kind_of(item: &Item) -> SectionKind {
    match item.tag {
        Tag::Demographic => SectionKind::Demographic,
        Tag::Clinical => SectionKind::Clinical,
    }
}

pub(super) fn build(
    conn: &Connection,
    form: &Form,
    s: &Stored,
    clinical: bool,
) -> Result<IntakeDetail, StoreError> {
    let (lang, fallback) = (s.lang.as_str(), form.fallback_lang());
    let visible: Vec<Shown<'_>> = shown(form, &s.answers)
        .into_iter()
        .filter(|a| clinical || kind_of(&a.item) == SectionKind::Demographic)
        .collect();
    let mut sections = Vec::new();
    for kind in [SectionKind::Demographic, SectionKind::Clinical] {
        let answers: Vec<AnswerView> = visible
            .iter()
            .filter(|a| kind_of(&a.item) == kind)
            .map(|a| AnswerView {
                link_id: a.item.link_id.clone(),
                label: tr(&a.item.label, lang, fallback).to_owned(),
                question: tr(&a.item.text, lang, fallback).to_owned(),
                value: a.answer.display(&a.item, lang, fallback),
                skipped: *a.answer == Answer::Skipped,
            })
            .collect();
        if !answers.is_empty() {
            sections.push(AnswerSection {
                kind,
                title: section_title(kind, lang).to_owned(),
                answers,
            });
        }
    }
    let mut attachments = Vec::new();
    for a in &visible {
        if let Answer::Attachment { media_id, mime, .. } = a.answer {
            let label = tr(&a.item.label, lang, fallback);
            attachments.push(attachment(
                conn,
                s.conversation_id,
                media_id,
                mime,
                a,
                label,
            )?);
        }
    }
    Ok(IntakeDetail {
        id: s.id,
        conversation_id: s.conversation_id,
        patient_name: s.patient_name.clone(),
        patient_phone: s.patient_phone.clone(),
        submitted_at: s.submitted_at,
        lang: s.lang.clone(),
        form_version: s.form_version.clone(),
        status: s.status,
        status_by: s.status_by.clone(),
        status_at: s.status_at,
        sections,
        clinical_hidden: !clinical,
        attachments,
        consent: consent(conn, s.conversation_id, s.submitted_at)?,
        notes: if clinical {
            notes(conn, s.id)?
        } else {
            Vec::new()
        },
        transcript: if clinical {
            crate::inbox::transcript(conn, s.conversation_id)?
        } else {
            Vec::new()
        },
    })
}

fn attachment(
    conn: &Connection,
    conversation_id: i64,
    media_id: &str,
    answer_mime: &str,
    a: &Shown<'_>,
    label: &str,
) -> Result<AttachmentView, StoreError> {
    let row: Option<(String, String, Option<i64>, Option<String>)> = conn
        .prepare_cached(
            "SELECT mime, state, size, error FROM media_fetches
             WHERE media_id = ?1 AND conversation_id = ?2",
        )?
        .query_row(rusqlite::params![media_id, conversation_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let (mime, state, size, problem) = match row {
        Some((mime, state, size, error)) => {
            let state = match state.as_str() {
                "stored" => AttachmentState::Fetched,
                "failed" => AttachmentState::Failed,
                _ => AttachmentState::Pending,
            };
            let problem = (state == AttachmentState::Failed).then(|| {
                error.unwrap_or_else(|| "WhatsApp could not hand over this file.".to_owned())
            });
            (mime, state, size, problem)
        }
        None => (
            answer_mime.to_owned(),
            AttachmentState::Failed,
            None,
            Some("This file was never downloaded from WhatsApp.".to_owned()),
        ),
    };
    Ok(AttachmentView {
        media_id: media_id.to_owned(),
        link_id: a.item.link_id.clone(),
        label: label.to_owned(),
        mime,
        state,
        size,
        problem,
    })
}

/// The latest consent the patient gave in this conversation up to the submission (a patient
/// may do several intakes; the evidence is the one that covered this one).
fn consent(
    conn: &Connection,
    conversation_id: i64,
    submitted_at: i64,
) -> Result<Option<ConsentEvidence>, StoreError> {
    let details: Option<String> = conn
        .prepare_cached(
            "SELECT details FROM audit_log
             WHERE subject = ?1 AND action = ?2 AND at <= ?3 ORDER BY at DESC, id DESC LIMIT 1",
        )?
        .query_row(
            rusqlite::params![
                format!("conversation:{conversation_id}"),
                Action::ConsentRecorded.as_str(),
                submitted_at
            ],
            |r| r.get(0),
        )
        .optional()?;
    let Some(v) = details.and_then(|d| serde_json::from_str::<Value>(&d).ok()) else {
        return Ok(None);
    };
    let text = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
    Ok(Some(ConsentEvidence {
        granted: v["granted"].as_bool().unwrap_or(false),
        at: text("at"),
        consent_version: text("consentVersion"),
        text_sha256: text("textSha256"),
        lang: text("lang"),
        wamid: text("wamid"),
    }))
}

fn notes(conn: &Connection, intake_id: i64) -> Result<Vec<IntakeNote>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, author, at, text FROM intake_notes WHERE intake_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([intake_id], |r| {
        Ok(IntakeNote {
            id: r.get(0)?,
            author: r.get(1)?,
            at: r.get(2)?,
            text: r.get(3)?,
        })
    })?;
    rows.collect::<Result<_, _>>().map_err(StoreError::from)
}

impl Desk {
    /// One intake. Roles that may read clinical answers get everything, and the view is
    /// audited; others get the demographic part with `clinical_hidden`.
    pub fn intake_detail(&self, session: &str, form: &Form, id: i64) -> Result<IntakeDetail> {
        let actor = self.authorize(session, Permission::ViewDemographics)?;
        let clinical = allows(actor.role, Permission::ViewClinical);
        let detail = {
            let conn = self.db().conn();
            let stored = load(&conn, id)?;
            build(&conn, form, &stored, clinical)?
        };
        if clinical {
            // Written before the detail is handed over: a clinical view that cannot be audited
            // is not shown.
            self.audit(
                &actor.audit_name(),
                Action::IntakeViewed,
                &subject(id),
                json!({}),
            )?;
        }
        Ok(detail)
    }
}
