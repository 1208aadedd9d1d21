"""A fetched source -> the article links it lists.

- RSS (0.9x, 1.0, 2.0) and Atom: feedparser. An answer that is not well-formed XML is an error
  when nothing could be read from it, and a warning when feedparser's lenient reading still
  found items.
- JSON Feed (1.0, 1.1): it is plain JSON, read with ``json``; ``url`` (else ``external_url``,
  else an http(s) ``id``) of each item.
- A plain page that lists articles (a source given ``pattern``): the links of its ``<a href>``
  elements (lxml), made absolute, whose URL the regular expression matches (``re.search``).
Anything else (an HTML page without a pattern, an image, an empty answer) is an error naming it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Optional

from ..errors import InputError
from ..read.decode import binary_kind, bytes_to_text
from ..read.html import looks_like_html
from ..read.meta import parse_date
from .fetch import Page
from .urls import absolute, is_web_url

JSON_FEED = "https://jsonfeed.org/version/"
_XML_START = re.compile(rb"^\s*(?:<\?xml|<rss\b|<feed\b|<rdf:RDF\b)", re.I)


@dataclass
class FeedItem:
    url: str  # absolute, as the source gives it
    title: Optional[str] = None
    published: Optional[date] = None


@dataclass
class FeedRead:
    kind: str  # rss20, atom10, ..., "json" (JSON Feed) or "page" (a listing page)
    items: list[FeedItem] = field(default_factory=list)
    title: Optional[str] = None
    warning: Optional[str] = None  # something wrong that did not stop the reading


def read_source(page: Page, pattern: Optional[str] = None) -> FeedRead:
    """The items of a fetched feed or listing page; raises InputError naming the URL."""
    url = page.final_url
    body = page.body
    if not body.strip():
        raise InputError(url, "empty answer")
    kind = binary_kind(body)
    if kind:
        raise InputError(url, f"not a feed or a page: {kind} ({page.content_type or 'no content type'})")
    if pattern:
        return read_listing(page, pattern)
    if "json" in page.content_type or body.lstrip()[:1] == b"{":
        return read_json_feed(page)
    if not _XML_START.match(body[:512]):
        text, _ = bytes_to_text(url, body[:4096], html=True)
        if looks_like_html(text) or "html" in page.content_type:
            raise InputError(url, "an HTML page, not a feed: give the source a --pattern to read the "
                                  "article links it lists")
    return read_xml_feed(page)


def read_xml_feed(page: Page) -> FeedRead:
    import feedparser
    from feedparser.exceptions import ThingsNobodyCaresAboutButMe

    ctype = page.content_type or "application/xml"
    headers = {"content-location": page.final_url,
               "content-type": ctype + (f"; charset={page.charset}" if page.charset else "")}
    d = feedparser.parse(page.body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    problem = None
    if d.get("bozo") and not isinstance(d.get("bozo_exception"), ThingsNobodyCaresAboutButMe):
        problem = f"malformed XML ({d.get('bozo_exception')})"
    if not d.entries and not problem and not d.get("version"):
        raise InputError(page.final_url, f"not a feed (no RSS or Atom document; content type "
                                         f"{page.content_type or 'none'})")
    items = []
    for e in d.entries:
        link = e.get("link") or next((ln.get("href") for ln in e.get("links", []) if ln.get("href")), None)
        if not link and is_web_url(str(e.get("id") or "")):
            link = e.get("id")
        if not link:
            continue
        link = absolute(page.final_url, link)
        if is_web_url(link):
            when = e.get("published_parsed") or e.get("updated_parsed")
            items.append(FeedItem(link, _text(e.get("title")), date(*when[:3]) if when else None))
    if problem and not items:
        raise InputError(page.final_url, f"{problem}: no items could be read")
    warning = f"{problem}; {len(items)} items read anyway" if problem else None
    return FeedRead(d.get("version") or "feed", items, _text(d.feed.get("title")), warning)


def read_json_feed(page: Page) -> FeedRead:
    url = page.final_url
    text, _ = bytes_to_text(url, page.body)
    try:
        data: Any = json.loads(text)
    except ValueError as exc:
        raise InputError(url, f"malformed JSON ({exc})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(JSON_FEED):
        raise InputError(url, "JSON that is not a JSON Feed (no jsonfeed.org version)")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise InputError(url, "JSON Feed without an items list")
    items = []
    for it in raw_items:
        if not isinstance(it, dict):
            continue
        link = it.get("url") or it.get("external_url") or (it.get("id") if is_web_url(str(it.get("id") or "")) else None)
        if not isinstance(link, str) or not link.strip():
            continue
        link = absolute(url, link)
        if is_web_url(link):
            items.append(FeedItem(link, _text(it.get("title")), _json_date(it.get("date_published"))))
    return FeedRead("json", items, _text(data.get("title")))


def read_listing(page: Page, pattern: str) -> FeedRead:
    import lxml.html

    url = page.final_url
    text, _ = bytes_to_text(url, page.body, html=True, charset=page.charset)
    if not looks_like_html(text) and "html" not in page.content_type:
        raise InputError(url, f"not an HTML page ({page.content_type or 'no content type'}), "
                              "so no links to match the pattern")
    try:
        doc = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml raises ParserError/ValueError on empty or odd documents
        raise InputError(url, f"cannot read the page's links ({exc})") from None
    base = next(iter(doc.xpath("//base/@href")), None)
    base = absolute(url, base) if base else url
    rx = re.compile(pattern)
    items, seen = [], set()
    for a in doc.xpath("//a[@href]"):
        link = absolute(base, a.get("href")).split("#", 1)[0]
        if link in seen or not is_web_url(link) or not rx.search(link):
            continue
        seen.add(link)
        items.append(FeedItem(link, _text(a.text_content())))
    title = next(iter(doc.xpath("//title/text()")), None)
    return FeedRead("page", items, _text(title))


def _text(value: Any) -> Optional[str]:
    if value is None:
        return None
    s = " ".join(str(value).split())
    return s or None


def _json_date(value: Any) -> Optional[date]:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return parse_date(value)
