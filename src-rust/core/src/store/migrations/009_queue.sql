-- Intake queue: denormalised queue columns, review status, doctor notes.
--
-- Why covering indexes and not FTS5 or a LIKE over the table: SQLCipher decrypts every page a
-- query touches, and intakes rows are fat (the answers JSON), so the queue must never walk the
-- table itself. Every queue query (filters, sort, count, search) reads one narrow index and
-- then fetches the page's rows by id. A search is `instr(search_key, ?)` over the covering
-- index intakes_search: one pass over ~5 MB at 100,000 intakes, any fragment length, no
-- wildcards to escape. FTS5 (the bundled SQLCipher has it) with the trigram tokenizer was
-- weighed: it needs 3+ characters, its index is larger than the names it indexes, and its
-- matches must still be joined back for the sort, the other filters and the count. Measured
-- by the `queue` bench (src-rust/server/benches/queue.rs): at 100,000 intakes on 2 cores a
-- search takes ~15 ms (p99 under 40 ms), everything else a few ms.

-- Filled from the answers when the intake is stored (processor/effects.rs, queue/seed.rs).
ALTER TABLE intakes ADD COLUMN patient_name TEXT NOT NULL DEFAULT '';
-- The conversation's wa_id in E.164 with the '+' (Meta sends digits only).
ALTER TABLE intakes ADD COLUMN patient_phone TEXT NOT NULL DEFAULT '';
-- form::text::fold(name) || ' ' || the phone's digits: what a search is matched against and
-- what the name sort orders by (accents and case ignored).
ALTER TABLE intakes ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
-- Display name of whoever last set the status, and when (unix ms).
ALTER TABLE intakes ADD COLUMN status_by TEXT;
ALTER TABLE intakes ADD COLUMN status_at INTEGER;
-- The order staff expect (new, needs follow-up, reviewed) rather than alphabetical; derived,
-- so it can never disagree with status. Queries read it from the indexes below, not the row.
ALTER TABLE intakes ADD COLUMN status_rank INTEGER
    GENERATED ALWAYS AS (CASE status WHEN 'new' THEN 0 WHEN 'needs_follow_up' THEN 1 ELSE 2 END)
    VIRTUAL;

-- Intakes stored before this migration. SQLite's lower() folds ASCII only, so the accents of
-- the names the bot's languages use are folded here by hand, as form::text::fold does.
UPDATE intakes SET
    patient_name = CASE WHEN json_valid(answers)
                         AND json_extract(answers, '$.full_name.type') = 'text'
                        THEN trim(json_extract(answers, '$.full_name.value')) ELSE '' END,
    patient_phone = coalesce((SELECT CASE WHEN substr(c.wa_id, 1, 1) = '+' THEN c.wa_id
                                          ELSE '+' || c.wa_id END
                              FROM conversations c WHERE c.id = intakes.conversation_id), '');
UPDATE intakes SET search_key = replace(replace(lower(trim(patient_name)), '   ', ' '), '  ', ' ');
UPDATE intakes SET search_key = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_key,
    'á', 'a'), 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'ã', 'a'), 'å', 'a'),
    'Á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Ã', 'a'), 'Å', 'a');
UPDATE intakes SET search_key = replace(replace(replace(replace(replace(replace(replace(replace(search_key,
    'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'),
    'Ê', 'e'), 'Ë', 'e');
UPDATE intakes SET search_key = replace(replace(replace(replace(replace(replace(replace(replace(search_key,
    'í', 'i'), 'ì', 'i'), 'î', 'i'), 'ï', 'i'), 'Í', 'i'), 'Ì', 'i'),
    'Î', 'i'), 'Ï', 'i');
UPDATE intakes SET search_key = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_key,
    'ó', 'o'), 'ò', 'o'), 'ô', 'o'), 'ö', 'o'), 'õ', 'o'), 'Ó', 'o'),
    'Ò', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'Õ', 'o');
UPDATE intakes SET search_key = replace(replace(replace(replace(replace(replace(replace(replace(search_key,
    'ú', 'u'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'Ú', 'u'), 'Ù', 'u'),
    'Û', 'u'), 'Ü', 'u');
UPDATE intakes SET search_key = replace(replace(search_key,
    'ñ', 'n'), 'Ñ', 'n');
UPDATE intakes SET search_key = replace(replace(search_key,
    'ç', 'c'), 'Ç', 'c');
UPDATE intakes SET search_key = search_key || ' ' || replace(patient_phone, '+', '');

-- intakes_submitted (004) gains the status so the dashboard's day counts and a date range
-- with a status filter are answered from the index alone.
DROP INDEX intakes_submitted;
CREATE INDEX intakes_time ON intakes (submitted_at, status_rank);
-- A status or reviewed filter (with or without dates), the status sort, awaiting review.
CREATE INDEX intakes_status ON intakes (status_rank, submitted_at);
-- Search and the name sort: every column a queue query filters or sorts on, so a search
-- scans this index and never the table.
CREATE INDEX intakes_search ON intakes (search_key, submitted_at, status_rank);

-- Doctor notes, oldest first. Clinical: shown only to roles that may read clinical answers.
CREATE TABLE intake_notes (
    id        INTEGER PRIMARY KEY,
    intake_id INTEGER NOT NULL REFERENCES intakes (id),
    author    TEXT NOT NULL,            -- display name at the time of writing
    at        INTEGER NOT NULL,         -- unix ms
    text      TEXT NOT NULL
);
CREATE INDEX intake_notes_intake ON intake_notes (intake_id, id);

-- The intake detail finds a conversation's consent evidence by subject; the action index alone
-- would walk every consent ever recorded.
CREATE INDEX audit_log_subject ON audit_log (subject, at);

-- The dashboard's "waiting for staff": few conversations are handed over at any time. The
-- CASE keeps a state that is not JSON from failing the write that stores it.
CREATE INDEX conversations_handover ON conversations (id)
    WHERE CASE WHEN json_valid(state) THEN json_extract(state, '$.handover') END = 1;

-- A conversation's latest intake (the name for a "talk to staff" notification, the inbox's
-- link to the intake) without walking the table.
CREATE INDEX intakes_conversation ON intakes (conversation_id, id);
