"""SQLite backend: one file, WAL, FTS5, versioned migrations."""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from ...errors import StoreError
from ...records import Document, Event, OffsetMap
from ..base import AddOutcome, DocumentSummary, Store
from ..migrations import apply_sqlite

MIGRATIONS = "rasd.store.sqlite.migrations"


class SQLiteStore(Store):
    def __init__(self, path: str, *, readonly: bool = False):
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                        timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            if not readonly:
                apply_sqlite(self.conn, MIGRATIONS)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from None
        self._depth = 0
        self._lock = threading.RLock()

    # -- transactions -----------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            outer = self._depth == 0
            if outer:
                self.conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self._depth -= 1
                if outer:
                    self.conn.execute("COMMIT")

    # -- documents --------------------------------------------------------
    def has_content(self, content_hash: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM documents WHERE content_hash=?", (content_hash,)).fetchone()
        return row is not None

    def add_document(self, doc: Document) -> AddOutcome:
        with self.transaction():
            if self.has_content(doc.content_hash):
                return AddOutcome(doc.doc_id, "unchanged")
            exists = self.conn.execute("SELECT 1 FROM documents WHERE doc_id=?", (doc.doc_id,)).fetchone()
            values = (
                doc.content_hash, doc.text, doc.raw, doc.title,
                doc.published.isoformat() if doc.published else None, doc.outlet, doc.url, doc.source,
                doc.encoding, json.dumps(doc.offsets.to_list()), json.dumps(doc.meta, default=str),
            )
            if exists:
                self.conn.execute(
                    "UPDATE documents SET content_hash=?, text=?, raw=?, title=?, published=?, outlet=?,"
                    " url=?, source=?, encoding=?, offsets=?, meta=?, ingested_at=datetime('now')"
                    " WHERE doc_id=?", values + (doc.doc_id,))
                return AddOutcome(doc.doc_id, "updated")
            self.conn.execute(
                "INSERT INTO documents(content_hash, text, raw, title, published, outlet, url, source,"
                " encoding, offsets, meta, doc_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", values + (doc.doc_id,))
            return AddOutcome(doc.doc_id, "new")

    def get_document(self, doc_id: str) -> Optional[Document]:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _row_to_document(row) if row else None

    def iter_documents(self) -> Iterator[Document]:
        for row in self.conn.execute("SELECT * FROM documents ORDER BY doc_id"):
            yield _row_to_document(row)

    def list_documents(self, query: Optional[str] = None, limit: int = 50,
                       offset: int = 0) -> list[DocumentSummary]:
        if query:
            sql = ("SELECT d.doc_id, d.title, d.published, d.outlet, length(d.text) AS chars,"
                   " snippet(documents_fts, 1, '[', ']', '…', 12) AS snip"
                   " FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid"
                   " WHERE documents_fts MATCH ? ORDER BY rank, d.doc_id LIMIT ? OFFSET ?")
            try:
                rows = self.conn.execute(sql, (_fts_query(query), limit, offset)).fetchall()
            except sqlite3.OperationalError as exc:
                raise StoreError(f"search {query!r}: {exc}") from None
        else:
            rows = self.conn.execute(
                "SELECT doc_id, title, published, outlet, length(text) AS chars, NULL AS snip"
                " FROM documents ORDER BY doc_id LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        return [DocumentSummary(r["doc_id"], r["title"], r["published"], r["outlet"], r["chars"], r["snip"])
                for r in rows]

    # -- events -----------------------------------------------------------
    def replace_events(self, doc_id: str, events: Iterable[Event]) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM events WHERE doc_id=?", (doc_id,))
            self.conn.executemany(
                "INSERT INTO events(event_id, doc_id, event_type, sub_event_type, date, time_precision,"
                " actor1, actor2, location, lat, lon, country, admin1, geo_precision, fatalities, stance,"
                " confidence, sentence, cluster_id, status, data)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_event_row(e) for e in events])

    def query_events(self, *, event_type: Optional[str] = None, sub_event_type: Optional[str] = None,
                     actor: Optional[str] = None, place: Optional[str] = None,
                     date_from: Optional[str] = None, date_to: Optional[str] = None,
                     text: Optional[str] = None, doc_id: Optional[str] = None,
                     bbox: Optional[tuple[float, float, float, float]] = None,
                     limit: int = 100, offset: int = 0) -> list[Event]:
        where, args = _event_filters(event_type=event_type, sub_event_type=sub_event_type, actor=actor,
                                     place=place, date_from=date_from, date_to=date_to, text=text,
                                     doc_id=doc_id, bbox=bbox)
        sql = (f"SELECT data FROM events {where} ORDER BY date IS NULL, date, event_id LIMIT ? OFFSET ?")
        rows = self.conn.execute(sql, args + [limit, offset]).fetchall()
        return [Event.from_dict(json.loads(r["data"])) for r in rows]

    # -- misc -------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        c = self.conn
        out: dict[str, Any] = {
            "path": self.path,
            "schema_version": c.execute("PRAGMA user_version").fetchone()[0],
            "documents": c.execute("SELECT count(*) FROM documents").fetchone()[0],
            "events": c.execute("SELECT count(*) FROM events").fetchone()[0],
        }
        row = c.execute("SELECT min(published), max(published) FROM documents").fetchone()
        out["published_range"] = [row[0], row[1]]
        out["events_by_type"] = {r[0]: r[1] for r in c.execute(
            "SELECT event_type, count(*) FROM events GROUP BY event_type ORDER BY 2 DESC")}
        return out

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:
            pass


def _fts_query(q: str) -> str:
    """Quote each word so user input cannot break FTS5 syntax; words are ANDed."""
    words = [w.replace('"', '""') for w in q.split() if w.strip()]
    return " ".join(f'"{w}"' for w in words) or '""'


def _event_filters(**f: Any) -> tuple[str, list[Any]]:
    clauses, args = [], []
    if f.get("event_type"):
        clauses.append("event_type = ?"); args.append(f["event_type"])
    if f.get("sub_event_type"):
        clauses.append("sub_event_type = ?"); args.append(f["sub_event_type"])
    if f.get("actor"):
        clauses.append("(actor1 LIKE ? OR actor2 LIKE ?)"); args += [f"%{f['actor']}%"] * 2
    if f.get("place"):
        clauses.append("(location LIKE ? OR admin1 LIKE ?)"); args += [f"%{f['place']}%"] * 2
    if f.get("date_from"):
        clauses.append("date >= ?"); args.append(f["date_from"])
    if f.get("date_to"):
        clauses.append("date <= ?"); args.append(f["date_to"])
    if f.get("text"):
        clauses.append("sentence LIKE ?"); args.append(f"%{f['text']}%")
    if f.get("doc_id"):
        clauses.append("doc_id = ?"); args.append(f["doc_id"])
    if f.get("bbox"):
        w, s, e, n = f["bbox"]
        clauses.append("lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"); args += [s, n, w, e]
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", args


def _event_row(e: Event) -> tuple:
    loc = e.location
    return (
        e.event_id, e.doc_id, e.event_type, e.sub_event_type, e.date.isoformat() if e.date else None,
        e.time_precision, e.actor1.name if e.actor1 else None, e.actor2.name if e.actor2 else None,
        loc.name if loc else None, loc.lat if loc else None, loc.lon if loc else None,
        loc.country if loc else None, loc.admin1 if loc else None, loc.geo_precision if loc else None,
        e.fatalities, e.stance, e.confidence, e.sentence, e.cluster_id, e.status,
        json.dumps(e.to_dict(), ensure_ascii=False),
    )


def _row_to_document(row: sqlite3.Row) -> Document:
    return Document(
        doc_id=row["doc_id"], raw=row["raw"], text=row["text"],
        offsets=OffsetMap.from_list(json.loads(row["offsets"] or "[]")), title=row["title"],
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        outlet=row["outlet"], url=row["url"], source=row["source"], encoding=row["encoding"],
        content_hash=row["content_hash"], meta=json.loads(row["meta"] or "{}"),
    )
