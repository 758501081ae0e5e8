//! How the clinic reaches the internet, as saved in settings. The ngrok authtoken is a secret
//! and is not here: it lives in the keyring and is passed to `TunnelManager::start` separately.
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::WEBHOOK_PATH;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TunnelMode {
    /// No public address: Meta cannot reach this PC.
    #[default]
    Off,
    /// An ngrok tunnel run by Intake Desk.
    Ngrok,
    /// The clinic's own HTTPS address (a reverse proxy or another tunnel) that forwards to
    /// Intake Desk's webhook server.
    OwnUrl,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TunnelConfig {
    pub mode: TunnelMode,
    /// ngrok mode: the clinic's static ngrok domain (e.g. `clinic.ngrok-free.app`), or none for
    /// an address that changes each time the tunnel starts.
    #[serde(default)]
    pub domain: Option<String>,
    /// own_url mode: the public HTTPS address; a trailing `/webhook` is accepted and removed.
    #[serde(default)]
    pub public_url: Option<String>,
}

impl TunnelConfig {
    pub fn off() -> Self {
        Self::default()
    }

    pub fn ngrok(domain: Option<&str>) -> Self {
        Self {
            mode: TunnelMode::Ngrok,
            domain: domain.map(str::to_owned),
            public_url: None,
        }
    }

    pub fn own_url(public_url: &str) -> Self {
        Self {
            mode: TunnelMode::OwnUrl,
            domain: None,
            public_url: Some(public_url.to_owned()),
        }
    }

    /// The same settings, checked and normalised (lower-case domain, public URL without a
    /// trailing `/` or `/webhook`). Fields the mode does not use are kept as they are, so
    /// switching modes back and forth in the settings screen loses nothing.
    pub fn validated(&self) -> Result<Self> {
        let mut out = self.clone();
        out.domain = match self.domain.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) if self.mode == TunnelMode::Ngrok => Some(normalize_domain(d)?),
            Some(d) => Some(d.to_owned()),
        };
        out.public_url = match self.public_url.as_deref().map(str::trim) {
            None | Some("") if self.mode == TunnelMode::OwnUrl => {
                return Err(Error::invalid(
                    "invalid.tunnel_public_url",
                    "Enter the public HTTPS address that forwards to Intake Desk.",
                ))
            }
            None | Some("") => None,
            Some(u) if self.mode == TunnelMode::OwnUrl => Some(normalize_public_url(u)?),
            Some(u) => Some(u.to_owned()),
        };
        Ok(out)
    }
}

const DOMAIN_HINT: &str = "Enter only the ngrok domain, like clinic-name.ngrok-free.app (no https:// and no path), or leave it empty.";

/// A DNS hostname: at least two labels of letters, digits and inner hyphens.
pub(crate) fn normalize_domain(raw: &str) -> Result<String> {
    let d = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let labels: Vec<&str> = d.split('.').collect();
    if d.len() > 253 || labels.len() < 2 || !labels.iter().all(|l| label_ok(l)) {
        return Err(Error::invalid("invalid.tunnel_domain", DOMAIN_HINT));
    }
    Ok(d)
}

/// `https://host[:port][/prefix]`, without query, fragment, credentials or a trailing slash;
/// a trailing `/webhook` (people paste the callback URL) is removed.
pub(crate) fn normalize_public_url(raw: &str) -> Result<String> {
    let bad = |message: &str| Error::invalid("invalid.tunnel_public_url", message);
    let url = Url::parse(raw.trim()).map_err(|_| {
        bad("That is not a web address. Enter it in full, like https://intake.example-clinic.org.")
    })?;
    if url.scheme() != "https" {
        return Err(bad(
            "The address must start with https:// (Meta only calls secure addresses).",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad(
            "The address has no host name. Enter it like https://intake.example-clinic.org.",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad(
            "Remove the part after ? or # from the address; Meta needs a plain address.",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "Remove the user name and password from the address; Meta cannot use them.",
        ));
    }
    let mut base = url.clone();
    let mut path = url.path().trim_end_matches('/').to_owned();
    if let Some(prefix) = path.strip_suffix(WEBHOOK_PATH) {
        path = prefix.trim_end_matches('/').to_owned();
    }
    base.set_path(&path);
    Ok(base.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<impl std::fmt::Debug>) -> String {
        r.unwrap_err().code().to_owned()
    }

    #[test]
    fn domains_are_hostnames_only() {
        assert_eq!(
            normalize_domain(" Clinic-1.NGROK-free.app. ").unwrap(),
            "clinic-1.ngrok-free.app"
        );
        for bad in [
            "https://clinic.ngrok-free.app",
            "clinic.ngrok-free.app/webhook",
            "clinic.ngrok-free.app:443",
            "localhost",
            "-clinic.ngrok.app",
            "clinic..ngrok.app",
            "clinic ngrok.app",
            "clínica.ngrok.app",
        ] {
            assert_eq!(
                code(normalize_domain(bad)),
                "invalid.tunnel_domain",
                "{bad}"
            );
        }
    }

    #[test]
    fn public_urls_are_https_without_query_and_lose_webhook() {
        for (raw, want) in [
            ("https://intake.example.org", "https://intake.example.org"),
            ("https://Intake.Example.org/", "https://intake.example.org"),
            (
                "https://intake.example.org/webhook",
                "https://intake.example.org",
            ),
            (
                "https://intake.example.org/webhook/",
                "https://intake.example.org",
            ),
            (
                "https://x.example.org:8443/desk/webhook",
                "https://x.example.org:8443/desk",
            ),
            ("https://x.example.org/desk/", "https://x.example.org/desk"),
        ] {
            assert_eq!(normalize_public_url(raw).unwrap(), want, "{raw}");
        }
        for bad in [
            "http://intake.example.org",
            "intake.example.org",
            "https://intake.example.org/?a=1",
            "https://intake.example.org/#top",
            "https://user:pw@intake.example.org",
            "ftp://intake.example.org",
        ] {
            assert_eq!(
                code(normalize_public_url(bad)),
                "invalid.tunnel_public_url",
                "{bad}"
            );
        }
    }

    #[test]
    fn validation_checks_only_what_the_mode_uses() {
        let c = TunnelConfig {
            mode: TunnelMode::OwnUrl,
            domain: Some("not a domain".into()),
            public_url: Some("https://a.example.org/webhook".into()),
        };
        let v = c.validated().unwrap();
        assert_eq!(v.public_url.as_deref(), Some("https://a.example.org"));
        assert_eq!(v.domain.as_deref(), Some("not a domain"), "kept for later");
        assert_eq!(
            code(TunnelConfig::own_url("").validated()),
            "invalid.tunnel_public_url"
        );
        assert_eq!(
            TunnelConfig::ngrok(Some("  ")).validated().unwrap().domain,
            None
        );
        assert_eq!(
            code(TunnelConfig::ngrok(Some("https://a.ngrok.app")).validated()),
            "invalid.tunnel_domain"
        );
        assert_eq!(
            TunnelConfig::off().validated().unwrap(),
            TunnelConfig::off()
        );
    }

    #[test]
    fn the_ipc_shape_is_camel_case_with_snake_case_modes() {
        let json = serde_json::to_value(TunnelConfig::own_url("https://a.example.org")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"mode": "own_url", "domain": null, "publicUrl": "https://a.example.org"})
        );
        let back: TunnelConfig =
            serde_json::from_value(serde_json::json!({"mode": "ngrok"})).unwrap();
        assert_eq!(back, TunnelConfig::ngrok(None));
    }
}
