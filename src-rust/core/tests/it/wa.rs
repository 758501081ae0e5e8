//! The patient's side of the wire, shared by the tests that play conversations: webhook bodies
//! as Meta sends them, and readers for the messages the bot sends back.
use serde_json::{json, Value};

pub const PHONE_NUMBER_ID: &str = "106540352242922";

/// A webhook body with one message from `from`, sent at `ts` (unix seconds).
pub fn webhook_from(from: &str, wamid: &str, ts: i64, message: Value) -> Vec<u8> {
    let mut m = message;
    m["from"] = json!(from);
    m["id"] = json!(wamid);
    m["timestamp"] = json!(ts.to_string());
    json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Ana Pérez"}, "wa_id": from}],
        "messages": [m]
    }}]}]})
    .to_string()
    .into_bytes()
}

pub fn text(body: &str) -> Value {
    json!({"type": "text", "text": {"body": body}})
}

pub fn tap(id: &str, title: &str) -> Value {
    json!({"type": "interactive", "interactive": {"type": "button_reply",
        "button_reply": {"id": id, "title": title}}})
}

/// The text of a bot message, whether plain or interactive.
pub fn body_of(m: &Value) -> String {
    m["text"]["body"]
        .as_str()
        .or_else(|| m["interactive"]["body"]["text"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// (id, title) of a message's reply buttons.
pub fn buttons(m: &Value) -> Vec<(String, String)> {
    m["interactive"]["action"]["buttons"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| {
            (
                b["reply"]["id"].as_str().unwrap().to_owned(),
                b["reply"]["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// (id, title) of a list message's rows.
pub fn rows(m: &Value) -> Vec<(String, String)> {
    m["interactive"]["action"]["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["rows"].as_array().cloned().unwrap_or_default())
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
