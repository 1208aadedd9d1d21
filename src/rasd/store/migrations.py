"""Schema migrations: numbered SQL files applied once each, in order of their names."""
from __future__ import annotations

import sqlite3
from importlib import resources


def migration_names(package: str) -> list[str]:
    files = resources.files(package)
    return sorted(p.name for p in files.iterdir() if p.name.endswith(".sql"))


def apply_sqlite(conn: sqlite3.Connection, package: str) -> list[str]:
    """Apply every migration of ``package`` not yet recorded; return the names applied."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                 " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (datetime('now')))")
    done = {r[0] for r in conn.execute("SELECT name FROM schema_migrations")}
    applied = []
    for name in migration_names(package):
        if name in done:
            continue
        sql = resources.files(package).joinpath(name).read_text(encoding="utf-8")
        conn.execute("BEGIN IMMEDIATE")
        try:
            # executescript would commit implicitly; run statement by statement instead
            for stmt in _split_sql(sql):
                conn.execute(stmt)
            conn.execute("INSERT INTO schema_migrations(name) VALUES (?)", (name,))
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        applied.append(name)
    version = len(migration_names(package))
    conn.execute(f"PRAGMA user_version = {version}")
    return applied


def _split_sql(sql: str) -> list[str]:
    """Split a script on ';' at statement ends, keeping trigger bodies whole."""
    out, buf = [], []
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
