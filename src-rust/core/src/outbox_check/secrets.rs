//! Spotting secrets in an outgoing message. A patient should never receive one, whatever bug
//! or mis-edited form text put it there, and once sent it cannot be taken back: it sits on the
//! patient's phone and Meta's servers. Shapes are matched loosely ("looks like"), because a
//! false alarm stops one message while a miss leaks a key.
use std::fmt;

use serde_json::Value;

use super::OutgoingError;

/// Shorter configured "secrets" are skipped: they would match ordinary words and stop the
/// bot, and no real one is that short (Meta app secrets are 32 hex digits, tokens far longer).
pub const MIN_SECRET_LEN: usize = 8;

/// Meta's user and system-user access tokens start with `EAA`; real ones run to 150+
/// characters, so 20 is a generous floor that ordinary words do not reach.
const META_TOKEN_PREFIX: &str = "EAA";
const META_TOKEN_MIN_TAIL: usize = 20;

/// `RecoveryKey::display`: 8 groups of 4 characters joined by '-'.
const KEY_GROUPS: usize = 8;
const KEY_GROUP_LEN: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    MetaAccessToken,
    RecoveryKey,
    PrivateKey,
    /// One of the strings the caller passed in (this install's own secrets).
    Configured,
}

impl fmt::Display for SecretKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MetaAccessToken => "a WhatsApp access token",
            Self::RecoveryKey => "an Intake Desk recovery key",
            Self::PrivateKey => "a private key",
            Self::Configured => "one of this clinic's WhatsApp secrets",
        })
    }
}

/// Every string value in the body, at any depth: ids and labels leak as well as bodies do.
pub(super) fn scan(payload: &Value, secrets: &[&str]) -> Result<(), OutgoingError> {
    let mut stack = vec![payload];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => {
                if let Some(kind) = find(s, secrets) {
                    return Err(OutgoingError::LooksLikeSecret(kind));
                }
            }
            Value::Array(items) => stack.extend(items),
            Value::Object(fields) => stack.extend(fields.values()),
            _ => {}
        }
    }
    Ok(())
}

pub(super) fn find(text: &str, secrets: &[&str]) -> Option<SecretKind> {
    let mut configured = secrets
        .iter()
        .map(|s| s.trim())
        .filter(|s| s.chars().count() >= MIN_SECRET_LEN);
    if configured.any(|s| text.contains(s)) {
        Some(SecretKind::Configured)
    } else if meta_token(text) {
        Some(SecretKind::MetaAccessToken)
    } else if recovery_key(text) {
        Some(SecretKind::RecoveryKey)
    } else if private_key(text) {
        Some(SecretKind::PrivateKey)
    } else {
        None
    }
}

/// `EAA` at the start of a word, then 20+ base62 characters. The word boundary keeps random
/// base64 (media ids, hashes) that happens to contain "EAA" from matching.
fn meta_token(text: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices(META_TOKEN_PREFIX).any(|(i, _)| {
        let at_word_start = i
            .checked_sub(1)
            .and_then(|p| bytes.get(p))
            .is_none_or(|b| !b.is_ascii_alphanumeric());
        let tail = bytes
            .get(i + META_TOKEN_PREFIX.len()..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        at_word_start && tail >= META_TOKEN_MIN_TAIL
    })
}

/// Crockford base32 in any case, plus the look-alikes `RecoveryKey::parse` accepts (O, I, L),
/// so a key someone retyped is caught too. The checksum is not verified: a key with a typo
/// in one group is still most of a key.
fn key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() && !matches!(c, 'u' | 'U')
}

fn recovery_key(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let span = KEY_GROUPS * (KEY_GROUP_LEN + 1) - 1;
    if chars.len() < span {
        return false;
    }
    // A dash continues the run: nine dashed groups are some other code, not a key.
    let outside = |c: Option<&char>| c.is_none_or(|c| !c.is_alphanumeric() && *c != '-');
    (0..=chars.len() - span).any(|start| {
        let before_ok = outside(start.checked_sub(1).and_then(|p| chars.get(p)));
        let after_ok = outside(chars.get(start + span));
        let groups_ok = chars[start..start + span]
            .iter()
            .enumerate()
            .all(|(j, &c)| {
                if j % (KEY_GROUP_LEN + 1) == KEY_GROUP_LEN {
                    c == '-'
                } else {
                    key_char(c)
                }
            });
        before_ok && after_ok && groups_ok
    })
}

/// Any PEM armour for a private key: `PRIVATE KEY`, `RSA PRIVATE KEY`, `OPENSSH PRIVATE KEY`,
/// `ENCRYPTED PRIVATE KEY`, ...
fn private_key(text: &str) -> bool {
    const BEGIN: &str = "-----BEGIN ";
    text.match_indices(BEGIN).any(|(i, _)| {
        let rest = text.get(i + BEGIN.len()..).unwrap_or_default();
        rest.find("-----")
            .and_then(|end| rest.get(..end))
            .is_some_and(|label| label.ends_with("PRIVATE KEY"))
    })
}
