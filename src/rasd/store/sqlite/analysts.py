"""Analysts' tokens (migration 006): the SQLite side of ``AnalystStore``."""
from __future__ import annotations

import sqlite3
from typing import Optional

from ..base import AnalystToken


class AnalystsMixin:
    conn: sqlite3.Connection

    def add_token(self, name: str, token_hash: str) -> AnalystToken:
        with self.transaction():  # type: ignore[attr-defined]
            if self.conn.execute("SELECT 1 FROM analyst_tokens WHERE name=?", (name,)).fetchone():
                raise ValueError(f"the name {name!r} is taken (a revoked name is not given again)")
            self.conn.execute("INSERT INTO analyst_tokens(name, token_hash) VALUES (?, ?)", (name, token_hash))
        return self._token(name)

    def list_tokens(self) -> list[AnalystToken]:
        rows = self.conn.execute("SELECT name, token_hash, created_at, revoked_at FROM analyst_tokens"
                                 " ORDER BY name").fetchall()
        return [AnalystToken(*r) for r in rows]

    def revoke_token(self, name: str) -> bool:
        with self.transaction():  # type: ignore[attr-defined]
            cur = self.conn.execute(
                "UPDATE analyst_tokens SET revoked_at=strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
                " WHERE name=? AND revoked_at IS NULL", (name,))
        return cur.rowcount > 0

    def token_author(self, token_hash: str) -> Optional[str]:
        row = self.conn.execute("SELECT name FROM analyst_tokens WHERE token_hash=? AND revoked_at IS NULL",
                                (token_hash,)).fetchone()
        return row[0] if row else None

    def _token(self, name: str) -> AnalystToken:
        row = self.conn.execute("SELECT name, token_hash, created_at, revoked_at FROM analyst_tokens"
                                " WHERE name=?", (name,)).fetchone()
        return AnalystToken(*row)
