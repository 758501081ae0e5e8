use std::collections::HashMap;
use std::sync::Mutex;

use super::{KeyError, SecretStore};

/// An in-memory store for tests and simulations. It forgets everything at exit, which is
/// exactly why production code never picks it implicitly.
#[derive(Debug, Default)]
pub struct MemorySecretStore {
    entries: Mutex<HashMap<String, String>>,
}

impl MemorySecretStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, String>>, KeyError> {
        self.entries
            .lock()
            .map_err(|_| KeyError::Unavailable("in-memory store poisoned".into()))
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, name: &str) -> Result<Option<String>, KeyError> {
        Ok(self.lock()?.get(name).cloned())
    }

    fn set(&self, name: &str, value: &str) -> Result<(), KeyError> {
        self.lock()?.insert(name.to_owned(), value.to_owned());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), KeyError> {
        self.lock()?.remove(name);
        Ok(())
    }
}
