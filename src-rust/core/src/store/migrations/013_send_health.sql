-- When a send stopped (failed or needs staff), so the connection health panel can say when the
-- last send error happened, and whether a token error came after the last successful send.
ALTER TABLE outbox ADD COLUMN stopped_at INTEGER;
