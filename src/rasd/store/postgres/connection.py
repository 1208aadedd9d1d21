"""Connection handling of the PostgreSQL backend: connecting (any libpq URI), migrations under
an advisory lock, nested transactions, per-thread readers, and the small adapter that lets the
shared table code (store/sql) speak to psycopg with ``?`` marks and rows read by name or position."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

import psycopg
from psycopg.conninfo import conninfo_to_dict

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


# Session settings of every connection (added to the URL's own ``options``). No JIT: the store's
# statements are short, and a plan the server thinks costly (a box or a count over a million
# events) spent 0.3 s compiling itself under load before running for a few milliseconds. Custom
# plans always: a statement psycopg has prepared (run 5 times on a connection) would otherwise
# turn to a generic plan, made without the parameters' values; for a box (lat BETWEEN ? AND ?)
# that is a sorted scan of every event, 0.5 s of the server's CPU a page on a million, where the
# values give an index read of a few hundred rows. Planning each time costs a fraction of a ms.
SESSION_OPTIONS = "-c jit=off -c plan_cache_mode=force_custom_plan"


def connect(url: str) -> psycopg.Connection:
    """A connection in autocommit mode (transactions are begun explicitly), or StoreError."""
    try:
        options = " ".join(x for x in (conninfo_to_dict(url).get("options"), SESSION_OPTIONS) if x)
        return psycopg.connect(url, autocommit=True, row_factory=row_factory, options=options)
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
        self.address = url
        self._ready()

    def _begin(self) -> None:
        try:
            # one writing transaction at a time in this schema (see WRITE_LOCK); one round trip
            self.raw.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK}, hashtext(current_schema()))")
        except BaseException:
            self._rollback()
            raise

    def fetch_batch(self, statements: list[tuple[str, list[Any]]]) -> list[list[Any]]:
        """The statements sent in one pipeline (one round trip: under load, each trip waits for
        the server's process and then for this one to be scheduled again)."""
        if len(statements) < 2:
            return super().fetch_batch(statements)
        with self._lock, self.raw.pipeline():
            cursors = [self.conn.execute(sql, args) for sql, args in statements]
        return [c.fetchall() for c in cursors]

    def _rollback(self) -> None:
        try:
            self.raw.execute("ROLLBACK")
        except psycopg.Error:
            pass  # the connection is gone: the server rolled back

    def _table_exists(self, name: str) -> bool:
        return self.raw.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0]

    def _schema_version(self) -> int:
        row = self.raw.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def close(self) -> None:
        try:
            self.raw.close()
        except psycopg.Error:
            pass
