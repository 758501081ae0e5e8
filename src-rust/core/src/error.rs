//! One error type for the core, and the `{code, message}` body every caller (desktop IPC,
//! headless CLI) shows people. Messages say what happened and what to do; they never carry
//! patient data or internal error text (that goes to the log via `Display`).
use chrono::{DateTime, Local};
use serde::Serialize;
use ts_rs::TS;

use crate::auth::AuthError;
use crate::keys::KeyError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Hash(#[from] crate::auth::password::HashError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    /// Bad input. `code` names the field (`invalid.clinic_name`); the message is written for
    /// the user and names no patient data.
    #[error("invalid input ({code})")]
    Invalid { code: &'static str, message: String },
    /// A record the caller named is not there (deleted, or a stale link). `code` names the kind
    /// (`not_found.intake`); the message is for the user and names no patient data.
    #[error("not found ({code})")]
    NotFound {
        code: &'static str,
        message: &'static str,
    },
    /// The call does not fit where start-up is (e.g. logging in before set-up).
    #[error("not available now: {0}")]
    WrongPhase(&'static str),
    #[error("the key information file next to the database is missing")]
    KeyInfoMissing,
    #[error("the backup file is not an Intake Desk backup or is damaged: {0}")]
    BadBackup(String),
    /// A per-action limit was hit (`rate_limited.export`, `rate_limited.login`...). The message
    /// says what was limited and when to try again; `retry_after_ms` is for callers that can
    /// wait.
    #[error("rate limited ({code})")]
    RateLimited {
        code: &'static str,
        message: String,
        retry_after_ms: i64,
    },
    /// Meta's Graph API refused or could not be reached (templates, set-up checks); the
    /// problem is already explained in words for the admin.
    #[error(transparent)]
    Graph(#[from] crate::setup::SetupProblem),
    /// A failure inside Intake Desk itself (a background task died, a client could not be
    /// built); the text is for the log only.
    #[error("internal failure: {0}")]
    Internal(&'static str),
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Store(StoreError::Io(e))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(code: &'static str, message: &str) -> Self {
        Self::Invalid {
            code,
            message: message.to_owned(),
        }
    }

    pub fn not_found(code: &'static str, message: &'static str) -> Self {
        Self::NotFound { code, message }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ErrorBody {
    /// Stable, machine-readable: the UI branches on it (e.g. `auth.totp_required`).
    pub code: String,
    /// A sentence for the person at the desk.
    pub message: String,
}

fn local_time(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&Local).format("%H:%M").to_string())
        .unwrap_or_else(|| "later".into())
}

impl Error {
    /// The stable code, for logs and for callers that branch on it. A Graph API problem reports
    /// the family `setup.graph` here (its own codes are built at run time); `body()` carries the
    /// problem's precise code to the screen.
    pub fn code(&self) -> &'static str {
        self.describe().0
    }

    pub fn body(&self) -> ErrorBody {
        if let Error::Graph(p) = self {
            return p.body();
        }
        let (code, message) = self.describe();
        ErrorBody {
            code: code.into(),
            message,
        }
    }

    fn describe(&self) -> (&'static str, String) {
        use AuthError as A;
        let s = |code, msg: &str| (code, msg.to_owned());
        match self {
            Error::Auth(a) => match a {
                A::InvalidCredentials => s("auth.invalid_credentials", "Wrong username or password. Check caps lock and try again."),
                A::Locked { until_ms } => ("auth.locked", format!(
                    "This account is locked after too many failed attempts. Try again after {}, or ask an admin to unlock it.",
                    local_time(*until_ms))),
                A::Disabled => s("auth.disabled", "This account has been disabled. Ask an admin if you need access again."),
                A::TotpRequired => s("auth.totp_required", "Enter the 6-digit code from your authenticator app."),
                A::TotpInvalid => s("auth.totp_invalid", "That code is not right. Check the time on your phone and enter the current code."),
                A::TotpReplayed => s("auth.totp_replayed", "That code was already used. Wait for the next code and enter it."),
                A::NotSignedIn => s("auth.not_signed_in", "You are signed out. Sign in to continue."),
                A::SessionLocked => s("auth.session_locked", "The screen is locked. Enter your password to continue."),
                A::Forbidden(_) => s("auth.forbidden", "Your role does not allow this. Ask an admin if you need it."),
                A::WeakPassword(w) => ("auth.weak_password", w.to_string()),
                A::UsernameTaken => s("auth.username_taken", "That username is already in use. Choose another."),
                A::LastAdmin => s("auth.last_admin", "This is the last active admin. Make another user an admin first."),
                A::UserNotFound => s("auth.user_not_found", "That user no longer exists. Refresh the list."),
                A::InvalidUsername => s("auth.invalid_username", "Usernames are 3 to 32 letters, digits, dots, dashes or underscores."),
                A::InvalidDisplayName => s("auth.invalid_display_name", "Enter a name of 1 to 80 characters, on one line."),
                A::NoTotpEnrollment => s("auth.no_totp_enrollment", "Start two-step sign-in set-up again."),
            },
            Error::Store(e) => match e {
                StoreError::Missing => s("store.missing", "The database file is missing. Put it back, or restore from a backup file with your recovery key."),
                StoreError::AlreadyExists => s("store.already_exists", "A database already exists in the data folder. Nothing was changed."),
                StoreError::NotEncrypted => s("store.not_encrypted", "The database file is not encrypted, so it is not an Intake Desk database. Nothing was changed."),
                StoreError::WrongKeyOrDamaged => s("store.wrong_key", "The database could not be unlocked with the key in this computer's keyring. Enter your recovery key to unlock it."),
                StoreError::Damaged(_) => s("store.damaged", "The database file is damaged. Restore from your latest backup file with your recovery key."),
                StoreError::NewerSchema { .. } => s("store.newer_schema", "This database was written by a newer version of Intake Desk. Install the newer version to open it. Nothing was changed."),
                StoreError::Busy => s("store.busy", "The database is busy. Wait a moment and try again."),
                StoreError::DiskFull => s("store.disk_full", "The disk is full. Free some space and try again; nothing was lost."),
                StoreError::ReadOnly => s("store.read_only", "The database cannot be written (read-only folder or file). Check the folder's permissions."),
                StoreError::WriteFailed => s("store.write_failed", "The database could not save this. Try again; if it keeps happening, check the disk."),
                StoreError::Sqlite(_) | StoreError::Migration(_) => s("store.internal", "Something went wrong in the database. Try again; if it keeps happening, note the time and contact support."),
                StoreError::Io(_) => s("store.io", "A file could not be read or written. Check the disk and folder permissions."),
            },
            Error::Key(k) => match k {
                KeyError::Unavailable(_) => s("key.keyring_unavailable", "The system keyring is not available. Sign in to your computer's desktop session (the keyring unlocks with it) and try again."),
                KeyError::NotInKeyring => s("key.not_in_keyring", "The database key is not in this computer's keyring (new computer, reinstalled system or reset keyring). Enter your recovery key to restore it."),
                KeyError::Malformed => s("key.malformed", "The key stored in the keyring is damaged. Enter your recovery key to re-seat it."),
                KeyError::WrongRecoveryKey => s("key.wrong_recovery_key", "That recovery key does not unlock this database. Check you are using the key printed for this clinic. Nothing was changed."),
                KeyError::RecoveryKeyFormat => s("key.recovery_key_format", "That recovery key has a typo: it should be 8 groups of 4 letters and digits. Check each group."),
                KeyError::RecoveryFile(_) => s("key.recovery_file", "The key information file next to the database is damaged. Restore from a backup file with your recovery key."),
                KeyError::Io(_) => s("key.io", "The key information file could not be read or written. Check the data folder's permissions."),
            },
            Error::Export(e) => e.describe(),
            Error::Hash(_) => s("auth.internal", "Something went wrong while checking the password. Try again."),
            Error::Invalid { code, message } => (code, message.clone()),
            Error::RateLimited { code, message, .. } => (code, message.clone()),
            // body() answers with the problem's own code; this is for code() alone.
            Error::Graph(p) => ("setup.graph", p.message.clone()),
            Error::NotFound { code, message } => (code, (*message).to_owned()),
            Error::WrongPhase(_) => s("wrong_phase", "That is not possible at this step. Restart Intake Desk if this screen looks wrong."),
            Error::KeyInfoMissing => s("key.info_missing", "The file keyinfo.json next to the database is missing. Put it back from your backup, or restore a backup file."),
            Error::Internal(_) => s("internal", "Something went wrong inside Intake Desk. Try again; if it keeps happening, restart Intake Desk."),
            Error::BadBackup(_) => s("backup.invalid", "That file is not an Intake Desk backup, or it is damaged. Choose another backup file."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_hide_internal_text() {
        let inner = rusqlite::Error::InvalidQuery;
        let e = Error::Store(StoreError::Sqlite(inner));
        let body = e.body();
        assert_eq!(body.code, "store.internal");
        assert!(!body.message.to_lowercase().contains("query"));
        let e = Error::Key(KeyError::Unavailable("org.freedesktop.DBus.Error".into()));
        assert!(!e.body().message.contains("DBus"));
        let e = Error::Internal("sender task failed");
        assert_eq!(e.body().code, "internal");
        assert!(!e.body().message.contains("sender task"));
    }
}
