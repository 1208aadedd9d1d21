-- The candidate search of incremental fusion, bounded on large stores (as SQLite's 008): the
-- class of each fused event's span (0: up to 7 days, 1: up to 31, 2: up to 366, 3: longer;
-- rasd.store.sql.fusion.SPAN_CLASSES), so that a search reads each class from
-- date_lo >= lo - (its longest span) instead of every older fused event of the type.
ALTER TABLE fused_events ADD COLUMN span_class integer;
UPDATE fused_events SET span_class = CASE
    WHEN date_lo IS NULL OR date_hi IS NULL THEN NULL
    WHEN date_hi::date - date_lo::date <= 7 THEN 0
    WHEN date_hi::date - date_lo::date <= 31 THEN 1
    WHEN date_hi::date - date_lo::date <= 366 THEN 2
    ELSE 3 END;
CREATE INDEX fused_window ON fused_events(sub_event_type, span_class, date_lo) INCLUDE (date_hi, lat, lon);
