-- The watcher's state (src/rasd/watch, `rasd watch`): the sources it follows, what each read
-- found, and every article link it has seen, so that a watcher stopped or killed and started
-- again goes on where it was. See docs/watch.md and docs/schema.md.
CREATE TABLE watch_sources (
    name           TEXT PRIMARY KEY,
    url            TEXT NOT NULL UNIQUE,
    every_s        REAL NOT NULL DEFAULT 900,   -- read this often (seconds)
    country        TEXT,                        -- ISO 3166-1 alpha-2 the user gave; kept in each document's meta
    pattern        TEXT,                        -- a listing page: regex the article links must match
    origin         TEXT NOT NULL DEFAULT 'cli', -- 'cli', or the sources file it was listed in
    added_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    kind           TEXT,                        -- what the last good read found: rss20, atom10, json, page, ...
    etag           TEXT,                        -- validators of the last 200, sent back on the next read
    last_modified  TEXT,
    last_fetch_at  TEXT,                        -- UTC time of the last read, good or not
    last_ok_at     TEXT,                        -- UTC time of the last good read (200 or 304)
    last_status    TEXT,                        -- ok | not-modified | error
    last_error     TEXT,                        -- the last read's error, or its warning (e.g. malformed XML read anyway)
    errors         INTEGER NOT NULL DEFAULT 0   -- failed reads in a row
);

-- One row per article link, keyed by its canonical URL (tracking parameters and fragment out).
CREATE TABLE watch_items (
    url              TEXT PRIMARY KEY,
    canonical        TEXT,                      -- the URL the page itself declares (rel=canonical), once fetched
    title            TEXT,                      -- as the source listed it
    published        TEXT,                      -- YYYY-MM-DD, as the source listed it
    first_seen_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    status           TEXT NOT NULL DEFAULT 'pending',
        -- pending (listed, not fetched yet) | stored (a document) | duplicate (the same article as
        -- another item or document) | failed (a passing failure: retried each pass up to the
        -- attempt limit) | rejected (a lasting failure: 404, not HTML, too large, no text, robots.txt)
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_attempt_at  TEXT,
    last_error       TEXT,
    doc_id           TEXT                       -- the document it is (stored or duplicate)
);
CREATE INDEX watch_items_status ON watch_items(status);
CREATE INDEX watch_items_canonical ON watch_items(canonical);

-- Which sources list which items (an article in two feeds is one item with two rows here).
CREATE TABLE watch_item_sources (
    source         TEXT NOT NULL REFERENCES watch_sources(name) ON DELETE CASCADE,
    url            TEXT NOT NULL REFERENCES watch_items(url) ON DELETE CASCADE,
    first_seen_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (source, url)
);
CREATE INDEX watch_item_sources_url ON watch_item_sources(url);
