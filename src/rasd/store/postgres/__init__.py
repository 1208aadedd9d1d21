"""PostgreSQL backend (psycopg 3): the multi-user server store. The tables' SQL is shared with
SQLite (store/sql); full-text search is a tsvector column with a GIN index (``rasd_simple``:
the ``simple`` configuration with ``unaccent``, no stemming), as SQLite's FTS5 searches."""
from __future__ import annotations

from typing import Optional

import psycopg

from ...errors import StoreError
from ..base import DocumentSummary, Store
from ..sql.analysts import AnalystsMixin
from ..sql.alerts import AlertsMixin
from ..sql.corrections import CorrectionsMixin
from ..sql.documents import DocumentsMixin, Term
from ..sql.events import EventsMixin
from ..sql.fusion import FusionMixin
from ..sql.watch import WatchMixin
from .connection import PGConnection

# the snippet: about twelve words around the first match, the words found in [brackets]
_HEADLINE = "StartSel=[, StopSel=], MaxWords=12, MinWords=6, ShortWord=1, MaxFragments=1, FragmentDelimiter=…"


class PostgresStore(DocumentsMixin, CorrectionsMixin, EventsMixin, FusionMixin, WatchMixin, AnalystsMixin, AlertsMixin, PGConnection, Store):
    """Every role of ``Store`` on one PostgreSQL database; connection handling is ``PGConnection``'s."""

    def _search(self, terms: list[Term], limit: int, offset: int, since: Optional[str] = None) -> list[DocumentSummary]:
        sql = ("SELECT d.doc_id, d.title, d.published, d.outlet, length(d.text) AS chars,"
               " ts_headline('rasd_simple', d.text, q, ?) AS snip, d.stored_at"
               " FROM documents d, to_tsquery('rasd_simple', ?) q WHERE d.fts @@ q"
               + (" AND d.stored_at >= ?" if since else "")
               + " ORDER BY ts_rank(d.fts, q) DESC, d.doc_id LIMIT ? OFFSET ?")
        try:
            rows = self.conn.execute(sql, (_HEADLINE, ts_query(terms), *([since] if since else []), limit,
                                           offset)).fetchall()
        except psycopg.Error as exc:
            raise StoreError(f"search {' '.join(' '.join(t.words) for t in terms)!r}: {exc}") from None
        return [DocumentSummary(r["doc_id"], r["title"], r["published"], r["outlet"], r["chars"], r["snip"],
                                stored_at=r["stored_at"]) for r in rows]


def ts_query(terms: list[Term]) -> str:
    """The terms as ``to_tsquery`` input: a phrase's words joined by ``<->`` (next to each
    other), a prefix term's last word marked ``:*``, terms ANDed. Each word is quoted, so no
    input is tsquery syntax."""
    out = []
    for t in terms:
        words = ["'" + w.replace("\\", "\\\\").replace("'", "''") + "'" for w in t.words]
        if t.prefix:
            words[-1] += ":*"
        out.append("(" + " <-> ".join(words) + ")")
    return " & ".join(out)
