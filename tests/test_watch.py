"""The watcher's passes over a local site (127.0.0.1/127.0.0.2 only), in this process: each
article stored once however it is reached, state kept in the store, failures named and retried.
The event coder is off (the pipeline cleans and stores): events are not the point here."""
from __future__ import annotations

import asyncio
import json

import pytest

from rasd.config import PipelineConfig
from rasd.store import open_store
from rasd.watch.sink import build_sink
from rasd.watch.sources import make_source
from rasd.watch.synthetic import LocalSite, Reply, article_html, news_site, rss
from rasd.watch.watcher import PassReport, Watcher
from watch_helpers import FAST, NO_ROBOTS


@pytest.fixture
def store(tmp_path):
    with open_store(str(tmp_path / "watch.db")) as st:
        yield st


def one_pass(store, settings=FAST) -> tuple[PassReport, list[str]]:
    lines: list[str] = []
    watcher = Watcher(store, build_sink(store, PipelineConfig(with_events=False)), settings, on_failure=lines.append)
    report = asyncio.run(watcher.run(asyncio.Event(), once=True))
    return report, lines


def add(store, url: str, **kw) -> None:
    store.save_source(make_source(url, taken=[s.name for s in store.list_sources()], **kw))


def doc_count(store) -> int:
    return store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def article_fetches(site: LocalSite) -> dict[str, int]:
    out: dict[str, int] = {}
    for h in site.hits:
        if "/news/" in h.path or h.path.startswith(("/go/", "/alias/", "/mirror/")):
            out[h.path] = out.get(h.path, 0) + 1
    return out


def test_an_article_reached_many_ways_is_stored_once(site, store):
    """Through RSS, Atom and a JSON Feed, with a tracking parameter, through a redirect, under
    another URL declaring the same rel=canonical, and as a copy without one (same text)."""
    (feed,) = news_site(site, 5, 1)
    a = [site.url(f"/news/{i:05d}-report.html") for i in range(5)]
    site.routes["/go/1"] = Reply(301, headers={"Location": "/news/00001-report.html"})
    site.routes["/alias/2"] = Reply(body=article_html(2, canonical=a[2]))
    site.routes["/mirror/4"] = Reply(body=article_html(4))  # the same text, no canonical link
    atom = (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            f'<entry><title>a0</title><link href="{a[0]}?utm_source=atom&amp;utm_medium=feed#top"/><id>1</id>'
            f'<updated>2024-12-01T00:00:00Z</updated></entry>'
            f'<entry><title>a1</title><link href="{site.url("/go/1")}"/><id>2</id>'
            f'<updated>2024-12-01T00:00:00Z</updated></entry></feed>').encode()
    site.routes["/atom.xml"] = Reply(body=atom, content_type="application/atom+xml", etag=True)
    jf = {"version": "https://jsonfeed.org/version/1.1", "title": "J",
          "items": [{"id": "x", "url": site.url("/alias/2")}, {"id": "y", "url": site.url("/mirror/4")},
                    {"id": "z", "url": a[3]}]}
    site.routes["/feed.json"] = Reply(body=json.dumps(jf).encode(), content_type="application/feed+json", etag=True)
    for url in (feed, site.url("/atom.xml"), site.url("/feed.json")):
        add(store, url)

    report, lines = one_pass(store)
    assert report.ok, lines
    assert report.read == 3 and report.new_links == 8  # a0 with tracking tags and a3 twice are one link each
    assert doc_count(store) == 5
    hashes = {r[0] for r in store.conn.execute("SELECT content_hash FROM documents")}
    assert len(hashes) == 5
    urls = {r[0] for r in store.conn.execute("SELECT url FROM documents")}
    assert len(urls & set(a)) >= 4  # stored under their canonical URLs (the copy may come first)
    statuses = [r[0] for r in store.conn.execute("SELECT status FROM watch_items")]
    assert len(statuses) == 8 and set(statuses) <= {"stored", "duplicate"}
    alias = store.find_item(site.url("/alias/2"))  # known by the canonical URL its page declares
    assert alias.canonical == a[2] and alias.doc_id == store.find_item(a[2]).doc_id
    assert store.find_item(site.url("/go/1")).canonical == a[1]  # by the URL its redirect led to
    kinds = {s.name: s.kind for s in store.list_sources()}
    assert sorted(kinds.values()) == ["atom10", "json", "rss20"]
    doc = store.get_document(store.conn.execute("SELECT doc_id FROM documents WHERE url=?", (a[3],)).fetchone()[0])
    assert doc.meta["watch_source"] and doc.published is not None and doc.text.startswith("Report 3")

    # the second pass: every feed answers 304, no article is fetched again
    before = article_fetches(site)
    report, lines = one_pass(store)
    assert report.ok and report.not_modified == 3 and report.items == 0
    assert article_fetches(site) == before
    assert doc_count(store) == 5


def test_items_moving_between_listing_pages_are_not_fetched_twice(site, store):
    news_site(site, 8, 1)
    links = [f"/news/{i:05d}-report.html" for i in range(8)]

    def listing(paths):
        return Reply(body=("<html><head><title>list</title></head><body>" + "".join(
            f"<a href='{p}'>story</a>" for p in paths) + "<a href='/about'>about</a></body></html>").encode())

    site.routes["/list?page=1"] = listing(links[:5])
    site.routes["/list?page=2"] = listing([])
    add(store, site.url("/list?page=1"), name="p1", pattern=r"/news/\d+")
    add(store, site.url("/list?page=2"), name="p2", pattern=r"/news/\d+")
    report, lines = one_pass(store)
    assert report.ok, lines
    assert report.new == 5 and doc_count(store) == 5

    site.routes["/list?page=1"] = listing(links[3:])  # newer stories push the older ones to page 2
    site.routes["/list?page=2"] = listing(links[:3])
    report, lines = one_pass(store)
    assert report.ok, lines
    assert report.new_links == 3 and report.new == 3 and doc_count(store) == 8
    assert set(article_fetches(site).values()) == {1}
    p2 = store.get_source("p2")
    assert p2.items == 3 and p2.kind == "page"


def test_failures_are_named_and_passing_ones_retried_on_the_next_pass(site, store):
    """A 500, a timeout and a host whose robots.txt answers 503 are tried again when they
    recover; a 404, a PDF and a page robots.txt disallows are not; a malformed feed is one
    source's failure while the others are stored."""
    site.routes["/robots.txt"] = Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    paths = {"ok": "/news/ok.html", "500": "/news/down.html", "slow": "/news/slow.html", "404": "/news/gone.html",
             "pdf": "/news/file.pdf", "private": "/private/secret.html"}
    site.routes[paths["ok"]] = Reply(body=article_html(1))
    site.routes[paths["500"]] = Reply(500)
    site.routes[paths["slow"]] = Reply(body=article_html(3), delay=2.0)
    site.routes[paths["pdf"]] = Reply(body=b"%PDF-1.4 not a page", content_type="application/pdf")
    site.routes[paths["private"]] = Reply(body=article_html(5))
    site.routes["/feed.xml"] = Reply(body=rss([(site.url(p), k) for k, p in paths.items()]),
                                     content_type="application/rss+xml", etag=True)
    site.routes["/broken.xml"] = Reply(body=b"<?xml version='1.0'?><rss><channel><title>x</tit",
                                       content_type="application/rss+xml")
    add(store, site.url("/feed.xml"), name="main")
    add(store, site.url("/broken.xml"), name="broken")
    with LocalSite("127.0.0.2") as other:
        other.routes["/robots.txt"] = Reply(503)
        other.routes["/feed.xml"] = Reply(body=rss([(other.url("/news/x.html"), "x")]), content_type="application/rss+xml")
        other.routes["/news/x.html"] = Reply(body=article_html(9))
        add(store, other.url("/feed.xml"), name="other")

        report, lines = one_pass(store)
        assert not report.ok and report.new == 1
        assert report.failed_sources == 2 and report.failed_items == 5
        text = "\n".join(lines)
        assert "source broken:" in text and "malformed XML" in text
        assert "source other:" in text and "robots.txt unavailable" in text
        for key, why in (("500", "HTTP 500"), ("slow", "timed out"), ("404", "HTTP 404"),
                         ("pdf", "not an HTML page (application/pdf)"), ("private", "disallowed by robots.txt")):
            line = next(ln for ln in lines if paths[key] in ln)
            assert why in line and "(source main)" in line
        assert "will retry" in next(ln for ln in lines if paths["500"] in ln)
        assert "will retry" not in next(ln for ln in lines if paths["404"] in ln)
        assert site.requests_to(paths["private"]) == []
        assert store.get_source("broken").last_status == "error"

        # the sites recover: the passing failures are stored, the lasting ones left alone
        site.routes[paths["500"]] = Reply(body=article_html(2))
        site.routes[paths["slow"]] = Reply(body=article_html(3))
        other.routes["/robots.txt"] = NO_ROBOTS
        n404, npdf = len(site.requests_to(paths["404"])), len(site.requests_to(paths["pdf"]))
        report, lines = one_pass(store)
        assert report.new == 3, lines  # the 500, the timeout and the other host's article
        assert report.failed_items == 0 and report.failed_sources == 1  # the broken feed still is
        assert len(site.requests_to(paths["404"])) == n404 and len(site.requests_to(paths["pdf"])) == npdf
    assert doc_count(store) == 4
    rows = dict(store.conn.execute("SELECT url, status FROM watch_items").fetchall())
    assert rows[site.url(paths["404"])] == "rejected" and rows[site.url(paths["500"])] == "stored"
