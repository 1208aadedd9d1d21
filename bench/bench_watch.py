"""The watcher against a local news site: 1,000 articles in 10 RSS feeds, 5% of the requests
failing (a 503, drawn at random per request, robots.txt spared) until the site recovers.

    .venv/bin/python bench/bench_watch.py [--articles 1000] [--feeds 10] [--fail 0.05] [--rate 50]

Three `rasd watch --once` runs, as cron would start them, on a fresh store:
1. the failing site: every good article is stored once (a tenth of them is also listed, with
   a tracking parameter, in a second feed), each failure is named (exit 1). In-request retries
   are off (RASD_WATCH_RETRIES=0) so that every failed request leaves a failed item or source;
2. the site has recovered: every failed article (and feed) is tried again and stored (exit 0);
3. nothing new: the feeds answer 304 and no article is fetched.
The per-host rate limit is checked from the site's own log of request arrival times: at most
``rate`` x 5 (+1) requests in any 5-second window; the busiest 1-second window is shown too
(arrival times jitter by a few ms with thread scheduling, on both sides). Only 127.0.0.1 is
contacted. The event coder is off (RASD_EVENTS=0; --events turns it on): this measures the
fetching layer and the store.
"""
from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--feeds", type=int, default=10)
    ap.add_argument("--fail", type=float, default=0.05, help="share of requests answered 503 in run 1")
    ap.add_argument("--rate", type=float, default=50.0, help="requests a second per host (RASD_WATCH_RATE)")
    ap.add_argument("--events", action="store_true", help="code events too (slow: the coder runs on each article)")
    args = ap.parse_args()

    from rasd.watch.synthetic import LocalSite, Reply, news_site, rss

    rng = random.Random(13)
    failures = 0
    with LocalSite() as site, tempfile.TemporaryDirectory(prefix="rasd-bench-watch-") as tmp:
        site.routes["/robots.txt"] = Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        feeds = news_site(site, args.articles, args.feeds)
        articles = [f"/news/{i:05d}-report.html" for i in range(args.articles)]
        # a tenth of the articles is listed in a second feed too, with a tracking parameter
        extra: dict[int, list[tuple[str, str]]] = {f: [] for f in range(args.feeds)}
        for i in range(0, args.articles, 10):
            extra[(i + 1) % args.feeds].append((site.url(articles[i]) + "?utm_source=rss&utm_medium=feed", f"again {i}"))
        for f in range(args.feeds):
            own = [(site.url(a), f"Report {i}") for i, a in enumerate(articles) if i % args.feeds == f]
            site.routes[f"/feeds/{f}.xml"] = Reply(body=rss(own + extra[f], f"Feed {f}"),
                                                   content_type="application/rss+xml", etag=True)
        outage = {"on": True}
        failed_paths: set[str] = set()

        def fault(path: str, n: int):
            if outage["on"] and path != "/robots.txt" and rng.random() < args.fail:
                failed_paths.add(path)
                return Reply(503)
            return None

        site.fault = fault

        db = str(Path(tmp) / "watch.db")
        env = dict(os.environ, RASD_DB=db, RASD_WATCH_RATE=str(args.rate), RASD_WATCH_HOST_CONCURRENCY="4",
                   RASD_WATCH_RETRIES="0", RASD_WATCH_TIMEOUT="10",
                   RASD_EVENTS="1" if args.events else "0")
        listing = Path(tmp) / "sources.txt"
        listing.write_text("\n".join(feeds) + "\n")
        print(f"watch bench: {args.articles} articles in {args.feeds} feeds on one local host, "
              f"{args.fail:.0%} of requests failing in run 1, rate limit {args.rate:g}/s per host"
              + ("" if args.events else ", coder off"), flush=True)

        runs = []
        for label in ("failing", "recovered", "nothing new"):
            if label == "recovered":
                outage["on"] = False
            first_hit = len(site.hits)
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "rasd", "watch", "--once", "--sources", str(listing)],
                                  env=env, capture_output=True, text=True, cwd=ROOT)
            secs = time.perf_counter() - t0
            hits = site.hits[first_hit:]
            runs.append((label, proc, secs, hits))
            named = sum(1 for ln in proc.stderr.splitlines() if ln.startswith("rasd: "))
            print(f"  run {len(runs)} ({label}): exit {proc.returncode} in {secs:.1f} s; {len(hits)} requests"
                  f" ({sum(h.status >= 500 for h in hits)} answered 5xx, {sum(h.status == 304 for h in hits)} 304,"
                  f" {sum('/news/' in h.path for h in hits)} for articles); {named} failure lines", flush=True)
            print("    " + proc.stdout.strip().replace("\n", "\n    "), flush=True)

        conn = sqlite3.connect(db)
        docs, urls, hashes = conn.execute(
            "SELECT count(*), count(DISTINCT url), count(DISTINCT content_hash) FROM documents").fetchone()
        items = dict(conn.execute("SELECT status, count(*) FROM watch_items GROUP BY status").fetchall())
        conn.close()

        all_hits = [h for _, _, _, hs in runs for h in hs]
        outage_hits = runs[0][3]
        failed_share = sum(h.status >= 500 for h in outage_hits) / max(1, len(outage_hits))
        retried = {h.path for h in runs[1][3] if h.path in failed_paths}
        worst1, worst5 = _worst_window(all_hits, 1.0), _worst_window(all_hits, 5.0)
        busy = sorted(h.t for h in outage_hits)
        mean = len(busy) / max(1e-9, busy[-1] - busy[0])
        print(f"  store: {docs} documents, {urls} distinct URLs, {hashes} distinct texts; items by status {items}")
        print(f"  run 1: {failed_share:.1%} of its requests failed ({len(failed_paths)} URLs); "
              f"{len(retried)}/{len(failed_paths)} of them asked again in run 2")
        print(f"  rate (site's log): at most {worst5} requests in any 5 s (limit {5 * args.rate:g}), {worst1} in any"
              f" 1 s (limit {args.rate:g}); {mean:.1f} requests/s on average in run 1")
        checks = {
            "every article stored once": docs == args.articles == urls == hashes,
            "run 1 named failures, exit 1": runs[0][1].returncode == 1,
            "run 2 stored the rest, exit 0": runs[1][1].returncode == 0 and retried == failed_paths,
            "run 3 fetched no article": runs[2][1].returncode == 0 and not any("/news/" in h.path for h in runs[2][3])
                                        and all(h.status == 304 for h in runs[2][3] if h.path.startswith("/feeds/")),
            "rate limit respected": worst5 <= 5 * args.rate + 1,
        }
        for name, ok in checks.items():
            print(f"  [{'ok' if ok else 'FAILED'}] {name}")
            failures += not ok
    return 1 if failures else 0


def _worst_window(hits, secs: float) -> int:
    """The most requests that arrived within any ``secs`` seconds."""
    ts = sorted(h.t for h in hits)
    worst, j = 0, 0
    for i, t in enumerate(ts):
        while ts[j] <= t - secs:
            j += 1
        worst = max(worst, i - j + 1)
    return worst


if __name__ == "__main__":
    sys.exit(main())
