-- Templates and reminders (issue 7, second step).
--
-- wa_templates: the clinic's WhatsApp message templates as the Graph API lists them
-- (GET /{waba_id}/message_templates), kept so the screens and the scheduler read them without
-- asking Meta, and moved by the message_template_status_update webhook. One row per
-- (name, language), which is how Meta identifies a template when sending.
CREATE TABLE wa_templates (
    id              INTEGER PRIMARY KEY,
    meta_id         TEXT,                   -- Meta's template id (a string of digits)
    name            TEXT NOT NULL,
    language        TEXT NOT NULL,          -- Meta's code: en, en_US, es, es_MX...
    category        TEXT NOT NULL DEFAULT '',  -- UTILITY, MARKETING, AUTHENTICATION
    status          TEXT NOT NULL,          -- Meta's word: APPROVED, PENDING, REJECTED, PAUSED...
    parameter_format TEXT NOT NULL DEFAULT 'POSITIONAL',  -- or NAMED
    body            TEXT NOT NULL DEFAULT '',  -- the BODY component's text with {{...}}
    params          TEXT NOT NULL DEFAULT '[]',  -- JSON: parameter names in body order ("1", "2" when positional)
    buttons         TEXT NOT NULL DEFAULT '[]',  -- JSON: quick-reply button texts in order
    reason          TEXT,                   -- Meta's rejection or pause reason, when there is one
    updated_at      INTEGER NOT NULL,       -- unix ms, last sync or status webhook
    UNIQUE (name, language)
);
CREATE INDEX wa_templates_meta ON wa_templates (meta_id);

-- Which template each kind of message uses, and what fills each of its parameters.
CREATE TABLE template_mappings (
    event           TEXT PRIMARY KEY,       -- see TemplateEvent: reminder_24h, appointment_confirmation...
    template_name   TEXT NOT NULL,
    language        TEXT NOT NULL,
    params          TEXT NOT NULL DEFAULT '[]',  -- JSON: [{"name": "first_name", "source": "first_name"}]
    buttons         TEXT NOT NULL DEFAULT '[]',  -- JSON: what each quick-reply button does, in order
    updated_by      INTEGER REFERENCES staff (id),
    updated_at      INTEGER NOT NULL
);

-- Every message planned about an appointment: the booking confirmation, the reminders, the
-- cancellation and move notices. Planned when the appointment is booked or moved, queued into
-- the outbox when due, or skipped with a reason staff can read. UNIQUE makes "never twice"
-- a property of the table: a move plans afresh for the new start, it cannot repeat one.
CREATE TABLE appointment_messages (
    id              INTEGER PRIMARY KEY,
    appointment_id  INTEGER NOT NULL REFERENCES appointments (id),
    kind            TEXT NOT NULL,          -- a TemplateEvent
    starts_at       INTEGER NOT NULL,       -- the appointment start it was planned for (unix ms)
    due_at          INTEGER NOT NULL,       -- unix ms
    state           TEXT NOT NULL DEFAULT 'planned'
                        CHECK (state IN ('planned', 'queued', 'skipped')),
    skip_reason     TEXT,                   -- cancelled, moved, late, superseded, opted_out, no_template...
    via             TEXT CHECK (via IN ('template', 'text')),
    outbox_id       INTEGER REFERENCES outbox (id),
    created_at      INTEGER NOT NULL,
    handled_at      INTEGER,
    UNIQUE (appointment_id, kind, starts_at)
);
CREATE INDEX appointment_messages_due ON appointment_messages (due_at) WHERE state = 'planned';
CREATE INDEX appointment_messages_outbox ON appointment_messages (outbox_id);

-- What the patient answered to a reminder's buttons (confirm, reschedule, cancel), and when.
ALTER TABLE appointments ADD COLUMN patient_answer TEXT
    CHECK (patient_answer IN ('confirm', 'reschedule', 'cancel'));
ALTER TABLE appointments ADD COLUMN patient_answer_at INTEGER;

-- Patients who replied STOP: no more reminders until they reply START. One row per number
-- (wa_id, digits only, as the webhook stores it); resuming deletes the row (both audited).
CREATE TABLE reminder_optouts (
    wa_id           TEXT PRIMARY KEY,
    at              INTEGER NOT NULL,       -- unix ms
    wamid           TEXT                    -- the patient's STOP message
);
