-- A send in flight. claimed_at is committed before the POST to Graph and cleared with the
-- outcome, so after a crash we know which rows may already have reached the patient.
ALTER TABLE outbox ADD COLUMN claimed_at INTEGER;
-- 'message' (what the patient reads) or 'read' (a read receipt: tried once, never blocks a reply).
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';
CREATE INDEX outbox_claimed ON outbox (claimed_at) WHERE claimed_at IS NOT NULL;

-- Meta echoes each message's biz_opaque_callback_data ("ob:<outbox id>") in its status webhooks:
-- the only way to learn the wamid of a send whose answer was lost in a crash.
ALTER TABLE message_status_events ADD COLUMN callback TEXT;
CREATE INDEX message_status_callback ON message_status_events (callback) WHERE callback IS NOT NULL;
