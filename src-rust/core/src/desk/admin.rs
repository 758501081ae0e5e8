//! Admin work: users, clinic settings, the audit log and backups.
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Desk;
use crate::audit::{Action, AuditEntry, AuditQuery, VerifyReport};
use crate::auth::lockout::LockState;
use crate::auth::password::check_policy;
use crate::auth::staff::{self, StaffSummary};
use crate::auth::{validate_display_name, validate_username, Actor, AuthError, Permission, Role};
use crate::{audit, backup, Result};

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct BackupInfo {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

impl Desk {
    pub fn list_users(&self, session: &str) -> Result<Vec<StaffSummary>> {
        self.authorize(session, Permission::ManageUsers)?;
        let now = self.now_ms();
        Ok(staff::list(&self.db.conn())?
            .iter()
            .map(|r| r.summary(now))
            .collect())
    }

    pub fn create_user(&self, session: &str, new: &NewUser) -> Result<StaffSummary> {
        let actor = self.authorize(session, Permission::ManageUsers)?;
        self.insert_user(&actor.audit_name(), new)
    }

    /// For the headless server's `add-user`, run by the machine's operator, who already holds
    /// the database key: there is no staff session to check, so it is audited as `operator`.
    pub fn create_user_as_operator(&self, new: &NewUser) -> Result<StaffSummary> {
        self.insert_user("operator", new)
    }

    /// Shared by the admin screen and first-run set-up.
    pub(crate) fn insert_user(&self, actor: &str, new: &NewUser) -> Result<StaffSummary> {
        let username = validate_username(&new.username)?;
        let display = validate_display_name(&new.display_name)?;
        check_policy(&new.password, &username).map_err(AuthError::from)?;
        let hash = self.hasher.hash(&new.password)?;
        let now = self.now_ms();
        let id = self.write(|tx| {
            let id = staff::insert(tx, &username, &display, new.role, &hash, now)?;
            let d = serde_json::json!({"role": new.role.as_str()});
            audit::append(
                tx,
                now,
                actor,
                Action::UserCreated,
                &format!("staff:{username}"),
                &d,
            )?;
            Ok(id)
        })?;
        Ok(staff::by_id(&self.db.conn(), id)?.summary(now))
    }

    pub fn reset_password(&self, session: &str, user_id: i64, new_password: &str) -> Result<()> {
        let actor = self.authorize(session, Permission::ManageUsers)?;
        let row = staff::by_id(&self.db.conn(), user_id)?;
        check_policy(new_password, &row.username).map_err(AuthError::from)?;
        let hash = self.hasher.hash(new_password)?;
        self.change_user(&actor, user_id, Action::UserPasswordReset, |tx, now| {
            staff::set_password(tx, user_id, &hash, now)?;
            Ok(staff::save_lock(tx, user_id, &LockState::default(), now)?)
        })?;
        self.sessions.end_user(user_id);
        Ok(())
    }

    pub fn set_user_active(&self, session: &str, user_id: i64, active: bool) -> Result<()> {
        let actor = self.authorize(session, Permission::ManageUsers)?;
        let action = if active {
            Action::UserEnabled
        } else {
            Action::UserDisabled
        };
        self.change_user(&actor, user_id, action, |tx, now| {
            let row = staff::by_id(tx, user_id)?;
            if !active && row.active && row.role == Role::Admin && staff::active_admins(tx)? <= 1 {
                return Err(AuthError::LastAdmin.into());
            }
            Ok(staff::set_active(tx, user_id, active, now)?)
        })?;
        if !active {
            self.sessions.end_user(user_id);
        }
        Ok(())
    }

    pub fn set_user_role(&self, session: &str, user_id: i64, role: Role) -> Result<()> {
        let actor = self.authorize(session, Permission::ManageUsers)?;
        self.change_user(&actor, user_id, Action::UserRoleChanged, |tx, now| {
            let row = staff::by_id(tx, user_id)?;
            let demoting = row.role == Role::Admin && role != Role::Admin;
            if demoting && row.active && staff::active_admins(tx)? <= 1 {
                return Err(AuthError::LastAdmin.into());
            }
            Ok(staff::set_role(tx, user_id, role, now)?)
        })?;
        // A role change takes effect at the next sign-in, never half-way through a screen.
        self.sessions.end_user(user_id);
        Ok(())
    }

    pub fn unlock_user(&self, session: &str, user_id: i64) -> Result<()> {
        let actor = self.authorize(session, Permission::ManageUsers)?;
        self.change_user(&actor, user_id, Action::UserUnlocked, |tx, now| {
            Ok(staff::save_lock(tx, user_id, &LockState::default(), now)?)
        })
    }

    /// For a lost phone: the user signs in with the password alone and can enrol again.
    pub fn reset_user_totp(&self, session: &str, user_id: i64) -> Result<()> {
        let actor = self.authorize(session, Permission::ManageUsers)?;
        self.change_user(&actor, user_id, Action::TotpDisabled, |tx, now| {
            Ok(staff::set_totp(tx, user_id, None, None, now)?)
        })
    }

    fn change_user(
        &self,
        actor: &Actor,
        user_id: i64,
        action: Action,
        f: impl FnOnce(&rusqlite::Transaction<'_>, i64) -> Result<()>,
    ) -> Result<()> {
        let now = self.now_ms();
        self.write(|tx| {
            let row = staff::by_id(tx, user_id)?;
            f(tx, now)?;
            let after = staff::by_id(tx, user_id)?;
            let details = serde_json::json!({"role": after.role.as_str(), "active": after.active});
            let subject = format!("staff:{}", row.username);
            audit::append(tx, now, &actor.audit_name(), action, &subject, &details)?;
            Ok(())
        })
    }

    pub fn audit_log(&self, session: &str, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        self.authorize(session, Permission::ViewAudit)?;
        Ok(audit::list(&self.db.conn(), query)?)
    }

    pub fn verify_audit(&self, session: &str) -> Result<VerifyReport> {
        let actor = self.authorize(session, Permission::ViewAudit)?;
        let report = audit::verify(&self.db.conn())?;
        let details = serde_json::json!({"intact": report.first_broken.is_none(), "rows": report.rows_checked});
        self.audit(
            &actor.audit_name(),
            Action::AuditVerified,
            "audit_log",
            details,
        )?;
        Ok(report)
    }

    /// Writes an encrypted backup file that can be restored on another PC with the recovery
    /// key. A directory as `dest` gets a dated file name inside it.
    pub fn backup(&self, session: &str, dest: &Path) -> Result<BackupInfo> {
        let actor = self.authorize(session, Permission::ManageBackups)?;
        let path = if dest.is_dir() {
            let day = self.clock.now().format("%Y-%m-%d-%H%M");
            dest.join(format!("intake-desk-{day}.idbk"))
        } else {
            PathBuf::from(dest)
        };
        let bytes = backup::write(&self.db, &self.keyinfo, &path)?;
        let details = serde_json::json!({"bytes": bytes});
        self.audit(
            &actor.audit_name(),
            Action::BackupCreated,
            "database",
            details,
        )?;
        Ok(BackupInfo {
            path: path.display().to_string(),
            bytes,
        })
    }
}
