"""Growing a synthetic SQLite store to a million events in minutes: the store's own rows copied
``times`` times inside SQLite (INSERT ... SELECT), each copy under new ids (doc, event and
cluster ids with the suffix ``r1``, ``r2`` ...; the ids inside the JSON records too), with the
same dates, places and texts. A copy is as dense as a store ``times`` as large made from the
same generator: the same filters match ``times`` as many events, a new event meets ``times`` as
many fusion candidates. Used by bench_postgres.py (and bench_api.py) for their large stores.
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _copy(conn: sqlite3.Connection, table: str, computed: dict[str, str], where: str, suffix: str,
          source: str = "") -> None:
    """INSERT INTO table SELECT ... with ``computed`` columns (SQL over the source row ``t``, ``?`` the
    suffix) and the others as they are."""
    cols = _columns(conn, table)
    exprs = [computed.get(c, f't."{c}"') for c in cols]
    n = sum(e.count("?") for e in exprs)
    conn.execute(f'INSERT INTO "{table}"({", ".join(chr(34) + c + chr(34) for c in cols)})'
                 f' SELECT {", ".join(exprs)} FROM "{table}" t {source} WHERE {where}', [suffix] * n)


def grow(path: Path, keep_docs: int, times: int, doc_format: str) -> None:
    """Keep the first ``keep_docs`` documents of the store at ``path`` (ids ``doc_format % i``)
    with their events and fused events, then add ``times - 1`` copies of them."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    last = doc_format % (keep_docs - 1)
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("DELETE FROM fused_events WHERE cluster_id IN"
                 " (SELECT cluster_id FROM fused_reports WHERE doc_id > ?)", (last,))
    conn.execute("DELETE FROM fused_reports WHERE doc_id > ?", (last,))
    conn.execute("DELETE FROM events WHERE doc_id > ?", (last,))
    conn.execute("DELETE FROM documents WHERE doc_id > ?", (last,))
    base = "t.doc_id <= '%s' AND t.doc_id NOT LIKE '%%r%%'" % last
    new_id = "t.doc_id || ? || substr(t.event_id, length(t.doc_id) + 1)"
    for k in range(1, times):
        suffix = f"r{k}"
        _copy(conn, "documents", {"doc_id": "t.doc_id || ?", "content_hash": "t.content_hash || ?"}, base, suffix)
        _copy(conn, "events", {
            "event_id": new_id, "doc_id": "t.doc_id || ?",
            "cluster_id": "t.cluster_id || ?",
            "data": "CASE WHEN t.cluster_id IS NULL THEN replace(t.data, t.doc_id, t.doc_id || ?)"
                    " ELSE replace(replace(t.data, t.doc_id, t.doc_id || ?), t.cluster_id, t.cluster_id || ?) END",
        }, base, suffix)
        _copy(conn, "fused_events", {
            "cluster_id": "t.cluster_id || ?",
            "data": "replace(replace(t.data, t.cluster_id, t.cluster_id || ?), r.doc_id, r.doc_id || ?)",
        }, "r.doc_id <= '%s' AND r.doc_id NOT LIKE '%%r%%' AND r.position = 0"
           " AND NOT EXISTS (SELECT 1 FROM fused_reports x WHERE x.cluster_id = t.cluster_id AND x.position > 0)"
           % last, suffix, "JOIN fused_reports r ON r.cluster_id = t.cluster_id")
        _copy(conn, "fused_reports", {"event_id": new_id, "cluster_id": "t.cluster_id || ?",
                                      "doc_id": "t.doc_id || ?"}, base, suffix)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    conn.close()
    print(f"grew {path.name} to {events} events in {time.perf_counter() - t0:.1f} s", flush=True)


def grow_pg(url: str, times: int) -> None:
    """The same as ``grow`` inside a PostgreSQL store (the server copies its own rows: on a busy
    machine a Python COPY of a million rows takes hours): every document, event, fused event and
    report copied ``times - 1`` times under ids with the suffix ``r1``, ``r2`` ... Single-report
    fused events only (as bench_fusion.fill_fused_bulk writes them)."""
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        def columns(table: str) -> list[str]:
            return [r[0] for r in conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0"
                " AND NOT attisdropped AND attgenerated = '' AND attidentity = '' ORDER BY attnum", (table,))]

        def copy(table: str, computed: dict[str, str], where: str, suffix: str, source: str = "") -> None:
            cols = columns(table)
            exprs = [computed.get(c, f't."{c}"').replace("?", f"'{suffix}'") for c in cols]
            conn.execute(f'INSERT INTO "{table}"({", ".join(chr(34) + c + chr(34) for c in cols)})'
                         f' SELECT {", ".join(exprs)} FROM "{table}" t {source} WHERE {where}')

        base = "t.doc_id NOT LIKE '%%r%%'"
        new_id = "t.doc_id || ? || substr(t.event_id, length(t.doc_id) + 1)"
        conn.execute("BEGIN")
        for k in range(1, times):
            suffix = f"r{k}"
            copy("documents", {"doc_id": "t.doc_id || ?", "content_hash": "t.content_hash || ?"}, base, suffix)
            copy("events", {
                "event_id": new_id, "doc_id": "t.doc_id || ?", "cluster_id": "t.cluster_id || ?",
                "data": "CASE WHEN t.cluster_id IS NULL THEN replace(t.data, t.doc_id, t.doc_id || ?)"
                        " ELSE replace(replace(t.data, t.doc_id, t.doc_id || ?), t.cluster_id, t.cluster_id || ?) END",
            }, base, suffix)
            copy("fused_events", {
                "cluster_id": "t.cluster_id || ?",
                "data": "replace(replace(t.data, t.cluster_id, t.cluster_id || ?), r.doc_id, r.doc_id || ?)",
            }, "r.doc_id NOT LIKE '%%r%%' AND r.position = 0", suffix, "JOIN fused_reports r ON r.cluster_id = t.cluster_id")
            copy("fused_reports", {"event_id": new_id, "cluster_id": "t.cluster_id || ?", "doc_id": "t.doc_id || ?"},
                 base, suffix)
        conn.execute("COMMIT")
        conn.execute("VACUUM ANALYZE")
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    print(f"grew {url.rsplit('/', 1)[-1]} to {events} events in {time.perf_counter() - t0:.1f} s", flush=True)
