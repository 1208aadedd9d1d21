"""SQLite backend: one file, WAL, FTS5, versioned migrations; the tables' SQL is shared (store/sql)."""
from __future__ import annotations

from typing import Optional

import sqlite3

from ...errors import StoreError
from ..base import DocumentSummary, Store
from ..sql.analysts import AnalystsMixin
from ..sql.alerts import AlertsMixin
from ..sql.corrections import CorrectionsMixin
from ..sql.documents import DocumentsMixin, Term
from ..sql.events import EventsMixin
from ..sql.fusion import FusionMixin
from ..sql.watch import WatchMixin
from .connection import SQLiteConnection


class SQLiteStore(DocumentsMixin, CorrectionsMixin, EventsMixin, FusionMixin, WatchMixin, AnalystsMixin, AlertsMixin, SQLiteConnection, Store):
    """Every role of ``Store`` on one SQLite file; connection handling is ``SQLiteConnection``'s."""

    def _search(self, terms: list[Term], limit: int, offset: int, since: Optional[str] = None) -> list[DocumentSummary]:
        sql = ("SELECT d.doc_id, d.title, d.published, d.outlet, length(d.text) AS chars,"
               " snippet(documents_fts, 1, '[', ']', '…', 12) AS snip, d.stored_at"
               " FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid"
               " WHERE documents_fts MATCH ?" + (" AND d.stored_at >= ?" if since else "")
               + " ORDER BY rank, d.doc_id LIMIT ? OFFSET ?")
        try:
            rows = self.conn.execute(sql, (fts_query(terms), *([since] if since else []), limit, offset)).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"search {' '.join(' '.join(t.words) for t in terms)!r}: {exc}") from None
        return [DocumentSummary(r["doc_id"], r["title"], r["published"], r["outlet"], r["chars"], r["snip"],
                                stored_at=r["stored_at"]) for r in rows]

    def _schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]


def fts_query(terms: list[Term]) -> str:
    """The terms as an FTS5 query: each a quoted phrase (so no input is FTS5 syntax), ANDed;
    a prefix term ends with ``*``."""
    return " ".join(f'"{" ".join(t.words)}"' + (" *" if t.prefix else "") for t in terms)
