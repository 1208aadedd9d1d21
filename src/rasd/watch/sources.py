"""Sources the watcher follows: checked one at a time (`rasd sources add`) or read from a file.

A sources file is YAML: a list (or a mapping whose ``sources`` key holds the list) of entries,
each a URL or a mapping with ``url`` and optionally ``name``, ``every`` (``15m``), ``country``
(ISO 3166-1 alpha-2) and ``pattern`` (a regular expression: the source is a page that lists
articles, and the links it matches are the articles). A file of plain URLs, one a line
(``#`` starts a comment), is read too.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, Optional
from urllib.parse import urlsplit

from ..errors import InputError
from ..store.base import WatchSource
from .settings import parse_duration
from .urls import is_web_url

_KEYS = {"url", "name", "every", "country", "pattern"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_SLUG = re.compile(r"[^a-z0-9]+")


def make_source(url: str, *, name: Optional[str] = None, every: Any = None, country: Optional[str] = None,
                pattern: Optional[str] = None, origin: str = "cli", default_every: float = 900.0,
                taken: Iterable[str] = ()) -> WatchSource:
    """A checked source; raises ValueError with a message for the user."""
    url = str(url).strip()
    if not is_web_url(url):
        raise ValueError(f"{url!r} is not an http(s) URL")
    if name is not None:
        name = str(name).strip()
        if not _NAME.match(name):
            raise ValueError(f"name {name!r}: letters, digits, '.', '_' and '-' only (at most 64)")
    else:
        name = default_name(url, taken)
    every_s = parse_duration(str(every)) if every not in (None, "") else default_every
    if country not in (None, ""):
        country = str(country).strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise ValueError(f"country {country!r}: an ISO 3166-1 alpha-2 code such as SY or IQ")
    else:
        country = None
    if pattern not in (None, ""):
        try:
            re.compile(str(pattern))
        except re.error as exc:
            raise ValueError(f"pattern {pattern!r} is not a regular expression ({exc})") from None
        pattern = str(pattern)
    else:
        pattern = None
    return WatchSource(name=name, url=url, every_s=every_s, country=country, pattern=pattern, origin=origin)


def default_name(url: str, taken: Iterable[str] = ()) -> str:
    """``host-path-words`` of a URL (``example.org-syria-feed``), made unique against ``taken``."""
    parts = urlsplit(url)
    words = [w for w in _SLUG.split(parts.path.lower()) if w and w not in ("xml", "rss", "atom", "json", "html",
                                                                               "htm", "php", "index")]
    base = "-".join([(parts.hostname or "source").lower().removeprefix("www.")] + words)[:60].strip("-")
    taken = set(taken)
    name, n = base, 2
    while name in taken:
        name = f"{base}-{n}"
        n += 1
    return name


def load_sources_file(path: str, default_every: float = 900.0,
                      known: Optional[dict[str, str]] = None) -> list[WatchSource]:
    """The sources a file lists; raises InputError naming the file and the entry. ``known``:
    URL -> name of sources already in the store (an entry without a name keeps that name)."""
    known = known or {}
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = text  # perhaps plain URLs that YAML cannot read
    if data is None:
        raise InputError(path, "lists no sources")
    if isinstance(data, str):
        entries: list[Any] = _plain_lines(text)
        if not entries:
            raise InputError(path, "expected YAML (a list of sources) or one http(s) URL a line")
    elif isinstance(data, dict) and isinstance(data.get("sources"), list):
        unknown = set(data) - {"sources"}
        if unknown:
            raise InputError(path, f"unknown key(s) {', '.join(sorted(map(str, unknown)))} (expected 'sources')")
        entries = data["sources"]
    elif isinstance(data, list):
        entries = data
    else:
        raise InputError(path, "expected a list of sources (URLs or mappings with 'url')")
    out: list[WatchSource] = []
    origin = str(Path(path))
    for i, entry in enumerate(entries, 1):
        where = f"{path}: source {i}"
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict) or "url" not in entry:
            raise InputError(where, "expected a URL or a mapping with 'url'")
        unknown = set(entry) - _KEYS
        if unknown:
            raise InputError(where, f"unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                                    f"(known: {', '.join(sorted(_KEYS))})")
        try:
            name = entry.get("name") or known.get(str(entry["url"]).strip())
            src = make_source(entry["url"], name=name, every=entry.get("every"),
                              country=entry.get("country"), pattern=entry.get("pattern"), origin=origin,
                              default_every=default_every, taken=[s.name for s in out])
        except ValueError as exc:
            raise InputError(where, str(exc)) from None
        if any(s.name == src.name for s in out):
            raise InputError(where, f"name {src.name!r} is given twice")
        if any(s.url == src.url for s in out):
            raise InputError(where, f"{src.url} is listed twice")
        out.append(src)
    if not out:
        raise InputError(path, "lists no sources")
    return out


def _plain_lines(text: str) -> list[str]:
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    return lines if lines and all(" " not in ln and is_web_url(ln) for ln in lines) else []
