"""A local news site for the watcher's tests and bench: a stdlib HTTP server on a loopback
address, in a thread, answering from a table of routes, logging every request.

Nothing here reaches beyond 127.0.0.0/8. ``LocalSite`` serves whatever ``Reply`` a route
gives (status, body or a stream of chunks, headers, a delay) and answers conditional GETs of
replies that carry an ETag or Last-Modified with 304. ``news_site`` fills one with generated
articles and RSS feeds.
"""
from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterable, Optional, Union
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

Body = Union[bytes, Callable[[], Iterable[bytes]]]


@dataclass
class Reply:
    status: int = 200
    body: Body = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    etag: bool = False  # send an ETag (and Last-Modified) and answer 304 when they match
    length: Optional[int] = None  # a Content-Length to declare for a streamed body


@dataclass
class Hit:
    t: float  # time.monotonic() when the request arrived
    host: str  # the address the request was made to (the site's own)
    path: str
    status: int = 0
    sent: int = 0  # body bytes written before the client went away or the answer ended
    agent: str = ""
    conditional: bool = False
    end: float = 0.0  # time.monotonic() when the answer was written (or the client left)


Route = Union[Reply, Callable[["Request"], Reply]]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    count: int  # how many times this path was asked, this one included


class LocalSite:
    """``with LocalSite() as site: site.routes['/feed'] = Reply(...); site.url('/feed')``."""

    LAST_MODIFIED = "Mon, 02 Dec 2024 10:00:00 GMT"

    def __init__(self, host: str = "127.0.0.1"):
        if not host.startswith("127."):
            raise ValueError("the local site listens on loopback addresses only")
        self.host = host
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.counts: dict[str, int] = {}
        self.fault: Optional[Callable[[str, int], Optional[Reply]]] = None  # (path, count) -> a reply instead
        self._lock = threading.Lock()
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # -- life ---------------------------------------------------------------------
    def start(self) -> "LocalSite":
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                site._answer(self)

        self._server = _Server((self.host, 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True, name=f"local-site-{self.host}")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "LocalSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start the site first"
        return self._server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def requests_to(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    # -- answering ------------------------------------------------------------------
    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        with self._lock:
            n = self.counts[path] = self.counts.get(path, 0) + 1
            hit = Hit(time.monotonic(), self.host, path, agent=h.headers.get("User-Agent", ""),
                      conditional=bool(h.headers.get("If-None-Match") or h.headers.get("If-Modified-Since")))
            self.hits.append(hit)
        reply = self.fault(path, n) if self.fault else None
        if reply is None:
            route = self.routes.get(path) or self.routes.get(urlsplit(path).path)
            if route is None:
                reply = Reply(404, b"<html><body><p>Not found</p></body></html>")
            else:
                reply = route(Request(path, dict(h.headers), n)) if callable(route) else route
        if reply.delay:
            time.sleep(reply.delay)
        headers = dict(reply.headers)
        body = reply.body
        if reply.etag and isinstance(body, bytes):
            tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            headers["ETag"] = tag
            headers["Last-Modified"] = self.LAST_MODIFIED
            if h.headers.get("If-None-Match") == tag or (
                    not h.headers.get("If-None-Match") and h.headers.get("If-Modified-Since") == self.LAST_MODIFIED):
                hit.status = 304
                self._head(h, 304, headers, 0, "")
                hit.end = time.monotonic()
                return
        hit.status = reply.status
        try:
            if isinstance(body, bytes):
                self._head(h, reply.status, headers, len(body), reply.content_type)
                h.wfile.write(body)
                hit.sent = len(body)
            else:
                self._head(h, reply.status, headers, reply.length, reply.content_type)
                for chunk in body():
                    h.wfile.write(chunk)
                    hit.sent += len(chunk)
            h.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True
        finally:
            hit.end = time.monotonic()

    @staticmethod
    def _head(h: BaseHTTPRequestHandler, status: int, headers: dict, length: Optional[int], ctype: str) -> None:
        try:
            h.send_response(status)
            if ctype:
                h.send_header("Content-Type", ctype)
            if length is not None:
                h.send_header("Content-Length", str(length))
            else:
                h.close_connection = True  # the body ends when the connection does
                h.send_header("Connection", "close")
            for k, v in headers.items():
                h.send_header(k, v)
            h.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # a client that went away is no error


# -- generated news ------------------------------------------------------------------------
WORDS = ("shelling strike convoy checkpoint rebels army monitor civilians killed wounded town province "
         "ceasefire talks militia drone market hospital border crossing evacuation village district "
         "observatory residents police protest council negotiations road bridge fighters brigade").split()


def article_html(n: int, *, canonical: Optional[str] = None, seed: int = 0, title: Optional[str] = None) -> bytes:
    """A news article page (headline, date, four to six paragraphs), different for each ``n``."""
    rng = random.Random(seed * 1_000_003 + n)
    title = title or f"Report {n}: " + " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    day = date(2024, 1, 1) + timedelta(days=n % 360)
    paras = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 55))).capitalize()
        + f" (dispatch {n}-{i}).</p>\n" for i in range(rng.randint(4, 6)))
    link = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>{link}"
            f"<meta property='article:published_time' content='{day.isoformat()}'></head>"
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{escape(title)}</h1>"
            f"<time datetime='{day.isoformat()}'>{day.isoformat()}</time>\n{paras}</article>"
            f"<footer>Local Monitor</footer></body></html>").encode("utf-8")


def rss(items: Iterable[tuple[str, str]], title: str = "Local Monitor") -> bytes:
    """An RSS 2.0 feed of (url, title) items."""
    body = "".join(f"<item><title>{escape(t)}</title><link>{escape(u)}</link><guid>{escape(u)}</guid>"
                   f"<pubDate>{format_datetime(_when(i))}</pubDate></item>"
                   for i, (u, t) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>http://127.0.0.1/</link><description>test feed</description>{body}</channel></rss>").encode()


def _when(i: int):
    from datetime import datetime, timezone

    return datetime(2024, 12, 1, 12, 0, tzinfo=timezone.utc) - timedelta(hours=i)


def news_site(site: LocalSite, n_articles: int, n_feeds: int, *, prefix: str = "", seed: int = 0) -> list[str]:
    """Add ``n_articles`` article pages and ``n_feeds`` RSS feeds (article i in feed i % n_feeds,
    with ETags) to ``site``; returns the feeds' URLs. Article pages declare their canonical URL."""
    feeds: list[list[tuple[str, str]]] = [[] for _ in range(n_feeds)]
    for i in range(n_articles):
        path = f"{prefix}/news/{i:05d}-report.html"
        url = site.url(path)
        site.routes[path] = Reply(body=article_html(i, canonical=url, seed=seed))
        feeds[i % n_feeds].append((url, f"Report {i}"))
    out = []
    for f, items in enumerate(feeds):
        path = f"{prefix}/feeds/{f}.xml"
        site.routes[path] = Reply(body=rss(items, f"Feed {f}"), content_type="application/rss+xml", etag=True)
        out.append(site.url(path))
    return out
