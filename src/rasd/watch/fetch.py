"""Polite, bounded HTTP fetching (httpx), shared by `rasd watch` and `rasd ingest URL`.

One ``Fetcher`` per run. Each request:
- asks robots.txt first (one fetch per host, kept ``robots_ttl_s``; a 4xx robots.txt allows
  everything, a 5xx or a timeout defers the host: ``FetchError(passing=True)``);
- waits for its host's turn (at most ``host_rate`` request starts a second and
  ``host_concurrency`` requests in flight per host, ``total_concurrency`` over all hosts;
  a robots.txt Crawl-delay that asks for more is honoured);
- is conditional when an ETag or Last-Modified is given (a 304 comes back as ``Page.status`` 304);
- refuses an answer over ``max_bytes`` by its Content-Length, or streams it and stops at the limit;
- follows redirects itself (each hop is a request of its host: robots and limits apply), at most
  ``max_redirects``, a loop named as such;
- is retried with exponential backoff after a 5xx, a 429/408, a timeout or a dropped connection
  (a Retry-After header is honoured up to ``backoff_max_s``).
A failure is a ``FetchError`` (an ``InputError`` naming the URL) that says whether it may pass.
"""
from __future__ import annotations

import asyncio
import email.utils
import logging
import time
import urllib.robotparser
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Optional
from urllib.parse import urljoin, urlsplit

import httpx

from ..errors import InputError
from ..read.decode import human_size
from .settings import WatchSettings
from .urls import host_key, is_web_url

log = logging.getLogger(__name__)

REDIRECTS = (301, 302, 303, 307, 308)
PASSING_STATUS = (408, 429)  # besides every 5xx


class FetchError(InputError):
    """A URL could not be fetched. ``passing``: worth trying again later (5xx, timeout, ...)."""

    def __init__(self, url: str, reason: str, *, passing: bool = False, status: Optional[int] = None,
                 retry_after: float = 0.0):
        super().__init__(url, reason)
        self.passing = passing
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to wait (Retry-After)


@dataclass
class Page:
    url: str  # as asked
    final_url: str  # after redirects
    status: int  # 200 (or another 2xx), or 304 when a conditional request found nothing new
    body: bytes = b""
    content_type: str = ""  # media type, lower case, without parameters
    charset: Optional[str] = None
    etag: Optional[str] = None
    last_modified: Optional[str] = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class FetchStats:
    requests: int = 0
    not_modified: int = 0
    retries: int = 0
    bytes: int = 0
    by_status: Counter = field(default_factory=Counter)


class _HostGate:
    """Per host: a semaphore for requests in flight and the time the next one may start."""

    def __init__(self, concurrency: int, interval: float):
        self.sem = asyncio.Semaphore(concurrency)
        self.interval = interval
        self.next_start = 0.0
        self.lock = asyncio.Lock()

    async def turn(self, clock: Callable[[], float]) -> None:
        """Wait for a start slot (the semaphore is already held)."""
        async with self.lock:
            now = clock()
            start = max(now, self.next_start)
            self.next_start = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)


@dataclass
class _Robots:
    parser: Optional[urllib.robotparser.RobotFileParser]  # None: everything allowed
    until: float  # monotonic time this answer expires
    error: Optional[str] = None  # robots.txt unavailable (5xx, timeout): the host waits


class Fetcher:
    """Async HTTP fetcher; use ``async with Fetcher(settings) as f: await f.get(url)``."""

    def __init__(self, settings: WatchSettings, *, transport: Optional[httpx.AsyncBaseTransport] = None):
        self.settings = settings
        self.stats = FetchStats()
        self._transport = transport
        self._client: Optional[httpx.AsyncClient] = None
        self._gates: dict[str, _HostGate] = {}
        self._all: Optional[asyncio.Semaphore] = None
        self._robots: dict[str, _Robots] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._clock = time.monotonic

    async def __aenter__(self) -> "Fetcher":
        s = self.settings
        self._client = httpx.AsyncClient(
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(s.timeout_s), follow_redirects=False, transport=self._transport,
            limits=httpx.Limits(max_connections=s.total_concurrency, max_keepalive_connections=s.total_concurrency))
        self._all = asyncio.Semaphore(s.total_concurrency)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def new_pass(self) -> None:
        """Forget robots.txt answers that said "try later", so the next pass asks again."""
        self._robots = {k: v for k, v in self._robots.items() if v.error is None}

    # -- the one public call -------------------------------------------------------
    async def get(self, url: str, *, etag: Optional[str] = None, last_modified: Optional[str] = None,
                  accept: Optional[str] = None, check_robots: bool = True) -> Page:
        """Fetch ``url`` following redirects; raises FetchError."""
        if not is_web_url(url):
            raise FetchError(url, "not an http(s) URL")
        headers = {}
        if accept:
            headers["Accept"] = accept
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        chain = [url]
        current = url
        while True:
            if check_robots and not await self.allowed(current):
                raise FetchError(url, "disallowed by robots.txt" + (f" (at {current})" if current != url else ""))
            page = await self._with_retries(current, headers)
            if page.status not in REDIRECTS:
                page.url = url
                return page
            target = page.final_url  # the Location, made absolute
            if target in chain:
                raise FetchError(url, "redirect loop (" + " -> ".join(chain[chain.index(target):] + [target]) + ")")
            if len(chain) > self.settings.max_redirects:
                raise FetchError(url, f"more than {self.settings.max_redirects} redirects")
            if not is_web_url(target):
                raise FetchError(url, f"redirected to a non-http(s) URL {target!r}")
            chain.append(target)
            current = target

    # -- robots.txt ------------------------------------------------------------------
    async def allowed(self, url: str) -> bool:
        """May ``url`` be fetched? Raises FetchError(passing=True) while its robots.txt is unavailable."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{host_key(url)}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:  # one robots.txt fetch per host, however many requests wait for it
            entry = self._robots.get(origin)
            if entry is None or entry.until <= self._clock():
                entry = await self._load_robots(origin)
                self._robots[origin] = entry
        if entry.error:
            raise FetchError(url, entry.error, passing=True)
        if entry.parser is None:
            return True
        return entry.parser.can_fetch(self.settings.robots_agent, url)

    async def _load_robots(self, origin: str) -> _Robots:
        s = self.settings
        robots_url = origin + "/robots.txt"
        until = self._clock() + s.robots_ttl_s
        try:
            page = await self.get(robots_url, check_robots=False, accept="text/plain")
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                return _Robots(None, until)  # no robots.txt (or a forbidden one): everything is allowed
            if exc.passing:
                return _Robots(None, self._clock() + s.robots_ttl_s,
                               error=f"robots.txt unavailable ({exc.reason}); will try later")
            return _Robots(None, until)  # a robots.txt too large or looping: read as none
        text = page.body.decode(page.charset or "utf-8", "replace")
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(s.robots_agent)
        if delay:
            gate = self._gate(host_key(origin))
            gate.interval = max(gate.interval, float(delay))
        return _Robots(parser, until)

    # -- one request, with retries ------------------------------------------------------
    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            s = self.settings
            gate = self._gates[host] = _HostGate(s.host_concurrency, 1.0 / s.host_rate)
        return gate

    async def _with_retries(self, url: str, headers: dict[str, str]) -> Page:
        s = self.settings
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._once(url, headers)
            except FetchError as exc:
                if not exc.passing:
                    raise
                if attempt > s.retries:
                    if attempt == 1:
                        raise
                    raise FetchError(exc.source, f"{exc.reason} (after {attempt} attempts)", passing=True,
                                     status=exc.status) from None
                wait = min(s.backoff_max_s, max(s.backoff_s * 2 ** (attempt - 1), exc.retry_after))
                self.stats.retries += 1
                log.info("retry %s in %.1f s (%s)", url, wait, exc.reason)
                await asyncio.sleep(wait)

    async def _once(self, url: str, headers: dict[str, str]) -> Page:
        assert self._client is not None and self._all is not None, "use the Fetcher in 'async with'"
        s = self.settings
        gate = self._gate(host_key(url))
        t0 = time.perf_counter()
        async with self._all, gate.sem:
            await gate.turn(self._clock)
            self.stats.requests += 1
            try:
                # a whole-request deadline too: a server that trickles bytes is a timeout
                async with asyncio.timeout(s.timeout_s * 3):
                    async with self._client.stream("GET", url, headers=headers) as resp:
                        page = await self._read(url, resp)
            except (TimeoutError, httpx.TimeoutException):
                self._log(url, "timeout", t0)
                raise FetchError(url, f"timed out ({s.timeout_s:g} s)", passing=True) from None
            except httpx.TransportError as exc:
                self._log(url, "error", t0)
                raise FetchError(url, f"connection failed ({type(exc).__name__}: {exc})", passing=True) from None
            except FetchError as exc:
                self._log(url, str(exc.status or "refused"), t0)
                raise
        self._log(url, str(page.status), t0, len(page.body))
        return page

    async def _read(self, url: str, resp: httpx.Response) -> Page:
        s = self.settings
        self.stats.by_status[resp.status_code] += 1
        status = resp.status_code
        if status in REDIRECTS:
            loc = resp.headers.get("location")
            if not loc:
                raise FetchError(url, f"HTTP {status} redirect without a Location", status=status)
            return Page(url, urljoin(url, loc.strip()), status)
        if status == 304:
            self.stats.not_modified += 1
            return Page(url, url, 304, etag=resp.headers.get("etag"),
                        last_modified=resp.headers.get("last-modified"))
        if status >= 500 or status in PASSING_STATUS:
            raise FetchError(url, f"HTTP {status} {resp.reason_phrase}".rstrip(), passing=True, status=status,
                             retry_after=_retry_after(resp.headers.get("retry-after")))
        if status >= 400 or status < 200:
            raise FetchError(url, f"HTTP {status} {resp.reason_phrase}".rstrip(), status=status)
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > s.max_bytes:
            raise FetchError(url, f"too large (Content-Length {human_size(int(declared))}, over the "
                                  f"{human_size(s.max_bytes)} limit)", status=status)
        chunks, size = [], 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > s.max_bytes:
                raise FetchError(url, f"too large (over the {human_size(s.max_bytes)} limit; stopped reading)",
                                 status=status)
            chunks.append(chunk)
        self.stats.bytes += size
        ctype = resp.headers.get("content-type", "")
        media, _, params = ctype.partition(";")
        charset = None
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k.lower() == "charset" and v:
                charset = v.strip("\"' ").lower()
        return Page(url, url, status, b"".join(chunks), media.strip().lower(), charset,
                    resp.headers.get("etag"), resp.headers.get("last-modified"))

    def _log(self, url: str, what: str, t0: float, size: Optional[int] = None) -> None:
        extra = f", {human_size(size)}" if size else ""
        log.info("GET %s -> %s (%.2f s%s)", url, what, time.perf_counter() - t0, extra)


def _retry_after(value: Optional[str]) -> float:
    """Seconds of a Retry-After header (a number or an HTTP date); 0 when absent or bad."""
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, when.timestamp() - time.time())
