-- Why a stored message was deliberately never answered: NULL for every normal message, 'flood'
-- when its sender was over the per-sender limit at the webhook edge (src/ingest/flood.rs).
-- Such rows get processed_at in the transaction that stores them, so the processor never picks
-- them up, while the transcript still has them. A retry of the same wamid is ignored by the
-- INSERT OR IGNORE, so it keeps the first delivery's verdict.
ALTER TABLE inbound_messages ADD COLUMN skipped_reason TEXT;
