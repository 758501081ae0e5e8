//! What crosses IPC for "Try the bot": a local chat with the real engine and form.
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TryChoice {
    /// The id WhatsApp would send back when tapped.
    pub id: String,
    pub title: String,
    /// List rows only.
    pub description: Option<String>,
}

/// One message of the practice chat, shaped like what WhatsApp would show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TryMessage {
    /// True for what the person trying typed or tapped.
    pub from_patient: bool,
    pub text: String,
    /// Reply buttons (up to 3).
    pub buttons: Vec<TryChoice>,
    /// A list message: the button that opens it, and its rows.
    pub list_button: Option<String>,
    pub list_rows: Vec<TryChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum TryInput {
    /// Typed text.
    Text { text: String },
    /// A tapped button or list row, by id.
    Choice { id: String, title: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TryState {
    /// The whole practice chat so far, oldest first.
    pub messages: Vec<TryMessage>,
    /// Set once the practice intake is complete: nothing was stored; this says so.
    pub finished: bool,
}
