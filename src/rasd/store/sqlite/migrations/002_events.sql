-- Coded events: one row per event a document reports. `data` holds the full JSON record
-- (actors, evidence spans, sources); the other columns are there to filter and index.
CREATE TABLE events (
    event_id        TEXT PRIMARY KEY,
    doc_id          TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    event_type      TEXT NOT NULL,
    sub_event_type  TEXT NOT NULL,
    date            TEXT,                 -- YYYY-MM-DD
    time_precision  TEXT,
    actor1          TEXT,
    actor2          TEXT,
    location        TEXT,
    lat             REAL,
    lon             REAL,
    country         TEXT,
    admin1          TEXT,
    geo_precision   INTEGER,
    fatalities      INTEGER,
    stance          TEXT NOT NULL DEFAULT 'asserted',
    confidence      REAL,
    sentence        TEXT,
    cluster_id      TEXT,
    status          TEXT,
    data            TEXT NOT NULL          -- JSON, as written by `rasd extract`
);
CREATE INDEX events_doc ON events(doc_id);
CREATE INDEX events_type_date ON events(event_type, date);
CREATE INDEX events_sub ON events(sub_event_type);
CREATE INDEX events_date ON events(date, event_id);
CREATE INDEX events_latlon ON events(lat, lon);
CREATE INDEX events_cluster ON events(cluster_id);
