"""Incremental fusion: one new document into a store of 10,000 fused events (target < 200 ms).

    python bench/bench_fusion.py [--events 10000] [--runs 20]

Builds a temporary SQLite store of synthetic coded events (random types, places in Syria,
dates 2012-2024, 5 events a document), fuses them, then times ``Fuser.process`` on new
documents of 8 events each (document + events written, then fused, one transaction).
Prints one JSON line: median and worst time per document, store size, peak memory.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Optional

from rasd.fuse import Fuser
from rasd.records import Actor, Document, Event, Place
from rasd.store import open_store

SUBS = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
        ("Explosions/Remote violence", "Shelling/artillery/missile attack"), ("Protests", "Peaceful protest"),
        ("Battles", "Non-state actor overtakes territory"), ("Strategic developments", "Agreement"),
        ("Violence against civilians", "Attack"), ("Strategic developments", "Non-violent transfer of territory")]
ACTORS = [Actor("Military Forces of Syria", actor_type="State forces"), Actor("Hayat Tahrir al-Sham", actor_type="Rebel group"),
          Actor("Islamic State", actor_type="Rebel group"), Actor("SDF", actor_type="Rebel group"),
          Actor("Military Forces of Turkey", actor_type="External forces")]


def synthetic_doc(rng: random.Random, i: int, n: int) -> tuple[Document, list[Event]]:
    doc = Document(doc_id=f"d{i:06d}", raw=f"Synthetic report number {i}. " * 5, outlet=f"outlet{i % 40}",
                   published=date(2012, 1, 1) + timedelta(days=rng.randrange(4700)))
    evs = []
    for k in range(n):
        et, sub = rng.choice(SUBS)
        lat, lon = rng.uniform(32.5, 37.0), rng.uniform(35.8, 42.0)
        a1, a2 = rng.sample(ACTORS, 2)
        day = doc.published - timedelta(days=rng.randrange(5))  # type: ignore[operator]
        evs.append(Event(event_id=f"{doc.doc_id}:{k}", doc_id=doc.doc_id, event_type=et, sub_event_type=sub,
                         date=day, time_precision="day", actor1=a1, actor2=a2,
                         location=Place(f"place{int(lat * 10)}_{int(lon * 10)}", round(lat, 2), round(lon, 2), country="SY"),
                         fatalities=rng.choice([None, None, 1, 3, 10]),
                         sentence=f"{a1.name} and {a2.name}: {sub.lower()} near place {k} in report {i}."))
    return doc, evs


def fill_fused(st, rng: random.Random, n_events: int) -> None:
    """Write ``n_events`` synthetic events (5 a document) into ``st`` and fuse them, 500 at a time."""
    fuser = Fuser(st)
    i, pending = 0, []
    while i * 5 < n_events:
        doc, evs = synthetic_doc(rng, i, 5)
        with st.transaction():
            st.add_document(doc)
            st.replace_events(doc.doc_id, evs)
        pending += evs
        i += 1
        if len(pending) >= 500:
            fuser.process(pending)
            pending = []
    if pending:
        fuser.process(pending)


def fill_fused_bulk(st, rng: random.Random, n_events: int, batch: int = 2000) -> None:
    """A store of ``n_events`` synthetic events (5 a document), each its own fused event, written
    in large transactions (``save_fused_many``): the shape of a big store (one row of
    fused_events and fused_reports per event, the candidate search's columns filled) in minutes
    where fusing a million events one by one would take hours. Reports that real fusion would
    have merged stay apart here, so a new document meets at least as many candidates as in a
    fused store."""
    from rasd.fuse import merge
    from rasd.fuse.rules import Rules, place_key

    rules = Rules.load()
    i = 0
    while i * 5 < n_events:
        fused = []
        with st.transaction():
            for _ in range(batch):
                if i * 5 >= n_events:
                    break
                doc, evs = synthetic_doc(rng, i, 5)
                st.add_document(doc)
                st.replace_events(doc.doc_id, evs)
                for ev in evs:
                    fe = merge.build(merge.cluster_id_for(ev.event_id), [merge.report_of(ev, doc.outlet)], rules)
                    fused.append((fe, rules.family_key(fe.sub_event_type), place_key(fe.location)))
                i += 1
            st.save_fused_many(fused)


def time_new_documents(st, rng: random.Random, runs: int, cpu: Optional[list[float]] = None,
                       server_cpu: Callable[[], float] = lambda: 0.0) -> list[float]:
    """Milliseconds to store and fuse each of ``runs`` new documents of 8 events (one transaction
    each). With ``cpu``: the CPU milliseconds each took are appended to it, this process's and
    ``server_cpu()``'s (a database server's seconds, read before and after)."""
    fuser = Fuser(st)
    times = []
    for r in range(runs):
        doc, evs = synthetic_doc(rng, 900_000 + r, 8)
        t, c, s = time.perf_counter(), time.process_time(), server_cpu()
        with st.transaction():
            st.add_document(doc)
            st.replace_events(doc.doc_id, evs)
            fuser.process(evs)
        times.append((time.perf_counter() - t) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c + server_cpu() - s) * 1000)
    return times


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        st = open_store(str(Path(tmp) / "bench.db"))
        t0 = time.perf_counter()
        fill_fused(st, rng, args.events)
        build_s = time.perf_counter() - t0
        stats = st.stats()
        n_fused = len(st.query_fused(limit=10**7))
        times = time_new_documents(st, rng, args.runs)
        st.close()
    out = {
        "bench": "fusion_incremental",
        "store_events": stats["events"], "store_fused_events": n_fused,
        "build_seconds": round(build_s, 1),
        "new_doc_events": 8, "runs": args.runs,
        "median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
        "target_ms": 200, "ok": statistics.median(times) < 200,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    sys.exit(0 if main()["ok"] else 1)
