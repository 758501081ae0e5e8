-- Every signed webhook body exactly as received (PHI: lives only in this encrypted file).
CREATE TABLE webhook_payloads (
    id          INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,          -- unix ms
    body        BLOB NOT NULL,
    parse_ok    INTEGER NOT NULL CHECK (parse_ok IN (0, 1)),
    messages    INTEGER NOT NULL DEFAULT 0,
    statuses    INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0
);

-- One row per WhatsApp message, ever: the wamid is the key, so Meta's retries and duplicates
-- are ignored (INSERT OR IGNORE). processed_at stays NULL until the engine has handled it, so
-- a restart replays exactly the unprocessed ones.
CREATE TABLE inbound_messages (
    wamid           TEXT PRIMARY KEY,
    payload_id      INTEGER NOT NULL REFERENCES webhook_payloads (id),
    wa_from         TEXT,                  -- the patient's number (absent for username-only users)
    user_id         TEXT,
    phone_number_id TEXT NOT NULL,
    sent_at         INTEGER NOT NULL,      -- unix seconds, Meta's timestamp
    received_at     INTEGER NOT NULL,      -- unix ms
    kind            TEXT NOT NULL,
    body            TEXT NOT NULL,         -- the message's JSON
    processed_at    INTEGER
);
CREATE INDEX inbound_messages_pending ON inbound_messages (wa_from, sent_at)
    WHERE processed_at IS NULL;

-- Status webhooks as events, deduplicated on (wamid, status) as Meta advises.
CREATE TABLE message_status_events (
    wamid      TEXT NOT NULL,
    status     TEXT NOT NULL,
    at         INTEGER NOT NULL,           -- unix seconds, Meta's timestamp
    error_code INTEGER,
    body       TEXT NOT NULL,
    payload_id INTEGER NOT NULL REFERENCES webhook_payloads (id),
    PRIMARY KEY (wamid, status)
);

-- The delivery state of each message we sent, moved forward only (sent < delivered < read;
-- failed), whatever order the status webhooks arrive in.
CREATE TABLE message_delivery (
    wamid      TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    rank       INTEGER NOT NULL,
    error_code INTEGER,
    updated_at INTEGER NOT NULL
);
