//! One practice chat: the engine's state and what both sides said, in memory only.
use chrono::{DateTime, Utc};

use super::types::{TryChoice, TryInput, TryMessage, TryState};
use super::PRACTICE_NUMBER;
use crate::engine::{self, limits, Content, Effect, Event, Inbound, Outgoing, Settings, State};
use crate::form::Form;
use crate::inbox::clean_text;
use crate::Result;

/// Messages kept per chat: more than a whole intake with every re-prompt and edit; older ones
/// scroll away so a chat left open for a day cannot grow without bound.
const MAX_MESSAGES: usize = 400;

/// What a patient's phone sends first; the engine starts an intake on any first message.
const FIRST_MESSAGE: &str = "Hi";

pub(super) struct Chat {
    state: State,
    messages: Vec<TryMessage>,
    finished: bool,
    /// Makes each practice message id unique, as WhatsApp's wamids are.
    sent: u64,
    pub used: u64,
}

fn bot_message(out: &Outgoing) -> TryMessage {
    let choice = |id: &str, title: &str, description: Option<&str>| TryChoice {
        id: id.to_owned(),
        title: title.to_owned(),
        description: description.map(str::to_owned),
    };
    match out {
        Outgoing::Text { body } => TryMessage {
            from_patient: false,
            text: body.clone(),
            buttons: Vec::new(),
            list_button: None,
            list_rows: Vec::new(),
        },
        Outgoing::Buttons { body, buttons } => TryMessage {
            from_patient: false,
            text: body.clone(),
            buttons: buttons
                .iter()
                .map(|b| choice(&b.id, &b.title, None))
                .collect(),
            list_button: None,
            list_rows: Vec::new(),
        },
        Outgoing::List { body, button, rows } => TryMessage {
            from_patient: false,
            text: body.clone(),
            buttons: Vec::new(),
            list_button: Some(button.clone()),
            list_rows: rows
                .iter()
                .map(|r| choice(&r.id, &r.title, r.description.as_deref()))
                .collect(),
        },
    }
}

fn patient_message(text: &str) -> TryMessage {
    TryMessage {
        from_patient: true,
        text: text.to_owned(),
        buttons: Vec::new(),
        list_button: None,
        list_rows: Vec::new(),
    }
}

impl Chat {
    pub fn start(form: &Form, settings: &Settings, now: DateTime<Utc>) -> Chat {
        let mut chat = Chat {
            state: State::default(),
            messages: Vec::new(),
            finished: false,
            sent: 0,
            used: 0,
        };
        chat.say(
            form,
            settings,
            FIRST_MESSAGE,
            Content::Text {
                body: FIRST_MESSAGE.into(),
            },
            now,
        );
        chat
    }

    pub fn view(&self) -> TryState {
        TryState {
            messages: self.messages.clone(),
            finished: self.finished,
        }
    }

    /// A tap is honoured only for a button or row the bot actually offered in this chat (as on
    /// a phone, older messages' buttons still work); anything else arrives as the typed
    /// title, which is what WhatsApp would deliver for text that merely looks like a choice.
    /// Titles come from what the bot offered, never from the caller.
    pub fn send(
        &mut self,
        form: &Form,
        settings: &Settings,
        input: &TryInput,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (shown, content) = match input {
            TryInput::Text { text } => {
                let text = clean_text(text)?;
                (text.clone(), Content::Text { body: text })
            }
            TryInput::Choice { id, title } => match self.offered(id) {
                Some((title, in_list)) => {
                    let content = if in_list {
                        Content::ListReply {
                            id: id.clone(),
                            title: title.clone(),
                        }
                    } else {
                        Content::ButtonReply {
                            id: id.clone(),
                            title: title.clone(),
                        }
                    };
                    (title, content)
                }
                None => {
                    let text = clean_text(title)?;
                    (text.clone(), Content::Text { body: text })
                }
            },
        };
        self.say(form, settings, &shown, content, now);
        Ok(())
    }

    /// The title of an offered choice with this id, and whether it was a list row.
    fn offered(&self, id: &str) -> Option<(String, bool)> {
        if id.is_empty() || id.len() > limits::MAX_BUTTON_ID {
            return None;
        }
        self.messages
            .iter()
            .rev()
            .filter(|m| !m.from_patient)
            .find_map(|m| {
                m.buttons
                    .iter()
                    .find(|b| b.id == id)
                    .map(|b| (b.title.clone(), false))
                    .or_else(|| {
                        m.list_rows
                            .iter()
                            .find(|r| r.id == id)
                            .map(|r| (r.title.clone(), true))
                    })
            })
    }

    fn say(
        &mut self,
        form: &Form,
        settings: &Settings,
        shown: &str,
        content: Content,
        now: DateTime<Utc>,
    ) {
        self.sent += 1;
        let event = Event::Inbound(Inbound {
            wamid: format!("practice.{}", self.sent),
            from: Some(PRACTICE_NUMBER.to_owned()),
            timestamp: now,
            content,
        });
        let step = engine::step(form, &self.state, &event, now, settings);
        self.messages.push(patient_message(shown));
        self.messages.extend(step.outgoing.iter().map(bot_message));
        self.finished |= step
            .effects
            .iter()
            .any(|e| matches!(e, Effect::Submitted { .. }));
        self.state = step.state;
        let excess = self.messages.len().saturating_sub(MAX_MESSAGES);
        self.messages.drain(..excess);
    }
}
