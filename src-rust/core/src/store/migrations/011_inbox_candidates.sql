-- The inbox (and the dashboard's "waiting for staff") start from the few conversations that can
-- be in it, found through partial indexes, instead of reading every conversation's state:
-- held by staff here; handed over in 009's conversations_handover; stopped sends in 010's
-- outbox_stopped.
CREATE INDEX conversations_held ON conversations (id) WHERE held_by IS NOT NULL;
