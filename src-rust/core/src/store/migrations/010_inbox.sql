-- Inbox: who holds a conversation, who wrote a staff reply (filled by the inbox work).

-- The staff member handling a conversation (display name, so the inbox can say "Ana has it"
-- without a join that breaks when a user is renamed or removed) and since when (unix ms).
-- NULL while the bot has it. released_at (unix ms) is the last hand-back: send problems from
-- before it count as dealt with.
ALTER TABLE conversations ADD COLUMN held_by TEXT;
ALTER TABLE conversations ADD COLUMN held_at INTEGER;
ALTER TABLE conversations ADD COLUMN released_at INTEGER;

-- Who wrote an outgoing message: NULL for the bot, a staff member's display name otherwise.
ALTER TABLE outbox ADD COLUMN author TEXT;

-- The transcript reads one patient's messages in both directions, newest first; taking a
-- conversation over looks up that patient's read receipts.
CREATE INDEX inbound_messages_from ON inbound_messages (wa_from, received_at);
CREATE INDEX outbox_to ON outbox (wa_to, kind, id);
-- The inbox looks for conversations with a stopped message; there are few of those.
CREATE INDEX outbox_stopped ON outbox (wa_to, created_at) WHERE state IN ('needs_staff', 'failed');
