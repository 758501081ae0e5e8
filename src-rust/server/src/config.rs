//! The server's configuration: a TOML file, then environment variables on top.
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use intake_core::ingest::FloodLimit;
use intake_core::limits::{LimitPolicy, Rate};
use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{name} is not valid: {message}")]
    Env { name: &'static str, message: String },
    #[error("no data folder: set data_dir in the configuration file or INTAKE_DATA_DIR")]
    NoDataDir,
}

/// Where the database key and the WhatsApp secrets come from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Secrets {
    /// The OS keyring of the user running the server (a desktop session's Secret Service).
    OsKeyring,
    /// One file per secret in this folder (owner-only permissions).
    Dir(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    #[serde(default = "default_bind")]
    pub bind: SocketAddr,
    pub data_dir: Option<PathBuf>,
    #[serde(default = "default_secrets")]
    pub secrets: Secrets,
    #[serde(default = "default_graph_base")]
    pub graph_base_url: String,
    #[serde(default = "default_graph_version")]
    pub graph_version: String,
    pub phone_number_id: Option<String>,
    /// The public HTTPS address Meta calls (printed in the ready line when set).
    pub public_url: Option<String>,
    /// An approved template with no variables, sent when a patient's 24-hour window has closed.
    pub reopen_template: Option<String>,
    #[serde(default = "default_template_language")]
    pub reopen_template_language: String,
    /// Seconds a send cut off by a crash waits for Meta's status webhook before going again.
    #[serde(default = "default_claim_grace")]
    pub claim_grace_secs: u64,
    /// Per-action rate limits (the `[limits]` table); every number is optional.
    #[serde(default)]
    pub limits: LimitsConfig,
}

/// `[limits]`: the core's `LimitPolicy` as numbers. Each budget may be spent at once, then
/// comes back evenly over its period (see intake_core::limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Sign-in attempts on this server, whatever the username.
    pub sign_in_attempts_per_minute: NonZeroU32,
    /// Sign-in attempts for one username.
    pub sign_in_attempts_per_minute_per_username: NonZeroU32,
    pub staff_replies_per_minute: NonZeroU32,
    /// Exports per staff account (counted from the audit log, so across `export` runs).
    pub exports_per_hour: NonZeroU32,
    /// Requests to the webhook from one client address (429 beyond).
    pub webhook_requests_per_minute: NonZeroU32,
    /// Failed webhook requests (bad signature, refused verification, oversized body) from one
    /// client address, after which its requests get 429 before the signature is checked.
    pub webhook_failures_per_minute: NonZeroU32,
    /// Messages one patient may send before further ones are stored but not answered.
    pub patient_messages_per_minute: NonZeroU32,
    pub patient_message_burst: NonZeroU32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        let p = LimitPolicy::default();
        Self {
            sign_in_attempts_per_minute: p.sign_in_per_computer.count,
            sign_in_attempts_per_minute_per_username: p.sign_in_per_username.count,
            staff_replies_per_minute: p.staff_replies.count,
            exports_per_hour: p.exports.count,
            webhook_requests_per_minute: p.webhook_requests.count,
            webhook_failures_per_minute: p.webhook_failures.count,
            patient_messages_per_minute: p.sender_flood.per_minute,
            patient_message_burst: p.sender_flood.burst,
        }
    }
}

impl LimitsConfig {
    pub fn policy(&self) -> LimitPolicy {
        let minute = |n: NonZeroU32| Rate::per_minute(n.get());
        LimitPolicy {
            sign_in_per_computer: minute(self.sign_in_attempts_per_minute),
            sign_in_per_username: minute(self.sign_in_attempts_per_minute_per_username),
            staff_replies: minute(self.staff_replies_per_minute),
            exports: Rate::per_hour(self.exports_per_hour.get()),
            webhook_requests: minute(self.webhook_requests_per_minute),
            webhook_failures: minute(self.webhook_failures_per_minute),
            sender_flood: FloodLimit {
                per_minute: self.patient_messages_per_minute,
                burst: self.patient_message_burst,
            },
        }
    }
}

fn default_template_language() -> String {
    "en".into()
}

fn default_claim_grace() -> u64 {
    120
}

fn default_bind() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

fn default_secrets() -> Secrets {
    Secrets::OsKeyring
}

fn default_graph_base() -> String {
    "https://graph.facebook.com".into()
}

fn default_graph_version() -> String {
    "v23.0".into()
}

impl ServerConfig {
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.message().to_owned(),
        })
    }

    /// The file (if any), then `INTAKE_BIND`, `INTAKE_DATA_DIR`, `INTAKE_SECRETS_DIR`.
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                Self::parse(&text, path)?
            }
            None => Self::parse("", Path::new("(defaults)"))?,
        };
        if let Some(bind) = env("INTAKE_BIND") {
            config.bind = bind.trim().parse().map_err(|_| ConfigError::Env {
                name: "INTAKE_BIND",
                message: "expected an address like 127.0.0.1:8080".into(),
            })?;
        }
        if let Some(dir) = env("INTAKE_DATA_DIR").filter(|d| !d.trim().is_empty()) {
            config.data_dir = Some(PathBuf::from(dir));
        }
        if let Some(dir) = env("INTAKE_SECRETS_DIR").filter(|d| !d.trim().is_empty()) {
            config.secrets = Secrets::Dir(PathBuf::from(dir));
        }
        if config.data_dir.is_none() {
            return Err(ConfigError::NoDataDir);
        }
        Ok(config)
    }

    pub fn data_dir(&self) -> Result<&Path, ConfigError> {
        self.data_dir.as_deref().ok_or(ConfigError::NoDataDir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn file_then_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.toml");
        std::fs::write(
            &path,
            "bind = \"0.0.0.0:9000\"\ndata_dir = \"/srv/intake\"\nsecrets = { dir = \"/srv/secrets\" }\nphone_number_id = \"106540352242922\"\n",
        )
        .unwrap();
        let c = ServerConfig::load(Some(&path), env(&[])).unwrap();
        assert_eq!(c.bind.port(), 9000);
        assert_eq!(c.secrets, Secrets::Dir("/srv/secrets".into()));
        assert_eq!(c.graph_version, "v23.0");
        let c = ServerConfig::load(
            Some(&path),
            env(&[
                ("INTAKE_BIND", "127.0.0.1:0"),
                ("INTAKE_DATA_DIR", "/tmp/x"),
            ]),
        )
        .unwrap();
        assert_eq!(c.bind.port(), 0);
        assert_eq!(c.data_dir.as_deref(), Some(Path::new("/tmp/x")));
    }

    #[test]
    fn bad_configuration_is_named_clearly() {
        let p = Path::new("server.toml");
        for (text, needle) in [
            ("bnd = \"x\"", "unknown field"),
            ("bind = \"not an address\"", "invalid"),
            ("secrets = \"cloud\"", "unknown variant"),
            ("data_dir = 42", "invalid type"),
            ("[[[", ""),
        ] {
            let e = ServerConfig::parse(text, p).unwrap_err().to_string();
            assert!(e.contains("server.toml"), "{e}");
            assert!(e.contains(needle), "{text}: {e}");
        }
        let e = ServerConfig::load(None, env(&[])).unwrap_err();
        assert!(matches!(e, ConfigError::NoDataDir));
        let e = ServerConfig::load(
            None,
            env(&[("INTAKE_DATA_DIR", "/x"), ("INTAKE_BIND", "localhost")]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("INTAKE_BIND"), "{e}");
        let missing =
            ServerConfig::load(Some(Path::new("/no/such/file.toml")), env(&[])).unwrap_err();
        assert!(missing.to_string().contains("cannot read"), "{missing}");
    }

    #[test]
    fn limits_default_to_the_cores_and_can_be_changed_one_by_one() {
        let p = Path::new("server.toml");
        let c = ServerConfig::parse("", p).unwrap();
        assert_eq!(c.limits.policy(), LimitPolicy::default());
        let c = ServerConfig::parse(
            "[limits]\nexports_per_hour = 2\nwebhook_failures_per_minute = 5\n",
            p,
        )
        .unwrap();
        let policy = c.limits.policy();
        assert_eq!(policy.exports, Rate::per_hour(2));
        assert_eq!(policy.webhook_failures, Rate::per_minute(5));
        assert_eq!(
            policy.webhook_requests,
            LimitPolicy::default().webhook_requests
        );
        for (text, needle) in [
            ("[limits]\nexports_per_hour = 0", "nonzero"),
            ("[limits]\nexports_per_hour = -1", "invalid value"),
            ("[limits]\nexports_per_hour = \"lots\"", "invalid type"),
            ("[limits]\nexports_per_day = 3", "unknown field"),
            ("[limits]\nexports_per_hour = 99999999999", "invalid value"),
        ] {
            let e = ServerConfig::parse(text, p).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
