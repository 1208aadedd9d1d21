"""SQLite backend: one file, WAL, FTS5, versioned migrations."""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any, Iterator, Optional

from ...clock import stamp
from ...errors import StoreError
from ...records import Document, OffsetMap
from ..base import AddOutcome, DocumentSummary, Store
from .alerts import AlertsMixin
from .connection import SQLiteConnection
from .corrections import CorrectionsMixin
from .events import EventsMixin
from .fusion import FusionMixin
from .watch import WatchMixin


class SQLiteStore(CorrectionsMixin, EventsMixin, FusionMixin, WatchMixin, AlertsMixin, SQLiteConnection, Store):
    """Every role of ``Store`` on one SQLite file; connection handling is ``SQLiteConnection``'s."""

    # -- documents --------------------------------------------------------
    def has_content(self, content_hash: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM documents WHERE content_hash=?", (content_hash,)).fetchone()
        return row is not None

    def add_document(self, doc: Document) -> AddOutcome:
        with self.transaction():
            values = (
                doc.content_hash, doc.text, doc.raw, doc.title,
                doc.published.isoformat() if doc.published else None, doc.outlet, doc.url, doc.source,
                doc.encoding, json.dumps(doc.offsets.to_list()), json.dumps(doc.meta, default=str),
            )
            same = self.conn.execute("SELECT doc_id, text, title, published, outlet, url FROM documents"
                                     " WHERE content_hash=?", (doc.content_hash,)).fetchone()
            if same is not None:
                if same[0] != doc.doc_id:
                    return AddOutcome(doc.doc_id, "duplicate")
                # same raw content: changed only if its cleaning changed or new metadata is given
                # (a field the new reading leaves empty keeps its stored value)
                new = (values[1], values[3], values[4], values[5], values[6])
                merged = tuple(n if n is not None else o for n, o in zip(new, tuple(same[1:])))
                if merged == tuple(same[1:]):
                    return AddOutcome(doc.doc_id, "unchanged")
                values = (values[0], merged[0], values[2], merged[1], merged[2], merged[3], merged[4]) + values[7:]
            exists = same is not None or self.conn.execute(
                "SELECT 1 FROM documents WHERE doc_id=?", (doc.doc_id,)).fetchone()
            if exists:
                self.conn.execute(
                    "UPDATE documents SET content_hash=?, text=?, raw=?, title=?, published=?, outlet=?,"
                    " url=?, source=?, encoding=?, offsets=?, meta=?, ingested_at=datetime('now'), stored_at=?"
                    " WHERE doc_id=?", values + (stamp(), doc.doc_id))
                return AddOutcome(doc.doc_id, "updated")
            self.conn.execute(
                "INSERT INTO documents(content_hash, text, raw, title, published, outlet, url, source,"
                " encoding, offsets, meta, stored_at, doc_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                values + (stamp(), doc.doc_id))
            return AddOutcome(doc.doc_id, "new")

    def get_document(self, doc_id: str) -> Optional[Document]:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _row_to_document(row) if row else None

    def iter_documents(self) -> Iterator[Document]:
        for row in self.conn.execute("SELECT * FROM documents ORDER BY doc_id"):
            yield _row_to_document(row)

    def list_documents(self, query: Optional[str] = None, limit: int = 50,
                       offset: int = 0, since: Optional[str] = None) -> list[DocumentSummary]:
        cond, args = ("AND d.stored_at >= ?", [since]) if since else ("", [])
        if query:
            sql = ("SELECT d.doc_id, d.title, d.published, d.outlet, length(d.text) AS chars,"
                   " snippet(documents_fts, 1, '[', ']', '…', 12) AS snip, d.stored_at"
                   " FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid"
                   f" WHERE documents_fts MATCH ? {cond} ORDER BY rank, d.doc_id LIMIT ? OFFSET ?")
            try:
                rows = self.conn.execute(sql, [_fts_query(query), *args, limit, offset]).fetchall()
            except sqlite3.OperationalError as exc:
                raise StoreError(f"search {query!r}: {exc}") from None
        elif since:  # the newest first: what arrived since the user's last look
            rows = self.conn.execute(
                "SELECT doc_id, title, published, outlet, length(text) AS chars, NULL AS snip, stored_at"
                " FROM documents d WHERE d.stored_at >= ? ORDER BY stored_at DESC, doc_id LIMIT ? OFFSET ?",
                (since, limit, offset)).fetchall()
        else:
            rows = self.conn.execute(
                "SELECT doc_id, title, published, outlet, length(text) AS chars, NULL AS snip, stored_at"
                " FROM documents ORDER BY doc_id LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        return [DocumentSummary(r["doc_id"], r["title"], r["published"], r["outlet"], r["chars"], r["snip"],
                                r["stored_at"]) for r in rows]

    # -- misc -------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        c = self.conn
        out: dict[str, Any] = {
            "path": self.path,
            "schema_version": c.execute("PRAGMA user_version").fetchone()[0],
            "documents": c.execute("SELECT count(*) FROM documents").fetchone()[0],
            "events": c.execute("SELECT count(*) FROM events").fetchone()[0],
        }
        row = c.execute("SELECT min(published), max(published), sum(published IS NULL),"
                        " sum(length(text)), sum(length(raw)) FROM documents").fetchone()
        out["published_range"] = [row[0], row[1]]
        out["documents_without_date"] = row[2] or 0
        out["chars_clean"], out["chars_raw"] = row[3] or 0, row[4] or 0
        out["documents_by_outlet"] = {(r[0] or "(none)"): r[1] for r in c.execute(
            "SELECT outlet, count(*) FROM documents GROUP BY outlet ORDER BY 2 DESC, 1 LIMIT 20")}
        out["events_by_type"] = {r[0]: r[1] for r in c.execute(
            "SELECT event_type, count(*) FROM events GROUP BY event_type ORDER BY 2 DESC")}
        return out

    def health(self) -> dict[str, Any]:
        """Facts for a health check, counted from the smallest indexes."""
        c = self.conn
        return {"schema_version": c.execute("PRAGMA user_version").fetchone()[0],
                "documents": c.execute("SELECT count(*) FROM documents").fetchone()[0],
                "events": c.execute("SELECT count(*) FROM events").fetchone()[0],
                "corrections": c.execute("SELECT count(*) FROM corrections").fetchone()[0]}


def _fts_query(q: str) -> str:
    """Quote each word so user input cannot break FTS5 syntax; words are ANDed."""
    words = [w.replace('"', '""') for w in q.split() if w.strip()]
    return " ".join(f'"{w}"' for w in words) or '""'


def _row_to_document(row: sqlite3.Row) -> Document:
    return Document(
        doc_id=row["doc_id"], raw=row["raw"], text=row["text"],
        offsets=OffsetMap.from_list(json.loads(row["offsets"] or "[]")), title=row["title"],
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        outlet=row["outlet"], url=row["url"], source=row["source"], encoding=row["encoding"],
        content_hash=row["content_hash"], meta=json.loads(row["meta"] or "{}"),
    )
