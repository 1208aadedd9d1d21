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


# a built store's mark (COMMENT ON DATABASE): a later run finds it whole (a build stopped half way
# has none and is made again); the number changes when the way stores are built changes
BUILD = 2


def pg_cached(dbname: str, events: int, fill: Callable[[str], None]) -> str:
    """A PostgreSQL database ``dbname`` of ``events`` synthetic events, built once by
    ``fill(url)`` (with its indexes dropped: see grow.pg_bulk) and then kept; its URL."""
    from rasd.store import open_store

    url = pg_url(dbname)
    mark = f"rasd bench store {BUILD}: {events} events"
    with pg_admin() as admin:
        row = admin.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                            (dbname,)).fetchone()
        found = bool(row and row[0] == mark)
    if found:
        with open_store(url):
            pass  # migrated to this version (a kept store takes the migrations added since it was built)
        return url
    with pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        admin.execute(f'CREATE DATABASE "{dbname}"')
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with open_store(url):
        pass  # the tables, made by the migrations
    t0, c0 = time.perf_counter(), time.process_time()
    fill(url)
    with psycopg.connect(url, autocommit=True) as conn:
        got = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    if got != events:
        raise SystemExit(f"bench_postgres: {dbname} has {got} events, not {events}")
    with pg_admin() as admin:
        admin.execute(f"COMMENT ON DATABASE \"{dbname}\" IS '{mark}'")
    print(f"built PostgreSQL database {dbname} ({events} events) in {time.perf_counter() - t0:.1f} s"
          f" (CPU of this process {time.process_time() - c0:.1f} s; load average"
          f" {' '.join(f'{x:.1f}' for x in os.getloadavg())})", file=sys.stderr, flush=True)
    return url


def copy_into(url: str, source: Path, times: int = 1) -> None:
    """The SQLite store ``source`` copied into the (empty) PostgreSQL store ``url`` with COPY,
    then grown ``times``-fold by the server (grow.grow_pg), its indexes built after the load."""
    import grow
    from rasd.store import open_store
    from rasd.store.transfer import copy_store

    with grow.pg_bulk(url, grow.GROWN):
        with open_store(str(source)) as src, open_store(url) as dst:
            copy_store(src, dst)
        grow.grow_pg(url, times)


def api_times(n: int) -> int:
    """How many copies make the event list's store of ``n`` events (a large one grows from a
    base of n / times events)."""
    return 100 if n >= 500_000 and n % 400 == 0 else 1


def bench_event_list_store() -> str:
    """The PostgreSQL store of the event list (N_EVENTS), built once; its URL."""
    DATA.mkdir(parents=True, exist_ok=True)
    times = api_times(N_EVENTS)

    def fill(url: str) -> None:
        if times == 1:  # a cached SQLite store, copied to PostgreSQL with COPY
            lite = DATA / f"api-{N_EVENTS}.db"
            bench_api.build_store(lite, N_EVENTS)
            copy_into(url, lite)
            return
        from rasd.serve.synthetic import fill_store
        from rasd.store import open_store

        with tempfile.TemporaryDirectory(dir=DATA) as tmp:  # a base of N / times events, grown by the server
            small = Path(tmp) / "base.db"
            with open_store(str(small)) as st:
                fill_store(st, N_EVENTS // times)
            copy_into(url, small, times)

    return pg_cached(f"rasd_bench_api_{N_EVENTS}", N_EVENTS, fill)


def bench_event_list() -> dict:
    t0 = time.perf_counter()
    url = bench_event_list_store()
    copy_s = time.perf_counter() - t0
    plans = explain_filters(url)
    proc, address = bench_api.start_server(url, workers=2)  # type: ignore[arg-type]
    try:
        import httpx

        for params in bench_api.QUERIES:  # warm the caches
            httpx.get(address + "/api/events", params=dict(params, limit=50), timeout=60).raise_for_status()
        at = " ".join(f"{x:.2f}" for x in os.getloadavg())
        before, c0 = serving_cpu(proc.pid, url), time.process_time()
        lat, errors, wall = asyncio.run(bench_api.load(address, 50, 1500, 30, {"view": "summary"}, 0.5))
        client_s, after = time.process_time() - c0, serving_cpu(proc.pid, url)
        bench_api.report(f"postgres, interactive, 50 summaries per page (load before: {at})", lat, errors, wall)
        ms = sorted(x * 1000 for x in lat)
        p95 = statistics.quantiles(ms, n=100)[94]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # CPU a request costs (what decides the latency on a quiet machine, whatever the neighbours do)
    serve_ms = sum(after[k] - before.get(k, 0.0) for k in after if k[0] == "serve") * 1000 / len(lat)
    pg_ms = sum(after[k] - before.get(k, 0.0) for k in after if k[0] == "postgres") * 1000 / len(lat)
    print(f"CPU a request: rasd serve {serve_ms:.1f} ms, PostgreSQL {pg_ms:.1f} ms, load client"
          f" {client_s * 1000 / len(lat):.1f} ms", flush=True)
    return {"events": N_EVENTS, "prepare_seconds": round(copy_s, 1), "clients": 50, "requests": len(lat),
            "errors": errors, "p95_ms": round(p95, 1), "target_ms": 100, "ok": p95 < 100 and errors == 0,
            "cpu_ms_per_request": {"serve": round(serve_ms, 2), "postgres": round(pg_ms, 2),
                                   "client": round(client_s * 1000 / len(lat), 2)},
            "plans": plans, "load_before": at}


def serving_cpu(server_pid: int, url: str) -> dict[tuple[str, int], float]:
    """CPU seconds used so far by the `rasd serve` process ``server_pid`` and its descendants
    (its workers), and by the PostgreSQL backends connected to the database of ``url``, by pid."""
    import grow
    import psycopg

    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    out: dict[tuple[str, int], float] = {}
    todo = [server_pid]
    while todo:
        pid = todo.pop()
        out[("serve", pid)] = grow.pid_cpu(pid)
        todo += children.get(pid, [])
    with psycopg.connect(url, autocommit=True) as conn:
        for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                                   " AND pid <> pg_backend_pid()").fetchall():
            out[("postgres", pid)] = grow.pid_cpu(pid)
    return out


# the event list's filters whose plans are checked (the API's parameters, as the store takes them)
PLAN_FILTERS = {
    "type": {"event_type": "Battles"},
    "place": {"place": "Douma"},
    "date range": {"date_from": "2017-06-01", "date_to": "2017-06-30"},
    "text": {"text": "recaptured"},
}


def explain_filters(url: str) -> dict:
    """The plan of each filter's page of summaries (what /api/events?view=summary runs), taken by
    auto_explain with ANALYZE from the store's own statements: the indexes of ``events`` each
    reads, and whether it reads the table whole (a Seq Scan). Skipped (one line) where the
    server refuses auto_explain (it needs a superuser)."""
    import re

    from rasd.store import open_store

    out: dict = {}
    with open_store(url) as st:
        notes: list[str] = []
        try:
            st.raw.execute("LOAD 'auto_explain'")
            st.raw.execute("SET auto_explain.log_min_duration = 0")
            st.raw.execute("SET auto_explain.log_analyze = on")
            st.raw.execute("SET client_min_messages = log")
        except Exception as exc:  # noqa: BLE001 - not allowed here: said, not fatal
            print(f"query plans not checked: auto_explain is not available ({exc})", flush=True)
            return {"skipped": str(exc).splitlines()[0]}
        st.raw.add_notice_handler(lambda d: notes.append(d.message_primary or ""))
        for name, f in PLAN_FILTERS.items():
            st.query_events_summary(limit=50, **f)  # warm
            notes.clear()
            t = time.perf_counter()
            st.query_events_summary(limit=50, **f)
            ms = (time.perf_counter() - t) * 1000
            # the page of events no analyst corrected (the corrected ones are few, read by their ids)
            plan = "\n".join(n for n in notes if "NOT IN (SELECT event_id FROM event_overrides)" in n)
            used = sorted(set(re.findall(r"(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on)"
                                         r" (events_\w+)", plan)))
            seq = bool(re.search(r"Seq Scan on events\b", plan))
            server_ms = [float(x) for x in re.findall(r"duration: ([\d.]+) ms", plan)]
            out[name] = {"indexes": used, "seq_scan": seq, "ms": round(ms, 1),
                         "server_ms": round(max(server_ms), 1) if server_ms else None, "ok": bool(used) and not seq}
            print(f"plan {name:10s} {'index ' + ', '.join(used) if used else 'NO INDEX'}"
                  f"{' + SEQ SCAN' if seq else ''}: {ms:.1f} ms"
                  f" (server {out[name]['server_ms']} ms)", flush=True)
            if os.environ.get("RASD_BENCH_PLANS"):
                print(plan, flush=True)
    out["ok"] = all(v["ok"] for v in out.values())
    return out


def fusion_times(n: int) -> int:
    """How many copies make the fusion store of ``n`` events (from 500,000: a tenth written,
    then copied by grow.py)."""
    return 10 if n >= 500_000 and n % 50 == 0 else 1


def fusion_base(n: int) -> Path:
    """A cached SQLite store of n / fusion_times(n) synthetic events and their fused events (the
    base both backends' stores of ``n`` grow from): fused one by one up to 50,000 events,
    written in bulk beyond (bench_fusion.fill_fused_bulk)."""
    from rasd.store import open_store

    times = fusion_times(n)
    path = DATA / (f"fusion-{n}.db" if times == 1 else f"fusion-{n}-base.db")
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    tmp = Path(str(path) + ".part")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()
    with open_store(str(tmp)) as st:
        if times == 1 and n <= 50_000:
            bench_fusion.fill_fused(st, random.Random(7), n)
        else:
            bench_fusion.fill_fused_bulk(st, random.Random(7), n // times)
        st.conn.execute("ANALYZE")
        st.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    tmp.rename(path)
    print(f"built a fused store of {n // times} synthetic events in {time.perf_counter() - t0:.1f} s",
          file=sys.stderr, flush=True)
    return path


def fusion_source(n: int) -> Path:
    """The cached SQLite store of ``n`` fused synthetic events: the base, grown."""
    base = fusion_base(n)
    times = fusion_times(n)
    if times == 1:
        return base
    path = DATA / f"fusion-{n}.db"
    if path.exists():
        return path
    import grow

    tmp = Path(str(path) + ".part")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    shutil.copyfile(base, tmp)
    grow.grow(tmp, times)
    tmp.rename(path)
    return path


def bench_fusion_both(tmp: str) -> dict:
    import grow
    from rasd.store import open_store

    source = fusion_source(N_FUSION)
    template = f"rasd_bench_fusion_{N_FUSION}"
    # the same base grown the same way: both backends hold the same events
    pg_cached(template, N_FUSION, lambda url: copy_into(url, fusion_base(N_FUSION), fusion_times(N_FUSION)))
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
                out[f"{name}_store_events"] = st.health()["events"]
                server = (lambda: grow.backend_cpu(st.raw)) if name == "postgres" else (lambda: 0.0)
                cpu: list[float] = []
                times = bench_fusion.time_new_documents(st, random.Random(11), 20, cpu, server)
            out[f"{name}_median_ms"] = round(statistics.median(times), 1)
            out[f"{name}_max_ms"] = round(max(times), 1)
            # what a quiet machine would take: the CPU of this process and of the server's backend
            out[f"{name}_median_cpu_ms"] = round(statistics.median(cpu), 1)
    finally:
        with pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{run_db}"')
    out["target_ms"] = 200
    out["ok"] = out["sqlite_median_ms"] < 200 and out["postgres_median_ms"] < 200
    return out


def target(what: str, figure: str, ok: bool) -> None:
    """One line per target (bench/run.py gathers them at the end of `make bench`)."""
    print(f"TARGET {what}: {figure} {'OK' if ok else 'MISSED'}", flush=True)


def build() -> None:
    """Build (or find) the cached stores of this run's sizes, and measure nothing."""
    fusion_source(N_FUSION)
    pg_cached(f"rasd_bench_fusion_{N_FUSION}", N_FUSION,
              lambda url: copy_into(url, fusion_base(N_FUSION), fusion_times(N_FUSION)))
    bench_event_list_store()


def main() -> int:
    try:
        pg_schema("bench_probe")
    except Exception as exc:  # noqa: BLE001 - no server: nothing to compare
        print(json.dumps({"bench": "postgres", "skipped": f"PostgreSQL at {PG} is not reachable ({exc})"}))
        return 0
    if "--build" in sys.argv[1:]:
        build()
        return 0
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        r = results["ingest"] = bench_ingest(tmp)
        print(json.dumps({"bench": "postgres_ingest", **r}), flush=True)
        if "ratio" in r:
            target("PostgreSQL ingest rate / SQLite's >= 0.8", f"{r['ratio']:.2f} ({r['postgres_docs_per_s']} /"
                   f" {r['sqlite_docs_per_s']} docs/s, {r['documents']} documents)", r["ok"])
        r = results["event_list"] = bench_event_list()
        print(json.dumps({"bench": "postgres_event_list", **r}), flush=True)
        cpu = r["cpu_ms_per_request"]
        target(f"PostgreSQL event list p95 < 100 ms, 50 clients, {N_EVENTS:,} events",
               f"{r['p95_ms']} ms ({r['requests']} requests, {r['errors']} errors; CPU a request: serve"
               f" {cpu['serve']} ms + PostgreSQL {cpu['postgres']} ms, client {cpu['client']} ms;"
               f" load before {r['load_before']})", r["ok"])
        plans = r["plans"]
        if "skipped" not in plans:
            target("every filter's page reads an index of events (type, place, date range, text)",
                   "; ".join(f"{k} {', '.join(v['indexes']) or 'none'}{' + seq scan' if v['seq_scan'] else ''}"
                             for k, v in plans.items() if k != "ok"), plans["ok"])
        r = results["fusion"] = bench_fusion_both(tmp)
        print(json.dumps({"bench": "postgres_fusion_incremental", **r}), flush=True)
        for name in ("sqlite", "postgres"):
            target(f"{name} fusion of one new document < 200 ms, {r[name + '_store_events']:,} events",
                   f"median {r[name + '_median_ms']} ms (max {r[name + '_max_ms']}; CPU median"
                   f" {r[name + '_median_cpu_ms']} ms; load before {r['load_before']})", r[name + "_median_ms"] < 200)
    return 0 if all(r.get("ok", True) for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
