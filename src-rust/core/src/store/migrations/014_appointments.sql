-- Appointments (issue 7). Front desk books, moves and cancels them; doctors read their own day.
-- Reminders come later and hang off this table: every appointment names the patient's
-- WhatsApp conversation (so the bot can message them), a start in unix ms, a duration and a
-- status. Rows are never deleted: a cancellation is a status, so the history stays readable
-- next to the audit log (which records ids and times only, never the patient's details).
CREATE TABLE appointments (
    id              INTEGER PRIMARY KEY,
    -- NOT NULL: an appointment is for a patient we can message. Booking from a typed number
    -- creates the conversation row for that wa_id (digits only, as the webhook stores it).
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    -- The intake it was booked from, when there was one.
    intake_id       INTEGER REFERENCES intakes (id),
    -- As staff typed it or as the intake named the patient; kept here so the list reads
    -- without opening the intake (whose answers are fat and clinical).
    patient_name    TEXT NOT NULL,
    patient_phone   TEXT NOT NULL,          -- E.164 with the '+'
    clinician_id    INTEGER NOT NULL REFERENCES staff (id),
    starts_at       INTEGER NOT NULL,       -- unix ms
    duration_min    INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 480),
    location        TEXT NOT NULL DEFAULT '',
    telehealth_url  TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    -- 'confirmed' is for the reminder step (the patient answered "yes"); nothing sets it yet.
    status          TEXT NOT NULL DEFAULT 'booked'
                        CHECK (status IN ('booked', 'confirmed', 'cancelled')),
    created_by      INTEGER NOT NULL REFERENCES staff (id),
    created_at      INTEGER NOT NULL,       -- unix ms
    updated_at      INTEGER NOT NULL,       -- unix ms
    cancelled_at    INTEGER,                -- unix ms; NULL unless cancelled
    cancel_reason   TEXT
);

-- The day/week list: a range over starts_at, in order.
CREATE INDEX appointments_starts ON appointments (starts_at);
-- A doctor's own day, and the double-booking check when an appointment is made or moved.
CREATE INDEX appointments_clinician ON appointments (clinician_id, starts_at);
-- A patient's appointments (the intake detail and, later, reminders per conversation).
CREATE INDEX appointments_conversation ON appointments (conversation_id, starts_at);
