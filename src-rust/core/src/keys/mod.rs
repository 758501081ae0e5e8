//! Secrets: where the database key lives (the OS keyring), how it is made, and how the
//! recovery key can re-seat it when the keyring is lost.
mod files;
mod memory;
mod os;
pub mod recovery;

use std::fmt;

use rand::RngCore;
use zeroize::{Zeroize, ZeroizeOnDrop};

pub use files::FileSecretStore;
pub use memory::MemorySecretStore;
pub use os::OsKeyring;
pub use recovery::{RecoveryKey, WrappedKey};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The platform store could not be reached (no Secret Service, locked keychain...).
    #[error("the OS keyring is not available: {0}")]
    Unavailable(String),
    #[error("the database key is not in the keyring")]
    NotInKeyring,
    #[error("the keyring entry is not a valid database key")]
    Malformed,
    #[error("the recovery key is not right")]
    WrongRecoveryKey,
    #[error("the recovery key is not in the expected format")]
    RecoveryKeyFormat,
    #[error("the recovery file is damaged or from an unknown version: {0}")]
    RecoveryFile(String),
    #[error("could not read or write the recovery file: {0}")]
    Io(#[from] std::io::Error),
}

/// A small view of a secret store, so the real OS keyring and an in-memory store for tests are
/// interchangeable. Values are short ASCII strings (hex or base32), which every platform's
/// store accepts (Windows limits a credential to 2,560 bytes).
pub trait SecretStore: Send + Sync {
    fn get(&self, name: &str) -> Result<Option<String>, KeyError>;
    fn set(&self, name: &str, value: &str) -> Result<(), KeyError>;
    /// Deleting an entry that does not exist is not an error.
    fn delete(&self, name: &str) -> Result<(), KeyError>;
}

/// The 32-byte SQLCipher key. Zeroed on drop; never printed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct DbKey([u8; 32]);

impl DbKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(hex::encode(self.0))
    }

    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| KeyError::Malformed)?;
        Ok(Self(bytes))
    }

    /// The statement SQLCipher needs first on every connection: a raw key, no KDF.
    pub(crate) fn pragma(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", self.to_hex().as_str()))
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(<redacted>)")
    }
}

/// Names of keyring entries for one installation (one data directory).
#[derive(Debug, Clone)]
pub struct KeyNames {
    profile: String,
}

impl KeyNames {
    pub fn new(profile: impl Into<String>) -> Self {
        Self {
            profile: profile.into(),
        }
    }

    pub fn db_key(&self) -> String {
        format!("{}:db-key", self.profile)
    }

    pub fn whatsapp_app_secret(&self) -> String {
        format!("{}:whatsapp-app-secret", self.profile)
    }

    pub fn whatsapp_access_token(&self) -> String {
        format!("{}:whatsapp-access-token", self.profile)
    }

    pub fn whatsapp_verify_token(&self) -> String {
        format!("{}:whatsapp-verify-token", self.profile)
    }

    pub fn ngrok_authtoken(&self) -> String {
        format!("{}:ngrok-authtoken", self.profile)
    }

    pub fn profile(&self) -> &str {
        &self.profile
    }
}
