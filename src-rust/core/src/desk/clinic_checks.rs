//! Checks on what the settings screen sends: every field in range, nothing that could be
//! mistaken for something else (a template name that is a formula, a secret with spaces).
use super::clinic::{ClinicSettings, KNOWN_LANGUAGES};
use crate::{Error, Result};

pub(super) fn numeric_id(raw: &str, code: &'static str, message: &str) -> Result<String> {
    let id = raw.trim();
    if id.is_empty() {
        return Ok(String::new());
    }
    if id.len() > 32 || !id.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(code, message));
    }
    Ok(id.to_owned())
}

/// Empty means "remove"; otherwise one printable ASCII word of a plausible length.
pub(super) fn secret(
    raw: &str,
    min: usize,
    max: usize,
    code: &'static str,
    message: &str,
) -> Result<String> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    if !(min..=max).contains(&v.len()) || !v.chars().all(|c| c.is_ascii_graphic()) {
        return Err(Error::invalid(code, message));
    }
    Ok(v.to_owned())
}

/// Shared by first-run set-up and the settings screen.
pub(crate) fn validate_clinic_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "invalid.clinic_name",
            "Enter the clinic's name (1 to 100 characters, on one line).",
        ));
    }
    Ok(name.to_owned())
}

pub(super) fn validate(s: &ClinicSettings) -> Result<ClinicSettings> {
    let clinic_name = validate_clinic_name(&s.clinic_name)?;
    let range = |v: u32, lo: u32, hi: u32, code: &'static str, message: &str| {
        if (lo..=hi).contains(&v) {
            Ok(v)
        } else {
            Err(Error::invalid(code, message))
        }
    };
    let idle_lock_minutes = range(
        s.idle_lock_minutes,
        1,
        120,
        "invalid.idle_lock_minutes",
        "The screen lock time must be between 1 and 120 minutes.",
    )?;
    let intake_timeout_hours = range(
        s.intake_timeout_hours,
        1,
        168,
        "invalid.intake_timeout_hours",
        "An unfinished intake can wait between 1 and 168 hours (a week).",
    )?;
    let backlog_minutes = range(
        s.backlog_minutes,
        5,
        1440,
        "invalid.backlog_minutes",
        "The backlog age must be between 5 minutes and 1,440 minutes (a day).",
    )?;
    let mut languages: Vec<String> = Vec::new();
    for code in &s.languages {
        if !KNOWN_LANGUAGES.iter().any(|(c, _)| c == code) {
            return Err(Error::invalid(
                "invalid.languages",
                "Choose languages from the list: the intake form is written in those.",
            ));
        }
        if !languages.contains(code) {
            languages.push(code.clone());
        }
    }
    if languages.is_empty() {
        return Err(Error::invalid(
            "invalid.languages",
            "Choose at least one language for the bot.",
        ));
    }
    let reopen_template = s.reopen_template.trim().to_owned();
    let template_ok = reopen_template.len() <= 512
        && reopen_template
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !template_ok {
        return Err(Error::invalid("invalid.reopen_template",
            "A template name uses lowercase letters, digits and underscores, exactly as approved in WhatsApp Manager."));
    }
    let reopen_template_language = s.reopen_template_language.trim().to_owned();
    let lang_ok = (2..=15).contains(&reopen_template_language.len())
        && reopen_template_language
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '_');
    if !lang_ok {
        return Err(Error::invalid(
            "invalid.reopen_template_language",
            "The template language is a code such as en, en_US or es.",
        ));
    }
    Ok(ClinicSettings {
        clinic_name,
        idle_lock_minutes,
        languages,
        date_order: s.date_order,
        intake_timeout_hours,
        backlog_minutes,
        notify_with_first_name: s.notify_with_first_name,
        reopen_template,
        reopen_template_language,
        front_desk_export: s.front_desk_export,
        available_languages: Vec::new(),
    })
}
