//! The encrypted database: SQLCipher with a raw 32-byte key, opened the same careful way every
//! time, and never silently replaced by a new empty file.
mod migrations;
pub mod settings;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::keys::DbKey;
pub use migrations::{migrations, LATEST_VERSION};

const PLAIN_SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no database file at the expected place")]
    Missing,
    #[error("a database file already exists there")]
    AlreadyExists,
    #[error("the database file is not encrypted")]
    NotEncrypted,
    /// SQLCipher cannot tell a wrong key from a damaged first page; both land here.
    #[error("the database could not be unlocked: wrong key or damaged file")]
    WrongKeyOrDamaged,
    #[error("the database file is damaged: {0}")]
    Damaged(String),
    #[error(
        "the database was written by a newer version (schema {found}, this app knows {supported})"
    )]
    NewerSchema { found: i64, supported: i64 },
    #[error("the database is busy or locked by another program")]
    Busy,
    #[error("the disk is full")]
    DiskFull,
    #[error("the database is read-only")]
    ReadOnly,
    /// A write that failed for a reason shared by a whole batch (see ingest::group).
    #[error("the database write failed")]
    WriteFailed,
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("schema migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::Busy,
            Some(ErrorCode::DiskFull) => Self::DiskFull,
            Some(ErrorCode::ReadOnly) => Self::ReadOnly,
            Some(ErrorCode::NotADatabase) => Self::WrongKeyOrDamaged,
            Some(ErrorCode::DatabaseCorrupt) => Self::Damaged(e.to_string()),
            _ => Self::Sqlite(e),
        }
    }
}

/// One encrypted database file. Holds the key for its lifetime because the bot must keep
/// working while the staff UI is locked (see docs/security.md).
pub struct Db {
    path: PathBuf,
    key: DbKey,
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
    }
}

impl Db {
    /// Creates a new database. Refuses if any file is already at `path`.
    pub fn create(path: &Path, key: &DbKey) -> Result<Self, StoreError> {
        if path.exists() {
            return Err(StoreError::AlreadyExists);
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags)?;
        apply_key(&conn, key)?;
        configure(&conn)?;
        migrations().to_latest(&mut conn)?;
        Ok(Self {
            path: path.to_owned(),
            key: key.clone(),
            conn: Mutex::new(conn),
        })
    }

    /// Opens an existing database, never creating one. The key is checked before anything can
    /// be written, so a wrong key leaves the file exactly as it was.
    pub fn open(path: &Path, key: &DbKey) -> Result<Self, StoreError> {
        let mut conn = open_existing(path, key)?;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > LATEST_VERSION {
            return Err(StoreError::NewerSchema {
                found,
                supported: LATEST_VERSION,
            });
        }
        configure(&conn)?;
        migrations().to_latest(&mut conn)?;
        Ok(Self {
            path: path.to_owned(),
            key: key.clone(),
            conn: Mutex::new(conn),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Another connection to the same file, configured like the first (readers, backup).
    pub fn connect(&self) -> Result<Connection, StoreError> {
        let conn = open_existing(&self.path, &self.key)?;
        configure(&conn)?;
        Ok(conn)
    }

    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back on drop), so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn key(&self) -> &DbKey {
        &self.key
    }
}

fn open_existing(path: &Path, key: &DbKey) -> Result<Connection, StoreError> {
    check_file(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    apply_key(&conn, key)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(conn)
}

/// Tells "not there", "empty", "plain SQLite" and "too short to be a database" apart before
/// SQLCipher reduces them all to "not a database".
fn check_file(path: &Path) -> Result<(), StoreError> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::Missing),
        Err(e) => return Err(e.into()),
    };
    let len = file.metadata()?.len();
    if len == 0 {
        return Err(StoreError::Damaged("the file is empty".into()));
    }
    let mut head = [0u8; 16];
    if len < 512 || file.read_exact(&mut head).is_err() {
        return Err(StoreError::Damaged("the file is too short".into()));
    }
    if &head == PLAIN_SQLITE_HEADER {
        return Err(StoreError::NotEncrypted);
    }
    Ok(())
}

fn apply_key(conn: &Connection, key: &DbKey) -> Result<(), StoreError> {
    conn.execute_batch(key.pragma().as_str())?;
    Ok(())
}

/// Settings every connection needs. `temp_store = MEMORY` matters for privacy: SQLCipher does
/// not encrypt temporary files. `synchronous = FULL` because a webhook is only acknowledged
/// after its commit is durable.
fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "PRAGMA temp_store = MEMORY;
         PRAGMA foreign_keys = ON;
         PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;",
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}
