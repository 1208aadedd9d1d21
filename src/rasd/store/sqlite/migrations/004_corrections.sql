-- Analyst corrections (src/rasd/serve): kept apart from machine output, applied on read.
-- A correction is anchored to something that survives re-extraction and re-ingestion:
-- the document id plus the raw-text span of the evidence the event rests on (its trigger,
-- else all its evidence), with the sentence's hash as a fallback. Rows are never updated:
-- the newest correction of a field wins, older ones are the audit trail.
CREATE TABLE corrections (
    id             INTEGER PRIMARY KEY,
    doc_id         TEXT NOT NULL,
    span_start     INTEGER,               -- raw-text span the event rests on
    span_end       INTEGER,
    sentence_hash  TEXT,                  -- sha1 of the event's sentence, when it has no span
    event_id       TEXT,                  -- the event's id when it was corrected (for reference only)
    field          TEXT NOT NULL,         -- event_type, sub_event_type, actor1, actor2, location, date,
                                          -- fatalities, rejected
    value          TEXT,                  -- JSON value (NULL clears the machine value)
    author         TEXT,
    note           TEXT,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX corrections_doc ON corrections(doc_id);

-- Corrections resolved against the events now in the store (a cache, rebuilt per document
-- whenever a correction is written or that document's events are re-extracted).
CREATE TABLE event_overrides (
    event_id        TEXT PRIMARY KEY,
    doc_id          TEXT NOT NULL,
    event_type      TEXT,
    sub_event_type  TEXT,
    actor1          TEXT,
    actor2          TEXT,
    location        TEXT,
    admin1          TEXT,
    lat             REAL,
    lon             REAL,
    date            TEXT,
    fatalities      INTEGER,
    rejected        INTEGER NOT NULL DEFAULT 0,
    fields          TEXT NOT NULL          -- JSON {field: value} of every corrected field
);
CREATE INDEX event_overrides_doc ON event_overrides(doc_id);

-- Documents whose events changed since their overrides were resolved.
CREATE TABLE corrections_stale (doc_id TEXT PRIMARY KEY);
CREATE TRIGGER events_corrections_ai AFTER INSERT ON events
WHEN EXISTS (SELECT 1 FROM corrections WHERE doc_id = new.doc_id) BEGIN
    INSERT OR IGNORE INTO corrections_stale(doc_id) VALUES (new.doc_id);
END;
CREATE TRIGGER events_corrections_ad AFTER DELETE ON events
WHEN EXISTS (SELECT 1 FROM corrections WHERE doc_id = old.doc_id) BEGIN
    INSERT OR IGNORE INTO corrections_stale(doc_id) VALUES (old.doc_id);
END;

-- Covering indexes for the event list: filters and the (date, id) order are answered from
-- the index, and only the page's rows are read from the table.
CREATE INDEX events_view_date ON events(date, event_id, event_type, sub_event_type, status, lat, lon,
                                         actor1, actor2, location, admin1, fatalities, cluster_id, sentence);
CREATE INDEX events_view_type ON events(event_type, date, event_id, sub_event_type, status, lat, lon);
CREATE INDEX events_view_sub ON events(sub_event_type, date, event_id, status, lat, lon);
