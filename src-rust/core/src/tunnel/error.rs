//! Why a tunnel could not open or was lost, classified from ngrok's error codes
//! (<https://ngrok.com/docs/errors>). `Display` (the log) names the category and ngrok's code
//! only: ngrok's own messages can contain the authtoken ("Your authtoken: …"), so they are
//! never kept.
use super::TunnelProblem;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TunnelError {
    /// ERR_NGROK_105 (malformed), 106 (v1 token), 107 (invalid or reset), 300 (revoked), 4018
    /// (no credential).
    #[error("ngrok refused the authtoken ({0})")]
    BadAuthtoken(String),
    /// ngrok mode started with no authtoken saved.
    #[error("no ngrok authtoken is saved")]
    MissingAuthtoken,
    /// ERR_NGROK_319 (not reserved), 7117, 7118.
    #[error("the ngrok domain is not reserved on this account ({0})")]
    DomainNotReserved(String),
    /// ERR_NGROK_320: reserved by another account.
    #[error("the ngrok domain belongs to another account ({0})")]
    DomainNotYours(String),
    /// ERR_NGROK_334: the endpoint is already online elsewhere (another PC, another agent, or
    /// our own previous session that ngrok has not noticed is gone).
    #[error("the ngrok domain is already online elsewhere ({0})")]
    DomainInUse(String),
    /// ERR_NGROK_108 (agent sessions), 324 (endpoints per session), 348 (sessions).
    #[error("ngrok account limit reached ({0})")]
    AccountLimit(String),
    /// ERR_NGROK_102 (payment failed), 103 (suspended).
    #[error("ngrok account suspended or unpaid ({0})")]
    AccountBlocked(String),
    /// TCP, DNS, TLS or proxy failure on the way to ngrok; the text is our own.
    #[error("ngrok cannot be reached: {0}")]
    NoNetwork(&'static str),
    /// An open connection dropped (heartbeat, reset, stopped from ngrok's side).
    #[error("the connection to ngrok dropped")]
    ConnectionLost,
    /// Anything else; `what` is our own description.
    #[error("ngrok failed ({}): {what}", ngrok_code.as_deref().unwrap_or("no code"))]
    Other {
        ngrok_code: Option<String>,
        what: &'static str,
    },
}

impl TunnelError {
    /// Classifies an `ERR_NGROK_…` code. Unknown codes are `Other`, which is retried.
    pub fn from_ngrok_code(code: &str) -> Self {
        let code = code.trim().to_ascii_uppercase();
        let number = code.strip_prefix("ERR_NGROK_").unwrap_or("");
        match number {
            "105" | "106" | "107" | "300" | "4018" => Self::BadAuthtoken(code),
            "319" | "7117" | "7118" => Self::DomainNotReserved(code),
            "320" => Self::DomainNotYours(code),
            "334" => Self::DomainInUse(code),
            "108" | "324" | "348" => Self::AccountLimit(code),
            "102" | "103" => Self::AccountBlocked(code),
            _ => Self::Other {
                ngrok_code: Some(code),
                what: "ngrok refused the request",
            },
        }
    }

    /// Problems a retry cannot fix: the tunnel stops as `failed` until someone changes the
    /// settings (or the ngrok account) and starts it again.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            Self::BadAuthtoken(_)
                | Self::MissingAuthtoken
                | Self::DomainNotReserved(_)
                | Self::DomainNotYours(_)
                | Self::AccountBlocked(_)
        )
    }

    pub fn code(&self) -> &'static str {
        self.describe().0
    }

    pub fn problem(&self) -> TunnelProblem {
        let (code, message) = self.describe();
        TunnelProblem {
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }

    fn describe(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadAuthtoken(_) => ("tunnel.bad_authtoken", "ngrok refused the authtoken. Copy it again from dashboard.ngrok.com → Your Authtoken and save it."),
            Self::MissingAuthtoken => ("tunnel.no_authtoken", "No ngrok authtoken is saved. Copy it from dashboard.ngrok.com → Your Authtoken and save it."),
            Self::DomainNotReserved(_) => ("tunnel.domain_not_reserved", "This ngrok account has no domain with that name. Check the spelling against dashboard.ngrok.com → Domains, or leave the domain empty."),
            Self::DomainNotYours(_) => ("tunnel.domain_not_yours", "That domain belongs to a different ngrok account. Save the authtoken of the account that owns it, or change the domain."),
            Self::DomainInUse(_) => ("tunnel.domain_in_use", "The domain is already online from another ngrok connection (another computer, or an ngrok program left running). Close the other one; Intake Desk keeps retrying."),
            Self::AccountLimit(_) => ("tunnel.account_limit", "The ngrok account has reached its limit of connections at once (another computer or ngrok program may be using it). Close the other one or upgrade the ngrok plan; Intake Desk keeps retrying."),
            Self::AccountBlocked(_) => ("tunnel.account_blocked", "ngrok has suspended this account or its last payment failed. Sign in at dashboard.ngrok.com to fix the account, then start the connection again."),
            Self::NoNetwork(_) => ("tunnel.no_network", "Intake Desk cannot reach ngrok. Check this computer's internet connection (a firewall or proxy may block it); Intake Desk keeps retrying."),
            Self::ConnectionLost => ("tunnel.connection_lost", "The connection to ngrok dropped. Intake Desk is reconnecting; if this lasts, check the internet connection."),
            Self::Other { .. } => ("tunnel.failed", "ngrok could not open the connection. Intake Desk keeps retrying; if this lasts, note the time and contact support."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ngrok_codes_are_classified() {
        let cases = [
            ("ERR_NGROK_105", "tunnel.bad_authtoken", true),
            ("ERR_NGROK_107", "tunnel.bad_authtoken", true),
            ("err_ngrok_4018", "tunnel.bad_authtoken", true),
            ("ERR_NGROK_319", "tunnel.domain_not_reserved", true),
            ("ERR_NGROK_320", "tunnel.domain_not_yours", true),
            ("ERR_NGROK_334", "tunnel.domain_in_use", false),
            ("ERR_NGROK_108", "tunnel.account_limit", false),
            ("ERR_NGROK_324", "tunnel.account_limit", false),
            ("ERR_NGROK_103", "tunnel.account_blocked", true),
            ("ERR_NGROK_9999", "tunnel.failed", false),
            ("garbage", "tunnel.failed", false),
        ];
        for (code, want, permanent) in cases {
            let e = TunnelError::from_ngrok_code(code);
            assert_eq!(e.code(), want, "{code}");
            assert_eq!(e.is_permanent(), permanent, "{code}");
        }
    }

    #[test]
    fn every_problem_says_what_to_do_without_internal_text() {
        let all = [
            TunnelError::BadAuthtoken("ERR_NGROK_107".into()),
            TunnelError::MissingAuthtoken,
            TunnelError::DomainNotReserved("ERR_NGROK_319".into()),
            TunnelError::DomainNotYours("ERR_NGROK_320".into()),
            TunnelError::DomainInUse("ERR_NGROK_334".into()),
            TunnelError::AccountLimit("ERR_NGROK_108".into()),
            TunnelError::AccountBlocked("ERR_NGROK_103".into()),
            TunnelError::NoNetwork("tcp connect failed"),
            TunnelError::ConnectionLost,
            TunnelError::Other {
                ngrok_code: Some("ERR_NGROK_1".into()),
                what: "x",
            },
        ];
        let mut codes = std::collections::BTreeSet::new();
        for e in &all {
            let p = e.problem();
            assert!(p.code.starts_with("tunnel."));
            assert!(codes.insert(p.code.clone()), "codes are distinct");
            assert!(p.message.ends_with('.'), "{}", p.message);
            assert!(!p.message.contains("ERR_NGROK"), "{}", p.message);
            assert!(!p.message.contains("tcp"), "{}", p.message);
        }
        assert_eq!(
            TunnelError::from_ngrok_code("ERR_NGROK_107").to_string(),
            "ngrok refused the authtoken (ERR_NGROK_107)"
        );
    }
}
