//! Encrypted backup files: one file holding the key information (install id and the database
//! key wrapped under the recovery key) and a consistent SQLCipher copy of the database made
//! with SQLite's online backup, keyed like the original, so nothing in it is readable without
//! the recovery key.
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::backup::Backup;
use rusqlite::Connection;

use crate::paths::KeyInfo;
use crate::store::{Db, StoreError};
use crate::{Error, Result};

const MAGIC: &[u8] = b"INTAKE-DESK-BACKUP 1\n";
const MAX_HEADER: usize = 64 * 1024;

pub struct BackupFile {
    pub keyinfo: KeyInfo,
    pub db_bytes: Vec<u8>,
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Returns the size of the written file.
pub fn write(db: &Db, keyinfo: &KeyInfo, dest: &Path) -> Result<u64> {
    let copy = sibling(dest, ".db-part");
    let part = sibling(dest, ".part");
    let result = write_inner(db, keyinfo, dest, &copy, &part);
    let _ = std::fs::remove_file(&copy);
    let _ = std::fs::remove_file(&part);
    result
}

fn write_inner(db: &Db, keyinfo: &KeyInfo, dest: &Path, copy: &Path, part: &Path) -> Result<u64> {
    let _ = std::fs::remove_file(copy);
    {
        let src = db.connect()?;
        let mut dst = Connection::open(copy).map_err(StoreError::from)?;
        dst.execute_batch(db.key().pragma().as_str())
            .map_err(StoreError::from)?;
        dst.execute_batch("PRAGMA temp_store = MEMORY;")
            .map_err(StoreError::from)?;
        Backup::new(&src, &mut dst)
            .and_then(|b| b.run_to_completion(256, std::time::Duration::ZERO, None))
            .map_err(StoreError::from)?;
    }
    let db_bytes = std::fs::read(copy)?;
    let header = keyinfo.to_json();
    let mut out = std::fs::File::create(part)?;
    out.write_all(MAGIC)?;
    out.write_all(&(header.len() as u32).to_le_bytes())?;
    out.write_all(header.as_bytes())?;
    out.write_all(&db_bytes)?;
    out.sync_all()?;
    drop(out);
    std::fs::rename(part, dest)?;
    Ok(std::fs::metadata(dest)?.len())
}

pub fn read(path: &Path) -> Result<BackupFile> {
    let bytes = std::fs::read(path)?;
    let bad = |why: &str| Error::BadBackup(why.to_owned());
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or_else(|| bad("missing magic"))?;
    let len_bytes: [u8; 4] = rest
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad("truncated"))?;
    let len = u32::from_le_bytes(len_bytes) as usize;
    if len > MAX_HEADER {
        return Err(bad("header too large"));
    }
    let header = rest
        .get(4..4 + len)
        .ok_or_else(|| bad("truncated header"))?;
    let header = std::str::from_utf8(header).map_err(|_| bad("header not UTF-8"))?;
    let keyinfo = KeyInfo::from_json(header).map_err(|_| bad("header"))?;
    let db_bytes = rest[4 + len..].to_vec();
    if db_bytes.len() < 512 {
        return Err(bad("database part too short"));
    }
    Ok(BackupFile { keyinfo, db_bytes })
}
