-- One row per patient the bot has talked to: the engine's state as JSON.
CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY,
    wa_id           TEXT NOT NULL UNIQUE,   -- the patient's WhatsApp number
    state           TEXT NOT NULL,          -- engine::State as JSON
    last_inbound_at INTEGER,                -- unix seconds: the 24-hour window starts here
    updated_at      INTEGER NOT NULL
);

-- Submitted intakes. Answers are JSON keyed by the form's linkIds.
CREATE TABLE intakes (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    form_id         TEXT NOT NULL,
    form_version    TEXT NOT NULL,
    lang            TEXT NOT NULL,
    answers         TEXT NOT NULL,
    submitted_at    INTEGER NOT NULL,       -- unix ms
    status          TEXT NOT NULL DEFAULT 'new'
);
CREATE INDEX intakes_submitted ON intakes (submitted_at);

-- Photos and documents to fetch through the Graph media flow.
CREATE TABLE media_fetches (
    media_id        TEXT PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    link_id         TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    mime            TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    created_at      INTEGER NOT NULL
);

-- What staff should know about: hand-over requests, withdrawals, abandoned intakes.
CREATE TABLE bot_events (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    kind            TEXT NOT NULL,
    at              INTEGER NOT NULL,       -- unix ms
    details         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX bot_events_conversation ON bot_events (conversation_id, id);
