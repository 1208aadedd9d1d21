-- Fusion (src/rasd/fuse): real-world events fused from many reports, who controls which
-- place since when, and agreements with their clauses. `data` columns hold the full JSON
-- records; the other columns are there to filter and index (candidate lookup is by
-- family + date window + bounding box, never a scan of everything).
CREATE TABLE fused_events (
    cluster_id      TEXT PRIMARY KEY,
    family          TEXT NOT NULL,        -- type families of the sub-event type (fusion.yaml)
    event_type      TEXT NOT NULL,
    sub_event_type  TEXT NOT NULL,
    date            TEXT,                 -- best date, YYYY-MM-DD
    date_lo         TEXT,                 -- earliest day any report allows
    date_hi         TEXT,                 -- latest day any report allows
    location        TEXT,
    place_key       TEXT,                 -- geonameid or normalised name: control timelines key
    lat             REAL,
    lon             REAL,
    actor1          TEXT,
    actor2          TEXT,
    fatalities      INTEGER,              -- best figure (docs/fusion.md)
    fatalities_min  INTEGER,
    fatalities_max  INTEGER,
    status          TEXT NOT NULL,        -- confirmed / single-source / disputed
    corroboration   INTEGER NOT NULL,     -- independent outlets
    n_reports       INTEGER NOT NULL,
    data            TEXT NOT NULL,        -- JSON FusedEvent with its reports and disputes
    updated_at      TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX fused_family_date ON fused_events(family, date_lo, date_hi);
CREATE INDEX fused_date ON fused_events(date_lo, date_hi);
CREATE INDEX fused_latlon ON fused_events(lat, lon);
CREATE INDEX fused_place ON fused_events(place_key, date);
CREATE INDEX fused_status ON fused_events(status);

-- Membership: each coded event (one document's report) belongs to one fused event.
CREATE TABLE fused_reports (
    event_id    TEXT PRIMARY KEY,
    cluster_id  TEXT NOT NULL REFERENCES fused_events(cluster_id) ON DELETE CASCADE,
    doc_id      TEXT NOT NULL,
    outlet      TEXT,
    stance      TEXT NOT NULL,
    date        TEXT,
    fatalities  INTEGER,
    position    INTEGER NOT NULL          -- order in which reports joined
);
CREATE INDEX fused_reports_cluster ON fused_reports(cluster_id, position);
CREATE INDEX fused_reports_doc ON fused_reports(doc_id);

-- Control timelines: who holds a place from `start` until `end` (NULL = still).
CREATE TABLE control_periods (
    id          INTEGER PRIMARY KEY,
    place_key   TEXT NOT NULL,
    place       TEXT NOT NULL,
    lat         REAL,
    lon         REAL,
    holder      TEXT NOT NULL,
    start       TEXT,
    end         TEXT,
    status      TEXT,
    data        TEXT NOT NULL             -- JSON ControlPeriod with evidence
);
CREATE INDEX control_place ON control_periods(place_key, start);
CREATE INDEX control_name ON control_periods(place);
CREATE INDEX control_dates ON control_periods(start, end);

-- Agreements (evacuation, surrender, reconciliation deals) and their clauses.
CREATE TABLE agreements (
    agreement_id  TEXT PRIMARY KEY,
    cluster_id    TEXT,
    place         TEXT,
    lat           REAL,
    lon           REAL,
    date          TEXT,
    status        TEXT NOT NULL,          -- negotiating / reached / collapsed
    data          TEXT NOT NULL           -- JSON Agreement
);
CREATE INDEX agreements_cluster ON agreements(cluster_id);
CREATE INDEX agreements_place ON agreements(place);
CREATE INDEX agreements_date ON agreements(date);

CREATE TABLE agreement_clauses (
    agreement_id  TEXT NOT NULL REFERENCES agreements(agreement_id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL,          -- who_leaves / weapons / destination / deadline / guarantee / other
    text          TEXT NOT NULL,
    doc_id        TEXT,
    start         INTEGER,                -- evidence span in the document's raw text
    end           INTEGER,
    PRIMARY KEY (agreement_id, position)
);
