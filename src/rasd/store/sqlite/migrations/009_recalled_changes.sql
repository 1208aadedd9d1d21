-- Changes of holder told only in recollection ("Last month, the coalition took over Raqqa"):
-- no event is coded from such a sentence, but the control timeline of the place it names learns
-- the change from it, with less weight than a report of the event (fuse/recall.py). One row per
-- recalled change, kept with its document (replaced when the document is coded again); `day_lo`
-- and `day_hi` are the days its own words date it to; `data` is the JSON record.
CREATE TABLE recalled_changes (
    id          INTEGER PRIMARY KEY,
    doc_id      TEXT NOT NULL,
    place_key   TEXT NOT NULL,
    day_lo      TEXT NOT NULL,
    day_hi      TEXT NOT NULL,
    data        TEXT NOT NULL
);
CREATE INDEX recalled_place ON recalled_changes(place_key, day_lo);
CREATE INDEX recalled_doc ON recalled_changes(doc_id);
