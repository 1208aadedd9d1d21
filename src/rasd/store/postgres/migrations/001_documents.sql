-- Documents as read and cleaned (PostgreSQL; the same table as SQLite's 001). See docs/schema.md.
-- Times are text in UTC ('YYYY-MM-DD HH:MM:SS'), dates text 'YYYY-MM-DD', as in SQLite, so that
-- both backends hold the same values and `rasd copy` moves them unchanged.
CREATE EXTENSION IF NOT EXISTS unaccent;

-- Full-text search as SQLite's FTS5 (unicode61, remove_diacritics) does it: words folded to
-- lower case and stripped of accents, no stemming, no stop words.
CREATE TEXT SEARCH CONFIGURATION rasd_simple (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION rasd_simple
    ALTER MAPPING FOR word, hword, hword_part, asciiword, asciihword, hword_asciipart WITH unaccent, simple;

CREATE TABLE documents (
    doc_id        text PRIMARY KEY,
    content_hash  text NOT NULL UNIQUE,
    text          text NOT NULL,          -- cleaned text
    raw           text NOT NULL,          -- text as decoded from the input
    title         text,
    published     text,                   -- YYYY-MM-DD
    outlet        text,
    url           text,
    source        text,                   -- path or URL it was read from
    encoding      text,                   -- charset used to decode it
    offsets       text NOT NULL DEFAULT '[]',  -- JSON [[clean_start, raw_start, length], ...]
    meta          text NOT NULL DEFAULT '{}',  -- JSON
    ingested_at   text NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
    -- the words of title and text, kept by the database (SQLite's documents_fts)
    fts           tsvector GENERATED ALWAYS AS (
                      setweight(to_tsvector('rasd_simple', coalesce(title, '')), 'A')
                      || to_tsvector('rasd_simple', text)) STORED
);
CREATE INDEX documents_published ON documents(published);
CREATE INDEX documents_fts ON documents USING gin (fts);
