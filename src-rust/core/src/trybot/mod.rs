//! "Try the bot": the real engine and form in a chat panel, held in memory per session.
//! Nothing is stored, sent or mixed with real patients.
//!
//! The chat calls the same pure `engine::step` the processor does, with the same form and
//! settings, so what staff try is what patients get; only the transport differs. No database
//! row, outbox row or audit row is written, and the practice "patient" has a number reserved
//! for fiction, so it can never reach a real person even if it were copied somewhere.
mod chat;
mod types;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub use types::*;

use crate::auth::Permission;
use crate::engine::Settings;
use crate::form::Form;
use crate::{Desk, Result};
use chat::Chat;

/// A US number in the 555-01xx block that North American numbering reserves for fiction.
pub const PRACTICE_NUMBER: &str = "12025550123";

/// Practice chats kept at once; the least recently used goes first. Each is small, but
/// sessions come and go without saying goodbye.
pub const MAX_CHATS: usize = 20;

pub struct TryBot {
    form: Arc<Form>,
    settings: Settings,
    chats: Mutex<HashMap<String, Chat>>,
    /// Orders chats by last use for eviction (the clock can stand still in tests and at the
    /// same millisecond).
    uses: AtomicU64,
}

impl std::fmt::Debug for TryBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TryBot")
            .field("form", &self.form.id)
            .finish_non_exhaustive()
    }
}

impl TryBot {
    /// The settings this practice bot was made with, so the shell can tell when the clinic has
    /// changed them and a fresh one is due.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn new(form: Arc<Form>, settings: Settings) -> Self {
        Self {
            form,
            settings,
            chats: Mutex::default(),
            uses: AtomicU64::new(0),
        }
    }

    fn chats(&self) -> MutexGuard<'_, HashMap<String, Chat>> {
        // A panic elsewhere while holding the lock leaves only practice chats behind.
        self.chats.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The session's practice chat, started (with the patient's first "Hi") if there is none.
    pub fn start(&self, desk: &Desk, session: &str) -> Result<TryState> {
        desk.authorize(session, Permission::ViewQueue)?;
        let now = desk.clock_now();
        let mut chats = self.chats();
        let chat = self.chat(&mut chats, session, now);
        Ok(chat.view())
    }

    /// What the person trying typed or tapped, and the bot's answer.
    pub fn send(&self, desk: &Desk, session: &str, input: TryInput) -> Result<TryState> {
        desk.authorize(session, Permission::ViewQueue)?;
        let now = desk.clock_now();
        let mut chats = self.chats();
        let chat = self.chat(&mut chats, session, now);
        chat.send(&self.form, &self.settings, &input, now)?;
        Ok(chat.view())
    }

    /// Throws the chat away and starts a fresh one.
    pub fn reset(&self, desk: &Desk, session: &str) -> Result<TryState> {
        desk.authorize(session, Permission::ViewQueue)?;
        let now = desk.clock_now();
        let mut chats = self.chats();
        chats.remove(session);
        let chat = self.chat(&mut chats, session, now);
        Ok(chat.view())
    }

    fn chat<'a>(
        &self,
        chats: &'a mut HashMap<String, Chat>,
        session: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> &'a mut Chat {
        if !chats.contains_key(session) && chats.len() >= MAX_CHATS {
            let oldest = chats
                .iter()
                .min_by_key(|(_, c)| c.used)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                chats.remove(&k);
            }
        }
        let chat = chats
            .entry(session.to_owned())
            .or_insert_with(|| Chat::start(&self.form, &self.settings, now));
        chat.used = self.uses.fetch_add(1, Ordering::Relaxed);
        chat
    }

    /// How many practice chats are held (for tests of the bound).
    pub fn chats_held(&self) -> usize {
        self.chats().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_practice_number_passes_as_a_phone_answer() {
        // "Use this number" must work in practice as it does for a patient.
        assert_eq!(
            crate::form::parse_phone(&format!("+{PRACTICE_NUMBER}"), None).as_deref(),
            Ok("+12025550123")
        );
    }
}
