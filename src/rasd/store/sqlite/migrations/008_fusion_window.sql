-- The candidate search of incremental fusion, bounded on large stores (issue 12: one new
-- document into a store of a million fused events). A search asks for fused events whose date
-- span [date_lo, date_hi] meets a window: "date_lo <= hi AND date_hi >= lo" is open towards the
-- past, so an index on date_lo alone reads every older fused event of the type. Each fused event
-- now records the class of its span's length (0: up to 7 days, 1: up to 31, 2: up to 366,
-- 3: longer; rasd.store.sql.fusion.SPAN_CLASSES), and the search reads each class from
-- date_lo >= lo - (its longest span): four short index ranges per sub-event type.
ALTER TABLE fused_events ADD COLUMN span_class INTEGER;
UPDATE fused_events SET span_class = CASE
    WHEN date_lo IS NULL OR date_hi IS NULL THEN NULL
    WHEN julianday(date_hi) - julianday(date_lo) <= 7 THEN 0
    WHEN julianday(date_hi) - julianday(date_lo) <= 31 THEN 1
    WHEN julianday(date_hi) - julianday(date_lo) <= 366 THEN 2
    ELSE 3 END;
-- date_hi, lat and lon in the index: the rest of the search is decided without reading the rows
CREATE INDEX fused_window ON fused_events(sub_event_type, span_class, date_lo, date_hi, lat, lon);
