"""PostgreSQL against SQLite, as ratios measured in one run:

1. ingest of the 249 Guardian articles (../shared) with `rasd ingest`, both stores at once (so
   that both meet the same load on a shared machine): PostgreSQL's rate as a share of SQLite's
   (target >= 0.8);
2. the event list (/api/events, 50 concurrent clients, the filters of bench_api.py: type,
   place, date range, text, box ...) on a PostgreSQL store of N synthetic events: p95
   (target < 100 ms);
3. incremental fusion of one new document (8 events) into a store of M fused events, on both
   backends (target < 200 ms).

    .venv/bin/python bench/bench_postgres.py
    RASD_BENCH_EVENTS=1000000 RASD_BENCH_FUSION_EVENTS=1000000 .venv/bin/python bench/bench_postgres.py

N is RASD_BENCH_EVENTS (default 100,000), M RASD_BENCH_FUSION_EVENTS (default 20,000). The
server is RASD_BENCH_PG (default postgresql:///rasd_bench, created when missing; the ingest runs
into a schema of it made anew each run). The large stores are built once and kept: SQLite files
in RASD_BENCH_DATA (default .bench/; e.g. /work/bench-data outside the repository), copied with
COPY into the databases rasd_bench_api_N and rasd_bench_fusion_M of the same server; fusion is
timed on copies (a file copy, and CREATE DATABASE ... TEMPLATE), so the kept stores never change.
Only 127.0.0.1 and the local socket are contacted. Without a reachable server the script says so
and exits 0 (nothing to measure).
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import quote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_api  # noqa: E402  (the load client and the server start of the API bench)
import bench_fusion  # noqa: E402  (its synthetic documents)

SHARED = Path(os.environ.get("RASD_SHARED", ROOT.parent / "shared"))
GUARDIAN = SHARED / "data" / "dev" / "corpus" / "guardian_syria_sdf" / "Guardian_SDF_sample.csv"
PG = os.environ.get("RASD_BENCH_PG", "postgresql:///rasd_bench")
N_EVENTS = int(os.environ.get("RASD_BENCH_EVENTS", "100000"))
N_FUSION = int(os.environ.get("RASD_BENCH_FUSION_EVENTS", "20000"))
DATA = Path(os.environ.get("RASD_BENCH_DATA", ROOT / ".bench"))  # cached stores


def pg_schema(name: str) -> str:
    """A new, empty schema ``name`` of the bench database (created when missing): its URL."""
    import psycopg
    import psycopg.conninfo

    info = psycopg.conninfo.conninfo_to_dict(PG)
    dbname = info.get("dbname") or "rasd_bench"
    try:
        conn = psycopg.connect(PG, autocommit=True)
    except psycopg.OperationalError:
        admin = psycopg.conninfo.make_conninfo(PG, dbname="postgres")
        with psycopg.connect(admin, autocommit=True) as a:
            a.execute(f'CREATE DATABASE "{dbname}"')
        conn = psycopg.connect(PG, autocommit=True)
    with conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        conn.execute(f"CREATE SCHEMA {name}")
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    sep = "&" if "?" in PG else "?"
    return PG + sep + "options=" + quote(f"-csearch_path={name},public", safe="")


def ingest_start(db: str) -> tuple[subprocess.Popen, float]:
    proc = subprocess.Popen([sys.executable, "-m", "rasd", "--db", db, "ingest", "--no-progress", str(GUARDIAN)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    return proc, time.perf_counter()


def ingest_rate(proc: subprocess.Popen, t0: float, db: str) -> tuple[float, int]:
    out, err = proc.communicate()
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"bench_postgres: ingest into {db} failed: {err[-2000:]}")
    last = out.strip().splitlines()[-1]
    n = int(last.split()[1])
    return n / secs, n


def bench_ingest(tmp: str) -> dict:
    """Both ingests at once, so that they share whatever else the machine is doing (one after the
    other on a shared machine, the second meets another load and the ratio says more about the
    neighbours than about the stores). Each has its writer and its workers (every core)."""
    if not GUARDIAN.exists():
        return {"skipped": f"{GUARDIAN} is not present"}
    at = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lite_db, pg_db = str(Path(tmp) / "ingest.db"), pg_schema("bench_ingest")
    lite, pg = ingest_start(lite_db), ingest_start(pg_db)
    pg_rate, n_pg = ingest_rate(*pg, pg_db)
    lite_rate, n = ingest_rate(*lite, lite_db)
    return {"documents": n, "sqlite_docs_per_s": round(lite_rate, 2), "postgres_docs_per_s": round(pg_rate, 2),
            "ratio": round(pg_rate / lite_rate, 2), "target_ratio": 0.8, "ok": n == n_pg and pg_rate >= 0.8 * lite_rate,
            "run": "both at once", "load_before": at}


def pg_url(dbname: str) -> str:
    """The bench server's URL with another database name."""
    parts = urlsplit(PG)  # (urlunsplit would drop the empty host of postgresql:///db)
    return f"{parts.scheme}://{parts.netloc}/{dbname}" + (f"?{parts.query}" if parts.query else "")


def pg_admin():
    import psycopg

    return psycopg.connect(pg_url("postgres"), autocommit=True)


def pg_cached(dbname: str, source: Path, events: int, base: Optional[Callable[[Path], None]] = None,
              times: int = 1) -> str:
    """A PostgreSQL database ``dbname`` holding a copy of the SQLite store ``source`` (made with
    COPY once, then kept: a later run finds it by its event count); its URL. With ``base`` and
    ``times``: ``base(path)`` writes a SQLite store of events/times events, which is copied and
    then grown ``times``-fold by the server itself (grow.grow_pg: a Python COPY of a million rows
    takes hours on a busy machine)."""
    from rasd.store import open_store
    from rasd.store.transfer import copy_store

    url = pg_url(dbname)
    with pg_admin() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
    if exists:
        try:
            with open_store(url) as st:
                if st.stats()["events"] == events:
                    return url
        except Exception:  # noqa: BLE001 - half made: made again
            pass
    with pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        admin.execute(f'CREATE DATABASE "{dbname}"')
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    t0 = time.perf_counter()
    if base is not None and times > 1:
        import grow

        with tempfile.TemporaryDirectory(dir=DATA) as tmp:
            small = Path(tmp) / "base.db"
            base(small)
            with open_store(str(small)) as src, open_store(url) as dst:
                copy_store(src, dst)
        grow.grow_pg(url, times)
    else:
        with open_store(str(source)) as src, open_store(url) as dst:
            copy_store(src, dst)
            dst.conn.execute("VACUUM ANALYZE")
    print(f"copied {source.name} to PostgreSQL database {dbname} in {time.perf_counter() - t0:.1f} s",
          file=sys.stderr, flush=True)
    return url


def bench_event_list() -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    lite = DATA / f"api-{N_EVENTS}.db"
    t0 = time.perf_counter()
    times = 100 if N_EVENTS >= 500_000 and N_EVENTS % 400 == 0 else 1
    if times == 1:  # a cached SQLite store, copied to PostgreSQL with COPY (a large one grows there)
        bench_api.build_store(lite, N_EVENTS)

    def base(path: Path) -> None:
        from rasd.serve.synthetic import fill_store
        from rasd.store import open_store

        with open_store(str(path)) as st:
            fill_store(st, N_EVENTS // times)

    url = pg_cached(f"rasd_bench_api_{N_EVENTS}", lite, N_EVENTS, base, times)
    copy_s = time.perf_counter() - t0
    proc, address = bench_api.start_server(url, workers=2)  # type: ignore[arg-type]
    try:
        import httpx

        for params in bench_api.QUERIES:  # warm the caches
            httpx.get(address + "/api/events", params=dict(params, limit=50), timeout=60).raise_for_status()
        at = " ".join(f"{x:.2f}" for x in os.getloadavg())
        lat, errors, wall = asyncio.run(bench_api.load(address, 50, 1500, 30, {"view": "summary"}, 0.5))
        bench_api.report(f"postgres, interactive, 50 summaries per page (load before: {at})", lat, errors, wall)
        ms = sorted(x * 1000 for x in lat)
        p95 = statistics.quantiles(ms, n=100)[94]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {"events": N_EVENTS, "prepare_seconds": round(copy_s, 1), "clients": 50, "requests": len(lat),
            "errors": errors, "p95_ms": round(p95, 1), "target_ms": 100, "ok": p95 < 100 and errors == 0,
            "load_before": at}


def fusion_source(n: int) -> Path:
    """A cached SQLite store of ``n`` synthetic events and their fused events: fused one by one up
    to 50,000 events, written in bulk beyond (bench_fusion.fill_fused_bulk; from 500,000 a tenth
    of them, copied ten times by grow.py)."""
    from rasd.store import open_store

    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"fusion-{n}.db"
    if path.exists():
        return path
    tmp = Path(str(path) + ".part")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()
    times = 10 if n >= 500_000 and n % 50 == 0 else 1  # a tenth written, then copied (grow.py)
    with open_store(str(tmp)) as st:
        if n <= 50_000:
            bench_fusion.fill_fused(st, random.Random(7), n)
        else:
            bench_fusion.fill_fused_bulk(st, random.Random(7), n // times)
        st.conn.execute("ANALYZE")
        st.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if times > 1:
        import grow

        grow.grow(tmp, n // times // 5, times, "d%06d")  # 5 events a document
        with open_store(str(tmp)):
            pass  # migrated (span classes of the copies)
    tmp.rename(path)
    print(f"built a fused store of {n} synthetic events in {time.perf_counter() - t0:.1f} s", file=sys.stderr,
          flush=True)
    return path


def bench_fusion_both(tmp: str) -> dict:
    from rasd.store import open_store

    source = fusion_source(N_FUSION)
    template = f"rasd_bench_fusion_{N_FUSION}"
    times = 200 if N_FUSION >= 500_000 and N_FUSION % 1000 == 0 else 1

    def base(path: Path) -> None:
        with open_store(str(path)) as st:
            bench_fusion.fill_fused_bulk(st, random.Random(7), N_FUSION // times)

    pg_cached(template, source, N_FUSION, base, times)
    # each run fuses into copies of the cached stores, which stay as they were built
    lite_path = Path(tmp) / "fusion.db"
    shutil.copyfile(source, lite_path)
    run_db = "rasd_bench_fusion_run"
    with pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{run_db}"')
        admin.execute(f'CREATE DATABASE "{run_db}" TEMPLATE "{template}"')
    out: dict = {"load_before": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    try:
        for name, url in (("sqlite", str(lite_path)), ("postgres", pg_url(run_db))):
            with open_store(url) as st:
                out.setdefault("store_events", st.health()["events"])
                times = bench_fusion.time_new_documents(st, random.Random(11), 20)
            out[f"{name}_median_ms"] = round(statistics.median(times), 1)
            out[f"{name}_max_ms"] = round(max(times), 1)
    finally:
        with pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{run_db}"')
    out["target_ms"] = 200
    out["ok"] = out["sqlite_median_ms"] < 200 and out["postgres_median_ms"] < 200
    return out


def main() -> int:
    try:
        pg_schema("bench_probe")
    except Exception as exc:  # noqa: BLE001 - no server: nothing to compare
        print(json.dumps({"bench": "postgres", "skipped": f"PostgreSQL at {PG} is not reachable ({exc})"}))
        return 0
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["ingest"] = bench_ingest(tmp)
        print(json.dumps({"bench": "postgres_ingest", **results["ingest"]}), flush=True)
        results["event_list"] = bench_event_list()
        print(json.dumps({"bench": "postgres_event_list", **results["event_list"]}), flush=True)
        results["fusion"] = bench_fusion_both(tmp)
        print(json.dumps({"bench": "postgres_fusion_incremental", **results["fusion"]}), flush=True)
    return 0 if all(r.get("ok", True) for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
