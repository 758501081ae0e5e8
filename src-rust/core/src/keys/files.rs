//! Secrets as files in one folder, for servers without a desktop keyring (the same shape as
//! container or systemd credentials). Each value is one file, readable by the owner only. The
//! trade-off is the server operator's: whoever can read the folder can open the database, so
//! it belongs on an encrypted disk with tight permissions (see docs/security.md).
use std::path::{Path, PathBuf};

use super::{KeyError, SecretStore};

#[derive(Debug, Clone)]
pub struct FileSecretStore {
    dir: PathBuf,
}

impl FileSecretStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// Entry names contain ':' (install id and purpose); keep file names portable.
    fn path(&self, name: &str) -> Result<PathBuf, KeyError> {
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if safe.is_empty() || safe.len() > 128 {
            return Err(KeyError::Unavailable("bad secret name".into()));
        }
        Ok(self.dir.join(safe))
    }
}

fn io(e: std::io::Error) -> KeyError {
    KeyError::Unavailable(format!("secrets folder: {e}"))
}

fn write_private(path: &Path, value: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(value.as_bytes())?;
        f.sync_all()?;
    }
    #[cfg(not(unix))]
    std::fs::write(&tmp, value)?;
    std::fs::rename(&tmp, path)
}

impl SecretStore for FileSecretStore {
    fn get(&self, name: &str) -> Result<Option<String>, KeyError> {
        match std::fs::read_to_string(self.path(name)?) {
            Ok(v) => Ok(Some(v.trim_end_matches(['\n', '\r']).to_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(e)),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<(), KeyError> {
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        write_private(&self.path(name)?, value).map_err(io)
    }

    fn delete(&self, name: &str) -> Result<(), KeyError> {
        match std::fs::remove_file(self.path(name)?) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_private_and_hostile_names() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileSecretStore::new(dir.path().join("secrets"));
        assert_eq!(store.get("abc:db-key").unwrap(), None);
        store.set("abc:db-key", "00ff").unwrap();
        assert_eq!(store.get("abc:db-key").unwrap().as_deref(), Some("00ff"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secrets/abc_db-key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Path tricks stay inside the folder.
        store.set("../../escape", "x").unwrap();
        assert!(!dir.path().join("escape").exists());
        assert!(store.get("").is_err());
        store.delete("abc:db-key").unwrap();
        store.delete("abc:db-key").unwrap();
        assert_eq!(store.get("abc:db-key").unwrap(), None);
    }
}
