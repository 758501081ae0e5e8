//! The data folder: `intake.db` (SQLCipher) and `keyinfo.json` (the installation id that names
//! the keyring entry, and the database key wrapped under the recovery key).
use std::path::{Path, PathBuf};

use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::keys::{KeyError, KeyNames, WrappedKey};

pub const DB_FILE: &str = "intake.db";
pub const KEYINFO_FILE: &str = "keyinfo.json";

#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn db_path(&self) -> PathBuf {
        self.root.join(DB_FILE)
    }

    pub fn keyinfo_path(&self) -> PathBuf {
        self.root.join(KEYINFO_FILE)
    }
}

/// Kept beside the database, in the clear: it holds nothing that opens the database without
/// the recovery key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    pub install_id: String,
    pub wrapped_key: WrappedKey,
}

impl KeyInfo {
    pub fn new(wrapped_key: WrappedKey) -> Self {
        let mut raw = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        Self {
            install_id: hex::encode(raw),
            wrapped_key,
        }
    }

    pub fn key_names(&self) -> KeyNames {
        KeyNames::new(&self.install_id)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Self, KeyError> {
        let info: Self =
            serde_json::from_str(text).map_err(|e| KeyError::RecoveryFile(e.to_string()))?;
        let id_ok = !info.install_id.is_empty()
            && info.install_id.len() <= 64
            && info.install_id.chars().all(|c| c.is_ascii_alphanumeric());
        if !id_ok {
            return Err(KeyError::RecoveryFile("bad install id".into()));
        }
        Ok(info)
    }

    pub fn read(path: &Path) -> Result<Self, KeyError> {
        Self::from_json(&std::fs::read_to_string(path)?)
    }

    /// Written to a temporary name and renamed, so a crash never leaves half a file.
    pub fn write(&self, path: &Path) -> Result<(), KeyError> {
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, self.to_json())?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }
}
