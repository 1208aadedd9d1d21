"""The watcher's tables (migration 005): ``WatchStore`` for every SQL backend."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from ..base import ITEM_STATUSES, ListedItem, SourceRead, WatchItem, WatchSource
from .dialect import SQLConnection

_SOURCE_COUNTS = (
    "SELECT s.*, count(i.url) AS items,"
    " coalesce(sum(CASE WHEN i.status IN ('stored', 'duplicate') THEN 1 ELSE 0 END), 0) AS stored,"
    " coalesce(sum(CASE WHEN i.status IN ('failed', 'rejected') THEN 1 ELSE 0 END), 0) AS failed"
    " FROM watch_sources s LEFT JOIN watch_item_sources l ON l.source = s.name"
    " LEFT JOIN watch_items i ON i.url = l.url")


class WatchMixin(SQLConnection):

    def save_source(self, source: WatchSource) -> None:
        with self.transaction():
            other = self.conn.execute("SELECT name FROM watch_sources WHERE url=? AND name<>?",
                                      (source.url, source.name)).fetchone()
            if other is not None:
                raise ValueError(f"{source.url} is already watched as {other[0]!r}")
            self.conn.execute(
                "INSERT INTO watch_sources(name, url, every_s, country, pattern, origin) VALUES (?,?,?,?,?,?)"
                " ON CONFLICT(name) DO UPDATE SET url=excluded.url, every_s=excluded.every_s,"
                " country=excluded.country, pattern=excluded.pattern, origin=excluded.origin",
                (source.name, source.url, source.every_s, source.country, source.pattern, source.origin))

    def remove_source(self, name: str) -> bool:
        with self.transaction():
            return self.conn.execute("DELETE FROM watch_sources WHERE name=?", (name,)).rowcount > 0

    def get_source(self, name: str) -> Optional[WatchSource]:
        row = self.conn.execute(_SOURCE_COUNTS + " WHERE s.name=? GROUP BY s.name", (name,)).fetchone()
        return _source(row) if row else None

    def list_sources(self) -> list[WatchSource]:
        return [_source(r) for r in self.conn.execute(_SOURCE_COUNTS + " GROUP BY s.name ORDER BY s.name")]

    def record_read(self, name: str, read: SourceRead, items: Iterable[ListedItem] = ()) -> int:
        new = 0
        with self.transaction():
            if read.status == "error":
                self.conn.execute("UPDATE watch_sources SET last_fetch_at=?, last_status='error', last_error=?,"
                                  " errors=errors+1 WHERE name=?", (read.at, read.error, name))
                return 0
            # a 304 keeps the validators it had unless it sends new ones
            self.conn.execute(
                "UPDATE watch_sources SET last_fetch_at=?, last_ok_at=?, last_status=?, last_error=?, errors=0,"
                " kind=coalesce(?, kind), etag=CASE WHEN CAST(? AS TEXT)='ok' THEN ? ELSE coalesce(?, etag) END,"
                " last_modified=CASE WHEN CAST(? AS TEXT)='ok' THEN ? ELSE coalesce(?, last_modified) END WHERE name=?",
                (read.at, read.at, read.status, read.error, read.kind, read.status, read.etag, read.etag,
                 read.status, read.last_modified, read.last_modified, name))
            for it in items:
                cur = self.conn.execute(
                    "INSERT INTO watch_items(url, title, published, first_seen_at) VALUES (?,?,?,?)"
                    " ON CONFLICT(url) DO NOTHING", (it.url, it.title, it.published, read.at))
                new += cur.rowcount
                self.conn.execute("INSERT INTO watch_item_sources(source, url, first_seen_at) VALUES (?,?,?)"
                                  " ON CONFLICT DO NOTHING", (name, it.url, read.at))
        return new

    def items_to_fetch(self, sources: Iterable[str], max_attempts: int) -> list[WatchItem]:
        names = list(sources)
        if not names:
            return []
        marks = ",".join("?" * len(names))
        rows = self.conn.execute(
            "SELECT i.*, min(l.source) AS source FROM watch_items i JOIN watch_item_sources l ON l.url = i.url"
            f" WHERE l.source IN ({marks}) AND (i.status='pending' OR (i.status='failed' AND i.attempts < ?))"
            f" GROUP BY i.url ORDER BY i.first_seen_at, i.{self.dialect.rowid}", names + [max_attempts]).fetchall()
        return [_item(r) for r in rows]

    def find_item(self, url: str) -> Optional[WatchItem]:
        row = self.conn.execute(
            "SELECT i.*, (SELECT min(source) FROM watch_item_sources WHERE url = i.url) AS source"
            " FROM watch_items i WHERE i.url=? OR (i.canonical=? AND i.status IN ('stored', 'duplicate'))"
            " ORDER BY i.url<>? LIMIT 1", (url, url, url)).fetchone()
        return _item(row) if row else None

    def mark_item(self, url: str, status: str, *, at: str, error: Optional[str] = None,
                  doc_id: Optional[str] = None, canonical: Optional[str] = None) -> None:
        if status not in ITEM_STATUSES:
            raise ValueError(f"unknown item status {status!r}")
        with self.transaction():
            self.conn.execute(
                "INSERT INTO watch_items(url, first_seen_at) VALUES (?, ?) ON CONFLICT(url) DO NOTHING", (url, at))
            self.conn.execute(
                "UPDATE watch_items SET status=?, attempts=attempts+1, last_attempt_at=?, last_error=?,"
                " doc_id=coalesce(?, doc_id), canonical=coalesce(?, canonical) WHERE url=?",
                (status, at, error, doc_id, canonical, url))


def _source(r: Any) -> WatchSource:
    return WatchSource(
        name=r["name"], url=r["url"], every_s=r["every_s"], country=r["country"], pattern=r["pattern"],
        origin=r["origin"], added_at=r["added_at"], kind=r["kind"], etag=r["etag"],
        last_modified=r["last_modified"], last_fetch_at=r["last_fetch_at"], last_ok_at=r["last_ok_at"],
        last_status=r["last_status"], last_error=r["last_error"], errors=r["errors"],
        items=r["items"], stored=r["stored"], failed=r["failed"])


def _item(r: Any) -> WatchItem:
    return WatchItem(url=r["url"], source=r["source"], title=r["title"], published=r["published"],
                     status=r["status"], attempts=r["attempts"], last_error=r["last_error"],
                     doc_id=r["doc_id"], canonical=r["canonical"])
