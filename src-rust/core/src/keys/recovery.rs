//! The recovery key: a human-typeable secret shown once at set-up. It unwraps a copy of the
//! database key kept beside the database, so a lost keyring (new PC, reinstalled OS, changed
//! keyring backend) does not mean lost records.
use std::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{DbKey, KeyError};

const SECRET_LEN: usize = 18;
const CHECK_LEN: usize = 2;
const AAD: &[u8] = b"intake-desk recovery v1";

/// 144 random bits plus a 16-bit checksum, written as eight groups of four Crockford base32
/// characters, e.g. `K7QM-2XPA-...`. Crockford's alphabet has no I, L, O or U, so what is
/// written on paper cannot be misread; the checksum tells a typo from another clinic's key.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct RecoveryKey([u8; SECRET_LEN]);

impl RecoveryKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; SECRET_LEN];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    fn checksum(secret: &[u8; SECRET_LEN]) -> [u8; CHECK_LEN] {
        let digest = Sha256::digest(secret);
        [digest[0], digest[1]]
    }

    /// The grouped text to show the user. Handle with care: this *is* the secret.
    pub fn display(&self) -> Zeroizing<String> {
        let mut raw = Zeroizing::new([0u8; SECRET_LEN + CHECK_LEN]);
        raw[..SECRET_LEN].copy_from_slice(&self.0);
        raw[SECRET_LEN..].copy_from_slice(&Self::checksum(&self.0));
        let Ok(encoding) = crockford() else {
            return Zeroizing::new(String::new());
        };
        let text = Zeroizing::new(encoding.encode(raw.as_ref()));
        let groups: Vec<&str> = text
            .as_bytes()
            .chunks(4)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        Zeroizing::new(groups.join("-"))
    }

    /// Accepts what people type: any case, spaces or dashes anywhere, and the letters people
    /// write for digits (O for 0; I or L for 1).
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let cleaned: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| match c.to_ascii_uppercase() {
                    'O' => '0',
                    'I' | 'L' => '1',
                    other => other,
                })
                .collect(),
        );
        let raw = Zeroizing::new(
            crockford()?
                .decode(cleaned.as_bytes())
                .map_err(|_| KeyError::RecoveryKeyFormat)?,
        );
        if raw.len() != SECRET_LEN + CHECK_LEN {
            return Err(KeyError::RecoveryKeyFormat);
        }
        let mut secret = [0u8; SECRET_LEN];
        secret.copy_from_slice(&raw[..SECRET_LEN]);
        let key = Self(secret);
        secret.zeroize();
        if Self::checksum(&key.0) != raw[SECRET_LEN..] {
            return Err(KeyError::RecoveryKeyFormat);
        }
        Ok(key)
    }

    fn derive(&self, salt: &[u8], kdf: &KdfParams) -> Result<Zeroizing<[u8; 32]>, KeyError> {
        let params = Params::new(kdf.m_cost, kdf.t_cost, kdf.p_cost, Some(32))
            .map_err(|e| KeyError::RecoveryFile(e.to_string()))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(&self.0, salt, out.as_mut())
            .map_err(|e| KeyError::RecoveryFile(e.to_string()))?;
        Ok(out)
    }
}

/// How a typed group is compared with a shown one: case, and the letters people write for the
/// digits 0 and 1, do not matter.
pub fn normalize_group(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

fn crockford() -> Result<data_encoding::Encoding, KeyError> {
    let mut spec = data_encoding::Specification::new();
    spec.symbols.push_str("0123456789ABCDEFGHJKMNPQRSTVWXYZ");
    spec.encoding()
        .map_err(|e| KeyError::RecoveryFile(format!("recovery key alphabet: {e}")))
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl KdfParams {
    /// OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane).
    pub const OWASP: Self = Self {
        m_cost: 19 * 1024,
        t_cost: 2,
        p_cost: 1,
    };
}

/// The database key encrypted under the recovery key (argon2id → XChaCha20-Poly1305). Safe to
/// keep next to the database: without the recovery key it reveals nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    pub version: u32,
    pub kdf: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub ciphertext: String,
}

impl WrappedKey {
    pub fn wrap(db_key: &DbKey, recovery: &RecoveryKey, kdf: KdfParams) -> Result<Self, KeyError> {
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let kek = recovery.derive(&salt, &kdf)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: db_key.as_bytes(),
                    aad: AAD,
                },
            )
            .map_err(|_| KeyError::RecoveryFile("encryption failed".into()))?;
        Ok(Self {
            version: 1,
            kdf,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            ciphertext: hex::encode(ciphertext),
        })
    }

    pub fn unwrap_key(&self, recovery: &RecoveryKey) -> Result<DbKey, KeyError> {
        if self.version != 1 {
            return Err(KeyError::RecoveryFile(format!(
                "unknown version {}",
                self.version
            )));
        }
        let bad = |what: &str| KeyError::RecoveryFile(format!("bad {what}"));
        let salt = hex::decode(&self.salt).map_err(|_| bad("salt"))?;
        let nonce = hex::decode(&self.nonce).map_err(|_| bad("nonce"))?;
        let ciphertext = hex::decode(&self.ciphertext).map_err(|_| bad("ciphertext"))?;
        if nonce.len() != 24 {
            return Err(bad("nonce"));
        }
        let kek = recovery.derive(&salt, &self.kdf)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &ciphertext,
                        aad: AAD,
                    },
                )
                .map_err(|_| KeyError::WrongRecoveryKey)?,
        );
        let bytes: [u8; 32] = plain.as_slice().try_into().map_err(|_| bad("key length"))?;
        Ok(DbKey::from_bytes(bytes))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Self, KeyError> {
        serde_json::from_str(text).map_err(|e| KeyError::RecoveryFile(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams {
        m_cost: 64,
        t_cost: 1,
        p_cost: 1,
    };

    #[test]
    fn display_round_trips_through_sloppy_typing() {
        let key = RecoveryKey::generate();
        let shown = key.display();
        assert_eq!(
            shown.len(),
            8 * 4 + 7,
            "eight groups of four: {}",
            shown.len()
        );
        assert!(!shown.contains(['I', 'L', 'O', 'U']), "{}", shown.as_str());
        let typed = shown
            .to_lowercase()
            .replace('-', " ")
            .replace('0', "o")
            .replace('1', "l");
        assert_eq!(RecoveryKey::parse(&typed).unwrap(), key);
    }

    #[test]
    fn a_typo_is_a_format_error_not_a_wrong_key() {
        // A fixed key, so the checked typo is always the same one (a random key would let a
        // 1-in-65,536 checksum collision make this test flaky).
        let key = RecoveryKey([7u8; SECRET_LEN]);
        let mut shown: Vec<char> = key.display().chars().collect();
        shown[0] = if shown[0] == 'A' { 'B' } else { 'A' };
        let typo: String = shown.into_iter().collect();
        assert!(matches!(
            RecoveryKey::parse(&typo),
            Err(KeyError::RecoveryKeyFormat)
        ));
        for junk in [
            "",
            "hello",
            "AAAA-BBBB",
            &"A".repeat(500),
            "ÄÖÜ-💥",
            &"U".repeat(32),
        ] {
            assert!(RecoveryKey::parse(junk).is_err(), "{junk:?} was accepted");
        }
    }

    #[test]
    fn wrap_unwrap_and_wrong_key() {
        let db = DbKey::generate();
        let rk = RecoveryKey::generate();
        let wrapped = WrappedKey::wrap(&db, &rk, FAST).unwrap();
        let back = WrappedKey::from_json(&wrapped.to_json()).unwrap();
        assert_eq!(back.unwrap_key(&rk).unwrap(), db);
        let other = RecoveryKey::generate();
        assert!(matches!(
            back.unwrap_key(&other),
            Err(KeyError::WrongRecoveryKey)
        ));
        assert!(!wrapped.to_json().contains(db.to_hex().as_str()));
    }

    #[test]
    fn tampered_wrapped_key_is_refused() {
        let db = DbKey::generate();
        let rk = RecoveryKey::generate();
        let mut wrapped = WrappedKey::wrap(&db, &rk, FAST).unwrap();
        let mut ct = hex::decode(&wrapped.ciphertext).unwrap();
        ct[3] ^= 1;
        wrapped.ciphertext = hex::encode(ct);
        assert!(wrapped.unwrap_key(&rk).is_err());
        assert!(WrappedKey::from_json("{not json").is_err());
        wrapped.nonce = "zz".into();
        assert!(wrapped.unwrap_key(&rk).is_err());
    }
}
