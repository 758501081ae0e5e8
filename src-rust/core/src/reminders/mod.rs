//! Appointment messages (issue 7): planned when an appointment is booked, moved or cancelled,
//! queued into the outbox when due (template outside the 24-hour window, text inside), skipped
//! with a reason when they no longer make sense, never twice; the patient's quick-reply answers
//! and STOP / START.
//!
//! - `plan` runs inside the appointment's own transaction, so a booking and its messages
//!   commit together (`UNIQUE (appointment_id, kind, starts_at)` makes a repeat impossible).
//! - `run_due` (the bot's pass, before the sender drains) re-checks each due row against the
//!   appointment as it is now and queues or skips it in one transaction per batch.
//! - `answers` takes the patient's taps and STOP / START out of a batch before the intake
//!   engine sees it.
mod answers;
mod list;
mod optout;
mod plan;
mod run;
mod texts;
mod types;

pub(crate) use answers::take_answers;
pub(crate) use plan::{plan, Change};
pub use run::{run_due, ReminderReport};
pub use types::*;

use rusqlite::Connection;
use serde_json::json;

use crate::audit::{self, Action};
use crate::auth::Permission;
use crate::store::settings;
use crate::templates::TemplateEvent;
use crate::{Desk, Result};

/// The `settings` key holding `ReminderSettings` as JSON.
const SETTINGS_KEY: &str = "reminder_settings";

/// The clinic's choice, or the defaults when none was saved (or the value is unreadable:
/// only `update_reminder_settings` writes it).
pub(crate) fn settings_in(conn: &Connection) -> Result<ReminderSettings> {
    Ok(settings::get(conn, SETTINGS_KEY)?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

impl ReminderSettings {
    /// Whether messages of this kind go out at all.
    pub fn sends(&self, kind: TemplateEvent) -> bool {
        match kind {
            TemplateEvent::AppointmentConfirmation => self.confirmation,
            TemplateEvent::Reminder24h => self.reminder_24h,
            TemplateEvent::Reminder1h => self.reminder_1h,
            TemplateEvent::Reminder15m => self.reminder_15m,
            TemplateEvent::AppointmentCancelled => self.cancellation,
            TemplateEvent::AppointmentRescheduled => self.reschedule,
            TemplateEvent::IntakeReminder | TemplateEvent::ContinueConversation => false,
        }
    }
}

impl Desk {
    /// What was planned for one appointment and what happened to each message. Doctors see
    /// their own appointments only, as in `appointments`.
    pub fn appointment_messages(
        &self,
        session: &str,
        appointment_id: i64,
    ) -> Result<Vec<AppointmentMessage>> {
        let actor = self.authorize(session, Permission::ViewQueue)?;
        let conn = self.db().conn();
        list::check_visible(&conn, &actor, appointment_id)?;
        list::messages(&conn, appointment_id)
    }

    pub fn reminder_settings(&self, session: &str) -> Result<ReminderSettings> {
        self.authorize(session, Permission::ViewQueue)?;
        settings_in(&self.db().conn())
    }

    /// Admin (audited with the flags). Applies to messages planned from now on and to those
    /// already planned but not yet due: a kind turned off is skipped when its time comes.
    pub fn update_reminder_settings(
        &self,
        session: &str,
        new: &ReminderSettings,
    ) -> Result<ReminderSettings> {
        let actor = self.authorize(session, Permission::ManageSettings)?;
        let now = self.now_ms();
        let value = serde_json::to_value(new).unwrap_or_default();
        self.write(|tx| {
            settings::set(tx, SETTINGS_KEY, &value.to_string(), now)?;
            audit::append(
                tx,
                now,
                &actor.audit_name(),
                Action::SettingsChanged,
                "reminders",
                &json!({ "reminders": value }),
            )?;
            Ok(())
        })?;
        settings_in(&self.db().conn())
    }
}
