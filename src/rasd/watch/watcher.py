"""The watcher: reads its sources, fetches the articles they list, stores them once.

A pass:
1. reads every source due (conditional GET; a 304 changes nothing) and records what it lists:
   new links become *pending* items in the store, in the same transaction as the source's new
   ETag, so a watcher killed after that still fetches them on its next pass;
2. fetches every pending item of those sources, and every *failed* one with attempts left;
3. reads each page with rasd's HTML reader (trafilatura), puts it under its canonical URL
   (the page's rel=canonical, else the URL after redirects; tracking parameters and fragment
   out) and stores it through the ingest pipeline. The item's outcome is written in the same
   transaction as the document.
An article reached twice (two feeds, a redirect, a tracking parameter, rel=canonical) is
stored once: by its canonical URL first, then by the store's content hash.

All store work and page reading run on one writer thread, in the order they come; fetching
runs on the event loop, bounded by the fetcher's per-host limits.
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterable, Optional

from ..errors import InputError
from ..read import Reader
from ..store.base import ListedItem, SourceRead, WatchItem, WatchSource, WatchStore
from .feeds import read_source
from .fetch import Fetcher, FetchError, Page
from .pages import PAGE_ACCEPT, page_document
from .settings import WatchSettings
from .sink import PipelineSink
from .urls import Canonicaliser

log = logging.getLogger(__name__)

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
               "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5")


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class PassReport:
    number: int = 0
    sources: int = 0
    read: int = 0
    not_modified: int = 0
    new_links: int = 0
    items: int = 0  # items tried
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    failures: list[str] = field(default_factory=list)  # one line each
    failed_sources: int = 0
    failed_items: int = 0
    requests: int = 0
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted

    def line(self) -> str:
        return (f"pass {self.number}: {self.read + self.not_modified}/{self.sources} sources read"
                f" ({self.not_modified} not modified, {self.failed_sources} failed), {self.new_links} new links;"
                f" {self.items} articles tried: {self.new} new, {self.updated} updated, {self.unchanged} unchanged,"
                f" {self.duplicate} duplicate, {self.failed_items} failed; {self.requests} requests in"
                f" {self.seconds:.1f} s" + (" (interrupted)" if self.interrupted else ""))


class Watcher:
    """Built once with its services: the store (document and watch roles), the sink (pipeline
    into that store) and the settings. ``on_failure`` receives each failure's line as it happens."""

    def __init__(self, store: WatchStore, sink: PipelineSink, settings: WatchSettings, *,
                 on_failure: Optional[Callable[[str], None]] = None, transport: Any = None,
                 reader: Optional[Reader] = None):
        self.store = store
        self.sink = sink
        self.settings = settings
        self.canon = Canonicaliser(settings.tracking_params)
        self.on_failure = on_failure or (lambda line: None)
        self.reader = reader or Reader()
        self._transport = transport
        self._writer: Optional[ThreadPoolExecutor] = None
        self._fetcher: Optional[Fetcher] = None
        self._backlog: Optional[asyncio.Semaphore] = None
        self.passes = 0

    # -- running -------------------------------------------------------------------
    async def run(self, stop: asyncio.Event, *, once: bool = False, names: Optional[Iterable[str]] = None,
                  on_pass: Optional[Callable[[PassReport], None]] = None) -> Optional[PassReport]:
        """One pass over every source (``once``), or passes over the sources as they fall due
        until ``stop`` is set. ``names`` limits the sources. Returns the last pass's report."""
        wanted = set(names) if names is not None else None
        last: Optional[PassReport] = None
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="rasd-watch-writer")
        self._backlog = asyncio.Semaphore(2 * self.settings.total_concurrency)
        try:
            async with Fetcher(self.settings, transport=self._transport) as fetcher:
                self._fetcher = fetcher
                while not stop.is_set():
                    sources = [s for s in await self._db(self.store.list_sources)
                               if wanted is None or s.name in wanted]
                    now = time.time()
                    due = sources if once else [s for s in sources if _due_at(s) <= now]
                    if due:
                        last = PassReport(number=self.passes + 1, sources=len(due))
                        try:
                            await self._interruptible(self.run_pass(due, last), stop)
                        except Exception as exc:  # a bug or a store error: say it, keep watching
                            if once:
                                raise
                            log.debug("pass %d failed", last.number, exc_info=True)
                            self._fail(last, f"pass {last.number} stopped: {type(exc).__name__}: {exc}")
                        if on_pass is not None:
                            on_pass(last)
                    if once:
                        break
                    nxt = min((_due_at(s) for s in sources), default=now + 60)
                    try:
                        await asyncio.wait_for(stop.wait(), timeout=min(60.0, max(0.2, nxt - time.time())))
                    except asyncio.TimeoutError:
                        pass
        finally:
            self._fetcher = None
            # the document being written is committed whole; those still queued wait for the next pass
            self._writer.shutdown(wait=True, cancel_futures=True)
        return last

    @staticmethod
    async def _interruptible(coro, stop: asyncio.Event) -> bool:
        """Run ``coro`` until it ends or ``stop`` is set (then cancel it); True when it ended."""
        task = asyncio.ensure_future(coro)
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return False
        task.result()  # a bug in the pass is raised here
        return True

    async def _db(self, fn: Callable, *args: Any, **kw: Any) -> Any:
        """Run store work (and page reading) on the writer thread, in order."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, lambda: fn(*args, **kw))

    # -- a pass ----------------------------------------------------------------------
    async def run_pass(self, sources: list[WatchSource], report: Optional[PassReport] = None) -> PassReport:
        """One pass over ``sources``; ``report`` is filled as it goes (and marked interrupted
        when the pass is cancelled)."""
        assert self._fetcher is not None
        self.passes += 1
        report = report if report is not None else PassReport()
        report.number, report.sources = self.passes, len(sources)
        report.interrupted = True  # until it ends
        fetcher = self._fetcher
        fetcher.new_pass()
        requests0 = fetcher.stats.requests
        t0 = time.perf_counter()
        try:
            await asyncio.gather(*(self._read_source(s, report) for s in sources))
            by_name = {s.name: s for s in sources}
            items = await self._db(self.store.items_to_fetch, list(by_name), self.settings.item_attempts)
            report.items = len(items)
            await asyncio.gather(*(self._article(it, by_name[it.source], report) for it in items))
            report.interrupted = False
        finally:
            report.requests = fetcher.stats.requests - requests0
            report.seconds = time.perf_counter() - t0
        return report

    def _fail(self, report: PassReport, line: str) -> None:
        report.failures.append(line)
        self.on_failure(line)

    async def _read_source(self, src: WatchSource, report: PassReport) -> None:
        assert self._fetcher is not None
        at = utc_now()
        try:
            page = await self._fetcher.get(src.url, etag=src.etag, last_modified=src.last_modified,
                                           accept=FEED_ACCEPT)
            if page.not_modified:
                await self._db(self.store.record_read, src.name,
                               SourceRead("not-modified", at, etag=page.etag, last_modified=page.last_modified))
                report.not_modified += 1
                return
            feed = await asyncio.to_thread(read_source, page, src.pattern)
        except InputError as exc:
            await self._db(self.store.record_read, src.name, SourceRead("error", at, error=exc.reason))
            report.failed_sources += 1
            self._fail(report, f"source {src.name}: {exc.source}: {exc.reason}")
            return
        listed, seen = [], set()
        for it in feed.items:
            url = self.canon(it.url)
            if url not in seen:
                seen.add(url)
                listed.append(ListedItem(url, it.title, it.published.isoformat() if it.published else None))
        read = SourceRead("ok", at, error=feed.warning, kind=feed.kind, etag=page.etag,
                          last_modified=page.last_modified)
        new = await self._db(self.store.record_read, src.name, read, listed)
        report.read += 1
        report.new_links += new
        if feed.warning:
            log.warning("source %s: %s", src.name, feed.warning)
        log.info("source %s: %s, %d links, %d new", src.name, feed.kind, len(listed), new)

    async def _article(self, item: WatchItem, src: WatchSource, report: PassReport) -> None:
        assert self._fetcher is not None
        at = utc_now()
        try:
            assert self._backlog is not None
            async with self._backlog:  # fetched pages waiting for the writer stay few
                page = await self._fetcher.get(item.url, accept=PAGE_ACCEPT)
                status, outcomes = await self._db(self._store_page, item, src, page, at)
        except Exception as exc:
            if not isinstance(exc, InputError):  # a bug or a store error: this item's, tried again
                log.debug("%s failed", item.url, exc_info=True)
                exc = FetchError(item.url, f"could not be stored ({type(exc).__name__}: {exc})", passing=True)
            passing = isinstance(exc, FetchError) and exc.passing
            await self._db(self.store.mark_item, item.url, "failed" if passing else "rejected",
                           at=at, error=exc.reason)
            report.failed_items += 1
            left = self.settings.item_attempts - item.attempts - 1
            tail = (f"; will retry ({left} attempts left)" if left > 0 else "; no attempts left") if passing else ""
            self._fail(report, f"{item.url}: {exc.reason} (source {src.name}){tail}")
            return
        if status == "duplicate" and not outcomes:
            report.duplicate += 1
        for out in outcomes:
            setattr(report, out.status, getattr(report, out.status) + 1)

    def _store_page(self, item: WatchItem, src: WatchSource, page: Page, at: str) -> tuple[str, list]:
        """On the writer thread: read the page, find its canonical URL, store it once."""
        doc = page_document(self.reader, self.canon, page)
        canonical = doc.url
        if canonical != item.url:
            known = self.store.find_item(canonical)
            if known is not None and known.status in ("stored", "duplicate") and known.doc_id:
                self.store.mark_item(item.url, "duplicate", at=at, doc_id=known.doc_id, canonical=canonical)
                log.info("%s: already stored as %s (canonical %s)", item.url, known.doc_id, canonical)
                return "duplicate", []
            doc.meta["listed_url"] = item.url
        doc.outlet = doc.outlet or src.name
        if doc.published is None and item.published:
            doc.published = date.fromisoformat(item.published)
        doc.meta["watch_source"] = src.name
        if src.country:
            doc.meta["country"] = src.country

        def record(outcomes: list) -> None:
            stored = [o for o in outcomes if o.status != "duplicate"]
            if stored:
                self.store.mark_item(item.url, "stored", at=at, doc_id=stored[0].doc_id, canonical=canonical)
            else:
                self.store.mark_item(item.url, "duplicate", at=at, canonical=canonical,
                                     error="the same text as a stored document")

        outcomes = self.sink.store_doc(doc, then=record)
        log.info("%s: %s as %s", item.url, "/".join(o.status for o in outcomes), doc.doc_id)
        return ("stored" if any(o.status != "duplicate" for o in outcomes) else "duplicate"), outcomes


def _due_at(src: WatchSource) -> float:
    """Unix time a source is next due: its last read plus its interval (now when never read)."""
    if not src.last_fetch_at:
        return 0.0
    try:
        last = datetime.strptime(src.last_fetch_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return 0.0
    return last.timestamp() + src.every_s
