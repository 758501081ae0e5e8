//! The Questionnaire of each form version, generated from the form definition in the export's
//! language and narrowed to the export's scope. The same plan then drives each intake's
//! QuestionnaireResponse, so both always list the same items in the same order.
use std::collections::HashSet;

use serde::Serialize;

use super::{Coding, BCP47};
use crate::export::read::demographic_ids;
use crate::export::{ExportScope, Layout};
use crate::form::{tr, Form, Format, ItemType, Tag};

/// Canonical URLs of Intake Desk's questionnaires: `urn:intake-desk:questionnaire:<form id>`.
/// Form ids are restricted to `A-Z a-z 0-9 _ . -`, so the URN needs no escaping.
const URL_PREFIX: &str = "urn:intake-desk:questionnaire:";

/// One form version as the export writes it: the Questionnaire's fields and its items.
pub(super) struct Plan {
    pub form_id: String,
    pub version: String,
    pub url: String,
    /// `url|version`: how a QuestionnaireResponse names the exact version it answers.
    pub canonical: String,
    name: String,
    title: &'static str,
    status: &'static str,
    language: String,
    publisher: String,
    pub items: Vec<PlanItem>,
}

/// A question the export holds, with its strings already in the export's language.
pub(super) struct PlanItem {
    pub link_id: String,
    pub text: String,
    /// The short label: an attachment's title in a response.
    pub label: String,
    pub kind: ItemType,
    required: bool,
    pub format: Option<Format>,
    max_length: Option<usize>,
    /// Set for the language question, whose option codes are language tags.
    pub system: Option<&'static str>,
    pub options: Vec<PlanOption>,
    enable_when: Vec<Condition>,
}

pub(super) struct PlanOption {
    pub code: String,
    pub display: String,
}

struct Condition {
    question: String,
    answer: ConditionAnswer,
}

enum ConditionAnswer {
    Boolean(bool),
    Coding {
        system: Option<&'static str>,
        code: String,
    },
}

impl PlanItem {
    /// An answer's Coding: the option's display in the export's language, none when the code
    /// is not (or no longer) one of the options.
    pub fn coding<'a>(&'a self, code: &'a str) -> Coding<'a> {
        Coding {
            system: self.system,
            code,
            display: self
                .options
                .iter()
                .find(|o| o.code == code)
                .map(|o| o.display.as_str()),
        }
    }
}

/// One plan per form of the layout, in the layout's order (the current form first).
pub(super) fn plans(layout: &Layout) -> Vec<Plan> {
    // The same rule as the answers' narrowing: a question counts as demographic only if no
    // known version tags it clinical, so the Questionnaire lists exactly what may be answered.
    let keep = match layout.scope {
        ExportScope::Full => None,
        ExportScope::Demographics => Some(demographic_ids(&layout.forms)),
    };
    layout
        .forms
        .iter()
        .enumerate()
        .map(|(i, form)| plan(form, i == 0, layout, keep.as_ref()))
        .collect()
}

fn plan(form: &Form, current: bool, layout: &Layout, keep: Option<&HashSet<String>>) -> Plan {
    let fallback = form.fallback_lang();
    // An older version may lack the export's language: its texts, and so the Questionnaire's
    // declared language, are then the version's own first language.
    let lang = if form.languages.contains(&layout.lang) {
        layout.lang.as_str()
    } else {
        fallback
    };
    let included: HashSet<&str> = form
        .item
        .iter()
        .filter(|i| match keep {
            None => true,
            Some(keep) => i.tag == Tag::Demographic && keep.contains(&i.link_id),
        })
        .map(|i| i.link_id.as_str())
        .collect();
    let system_of = |link_id: &str| (link_id == form.language_link_id).then_some(BCP47);
    let items = form
        .item
        .iter()
        .filter(|i| included.contains(i.link_id.as_str()))
        .map(|item| PlanItem {
            link_id: item.link_id.clone(),
            text: tr(&item.text, lang, fallback).to_owned(),
            label: tr(&item.label, lang, fallback).to_owned(),
            kind: item.kind,
            required: item.required,
            format: item.format,
            max_length: item.max_length,
            system: system_of(&item.link_id),
            options: item
                .answer_option
                .iter()
                .map(|o| PlanOption {
                    code: o.code.clone(),
                    display: tr(&o.display, lang, fallback).to_owned(),
                })
                .collect(),
            enable_when: item
                .enable_when
                .iter()
                // A condition on a question the export leaves out cannot be written: the
                // Questionnaire would point at an item it does not have.
                .filter(|c| included.contains(c.question.as_str()))
                .filter_map(|c| {
                    let target = form.item(&c.question)?;
                    let answer = match target.kind {
                        ItemType::Boolean => ConditionAnswer::Boolean(c.equals.parse().ok()?),
                        ItemType::Choice => ConditionAnswer::Coding {
                            system: system_of(&target.link_id),
                            code: c.equals.clone(),
                        },
                        // Form validation allows conditions on choice and boolean items only.
                        _ => return None,
                    };
                    Some(Condition {
                        question: c.question.clone(),
                        answer,
                    })
                })
                .collect(),
        })
        .collect();
    let url = format!("{URL_PREFIX}{}", form.id);
    Plan {
        canonical: format!("{url}|{}", form.version),
        url,
        form_id: form.id.clone(),
        version: form.version.clone(),
        name: computable_name(&form.id),
        title: if lang == "es" {
            "Formulario de admisión"
        } else {
            "Intake form"
        },
        // Older versions are kept only so older intakes can be read; the clinic no longer
        // sends them to patients.
        status: if current { "active" } else { "retired" },
        language: lang.to_owned(),
        publisher: layout.clinic_name.trim().to_owned(),
        items,
    }
}

/// FHIR wants a name usable by machines (`[A-Z]([A-Za-z0-9_]){0,254}`): `intake-default`
/// becomes `IntakeDefault`.
fn computable_name(id: &str) -> String {
    let mut name: String = id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        name.insert(0, 'Q');
    }
    name.truncate(255);
    name
}

/// FHIR's item type codes for the form's item types. (They happen to share names; the match
/// makes a new form type a compile error here until its FHIR type is chosen.)
fn fhir_type(kind: ItemType) -> &'static str {
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Questionnaire<'a> {
    resource_type: &'static str,
    url: &'a str,
    version: &'a str,
    name: &'a str,
    title: &'a str,
    status: &'static str,
    subject_type: [&'static str; 1],
    #[serde(skip_serializing_if = "str::is_empty")]
    publisher: &'a str,
    language: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    item: Vec<Item<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Item<'a> {
    link_id: &'a str,
    text: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    enable_when: Vec<EnableWhen<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_behavior: Option<&'static str>,
    required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_length: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    answer_option: Vec<AnswerOption<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AnswerOption<'a> {
    value_coding: Coding<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnableWhen<'a> {
    question: &'a str,
    operator: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer_boolean: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer_coding: Option<Coding<'a>>,
}

impl Plan {
    pub fn resource(&self) -> Questionnaire<'_> {
        Questionnaire {
            resource_type: "Questionnaire",
            url: &self.url,
            version: &self.version,
            name: &self.name,
            title: self.title,
            status: self.status,
            subject_type: ["Patient"],
            publisher: &self.publisher,
            language: &self.language,
            item: self.items.iter().map(PlanItem::resource).collect(),
        }
    }
}

impl PlanItem {
    fn resource(&self) -> Item<'_> {
        let enable_when: Vec<EnableWhen<'_>> = self
            .enable_when
            .iter()
            .map(|c| EnableWhen {
                question: &c.question,
                operator: "=",
                answer_boolean: match c.answer {
                    ConditionAnswer::Boolean(b) => Some(b),
                    ConditionAnswer::Coding { .. } => None,
                },
                answer_coding: match &c.answer {
                    ConditionAnswer::Coding { system, code } => Some(Coding {
                        system: *system,
                        code,
                        display: None,
                    }),
                    ConditionAnswer::Boolean(_) => None,
                },
            })
            .collect();
        Item {
            link_id: &self.link_id,
            text: &self.text,
            kind: fhir_type(self.kind),
            // FHIR requires the behaviour once there is more than one condition; the form's
            // conditions must all hold.
            enable_behavior: (enable_when.len() > 1).then_some("all"),
            enable_when,
            required: self.required,
            // FHIR allows a maximum length on free-text questions only (constraint que-10).
            max_length: match self.kind {
                ItemType::String | ItemType::Text => self.max_length,
                _ => None,
            },
            answer_option: self
                .options
                .iter()
                .map(|o| AnswerOption {
                    value_coding: Coding {
                        system: self.system,
                        code: &o.code,
                        display: Some(&o.display),
                    },
                })
                .collect(),
        }
    }
}
