//! One entry of Meta's template list (`GET /{waba_id}/message_templates`), read tolerantly:
//! unknown component types and fields are ignored; an entry without a usable name, language or
//! status is skipped (the sync counts it), never a reason to fail the whole list.
//!
//! Only what composing a message needs is kept: the BODY text with its parameters in order of
//! appearance, and the QUICK_REPLY buttons' texts. Other buttons (links, phone numbers) are not
//! kept; quick-reply indexes are counted from the first button, so a template whose quick
//! replies come after another kind of button keeps no buttons rather than wrong indexes.
use serde_json::Value;

use super::compose::placeholders;
use super::store::Stored;
use super::types::{TemplateStatus, WaTemplate};
use crate::setup::is_id;

/// Meta's longest template name is 512 characters; anything longer is not Meta's.
pub(super) const MAX_NAME: usize = 512;
pub(super) const MAX_LANGUAGE: usize = 20;
pub(super) const MAX_WORD: usize = 64;
/// Meta's body limit is 1,024 characters; a longer one is not a template we can send.
const MAX_BODY: usize = 4096;
const MAX_BUTTON: usize = 60;
pub(super) const MAX_REASON: usize = 300;

/// `v[key]` trimmed, when it is a non-empty one-line string of at most `max` characters.
pub(super) fn word(v: &Value, key: &str, max: usize) -> Option<String> {
    let s = v.get(key)?.as_str()?.trim();
    (!s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control))
        .then(|| s.to_owned())
}

/// Meta's id for a template in `v[key]`: a JSON number or a string of digits.
pub(super) fn id(v: &Value, key: &str) -> Option<String> {
    let s = match v.get(key)? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_u64()?.to_string(),
        _ => return None,
    };
    is_id(&s).then_some(s)
}

fn of_type<'a>(components: &'a [Value], kind: &str) -> Option<&'a Value> {
    components.iter().find(|c| {
        c.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case(kind))
    })
}

fn quick_replies(components: &[Value]) -> Option<Vec<String>> {
    let Some(buttons) = of_type(components, "BUTTONS") else {
        return Some(Vec::new());
    };
    let list = buttons.get("buttons").and_then(Value::as_array)?;
    let mut out = Vec::new();
    let mut other_before = false;
    for b in list {
        let quick = b
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("QUICK_REPLY"));
        if !quick {
            other_before = true;
            continue;
        }
        if other_before {
            return Some(Vec::new());
        }
        out.push(word(b, "text", MAX_BUTTON)?);
    }
    Some(out)
}

/// The first part of a template that a send would have to fill and composing cannot (the code
/// stored in `wa_templates.unsupported`; see `store::unsupported_sentence`).
pub(crate) fn unsupported(components: &[Value]) -> Option<&'static str> {
    let text_has_variable = |c: &Value, key: &str| {
        c.get(key)
            .and_then(Value::as_str)
            .is_some_and(|t| t.contains("{{"))
    };
    if let Some(header) = of_type(components, "HEADER") {
        let format = header
            .get("format")
            .and_then(Value::as_str)
            .unwrap_or("TEXT");
        if !format.eq_ignore_ascii_case("TEXT") {
            return Some("media_header");
        }
        if text_has_variable(header, "text") {
            return Some("header_variable");
        }
    }
    let buttons = of_type(components, "BUTTONS")
        .and_then(|b| b.get("buttons"))
        .and_then(Value::as_array);
    for b in buttons.into_iter().flatten() {
        let kind = b.get("type").and_then(Value::as_str).unwrap_or("");
        if kind.eq_ignore_ascii_case("URL") && text_has_variable(b, "url") {
            return Some("url_variable");
        }
        if ["COPY_CODE", "OTP", "FLOW", "CATALOG", "MPM", "SPM"]
            .iter()
            .any(|k| kind.eq_ignore_ascii_case(k))
        {
            return Some("special_button");
        }
    }
    None
}

/// One list entry, or `None` when it cannot be read.
pub(crate) fn entry(v: &Value, now_ms: i64) -> Option<Stored> {
    let name = word(v, "name", MAX_NAME)?;
    let language = word(v, "language", MAX_LANGUAGE)?;
    let meta_status = word(v, "status", MAX_WORD)?.to_ascii_uppercase();
    let components: &[Value] = match v.get("components") {
        None | Some(Value::Null) => &[],
        Some(Value::Array(a)) => a,
        Some(_) => return None,
    };
    let body = match of_type(components, "BODY") {
        Some(b) => b.get("text").and_then(Value::as_str)?.to_owned(),
        None => String::new(),
    };
    if body.chars().count() > MAX_BODY {
        return None;
    }
    let params = placeholders(&body);
    let unsupported = unsupported(components);
    let named = match v.get("parameter_format").and_then(Value::as_str) {
        Some(f) => f.eq_ignore_ascii_case("NAMED"),
        // Older answers leave it out: names that are not numbers can only be NAMED.
        None => params
            .iter()
            .any(|p| !p.bytes().all(|b| b.is_ascii_digit())),
    };
    let buttons = quick_replies(components)?;
    let (suggested_params, suggested_buttons) = super::types::suggestions(&params, &buttons);
    Some(Stored {
        meta_id: id(v, "id"),
        named,
        unsupported,
        template: WaTemplate {
            name,
            language,
            category: word(v, "category", MAX_WORD).unwrap_or_default(),
            status: TemplateStatus::from_meta(&meta_status),
            meta_status,
            body,
            params,
            buttons,
            suggested_params,
            suggested_buttons,
            reason: word(v, "rejected_reason", MAX_REASON)
                .filter(|r| !r.eq_ignore_ascii_case("NONE")),
            unsupported: unsupported.map(super::store::unsupported_sentence),
            updated_at: now_ms,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parts_composing_cannot_fill_are_named() {
        let of = |components: serde_json::Value| unsupported(components.as_array().unwrap());
        assert_eq!(
            of(json!([{"type": "HEADER", "format": "TEXT", "text": "Hi"}])),
            None
        );
        assert_eq!(
            of(json!([{"type": "HEADER", "format": "TEXT", "text": "Hi {{name}}"}])),
            Some("header_variable")
        );
        assert_eq!(
            of(json!([{"type": "HEADER", "format": "VIDEO"}])),
            Some("media_header")
        );
        let buttons = |b: serde_json::Value| of(json!([{"type": "BUTTONS", "buttons": [b]}]));
        assert_eq!(
            buttons(json!({"type": "URL", "text": "Site", "url": "https://a.example/"})),
            None
        );
        assert_eq!(
            buttons(json!({"type": "URL", "text": "Site", "url": "https://a.example/{{1}}"})),
            Some("url_variable")
        );
        assert_eq!(
            buttons(json!({"type": "copy_code", "example": "X"})),
            Some("special_button")
        );
        assert_eq!(buttons(json!({"type": "QUICK_REPLY", "text": "Yes"})), None);
    }

    #[test]
    fn named_positional_and_junk() {
        let named = entry(
            &json!({"id": "1", "name": "a", "language": "en", "status": "APPROVED",
                "category": "UTILITY", "parameter_format": "NAMED",
                "components": [
                    {"type": "HEADER", "format": "TEXT", "text": "Hi"},
                    {"type": "BODY", "text": "Hi {{first_name}}, {{date}} {{first_name}}"},
                    {"type": "FUTURE_THING", "x": 1},
                    {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Yes"},
                        {"type": "QUICK_REPLY", "text": "No"}, {"type": "URL", "text": "Site"}]}]}),
            5,
        )
        .unwrap();
        assert!(named.named);
        assert_eq!(named.template.params, vec!["first_name", "date"]);
        assert_eq!(named.template.buttons, vec!["Yes", "No"]);
        let positional = entry(
            &json!({"id": 2, "name": "b", "language": "es", "status": "in_appeal",
                "components": [{"type": "body", "text": "{{2}} y {{1}}"},
                {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Web"},
                    {"type": "QUICK_REPLY", "text": "Sí"}]}]}),
            5,
        )
        .unwrap();
        assert!(!positional.named);
        assert_eq!(positional.template.params, vec!["2", "1"]);
        assert_eq!(positional.template.status, TemplateStatus::Pending);
        assert!(positional.template.buttons.is_empty());
        for junk in [
            json!(null),
            json!("x"),
            json!({"name": "a", "language": "en"}),
            json!({"name": "", "language": "en", "status": "APPROVED"}),
            json!({"name": "a\nb", "language": "en", "status": "APPROVED"}),
            json!({"name": "a", "language": "en", "status": "APPROVED", "components": {}}),
            json!({"name": "a", "language": "en", "status": "APPROVED",
                "components": [{"type": "BODY", "text": 5}]}),
            json!({"name": "a", "language": "en", "status": "APPROVED",
                "components": [{"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY"}]}]}),
            json!({"name": "a", "language": "x".repeat(30), "status": "APPROVED"}),
        ] {
            assert!(entry(&junk, 5).is_none(), "{junk}");
        }
    }
}
