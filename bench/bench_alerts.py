"""Alerts end to end on a local news site (127.0.0.1 only), with the coder and fusion in between.

    .venv/bin/python bench/bench_alerts.py [--articles 1000] [--feeds 10] [--fail 0.05] [--latency 3]

1. Latency: `rasd watch` runs (one source read every 15 s) with an alert to a local webhook; an
   article is added to the feed at a random moment of the 15 s cycle, --latency times; measured
   from the moment it appears in the feed to the moment its notification reaches the webhook
   (target: under 30 s).
2. Exactly once: --articles articles with events (synthetic sentences of rasd.serve.synthetic), in
   --feeds feeds of as many outlets (so that events reported by several outlets are confirmed and
   notified again as changed), read by one `rasd watch --once`; the webhook answers 500 to --fail
   of the requests (retried with backoff: `rasd alerts deliver` until nothing is pending). Every
   revision recorded must reach the webhook exactly once (the ids of the notifications received,
   counted against the store's revisions and outbox); then the same articles are ingested again
   (`rasd ingest URL...`, unchanged) and the feeds read again (304): no notification at all.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def page(n: int, text: str, outlet: str, day: str) -> bytes:
    paras = "".join(f"<p>{escape(s.strip())}.</p>\n" for s in text.split(". ") if s.strip())
    title = f"Report {n}: {text.split(' on ')[0][:60]}"
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<meta property='og:site_name' content='{escape(outlet)}'>"
            f"<meta property='article:published_time' content='{day}'></head><body><article>"
            f"<h1>{escape(title)}</h1><p>By {escape(outlet)} staff.</p>\n{paras}</article></body></html>").encode()


def rasd(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "rasd", *args], env=env, capture_output=True, text=True, cwd=ROOT)
    if check and proc.returncode not in (0, 1):
        raise SystemExit(f"rasd {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--feeds", type=int, default=10)
    ap.add_argument("--fail", type=float, default=0.05, help="share of webhook requests answered 500")
    ap.add_argument("--latency", type=int, default=3, help="articles timed from feed to webhook")
    args = ap.parse_args()

    from rasd.alerts.receiver import WebhookReceiver
    from rasd.serve.synthetic import make_documents
    from rasd.watch.synthetic import LocalSite, Reply, rss

    rng = random.Random(17)
    docs = make_documents(2 * (args.articles + args.latency + 5), per_doc=2, days=60, seed=11)
    failures = 0
    with LocalSite() as site, WebhookReceiver() as hook, tempfile.TemporaryDirectory(prefix="rasd-bench-alerts-") as tmp:
        base = dict(os.environ, RASD_WATCH_RATE="100", RASD_WATCH_HOST_CONCURRENCY="8", RASD_WATCH_RETRIES="0",
                    RASD_ALERT_BACKOFF="0.5", RASD_ALERT_BACKOFF_MAX="2", RASD_ALERT_POLL="0.5", RASD_EVENTS="1")

        def article(i: int, outlet: str) -> str:
            doc, _ = docs[i]
            path = f"/a/{i:05d}.html"
            site.routes[path] = Reply(body=page(i, doc.text, outlet, doc.published.isoformat()))
            return site.url(path)

        # -- 1. latency -----------------------------------------------------------------------
        env = dict(base, RASD_DB=str(Path(tmp) / "live.db"))
        live: list[tuple[str, str]] = [(article(args.articles + i, "Live Wire"), f"Live {i}") for i in range(3)]
        site.routes["/live.xml"] = Reply(body=rss(live, "Live"), content_type="application/rss+xml", etag=True)
        rasd(env, "sources", "add", site.url("/live.xml"), "--name", "live", "--every", "15s")
        rasd(env, "alerts", "add", "everything", "--webhook", hook.url)
        watcher = subprocess.Popen([sys.executable, "-m", "rasd", "watch"], env=env, cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        passes = []
        threading.Thread(target=lambda: [passes.append(time.time()) for ln in watcher.stdout if ln.startswith("pass")],
                         daemon=True).start()
        latencies = []
        try:
            deadline = time.time() + 300
            while not passes and time.time() < deadline:  # the first pass (the model loads) is not timed
                time.sleep(0.2)
            hook.wait_for(1, 60)
            for k in range(args.latency):
                time.sleep(rng.uniform(0, 15))
                url = article(args.articles + 3 + k, "Live Wire")
                live.append((url, f"Live {3 + k}"))
                seen = len(hook.received)
                t0 = time.time()
                site.routes["/live.xml"] = Reply(body=rss(live, "Live"), content_type="application/rss+xml", etag=True)
                got = None
                while got is None and time.time() - t0 < 90:
                    hook.wait_for(seen + 1, 1.0)
                    for r in hook.received[seen:]:
                        if any(rep.get("url") == url for rep in (r.json().get("event") or {}).get("reports", [])):
                            got = r.at - t0
                            break
                latencies.append(got)
                print(f"  article {k + 1}: in the feed -> alert at the webhook: "
                      + (f"{got:.1f} s" if got is not None else "not within 90 s"), flush=True)
        finally:
            watcher.terminate()
            watcher.wait(30)
        timed = [x for x in latencies if x is not None]
        print(f"latency at a 15 s poll: {len(timed)}/{len(latencies)} arrived; "
              + (f"max {max(timed):.1f} s, mean {sum(timed) / len(timed):.1f} s" if timed else "none"), flush=True)
        ok = len(timed) == len(latencies) and max(timed, default=99) < 30
        print(f"  [{'ok' if ok else 'FAILED'}] article in a feed -> alert at the webhook under 30 s")
        failures += not ok

        # -- 2. exactly once over many articles ------------------------------------------------------
        hook.received.clear()
        hook.refused = 0
        fail_rng = random.Random(5)
        hook.fault = lambda: 500 if fail_rng.random() < args.fail else None
        env = dict(base, RASD_DB=str(Path(tmp) / "many.db"))
        db = env["RASD_DB"]
        urls = []
        for f in range(args.feeds):
            items = [(article(i, f"Outlet {f}"), f"Report {i}") for i in range(f, args.articles, args.feeds)]
            urls += [u for u, _ in items]
            site.routes[f"/feeds/{f}.xml"] = Reply(body=rss(items, f"Outlet {f}"),
                                                   content_type="application/rss+xml", etag=True)
        listing = Path(tmp) / "sources.txt"
        listing.write_text("\n".join(site.url(f"/feeds/{f}.xml") for f in range(args.feeds)) + "\n")
        rasd(env, "alerts", "add", "everything", "--webhook", hook.url)
        t0 = time.perf_counter()
        run = rasd(env, "watch", "--once", "--sources", str(listing))
        secs = time.perf_counter() - t0
        print(f"many: {args.articles} articles in {args.feeds} feeds read in {secs:.1f} s (exit {run.returncode}): "
              + run.stdout.strip().splitlines()[-1], flush=True)
        rounds = 0
        while rounds < 120:
            pending = sqlite3.connect(db).execute("SELECT count(*) FROM alert_outbox WHERE status='pending'").fetchone()[0]
            if not pending:
                break
            rasd(env, "alerts", "deliver")
            rounds += 1
            time.sleep(0.3)

        def counts():
            conn = sqlite3.connect(db)
            revisions, fused = conn.execute("SELECT coalesce(sum(revision), 0), count(*) FROM fused_changes").fetchone()
            outbox = dict(conn.execute("SELECT status, count(*) FROM alert_outbox GROUP BY status").fetchall())
            conn.close()
            return revisions, fused, outbox

        revisions, fused, outbox = counts()
        ids = Counter(r.notification for r in hook.received)
        kinds = Counter(r.json()["kind"] for r in hook.received)
        print(f"  {fused} fused events, {revisions} revisions ({kinds['new']} new, {kinds['changed']} changed "
              f"notified); outbox {outbox}; webhook: {len(hook.received)} accepted, {hook.refused} answered 500 "
              f"and retried, {sum(n - 1 for n in ids.values())} duplicates; {rounds} delivery rounds after the pass",
              flush=True)
        checks = {
            "every revision notified once": len(hook.received) == len(ids) == revisions == outbox.get("sent", 0)
                                           and fused > 0 and kinds["changed"] > 0,
            "nothing failed or pending": set(outbox) == {"sent"},
        }
        before = len(hook.received)
        sample = urls[:: max(1, len(urls) // 100)]
        again = rasd(env, "ingest", *sample)
        rerun = rasd(env, "watch", "--once", "--sources", str(listing))
        rasd(env, "alerts", "deliver")
        revisions2, fused2, outbox2 = counts()
        print(f"  again: `rasd ingest` of {len(sample)} articles: {again.stdout.strip()}; a second pass: "
              f"{rerun.stdout.strip().splitlines()[-1]}; {len(hook.received) - before} notifications", flush=True)
        checks["no notification for unchanged re-ingests"] = \
            len(hook.received) == before and (revisions2, outbox2) == (revisions, outbox)
        for name, ok in checks.items():
            print(f"  [{'ok' if ok else 'FAILED'}] {name}")
            failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
