-- Staff accounts. Usernames compare case-insensitively so "Maria" and "maria" are one person.
CREATE TABLE staff (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    username        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('front_desk', 'doctor', 'admin')),
    password_hash   TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER,            -- unix ms; NULL when not locked
    lockouts        INTEGER NOT NULL DEFAULT 0, -- consecutive lockouts, for growing back-off
    totp_secret     TEXT,               -- base32; NULL when TOTP is off
    totp_last_step  INTEGER,            -- replay guard: the last 30 s step accepted
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- Append-only, hash-chained. AUTOINCREMENT keeps ids from being reused, so sqlite_sequence
-- remembers the highest id ever written and a deleted tail row is still noticed.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL DEFAULT '',
    details   TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
