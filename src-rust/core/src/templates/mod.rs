//! The clinic's WhatsApp message templates (issue 7): the library fetched from the Graph API and
//! moved by the `message_template_status_update` webhook, ready-made utility texts to submit for
//! approval, the event → template mapping, and composing a message for an appointment (the
//! same code fills the admin's preview and the reminder that goes out).
pub mod compose;
mod fill;
mod filled;
mod mapping;
mod parse;
pub(crate) mod ready_made;
pub(crate) mod store;
mod sync;
mod types;
pub(crate) mod webhook;

pub use compose::{compose, facts_for, Composed, Facts};
pub use types::*;

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;

use crate::audit::{self, Action};
use crate::auth::{Permission, Role};
use crate::events::DeskEvent;
use crate::sender::GraphConfig;
use crate::store::StoreError;
use crate::{Desk, Error, Result};
use ready_made::Lang;

/// The library as stored, with every ready-made text in every language.
pub(crate) fn library(conn: &Connection) -> Result<TemplateLibrary> {
    let templates = store::templates(conn)?;
    let mut ready_made = Vec::new();
    for event in TemplateEvent::ALL {
        for lang in Lang::ALL {
            let t = ready_made::text(event, lang);
            ready_made.push(ReadyMade {
                event,
                name: t.name.into(),
                language: lang.code().into(),
                body: t.body.into(),
                buttons: t.buttons.iter().map(|b| (*b).to_owned()).collect(),
                in_library: templates
                    .iter()
                    .any(|w| w.name == t.name && w.language == lang.code()),
            });
        }
    }
    Ok(TemplateLibrary {
        templates,
        synced_at: store::synced_at(conn)?,
        ready_made,
    })
}

/// A preview's start time when there is no appointment: tomorrow, on the half hour.
fn sample_start(now_ms: i64) -> i64 {
    let half_hour = 30 * 60 * 1000;
    (now_ms + 24 * 3600 * 1000) / half_hour * half_hour
}

impl Desk {
    /// The library as last synced, with the ready-made texts. Anyone who sees the queue.
    pub fn template_library(&self, session: &str) -> Result<TemplateLibrary> {
        self.authorize(session, Permission::ViewQueue)?;
        library(&self.db().conn())
    }

    /// Every event with its mapping, if any. Anyone who sees the queue.
    pub fn template_mappings(&self, session: &str) -> Result<Vec<TemplateMapping>> {
        self.authorize(session, Permission::ViewQueue)?;
        store::mappings(&self.db().conn())
    }

    /// Admin: choose or clear the template for an event (audited: the event, the template's
    /// name and language).
    pub fn update_template_mapping(
        &self,
        session: &str,
        update: &MappingUpdate,
    ) -> Result<Vec<TemplateMapping>> {
        let actor = self.authorize(session, Permission::ManageSettings)?;
        let now = self.now_ms();
        let subject = format!("template_mapping:{}", update.event.as_str());
        let out = self.write(|tx| {
            let details = match &update.template_name {
                None => {
                    let cleared = store::clear_mapping(tx, update.event)?;
                    json!({"event": update.event.as_str(), "cleared": cleared})
                }
                Some(name) => {
                    let m = mapping::checked(tx, update, name)?;
                    store::save_mapping(tx, &m, Some(actor.user_id), now)?;
                    json!({"event": update.event.as_str(), "template": m.template_name,
                           "language": m.language})
                }
            };
            audit::append(
                tx,
                now,
                &actor.audit_name(),
                Action::TemplateMappingChanged,
                &subject,
                &details,
            )?;
            store::mappings(tx)
        })?;
        self.events().publish(DeskEvent::TemplatesChanged);
        Ok(out)
    }

    /// The event's message filled with the appointment's data (or made-up sample data when
    /// `appointment_id` is `None`), as it would go out now. Nothing is sent. A sample is
    /// previewed as if the patient had not written for a day (the usual case for reminders):
    /// by template when one can be sent. Doctors may preview their own appointments only.
    pub fn preview_message(
        &self,
        session: &str,
        event: TemplateEvent,
        appointment_id: Option<i64>,
    ) -> Result<MessagePreview> {
        let actor = self.authorize(session, Permission::ViewQueue)?;
        let now = self.now_ms();
        let conn = self.db().conn();
        let (facts, window) = match appointment_id {
            Some(id) => {
                if actor.role == Role::Doctor {
                    let own: Option<bool> = conn
                        .query_row(
                            "SELECT clinician_id = ?2 FROM appointments WHERE id = ?1",
                            [id, actor.user_id],
                            |r| r.get(0),
                        )
                        .optional()
                        .map_err(StoreError::from)?;
                    // Another doctor's appointment is answered like a missing one.
                    if own != Some(true) {
                        return Err(Error::not_found(
                            "not_found.appointment",
                            "That appointment is no longer there. Refresh the list.",
                        ));
                    }
                }
                let facts = facts_for(&conn, id)?;
                let open = compose::window_open(&conn, facts.conversation_id, now)?;
                (facts, open)
            }
            None => {
                let (clinic, language) = compose::clinic(&conn)?;
                (Facts::sample(&language, &clinic, sample_start(now)), false)
            }
        };
        let c = compose(&conn, event, &facts)?;
        drop(conn);
        let via = if window {
            Some(Via::Text)
        } else {
            c.template_payload.as_ref().map(|_| Via::Template)
        };
        let mut problems = c.problems;
        let payload = match via {
            Some(Via::Text) => Some(&c.text_payload),
            Some(Via::Template) => c.template_payload.as_ref(),
            None => None,
        };
        if let Some(Err(e)) = payload.map(|p| crate::outbox_check::validate(p, &[])) {
            problems.push(e.to_string());
        }
        // The template's words unless the free text would go (or there is no template to show).
        let (text, buttons) = match c.template {
            Some(template) if via != Some(Via::Text) => template,
            _ => (c.text, c.buttons),
        };
        Ok(MessagePreview {
            event,
            text,
            buttons,
            via,
            problems,
        })
    }
}

/// Admin: fetch every template from `GET /{waba_id}/message_templates` (all pages) and store it.
/// Templates Meta no longer lists are removed; unreadable entries are skipped and counted.
pub async fn sync_templates(
    desk: &Desk,
    session: &str,
    graph: &GraphConfig,
    business_account_id: &str,
) -> Result<TemplateLibrary> {
    sync::sync(desk, session, graph, business_account_id).await
}

/// Admin: submit a ready-made text for approval (`POST /{waba_id}/message_templates`, UTILITY,
/// NAMED). It enters the library as Meta answered (usually PENDING) and, if the event has no
/// template chosen yet, becomes its choice. "Already exists" is `Error::Graph` with the code
/// `templates.already_exists`, which asks for a sync.
pub async fn submit_ready_made(
    desk: &Desk,
    session: &str,
    graph: &GraphConfig,
    business_account_id: &str,
    event: TemplateEvent,
    language: &str,
) -> Result<TemplateLibrary> {
    sync::submit(desk, session, graph, business_account_id, event, language).await
}
