"""What the shared table code needs of a backend: its dialect, and a connection base class."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Optional, Self


@dataclass(frozen=True)
class Dialect:
    """The expressions two SQL backends spell differently (everything else is plain SQL)."""

    name: str
    now: str                # the current UTC time as text, 'YYYY-MM-DD HH:MM:SS'
    like: str               # LIKE that ignores case (SQLite's LIKE does for ASCII; PostgreSQL's ILIKE)
    rowid: str              # a column of events and watch_items that grows in insertion order
    overridden: str         # event_overrides o joined to events e, the small table first
    set_cluster: str        # events.data with $.cluster_id and $.status set from two parameters
    nulls_last: str         # what makes a DESC order put NULLs last ('' where they sort first)
    fused_window: str       # after "FROM fused_events": the candidate search's index (migration 008)
    unindexed: str          # before a column: keeps its index out of the plan (SQLite's '+'); '' where
                            # that would hide the column's statistics from the planner (PostgreSQL)

    def desc(self, col: str) -> str:
        """``col`` newest first, NULLs last (SQLite sorts NULL lowest, PostgreSQL highest)."""
        return f"{col} DESC{self.nulls_last}"


SQLITE = Dialect(
    name="sqlite",
    now="datetime('now')",
    like="LIKE",
    rowid="rowid",
    # CROSS JOIN keeps the (small) override table as SQLite's outer loop
    overridden="event_overrides o CROSS JOIN events e ON e.event_id = o.event_id",
    set_cluster="json_set(data, '$.cluster_id', ?, '$.status', ?)",
    nulls_last="",
    # without statistics SQLite may prefer the (lat, lon) index, which reads a whole band of latitude
    fused_window=" INDEXED BY fused_window",
    unindexed="+",
)

POSTGRES = Dialect(
    name="postgres",
    now="to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')",
    like="ILIKE",
    rowid="seq",
    overridden="event_overrides o JOIN events e ON e.event_id = o.event_id",
    set_cluster=("jsonb_set(jsonb_set(data::jsonb, '{cluster_id}', coalesce(to_jsonb(?::text), 'null'::jsonb)),"
                 " '{status}', coalesce(to_jsonb(?::text), 'null'::jsonb))::text"),
    nulls_last=" NULLS LAST",
    fused_window="",
    # '+lat' is an expression without statistics: PostgreSQL then guessed that a box holds a
    # handful of events and sorted a scan of the whole table (1.3 s on a million events); with
    # the columns' statistics it reads the (date, id) index backwards, as SQLite does
    unindexed="",
)


class SQLConnection:
    """The connection side of a SQL backend, as the shared table mixins use it, with what both
    backends do alike: nested transactions, per-thread readers, cached table checks.

    ``conn.execute(sql, args)`` takes ``?`` marks and returns a cursor (``fetchone``,
    ``fetchall``, ``fetchmany``, iteration, ``rowcount``) whose rows read by position and by
    column name; ``conn.executemany(sql, rows)`` as well. A backend sets ``conn``, ``dialect``
    and ``address`` (what ``open_store`` opened), calls ``_ready()`` when connected, and gives
    ``_begin``, ``_commit``, ``_rollback`` and ``_table_exists``."""

    conn: Any
    dialect: Dialect
    address: str

    def _ready(self) -> None:
        self._depth = 0
        self._lock = threading.RLock()
        self._writer: Optional[Self] = None
        self._readers = threading.local()
        self._tables: dict[str, bool] = {}

    # -- transactions -----------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all; the outermost commits."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._begin()
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
                    self._commit()

    def _begin(self) -> None:
        raise NotImplementedError

    def fetch_batch(self, statements: list[tuple[str, list[Any]]]) -> list[list[Any]]:
        """The rows of each (sql, args) read statement, in order; a backend with a network
        between it and its server sends them together (one round trip, not one each)."""
        return [self.conn.execute(sql, args).fetchall() for sql, args in statements]

    def _commit(self) -> None:
        self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        self.conn.execute("ROLLBACK")

    # -- readers ----------------------------------------------------------
    def reader(self, own: bool = False) -> Self:
        """A store for reads on the calling thread (a connection of its own); ``own=True`` opens
        a new one for the caller alone (close it when done)."""
        if self._shares_connection():
            return self
        if own:
            return self._open_reader()
        r = getattr(self._readers, "store", None)
        if r is None:
            r = self._readers.store = self._open_reader()
        return r

    def _shares_connection(self) -> bool:
        """True when another connection would not see this one's data (SQLite's :memory:)."""
        return False

    def _open_reader(self) -> Self:
        r = type(self)(self.address, readonly=True)  # type: ignore[call-arg]
        r._writer = self
        return r

    def _write_store(self) -> Self:
        """The store that writes (a reader's writer, else this one)."""
        return self._writer or self

    def _has_table(self, name: str) -> bool:
        if name not in self._tables:
            self._tables[name] = self._table_exists(name)
        return self._tables[name]

    def _table_exists(self, name: str) -> bool:
        raise NotImplementedError

    def _schema_version(self) -> int:
        """The number of the last migration applied."""
        raise NotImplementedError
