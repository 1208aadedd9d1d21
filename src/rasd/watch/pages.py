"""Fetched article pages -> Documents, through rasd's HTML reader (trafilatura), for the watcher
and for `rasd ingest URL...`."""
from __future__ import annotations

import asyncio
from typing import Any, Iterator, Optional, Union

from ..errors import InputError
from ..read import Reader
from ..records import Document
from .fetch import Fetcher, Page
from .settings import WatchSettings
from .urls import Canonicaliser, doc_id_for, is_web_url

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
HTML_TYPES = ("text/html", "application/xhtml+xml", "")  # "": no Content-Type, the content decides
CHUNK = 64  # URLs of `rasd ingest` fetched together


def page_document(reader: Reader, canon: Canonicaliser, page: Page) -> Document:
    """The article of a fetched page, put under its canonical URL: the page's rel=canonical
    (as trafilatura reads it), else the URL after redirects; tracking parameters and fragment
    out. ``doc.url`` is that URL and ``doc.doc_id`` is made from it. Raises InputError."""
    if page.content_type not in HTML_TYPES:
        raise InputError(page.final_url, f"not an HTML page ({page.content_type})")
    if not page.body.strip():
        raise InputError(page.final_url, "empty answer")
    doc = reader.read_page(page.body, url=page.final_url, doc_id=doc_id_for(canon(page.final_url)),
                           charset=page.charset)
    canonical = canon(doc.url if doc.url and is_web_url(doc.url) else page.final_url)
    doc.doc_id, doc.url = doc_id_for(canonical), canonical
    doc.meta["fetched_url"] = page.final_url
    return doc


def fetch_documents(urls: list[str], reader: Reader, settings: Optional[WatchSettings] = None,
                    transport: Any = None) -> Iterator[Union[Document, InputError]]:
    """A Document for each URL (fetched concurrently within the per-host limits), or an
    InputError naming it, in the order given."""
    settings = settings or WatchSettings.load()
    canon = Canonicaliser(settings.tracking_params)

    async def fetch_all(chunk: list[str]) -> list:
        async with Fetcher(settings, transport=transport) as fetcher:
            async def one(url: str):
                try:
                    return await fetcher.get(url, accept=PAGE_ACCEPT)
                except InputError as exc:
                    return exc
            return await asyncio.gather(*(one(u) for u in chunk))

    for at in range(0, len(urls), CHUNK):  # a chunk at a time: pages held in memory stay few
        for page in asyncio.run(fetch_all(urls[at:at + CHUNK])):
            if isinstance(page, InputError):
                yield page
                continue
            try:
                yield page_document(reader, canon, page)
            except InputError as exc:
                yield exc
