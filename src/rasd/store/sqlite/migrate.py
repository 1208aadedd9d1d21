"""SQLite's side of the migration runner: ``schema_migrations`` lists the scripts applied,
``PRAGMA user_version`` holds the schema version."""
from __future__ import annotations

import sqlite3

from ..migrations import Migration, migrate, package_migrations


class SQLiteMigrations:
    """The ``MigrationTarget`` of one SQLite connection (in autocommit mode)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def applied(self) -> set[str]:
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                          " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (datetime('now')))")
        return {r[0] for r in self.conn.execute("SELECT name FROM schema_migrations")}

    def apply(self, migration: Migration) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            if self.conn.execute("SELECT 1 FROM schema_migrations WHERE name=?", (migration.name,)).fetchone():
                self.conn.execute("COMMIT")  # another process opening the store applied it meanwhile
                return
            # executescript would commit implicitly; run statement by statement instead
            for stmt in split_sql(migration.script):
                self.conn.execute(stmt)
            self.conn.execute("INSERT INTO schema_migrations(name) VALUES (?)", (migration.name,))
            self.conn.execute("COMMIT")
        except Exception:
            self.conn.execute("ROLLBACK")
            raise

    def set_version(self, version: int) -> None:
        self.conn.execute(f"PRAGMA user_version = {int(version)}")


def migrate_sqlite(conn: sqlite3.Connection, package: str) -> list[str]:
    """Apply the ``.sql`` scripts of ``package`` not yet applied; return their names."""
    return migrate(SQLiteMigrations(conn), package_migrations(package, ".sql"))


def split_sql(sql: str) -> list[str]:
    """Split a script on ';' at statement ends, keeping trigger bodies whole."""
    out: list[str] = []
    buf: list[str] = []
    for line in sql.splitlines():
        if line.strip().startswith("--") and not buf:
            continue
        buf.append(line)
        joined = "\n".join(buf)
        if sqlite3.complete_statement(joined):
            if joined.strip().strip(";").strip():
                out.append(joined)
            buf = []
    tail = "\n".join(buf).strip()
    if tail:
        out.append(tail)
    return out
