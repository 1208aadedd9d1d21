"""What the shared table code needs of a backend: its dialect, and a connection base class."""
from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Self


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
)


class SQLConnection:
    """The connection side of a SQL backend, as the shared table mixins use it.

    ``conn.execute(sql, args)`` takes ``?`` marks and returns a cursor (``fetchone``,
    ``fetchall``, iteration, ``rowcount``) whose rows read by position and by column name;
    ``conn.executemany(sql, rows)`` as well."""

    conn: Any
    dialect: Dialect

    def transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _has_table(self, name: str) -> bool:
        raise NotImplementedError

    def _schema_version(self) -> int:
        """The number of the last migration applied."""
        raise NotImplementedError

    def _write_store(self) -> Self:
        """The store that writes (a reader's writer, else this one)."""
        raise NotImplementedError
