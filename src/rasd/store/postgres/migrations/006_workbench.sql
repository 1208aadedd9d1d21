-- The analysts' workbench (issue 14), PostgreSQL: the same tables and columns as
-- src/rasd/store/sqlite/migrations/006_workbench.sql (read the comments there).
CREATE TABLE analyst_tokens (
    name        TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    revoked_at  TEXT
);

ALTER TABLE event_overrides ADD COLUMN review TEXT;

ALTER TABLE corrections ADD COLUMN request BIGINT;

CREATE INDEX events_confidence ON events(confidence, event_id);
