//! The export's columns: fixed ones about the intake, then one per question of the form, in
//! form order, across every form version that produced intakes (the union of their questions),
//! and how each answer becomes a cell. XLSX and CSV share this; FHIR uses the typed answers.
use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::time::ExportTz;
use super::types::ExportScope;
use crate::form::{tr, Answer, Form, Item, ItemType, Tag};
use crate::queue::IntakeStatus;

/// The part of the intake a fixed column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fixed {
    IntakeId,
    Status,
    SubmittedAt,
    ReviewedBy,
    ReviewedAt,
    WhatsApp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    Fixed(Fixed),
    Question(Item),
    /// Answers to questions no known form version has (intakes from a version whose definition
    /// was never recorded), as `link_id: value` lines, so nothing is silently dropped.
    Other,
}

/// How a column's cells are typed and laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Short text.
    Text,
    /// Free text that may run long or hold new lines: wrapped.
    LongText,
    /// Ids and phone numbers: always text, so Excel keeps the '+' and never shows 3.46E+10.
    Code,
    Date,
    DateTime,
    Number,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub source: Source,
    /// The short label, in the export's language.
    pub header: String,
    /// The question as patients saw it, or what a fixed column holds.
    pub description: String,
    pub kind: Kind,
    pub tag: Tag,
    /// The form's type name for questions ("choice"), or the fixed column's.
    pub type_name: &'static str,
}

/// Borrows from the intake and the columns where it can: a CSV export of 100,000 intakes
/// would otherwise copy every answer once more.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Number(i64),
}

/// The intake as the export reads it, before its answers become cells.
#[derive(Debug, Clone)]
pub(crate) struct Intake {
    pub id: i64,
    pub form_id: String,
    pub form_version: String,
    pub lang: String,
    pub submitted_at: i64,
    pub status: IntakeStatus,
    pub status_by: Option<String>,
    pub status_at: Option<i64>,
    pub phone: String,
    /// Already narrowed to the export's scope.
    pub answers: BTreeMap<String, Answer>,
}

/// Columns in order for the forms (current first) and the scope. `other` adds the catch-all
/// column for answers to unknown questions (full exports only: unknown questions may be
/// clinical).
pub(crate) fn columns(forms: &[Form], scope: ExportScope, lang: &str, other: bool) -> Vec<Column> {
    let mut out: Vec<Column> = FIXED.iter().map(|f| fixed_column(*f, lang)).collect();
    let mut seen = std::collections::HashSet::new();
    for form in forms {
        let fallback = form.fallback_lang();
        for item in &form.item {
            if !seen.insert(item.link_id.clone()) {
                continue;
            }
            if scope == ExportScope::Demographics && item.tag != Tag::Demographic {
                continue;
            }
            out.push(Column {
                source: Source::Question(item.clone()),
                header: tr(&item.label, lang, fallback).to_owned(),
                description: tr(&item.text, lang, fallback).to_owned(),
                kind: kind_of(item),
                tag: item.tag,
                type_name: type_name(item.kind),
            });
        }
    }
    if other && scope == ExportScope::Full {
        out.push(Column {
            source: Source::Other,
            header: pick(lang, "Other answers", "Otras respuestas").into(),
            description: pick(
                lang,
                "Answers to questions of a form version this computer has no definition for, one per line as question id: answer",
                "Respuestas a preguntas de una versión del formulario sin definición en este ordenador, una por línea como id de pregunta: respuesta",
            )
            .into(),
            kind: Kind::LongText,
            tag: Tag::Clinical,
            type_name: "text",
        });
    }
    out
}

const FIXED: [Fixed; 6] = [
    Fixed::IntakeId,
    Fixed::Status,
    Fixed::SubmittedAt,
    Fixed::ReviewedBy,
    Fixed::ReviewedAt,
    Fixed::WhatsApp,
];

fn pick<'a>(lang: &str, en: &'a str, es: &'a str) -> &'a str {
    if lang == "es" {
        es
    } else {
        en
    }
}

fn fixed_column(f: Fixed, lang: &str) -> Column {
    let (header, description, kind, type_name) = match f {
        Fixed::IntakeId => (
            pick(lang, "Intake ID", "N.º de admisión"),
            pick(
                lang,
                "Intake Desk's number for this intake",
                "Número de esta admisión en Intake Desk",
            ),
            Kind::Code,
            "id",
        ),
        Fixed::Status => (
            pick(lang, "Status", "Estado"),
            pick(
                lang,
                "New, Reviewed or Needs follow-up",
                "Nuevo, Revisado o Requiere seguimiento",
            ),
            Kind::Text,
            "status",
        ),
        Fixed::SubmittedAt => (
            pick(lang, "Submitted at", "Enviado"),
            pick(
                lang,
                "When the patient confirmed the intake (this computer's local time)",
                "Cuándo confirmó el paciente la admisión (hora local de este ordenador)",
            ),
            Kind::DateTime,
            "dateTime",
        ),
        Fixed::ReviewedBy => (
            pick(lang, "Reviewed by", "Revisado por"),
            pick(
                lang,
                "Who marked the intake reviewed or needing follow-up",
                "Quién marcó la admisión como revisada o con seguimiento",
            ),
            Kind::Text,
            "string",
        ),
        Fixed::ReviewedAt => (
            pick(lang, "Reviewed at", "Revisado el"),
            pick(
                lang,
                "When it was reviewed (this computer's local time)",
                "Cuándo se revisó (hora local de este ordenador)",
            ),
            Kind::DateTime,
            "dateTime",
        ),
        Fixed::WhatsApp => (
            pick(lang, "WhatsApp number", "Número de WhatsApp"),
            pick(
                lang,
                "The number the patient wrote from, in international format",
                "El número desde el que escribió el paciente, en formato internacional",
            ),
            Kind::Code,
            "phone",
        ),
    };
    Column {
        source: Source::Fixed(f),
        header: header.into(),
        description: description.into(),
        kind,
        tag: Tag::Demographic,
        type_name,
    }
}

fn kind_of(item: &Item) -> Kind {
    match item.kind {
        ItemType::Text => Kind::LongText,
        ItemType::Date => Kind::Date,
        ItemType::Integer => Kind::Number,
        ItemType::String if item.format == Some(crate::form::Format::Phone) => Kind::Code,
        ItemType::String | ItemType::Choice | ItemType::Boolean | ItemType::Attachment => {
            Kind::Text
        }
    }
}

pub(crate) fn type_name(kind: ItemType) -> &'static str {
    match kind {
        ItemType::String => "string",
        ItemType::Text => "text",
        ItemType::Date => "date",
        ItemType::Choice => "choice",
        ItemType::Boolean => "boolean",
        ItemType::Integer => "integer",
        ItemType::Attachment => "attachment",
    }
}

pub(crate) fn status_label(status: IntakeStatus, lang: &str) -> &'static str {
    match status {
        IntakeStatus::New => pick(lang, "New", "Nuevo"),
        IntakeStatus::Reviewed => pick(lang, "Reviewed", "Revisado"),
        IntakeStatus::NeedsFollowUp => pick(lang, "Needs follow-up", "Requiere seguimiento"),
    }
}

/// What a skipped optional question shows, so it differs from one never asked (empty).
pub(crate) fn skipped_label(lang: &str) -> &'static str {
    pick(lang, "(skipped)", "(omitida)")
}

/// One answer as a cell. Choices show their label in the export's language (not the
/// patient's), so a column reads the same all the way down.
pub(crate) fn answer_cell<'a>(
    item: &'a Item,
    answer: &'a Answer,
    lang: &str,
    fallback: &str,
) -> Cell<'a> {
    match answer {
        Answer::Text(s) => Cell::Text(Cow::Borrowed(s)),
        Answer::Date(d) => Cell::Date(*d),
        Answer::Int(n) => Cell::Number(*n),
        Answer::Choice(code) => Cell::Text(Cow::Borrowed(
            item.answer_option
                .iter()
                .find(|o| &o.code == code)
                .map(|o| tr(&o.display, lang, fallback))
                .unwrap_or(code),
        )),
        Answer::Bool(b) => Cell::Text(Cow::Borrowed(crate::form::yes_no_label(lang, *b))),
        Answer::Attachment { mime, .. } => Cell::Text(Cow::Owned(format!(
            "{} ({mime})",
            pick(lang, "File received", "Archivo recibido")
        ))),
        Answer::Skipped => Cell::Text(Cow::Borrowed(skipped_label(lang))),
    }
}

/// The cells of one intake, one per column.
pub(crate) fn cells<'a>(
    cols: &'a [Column],
    intake: &'a Intake,
    forms: &[Form],
    lang: &str,
    tz: &ExportTz,
    out: &mut Vec<Cell<'a>>,
) {
    out.clear();
    let fallback = forms.first().map(Form::fallback_lang).unwrap_or("en");
    let reviewed = intake.status != IntakeStatus::New;
    for col in cols {
        let cell = match &col.source {
            Source::Fixed(f) => match f {
                Fixed::IntakeId => Cell::Text(Cow::Owned(intake.id.to_string())),
                Fixed::Status => Cell::Text(Cow::Borrowed(status_label(intake.status, lang))),
                Fixed::SubmittedAt => Cell::DateTime(tz.local(intake.submitted_at)),
                Fixed::ReviewedBy => match (&intake.status_by, reviewed) {
                    (Some(by), true) => Cell::Text(Cow::Borrowed(by)),
                    _ => Cell::Empty,
                },
                Fixed::ReviewedAt => match (intake.status_at, reviewed) {
                    (Some(at), true) => Cell::DateTime(tz.local(at)),
                    _ => Cell::Empty,
                },
                Fixed::WhatsApp => Cell::Text(Cow::Borrowed(&intake.phone)),
            },
            Source::Question(item) => match intake.answers.get(&item.link_id) {
                Some(a) => answer_cell(item, a, lang, fallback),
                None => Cell::Empty,
            },
            Source::Other => other_cell(cols, intake, lang),
        };
        out.push(cell);
    }
}

fn other_cell(cols: &[Column], intake: &Intake, lang: &str) -> Cell<'static> {
    let known = |id: &str| {
        cols.iter()
            .any(|c| matches!(&c.source, Source::Question(i) if i.link_id == id))
    };
    let lines: Vec<String> = intake
        .answers
        .iter()
        .filter(|(id, _)| !known(id))
        .map(|(id, a)| {
            let value = match a {
                Answer::Text(s) | Answer::Choice(s) => s.clone(),
                Answer::Date(d) => d.format("%Y-%m-%d").to_string(),
                Answer::Bool(b) => crate::form::yes_no_label(lang, *b).to_owned(),
                Answer::Int(n) => n.to_string(),
                Answer::Attachment { mime, .. } => mime.clone(),
                Answer::Skipped => skipped_label(lang).to_owned(),
            };
            format!("{id}: {value}")
        })
        .collect();
    if lines.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(Cow::Owned(lines.join("\n")))
    }
}
