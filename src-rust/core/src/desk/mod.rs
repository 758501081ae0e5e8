//! `Desk`: an open clinic database plus everything staff do with it. Every call that reads or
//! changes data takes a session id, checks the permission table and records the audit row in
//! the same transaction as the change.
mod account;
mod admin;
mod clinic;
mod clinic_checks;
mod login;
mod tunnel_settings;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::{Transaction, TransactionBehavior};
use serde::Serialize;
use ts_rs::TS;

use crate::auth::lockout::{LockState, LockoutPolicy};
use crate::auth::sessions::Touch;
use crate::auth::{allows, Actor, AuthError, HashParams, PasswordHasher, Permission, Sessions};
use crate::clock::Clock;
use crate::keys::recovery::KdfParams;
use crate::paths::{DataDir, KeyInfo};
use crate::store::{settings, Db};
use crate::{audit, Result};

pub use account::TotpEnrollment;
pub use admin::{BackupInfo, NewUser};
pub(crate) use clinic::CLINIC_NAME;
pub use clinic::{
    ClinicSettings, LanguageOption, WhatsAppCredentials, WhatsAppSettings, WhatsAppUpdate,
};
pub(crate) use clinic_checks::validate_clinic_name;
pub use tunnel_settings::{TunnelSettings, TunnelUpdate};

pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 5;
const IDLE_SETTING: &str = "idle_lock_minutes";

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: DataDir,
    pub password: HashParams,
    pub recovery_kdf: KdfParams,
    pub lockout: LockoutPolicy,
    /// Per-action rate limits (see `limits`).
    pub limits: crate::limits::LimitPolicy,
}

impl Config {
    pub fn new(data_dir: DataDir) -> Self {
        Self {
            data_dir,
            password: HashParams::OWASP,
            recovery_kdf: KdfParams::OWASP,
            lockout: LockoutPolicy::default(),
            limits: crate::limits::LimitPolicy::default(),
        }
    }

    /// Cheap hashing for test suites that create many databases and users, and rate limits out
    /// of their way (`LimitPolicy::generous_for_tests`).
    pub fn fast_for_tests(data_dir: DataDir) -> Self {
        let p = HashParams::TEST_ONLY;
        Self {
            password: p,
            recovery_kdf: KdfParams {
                m_cost: p.m_cost_kib,
                t_cost: p.t_cost,
                p_cost: p.p_cost,
            },
            limits: crate::limits::LimitPolicy::generous_for_tests(),
            ..Self::new(data_dir)
        }
    }
}

/// Who is signed in, for the UI to show and to decide what to offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub username: String,
    pub display_name: String,
    pub role: crate::auth::Role,
    pub permissions: Vec<Permission>,
    pub idle_lock_minutes: u32,
    pub totp_enabled: bool,
    pub locked: bool,
}

pub struct Desk {
    db: Db,
    clock: Arc<dyn Clock>,
    hasher: PasswordHasher,
    lockout: LockoutPolicy,
    sessions: Sessions,
    /// Failure counters for usernames that do not exist, so a lockout looks the same whether
    /// or not the account exists. Memory only, and bounded.
    phantom: Mutex<HashMap<String, LockState>>,
    pending_totp: Mutex<HashMap<i64, String>>,
    idle_ms: AtomicI64,
    keyinfo: KeyInfo,
    events: crate::events::Events,
    secrets: Arc<dyn crate::keys::SecretStore>,
    /// What the webhook edge has seen of Meta (see webhook/seen.rs).
    seen: crate::webhook::Seen,
    limits: crate::limits::Limits,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk").field("db", &self.db).finish()
    }
}

impl Desk {
    pub(crate) fn new(
        db: Db,
        config: &Config,
        clock: Arc<dyn Clock>,
        keyinfo: KeyInfo,
        secrets: Arc<dyn crate::keys::SecretStore>,
    ) -> Result<Self> {
        let hasher = PasswordHasher::new(config.password)?;
        let minutes = settings::get(&db.conn(), IDLE_SETTING)?
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES);
        let limits = crate::limits::Limits::new(config.limits, clock.clone(), &db.conn())?;
        Ok(Self {
            db,
            clock,
            hasher,
            lockout: config.lockout,
            sessions: Sessions::default(),
            phantom: Mutex::default(),
            pending_totp: Mutex::default(),
            idle_ms: AtomicI64::new(minutes_to_ms(minutes)),
            keyinfo,
            events: crate::events::Events::default(),
            secrets,
            seen: Default::default(),
            limits,
        })
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Live updates for the desktop window (see `events`).
    pub fn events(&self) -> &crate::events::Events {
        &self.events
    }

    pub(crate) fn seen(&self) -> &crate::webhook::Seen {
        &self.seen
    }

    /// The per-action rate limits (the webhook edge reads their numbers too).
    pub fn limits(&self) -> &crate::limits::Limits {
        &self.limits
    }

    /// For rate limiters that must move with the same (injectable) time.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// Test builds only (the shell gates it): an idle lock in seconds, so an end-to-end run
    /// can watch the lock engage without waiting a minute. The next settings save resets it.
    pub fn override_idle_lock_secs(&self, secs: u32) {
        self.idle_ms
            .store(i64::from(secs.max(1)) * 1000, Ordering::Relaxed);
    }

    fn idle_ms(&self) -> i64 {
        self.idle_ms.load(Ordering::Relaxed)
    }

    /// Runs `f` in one IMMEDIATE transaction: the change and its audit row land together.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.db.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(crate::store::StoreError::from)?;
        let out = f(&tx)?;
        tx.commit().map_err(crate::store::StoreError::from)?;
        Ok(out)
    }

    pub(crate) fn audit(
        &self,
        actor: &str,
        action: audit::Action,
        subject: &str,
        details: serde_json::Value,
    ) -> Result<()> {
        let now = self.now_ms();
        self.write(|tx| Ok(audit::append(tx, now, actor, action, subject, &details)?))
            .map(|_| ())
    }

    /// The gate in front of every data call: a live, unlocked session whose role has the
    /// permission. Not activity for the idle timer: live updates refetch on their own, and an
    /// unattended screen must still lock. Only the window's keyboard/mouse reports (`touch`)
    /// and signing in count.
    pub fn authorize(&self, session: &str, permission: Permission) -> Result<Actor> {
        let actor = self.active_actor(session, false)?;
        if !allows(actor.role, permission) {
            return Err(AuthError::Forbidden(permission).into());
        }
        Ok(actor)
    }

    fn active_actor(&self, session: &str, refresh: bool) -> Result<Actor> {
        match self
            .sessions
            .touch(session, self.now_ms(), self.idle_ms(), refresh)
        {
            Touch::Active(actor) => Ok(actor),
            Touch::Missing => Err(AuthError::NotSignedIn.into()),
            Touch::Locked { actor, newly } => {
                if newly {
                    self.audit(
                        &actor.audit_name(),
                        audit::Action::SessionLocked,
                        "",
                        serde_json::json!({"reason": "idle"}),
                    )?;
                }
                Err(AuthError::SessionLocked.into())
            }
        }
    }
}

fn minutes_to_ms(minutes: u32) -> i64 {
    i64::from(minutes) * 60_000
}
