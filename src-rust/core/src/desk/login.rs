//! Signing in, locking, unlocking and signing out.
use super::{Desk, SessionInfo};
use crate::audit::Action;
use crate::auth::lockout::LockState;
use crate::auth::sessions::Touch;
use crate::auth::staff::{self, StaffRow};
use crate::auth::{permissions_of, totp, Actor, AuthError};
use crate::{audit, Error, Result};

const PHANTOM_LIMIT: usize = 10_000;

/// How an unknown username appears in the audit log: people sometimes type their password
/// into the username box, so it is never stored as typed.
fn username_fingerprint(name: &str) -> String {
    crate::limits::username_key(name)
}

impl Desk {
    /// Signs a user in and returns the new session id with what the UI needs to know.
    pub fn login(
        &self,
        username: &str,
        password: &str,
        totp_code: Option<&str>,
    ) -> Result<(String, SessionInfo)> {
        // Before the database and before any hash: a refused attempt costs next to nothing.
        self.limits.sign_in(username)?;
        let now = self.now_ms();
        let row = staff::by_username(&self.db.conn(), username)?;
        let Some(row) = row else {
            return Err(self.fail_unknown(username, password, now));
        };
        let subject = format!("staff:{}", row.username);
        self.check_credentials(&row, password, totp_code, now)?;
        self.write(|tx| {
            staff::save_lock(tx, row.id, &LockState::default(), now)?;
            audit::append(
                tx,
                now,
                &subject,
                Action::LoginOk,
                &subject,
                &serde_json::json!({}),
            )?;
            Ok(())
        })?;
        let actor = Actor {
            user_id: row.id,
            username: row.username.clone(),
            role: row.role,
        };
        let id = self.sessions.start(actor, now);
        Ok((id, self.info(&row, false)))
    }

    /// Password (and TOTP, when enrolled) with lockout bookkeeping. Hashing happens without the
    /// database lock held, so a login never stalls the bot's writes.
    fn check_credentials(
        &self,
        row: &StaffRow,
        password: &str,
        totp_code: Option<&str>,
        now: i64,
    ) -> Result<()> {
        let subject = format!("staff:{}", row.username);
        if let Some(until_ms) = self.lockout.locked_until(&row.lock, now) {
            self.audit(
                &subject,
                Action::LoginLocked,
                &subject,
                serde_json::json!({}),
            )?;
            return Err(AuthError::Locked { until_ms }.into());
        }
        if !self.hasher.verify(password, &row.password_hash) {
            return Err(self.record_failure(row, now, "password"));
        }
        if !row.active {
            self.audit(
                &subject,
                Action::LoginRefusedDisabled,
                &subject,
                serde_json::json!({}),
            )?;
            return Err(AuthError::Disabled.into());
        }
        if let Some(secret) = &row.totp_secret {
            let Some(code) = totp_code.filter(|c| !c.trim().is_empty()) else {
                return Err(AuthError::TotpRequired.into());
            };
            let secs = u64::try_from(now / 1000).unwrap_or(0);
            match totp::check(secret, code, secs, row.totp_last_step) {
                Ok(step) => self
                    .write(|tx| Ok(staff::set_totp(tx, row.id, Some(secret), Some(step), now)?))?,
                Err(totp::TotpFailure::Replayed) => {
                    self.record_failure(row, now, "totp_replayed");
                    return Err(AuthError::TotpReplayed.into());
                }
                Err(totp::TotpFailure::Invalid) => {
                    return Err(match self.record_failure(row, now, "totp") {
                        Error::Auth(AuthError::InvalidCredentials) => AuthError::TotpInvalid.into(),
                        other => other,
                    });
                }
            }
        }
        Ok(())
    }

    /// Counts a failed attempt, audits it, and says what to tell the user.
    fn record_failure(&self, row: &StaffRow, now: i64, what: &str) -> Error {
        let next = self.lockout.after_failure(&row.lock, now);
        let subject = format!("staff:{}", row.username);
        let locked = next.locked_until;
        let res = self.write(|tx| {
            staff::save_lock(tx, row.id, &next, now)?;
            let details = serde_json::json!({"failed": what, "lockedUntil": locked});
            audit::append(
                tx,
                now,
                "anonymous",
                Action::LoginFailed,
                &subject,
                &details,
            )?;
            Ok(())
        });
        match (res, locked) {
            (Err(e), _) => e,
            (Ok(()), Some(until_ms)) => AuthError::Locked { until_ms }.into(),
            (Ok(()), None) => AuthError::InvalidCredentials.into(),
        }
    }

    fn fail_unknown(&self, username: &str, password: &str, now: i64) -> Error {
        self.hasher.verify_dummy(password);
        let key = username.trim().to_lowercase();
        let mut map = self.phantom.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= PHANTOM_LIMIT {
            map.clear();
        }
        let state = map.entry(key).or_default();
        if let Some(until_ms) = self.lockout.locked_until(state, now) {
            return AuthError::Locked { until_ms }.into();
        }
        *state = self.lockout.after_failure(state, now);
        let locked = state.locked_until;
        drop(map);
        let details = serde_json::json!({
            "failed": "unknown_user",
            "usernameFingerprint": username_fingerprint(username),
        });
        if let Err(e) = self.audit("anonymous", Action::LoginFailed, "unknown-user", details) {
            return e;
        }
        match locked {
            Some(until_ms) => AuthError::Locked { until_ms }.into(),
            None => AuthError::InvalidCredentials.into(),
        }
    }

    pub(super) fn info(&self, row: &StaffRow, locked: bool) -> SessionInfo {
        SessionInfo {
            username: row.username.clone(),
            display_name: row.display_name.clone(),
            role: row.role,
            permissions: permissions_of(row.role),
            idle_lock_minutes: u32::try_from(self.idle_ms() / 60_000).unwrap_or(u32::MAX),
            totp_enabled: row.totp_secret.is_some(),
            locked,
        }
    }

    /// Who this session belongs to and whether it is locked. Does not count as activity, so
    /// the UI may poll it to notice an idle lock.
    pub fn session_info(&self, session: &str) -> Result<SessionInfo> {
        let (actor, locked) =
            match self
                .sessions
                .touch(session, self.now_ms(), self.idle_ms(), false)
            {
                Touch::Missing => return Err(AuthError::NotSignedIn.into()),
                Touch::Active(a) => (a, false),
                Touch::Locked { actor, newly } => {
                    if newly {
                        let name = actor.audit_name();
                        let details = serde_json::json!({"reason": "idle"});
                        self.audit(&name, Action::SessionLocked, "", details)?;
                    }
                    (actor, true)
                }
            };
        let row = staff::by_id(&self.db.conn(), actor.user_id)?;
        Ok(self.info(&row, locked))
    }

    /// Counts as activity: the UI calls it on keyboard and mouse input.
    pub fn touch(&self, session: &str) -> Result<()> {
        self.active_actor(session, true).map(|_| ())
    }

    pub fn lock(&self, session: &str) -> Result<()> {
        let actor = self.sessions.lock(session).ok_or(AuthError::NotSignedIn)?;
        let details = serde_json::json!({"reason": "manual"});
        self.audit(&actor.audit_name(), Action::SessionLocked, "", details)
    }

    /// Only the session's own user can unlock it, with their password.
    pub fn unlock(&self, session: &str, password: &str) -> Result<SessionInfo> {
        let actor = self.sessions.actor(session).ok_or(AuthError::NotSignedIn)?;
        self.limits.sign_in(&actor.username)?;
        let now = self.now_ms();
        let row = staff::by_id(&self.db.conn(), actor.user_id)?;
        if let Some(until_ms) = self.lockout.locked_until(&row.lock, now) {
            return Err(AuthError::Locked { until_ms }.into());
        }
        if !self.hasher.verify(password, &row.password_hash) {
            return Err(self.record_failure(&row, now, "unlock_password"));
        }
        if !row.active {
            self.sessions.end(session);
            return Err(AuthError::Disabled.into());
        }
        let name = actor.audit_name();
        self.write(|tx| {
            staff::save_lock(tx, row.id, &LockState::default(), now)?;
            audit::append(
                tx,
                now,
                &name,
                Action::SessionUnlocked,
                &name,
                &serde_json::json!({}),
            )?;
            Ok(())
        })?;
        self.sessions.unlock(session, now);
        Ok(self.info(&row, false))
    }

    pub fn logout(&self, session: &str) -> Result<()> {
        if let Some(actor) = self.sessions.end(session) {
            self.audit(
                &actor.audit_name(),
                Action::Logout,
                "",
                serde_json::json!({}),
            )?;
        }
        Ok(())
    }
}
