//! Where the app is between launch and a usable database: first run, waiting for the recovery
//! key, failed with a reason, or ready. The shell and the headless server both drive this.
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::Action;
use crate::auth::{
    password::check_policy, validate_display_name, validate_username, AuthError, Role,
};
use crate::clock::Clock;
use crate::desk::{validate_clinic_name, Config, Desk, NewUser};
use crate::error::ErrorBody;
use crate::keys::recovery::normalize_group;
use crate::keys::{DbKey, KeyError, RecoveryKey, SecretStore, WrappedKey};
use crate::paths::KeyInfo;
use crate::store::{settings, Db, StoreError};
use crate::{audit, backup, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(
    tag = "phase",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum StartupStatus {
    FirstRun,
    /// The database is there but its key is not (or does not fit): ask for the recovery key.
    NeedsRecovery {
        reason: ErrorBody,
    },
    /// Something the user must fix outside the app (keyring locked, file missing...).
    Failed {
        error: ErrorBody,
    },
    Ready {
        clinic_name: String,
    },
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct SetupRequest {
    pub clinic_name: String,
    pub username: String,
    pub display_name: String,
    pub password: String,
    /// The last group of the recovery key, typed back to show it was written down.
    pub recovery_confirmation: String,
}

struct Pending {
    db_key: DbKey,
    recovery: RecoveryKey,
}

enum Phase {
    FirstRun(Option<Pending>),
    NeedsRecovery(Error),
    Failed(Error),
    Ready(Arc<Desk>),
}

pub struct Launcher {
    config: Config,
    secrets: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    phase: Mutex<Phase>,
}

impl Launcher {
    pub fn new(config: Config, secrets: Arc<dyn SecretStore>, clock: Arc<dyn Clock>) -> Self {
        let launcher = Self {
            config,
            secrets,
            clock,
            phase: Mutex::new(Phase::FirstRun(None)),
        };
        let phase = launcher.probe();
        *launcher.phase() = phase;
        launcher
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn probe(&self) -> Phase {
        let dir = &self.config.data_dir;
        match (dir.db_path().exists(), dir.keyinfo_path().exists()) {
            (false, false) => Phase::FirstRun(None),
            (true, false) => Phase::Failed(Error::KeyInfoMissing),
            (false, true) => Phase::Failed(StoreError::Missing.into()),
            (true, true) => match self.open_with_keyring() {
                Ok(desk) => Phase::Ready(Arc::new(desk)),
                Err(e @ Error::Key(KeyError::NotInKeyring | KeyError::Malformed))
                | Err(e @ Error::Store(StoreError::WrongKeyOrDamaged)) => Phase::NeedsRecovery(e),
                Err(e) => Phase::Failed(e),
            },
        }
    }

    fn open_with_keyring(&self) -> Result<Desk> {
        let info = KeyInfo::read(&self.config.data_dir.keyinfo_path())?;
        let hex = self
            .secrets
            .get(&info.key_names().db_key())?
            .ok_or(KeyError::NotInKeyring)?;
        let key = DbKey::from_hex(&hex)?;
        let db = Db::open(&self.config.data_dir.db_path(), &key)?;
        self.make_desk(db, info)
    }

    fn make_desk(&self, db: Db, info: KeyInfo) -> Result<Desk> {
        Desk::new(
            db,
            &self.config,
            self.clock.clone(),
            info,
            self.secrets.clone(),
        )
    }

    pub fn status(&self) -> StartupStatus {
        match &*self.phase() {
            Phase::FirstRun(_) => StartupStatus::FirstRun,
            Phase::NeedsRecovery(e) => StartupStatus::NeedsRecovery { reason: e.body() },
            Phase::Failed(e) => StartupStatus::Failed { error: e.body() },
            Phase::Ready(desk) => StartupStatus::Ready {
                clinic_name: desk
                    .read_settings()
                    .map(|s| s.clinic_name)
                    .unwrap_or_default(),
            },
        }
    }

    /// Looks again (after the user unlocked the keyring or put a file back).
    pub fn retry(&self) -> StartupStatus {
        if !matches!(&*self.phase(), Phase::Ready(_)) {
            let phase = self.probe();
            *self.phase() = phase;
        }
        self.status()
    }

    pub fn desk(&self) -> Result<Arc<Desk>> {
        match &*self.phase() {
            Phase::Ready(desk) => Ok(desk.clone()),
            _ => Err(Error::WrongPhase("the database is not open yet")),
        }
    }

    /// Creates the keys for a new installation and returns the recovery key to show. Calling it
    /// again before `finish_setup` shows the same key; nothing is written until then.
    pub fn begin_setup(&self) -> Result<String> {
        let mut phase = self.phase();
        let Phase::FirstRun(pending) = &mut *phase else {
            return Err(Error::WrongPhase("set-up is already done"));
        };
        let p = pending.get_or_insert_with(|| Pending {
            db_key: DbKey::generate(),
            recovery: RecoveryKey::generate(),
        });
        Ok(p.recovery.display().to_string())
    }

    pub fn finish_setup(&self, req: &SetupRequest) -> Result<()> {
        let mut phase = self.phase();
        let Phase::FirstRun(Some(pending)) = &*phase else {
            return Err(Error::WrongPhase("set-up has not started"));
        };
        let username = validate_username(&req.username)?;
        validate_display_name(&req.display_name)?;
        check_policy(&req.password, &username).map_err(AuthError::from)?;
        let clinic = validate_clinic_name(&req.clinic_name)?;
        let shown = pending.recovery.display();
        let last_group = shown.rsplit('-').next().unwrap_or_default();
        if normalize_group(&req.recovery_confirmation) != normalize_group(last_group) {
            return Err(Error::invalid(
                "invalid.recovery_confirmation",
                "The last group you typed does not match the recovery key. Check what you wrote down.",
            ));
        }
        let desk = self.create(pending, &username, req, &clinic)?;
        *phase = Phase::Ready(Arc::new(desk));
        Ok(())
    }

    fn create(
        &self,
        p: &Pending,
        username: &str,
        req: &SetupRequest,
        clinic: &str,
    ) -> Result<Desk> {
        let dir = &self.config.data_dir;
        let info = KeyInfo::new(WrappedKey::wrap(
            &p.db_key,
            &p.recovery,
            self.config.recovery_kdf,
        )?);
        // Keyring first: if it is unavailable nothing is left behind on disk.
        let name = info.key_names().db_key();
        self.secrets.set(&name, p.db_key.to_hex().as_str())?;
        if self.secrets.get(&name)?.as_deref() != Some(p.db_key.to_hex().as_str()) {
            return Err(KeyError::Unavailable("the keyring did not keep the key".into()).into());
        }
        std::fs::create_dir_all(dir.root())?;
        info.write(&dir.keyinfo_path())?;
        let db = match Db::create(&dir.db_path(), &p.db_key) {
            Ok(db) => db,
            Err(e) => {
                let _ = std::fs::remove_file(dir.keyinfo_path());
                return Err(e.into());
            }
        };
        let desk = self.make_desk(db, info)?;
        let admin = NewUser {
            username: username.to_owned(),
            display_name: req.display_name.clone(),
            role: Role::Admin,
            password: req.password.clone(),
        };
        desk.insert_user("setup", &admin)?;
        let now = desk.now_ms();
        desk.write(|tx| {
            settings::set(tx, crate::desk::CLINIC_NAME, clinic, now)?;
            let d = serde_json::json!({"admin": username});
            audit::append(tx, now, "setup", Action::SetupCompleted, "installation", &d)?;
            Ok(())
        })?;
        Ok(desk)
    }

    /// Re-seats the database key into the keyring from the recovery key.
    pub fn recover(&self, recovery_text: &str) -> Result<()> {
        let mut phase = self.phase();
        if !matches!(&*phase, Phase::NeedsRecovery(_)) {
            return Err(Error::WrongPhase("no recovery is needed"));
        }
        let recovery = RecoveryKey::parse(recovery_text)?;
        let dir = &self.config.data_dir;
        let info = KeyInfo::read(&dir.keyinfo_path())?;
        let key = info.wrapped_key.unwrap_key(&recovery)?;
        let db = match Db::open(&dir.db_path(), &key) {
            Err(StoreError::WrongKeyOrDamaged) => {
                return Err(StoreError::Damaged("recovered key does not open it".into()).into())
            }
            other => other?,
        };
        self.secrets
            .set(&info.key_names().db_key(), key.to_hex().as_str())?;
        let desk = self.make_desk(db, info)?;
        desk.audit(
            "recovery-key",
            Action::KeyRecovered,
            "database",
            serde_json::json!({}),
        )?;
        *phase = Phase::Ready(Arc::new(desk));
        Ok(())
    }

    /// Restores a backup file into the data folder. Anything already there is kept under a
    /// `.before-restore-<time>` name, never deleted.
    pub fn restore_backup(&self, file: &Path, recovery_text: &str) -> Result<()> {
        let mut phase = self.phase();
        if matches!(&*phase, Phase::Ready(_)) {
            return Err(Error::WrongPhase("a database is already open"));
        }
        let recovery = RecoveryKey::parse(recovery_text)?;
        let backup = backup::read(file)?;
        let key = backup.keyinfo.wrapped_key.unwrap_key(&recovery)?;
        let dir = &self.config.data_dir;
        std::fs::create_dir_all(dir.root())?;
        let stamp = self.clock.now().format("%Y%m%d-%H%M%S").to_string();
        let db_path = dir.db_path();
        for path in [
            db_path.clone(),
            db_path.with_extension("db-wal"),
            db_path.with_extension("db-shm"),
            dir.keyinfo_path(),
        ] {
            if path.exists() {
                let mut aside = path.clone().into_os_string();
                aside.push(format!(".before-restore-{stamp}"));
                std::fs::rename(&path, aside)?;
            }
        }
        let part = db_path.with_extension("db.restoring");
        std::fs::write(&part, &backup.db_bytes)?;
        std::fs::rename(&part, &db_path)?;
        backup.keyinfo.write(&dir.keyinfo_path())?;
        let db = Db::open(&db_path, &key)?;
        self.secrets
            .set(&backup.keyinfo.key_names().db_key(), key.to_hex().as_str())?;
        let desk = self.make_desk(db, backup.keyinfo)?;
        desk.audit(
            "recovery-key",
            Action::BackupRestored,
            "database",
            serde_json::json!({}),
        )?;
        *phase = Phase::Ready(Arc::new(desk));
        Ok(())
    }
}
