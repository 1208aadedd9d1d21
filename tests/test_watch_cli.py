"""`rasd sources`, `rasd watch`, `rasd ingest URL` and `rasd serve --watch` as a user runs them,
against a local site (127.0.0.1 only): exit codes, failure lines, state kept across runs, a
watcher killed with SIGKILL mid-pass and one stopped with SIGTERM."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from proc_helpers import sigkill_when
from rasd.watch.synthetic import Reply, article_html, news_site, rss

# fast politeness for a local site, and no event coding (the store's side is the point). The fetch
# timeout is generous: no test here needs one to fire, and on a loaded machine the local site
# itself may take seconds to answer (a timeout would turn into a failure the test did not set up)
FAST_ENV = {"RASD_EVENTS": "0", "RASD_WATCH_RATE": "500", "RASD_WATCH_TIMEOUT": "30", "RASD_WATCH_RETRIES": "1",
            "RASD_WATCH_BACKOFF": "0.05", "RASD_WATCH_HOST_CONCURRENCY": "4"}
# how long to wait for something the test waits on: a bound on a hang, not a speed
PATIENCE = 180


def add_source(db: str, url: str, **kw) -> None:
    """Add a source straight into the store (what `rasd sources add` does, without its start-up)."""
    from rasd.store import open_store
    from rasd.watch.sources import make_source

    with open_store(db) as st:
        st.save_source(make_source(url, **kw))


def rows(db: str, sql: str) -> list:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.Error:
        return []
    finally:
        conn.close()


def test_sources_add_list_remove(run_cli):
    ok = run_cli("sources", "add", "https://news.example.org/syria/feed.xml", "--every", "30m", "--country", "sy")
    assert ok.returncode == 0 and "added source news.example.org-syria-feed" in ok.stdout
    again = run_cli("sources", "add", "https://news.example.org/syria/feed.xml", "--every", "1h")
    assert again.returncode == 0 and "updated source news.example.org-syria-feed" in again.stdout
    clash = run_cli("sources", "add", "https://news.example.org/syria/feed.xml", "--name", "other")
    assert clash.returncode == 2 and "already watched as 'news.example.org-syria-feed'" in clash.stderr
    (listed,) = [json.loads(ln) for ln in run_cli("sources", "list", "--json").stdout.splitlines()]
    assert (listed["every_s"], listed["country"], listed["pattern"]) == (3600.0, "SY", None)  # country kept
    gone = run_cli("sources", "remove", "news.example.org-syria-feed", "nope")
    assert gone.returncode == 1 and "removed source news.example.org-syria-feed" in gone.stdout
    assert "no source 'nope'" in gone.stderr


def test_watch_once_exit_codes_failure_lines_and_state_across_runs(site, run_cli, db, tmp_path):
    feeds = news_site(site, 6, 2)
    site.routes["/news/00003-report.html"] = Reply(503)  # down on the first run
    site.routes["/json"] = Reply(body=json.dumps({"version": "https://jsonfeed.org/version/1", "items": [
        {"id": "1", "url": site.url("/news/00002-report.html?utm_campaign=x")}]}).encode(),
        content_type="application/json")
    site.routes["/bad.xml"] = Reply(body=b"<rss><channel><item><title>cut", content_type="text/xml")
    listing = tmp_path / "sources.yaml"
    listing.write_text("".join(f"- {u}\n" for u in feeds) + f"- url: {site.url('/json')}\n  name: js\n"
                       f"  country: IQ\n- url: {site.url('/bad.xml')}\n  name: bad\n")
    first = run_cli("-v", "watch", "--once", "--sources", str(listing), env=FAST_ENV)
    assert first.returncode == 1, first.stderr
    assert "pass 1: 3/4 sources read" in first.stdout and "5 new" in first.stdout and "1 failed;" in first.stdout
    failures = [ln for ln in first.stderr.splitlines() if ln.startswith("rasd: ")]
    assert len(failures) == 2, first.stderr
    assert any("source bad:" in ln and "malformed XML" in ln for ln in failures)
    assert any("/news/00003-report.html: HTTP 503" in ln and "will retry" in ln for ln in failures)
    assert "GET " + site.url("/json") + " -> 200" in first.stderr  # -v shows each fetch

    site.routes["/news/00003-report.html"] = Reply(body=article_html(3, canonical=site.url("/news/00003-report.html")))
    site.routes["/bad.xml"] = Reply(body=rss([(site.url("/news/00000-report.html"), "seen")]), content_type="text/xml")
    second = run_cli("watch", "--once", env=FAST_ENV)
    assert second.returncode == 0, second.stderr
    assert "2 not modified" in second.stdout and "1 new" in second.stdout and "0 failed;" in second.stdout
    assert rows(db, "SELECT count(*) FROM documents") == [(6,)]
    listed = {s["name"]: s for s in map(json.loads, run_cli("sources", "list", "--json").stdout.splitlines())}
    assert listed["js"]["country"] == "IQ" and listed["bad"]["last_status"] == "ok"
    assert sum(s["stored"] for s in listed.values()) >= 6


def test_ingest_urls(site, run_cli, db):
    site.routes["/a?utm_source=x"] = Reply(body=article_html(1, canonical=site.url("/story/a")))
    site.routes["/pdf"] = Reply(body=b"%PDF-1.4", content_type="application/pdf")
    out = run_cli("ingest", site.url("/a?utm_source=x"), site.url("/missing"), site.url("/pdf"), "--no-progress",
                  env=FAST_ENV)
    assert out.returncode == 1
    assert "stored 1 new" in out.stdout and "2 failed" in out.stdout
    assert f"{site.url('/missing')}: HTTP 404" in out.stderr and "not an HTML page (application/pdf)" in out.stderr
    (url, meta), = rows(db, "SELECT url, meta FROM documents")
    assert url == site.url("/story/a") and json.loads(meta)["fetched_url"] == site.url("/a?utm_source=x")


def test_watcher_killed_mid_pass_and_restarted_stores_each_item_once(site, db):
    """SIGKILL while articles are being fetched; the restarted watcher fetches what was left,
    retries the failed ones, and stores every good article exactly once."""
    n = 30
    (feed,) = news_site(site, n, 1)
    slow = {f"/news/{i:05d}-report.html" for i in range(10, n)}
    failing = {"/news/00004-report.html", "/news/00007-report.html"}
    state = {"first": True}
    originals = {p: site.routes[p] for p in slow | failing}

    def fault(path, count):
        if not state["first"]:
            return None
        if path in failing:
            return Reply(500)
        if path in slow:  # the first run is killed while these are in flight (slow enough to still be
            r = originals[path]  # in flight when the kill lands on a loaded machine)
            return Reply(body=r.body, delay=1.0)
        return None

    site.fault = fault
    env = {**os.environ, "RASD_DB": db, **FAST_ENV, "RASD_WATCH_HOST_CONCURRENCY": "2", "RASD_WATCH_RETRIES": "0"}
    add_source(db, feed)
    proc = subprocess.Popen([sys.executable, "-m", "rasd", "watch", "--once"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sigkill_when(proc, lambda: (rows(db, "SELECT count(*) FROM documents") or [(0,)])[0][0] >= 10, timeout=PATIENCE)
    first_docs = rows(db, "SELECT count(*) FROM documents")[0][0]
    assert 8 <= first_docs < n - len(failing)
    assert rows(db, "PRAGMA integrity_check")[0][0] == "ok"

    state["first"] = False  # the site recovers
    again = subprocess.run([sys.executable, "-m", "rasd", "watch", "--once"], env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    docs = rows(db, "SELECT doc_id, url FROM documents")
    assert len(docs) == n and len({u for _, u in docs}) == n  # every article once, no duplicate
    assert rows(db, "SELECT count(*) FROM watch_items WHERE status='stored'")[0][0] == n
    for path in failing:
        assert [h.status for h in site.requests_to(path)][-1] == 200  # retried after its 500
    stored_first = {site.url(p) for p in (f"/news/{i:05d}-report.html" for i in range(n))
                    if len(site.requests_to(p)) == 1}
    assert len(stored_first) >= first_docs - 2  # what the first run stored was not fetched again


def test_watch_runs_until_sigterm_and_serve_watch_stores_beside_the_page(site, db, monkeypatch):
    (feed,) = news_site(site, 3, 1)
    env = {**os.environ, "RASD_DB": db, **FAST_ENV, "RASD_WATCH_HOST_CONCURRENCY": "2"}
    add_source(db, feed, every="1s")
    proc = subprocess.Popen([sys.executable, "-m", "rasd", "watch"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert first.startswith("pass 1:") and "3 new" in first
        # the feed grows with slow articles: the next pass (a second later) is stopped in the middle;
        # the pass would take 20 s (20 articles of 2 s, two at a time): a stop that waited for it is
        # told from one that did not by what is stored, and by a bound well under the pass
        slow = [(site.url(f"/slow/{i}.html"), f"slow {i}") for i in range(20)]
        for i in range(20):
            site.routes[f"/slow/{i}.html"] = Reply(body=article_html(100 + i), delay=2.0)
        site.routes["/feeds/0.xml"] = Reply(body=rss(slow), content_type="application/rss+xml", etag=True)
        deadline = time.monotonic() + PATIENCE
        while not any(h.path.startswith("/slow/") for h in site.hits) and time.monotonic() < deadline:
            time.sleep(0.05)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        assert time.monotonic() - t0 < 15 and proc.returncode == 0
        assert "watcher stopped" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    stored = rows(db, "SELECT count(*) FROM documents")[0][0]
    assert 3 <= stored < 23  # stopped part-way; the rest wait as pending items
    assert rows(db, "SELECT count(*) FROM watch_items WHERE status='pending'")[0][0] == 23 - stored

    from _server import running_server

    for i in range(20):
        site.routes[f"/slow/{i}.html"] = Reply(body=article_html(100 + i))
    for key, value in FAST_ENV.items():  # the server's watcher reads them too
        monkeypatch.setenv(key, value)
    import httpx

    with running_server(db, "--watch") as url, httpx.Client(base_url=url, timeout=60) as client:
        deadline = time.monotonic() + PATIENCE  # the watcher's pass, waited on (not timed)
        items = []
        while time.monotonic() < deadline:
            items = client.get("/api/documents", params={"limit": 50}).json()["items"]
            if len(items) == 23:
                break
            time.sleep(0.2)
        assert len(items) == 23, len(items)  # the watcher thread of the server finished the pass
