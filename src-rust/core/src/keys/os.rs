//! The real OS keyring: Windows Credential Manager, macOS Keychain, Secret Service on Linux.
use super::{KeyError, SecretStore};

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
compile_error!(
    "Intake Desk needs an OS keyring store on this platform; keyring 3 would otherwise fall back \
     to an in-memory mock that forgets the database key at exit"
);

/// Service name under which every entry is filed in the OS keyring.
pub const KEYRING_SERVICE: &str = "intake-desk";

#[derive(Debug, Clone)]
pub struct OsKeyring {
    service: String,
}

impl OsKeyring {
    pub fn new() -> Self {
        Self::with_service(KEYRING_SERVICE)
    }

    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, KeyError> {
        keyring::Entry::new(&self.service, name).map_err(unavailable)
    }
}

impl Default for OsKeyring {
    fn default() -> Self {
        Self::new()
    }
}

fn unavailable(e: keyring::Error) -> KeyError {
    KeyError::Unavailable(e.to_string())
}

impl SecretStore for OsKeyring {
    fn get(&self, name: &str) -> Result<Option<String>, KeyError> {
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(keyring::Error::BadEncoding(_)) => Err(KeyError::Malformed),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<(), KeyError> {
        self.entry(name)?.set_password(value).map_err(unavailable)
    }

    fn delete(&self, name: &str) -> Result<(), KeyError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}
