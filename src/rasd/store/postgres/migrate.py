"""PostgreSQL's side of the migration runner: ``schema_migrations`` lists the scripts applied,
``schema_version`` holds the schema version. Migrations run under an advisory lock, so that
processes opening a new database at the same moment apply each script once."""
from __future__ import annotations

import psycopg

from ..migrations import Migration, migrate, package_migrations

# the advisory lock of migrations: (this key, a hash of the schema migrated)
LOCK_KEY = 0x72617364  # "rasd"

_NOW = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"


class PostgresMigrations:
    """The ``MigrationTarget`` of one PostgreSQL connection (in autocommit mode)."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def applied(self) -> set[str]:
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                          f" name text PRIMARY KEY, applied_at text NOT NULL DEFAULT {_NOW})")
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")
        return {r[0] for r in self.conn.execute("SELECT name FROM schema_migrations")}

    def apply(self, migration: Migration) -> None:
        with self.conn.transaction():
            self.conn.execute(migration.script)  # a script of many statements (no parameters)
            self.conn.execute("INSERT INTO schema_migrations(name) VALUES (%s)", (migration.name,))

    def set_version(self, version: int) -> None:
        with self.conn.transaction():
            row = self.conn.execute("SELECT max(version) FROM schema_version").fetchone()
            if row[0] != version:
                self.conn.execute("DELETE FROM schema_version")
                self.conn.execute("INSERT INTO schema_version(version) VALUES (%s)", (int(version),))


def migrate_postgres(conn: psycopg.Connection, package: str) -> list[str]:
    """Apply the ``.sql`` scripts of ``package`` not yet applied, holding the advisory lock of
    this database's schema meanwhile; return their names."""
    scripts = package_migrations(package, ".sql")
    conn.execute("SELECT pg_advisory_lock(%s, hashtext(current_schema()))", (LOCK_KEY,))
    try:
        return migrate(PostgresMigrations(conn), scripts)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s, hashtext(current_schema()))", (LOCK_KEY,))
