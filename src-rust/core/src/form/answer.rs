//! Turning what a patient sent into a typed answer, or a reason to ask again.
use chrono::{Datelike, NaiveDate};
use phonenumber::country;
use serde::{Deserialize, Serialize};

use super::date::{parse_date, DateOrder};
use super::text::{fold, sanitize};
use super::{tr, Format, Item, ItemType};

const DEFAULT_MAX_STRING: usize = 200;
const DEFAULT_MAX_TEXT: usize = 2000;
const MAX_AGE_YEARS: i32 = 120;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "type",
    content = "value"
)]
pub enum Answer {
    /// Free text as typed (control characters removed, casing kept); phones in E.164.
    Text(String),
    Date(NaiveDate),
    Choice(String),
    Bool(bool),
    Int(i64),
    Attachment {
        media_id: String,
        sha256: String,
        mime: String,
    },
    /// An optional question the patient chose not to answer.
    Skipped,
}

impl Answer {
    /// The value `enableWhen` compares against.
    pub fn code(&self) -> Option<String> {
        match self {
            Answer::Choice(c) => Some(c.clone()),
            Answer::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Human-readable value in the patient's language, for the review summary.
    pub fn display(&self, item: &Item, lang: &str, fallback: &str) -> String {
        match self {
            Answer::Text(s) => s.clone(),
            Answer::Date(d) => d.format("%Y-%m-%d").to_string(),
            Answer::Choice(code) => item
                .answer_option
                .iter()
                .find(|o| &o.code == code)
                .map(|o| tr(&o.display, lang, fallback).to_owned())
                .unwrap_or_else(|| code.clone()),
            Answer::Bool(b) => yes_no(lang, *b).to_owned(),
            Answer::Int(n) => n.to_string(),
            Answer::Attachment { .. } => if lang == "es" {
                "📎 (recibido)"
            } else {
                "📎 (received)"
            }
            .to_owned(),
            Answer::Skipped => "—".to_owned(),
        }
    }
}

pub(crate) fn yes_no(lang: &str, b: bool) -> &'static str {
    match (lang, b) {
        ("es", true) => "Sí",
        (_, true) => "Yes",
        (_, false) => "No",
    }
}

/// What the engine hands over after resolving button ids and keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input<'a> {
    Text(&'a str),
    /// A tapped option code (already checked to belong to this question).
    Tap(&'a str),
    Media {
        media_id: &'a str,
        sha256: &'a str,
        mime: &'a str,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseSettings {
    pub date_order: DateOrder,
    pub default_region: Option<country::Id>,
    pub today: NaiveDate,
}

/// Why an answer was not accepted; the engine turns it into a re-prompt in the patient's
/// language. Carries no patient input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("empty answer")]
    Empty,
    #[error("answer longer than {max} characters")]
    TooLong { max: usize },
    #[error("not a date")]
    NotADate,
    #[error("date in the future")]
    FutureDate,
    #[error("date more than 120 years ago")]
    TooOld,
    #[error("not a phone number")]
    NotAPhone,
    #[error("not an email address")]
    NotAnEmail,
    #[error("not one of the options")]
    NotAnOption,
    #[error("not yes or no")]
    NotYesNo,
    #[error("not a whole number")]
    NotANumber,
    #[error("a photo or document was expected")]
    NeedsAttachment,
    #[error("a typed answer was expected")]
    NeedsText,
    #[error("unsupported file type")]
    UnsupportedMedia,
}

pub fn parse_answer(item: &Item, input: Input<'_>, s: &ParseSettings) -> Result<Answer, Invalid> {
    match (item.kind, input) {
        (
            ItemType::Attachment,
            Input::Media {
                media_id,
                sha256,
                mime,
            },
        ) => {
            let ok = mime.starts_with("image/") || mime == "application/pdf";
            if !ok {
                return Err(Invalid::UnsupportedMedia);
            }
            Ok(Answer::Attachment {
                media_id: media_id.to_owned(),
                sha256: sha256.to_owned(),
                mime: mime.to_owned(),
            })
        }
        (ItemType::Attachment, _) => Err(Invalid::NeedsAttachment),
        (_, Input::Media { .. }) => Err(Invalid::NeedsText),
        (ItemType::Choice, Input::Tap(code)) => item
            .answer_option
            .iter()
            .find(|o| o.code == code)
            .map(|o| Answer::Choice(o.code.clone()))
            .ok_or(Invalid::NotAnOption),
        (ItemType::Boolean, Input::Tap(code)) => parse_bool(code),
        (_, Input::Tap(_)) => Err(Invalid::NotAnOption),
        (kind, Input::Text(raw)) => {
            let text = sanitize(raw);
            if text.is_empty() {
                return Err(Invalid::Empty);
            }
            match kind {
                ItemType::Choice => match_option(item, &text),
                ItemType::Boolean => parse_bool(&text),
                ItemType::Integer => text
                    .replace([' ', '.', ','], "")
                    .parse::<i64>()
                    .map(Answer::Int)
                    .map_err(|_| Invalid::NotANumber),
                ItemType::Date => parse_dob(&text, s),
                ItemType::String | ItemType::Text => free_text(item, text, s),
                ItemType::Attachment => Err(Invalid::NeedsAttachment),
            }
        }
    }
}

fn parse_bool(text: &str) -> Result<Answer, Invalid> {
    match fold(text).trim_end_matches(['.', '!']) {
        "yes" | "y" | "si" | "s" | "true" | "ok" | "yes please" | "si por favor" | "acepto"
        | "i agree" | "agree" => Ok(Answer::Bool(true)),
        "no" | "n" | "false" | "no gracias" | "no thanks" => Ok(Answer::Bool(false)),
        _ => Err(Invalid::NotYesNo),
    }
}

/// A typed choice: the option's number, its code, or its text in any language.
fn match_option(item: &Item, text: &str) -> Result<Answer, Invalid> {
    let typed = fold(text.trim_end_matches(['.', '!', ')']));
    if let Ok(n) = typed.parse::<usize>() {
        return n
            .checked_sub(1)
            .and_then(|i| item.answer_option.get(i))
            .map(|o| Answer::Choice(o.code.clone()))
            .ok_or(Invalid::NotAnOption);
    }
    item.answer_option
        .iter()
        .find(|o| fold(&o.code) == typed || o.display.values().any(|d| fold(d) == typed))
        .map(|o| Answer::Choice(o.code.clone()))
        .ok_or(Invalid::NotAnOption)
}

fn parse_dob(text: &str, s: &ParseSettings) -> Result<Answer, Invalid> {
    let date = parse_date(text, s.date_order, s.today).ok_or(Invalid::NotADate)?;
    if date > s.today {
        return Err(Invalid::FutureDate);
    }
    let oldest = s
        .today
        .with_year(s.today.year() - MAX_AGE_YEARS)
        .or_else(|| NaiveDate::from_ymd_opt(s.today.year() - MAX_AGE_YEARS, 3, 1))
        .ok_or(Invalid::NotADate)?;
    if date < oldest {
        return Err(Invalid::TooOld);
    }
    Ok(Answer::Date(date))
}

fn free_text(item: &Item, text: String, s: &ParseSettings) -> Result<Answer, Invalid> {
    let max = item.max_length.unwrap_or(if item.kind == ItemType::Text {
        DEFAULT_MAX_TEXT
    } else {
        DEFAULT_MAX_STRING
    });
    if text.chars().count() > max {
        return Err(Invalid::TooLong { max });
    }
    match item.format {
        None => Ok(Answer::Text(text)),
        Some(Format::Phone) => parse_phone(&text, s.default_region).map(Answer::Text),
        Some(Format::Email) => {
            let ok = text.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }) && !text.chars().any(char::is_whitespace)
                && text.matches('@').count() == 1;
            if ok {
                Ok(Answer::Text(text))
            } else {
                Err(Invalid::NotAnEmail)
            }
        }
    }
}

/// Validates a phone number and returns it in E.164.
pub fn parse_phone(text: &str, region: Option<country::Id>) -> Result<String, Invalid> {
    let number = phonenumber::parse(region, text).map_err(|_| Invalid::NotAPhone)?;
    if !phonenumber::is_valid(&number) {
        return Err(Invalid::NotAPhone);
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}
