//! Checks on what staff type into the booking form. Everything is refused with a message for
//! the person at the desk; nothing here names the patient.
use super::types::AppointmentQuery;
use crate::form::parse_phone;
use crate::form::text::sanitize;
use crate::{Error, Result};

pub const MIN_DURATION_MIN: u32 = 5;
pub const MAX_DURATION_MIN: u32 = 480;
pub const MAX_NOTES_CHARS: usize = 2000;
pub const MAX_LOCATION_CHARS: usize = 200;
pub const MAX_URL_CHARS: usize = 500;
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_REASON_CHARS: usize = 500;
pub const MAX_RANGE_DAYS: i64 = 62;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 60 * MINUTE_MS;
/// A booking typed a few minutes late ("now", the patient is at the desk) still goes in.
pub const PAST_GRACE_MS: i64 = 5 * MINUTE_MS;
/// Further ahead than this is a typo (or hostile input), not a booking.
pub const MAX_AHEAD_MS: i64 = 2 * 366 * DAY_MS;

pub(crate) fn start(starts_at: i64, now_ms: i64) -> Result<()> {
    if starts_at < now_ms - PAST_GRACE_MS {
        return Err(Error::invalid(
            "invalid.appointment_start",
            "That time has already passed. Choose a time from now on.",
        ));
    }
    if starts_at > now_ms + MAX_AHEAD_MS {
        return Err(Error::invalid(
            "invalid.appointment_start",
            "Appointments can be booked up to two years ahead. Check the date.",
        ));
    }
    Ok(())
}

pub(crate) fn duration(minutes: u32) -> Result<()> {
    if !(MIN_DURATION_MIN..=MAX_DURATION_MIN).contains(&minutes) {
        return Err(Error::invalid(
            "invalid.appointment_duration",
            "An appointment lasts from 5 minutes to 8 hours. Check the duration.",
        ));
    }
    Ok(())
}

/// Control characters (but newlines and tabs) and bidi overrides removed, trimmed, bounded.
pub(crate) fn text(raw: &str, max: usize, code: &'static str, message: &str) -> Result<String> {
    let t = sanitize(raw);
    if t.chars().count() > max {
        return Err(Error::invalid(code, message));
    }
    Ok(t)
}

pub(crate) fn notes(raw: &str) -> Result<String> {
    text(
        raw,
        MAX_NOTES_CHARS,
        "invalid.appointment_notes",
        "Notes can be at most 2,000 characters. Shorten them and save again.",
    )
}

/// One line: newlines and tabs become spaces too.
fn line(raw: &str, max: usize, code: &'static str, message: &str) -> Result<String> {
    let t = text(raw, max, code, message)?;
    Ok(t.split_whitespace().collect::<Vec<_>>().join(" "))
}

pub(crate) fn location(raw: &str) -> Result<String> {
    line(
        raw,
        MAX_LOCATION_CHARS,
        "invalid.appointment_location",
        "The location can be at most 200 characters.",
    )
}

pub(crate) fn reason(raw: &str) -> Result<String> {
    text(
        raw,
        MAX_REASON_CHARS,
        "invalid.cancel_reason",
        "The reason can be at most 500 characters.",
    )
}

pub(crate) fn patient_name(raw: &str) -> Result<String> {
    let name = line(
        raw,
        MAX_NAME_CHARS,
        "invalid.patient_name",
        "The patient's name can be at most 200 characters.",
    )?;
    if name.is_empty() {
        return Err(Error::invalid(
            "invalid.patient_name",
            "Enter the patient's name.",
        ));
    }
    Ok(name)
}

/// Empty, or an https link with a host and no spaces or control characters.
pub(crate) fn telehealth_url(raw: &str) -> Result<String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    let refuse = || {
        Error::invalid(
            "invalid.telehealth_url",
            "The video link must be a secure web address starting with https:// (at most 500 characters).",
        )
    };
    if t.chars().count() > MAX_URL_CHARS || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse());
    }
    // As typed, not as the parser would repair it ("https:///x" would become "https://x/").
    let typed_https = t
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
        && !t[8..].starts_with(['/', '\\']);
    if !typed_https {
        return Err(refuse());
    }
    let url = url::Url::parse(t).map_err(|_| refuse())?;
    if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) {
        return Err(refuse());
    }
    Ok(t.to_owned())
}

/// A WhatsApp number typed by staff: international, as "+34 600..." or "0034 600...". Returns
/// (E.164 with the '+', Meta's wa_id: digits only).
pub(crate) fn phone(raw: &str) -> Result<(String, String)> {
    let t = sanitize(raw);
    let international = match t.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None => t,
    };
    if !international.starts_with('+') {
        return Err(Error::invalid(
            "invalid.patient_phone",
            "Enter the patient's WhatsApp number with its country code, starting with + (for example +34 600 123 456).",
        ));
    }
    let e164 = parse_phone(&international, None).map_err(|_| {
        Error::invalid(
            "invalid.patient_phone",
            "That is not a valid phone number. Check the country code and the digits (for example +34 600 123 456).",
        )
    })?;
    let wa_id = e164.trim_start_matches('+').to_owned();
    Ok((e164, wa_id))
}

pub(crate) fn range(q: &AppointmentQuery) -> Result<()> {
    if q.to_ms <= q.from_ms {
        return Err(Error::invalid(
            "invalid.appointment_range",
            "The end of the period must be after its start.",
        ));
    }
    if q.to_ms - q.from_ms > MAX_RANGE_DAYS * DAY_MS {
        return Err(Error::invalid(
            "invalid.appointment_range",
            "Show at most 62 days at a time.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T: std::fmt::Debug>(r: Result<T>) -> &'static str {
        r.err().map(|e| e.code()).unwrap_or("ok")
    }

    #[test]
    fn starts_and_durations_are_bounded() {
        let now = 1_000_000_000_000;
        assert_eq!(code(start(now - PAST_GRACE_MS, now)), "ok");
        assert_eq!(
            code(start(now - PAST_GRACE_MS - 1, now)),
            "invalid.appointment_start"
        );
        assert_eq!(code(start(i64::MAX, now)), "invalid.appointment_start");
        assert_eq!(code(start(i64::MIN, now)), "invalid.appointment_start");
        assert_eq!(code(duration(5)), "ok");
        assert_eq!(code(duration(480)), "ok");
        assert_eq!(code(duration(4)), "invalid.appointment_duration");
        assert_eq!(code(duration(u32::MAX)), "invalid.appointment_duration");
    }

    #[test]
    fn links_must_be_https() {
        assert_eq!(telehealth_url("  ").ok(), Some(String::new()));
        assert_eq!(
            telehealth_url(" https://meet.example.org/abc ").ok(),
            Some("https://meet.example.org/abc".into())
        );
        for bad in [
            "http://meet.example.org/abc",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https:\\\\evil.example",
            "HTTPS://",
            "https://meet.example.org/a b",
            "https://meet.example.org/\u{7}",
            "meet.example.org",
            "file:///etc/passwd",
        ] {
            assert_eq!(code(telehealth_url(bad)), "invalid.telehealth_url", "{bad}");
        }
        let long = format!("https://e.org/{}", "a".repeat(MAX_URL_CHARS));
        assert_eq!(code(telehealth_url(&long)), "invalid.telehealth_url");
    }

    #[test]
    fn phones_are_international() {
        assert_eq!(
            phone("+34 600 111 222").ok(),
            Some(("+34600111222".into(), "34600111222".into()))
        );
        assert_eq!(
            phone("0034600111222").ok().map(|p| p.1),
            Some("34600111222".into())
        );
        for bad in ["600 111 222", "+34", "+999 1", "", "+34 600 111 222; DROP"] {
            assert_eq!(code(phone(bad)), "invalid.patient_phone", "{bad}");
        }
    }

    #[test]
    fn text_is_cleaned_to_one_line_where_needed() {
        assert_eq!(
            patient_name(" Ana\n\u{202E}Pérez\u{7} ").ok(),
            Some("Ana Pérez".into())
        );
        assert_eq!(code(patient_name(" \u{1} ")), "invalid.patient_name");
        assert_eq!(notes("a\r\nb\u{0}").ok(), Some("a\nb".into()));
        assert_eq!(
            code(notes(&"é".repeat(MAX_NOTES_CHARS + 1))),
            "invalid.appointment_notes"
        );
        assert_eq!(
            code(location(&"x".repeat(MAX_LOCATION_CHARS + 1))),
            "invalid.appointment_location"
        );
    }
}
