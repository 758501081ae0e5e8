//! In-memory staff sessions with idle auto-lock. A locked session refuses every data call until
//! its own user re-enters the password; it is never persisted, so a restart means a new login.
use std::collections::HashMap;
use std::sync::Mutex;

use rand::RngCore;

use super::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
}

impl Actor {
    /// How the audit log names a staff member.
    pub fn audit_name(&self) -> String {
        format!("staff:{}", self.username)
    }
}

#[derive(Debug, Clone)]
struct Session {
    actor: Actor,
    last_active_ms: i64,
    locked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touch {
    Active(Actor),
    /// `newly` is true when this very call noticed the idle timeout (audit it once).
    Locked {
        actor: Actor,
        newly: bool,
    },
    Missing,
}

#[derive(Debug, Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn start(&self, actor: Actor, now_ms: i64) -> String {
        let mut raw = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let id = hex::encode(raw);
        self.map().insert(
            id.clone(),
            Session {
                actor,
                last_active_ms: now_ms,
                locked: false,
            },
        );
        id
    }

    pub fn end(&self, id: &str) -> Option<Actor> {
        self.map().remove(id).map(|s| s.actor)
    }

    /// Ends every session of a user (disabled, password reset by an admin).
    pub fn end_user(&self, user_id: i64) {
        self.map().retain(|_, s| s.actor.user_id != user_id);
    }

    /// Checks a session, locking it if it has been idle for `idle_ms` or more; when
    /// `refresh` is set and the session is usable, counts this as activity.
    pub fn touch(&self, id: &str, now_ms: i64, idle_ms: i64, refresh: bool) -> Touch {
        let mut map = self.map();
        let Some(s) = map.get_mut(id) else {
            return Touch::Missing;
        };
        if s.locked {
            return Touch::Locked {
                actor: s.actor.clone(),
                newly: false,
            };
        }
        if now_ms - s.last_active_ms >= idle_ms {
            s.locked = true;
            return Touch::Locked {
                actor: s.actor.clone(),
                newly: true,
            };
        }
        if refresh {
            s.last_active_ms = now_ms;
        }
        Touch::Active(s.actor.clone())
    }

    pub fn lock(&self, id: &str) -> Option<Actor> {
        let mut map = self.map();
        let s = map.get_mut(id)?;
        s.locked = true;
        Some(s.actor.clone())
    }

    /// Call only after the session's own user has proved their password.
    pub fn unlock(&self, id: &str, now_ms: i64) {
        if let Some(s) = self.map().get_mut(id) {
            s.locked = false;
            s.last_active_ms = now_ms;
        }
    }

    pub fn actor(&self, id: &str) -> Option<Actor> {
        self.map().get(id).map(|s| s.actor.clone())
    }
}
