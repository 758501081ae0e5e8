//! Rejects form definitions the engine could not run safely. Errors name link ids and
//! languages only: a definition holds no patient data.
use std::collections::BTreeSet;

use super::{Form, ItemType, Translations};

/// Ids travel inside WhatsApp button/row ids as `q:<linkId>:<code>` (row ids ≤ 200 chars), so
/// both parts are kept short and free of the separator.
const MAX_ID_LEN: usize = 64;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormError {
    #[error("form definition is not valid JSON for a questionnaire: {0}")]
    Json(String),
    #[error("form declares no languages")]
    NoLanguages,
    #[error("form has no items")]
    NoItems,
    #[error("linkId or option code {0:?} must be 1-64 characters of A-Z a-z 0-9 _ . -")]
    BadId(String),
    #[error("duplicate linkId {0:?}")]
    DuplicateLinkId(String),
    #[error("item {item:?}: enableWhen points to {target:?}, which is not an earlier item")]
    EnableWhenTarget { item: String, target: String },
    #[error("item {item:?}: enableWhen value {value:?} is not an answer of {target:?}")]
    EnableWhenValue {
        item: String,
        target: String,
        value: String,
    },
    #[error("choice item {0:?} has no answerOption")]
    ChoiceWithoutOptions(String),
    #[error("item {0:?} has answerOption but is not a choice")]
    OptionsOnNonChoice(String),
    #[error("item {item:?} option {code:?} is duplicated")]
    DuplicateOption { item: String, code: String },
    #[error("item {item:?}: {field} is missing language {lang:?}")]
    MissingTranslation {
        item: String,
        field: &'static str,
        lang: String,
    },
    #[error("item {item:?}: {field} in language {lang:?} is empty")]
    EmptyTranslation {
        item: String,
        field: &'static str,
        lang: String,
    },
    #[error("language item {0:?} must be the first item, a required choice whose codes are the form's languages")]
    LanguageItem(String),
    #[error("consent item {0:?} must be a required boolean item")]
    ConsentItem(String),
    #[error("format is only allowed on string items (item {0:?})")]
    FormatOnNonString(String),
}

fn check_id(id: &str) -> Result<(), FormError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(())
    } else {
        Err(FormError::BadId(id.to_owned()))
    }
}

fn check_translations(
    form: &Form,
    item: &str,
    field: &'static str,
    map: &Translations,
) -> Result<(), FormError> {
    for lang in &form.languages {
        match map.get(lang) {
            None => {
                return Err(FormError::MissingTranslation {
                    item: item.to_owned(),
                    field,
                    lang: lang.clone(),
                })
            }
            Some(s) if s.trim().is_empty() => {
                return Err(FormError::EmptyTranslation {
                    item: item.to_owned(),
                    field,
                    lang: lang.clone(),
                })
            }
            Some(_) => {}
        }
    }
    Ok(())
}

impl Form {
    pub fn validate(&self) -> Result<(), FormError> {
        if self.languages.is_empty() {
            return Err(FormError::NoLanguages);
        }
        if self.item.is_empty() {
            return Err(FormError::NoItems);
        }
        let mut seen = BTreeSet::new();
        for item in &self.item {
            check_id(&item.link_id)?;
            if !seen.insert(item.link_id.as_str()) {
                return Err(FormError::DuplicateLinkId(item.link_id.clone()));
            }
            check_translations(self, &item.link_id, "text", &item.text)?;
            check_translations(self, &item.link_id, "label", &item.label)?;
            match (item.kind, item.answer_option.is_empty()) {
                (ItemType::Choice, true) => {
                    return Err(FormError::ChoiceWithoutOptions(item.link_id.clone()))
                }
                (ItemType::Choice, false) | (_, true) => {}
                (_, false) => return Err(FormError::OptionsOnNonChoice(item.link_id.clone())),
            }
            if item.format.is_some() && item.kind != ItemType::String {
                return Err(FormError::FormatOnNonString(item.link_id.clone()));
            }
            let mut codes = BTreeSet::new();
            for opt in &item.answer_option {
                check_id(&opt.code)?;
                if !codes.insert(opt.code.as_str()) {
                    return Err(FormError::DuplicateOption {
                        item: item.link_id.clone(),
                        code: opt.code.clone(),
                    });
                }
                check_translations(self, &item.link_id, "answerOption.display", &opt.display)?;
            }
            self.check_enable_when(item)?;
        }
        self.check_language_item()?;
        self.check_consent_item()
    }

    fn check_enable_when(&self, item: &super::Item) -> Result<(), FormError> {
        let own = self.position(&item.link_id).unwrap_or(0);
        for cond in &item.enable_when {
            // Only earlier items: the bot asks in order, so a later target would never be known.
            let target = self
                .item
                .iter()
                .take(own)
                .find(|t| t.link_id == cond.question)
                .ok_or_else(|| FormError::EnableWhenTarget {
                    item: item.link_id.clone(),
                    target: cond.question.clone(),
                })?;
            let valid = match target.kind {
                ItemType::Choice => target.answer_option.iter().any(|o| o.code == cond.equals),
                ItemType::Boolean => cond.equals == "true" || cond.equals == "false",
                _ => false,
            };
            if !valid {
                return Err(FormError::EnableWhenValue {
                    item: item.link_id.clone(),
                    target: cond.question.clone(),
                    value: cond.equals.clone(),
                });
            }
        }
        Ok(())
    }

    fn check_language_item(&self) -> Result<(), FormError> {
        let bad = || FormError::LanguageItem(self.language_link_id.clone());
        let first = self.item.first().ok_or_else(bad)?;
        let codes: BTreeSet<&str> = first
            .answer_option
            .iter()
            .map(|o| o.code.as_str())
            .collect();
        let langs: BTreeSet<&str> = self.languages.iter().map(String::as_str).collect();
        if first.link_id != self.language_link_id
            || first.kind != ItemType::Choice
            || !first.required
            || codes != langs
        {
            return Err(bad());
        }
        Ok(())
    }

    fn check_consent_item(&self) -> Result<(), FormError> {
        match self.item(&self.consent.link_id) {
            Some(i) if i.kind == ItemType::Boolean && i.required && i.enable_when.is_empty() => {
                Ok(())
            }
            _ => Err(FormError::ConsentItem(self.consent.link_id.clone())),
        }
    }
}
