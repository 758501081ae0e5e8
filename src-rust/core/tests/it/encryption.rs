//! What is on disk: ciphertext only, and a wrong key changes nothing.
use intake_core::keys::DbKey;
use intake_core::store::{Db, StoreError};

const MARKER: &str = "MARKER-Zebra-Quokka-7731";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn files(path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let p = format!("{}{suffix}", path.display());
            std::fs::read(&p).ok().map(|b| (p, b))
        })
        .collect()
}

#[test]
fn marker_never_reaches_disk_in_the_clear() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("intake.db");
    let key = DbKey::generate();
    let db = Db::create(&path, &key).unwrap();
    {
        let conn = db.conn();
        conn.execute_batch("CREATE TABLE notes (body TEXT)")
            .unwrap();
        for i in 0..200 {
            conn.execute("INSERT INTO notes VALUES (?1)", [format!("{MARKER} {i}")])
                .unwrap();
        }
        // Sorting a large result spills to a temp structure: it must stay in memory.
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM (SELECT body FROM notes ORDER BY body DESC)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 200);
    }
    // Look at the files while the database is open (WAL not yet checkpointed) and after close.
    let open_files = files(&path);
    assert!(
        open_files.iter().any(|(p, _)| p.ends_with("-wal")),
        "WAL mode is on"
    );
    for (p, bytes) in &open_files {
        assert!(
            !contains(bytes, MARKER.as_bytes()),
            "marker found in {p} while open"
        );
    }
    drop(db);
    let closed = files(&path);
    assert!(!closed.is_empty());
    for (p, bytes) in &closed {
        assert!(!contains(bytes, MARKER.as_bytes()), "marker found in {p}");
    }
    let main = std::fs::read(&path).unwrap();
    assert!(
        !main.starts_with(b"SQLite format 3"),
        "the header must be encrypted"
    );
    // And the data is really there for the right key.
    let db = Db::open(&path, &key).unwrap();
    let n: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM notes WHERE body LIKE 'MARKER-%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 200);
}

#[test]
fn wrong_key_is_a_typed_error_and_leaves_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("intake.db");
    let key = DbKey::generate();
    drop(Db::create(&path, &key).unwrap());
    let before = files(&path);
    let err = Db::open(&path, &DbKey::generate()).unwrap_err();
    assert!(matches!(err, StoreError::WrongKeyOrDamaged), "{err:?}");
    assert_eq!(
        files(&path),
        before,
        "byte-for-byte unchanged, no new -wal/-shm"
    );
    Db::open(&path, &key).unwrap();
}

#[test]
fn plain_empty_short_and_missing_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let key = DbKey::generate();
    let plain = dir.path().join("plain.db");
    rusqlite::Connection::open(&plain)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    assert!(matches!(
        Db::open(&plain, &key),
        Err(StoreError::NotEncrypted)
    ));
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(
        Db::open(&empty, &key),
        Err(StoreError::Damaged(_))
    ));
    let short = dir.path().join("short.db");
    std::fs::write(&short, b"garbage").unwrap();
    assert!(matches!(
        Db::open(&short, &key),
        Err(StoreError::Damaged(_))
    ));
    let random = dir.path().join("random.db");
    std::fs::write(&random, vec![0x5a; 8192]).unwrap();
    assert!(matches!(
        Db::open(&random, &key),
        Err(StoreError::WrongKeyOrDamaged)
    ));
    assert!(matches!(
        Db::open(&dir.path().join("none.db"), &key),
        Err(StoreError::Missing)
    ));
    assert!(!dir.path().join("none.db").exists(), "open never creates");
    assert!(matches!(
        Db::create(&plain, &key),
        Err(StoreError::AlreadyExists)
    ));
}

#[test]
fn newer_schema_is_refused_without_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("intake.db");
    let key = DbKey::generate();
    {
        let db = Db::create(&path, &key).unwrap();
        db.conn()
            .execute_batch(&format!(
                "PRAGMA user_version = {}",
                intake_core::store::LATEST_VERSION + 1
            ))
            .unwrap();
    }
    let err = Db::open(&path, &key).unwrap_err();
    assert!(matches!(err, StoreError::NewerSchema { .. }), "{err:?}");
    let e = intake_core::Error::from(err);
    assert!(e.body().message.contains("newer version"));
}

#[test]
fn every_connection_keeps_temp_in_memory_and_cipher_settings_are_pinned() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::create(&dir.path().join("intake.db"), &DbKey::generate()).unwrap();
    for conn in [db.connect().unwrap(), db.connect().unwrap()] {
        let temp: i64 = conn
            .query_row("PRAGMA temp_store", [], |r| r.get(0))
            .unwrap();
        assert_eq!(temp, 2, "2 = MEMORY");
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
    let conn = db.conn();
    let version: String = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .unwrap();
    assert!(
        version.starts_with("4."),
        "SQLCipher major version changed: {version}"
    );
    let mut stmt = conn.prepare("PRAGMA cipher_settings").unwrap();
    let settings: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // A snapshot of the on-disk format: an upgrade that changes any of these would make
    // existing clinics' files unreadable, so it must be a deliberate, migrated change.
    let expected = [
        "PRAGMA kdf_iter = 256000;",
        "PRAGMA cipher_page_size = 4096;",
        "PRAGMA cipher_use_hmac = 1;",
        "PRAGMA cipher_plaintext_header_size = 0;",
        "PRAGMA cipher_hmac_algorithm = HMAC_SHA512;",
        "PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA512;",
    ];
    for line in expected {
        assert!(
            settings.iter().any(|s| s == line),
            "missing {line:?} in {settings:?}"
        );
    }
}
