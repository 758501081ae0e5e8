//! What every staff member can do to their own account: password and two-step sign-in.
use serde::Serialize;
use ts_rs::TS;

use super::Desk;
use crate::audit::Action;
use crate::auth::password::check_policy;
use crate::auth::{staff, totp, AuthError, Permission};
use crate::{audit, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TotpEnrollment {
    /// Base32, for typing into an authenticator app by hand.
    pub secret: String,
    /// `otpauth://` link, for a QR code.
    pub otpauth_url: String,
}

impl Desk {
    pub fn change_own_password(&self, session: &str, current: &str, new: &str) -> Result<()> {
        let actor = self.authorize(session, Permission::ManageOwnAccount)?;
        let row = staff::by_id(&self.db.conn(), actor.user_id)?;
        if !self.hasher.verify(current, &row.password_hash) {
            return Err(AuthError::InvalidCredentials.into());
        }
        check_policy(new, &row.username).map_err(AuthError::from)?;
        let hash = self.hasher.hash(new)?;
        let now = self.now_ms();
        let name = actor.audit_name();
        self.write(|tx| {
            staff::set_password(tx, row.id, &hash, now)?;
            let d = serde_json::json!({});
            audit::append(tx, now, &name, Action::UserPasswordChanged, &name, &d)?;
            Ok(())
        })
    }

    /// Step one of turning on TOTP: a new secret to put in the authenticator app. Nothing is
    /// stored until `confirm_totp` proves the app produces the right codes.
    pub fn begin_totp(&self, session: &str) -> Result<TotpEnrollment> {
        let actor = self.authorize(session, Permission::ManageOwnAccount)?;
        let secret = totp::generate_secret();
        let otpauth_url = totp::otpauth_url(&secret, &actor.username).ok_or_else(|| {
            crate::Error::invalid(
                "invalid.totp_secret",
                "Could not create a code secret. Try again.",
            )
        })?;
        self.pending_totp
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(actor.user_id, secret.clone());
        Ok(TotpEnrollment {
            secret,
            otpauth_url,
        })
    }

    pub fn confirm_totp(&self, session: &str, code: &str) -> Result<()> {
        let actor = self.authorize(session, Permission::ManageOwnAccount)?;
        let pending = self
            .pending_totp
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&actor.user_id)
            .cloned()
            .ok_or(AuthError::NoTotpEnrollment)?;
        let now = self.now_ms();
        let secs = u64::try_from(now / 1000).unwrap_or(0);
        let step = totp::check(&pending, code, secs, None).map_err(|_| AuthError::TotpInvalid)?;
        let name = actor.audit_name();
        self.write(|tx| {
            staff::set_totp(tx, actor.user_id, Some(&pending), Some(step), now)?;
            audit::append(
                tx,
                now,
                &name,
                Action::TotpEnabled,
                &name,
                &serde_json::json!({}),
            )?;
            Ok(())
        })?;
        self.pending_totp
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&actor.user_id);
        Ok(())
    }

    pub fn disable_own_totp(&self, session: &str, password: &str) -> Result<()> {
        let actor = self.authorize(session, Permission::ManageOwnAccount)?;
        let row = staff::by_id(&self.db.conn(), actor.user_id)?;
        if !self.hasher.verify(password, &row.password_hash) {
            return Err(AuthError::InvalidCredentials.into());
        }
        let now = self.now_ms();
        let name = actor.audit_name();
        self.write(|tx| {
            staff::set_totp(tx, row.id, None, None, now)?;
            audit::append(
                tx,
                now,
                &name,
                Action::TotpDisabled,
                &name,
                &serde_json::json!({}),
            )?;
            Ok(())
        })
    }
}
