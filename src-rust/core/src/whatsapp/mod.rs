//! Meta's WhatsApp Cloud API webhook payloads, as they arrive. Parsing is tolerant: unknown
//! fields are ignored, unknown message types are kept as `Other`, and one malformed message
//! does not spoil the rest of a batch (Meta batches up to 1000 updates in one POST).
pub mod signature;

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Envelope {
    #[serde(default)]
    pub object: String,
    #[serde(default)]
    pub entry: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Entry {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Change {
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub value: Value,
}

/// One inbound message, reduced to what the bot needs. `raw` keeps Meta's JSON for the record.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    pub wamid: String,
    /// The patient's WhatsApp number; absent for username-only users (business-scoped ids).
    pub from: Option<String>,
    pub user_id: Option<String>,
    /// Unix seconds, as Meta sent it.
    pub timestamp: i64,
    pub phone_number_id: String,
    pub profile_name: Option<String>,
    pub content: Content,
    pub raw: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Text {
        body: String,
    },
    /// A reply button tapped: the id we set, and the title shown.
    ButtonReply {
        id: String,
        title: String,
    },
    /// A list row chosen.
    ListReply {
        id: String,
        title: String,
    },
    /// A template's quick-reply button.
    TemplateButton {
        payload: String,
        text: String,
    },
    Media(Media),
    Location {
        latitude: f64,
        longitude: f64,
        name: Option<String>,
        address: Option<String>,
    },
    Contacts,
    Reaction {
        message_id: String,
        emoji: String,
    },
    /// e.g. the patient changed number: `new_wa_id` is the new one.
    System {
        kind: String,
        new_wa_id: Option<String>,
    },
    Unsupported,
    Other {
        kind: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    /// image, document, audio, video, sticker
    pub kind: String,
    pub id: String,
    pub mime_type: Option<String>,
    /// base64 SHA-256 of the file, as Meta sends it.
    pub sha256: Option<String>,
    pub caption: Option<String>,
    pub filename: Option<String>,
    pub voice: bool,
}

/// A delivery status for a message we sent.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusUpdate {
    pub wamid: String,
    pub status: String,
    pub timestamp: i64,
    pub recipient_id: Option<String>,
    pub error_code: Option<i64>,
    /// Our `biz_opaque_callback_data`, echoed by Meta (the outbox row the status is about).
    pub callback: Option<String>,
    pub raw: Value,
}

/// An error Meta reports about the account or the webhook itself (not tied to one message).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: i64,
    pub title: String,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Updates {
    pub messages: Vec<Inbound>,
    pub statuses: Vec<StatusUpdate>,
    pub errors: Vec<ApiError>,
    /// Items we could not read (kept in the raw payload for inspection).
    pub skipped: usize,
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
}

fn string_at(v: &Value, path: &[&str]) -> Option<String> {
    str_at(v, path).map(str::to_owned)
}

fn unix(v: &Value) -> Option<i64> {
    match v.get("timestamp")? {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

impl Envelope {
    pub fn parse(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// Every message, status and error in every entry and change.
    pub fn updates(&self) -> Updates {
        let mut out = Updates::default();
        for change in self.entry.iter().flat_map(|e| &e.changes) {
            let v = &change.value;
            let phone_number_id =
                string_at(v, &["metadata", "phone_number_id"]).unwrap_or_default();
            let contacts = v.get("contacts").and_then(Value::as_array);
            for m in v
                .get("messages")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                match inbound(m, &phone_number_id, contacts) {
                    Some(msg) => out.messages.push(msg),
                    None => out.skipped += 1,
                }
            }
            for s in v
                .get("statuses")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                match status(s) {
                    Some(st) => out.statuses.push(st),
                    None => out.skipped += 1,
                }
            }
            for e in v
                .get("errors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.errors.push(ApiError {
                    code: e.get("code").and_then(Value::as_i64).unwrap_or_default(),
                    title: string_at(e, &["title"]).unwrap_or_default(),
                });
            }
        }
        out
    }
}

/// One stored message's JSON, read back (the processor reads `inbound_messages.body`).
pub fn parse_message(raw: &Value, phone_number_id: &str) -> Option<Inbound> {
    inbound(raw, phone_number_id, None)
}

fn inbound(m: &Value, phone_number_id: &str, contacts: Option<&Vec<Value>>) -> Option<Inbound> {
    let wamid = string_at(m, &["id"]).filter(|id| !id.is_empty() && id.len() <= 512)?;
    let timestamp = unix(m)?;
    let from = string_at(m, &["from"]);
    let kind = str_at(m, &["type"]).unwrap_or("unknown");
    let profile_name = contacts.and_then(|cs| {
        cs.iter()
            .find(|c| from.is_none() || str_at(c, &["wa_id"]) == from.as_deref())
            .and_then(|c| string_at(c, &["profile", "name"]))
    });
    Some(Inbound {
        wamid,
        user_id: string_at(m, &["user_id"]),
        from,
        timestamp,
        phone_number_id: phone_number_id.to_owned(),
        profile_name,
        content: content(m, kind),
        raw: m.clone(),
    })
}

fn content(m: &Value, kind: &str) -> Content {
    let s = |path: &[&str]| string_at(m, path).unwrap_or_default();
    match kind {
        "text" => Content::Text {
            body: s(&["text", "body"]),
        },
        "interactive" => match str_at(m, &["interactive", "type"]) {
            Some("button_reply") => Content::ButtonReply {
                id: s(&["interactive", "button_reply", "id"]),
                title: s(&["interactive", "button_reply", "title"]),
            },
            Some("list_reply") => Content::ListReply {
                id: s(&["interactive", "list_reply", "id"]),
                title: s(&["interactive", "list_reply", "title"]),
            },
            other => Content::Other {
                kind: format!("interactive/{}", other.unwrap_or("?")),
            },
        },
        "button" => Content::TemplateButton {
            payload: s(&["button", "payload"]),
            text: s(&["button", "text"]),
        },
        "image" | "document" | "audio" | "video" | "sticker" => Content::Media(Media {
            kind: kind.to_owned(),
            id: s(&[kind, "id"]),
            mime_type: string_at(m, &[kind, "mime_type"]),
            sha256: string_at(m, &[kind, "sha256"]),
            caption: string_at(m, &[kind, "caption"]),
            filename: string_at(m, &[kind, "filename"]),
            voice: m
                .get(kind)
                .and_then(|x| x.get("voice"))
                .and_then(Value::as_bool)
                == Some(true),
        }),
        "location" => {
            let f = |k: &str| {
                m.get("location")
                    .and_then(|l| l.get(k))
                    .and_then(Value::as_f64)
            };
            match (f("latitude"), f("longitude")) {
                (Some(latitude), Some(longitude)) => Content::Location {
                    latitude,
                    longitude,
                    name: string_at(m, &["location", "name"]),
                    address: string_at(m, &["location", "address"]),
                },
                _ => Content::Other {
                    kind: "location".into(),
                },
            }
        }
        "contacts" => Content::Contacts,
        "reaction" => Content::Reaction {
            message_id: s(&["reaction", "message_id"]),
            emoji: s(&["reaction", "emoji"]),
        },
        "system" => Content::System {
            kind: s(&["system", "type"]),
            new_wa_id: string_at(m, &["system", "wa_id"]),
        },
        "unsupported" => Content::Unsupported,
        other => Content::Other {
            kind: other.chars().take(64).collect(),
        },
    }
}

fn status(s: &Value) -> Option<StatusUpdate> {
    Some(StatusUpdate {
        wamid: string_at(s, &["id"]).filter(|id| !id.is_empty() && id.len() <= 512)?,
        status: string_at(s, &["status"])?,
        timestamp: unix(s)?,
        recipient_id: string_at(s, &["recipient_id"]),
        error_code: s
            .get("errors")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
            .and_then(|e| e.get("code"))
            .and_then(Value::as_i64),
        callback: string_at(s, &["biz_opaque_callback_data"]).filter(|c| c.len() <= 512),
        raw: s.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_replies_media_and_system_messages() {
        let body = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
          "metadata":{"phone_number_id":"PN"},
          "contacts":[{"wa_id":"34600","profile":{"name":"Ana"}}],
          "messages":[
            {"from":"34600","id":"w1","timestamp":"100","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"yes","title":"Yes"}}},
            {"from":"34600","id":"w2","timestamp":101,"type":"image","image":{"id":"M1","mime_type":"image/jpeg","sha256":"abc="}},
            {"from":"34600","id":"w3","timestamp":"102","type":"system","system":{"type":"user_changed_number","wa_id":"34999"}},
            {"from":"34600","id":"w4","timestamp":"103","type":"hologram"},
            {"from":"34600","timestamp":"104","type":"text","text":{"body":"no id"}},
            {"from":"34600","id":"w6","timestamp":"soon","type":"text","text":{"body":"bad time"}}
          ]}}]}]}"#;
        let u = Envelope::parse(body).unwrap().updates();
        assert_eq!(u.messages.len(), 4);
        assert_eq!(
            u.skipped, 2,
            "a message without id or with a bad timestamp is skipped, not fatal"
        );
        assert_eq!(
            u.messages[0].content,
            Content::ButtonReply {
                id: "yes".into(),
                title: "Yes".into()
            }
        );
        assert_eq!(u.messages[0].profile_name.as_deref(), Some("Ana"));
        assert_eq!(u.messages[0].phone_number_id, "PN");
        let Content::Media(m) = &u.messages[1].content else {
            panic!()
        };
        assert_eq!((m.id.as_str(), m.sha256.as_deref()), ("M1", Some("abc=")));
        assert_eq!(u.messages[1].timestamp, 101);
        assert_eq!(
            u.messages[2].content,
            Content::System {
                kind: "user_changed_number".into(),
                new_wa_id: Some("34999".into())
            }
        );
        assert_eq!(
            u.messages[3].content,
            Content::Other {
                kind: "hologram".into()
            }
        );
    }

    #[test]
    fn hostile_shapes_do_not_panic() {
        for body in [
            &b"{}"[..],
            b"{\"entry\":null}",
            b"{\"entry\":[{\"changes\":[{\"value\":42}]}]}",
            b"{\"entry\":[{\"changes\":[{\"value\":{\"messages\":\"x\",\"statuses\":[1,2]}}]}]}",
        ] {
            if let Ok(env) = Envelope::parse(body) {
                let _ = env.updates();
            }
        }
    }
}
