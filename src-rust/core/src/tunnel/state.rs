//! What the UI and the health panel show about the public address.
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A problem with the tunnel, for the person at the desk: `code` is stable (the UI may branch
/// on it), `message` says what happened and what to do. Never carries ngrok's own text, which
/// can echo the authtoken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TunnelProblem {
    pub code: String,
    pub message: String,
}

/// The tunnel's state; the UI switches on `state`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(
    tag = "state",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum TunnelState {
    #[default]
    Off,
    /// The first attempt after a start is under way.
    Connecting,
    /// Reachable at `url`; Meta's callback URL is `webhookUrl`. In own_url mode this is
    /// reported as soon as the address is saved: Intake Desk cannot check an address it does
    /// not run from inside (Meta's verification request, shown on the setup screen, is the
    /// check).
    Online { url: String, webhook_url: String },
    /// The connection was lost or could not be opened; the next try is at `retryAtMs` (unix
    /// ms), and `problem` says why.
    Reconnecting {
        attempt: u32,
        #[ts(type = "number")]
        retry_at_ms: i64,
        problem: TunnelProblem,
    },
    /// Stopped for good: retrying cannot fix `problem` (e.g. a refused authtoken). Fix it and
    /// start again.
    Failed { problem: TunnelProblem },
}

impl TunnelState {
    pub fn online(url: &str) -> Self {
        Self::Online {
            url: url.to_owned(),
            webhook_url: super::webhook_url(url),
        }
    }

    /// Meta's callback URL while online.
    pub fn webhook_url(&self) -> Option<&str> {
        match self {
            Self::Online { webhook_url, .. } => Some(webhook_url),
            _ => None,
        }
    }

    pub fn problem(&self) -> Option<&TunnelProblem> {
        match self {
            Self::Reconnecting { problem, .. } | Self::Failed { problem } => Some(problem),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_tagged_for_the_ui() {
        let online = serde_json::to_value(TunnelState::online("https://a.ngrok.app")).unwrap();
        assert_eq!(
            online,
            serde_json::json!({"state": "online", "url": "https://a.ngrok.app",
                               "webhookUrl": "https://a.ngrok.app/webhook"})
        );
        let r = TunnelState::Reconnecting {
            attempt: 2,
            retry_at_ms: 5,
            problem: TunnelProblem {
                code: "tunnel.no_network".into(),
                message: "m".into(),
            },
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({"state": "reconnecting", "attempt": 2, "retryAtMs": 5,
                               "problem": {"code": "tunnel.no_network", "message": "m"}})
        );
        assert_eq!(
            serde_json::to_value(TunnelState::Off).unwrap(),
            serde_json::json!({"state": "off"})
        );
    }
}
