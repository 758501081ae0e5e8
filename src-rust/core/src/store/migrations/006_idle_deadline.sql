-- Unix ms when the processor should send the conversation a Tick, so an idle intake is
-- abandoned without waiting for the patient to write. NULL: no Tick can change anything.
ALTER TABLE conversations ADD COLUMN idle_at INTEGER;
-- Partial: only intakes in progress are ever due, so each round's lookup stays small.
CREATE INDEX conversations_idle ON conversations (idle_at) WHERE idle_at IS NOT NULL;

-- Intakes already in progress are due at once: that first Tick computes the real deadline,
-- since the timeout is a setting the database does not know.
UPDATE conversations SET idle_at = 0
WHERE CASE WHEN json_valid(state)
      THEN json_extract(state, '$.phase.phase') IN ('asking', 'review', 'edit') END;
