//! Text helpers for templates: finding `{{parameters}}` in a body, filling them in one pass,
//! cleaning a value for Meta, and dates and times in the clinic's words (this computer's time
//! zone, as exports use).
use chrono::{DateTime, Datelike, Local, Timelike};

use super::ready_made::Lang;

/// Longest value put into a parameter; a link longer than this would be broken anyway.
pub(crate) const MAX_VALUE: usize = 300;

/// `{{name}}` placeholders in order of first appearance, each once. Names are what Meta
/// accepts: ASCII letters, digits and underscores (digits alone for positional templates).
pub(crate) fn placeholders(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, name, _) in tokens(body) {
        if !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
    }
    out
}

/// (start byte, name, end byte) of each well-formed placeholder.
pub(crate) fn tokens(body: &str) -> Vec<(usize, &str, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = body[from..].find("{{").map(|i| i + from) {
        let inner_start = open + 2;
        let Some(close) = body[inner_start..].find("}}").map(|i| i + inner_start) else {
            break;
        };
        let name = body[inner_start..close].trim();
        let ok = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if ok {
            out.push((open, name, close + 2));
            from = close + 2;
        } else {
            from = inner_start;
        }
    }
    out
}

/// Replaces each placeholder by `value(name)`; unknown names stay as they are. One pass, so a
/// value that itself looks like a placeholder is never expanded.
pub(crate) fn fill(body: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    for (start, name, end) in tokens(body) {
        out.push_str(&body[at..start]);
        match value(name) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&body[start..end]),
        }
        at = end;
    }
    out.push_str(&body[at..]);
    out
}

/// Whitespace runs (newlines and tabs included) become one space; control characters go;
/// the result is trimmed and cut at `MAX_VALUE` characters.
pub(crate) fn clean(raw: &str) -> String {
    let words: Vec<&str> = raw.split_whitespace().collect();
    let joined: String = words
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let trimmed = joined.trim();
    if trimmed.chars().count() <= MAX_VALUE {
        return trimmed.to_owned();
    }
    let mut cut: String = trimmed.chars().take(MAX_VALUE - 1).collect();
    cut.push('…');
    cut
}

const DAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const DAYS_ES: [&str; 7] = [
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

fn local(ms: i64) -> Option<DateTime<Local>> {
    DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&Local))
}

/// "Tuesday 3 March" / "martes 3 de marzo", in this computer's time zone.
pub(crate) fn date_words(ms: i64, lang: Lang) -> String {
    let Some(t) = local(ms) else {
        return String::new();
    };
    let day = t.weekday().num_days_from_monday() as usize;
    let month = t.month0() as usize;
    match lang {
        Lang::En => format!("{} {} {}", DAYS_EN[day], t.day(), MONTHS_EN[month]),
        Lang::Es => format!("{} {} de {}", DAYS_ES[day], t.day(), MONTHS_ES[month]),
    }
}

/// "09:30", in this computer's time zone.
pub(crate) fn time_words(ms: i64) -> String {
    local(ms)
        .map(|t| format!("{:02}:{:02}", t.hour(), t.minute()))
        .unwrap_or_default()
}
