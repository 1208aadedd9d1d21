"""Connection handling of the PostgreSQL backend: connecting (any libpq URI), migrations under
an advisory lock, nested transactions, per-thread readers, and the small adapter that lets the
shared table code (store/sql) speak to psycopg with ``?`` marks and rows read by name or position."""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Iterable, Iterator, Optional, Self, Sequence

import psycopg

from ...errors import StoreError
from ..sql.dialect import POSTGRES, SQLConnection
from .migrate import migrate_postgres

MIGRATIONS = "rasd.store.postgres.migrations"

# Writers take this transaction-level advisory lock (with a hash of the schema) as their
# transaction begins, so writing transactions follow one another, as SQLite's BEGIN IMMEDIATE
# makes them, while reads never wait. The ingest writes a document, its events and their fusion
# in one transaction: two writers fusing reports of one event at the same moment would each miss
# the other's new fused event (a duplicate), and row locks taken in different orders would
# deadlock. Serialisable transactions with retries would redo whole batches instead; the lock
# is held for the writing only (parsing, coding and geocoding happen before it).
WRITE_LOCK = 0x72617365


class Row:
    """A result row read by position (``r[0]``), by column name (``r["doc_id"]``), unpacked, or
    turned into a dict (``dict(r)``), as ``sqlite3.Row`` is."""

    __slots__ = ("_values", "_index")

    def __init__(self, values: Sequence[Any], index: dict[str, int]):
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        return self._values[self._index[key]] if isinstance(key, str) else self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values))!r})"


def row_factory(cursor: Any):
    index = {c.name: i for i, c in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


@lru_cache(maxsize=1024)
def pg_marks(sql: str) -> str:
    """``?`` marks as psycopg's ``%s`` (a literal ``%`` doubled). The shared SQL never writes
    ``?`` inside a string literal."""
    return sql.replace("%", "%%").replace("?", "%s")


class Marks:
    """A psycopg connection taking the shared SQL's ``?`` marks."""

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw

    def execute(self, sql: str, args: Sequence[Any] = ()) -> psycopg.Cursor:
        if args:
            return self.raw.execute(pg_marks(sql), args)
        return self.raw.execute(sql)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cur:
                cur.executemany(pg_marks(sql), rows)


def redact(url: str) -> str:
    """The URL without its password (for messages and stats)."""
    url = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
    return re.sub(r"(password=)[^&\s]*", r"\1***", url)


def connect(url: str) -> psycopg.Connection:
    """A connection in autocommit mode (transactions are begun explicitly), or StoreError."""
    try:
        return psycopg.connect(url, autocommit=True, row_factory=row_factory)
    except psycopg.Error as exc:
        why = " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__
        raise StoreError(f"{redact(url)}: cannot connect to PostgreSQL ({redact(why)})") from None


class PGConnection(SQLConnection):
    """One PostgreSQL database (its default schema, or the first of the URL's search_path),
    opened and migrated; writes go through ``transaction()``; ``reader()`` gives each thread a
    connection of its own."""

    dialect = POSTGRES

    def __init__(self, url: str, *, readonly: bool = False):
        self.url = url
        self.path = redact(url)
        self.raw = connect(url)
        self.conn = Marks(self.raw)
        if not readonly:
            try:
                migrate_postgres(self.raw, MIGRATIONS)
            except psycopg.Error as exc:
                self.raw.close()
                raise StoreError(f"{self.path}: cannot prepare the store ({exc})") from None
        self._depth = 0
        self._lock = threading.RLock()
        self._writer: Optional[Self] = None
        self._readers = threading.local()
        self._tables: dict[str, bool] = {}

    # -- transactions -----------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            outer = self._depth == 0
            if outer:
                try:
                    # one writing transaction at a time in this schema (see WRITE_LOCK); one round trip
                    self.raw.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK}, hashtext(current_schema()))")
                except BaseException:
                    self._rollback()
                    raise
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self._rollback()
                raise
            else:
                self._depth -= 1
                if outer:
                    self.raw.execute("COMMIT")

    def _rollback(self) -> None:
        try:
            self.raw.execute("ROLLBACK")
        except psycopg.Error:
            pass  # the connection is gone: the server rolled back

    # -- readers ----------------------------------------------------------
    def reader(self, own: bool = False) -> Self:
        """A store for reads on the calling thread (a connection of its own); ``own=True`` opens
        a new one for the caller alone (close it when done)."""
        if own:
            return self._open_reader()
        r = getattr(self._readers, "store", None)
        if r is None:
            r = self._readers.store = self._open_reader()
        return r

    def _open_reader(self) -> Self:
        r = type(self)(self.url, readonly=True)
        r._writer = self
        return r

    def _write_store(self) -> Self:
        return self._writer or self

    def _has_table(self, name: str) -> bool:
        if name not in self._tables:
            self._tables[name] = self.raw.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0]
        return self._tables[name]

    def _schema_version(self) -> int:
        row = self.raw.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def close(self) -> None:
        try:
            self.raw.close()
        except psycopg.Error:
            pass
