-- Everything the bot or staff send, written in the same transaction as the state change that
-- produced it, and drained by the sender. A row is sent at most once: its wamid is stored the
-- moment Graph answers, and a restart resumes the pending rows.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    wa_to           TEXT NOT NULL,          -- the patient's number
    payload         TEXT NOT NULL,          -- Graph API message JSON (type + content)
    created_at      INTEGER NOT NULL,       -- unix ms
    next_attempt_at INTEGER NOT NULL,       -- unix ms
    attempts        INTEGER NOT NULL DEFAULT 0,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'failed', 'needs_staff')),
    wamid           TEXT,                   -- Graph's id for the sent message
    error_code      INTEGER,
    error_reason    TEXT,                   -- plain language, for the front desk
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_recipient ON outbox (wa_to, id) WHERE state = 'pending';
CREATE UNIQUE INDEX outbox_wamid ON outbox (wamid) WHERE wamid IS NOT NULL;
