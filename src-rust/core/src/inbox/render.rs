//! Stored WhatsApp JSON as a person reads it in the transcript, and Meta's error codes in plain
//! words. Tolerant: a body we cannot read becomes a short note, never an error, so one odd row
//! cannot hide the rest of a conversation.
use serde_json::Value;

use crate::sender::{classify, Outcome};
use crate::whatsapp::{self, Content};

pub(crate) const RETRYING: &str =
    "WhatsApp did not accept this yet (busy or unreachable). Intake Desk keeps trying by itself.";

fn s<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// One of the patient's messages (`inbound_messages.body`).
pub(crate) fn inbound(body: &str) -> String {
    let parsed = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|raw| whatsapp::parse_message(&raw, ""));
    let Some(m) = parsed else {
        return "(a message Intake Desk could not read)".into();
    };
    match m.content {
        Content::Text { body } => body,
        Content::ButtonReply { title, .. } | Content::ListReply { title, .. } => title,
        Content::TemplateButton { text, payload } => {
            if text.trim().is_empty() {
                payload
            } else {
                text
            }
        }
        Content::Media(media) => {
            let what = match media.kind.as_str() {
                "image" => "Photo".to_owned(),
                "document" => match media.filename.as_deref().map(str::trim) {
                    Some(name) if !name.is_empty() => format!("Document: {name}"),
                    _ => "Document".to_owned(),
                },
                "audio" if media.voice => "Voice message".to_owned(),
                "audio" => "Audio".to_owned(),
                "video" => "Video".to_owned(),
                "sticker" => "Sticker".to_owned(),
                other => format!("Attachment ({other})"),
            };
            match media.caption.as_deref().map(str::trim) {
                Some(c) if !c.is_empty() => format!("{what}: {c}"),
                _ => what,
            }
        }
        Content::Location {
            latitude,
            longitude,
            name,
            address,
        } => {
            let place: Vec<String> = [name, address]
                .into_iter()
                .flatten()
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect();
            if place.is_empty() {
                format!("Location: {latitude:.5}, {longitude:.5}")
            } else {
                format!("Location: {}", place.join(", "))
            }
        }
        Content::Contacts => "Contact card".into(),
        Content::Reaction { emoji, .. } if emoji.is_empty() => "Removed a reaction".into(),
        Content::Reaction { emoji, .. } => format!("Reacted {emoji}"),
        Content::System { kind, .. } if kind == "user_changed_number" => {
            "The patient changed their WhatsApp number".into()
        }
        Content::System { .. } => "WhatsApp system notice".into(),
        Content::Unsupported => "A message WhatsApp could not pass on (unsupported type)".into(),
        Content::Other { kind } => {
            format!("A message of a kind Intake Desk does not read ({kind})")
        }
    }
}

/// Why a stored message got no answer from the bot.
pub(crate) fn skipped(reason: &str) -> String {
    match reason {
        "flood" => "Not answered by the bot: the patient sent very many messages at once.".into(),
        _ => "Not answered by the bot.".into(),
    }
}

/// One of our messages (an outbox `payload`).
pub(crate) fn outbound(payload: &Value) -> String {
    match payload.get("type").and_then(Value::as_str) {
        Some("text") => s(payload, "/text/body").unwrap_or_default().to_owned(),
        Some("interactive") => interactive(payload),
        Some("template") => format!(
            "Template: {}",
            s(payload, "/template/name").unwrap_or("(unnamed)")
        ),
        _ => "(a message Intake Desk could not read)".into(),
    }
}

/// The question with its choices, the way the patient sees them: `[Yes] [No]`, or the list's
/// button and rows.
fn interactive(payload: &Value) -> String {
    let mut out = s(payload, "/interactive/body/text")
        .unwrap_or_default()
        .to_owned();
    let action = payload.pointer("/interactive/action");
    match s(payload, "/interactive/type") {
        Some("button") => {
            let titles: Vec<String> = action
                .and_then(|a| a.get("buttons"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|b| s(b, "/reply/title"))
                .map(|t| format!("[{t}]"))
                .collect();
            if !titles.is_empty() {
                out.push('\n');
                out.push_str(&titles.join(" "));
            }
        }
        Some("list") => {
            let rows: Vec<&str> = action
                .and_then(|a| a.get("sections"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|sec| sec.get("rows").and_then(Value::as_array))
                .flatten()
                .filter_map(|r| s(r, "/title"))
                .collect();
            let button = action.and_then(|a| s(a, "/button")).unwrap_or("List");
            out.push_str(&format!("\n[{button}]"));
            for r in rows {
                out.push_str(&format!("\n• {r}"));
            }
        }
        _ => {}
    }
    out
}

/// Meta's error code (from the send or a `failed` status webhook) in plain words, with what to
/// do. The sender's classifier is the one home for the codes it acts on.
pub(crate) fn explain_code(code: i64) -> String {
    let known = match code {
        131047 => Some("More than 24 hours have passed since the patient last wrote, so WhatsApp only allows an approved template. Ask the patient to write to the clinic."),
        131049 => Some("WhatsApp chose not to deliver this message to keep the patient's experience healthy. Try again later, or phone the patient."),
        131050 => Some("The patient has stopped marketing messages from the clinic."),
        131051 => Some("WhatsApp does not support this kind of message."),
        131053 => Some("The attachment could not be uploaded to WhatsApp."),
        131048 => Some("WhatsApp is limiting this number for spam reports. Send fewer messages for a while."),
        131031 => Some("The clinic's WhatsApp account is locked. An admin must check it in Meta's WhatsApp Manager."),
        131042 => Some("There is a payment problem with the clinic's WhatsApp account. An admin must check it in Meta's WhatsApp Manager."),
        130472 => Some("WhatsApp did not deliver this message because the patient is part of a Meta experiment. Phone the patient instead."),
        _ => None,
    };
    if let Some(k) = known {
        return k.to_owned();
    }
    // The sender's reasons for the codes it stops on; its catch-all ("refused this message")
    // is about a send, not a delivery, so other codes get ours.
    match (code, classify(400, Some(code), None, 0)) {
        (131026 | 190, Outcome::Fatal { reason, .. }) => reason.to_owned(),
        _ => "WhatsApp could not deliver this message. Try again, or phone the patient.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inbound_kinds_read_as_short_text() {
        let m = |extra: Value| {
            let mut v = json!({"from": "34600", "id": "w1", "timestamp": "100"});
            if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
                o.extend(e.clone());
            }
            inbound(&v.to_string())
        };
        assert_eq!(m(json!({"type": "text", "text": {"body": "hola"}})), "hola");
        assert_eq!(
            m(
                json!({"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": "y", "title": "Yes"}}})
            ),
            "Yes"
        );
        assert_eq!(
            m(json!({"type": "image", "image": {"id": "M", "caption": "my card"}})),
            "Photo: my card"
        );
        assert_eq!(
            m(json!({"type": "document", "document": {"id": "M", "filename": "x.pdf"}})),
            "Document: x.pdf"
        );
        assert_eq!(
            m(json!({"type": "location", "location": {"latitude": 1.5, "longitude": 2.25}})),
            "Location: 1.50000, 2.25000"
        );
        assert!(m(json!({"type": "hologram"})).contains("hologram"));
        assert!(inbound("not json").contains("could not read"));
    }

    #[test]
    fn outbound_shows_choices_and_templates() {
        let b = crate::engine::Outgoing::Buttons {
            body: "Consent?".into(),
            buttons: vec![
                crate::engine::Choice {
                    id: "a".into(),
                    title: "Yes".into(),
                },
                crate::engine::Choice {
                    id: "b".into(),
                    title: "No".into(),
                },
            ],
        };
        assert_eq!(outbound(&b.to_graph_json("1")), "Consent?\n[Yes] [No]");
        let l = crate::engine::Outgoing::List {
            body: "Gender?".into(),
            button: "Choose".into(),
            rows: vec![crate::engine::Row {
                id: "f".into(),
                title: "Female".into(),
                description: None,
            }],
        };
        assert_eq!(
            outbound(&l.to_graph_json("1")),
            "Gender?\n[Choose]\n• Female"
        );
        let t =
            json!({"type": "template", "template": {"name": "reopen", "language": {"code": "en"}}});
        assert_eq!(outbound(&t), "Template: reopen");
    }

    #[test]
    fn codes_are_explained_without_numbers_only() {
        assert!(explain_code(131026).contains("WhatsApp"));
        assert!(explain_code(131047).contains("24 hours"));
        assert!(explain_code(999_999).contains("phone the patient"));
    }
}
