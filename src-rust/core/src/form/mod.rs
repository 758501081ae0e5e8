//! The intake form as data: a FHIR R4 Questionnaire-shaped definition that drives the bot's
//! prompts, widgets, answer validation, review screen and export columns.
mod answer;
mod date;
pub mod text;
mod validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub(crate) use answer::yes_no as yes_no_label;
pub use answer::{parse_answer, parse_phone, Answer, Input, Invalid, ParseSettings};
pub use date::{parse_date, DateOrder};
pub use validate::FormError;

/// A language code such as `en` or `es`; maps from it carry the per-language strings.
pub type Lang = String;
pub type Translations = BTreeMap<Lang, String>;

const DEFAULT_FORM: &str = include_str!("default_form.json");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Form {
    pub id: String,
    pub version: String,
    /// Every language the form is written in; the first is the fallback.
    pub languages: Vec<Lang>,
    /// The choice item whose option codes are language codes; answering it sets the language.
    pub language_link_id: String,
    pub consent: ConsentSpec,
    pub item: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentSpec {
    /// A boolean item; its text in the patient's language is the consent text that is hashed.
    pub link_id: String,
    pub version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemType {
    String,
    Text,
    Date,
    Choice,
    Boolean,
    Integer,
    Attachment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tag {
    Demographic,
    Clinical,
}

/// Extra validation for `string` items, standing in for FHIR's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Validated with `phonenumber`; the patient's WhatsApp number is offered as the default.
    Phone,
    Email,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub link_id: String,
    #[serde(rename = "type")]
    pub kind: ItemType,
    pub text: Translations,
    /// Short label for export column headers, the review summary and the edit list.
    pub label: Translations,
    #[serde(default)]
    pub required: bool,
    pub tag: Tag,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer_option: Vec<AnswerOption>,
    /// All conditions must hold (FHIR's `enableBehavior: all`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enable_when: Vec<EnableWhen>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerOption {
    pub code: String,
    pub display: Translations,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnableWhen {
    pub question: String,
    /// An option code, or `true`/`false` for boolean questions.
    pub equals: String,
}

impl Form {
    /// Parses and validates a definition.
    pub fn from_json(json: &str) -> Result<Form, FormError> {
        let form: Form = serde_json::from_str(json).map_err(|e| FormError::Json(e.to_string()))?;
        form.validate()?;
        Ok(form)
    }

    /// The shipped English/Spanish intake form.
    pub fn default_form() -> Result<Form, FormError> {
        Form::from_json(DEFAULT_FORM)
    }

    pub fn item(&self, link_id: &str) -> Option<&Item> {
        self.item.iter().find(|i| i.link_id == link_id)
    }

    pub fn position(&self, link_id: &str) -> Option<usize> {
        self.item.iter().position(|i| i.link_id == link_id)
    }

    pub fn fallback_lang(&self) -> &str {
        self.languages.first().map(String::as_str).unwrap_or("en")
    }

    /// Whether an item should be asked given the answers so far.
    pub fn is_enabled(&self, item: &Item, answers: &BTreeMap<String, Answer>) -> bool {
        item.enable_when.iter().all(|cond| {
            answers
                .get(&cond.question)
                .is_some_and(|a| a.code().as_deref() == Some(cond.equals.as_str()))
        })
    }

    /// The first enabled item without an answer: the flow always fills the form in order, so
    /// this is both "next question" and "what an edit unlocked".
    pub fn next_unanswered(&self, answers: &BTreeMap<String, Answer>) -> Option<&Item> {
        self.item
            .iter()
            .find(|i| !answers.contains_key(&i.link_id) && self.is_enabled(i, answers))
    }

    /// Drops answers to items an edit has disabled, so they are neither shown nor submitted.
    pub fn prune(&self, answers: &mut BTreeMap<String, Answer>) {
        loop {
            let stale: Vec<String> = self
                .item
                .iter()
                .filter(|i| answers.contains_key(&i.link_id) && !self.is_enabled(i, answers))
                .map(|i| i.link_id.clone())
                .collect();
            if stale.is_empty() {
                return;
            }
            for id in stale {
                answers.remove(&id);
            }
        }
    }
}

/// Looks up a translation, falling back to the form's first language and then to any.
pub fn tr<'a>(map: &'a Translations, lang: &str, fallback: &str) -> &'a str {
    map.get(lang)
        .or_else(|| map.get(fallback))
        .or_else(|| map.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

#[cfg(test)]
mod tests;
