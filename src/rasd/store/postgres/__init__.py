"""PostgreSQL backend (psycopg 3): the multi-user server store. The tables' SQL is shared with
SQLite (store/sql); full-text search is a tsvector column with a GIN index (``rasd_simple``:
the ``simple`` configuration with ``unaccent``, no stemming), as SQLite's FTS5 searches."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterable, Iterator, Optional

import psycopg
from psycopg.rows import tuple_row

from ...errors import StoreError
from ...records import Agreement, ControlPeriod, FusedEvent
from ..base import DocumentSummary, Store, Table
from ..sql.analysts import AnalystsMixin
from ..sql.alerts import AlertsMixin
from ..sql.corrections import CorrectionsMixin
from ..sql.documents import DocumentsMixin, Term
from ..sql.events import EventsMixin
from ..sql.fusion import FusionMixin
from ..sql.transfer import TransferMixin, quote_name
from ..sql.watch import WatchMixin
from .connection import PGConnection

# the snippet: about twelve words around the first match, the words found in [brackets]
_HEADLINE = "StartSel=[, StopSel=], MaxWords=12, MinWords=6, ShortWord=1, MaxFragments=1, FragmentDelimiter=…"


class PostgresStore(DocumentsMixin, CorrectionsMixin, EventsMixin, FusionMixin, WatchMixin, AnalystsMixin, AlertsMixin,
                    TransferMixin, PGConnection, Store):
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

    # -- writes sent in one round trip -----------------------------------------
    @contextmanager
    def _pipelined(self) -> Iterator[None]:
        """Inside a transaction, the statements of the block go to the server together (psycopg's
        pipeline mode: one round trip, not one per statement); their errors are raised at the end
        of the block. Outside one, the block runs as it is (its own transaction begins and ends)."""
        if self._depth == 0:
            yield
            return
        with self._lock, self.raw.pipeline():
            yield

    def save_fused_many(self, items: list[tuple[FusedEvent, str, Optional[str]]]) -> None:
        with self._pipelined():
            super().save_fused_many(items)

    def replace_control(self, place_key: str, periods: list[ControlPeriod]) -> None:
        with self._pipelined():
            super().replace_control(place_key, periods)

    def save_agreement(self, agreement: Agreement) -> None:
        with self._pipelined():
            super().save_agreement(agreement)

    # -- transfer -------------------------------------------------------------
    def data_tables(self) -> list[Table]:
        rows = self.raw.execute(
            "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
            " AND c.relname NOT IN ('schema_migrations', 'schema_version') ORDER BY c.oid").fetchall()
        out = []
        for oid, name in rows:
            cols = [r[0] for r in self.raw.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped"
                " AND attgenerated = '' ORDER BY attnum", (oid,))]
            out.append(Table(name, tuple(cols)))
        return out

    def implicit_columns(self) -> frozenset[str]:
        return frozenset({"seq"})  # the order rows were stored in (SQLite's rowid)

    def _stored_order(self, table: str) -> str:
        cols = [r[0] for r in self.raw.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
            " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(%s) AND i.indisprimary", (table,))]
        has_seq = self.raw.execute("SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = 'seq'"
                                   " AND NOT attisdropped", (table,)).fetchone()
        if has_seq:
            return "seq"
        return ", ".join(quote_name(c) for c in cols) if cols else "ctid"

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        with self._lock:
            self.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield
            finally:
                self._rollback()

    def read_rows(self, table: str, columns: Iterable[str], batch: int = 1000) -> Iterator[list[tuple]]:
        """Rows streamed from a server-side cursor (inside ``snapshot()``: it needs a transaction)."""
        cols = ", ".join(quote_name(c) for c in columns)
        with self.raw.cursor(name=f"rasd_read_{table}", row_factory=tuple_row) as cur:
            cur.itersize = batch
            cur.execute(f"SELECT {cols} FROM {quote_name(table)} ORDER BY {self._stored_order(table)}")
            while True:
                rows = cur.fetchmany(batch)
                if not rows:
                    return
                yield rows

    def write_rows(self, table: str, columns: Iterable[str], rows: list[tuple]) -> None:
        """Rows written with COPY (inside the caller's transaction)."""
        cols = ", ".join(quote_name(c) for c in columns)
        with self.raw.cursor() as cur:
            with cur.copy(f"COPY {quote_name(table)} ({cols}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)

    def loaded(self, table: str) -> None:
        for (col,) in self.raw.execute("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s)"
                                       " AND attidentity <> '' AND NOT attisdropped", (table,)).fetchall():
            self.raw.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), max({quote_name(col)}))"
                             f" FROM {quote_name(table)} HAVING max({quote_name(col)}) IS NOT NULL", (table, col))


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
