"""The store: one narrow interface (``Store``), SQLite by default.

Pipeline stages never import a backend; the CLI and the server open one with
``open_store`` and hand it in.
"""
from __future__ import annotations

from .base import AddOutcome, DocumentSummary, Store


def open_store(url: str) -> Store:
    """Open a store by path (SQLite) or ``postgresql://`` URL (not yet supported)."""
    if url.startswith(("postgres://", "postgresql://")):
        from ..errors import StoreError

        raise StoreError(f"{url}: the PostgreSQL backend is not available yet; use a SQLite path")
    from .sqlite import SQLiteStore

    return SQLiteStore(url)


__all__ = ["AddOutcome", "DocumentSummary", "Store", "open_store"]
