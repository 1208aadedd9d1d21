"""Growing a synthetic store to a million events in minutes, in linear time: the store's rows
copied ``times - 1`` times by the database itself, each copy under new ids (doc, event and
cluster ids with the suffix ``r1``, ``r2`` ...; the ids inside the JSON records too), with the
same dates, places and texts. A copy is as dense as a store ``times`` as large made from the
same generator: the same filters match ``times`` as many events, a new event meets ``times`` as
many fusion candidates. Used by bench_postgres.py and bench_api.py for their large stores.

How it stays linear and fast, on both backends (``grow`` for a SQLite file, ``grow_pg`` for a
PostgreSQL database):

- the rows to copy (the base) are first put aside in temporary tables, and each statement
  reads the base once for a batch of copies (``CROSS JOIN`` a series of copy numbers): the work
  is proportional to the rows written, never to the rows already there (copying from the growing
  table itself, as this file once did, read it again for every copy: quadratic, 22 minutes for
  a million events on PostgreSQL);
- the tables' secondary indexes are dropped before the load and built again after it (one sort
  each instead of a million random inserts into each), the triggers that watch events for
  analyst corrections are off during the load (the store has no corrections), and the
  statistics are made again at the end (SQLite ``ANALYZE``; PostgreSQL ``VACUUM ANALYZE``, which
  also marks the pages all-visible so that the covering indexes answer without the table).

Only stores whose fused events have one report each can grow (what bench_fusion.fill_fused_bulk
and rasd.serve.synthetic.fill_store write): a copy of a merged fused event would cite reports
of documents that are not copied with it.
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

# the copy number ``k`` of a row, as the suffix of its ids
SUFFIX = "('r' || k.k)"
NEW_EVENT_ID = f"t.doc_id || {SUFFIX} || substr(t.event_id, length(t.doc_id) + 1)"

# the tables that grow, in an order their references allow, and the columns a copy computes
# (every other column is copied as it is)
TABLES: list[tuple[str, dict[str, str]]] = [
    ("documents", {"doc_id": f"t.doc_id || {SUFFIX}", "content_hash": f"t.content_hash || {SUFFIX}"}),
    ("events", {
        "event_id": NEW_EVENT_ID, "doc_id": f"t.doc_id || {SUFFIX}", "cluster_id": f"t.cluster_id || {SUFFIX}",
        "data": f"CASE WHEN t.cluster_id IS NULL THEN replace(t.data, t.doc_id, t.doc_id || {SUFFIX})"
                f" ELSE replace(replace(t.data, t.doc_id, t.doc_id || {SUFFIX}), t.cluster_id,"
                f" t.cluster_id || {SUFFIX}) END"}),
    # a fused event's JSON names its cluster and its one report's document
    ("fused_events", {
        "cluster_id": f"t.cluster_id || {SUFFIX}",
        "data": f"replace(replace(t.data, t.cluster_id, t.cluster_id || {SUFFIX}),"
                f" (SELECT r.doc_id FROM base_fused_reports r WHERE r.cluster_id = t.cluster_id),"
                f" (SELECT r.doc_id FROM base_fused_reports r WHERE r.cluster_id = t.cluster_id) || {SUFFIX})"}),
    ("fused_reports", {"event_id": NEW_EVENT_ID, "cluster_id": f"t.cluster_id || {SUFFIX}",
                       "doc_id": f"t.doc_id || {SUFFIX}"}),
    ("fused_changes", {"cluster_id": f"t.cluster_id || {SUFFIX}"}),
]
GROWN = [name for name, _ in TABLES]
# the most base rows (of the largest table) one statement copies; a batch of copies stays below it
BATCH_ROWS = 200_000


def _batches(times: int, base_rows: int) -> Iterator[tuple[int, int]]:
    """Copy numbers 1 .. times-1 in ranges (first, last) of about BATCH_ROWS rows each."""
    per = max(1, BATCH_ROWS // max(1, base_rows))
    k = 1
    while k < times:
        yield k, min(times - 1, k + per - 1)
        k += per


def _select(cols: list[str], computed: dict[str, str], table: str, series: str) -> str:
    exprs = ", ".join(computed.get(c, f't."{c}"') for c in cols)
    names = ", ".join(f'"{c}"' for c in cols)
    return f'INSERT INTO "{table}"({names}) SELECT {exprs} FROM "base_{table}" t CROSS JOIN {series}'


def _check_single_reports(run: Callable[[str], Any]) -> None:
    merged = run("SELECT count(*) FROM fused_reports WHERE position > 0")
    if merged:
        raise ValueError(f"grow: {merged} fused events have more than one report; only stores of"
                         " single-report fused events can grow")


def _say(what: str, t0: float) -> None:
    print(f"  grow: {what} ({time.perf_counter() - t0:.1f} s)", flush=True)


def pid_cpu(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` of this machine has used; 0 when it is gone."""
    import os

    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_cpu(conn) -> float:
    """CPU seconds the server process of a PostgreSQL connection has used (0 when the server is
    not on this machine): wall time on a shared machine says more about the neighbours."""
    return pid_cpu(conn.info.backend_pid)


# -- SQLite --------------------------------------------------------------------------------
@contextmanager
def sqlite_bulk(conn: sqlite3.Connection, tables: list[str]) -> Iterator[None]:
    """The secondary indexes of ``tables`` dropped for the block and built again after it,
    then ANALYZE."""
    marks = ",".join("?" * len(tables))
    indexes = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                           f" AND tbl_name IN ({marks})", tables).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        for _, sql in indexes:
            conn.execute(sql)
        conn.execute("PRAGMA analysis_limit = 1000")  # statistics from a sample (a full ANALYZE reads it all)
        conn.execute("ANALYZE")


def grow(path: Path, times: int) -> None:
    """Make the SQLite store at ``path`` ``times`` as large: ``times - 1`` copies of its rows."""
    if times <= 1:
        return
    t0 = time.perf_counter()
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    conn.execute("PRAGMA temp_store=MEMORY")
    _check_single_reports(lambda sql: conn.execute(sql).fetchone()[0])
    base_rows = 0
    for table in GROWN:
        conn.execute(f'CREATE TEMP TABLE "base_{table}" AS SELECT * FROM main."{table}"')
        base_rows = max(base_rows, conn.execute(f'SELECT count(*) FROM "base_{table}"').fetchone()[0])
    conn.execute("CREATE INDEX temp.base_fused_reports_cluster ON base_fused_reports(cluster_id)")
    series = "(WITH RECURSIVE s(k) AS (SELECT ? UNION ALL SELECT k + 1 FROM s WHERE k < ?) SELECT k FROM s) k"
    with sqlite_bulk(conn, GROWN):
        conn.execute("BEGIN")
        for first, last in _batches(times, base_rows):
            for table, computed in TABLES:
                cols = [r[1] for r in conn.execute(f'PRAGMA main.table_info("{table}")')]
                conn.execute(_select(cols, computed, table, series), (first, last))
            _say(f"{path.name}: copies {first}-{last} of {times - 1}", t0)
        conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    conn.close()
    print(f"grew {path.name} to {events} events in {time.perf_counter() - t0:.1f} s", flush=True)


# -- PostgreSQL ----------------------------------------------------------------------------
def pg_indexes(conn, tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the secondary indexes of ``tables`` in the current schema:
    every index that no constraint (primary key, unique) owns."""
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema()"
        " AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
        " WHERE c.conindid = to_regclass(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname)))"
        " ORDER BY i.tablename, i.indexname", (tables,)).fetchall()]


@contextmanager
def pg_bulk(url: str, tables: list[str]) -> Iterator[None]:
    """For the block: the secondary indexes of ``tables`` dropped and their user triggers off
    (the store's own: nobody else writes to a bench database); after it, the indexes built again
    (with a large maintenance_work_mem: each index one sort in memory) and VACUUM ANALYZE."""
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        indexes = pg_indexes(conn, tables)
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for table in tables:
            conn.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
    try:
        yield
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for table in tables:
                conn.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
            conn.execute("SET maintenance_work_mem = '512MB'")
            for name, sql in indexes:
                conn.execute(sql)
            _say(f"{len(indexes)} indexes built", t0)
            conn.execute("VACUUM ANALYZE")
            _say(f"vacuumed and analysed (server CPU {backend_cpu(conn):.1f} s, parallel workers not counted)", t0)


def grow_pg(url: str, times: int) -> None:
    """The same as ``grow`` inside a PostgreSQL store (the server copies its own rows; no row
    passes through Python). Run it inside ``pg_bulk`` (indexes dropped) for speed."""
    import psycopg

    if times <= 1:
        return
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        _check_single_reports(lambda sql: conn.execute(sql).fetchone()[0])

        def columns(table: str) -> list[str]:
            return [r[0] for r in conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0"
                " AND NOT attisdropped AND attgenerated = '' AND attidentity = '' ORDER BY attnum", (table,))]

        try:  # the copies' references hold as the base's do: not checked row by row (a superuser's right)
            conn.execute("SET session_replication_role = replica")
        except psycopg.errors.InsufficientPrivilege:
            pass
        conn.execute("BEGIN")
        base_rows = 0
        for table in GROWN:
            conn.execute(f'CREATE TEMP TABLE "base_{table}" ON COMMIT DROP AS SELECT * FROM "{table}"')
            base_rows = max(base_rows, conn.execute(f'SELECT count(*) FROM "base_{table}"').fetchone()[0])
        conn.execute("CREATE INDEX ON base_fused_reports(cluster_id)")
        conn.execute("ANALYZE base_fused_reports")
        for first, last in _batches(times, base_rows):
            for table, computed in TABLES:
                conn.execute(_select(columns(table), computed, table, "generate_series(%s::integer, %s::integer) AS k(k)"),
                             (first, last))
            _say(f"copies {first}-{last} of {times - 1}", t0)
        conn.execute("COMMIT")
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        cpu = backend_cpu(conn)
    print(f"grew {url.rsplit('/', 1)[-1]} to {events} events in {time.perf_counter() - t0:.1f} s"
          f" (server CPU {cpu:.1f} s)", flush=True)
