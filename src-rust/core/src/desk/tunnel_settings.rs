//! How the clinic reaches the internet (issue 6): the tunnel mode and address in the database,
//! the ngrok authtoken in the OS keyring (never sent back to the window).
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Desk;
use crate::audit::{self, Action};
use crate::auth::Permission;
use crate::events::DeskEvent;
use crate::store::settings;
use crate::tunnel::{TunnelConfig, TunnelMode};
use crate::{Error, Result};

const TUNNEL: &str = "tunnel_config";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TunnelSettings {
    pub config: TunnelConfig,
    pub authtoken_saved: bool,
}

/// A change to the tunnel. `authtoken`: `None` keeps the saved one, `Some("")` removes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TunnelUpdate {
    pub config: TunnelConfig,
    pub authtoken: Option<String>,
}

impl Desk {
    pub fn tunnel_settings(&self, session: &str) -> Result<TunnelSettings> {
        self.authorize(session, Permission::ManageSettings)?;
        let (config, token) = self.tunnel_for_backend()?;
        Ok(TunnelSettings {
            config,
            authtoken_saved: token.is_some(),
        })
    }

    /// For the in-process backend, which starts the tunnel with no one signed in.
    pub fn tunnel_for_backend(&self) -> Result<(TunnelConfig, Option<SecretString>)> {
        let config = settings::get(&self.db().conn(), TUNNEL)?
            .and_then(|json| serde_json::from_str::<TunnelConfig>(&json).ok())
            .unwrap_or_default();
        let token = self
            .secrets
            .get(&self.keyinfo.key_names().ngrok_authtoken())?
            .filter(|t| !t.trim().is_empty())
            .map(SecretString::from);
        Ok((config, token))
    }

    pub fn update_tunnel(&self, session: &str, up: &TunnelUpdate) -> Result<TunnelSettings> {
        let actor = self.authorize(session, Permission::ManageSettings)?;
        let config = up.config.validated()?;
        let token = up.authtoken.as_deref().map(str::trim);
        if let Some(t) = token.filter(|t| !t.is_empty()) {
            // ngrok authtokens are one line of letters, digits and underscores, about 50 long.
            let ok = (20..=200).contains(&t.len())
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !ok {
                return Err(Error::invalid(
                    "invalid.ngrok_authtoken",
                    "Paste the whole authtoken from dashboard.ngrok.com → Your Authtoken (one line of letters and digits).",
                ));
            }
        }
        let saved = self.tunnel_for_backend()?.1.is_some();
        let will_have = match token {
            None => saved,
            Some(t) => !t.is_empty(),
        };
        if config.mode == TunnelMode::Ngrok && !will_have {
            return Err(Error::invalid(
                "invalid.ngrok_authtoken",
                "ngrok needs your authtoken: copy it from dashboard.ngrok.com → Your Authtoken and paste it here.",
            ));
        }
        let name = self.keyinfo.key_names().ngrok_authtoken();
        match token {
            Some("") => self.secrets.delete(&name)?,
            Some(t) => self.secrets.set(&name, t)?,
            None => {}
        }
        let now = self.now_ms();
        let json = serde_json::to_string(&config)
            .map_err(|_| Error::Internal("tunnel settings did not serialise"))?;
        self.write(|tx| {
            settings::set(tx, TUNNEL, &json, now)?;
            let details = serde_json::json!({
                "tunnel": config,
                "authtoken": match token { None => "kept", Some("") => "removed", Some(_) => "replaced" },
            });
            audit::append(tx, now, &actor.audit_name(), Action::SettingsChanged, "tunnel", &details)?;
            Ok(())
        })?;
        // The backend restarts the webhook server and the tunnel with the new settings.
        self.events().publish(DeskEvent::BotStatusChanged);
        self.tunnel_settings(session)
    }
}
