//! Bot messages, built only through constructors that keep them within Meta's limits, so the
//! sender never sees a message the Graph API would reject for its shape.
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::form::text::{bounded, truncate};

pub const MAX_TEXT_BODY: usize = 4096;
pub const MAX_INTERACTIVE_BODY: usize = 1024;
pub const MAX_BUTTONS: usize = 3;
pub const MAX_BUTTON_TITLE: usize = 20;
pub const MAX_BUTTON_ID: usize = 256;
pub const MAX_ROWS: usize = 10;
pub const MAX_ROW_TITLE: usize = 24;
pub const MAX_ROW_DESCRIPTION: usize = 72;
pub const MAX_ROW_ID: usize = 200;
pub const MAX_LIST_BUTTON: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Outgoing {
    Text {
        body: String,
    },
    Buttons {
        body: String,
        buttons: Vec<Choice>,
    },
    List {
        body: String,
        button: String,
        rows: Vec<Row>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// An option offered to the patient before a widget is chosen for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
}

impl Opt {
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Opt {
        Opt {
            id: id.into(),
            title: title.into(),
            description: None,
        }
    }
}

fn unique<'a>(titles: impl Iterator<Item = &'a str>) -> bool {
    let mut seen = BTreeSet::new();
    titles.map(crate::form::text::fold).all(|t| seen.insert(t))
}

impl Outgoing {
    pub fn text(body: &str) -> Outgoing {
        Outgoing::Text {
            body: bounded(body, MAX_TEXT_BODY, "…"),
        }
    }

    /// Picks the widget for a set of options: ≤3 → buttons, ≤10 → list, else numbered text.
    /// Falls back a step when truncated titles would collide (patients could not tell them
    /// apart) or when ids are too long to round-trip.
    pub fn choice(body: &str, list_button: &str, opts: &[Opt]) -> Outgoing {
        let titles = |max| opts.iter().map(move |o| bounded(&o.title, max, "?"));
        let buttons_ok = !opts.is_empty()
            && opts.len() <= MAX_BUTTONS
            && opts
                .iter()
                .all(|o| o.id.len() <= MAX_BUTTON_ID && !o.id.is_empty())
            && unique(
                titles(MAX_BUTTON_TITLE)
                    .collect::<Vec<_>>()
                    .iter()
                    .map(String::as_str),
            );
        if buttons_ok {
            return Outgoing::Buttons {
                body: bounded(body, MAX_INTERACTIVE_BODY, "…"),
                buttons: opts
                    .iter()
                    .map(|o| Choice {
                        id: o.id.clone(),
                        title: bounded(&o.title, MAX_BUTTON_TITLE, "?"),
                    })
                    .collect(),
            };
        }
        let list_ok = !opts.is_empty()
            && opts.len() <= MAX_ROWS
            && opts
                .iter()
                .all(|o| o.id.len() <= MAX_ROW_ID && !o.id.is_empty())
            && unique(
                titles(MAX_ROW_TITLE)
                    .collect::<Vec<_>>()
                    .iter()
                    .map(String::as_str),
            );
        if list_ok {
            return Outgoing::List {
                body: bounded(body, MAX_INTERACTIVE_BODY, "…"),
                button: bounded(list_button, MAX_LIST_BUTTON, "…"),
                rows: opts
                    .iter()
                    .map(|o| Row {
                        id: o.id.clone(),
                        title: bounded(&o.title, MAX_ROW_TITLE, "?"),
                        description: o
                            .description
                            .as_deref()
                            .map(str::trim)
                            .filter(|d| !d.is_empty())
                            .map(|d| truncate(d, MAX_ROW_DESCRIPTION)),
                    })
                    .collect(),
            };
        }
        Outgoing::text(&numbered(body, opts))
    }

    /// Whether every Meta limit holds; the sender can assert this before posting.
    pub fn within_limits(&self) -> bool {
        let len = |s: &str| s.chars().count();
        let body_ok = |s: &str, max| !s.trim().is_empty() && len(s) <= max;
        match self {
            Outgoing::Text { body } => body_ok(body, MAX_TEXT_BODY),
            Outgoing::Buttons { body, buttons } => {
                body_ok(body, MAX_INTERACTIVE_BODY)
                    && (1..=MAX_BUTTONS).contains(&buttons.len())
                    && buttons.iter().all(|b| {
                        body_ok(&b.title, MAX_BUTTON_TITLE)
                            && !b.id.is_empty()
                            && b.id.len() <= MAX_BUTTON_ID
                    })
            }
            Outgoing::List { body, button, rows } => {
                body_ok(body, MAX_INTERACTIVE_BODY)
                    && body_ok(button, MAX_LIST_BUTTON)
                    && (1..=MAX_ROWS).contains(&rows.len())
                    && rows.iter().all(|r| {
                        body_ok(&r.title, MAX_ROW_TITLE)
                            && !r.id.is_empty()
                            && r.id.len() <= MAX_ROW_ID
                            && r.description
                                .as_deref()
                                .is_none_or(|d| len(d) <= MAX_ROW_DESCRIPTION)
                    })
            }
        }
    }

    /// The Graph API `messages` request body for this message.
    pub fn to_graph_json(&self, to: &str) -> serde_json::Value {
        use serde_json::json;
        match self {
            Outgoing::Text { body } => json!({
                "messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                "type": "text", "text": { "preview_url": false, "body": body }
            }),
            Outgoing::Buttons { body, buttons } => json!({
                "messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                "type": "interactive",
                "interactive": {
                    "type": "button",
                    "body": { "text": body },
                    "action": { "buttons": buttons.iter().map(|b| json!({
                        "type": "reply", "reply": { "id": b.id, "title": b.title }
                    })).collect::<Vec<_>>() }
                }
            }),
            Outgoing::List { body, button, rows } => json!({
                "messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                "type": "interactive",
                "interactive": {
                    "type": "list",
                    "body": { "text": body },
                    "action": { "button": button, "sections": [{ "rows": rows }] }
                }
            }),
        }
    }
}

/// Options as a numbered list in plain text; the number a patient types maps back to the
/// option in answer parsing.
fn numbered(body: &str, opts: &[Opt]) -> String {
    let mut out = truncate(body.trim(), MAX_TEXT_BODY / 2);
    for (i, o) in opts.iter().enumerate() {
        out.push_str(&format!("\n{}. {}", i + 1, truncate(o.title.trim(), 100)));
    }
    out
}
