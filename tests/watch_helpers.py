"""Shared pieces of the watcher's tests: fast settings and running a fetch (the local site
itself is conftest's ``site`` fixture)."""
from __future__ import annotations

import asyncio

from rasd.watch.fetch import Fetcher
from rasd.watch.settings import WatchSettings
from rasd.watch.synthetic import Reply

# small waits and limits so that failures, retries and timeouts cost milliseconds
FAST = WatchSettings.load(env=False).but(timeout_s=0.5, retries=1, backoff_s=0.05, backoff_max_s=0.2,
                                         host_rate=200.0, host_concurrency=4, max_bytes=1024 * 1024)
NO_ROBOTS = Reply(404, b"<html><body>none</body></html>")


def fetch(url: str, settings: WatchSettings = FAST, **kw):
    """One ``Fetcher.get`` in a fresh event loop: the Page, or the FetchError it raised."""
    async def go():
        async with Fetcher(settings) as f:
            try:
                return await f.get(url, **kw)
            except Exception as exc:  # the test looks at it
                return exc
    return asyncio.run(go())


def fetch_many(urls: list[str], settings: WatchSettings = FAST) -> list:
    async def go():
        async with Fetcher(settings) as f:
            async def one(u):
                try:
                    return await f.get(u)
                except Exception as exc:
                    return exc
            return await asyncio.gather(*(one(u) for u in urls))
    return asyncio.run(go())


def html(text: str, title: str = "A page") -> bytes:
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article>"
            f"<p>{text}</p></article></body></html>").encode()
