"""Connection handling of the SQLite backend, in one base class that the table mixins share:
opening (pragmas, migrations), nested transactions, per-thread readers, table checks."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from ...errors import StoreError
from ..sql.dialect import SQLITE, SQLConnection
from .migrate import migrate_sqlite

MIGRATIONS = "rasd.store.sqlite.migrations"
BUSY_TIMEOUT_S = 30.0  # how long a statement waits for another process's lock before "database is locked"
BEGIN_ATTEMPTS = 4     # a writer waits up to this many busy timeouts for its turn


class SQLiteConnection(SQLConnection):
    """One SQLite file (or ``:memory:``) in WAL mode, opened and migrated; writes go through
    ``transaction()``; ``reader()`` gives each thread a connection of its own for reads (WAL
    snapshot reads), except in memory, where one connection holds the data."""

    dialect = SQLITE

    def __init__(self, path: str, *, readonly: bool = False):
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                        timeout=BUSY_TIMEOUT_S)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            if not readonly:
                migrate_sqlite(self.conn, MIGRATIONS)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from None
        self.address = self.path
        self._ready()

    def _begin(self) -> None:
        """BEGIN IMMEDIATE: wait for the other writers (the busy timeout), and try again a few
        times when they hold the file longer than that, before giving up with a clear message."""
        for attempt in range(BEGIN_ATTEMPTS):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if attempt == BEGIN_ATTEMPTS - 1:
                    raise StoreError(f"{self.path}: another writer kept the store locked for "
                                     f"{BEGIN_ATTEMPTS * BUSY_TIMEOUT_S:.0f} s ({exc})") from None
                time.sleep(0.1 * (attempt + 1))

    def _shares_connection(self) -> bool:
        return self.path == ":memory:"

    def _table_exists(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                                 (name,)).fetchone() is not None

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:
            pass
