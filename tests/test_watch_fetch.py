"""The watcher's fetching and feed layer against a local site (127.0.0.1 only): politeness,
limits, retries, redirects, robots.txt, and reading RSS, Atom, JSON Feed and listing pages."""
from __future__ import annotations

import json
import time

import pytest

from rasd.errors import InputError, RasdError
from rasd.watch.feeds import read_source
from rasd.watch.fetch import FetchError, Page
from rasd.watch.settings import WatchSettings, parse_duration
from rasd.watch.sources import load_sources_file, make_source
from rasd.watch.synthetic import Reply, rss
from rasd.watch.urls import Canonicaliser, doc_id_for
from watch_helpers import FAST, fetch, fetch_many, html

MB = 1024 * 1024


# -- URLs, settings, sources files ------------------------------------------------------
def test_canonical_url_drops_tracking_fragment_default_port_and_case():
    canon = Canonicaliser(FAST.tracking_params)
    a = canon("HTTPS://News.Example.org:443/World/Story-1?utm_source=rss&id=7&fbclid=x#comments")
    assert a == "https://news.example.org/World/Story-1?id=7"
    assert canon("http://news.example.org/World/Story-1?id=7&utm_medium=feed") == \
        "http://news.example.org/World/Story-1?id=7"
    assert canon("http://example.org") == "http://example.org/"
    assert canon("http://example.org:8080/a?b=1&c=2") == "http://example.org:8080/a?b=1&c=2"  # order kept
    assert doc_id_for(a) == doc_id_for(canon(a))  # stable
    assert doc_id_for(a).startswith("news-example-org-story-1-")
    assert doc_id_for(a) != doc_id_for("https://news.example.org/World/Story-2?id=7")


def test_settings_loader_is_strict(tmp_path):
    bad = tmp_path / "w.yaml"
    bad.write_text("host_rate: 2\nhost_ratee: 3\n")
    with pytest.raises(RasdError, match="unknown setting.*host_ratee"):
        WatchSettings.load(str(bad))
    with pytest.raises(RasdError, match="host_rate must be positive"):
        WatchSettings.load(env=False, host_rate=0)
    assert WatchSettings.load(env=False, host_rate="4").host_rate == 4.0
    assert parse_duration("15m") == 900 and parse_duration("2h") == 7200 and parse_duration("30") == 30
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_a_source_is_checked_when_added():
    src = make_source("https://b.example/list", pattern=r"/20\d\d/", every="1h", country="iq")
    assert (src.name, src.every_s, src.country) == ("b.example-list", 3600, "IQ")
    assert make_source("https://b.example/list", taken=["b.example-list"]).name == "b.example-list-2"
    for kw, why in (({"url": "ftp://x.example/feed"}, "not an http"), ({"every": "soon"}, "not a duration"),
                    ({"pattern": "(["}, "not a regular expression"), ({"country": "Syria"}, "alpha-2"),
                    ({"name": "a b"}, "letters, digits")):
        with pytest.raises(ValueError, match=why):
            make_source(**{"url": "https://c.example/", **kw})


def test_sources_file_yaml_and_plain_lines(tmp_path):
    y = tmp_path / "sources.yaml"
    y.write_text("- https://a.example/feed.xml\n"
                 "- url: https://b.example/syria/\n  name: b-syria\n  every: 30m\n  country: sy\n"
                 "  pattern: '/syria/\\d+'\n")
    a, b = load_sources_file(str(y))
    assert a.url == "https://a.example/feed.xml" and a.name == "a.example-feed" and a.every_s == 900
    assert (b.name, b.every_s, b.country, b.pattern) == ("b-syria", 1800, "SY", r"/syria/\d+")
    t = tmp_path / "sources.txt"
    t.write_text("# my feeds\nhttps://a.example/rss\n\nhttps://c.example/atom.xml\n")
    assert [s.url for s in load_sources_file(str(t))] == ["https://a.example/rss", "https://c.example/atom.xml"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("- url: https://a.example/\n  evry: 5m\n")
    with pytest.raises(InputError, match="source 1: unknown key.*evry"):
        load_sources_file(str(bad))
    bad.write_text("- url: https://a.example/\n  pattern: '(['\n")
    with pytest.raises(InputError, match="not a regular expression"):
        load_sources_file(str(bad))


# -- the fetcher -------------------------------------------------------------------------
def test_conditional_get_answers_304_and_user_agent_names_rasd(site):
    site.routes["/feed.xml"] = Reply(body=rss([("http://x/a", "A")]), etag=True, content_type="application/rss+xml")
    first = fetch(site.url("/feed.xml"))
    assert first.status == 200 and first.etag
    again = fetch(site.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b""
    hits = site.requests_to("/feed.xml")
    assert [h.status for h in hits] == [200, 304] and hits[1].conditional
    assert all(h.agent.startswith("rasd/") for h in site.hits)


def test_5xx_is_retried_with_backoff_then_reported(site):
    site.routes["/flaky"] = lambda req: Reply(503) if req.count == 1 else Reply(body=html("fine now " * 5))
    site.routes["/down"] = Reply(500)
    ok, down = fetch_many([site.url("/flaky"), site.url("/down")])
    assert ok.status == 200 and len(site.requests_to("/flaky")) == 2
    assert isinstance(down, FetchError) and down.passing
    assert "HTTP 500" in down.reason and "after 2 attempts" in down.reason
    a, b = site.requests_to("/down")
    assert b.t - a.t >= FAST.backoff_s * 0.9  # it waited before trying again


def test_timeout_is_a_passing_failure(site):
    site.routes["/slow"] = Reply(body=html("late"), delay=2.0)
    t0 = time.monotonic()
    err = fetch(site.url("/slow"), FAST.but(retries=0))
    assert isinstance(err, FetchError) and err.passing and "timed out" in err.reason
    assert time.monotonic() - t0 < 1.8


def test_redirects_followed_loops_and_chains_named(site):
    site.routes["/old"] = Reply(301, headers={"Location": "/new"})
    site.routes["/new"] = Reply(body=html("moved here " * 5))
    site.routes["/loop-a"] = Reply(302, headers={"Location": "/loop-b"})
    site.routes["/loop-b"] = Reply(302, headers={"Location": "/loop-a"})
    for i in range(8):
        site.routes[f"/hop{i}"] = Reply(302, headers={"Location": f"/hop{i + 1}"})
    moved, loop, chain = fetch_many([site.url("/old"), site.url("/loop-a"), site.url("/hop0")])
    assert moved.status == 200 and moved.final_url == site.url("/new") and moved.url == site.url("/old")
    assert isinstance(loop, FetchError) and "redirect loop" in loop.reason and not loop.passing
    assert isinstance(chain, FetchError) and f"more than {FAST.max_redirects} redirects" in chain.reason
    assert len(site.requests_to("/loop-a")) == 1  # the loop was seen, not walked round again


def test_50_mb_page_refused_without_reading_it_whole(site):
    chunk = b"<p>" + b"x" * 65529 + b"</p>"  # 64 KB
    fifty = 50 * MB // len(chunk)

    def stream():
        for _ in range(fifty):
            yield chunk

    site.routes["/big-declared"] = Reply(body=stream, length=fifty * len(chunk))
    site.routes["/big-streamed"] = Reply(body=stream)  # no Content-Length: read until the limit
    declared, streamed = fetch_many([site.url("/big-declared"), site.url("/big-streamed")])
    assert isinstance(declared, FetchError) and "Content-Length 50.0 MB" in declared.reason
    assert isinstance(streamed, FetchError) and "stopped reading" in streamed.reason
    assert not declared.passing and not streamed.passing
    time.sleep(0.2)  # let the server notice the closed connections
    for path in ("/big-declared", "/big-streamed"):
        (hit,) = site.requests_to(path)
        assert hit.sent < 10 * MB, f"{path}: the server wrote {hit.sent} bytes"


def test_robots_txt_disallow_404_and_5xx(site):
    site.routes["/robots.txt"] = Reply(body=b"User-agent: rasd\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n",
                                       content_type="text/plain")
    site.routes["/private/a"] = Reply(body=html("secret " * 10))
    site.routes["/public/a"] = Reply(body=html("open " * 10))
    private, public = fetch_many([site.url("/private/a"), site.url("/public/a")])
    assert isinstance(private, FetchError) and "disallowed by robots.txt" in private.reason
    assert public.status == 200  # the rasd group applies, not the '*' one
    assert site.requests_to("/private/a") == [] and len(site.requests_to("/robots.txt")) == 1

    site.routes["/robots.txt"] = Reply(404)
    assert fetch(site.url("/private/a")).status == 200  # no robots.txt: everything allowed

    site.routes["/robots.txt"] = Reply(503)
    err = fetch(site.url("/public/a"))
    assert isinstance(err, FetchError) and err.passing and "robots.txt unavailable" in err.reason


def test_per_host_rate_limit(site):
    for i in range(10):
        site.routes[f"/p{i}"] = Reply(body=html(f"page {i} " * 5))
    fetch_many([site.url(f"/p{i}") for i in range(10)], FAST.but(host_rate=10.0))
    starts = sorted(h.t for h in site.hits)  # 11 requests with robots.txt, by the server's clock
    # 10 a second: starts 100 ms apart (arrivals jitter on a busy machine, the span cannot shrink)
    assert starts[-1] - starts[0] >= 10 * 0.1 * 0.9
    worst = max(sum(1 for t in starts if s <= t < s + 0.5) for s in starts)
    assert worst <= 7, worst  # 5 in any half second, give or take scheduling


def test_per_host_concurrency_limit(site):
    for i in range(6):
        site.routes[f"/slow{i}"] = Reply(body=html(f"page {i} " * 5), delay=0.15)
    pages = fetch_many([site.url(f"/slow{i}") for i in range(6)], FAST.but(host_concurrency=2))
    assert all(p.status == 200 for p in pages)
    hits = [h for h in site.hits if h.path.startswith("/slow")]
    in_flight = max(sum(1 for o in hits if o.t <= h.t < o.end) for h in hits)
    assert in_flight == 2  # two at a time, never three


# -- reading sources ---------------------------------------------------------------------
def _page(body: bytes, ctype: str, url: str = "http://127.0.0.1/src") -> Page:
    return Page(url, url, 200, body, ctype)


def test_atom_json_feed_and_listing_page():
    atom = (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
            b'<entry><title>One</title><link rel="alternate" href="/a/1"/><id>urn:1</id>'
            b'<updated>2024-12-01T10:00:00Z</updated></entry></feed>')
    got = read_source(_page(atom, "application/atom+xml"))
    assert got.kind == "atom10" and [i.url for i in got.items] == ["http://127.0.0.1/a/1"]
    assert str(got.items[0].published) == "2024-12-01"

    jf = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
        {"id": "1", "url": "http://127.0.0.1/j/1", "title": "J1", "date_published": "2024-11-30T08:00:00Z"},
        {"id": "http://127.0.0.1/j/2", "title": "by id"}, {"id": "3", "content_text": "no link"}]}
    got = read_source(_page(json.dumps(jf).encode(), "application/feed+json"))
    assert got.kind == "json" and [i.url for i in got.items] == ["http://127.0.0.1/j/1", "http://127.0.0.1/j/2"]
    with pytest.raises(InputError, match="not a JSON Feed"):
        read_source(_page(b'{"items": []}', "application/json"))

    listing = (b"<html><head><title>Syria</title><base href='http://127.0.0.1/site/'></head><body>"
               b"<a href='news/2024/strike.html'>Strike</a><a href='/about'>About</a>"
               b"<a href='news/2024/strike.html#top'>again</a><a href='http://other.example/news/2024/x'>x</a>"
               b"</body></html>")
    got = read_source(_page(listing, "text/html"), pattern=r"/news/\d{4}/")
    assert got.kind == "page"
    assert [i.url for i in got.items] == ["http://127.0.0.1/site/news/2024/strike.html",
                                          "http://other.example/news/2024/x"]


def test_malformed_xml_non_feed_and_binary_answers_are_named():
    good = rss([("http://127.0.0.1/a", "A"), ("http://127.0.0.1/b", "B")])
    cut = good[: good.index(b"</item>") + 7] + b"<item><title>B</title><link>http"  # truncated mid-item
    got = read_source(_page(cut, "application/rss+xml"))
    assert got.warning and "malformed XML" in got.warning and got.items[0].url == "http://127.0.0.1/a"
    with pytest.raises(InputError, match="malformed XML.*no items"):
        read_source(_page(b"<?xml version='1.0'?><rss><channel><title>x</ti", "application/rss+xml"))
    with pytest.raises(InputError, match="HTML page, not a feed.*--pattern"):
        read_source(_page(html("a page " * 5), "text/html"))
    with pytest.raises(InputError, match="PNG image"):
        read_source(_page(b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "image/png"))
    with pytest.raises(InputError, match="empty answer"):
        read_source(_page(b"  ", "application/rss+xml"))
