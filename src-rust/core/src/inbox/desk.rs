//! The inbox's staff operations. Each change is one IMMEDIATE transaction, like the processor's
//! per-patient transaction, so a take-over and a patient's message are applied one after the
//! other, never interleaved: the bot either answered before staff took over, or stays quiet.
use chrono::{DateTime, Local};
use rusqlite::Connection;
use serde_json::json;

use super::conv::{self, Conv};
use super::types::{ConversationView, InboxItem, StaffReply};
use crate::audit::{self, Action};
use crate::auth::{Actor, Permission};
use crate::engine::{self, limits::MAX_TEXT_BODY, Event, Outgoing};
use crate::events::DeskEvent;
use crate::form::Form;
use crate::{outbox, outbox_check, processor, Desk, Error, Result};

fn not_found() -> Error {
    Error::invalid(
        "not_found.conversation",
        "This conversation no longer exists. Refresh the inbox.",
    )
}

fn subject(id: i64) -> String {
    format!("conversation:{id}")
}

fn local_hhmm(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&Local).format("%H:%M").to_string())
        .unwrap_or_else(|| "an unknown time".into())
}

/// What staff typed, made fit to send, or the reason it cannot be. Line breaks and tabs are
/// kept (Windows line ends become `\n`); any other control character is refused rather than
/// silently dropped, so what the patient reads is what staff saw in the box.
pub fn clean_text(raw: &str) -> Result<String> {
    let text = raw.replace("\r\n", "\n");
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid(
            "invalid.message_empty",
            "Type a message first: WhatsApp does not send empty messages.",
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Error::invalid(
            "invalid.message_control",
            "The message contains invisible control characters. Retype it, or paste it as plain text.",
        ));
    }
    let len = text.chars().count();
    if len > MAX_TEXT_BODY {
        return Err(Error::Invalid {
            code: "invalid.message_too_long",
            message: format!(
                "The message is {len} characters long; WhatsApp allows at most {MAX_TEXT_BODY}. Shorten it or send it in parts."
            ),
        });
    }
    Ok(text.to_owned())
}

impl Desk {
    /// Conversations that need a person, longest waiting first (the rule is in `inbox::conv`).
    pub fn inbox(&self, session: &str) -> Result<Vec<InboxItem>> {
        self.authorize(session, Permission::HandleConversations)?;
        Ok(conv::inbox(&self.db().conn())?)
    }

    pub fn conversation(&self, session: &str, conversation_id: i64) -> Result<ConversationView> {
        self.authorize(session, Permission::HandleConversations)?;
        let now = self.now_ms();
        let conn = self.db().conn();
        let c = conv::load(&conn, conversation_id)?.ok_or_else(not_found)?;
        Ok(conv::view(&conn, &c, now)?)
    }

    /// Staff take the conversation: the bot stops answering until it is given back. Nothing
    /// already queued is withdrawn (it may be on its way); the patient's newest message gets
    /// its blue ticks.
    pub fn take_over(&self, session: &str, conversation_id: i64) -> Result<ConversationView> {
        let actor = self.authorize(session, Permission::HandleConversations)?;
        let name = self.display_name(&actor)?;
        let now = self.now_ms();
        let view = self.write(|tx| {
            let c = conv::load(tx, conversation_id)?.ok_or_else(not_found)?;
            if !holds(&c, &name) {
                take(tx, &c, &actor, &name, now)?;
            }
            self.reload_view(tx, conversation_id, now)
        })?;
        self.changed(conversation_id);
        Ok(view)
    }

    /// Queues a reply typed by staff. Replying takes the conversation over in the same
    /// transaction, so the bot cannot talk over staff. Free text is refused once the 24-hour
    /// window has closed: WhatsApp would refuse it too, only later and out of sight.
    pub fn staff_reply(&self, session: &str, reply: &StaffReply) -> Result<ConversationView> {
        let actor = self.authorize(session, Permission::HandleConversations)?;
        let text = clean_text(&reply.text)?;
        let name = self.display_name(&actor)?;
        // The sender checks the live token again; here a keyring hiccup must not stop a reply
        // when the shape checks (Meta tokens, recovery keys, private keys) still run.
        let secrets: Vec<String> = self
            .whatsapp_credentials()
            .map(|c| c.access_token.into_iter().chain(c.app_secret).collect())
            .unwrap_or_default();
        let now = self.now_ms();
        let id = reply.conversation_id;
        let view = self.write(|tx| {
            let c = conv::load(tx, id)?.ok_or_else(not_found)?;
            check_window(&c, now)?;
            let payload = Outgoing::Text { body: text.clone() }.to_graph_json(&c.wa_id);
            let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
            outbox_check::validate(&payload, &refs).map_err(|e| Error::Invalid {
                code: "invalid.reply",
                message: e.to_string(),
            })?;
            // Last check before anything is written: a refused reply leaves no trace.
            self.limits().staff_reply(&actor)?;
            if !holds(&c, &name) {
                take(tx, &c, &actor, &name, now)?;
            }
            let row = outbox::enqueue_by(tx, &c.wa_id, &payload, now, &name)?;
            audit::append(
                tx,
                now,
                &actor.audit_name(),
                Action::StaffReplyQueued,
                &subject(id),
                &json!({ "outbox": row, "chars": text.chars().count() }),
            )?;
            self.reload_view(tx, id, now)
        })?;
        self.changed(id);
        Ok(view)
    }

    /// Gives the conversation back to the bot, which asks the patient again where they were.
    /// A conversation nobody holds and the bot is already answering is left as it is, so a
    /// double click does not ask the patient twice.
    pub fn give_back(
        &self,
        session: &str,
        form: &Form,
        settings: &engine::Settings,
        conversation_id: i64,
    ) -> Result<ConversationView> {
        let actor = self.authorize(session, Permission::HandleConversations)?;
        let now_at = self.clock_now();
        let now = now_at.timestamp_millis();
        let (view, events) = self.write(|tx| {
            let c = conv::load(tx, conversation_id)?.ok_or_else(not_found)?;
            if !c.state.handover && c.held_by.is_none() {
                return Ok((self.reload_view(tx, conversation_id, now)?, Vec::new()));
            }
            let step = engine::step(form, &c.state, &Event::StaffRelease, now_at, settings);
            let events = processor::commit_step(tx, settings, c.id, &c.wa_id, &step, None, now)?;
            tx.execute(
                "UPDATE conversations SET held_by = NULL, held_at = NULL, released_at = ?2
                 WHERE id = ?1",
                rusqlite::params![c.id, now],
            )
            .map_err(crate::store::StoreError::from)?;
            audit::append(
                tx,
                now,
                &actor.audit_name(),
                Action::ConversationReleased,
                &subject(c.id),
                &json!({ "wasHeld": c.held_by.is_some(), "messages": step.outgoing.len() }),
            )?;
            Ok((self.reload_view(tx, conversation_id, now)?, events))
        })?;
        // Whatever the step's effects announce (none today: a re-prompt only speaks).
        for event in events {
            self.events().publish(event);
        }
        self.changed(conversation_id);
        Ok(view)
    }

    fn reload_view(&self, conn: &Connection, id: i64, now: i64) -> Result<ConversationView> {
        let c = conv::load(conn, id)?.ok_or_else(not_found)?;
        Ok(conv::view(conn, &c, now)?)
    }

    fn changed(&self, conversation_id: i64) {
        self.events()
            .publish(DeskEvent::ConversationChanged { conversation_id });
    }

    /// How the transcript and inbox name a member of staff.
    fn display_name(&self, actor: &Actor) -> Result<String> {
        Ok(crate::auth::staff::by_id(&self.db().conn(), actor.user_id)?.display_name)
    }
}

/// Already theirs: a second click or a follow-up reply is not another take-over.
fn holds(c: &Conv, name: &str) -> bool {
    c.state.handover && c.held_by.as_deref() == Some(name)
}

/// The take-over itself, shared by replying: hold, blue ticks, audit.
fn take(conn: &Connection, c: &Conv, actor: &Actor, name: &str, now: i64) -> Result<()> {
    conv::hold(conn, c, name, now)?;
    conv::mark_read(conn, &c.wa_id, now)?;
    audit::append(
        conn,
        now,
        &actor.audit_name(),
        Action::ConversationTakenOver,
        &subject(c.id),
        &json!({ "askedForStaff": c.asked_for_staff(), "fromStaff": c.held_by.is_some() }),
    )?;
    Ok(())
}

fn check_window(c: &Conv, now: i64) -> Result<()> {
    match c.window_closes_at() {
        None => Err(Error::invalid(
            "inbox.window_closed",
            "This patient has not written to the clinic on WhatsApp, so WhatsApp only allows approved templates.",
        )),
        Some(closes) if now >= closes => Err(Error::Invalid {
            code: "inbox.window_closed",
            message: format!(
                "The 24-hour window closed at {}; WhatsApp only allows approved templates now.",
                local_hhmm(closes)
            ),
        }),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_trimmed_and_bounded() {
        assert_eq!(clean_text("  hello \r\nthere  ").unwrap(), "hello \nthere");
        assert_eq!(clean_text("a\tb").unwrap(), "a\tb");
        for (bad, code) in [
            ("", "invalid.message_empty"),
            (" \n\t ", "invalid.message_empty"),
            ("bell\u{7}", "invalid.message_control"),
            ("nul\0", "invalid.message_control"),
            ("esc\u{1b}[31m", "invalid.message_control"),
        ] {
            assert_eq!(clean_text(bad).unwrap_err().code(), code, "{bad:?}");
        }
        assert!(clean_text(&"é".repeat(MAX_TEXT_BODY)).is_ok());
        let long = clean_text(&"é".repeat(MAX_TEXT_BODY + 1)).unwrap_err();
        assert_eq!(long.code(), "invalid.message_too_long");
        assert!(long.body().message.contains("4097"));
    }
}
