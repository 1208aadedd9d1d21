"""Analysts' tokens (migration 006): ``AnalystStore`` in plain SQL, shared by the SQL backends."""
from __future__ import annotations

from typing import Optional

from ..base import AnalystToken
from .dialect import SQLConnection


class AnalystsMixin(SQLConnection):

    def add_token(self, name: str, token_hash: str) -> AnalystToken:
        with self.transaction():
            if self.conn.execute("SELECT 1 FROM analyst_tokens WHERE name=?", (name,)).fetchone():
                raise ValueError(f"the name {name!r} is taken (a revoked name is not given again)")
            self.conn.execute("INSERT INTO analyst_tokens(name, token_hash) VALUES (?, ?)", (name, token_hash))
        return self._token(name)

    def list_tokens(self) -> list[AnalystToken]:
        rows = self.conn.execute("SELECT name, token_hash, created_at, revoked_at FROM analyst_tokens"
                                 " ORDER BY name").fetchall()
        return [AnalystToken(*tuple(r)) for r in rows]

    def revoke_token(self, name: str) -> bool:
        with self.transaction():
            cur = self.conn.execute(f"UPDATE analyst_tokens SET revoked_at={self.dialect.now}"
                                    " WHERE name=? AND revoked_at IS NULL", (name,))
        return cur.rowcount > 0

    def token_author(self, token_hash: str) -> Optional[str]:
        row = self.conn.execute("SELECT name FROM analyst_tokens WHERE token_hash=? AND revoked_at IS NULL",
                                (token_hash,)).fetchone()
        return row[0] if row else None

    def _token(self, name: str) -> AnalystToken:
        row = self.conn.execute("SELECT name, token_hash, created_at, revoked_at FROM analyst_tokens"
                                " WHERE name=?", (name,)).fetchone()
        return AnalystToken(*tuple(row))
