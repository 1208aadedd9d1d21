-- Documents as read and cleaned. Query with sqlite3 or Datasette; see docs/schema.md.
CREATE TABLE documents (
    doc_id        TEXT PRIMARY KEY,
    content_hash  TEXT NOT NULL UNIQUE,
    text          TEXT NOT NULL,          -- cleaned text
    raw           TEXT NOT NULL,          -- text as decoded from the input
    title         TEXT,
    published     TEXT,                   -- YYYY-MM-DD
    outlet        TEXT,
    url           TEXT,
    source        TEXT,                   -- path or URL it was read from
    encoding      TEXT,                   -- charset used to decode it
    offsets       TEXT NOT NULL DEFAULT '[]',  -- JSON [[clean_start, raw_start, length], ...]
    meta          TEXT NOT NULL DEFAULT '{}',  -- JSON
    ingested_at   TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX documents_published ON documents(published);

CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text, content='documents', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER documents_au AFTER UPDATE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
