"""``TransferStore`` for every SQL backend: rows read and written with the shared SQL; the
backend says which tables it has (``data_tables``) and in which order rows were stored."""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Iterable, Iterator

from .dialect import SQLConnection


class TransferMixin(SQLConnection):
    def implicit_columns(self) -> frozenset[str]:
        return frozenset()

    def snapshot(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _stored_order(self, table: str) -> str:
        """An ORDER BY giving a table's rows in the order they were stored."""
        raise NotImplementedError

    def read_rows(self, table: str, columns: Iterable[str], batch: int = 1000) -> Iterator[list[tuple]]:
        cols = ", ".join(quote_name(c) for c in columns)
        cur = self.conn.execute(f"SELECT {cols} FROM {quote_name(table)} ORDER BY {self._stored_order(table)}")
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            yield [tuple(r) for r in rows]

    def write_rows(self, table: str, columns: Iterable[str], rows: list[tuple]) -> None:
        cols = list(columns)
        marks = ", ".join("?" * len(cols))
        self.conn.executemany(f"INSERT INTO {quote_name(table)}({', '.join(quote_name(c) for c in cols)}) VALUES ({marks})",
                              rows)

    def loaded(self, table: str) -> None:
        pass

    def count_rows(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {quote_name(table)}").fetchone()[0]


def quote_name(name: str) -> str:
    """A table or column name as an SQL identifier (``end`` is a keyword in PostgreSQL)."""
    return '"' + name.replace('"', '""') + '"'
