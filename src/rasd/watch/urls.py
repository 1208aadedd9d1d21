"""URLs as the watcher compares and stores them: canonical form, host key, document id."""
from __future__ import annotations

import hashlib
import re
from typing import Iterable
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

_DEFAULT_PORT = {"http": 80, "https": 443}
_SLUG = re.compile(r"[^a-z0-9]+")


class Canonicaliser:
    """``canon(url)``: the form under which an article is known. Scheme and host lower-cased,
    the default port, the fragment and tracking parameters (``tracking``: names, ``*`` ends a
    prefix) dropped, an empty path made ``/``. The other parameters keep their order and spelling."""

    def __init__(self, tracking: Iterable[str] = ()):
        exact, prefixes = set(), []
        for name in tracking:
            name = name.strip().lower()
            if name.endswith("*"):
                prefixes.append(name[:-1])
            elif name:
                exact.add(name)
        self._exact = frozenset(exact)
        self._prefixes = tuple(prefixes)

    def tracking(self, key: str) -> bool:
        k = unquote_plus(key).lower()
        return k in self._exact or (bool(self._prefixes) and k.startswith(self._prefixes))

    def __call__(self, url: str) -> str:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        if ":" in host:  # an IPv6 literal keeps its brackets
            host = f"[{host}]"
        try:
            port = parts.port
        except ValueError:
            port = None
        netloc = host if port is None or port == _DEFAULT_PORT.get(scheme) else f"{host}:{port}"
        if parts.username:
            netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
        query = "&".join(p for p in parts.query.split("&") if p and not self.tracking(p.split("=", 1)[0]))
        return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def is_web_url(text: str) -> bool:
    """An absolute http(s) URL with a host."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def host_key(url: str) -> str:
    """What politeness limits are counted per: host and port (``example.org``, ``127.0.0.1:8080``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return host if port is None or port == _DEFAULT_PORT.get(parts.scheme.lower()) else f"{host}:{port}"


def absolute(base: str, href: str) -> str:
    return urljoin(base, href.strip())


def doc_id_for(url: str) -> str:
    """A readable, stable document id for an article URL (its canonical form):
    ``<host>-<last path words>-<8 hex of its hash>``, e.g. ``example.org-strike-on-idlib-1a2b3c4d``."""
    parts = urlsplit(url)
    host = _SLUG.sub("-", (parts.hostname or "web").lower()).strip("-")
    segs = [s for s in parts.path.split("/") if s]
    last = re.sub(r"\.(s?html?|php|aspx?)$", "", unquote_plus(segs[-1]).lower()) if segs else ""
    slug = _SLUG.sub("-", last).strip("-")[:48].strip("-")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
    return "-".join(p for p in (host, slug, digest) if p)
