-- Fetched photos/documents live in the encrypted database with the intake, never on disk.
ALTER TABLE media_fetches ADD COLUMN data BLOB;
ALTER TABLE media_fetches ADD COLUMN size INTEGER;
ALTER TABLE media_fetches ADD COLUMN fetched_at INTEGER;
ALTER TABLE media_fetches ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE media_fetches ADD COLUMN error TEXT;
