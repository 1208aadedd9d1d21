-- The candidate search's index (008) with date_hi, lat and lon as key columns, as SQLite's 008
-- has them. 008 kept them as INCLUDE columns, which PostgreSQL tests only after reading each row
-- from the table in a plain index scan (the search reads `data`, so it is never index-only);
-- with the type-family's date range matching ~900 fused events on a store of a million, of which
-- ~90 lie in the box, the search read 900 rows (10 ms warm, 130 ms cold) and the planner chose
-- fused_sub_date over it. As key columns, the span's end and the box are tested in the index:
-- only the candidates are read (0.8 ms warm).
DROP INDEX fused_window;
CREATE INDEX fused_window ON fused_events(sub_event_type, span_class, date_lo, date_hi, lat, lon);
