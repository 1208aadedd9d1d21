"""Loopback load test of the HTTP API: event list queries with filters on a store of
100,000 synthetic events, 50 concurrent clients (httpx, async), bounded in count and time.

    .venv/bin/python bench/bench_api.py [--events 100000] [--clients 50] [--requests 3000] [--seconds 30]

Two kinds of run: "interactive" clients pause about half a second between queries (an
analyst reading the answer); "saturation" clients send the next query at once, which
measures throughput (the load client shares the machine's two cores with the server).

Only 127.0.0.1 is ever contacted (a `rasd serve` this script starts and stops). Prints
p50/p95/p99 latency, throughput and errors; the target is p95 < 100 ms with no errors.
The store is cached in .bench/ (delete it to rebuild).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
TOKEN = "bench-token"

# the filters an analyst's page sends: type, sub-type, dates, place, actor, box, status, text
QUERIES = [
    {"type": "Battles"},
    {"type": "Explosions/Remote violence", "date_from": "2018-01-01", "date_to": "2018-03-31"},
    {"sub_type": "Air/drone strike"},
    {"place": "Douma"},
    {"actor": "Islamic State"},
    {"bbox": "36.0,33.0,37.0,34.0"},
    {"bbox": "36.0,33.0,37.0,34.0", "type": "Protests"},
    {"status": "confirmed", "type": "Violence against civilians"},
    {"date_from": "2017-06-01", "date_to": "2017-06-30"},
    {"text": "recaptured"},
    {},
    {"type": "Battles", "offset": 500},
    {"place": "Aleppo", "date_from": "2018-06-01"},
    {"sub_type": "Armed clash", "actor": "Tahrir", "date_to": "2017-12-31"},
]


def build_store(path: Path, n: int) -> None:
    from rasd.serve.synthetic import fill_store
    from rasd.store import open_store

    if path.exists():
        with open_store(str(path)) as st:
            if st.stats()["events"] == n:
                return
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()
    tmp = Path(str(path) + ".part")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    times = 4 if n >= 400_000 and n % 16 == 0 else 1  # a large store: a quarter made, then copied (grow.py)
    with open_store(str(tmp)) as st:
        fill_store(st, n // times)
        st.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if times > 1:
        import grow

        grow.grow(tmp, times)
    tmp.rename(path)
    print(f"built a store of {n} synthetic events in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def start_server(db: Path, workers: int = 1, *, gazetteer: bool = False, token: str = TOKEN,
                 stderr=None, wait: float = 60) -> tuple[subprocess.Popen, str]:
    """A `rasd serve` on 127.0.0.1 (any free port): its process and URL. ``gazetteer``: with the
    default gazetteer (ingested events get places), else --no-gazetteer."""
    env = dict(os.environ, RASD_TOKEN=token)
    proc = subprocess.Popen([sys.executable, "-m", "rasd", "--db", str(db), "serve", "--host", "127.0.0.1",
                             "--port", "0", *([] if gazetteer else ["--no-gazetteer"]), "--workers", str(workers)],
                            stdout=subprocess.PIPE, stderr=stderr, text=True, env=env)
    deadline = time.time() + wait
    while time.time() < deadline:
        line = proc.stdout.readline()
        m = re.search(r"open (http://127\.0\.0\.1:\d+)/", line or "")
        if m:
            return proc, m.group(1)
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise SystemExit("bench_api: rasd serve did not start")


async def load(url: str, clients: int, requests: int, seconds: float, extra: dict, think: float = 0.0) -> tuple[list[float], int, float]:
    import httpx

    assert url.startswith("http://127.0.0.1:"), "loopback only"
    lat: list[float] = []
    errors = 0
    sent = 0
    stop_at = time.perf_counter() + seconds
    rng = random.Random(3)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        async def one_client() -> None:
            nonlocal errors, sent
            while sent < requests and time.perf_counter() < stop_at:
                sent += 1
                params = dict(dict(rng.choice(QUERIES), limit=50), **extra)
                t0 = time.perf_counter()
                try:
                    r = await client.get("/api/events", params=params)
                    ok = r.status_code == 200 and r.content.startswith(b'{"items":[')
                except httpx.HTTPError:
                    ok = False
                lat.append(time.perf_counter() - t0)
                errors += 0 if ok else 1
                if think:  # an analyst reads the answer before the next query
                    await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))

        t0, c0 = time.perf_counter(), time.process_time()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        wall = time.perf_counter() - t0
        print(f"  (load client used {time.process_time() - c0:.1f} s of CPU in {wall:.1f} s)", flush=True)
    return lat, errors, wall


def report(label: str, lat: list[float], errors: int, wall: float) -> None:
    ms = sorted(x * 1000 for x in lat)
    q = statistics.quantiles(ms, n=100)
    print(f"{label}: {len(ms)} requests in {wall:.1f} s ({len(ms) / wall:.0f} req/s), "
          f"p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms, max {ms[-1]:.1f} ms, errors {errors}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2, help="server processes (rasd serve --workers)")
    ap.add_argument("--requests", type=int, default=3000, help="at most this many requests per run")
    ap.add_argument("--seconds", type=float, default=30, help="at most this long per run")
    args = ap.parse_args()
    bench_dir = ROOT / ".bench"
    bench_dir.mkdir(exist_ok=True)
    db = bench_dir / f"api-{args.events}.db"
    build_store(db, args.events)
    proc, url = start_server(db, args.workers)
    try:
        import httpx

        for params in QUERIES:  # warm the page cache, and show each query's latency alone
            t0 = time.perf_counter()
            r = httpx.get(url + "/api/events", params=dict(params, limit=50), timeout=30)
            r.raise_for_status()
        print(f"api bench: store of {args.events} events, {args.clients} concurrent clients, "
              f"{args.workers} server workers, loopback",
              flush=True)
        summary = {"view": "summary"}
        runs = [
            # clients that read each answer for ~0.5 s (about 100 requests/s offered in all)
            ("interactive: 50 summaries per page (the page's list)", summary, 1.0, 0.5),
            ("interactive: 50 full records per page (evidence, actors, place)", {}, 0.5, 0.5),
            ("interactive: total count of matching events", dict(summary, limit=1, count="true"), 0.5, 0.5),
            # clients that send the next query the moment an answer arrives: throughput
            ("saturation: 50 summaries per page, no pause", summary, 0.5, 0.0),
        ]
        for label, extra, share, think in runs:
            lat, errors, wall = asyncio.run(load(url, args.clients, int(args.requests * share),
                                                 args.seconds * share, extra, think))
            report(label, lat, errors, wall)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
