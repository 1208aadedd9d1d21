-- What is new, and alerts (issue 13, parts 2-4). See docs/schema.md, docs/brief.md, docs/alerts.md.
-- Times written here are UTC text to the millisecond, 'YYYY-MM-DDTHH:MM:SS.mmmZ' (rasd.clock.stamp),
-- so that comparing them as text compares the times; rasd writes them, the defaults are for rows
-- written by hand.

-- When each document and each event was stored (a document: when it was first stored or last
-- changed; an event: when its document's events were last coded). `rasd documents --since`,
-- `rasd events --since` and the API's since= read them.
ALTER TABLE documents ADD COLUMN stored_at TEXT;
UPDATE documents SET stored_at = replace(ingested_at, ' ', 'T') || '.000Z';
CREATE INDEX documents_stored ON documents(stored_at);
ALTER TABLE events ADD COLUMN stored_at TEXT;
UPDATE events SET stored_at = (SELECT d.stored_at FROM documents d WHERE d.doc_id = events.doc_id);
CREATE INDEX events_stored ON events(stored_at);

-- The country of a fused event's place (ISO 3166-1 alpha-2), to filter on (`rasd brief --country`).
ALTER TABLE fused_events ADD COLUMN country TEXT;
UPDATE fused_events SET country = json_extract(data, '$.location.country');
CREATE INDEX fused_country ON fused_events(country);

-- The revisions of each fused event as users are told of them (src/rasd/fuse/revisions.py): a
-- fused event is revision 1 when it appears, and a new revision each time its status changes,
-- its corroboration rises, or its type, place or fatalities change (other rewrites, such as a
-- report joining without changing any of these, are not revisions). The row keeps the state
-- of the last revision, to compare the next rewrite with. It outlives a fused event deleted and
-- built again in one transaction (a document re-read), so that is not news.
CREATE TABLE fused_changes (
    cluster_id      TEXT PRIMARY KEY,
    revision        INTEGER NOT NULL,
    created_at      TEXT NOT NULL,        -- when revision 1 was recorded
    changed_at      TEXT NOT NULL,        -- when the last revision was recorded
    changes         TEXT NOT NULL DEFAULT '[]',  -- JSON: what the last revision changed
    status          TEXT,                 -- the state at the last revision
    corroboration   INTEGER,
    event_type      TEXT,
    sub_event_type  TEXT,
    place           TEXT,                 -- the place's key (fuse.fuser.place_key), else its name
    fatalities      INTEGER
);
CREATE INDEX fused_changes_at ON fused_changes(changed_at);
INSERT INTO fused_changes(cluster_id, revision, created_at, changed_at, changes, status, corroboration,
                          event_type, sub_event_type, place, fatalities)
SELECT cluster_id, 1, replace(updated_at, ' ', 'T') || '.000Z', replace(updated_at, ' ', 'T') || '.000Z',
       '[{"field": "new"}]', status, corroboration, event_type, sub_event_type, COALESCE(place_key, location),
       fatalities
FROM fused_events;

-- Alerts: saved searches over fused events (the API's filters, JSON) and where to send what
-- matches: a webhook (POST of JSON signed with HMAC-SHA256 of `secret`) or an e-mail address.
CREATE TABLE alerts (
    name        TEXT PRIMARY KEY,
    filters     TEXT NOT NULL DEFAULT '{}',    -- JSON {event_type, place, country, status, min_corroboration, ...}
    channel     TEXT NOT NULL,                 -- webhook | email
    target      TEXT NOT NULL,                 -- the webhook's URL, or the e-mail address
    secret      TEXT,                          -- the webhook's HMAC key
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The outbox: one row per (alert, fused event, revision), written in the transaction that made
-- the revision, so a notification is queued exactly when its change is committed and never twice.
-- The dispatcher delivers due rows, retrying with backoff, and records the outcome.
CREATE TABLE alert_outbox (
    id          INTEGER PRIMARY KEY,
    alert       TEXT NOT NULL REFERENCES alerts(name) ON DELETE CASCADE,
    cluster_id  TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    payload     TEXT NOT NULL,                 -- JSON: the change and the fused event as it then was
    created_at  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | failed (gave up after the last attempt)
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TEXT NOT NULL,                 -- not tried before this time
    last_error  TEXT,
    sent_at     TEXT,
    UNIQUE (alert, cluster_id, revision)
);
CREATE INDEX alert_outbox_due ON alert_outbox(status, next_at);

-- Leases: one holder at a time of a named job on this store (the alert dispatcher), until it
-- expires unless renewed.
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
