//! A last look at a Graph API request body before it enters the outbox. The engine builds its
//! messages within Meta's limits, but a row in the outbox is sent by a loop that cannot ask
//! anyone, so it is cheaper to refuse a bad body here, where the error reaches the caller, than
//! to have Meta refuse it later or, worse, to send a secret to a patient.
//!
//! The limits are repeated here rather than imported from the engine on purpose: this check
//! stands on Meta's documentation, not on the code it double-checks.
mod secrets;

use serde_json::Value;

pub use secrets::SecretKind;

// Meta's limits have one home, next to the engine that must stay within them.
pub use crate::engine::limits::*;

/// Why a message was not queued. Every message is written for the front desk and carries
/// only counts and limits: never the message text, which is patient data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OutgoingError {
    #[error("The message is missing a part WhatsApp needs ({0}), so it was not sent.")]
    Malformed(&'static str),
    #[error("Intake Desk cannot send this kind of WhatsApp message, so it was not sent.")]
    UnknownType,
    #[error("The message has no text. WhatsApp does not send empty messages.")]
    EmptyText,
    #[error("The message is {len} characters long; WhatsApp allows at most {MAX_TEXT_BODY}.")]
    TextTooLong { len: usize },
    #[error(
        "The text above the buttons or list is {len} characters long; WhatsApp allows at most {MAX_INTERACTIVE_BODY}."
    )]
    BodyTooLong { len: usize },
    #[error("A button or list choice has no label.")]
    EmptyLabel,
    #[error(
        "A button label is {len} characters long; WhatsApp allows at most {MAX_BUTTON_TITLE}."
    )]
    ButtonTitleTooLong { len: usize },
    #[error("The message has {count} buttons; WhatsApp allows 1 to {MAX_BUTTONS}.")]
    ButtonCount { count: usize },
    #[error(
        "The label of the button that opens the list is {len} characters long; WhatsApp allows at most {MAX_LIST_BUTTON}."
    )]
    ListButtonTooLong { len: usize },
    #[error("A list choice is {len} characters long; WhatsApp allows at most {MAX_ROW_TITLE}.")]
    RowTitleTooLong { len: usize },
    #[error(
        "The description of a list choice is {len} characters long; WhatsApp allows at most {MAX_ROW_DESCRIPTION}."
    )]
    RowDescriptionTooLong { len: usize },
    #[error("The list has {count} choices; WhatsApp allows 1 to {MAX_ROWS}.")]
    RowCount { count: usize },
    #[error("A button or list choice has a missing or overlong internal reference.")]
    BadChoiceId,
    #[error(
        "The message seems to contain {0}, so it was not sent. Tell your administrator: the secret may need to be replaced."
    )]
    LooksLikeSecret(SecretKind),
}

impl OutgoingError {
    /// Stable and machine-readable, in the style of `ErrorBody::code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "outgoing.malformed",
            Self::UnknownType => "outgoing.unknown_type",
            Self::EmptyText => "outgoing.empty_text",
            Self::TextTooLong { .. } => "outgoing.text_too_long",
            Self::BodyTooLong { .. } => "outgoing.body_too_long",
            Self::EmptyLabel => "outgoing.empty_label",
            Self::ButtonTitleTooLong { .. } => "outgoing.button_title_too_long",
            Self::ButtonCount { .. } => "outgoing.button_count",
            Self::ListButtonTooLong { .. } => "outgoing.list_button_too_long",
            Self::RowTitleTooLong { .. } => "outgoing.row_title_too_long",
            Self::RowDescriptionTooLong { .. } => "outgoing.row_description_too_long",
            Self::RowCount { .. } => "outgoing.row_count",
            Self::BadChoiceId => "outgoing.bad_choice_id",
            Self::LooksLikeSecret(_) => "outgoing.looks_like_secret",
        }
    }
}

/// Checks a Graph API `messages` request body (as `Outgoing::to_graph_json` builds it, or the
/// sender's read receipts and templates) before it is queued. `secrets` are this install's
/// own secrets (the access token, the app secret): any string in the body containing one is
/// refused (entries under 8 characters are ignored: they would match ordinary words), as is
/// anything shaped like a Meta token, a recovery key or a PEM private key.
/// Fields the sender adds at send time (`messaging_product`, `to`) may be absent.
pub fn validate(payload: &Value, secrets: &[&str]) -> Result<(), OutgoingError> {
    // First, so a body that is both malformed and leaking says the more urgent thing.
    secrets::scan(payload, secrets)?;
    if payload
        .get("messaging_product")
        .is_some_and(|p| p != "whatsapp")
    {
        return Err(OutgoingError::Malformed("messaging_product"));
    }
    if payload.get("status").is_some() {
        return read_receipt(payload);
    }
    match payload.get("type").and_then(Value::as_str) {
        Some("text") => text(payload),
        Some("interactive") => interactive(payload),
        Some("template") => template(payload),
        _ => Err(OutgoingError::UnknownType),
    }
}

fn len(s: &str) -> usize {
    s.chars().count()
}

fn str_at<'a>(v: &'a Value, pointer: &'static str) -> Result<&'a str, OutgoingError> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .ok_or(OutgoingError::Malformed(pointer))
}

/// Meta rejects a body that is only whitespace as it does an empty one.
fn body(text: &str, max: usize, too_long: fn(usize) -> OutgoingError) -> Result<(), OutgoingError> {
    if text.trim().is_empty() {
        return Err(OutgoingError::EmptyText);
    }
    match len(text) {
        n if n > max => Err(too_long(n)),
        _ => Ok(()),
    }
}

fn label(
    text: &str,
    max: usize,
    too_long: fn(usize) -> OutgoingError,
) -> Result<(), OutgoingError> {
    if text.trim().is_empty() {
        return Err(OutgoingError::EmptyLabel);
    }
    match len(text) {
        n if n > max => Err(too_long(n)),
        _ => Ok(()),
    }
}

/// Ids come back verbatim in the patient's reply, so Meta's byte limits apply.
fn choice_id(id: &str, max: usize) -> Result<(), OutgoingError> {
    if id.is_empty() || id.len() > max {
        return Err(OutgoingError::BadChoiceId);
    }
    Ok(())
}

fn text(p: &Value) -> Result<(), OutgoingError> {
    body(str_at(p, "/text/body")?, MAX_TEXT_BODY, |len| {
        OutgoingError::TextTooLong { len }
    })
}

fn interactive(p: &Value) -> Result<(), OutgoingError> {
    body(
        str_at(p, "/interactive/body/text")?,
        MAX_INTERACTIVE_BODY,
        |len| OutgoingError::BodyTooLong { len },
    )?;
    match str_at(p, "/interactive/type")? {
        "button" => buttons(p),
        "list" => list(p),
        _ => Err(OutgoingError::UnknownType),
    }
}

fn buttons(p: &Value) -> Result<(), OutgoingError> {
    let buttons = p
        .pointer("/interactive/action/buttons")
        .and_then(Value::as_array)
        .ok_or(OutgoingError::Malformed("/interactive/action/buttons"))?;
    if !(1..=MAX_BUTTONS).contains(&buttons.len()) {
        return Err(OutgoingError::ButtonCount {
            count: buttons.len(),
        });
    }
    for b in buttons {
        label(str_at(b, "/reply/title")?, MAX_BUTTON_TITLE, |len| {
            OutgoingError::ButtonTitleTooLong { len }
        })?;
        choice_id(str_at(b, "/reply/id")?, MAX_BUTTON_ID)?;
    }
    Ok(())
}

fn list(p: &Value) -> Result<(), OutgoingError> {
    label(
        str_at(p, "/interactive/action/button")?,
        MAX_LIST_BUTTON,
        |len| OutgoingError::ListButtonTooLong { len },
    )?;
    let sections = p
        .pointer("/interactive/action/sections")
        .and_then(Value::as_array)
        .filter(|s| !s.is_empty())
        .ok_or(OutgoingError::Malformed("/interactive/action/sections"))?;
    let mut count = 0;
    for section in sections {
        let rows =
            section
                .get("rows")
                .and_then(Value::as_array)
                .ok_or(OutgoingError::Malformed(
                    "/interactive/action/sections/rows",
                ))?;
        count += rows.len();
        for r in rows {
            label(str_at(r, "/title")?, MAX_ROW_TITLE, |len| {
                OutgoingError::RowTitleTooLong { len }
            })?;
            choice_id(str_at(r, "/id")?, MAX_ROW_ID)?;
            match r.get("description") {
                None | Some(Value::Null) => {}
                Some(Value::String(d)) if len(d) <= MAX_ROW_DESCRIPTION => {}
                Some(Value::String(d)) => {
                    return Err(OutgoingError::RowDescriptionTooLong { len: len(d) })
                }
                Some(_) => return Err(OutgoingError::Malformed("description")),
            }
        }
    }
    if !(1..=MAX_ROWS).contains(&count) {
        return Err(OutgoingError::RowCount { count });
    }
    Ok(())
}

/// The sender's re-opening template: only its name and language travel, no free text.
fn template(p: &Value) -> Result<(), OutgoingError> {
    for pointer in ["/template/name", "/template/language/code"] {
        if str_at(p, pointer)?.trim().is_empty() {
            return Err(OutgoingError::Malformed(pointer));
        }
    }
    Ok(())
}

/// The blue ticks for a patient's message: the status and the message's wamid, nothing else.
fn read_receipt(p: &Value) -> Result<(), OutgoingError> {
    if p.get("status").and_then(Value::as_str) != Some("read") {
        return Err(OutgoingError::UnknownType);
    }
    if str_at(p, "/message_id")?.is_empty() {
        return Err(OutgoingError::Malformed("/message_id"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod walk;
