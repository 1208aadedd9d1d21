"""Scale: `rasd ingest --engine dask` over a synthetic corpus made from the Guardian articles.

The corpus (BENCH_DOCS documents, default 5,000; written once to .bench/) is made from the 249
Guardian articles of ../shared/data/dev/corpus: each synthetic document takes one article, cuts
it into paragraphs of a few sentences and shuffles them, moves its publication date by up to
three years either way, and swaps the Syrian place names it mentions (those the geoparser
resolves in Syria in the real articles) for others of the same set, so that fusion sees many
places and dates rather than 20 copies of each event.

Runs, each into a new store, the whole `rasd ingest` command timed:
- single process: `rasd ingest corpus.jsonl` (the local engine, one process);
- Dask, 1 worker and 2 workers: a LocalCluster started here (worker processes, one thread
  each), `rasd ingest --engine dask --scheduler ADDRESS`; afterwards each worker reports its
  own memory (its monitor's highest resident size, and its getrusage peak);
- Dask with 2 workers killed (SIGKILL, with its local cluster) once half the documents are
  stored, then started again; the four stores must be identical.

Prints docs/s (as `rasd ingest` counts them: from the first document to the last, model
loading excluded; and for the whole command), peak memory per worker, the ratios (one Dask
worker / single process, 2 workers / 1 worker), the CPU time of the `rasd` client (reading,
storing, fusing: the one writer) per document, and the projection to 10 million documents a
day on N machines. Needs ../shared/data/dev (or RASD_SHARED); says so and exits 0 without it.
Run it niced on a shared machine: `nice -n 10 .venv/bin/python bench/bench_scale.py`.
"""
from __future__ import annotations

import csv
import json
import logging
import math
import os
import random
import re
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RASD_SHARED", ROOT.parent / "shared"))
CSV = SHARED / "data" / "dev" / "corpus" / "guardian_syria_sdf" / "Guardian_SDF_sample.csv"
DOCS = int(os.environ.get("BENCH_DOCS", "5000"))
WORK = ROOT / ".bench" / "scale"
PER_DAY = 10_000_000


# -- the synthetic corpus ------------------------------------------------------------------
def articles() -> list[dict]:
    csv.field_size_limit(1 << 30)
    with CSV.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if (r.get("text") or "").strip()]


def syrian_places(rows: list[dict], gazetteer: str) -> list[str]:
    """The names in the real articles that the geoparser resolves to places in Syria (not the country)."""
    from rasd.geo import Geoparser, open_gazetteer
    from rasd.records import Document

    gaz = open_gazetteer(path=gazetteer)
    try:
        parser = Geoparser(gazetteer=gaz, nlp=None)
        docs = [Document(doc_id=str(i), raw=r["text"]) for i, r in enumerate(rows)]
        names = {t.text for tops in parser.process(docs) for t in tops
                 if t.place is not None and t.place.country == "SY" and not (t.place.feature or "").startswith("A.PCL")
                 and len(t.text) > 3 and t.text[0].isupper()}  # towns, areas; not "Syria" itself
    finally:
        gaz.close()
    return sorted(names)


def synthetic(rows: list[dict], places: list[str], n: int, seed: int = 11):
    from rasd.nlp import split_sentences

    rng = random.Random(seed)
    pattern = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(places, key=len, reverse=True)) + r")\b")
    for i in range(n):
        row = rows[rng.randrange(len(rows))]
        text = " ".join(row["text"].split())
        sents = [text[a:b] for a, b in split_sentences(text)] or [text]
        size = rng.randint(2, 4)
        paras = [" ".join(sents[k:k + size]) for k in range(0, len(sents), size)]
        head, body = paras[0], paras[1:]
        rng.shuffle(body)  # the lead stays first: it is where the story's event is told
        swap = {p: rng.choice(places) for p in places} if places else {}
        text = pattern.sub(lambda m: swap.get(m.group(1), m.group(1)), "\n\n".join([head, *body])) if places else \
            "\n\n".join([head, *body])
        try:
            day = date.fromisoformat(row["date"][:10]) + timedelta(days=rng.randint(-1000, 1000))
        except ValueError:
            day = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2000))
        yield {"id": f"syn{i:06d}", "text": text, "published": day.isoformat(),
               "source": "Guardian (synthetic)", "title": None}


def corpus(gazetteer: str) -> Path:
    path = WORK / f"corpus-{DOCS}.jsonl"
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    rows = articles()
    places = syrian_places(rows, gazetteer)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for doc in synthetic(rows, places, DOCS):
            fh.write(json.dumps({k: v for k, v in doc.items() if v is not None}, ensure_ascii=False) + "\n")
    tmp.replace(path)
    print(f"corpus: {DOCS} synthetic documents from {len(rows)} articles, {len(places)} Syrian place names "
          f"swapped -> {path.relative_to(ROOT)}")
    return path


# -- runs ----------------------------------------------------------------------------------
SUMMARY = re.compile(r"stored (\d+) new.*?; (\d+) failed \((\d+) documents in ([\d.]+) s")


def ingest(args: list[str], db: Path, env: dict) -> dict:
    """`rasd ingest` into a new store ``db``: its own figures and the command's wall/CPU time."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return ingest_into(Path(args[0]), db, args[1:], env)


def ingest_into(path: Path, db: Path, args: list[str], env: dict) -> dict:
    args = [str(path), *args]
    rasd = str(Path(sys.executable).with_name("rasd"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([rasd, "--db", str(db), "ingest", *args, "--no-progress"], capture_output=True,
                          text=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = SUMMARY.search(proc.stdout)
    if proc.returncode not in (0, 1) or m is None:
        raise SystemExit(f"bench_scale: rasd ingest {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    new, failed, total, secs = int(m[1]), int(m[2]), int(m[3]), float(m[4])
    return {"new": new, "failed": failed, "docs": total, "secs": secs, "rate": total / secs, "wall": wall,
            "wall_rate": total / wall,
            "client_cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)}


def dask_run(path: Path, workers: int, env: dict) -> dict:
    from distributed import Client, LocalCluster

    from rasd.engine.cluster import memory_report

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster, set_as_default=False) as client:
        got = ingest([str(path), "--engine", "dask", "--scheduler", cluster.scheduler_address],
                     WORK / f"dask{workers}.db", env)
        mem = client.run(memory_report)
    got["memory"] = {addr: rep for addr, rep in sorted(mem.items())}
    return got


# the times a row was written: the only columns two runs of the same input may differ in
WRITE_TIMES = {"stored_at", "ingested_at", "updated_at"}


def fingerprint(db: Path) -> str:
    """A digest of what ingest decided in a store: documents, events, fused events and their
    reports, control periods, agreements; every column but the times rows were written."""
    import hashlib
    import sqlite3

    digest = hashlib.sha256()
    conn = sqlite3.connect(str(db))
    try:
        for table, order in (("documents", "doc_id"), ("events", "event_id"), ("fused_events", "cluster_id"),
                             ("fused_reports", "event_id"), ("control_periods", "id"), ("agreements", "agreement_id")):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in WRITE_TIMES]
            digest.update(repr(cols).encode())
            for row in conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}"):
                digest.update(repr(tuple(row)).encode())
    finally:
        conn.close()
    return digest.hexdigest()[:16]


def killed_run(path: Path, env: dict, db: Path = WORK / "killed.db", total: int = DOCS) -> tuple[int, dict]:
    """`rasd ingest --engine dask --workers 2` killed (SIGKILL) once half the ``total``
    documents are stored, then started again: (documents stored when killed, the second run's
    figures)."""
    import sqlite3
    import signal

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    rasd = str(Path(sys.executable).with_name("rasd"))
    proc = subprocess.Popen([rasd, "--db", str(db), "ingest", str(path), "--engine", "dask", "--workers", "2",
                             "--no-progress"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    stored = 0
    try:
        while proc.poll() is None and stored < total // 2:
            time.sleep(0.2)
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
                conn.close()
            except sqlite3.Error:
                pass
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the client and the local cluster it started
        proc.wait()
    return stored, ingest_into(path, db, ["--engine", "dask", "--workers", "2"], env)


def guardian_check(env: dict) -> str:
    """The real articles (../shared/data/dev/corpus) through a plain `rasd ingest`, through the
    Dask engine (a local cluster of 2 workers), and through the Dask engine killed half-way and
    started again: whether the three stores are the same."""
    corpus_dir = CSV.parent.parent
    plain = ingest([str(corpus_dir), "--workers", "1"], WORK / "guardian.db", env)
    dask = ingest([str(corpus_dir), "--engine", "dask", "--workers", "2"], WORK / "guardian-dask.db", env)
    killed_at, resumed = killed_run(corpus_dir, env, WORK / "guardian-killed.db", plain["docs"])
    prints = {fingerprint(WORK / f"guardian{name}.db") for name in ("", "-dask", "-killed")}
    return (f"{plain['docs']} articles, plain {plain['new']} stored, Dask {dask['new']}, Dask killed at {killed_at} "
            f"stored and started again {resumed['new']} new + {resumed['docs'] - resumed['new'] - resumed['failed']} "
            f"skipped: stores {'identical' if len(prints) == 1 else 'DIFFER'}")


def mb(b: float) -> str:
    return f"{b / 2**20:,.0f} MB"


def report(name: str, r: dict) -> dict:
    """Print one run's figures; the workers' CPU time summed into ``r["worker_cpu"]``."""
    print(f"{name:16}: {r['rate']:6.1f} docs/s ({r['docs']} in {r['secs']:.1f} s; whole command "
          f"{r['wall']:.1f} s, {r['wall_rate']:.1f} docs/s), {r['failed']} failed, "
          f"client CPU {1000 * r['client_cpu'] / max(1, r['docs']):.1f} ms/doc")
    for addr, rep in r.get("memory", {}).items():
        print(f"{'':18}worker {addr}: peak {mb(rep['peak'])} (monitor), {mb(rep['maxrss'])} (getrusage), "
              f"CPU {rep['cpu']:.0f} s")
    if r.get("memory"):
        r["worker_cpu"] = sum(rep["cpu"] for rep in r["memory"].values())
        print(f"{'':18}workers' CPU {1000 * r['worker_cpu'] / max(1, r['docs']):.1f} ms/doc (model load included)")
    sys.stdout.flush()
    return r


def main() -> int:
    if not CSV.exists():
        print(f"bench_scale: {CSV} not found; skipped")
        return 0
    gazetteer = os.environ.get("RASD_GAZETTEER", str(ROOT / ".bench-gazetteer.db"))
    env = dict(os.environ, RASD_GAZETTEER=gazetteer)
    os.environ["RASD_GAZETTEER"] = gazetteer
    path = corpus(gazetteer)
    load = os.getloadavg()
    print(f"documents: {DOCS}  (load average at start {load[0]:.2f}; {os.cpu_count()} cores)", flush=True)
    # each run's figures as soon as it is done (a 5,000-document run takes long on a busy machine)
    single = report("single process", ingest([str(path), "--workers", "1"], WORK / "single.db", env))
    one = report("dask, 1 worker", dask_run(path, 1, env))
    two = report("dask, 2 workers", dask_run(path, 2, env))
    same = len({fingerprint(WORK / name) for name in ("single.db", "dask1.db", "dask2.db")}) == 1
    killed_at, resumed = killed_run(path, env)
    resumed_same = fingerprint(WORK / "killed.db") == fingerprint(WORK / "single.db")
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    peak = max((rep["maxrss"] for r in (one, two) for rep in r["memory"].values()), default=0.0)
    r1 = one["rate"] / single["rate"]
    r2 = two["rate"] / one["rate"]
    print(f"ratios          : 1 Dask worker / single process {r1:.2f}; 2 workers / 1 worker {r2:.2f}")
    # the same ratios from CPU time, which the other processes of a loaded machine do not
    # change: what a quiet 2-core machine would give. One process: one core does everything.
    # Dask, 1 worker: the worker on one core, the client (read, store, fuse) on the other;
    # 2 workers: both cores shared by the workers and the client.
    cost = {k: 1000 * r["client_cpu"] / max(1, r["docs"]) for k, r in (("single", single), ("one", one), ("two", two))}
    work = {k: 1000 * r["worker_cpu"] / max(1, r["docs"]) for k, r in (("one", one), ("two", two))}
    q_single = 1000 / cost["single"]
    q_one = 1000 / max(work["one"], cost["one"])
    q_two = min(2000 / (work["two"] + cost["two"]), 1000 / cost["two"])
    print(f"CPU time        : single process {cost['single']:.1f} ms/doc; Dask 1 worker {work['one']:.1f} "
          f"+ client {cost['one']:.1f}; 2 workers {work['two']:.1f} + client {cost['two']:.1f} ms/doc -> on a quiet "
          f"2-core machine ~{q_single:.0f}, {q_one:.0f}, {q_two:.0f} docs/s: ratios {q_one / q_single:.2f} and "
          f"{q_two / q_one:.2f}")
    # the projection: machines like this one (2 cores, 2 workers each) and one writer
    need = PER_DAY / 86_400
    per_machine = two["rate"]
    writer = two["docs"] / max(1e-9, two["client_cpu"])
    machines = math.ceil(need / per_machine)
    print(f"projection      : 10M docs/day = {need:.0f} docs/s; one 2-core machine with 2 workers gives "
          f"{per_machine:.1f} docs/s -> {machines} machines ({PER_DAY / (per_machine * 86_400):.1f}); "
          f"for N machines {per_machine * 86_400 / 1e6:.2f} M docs/day x N, up to the writer")
    print(f"writer          : the rasd client spent {1000 / writer:.1f} CPU-ms per document (read, store, fuse; "
          "its start-up included, so an upper bound on a small corpus): "
          f"one writer caps at ~{writer:.0f} docs/s = {writer * 86_400 / 1e6:.1f} M docs/day")
    print(f"same store      : single process, Dask 1 and 2 workers {'identical' if same else 'DIFFER'}; "
          f"Dask killed at {killed_at} documents stored and started again: {resumed['new']} new, "
          f"{resumed['docs'] - resumed['new'] - resumed['failed']} skipped or unchanged, store "
          f"{'identical' if resumed_same else 'DIFFERS'}")
    print(f"targets         : peak < 1 GB per worker {'OK' if peak < 2**30 else 'MISSED'} ({mb(peak)}); "
          f"1 Dask worker within 15% of single process {'OK' if r1 >= 0.85 else 'MISSED'} ({r1:.2f}); "
          f"2 workers >= 1.7x 1 worker {'OK' if r2 >= 1.7 else 'MISSED'} ({r2:.2f})")
    print(f"Guardian corpus : {guardian_check(env)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
