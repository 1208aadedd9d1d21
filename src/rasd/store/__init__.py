"""The store: one contract of small roles (``store.base``), SQLite by default.

Pipeline stages never import a backend; the CLI and the server open one with
``open_store`` and hand it in.
"""
from __future__ import annotations

from .base import (AddOutcome, AlertStore, BaseStore, ControlStore, CorrectionStore, DocumentStore, DocumentSummary,
                   EventRecord, EventStore, FusingStore, FusionStore, Store, WatchStore)


def open_store(url: str) -> Store:
    """Open a store by path (SQLite) or ``postgresql://`` URL (not yet supported)."""
    if url.startswith(("postgres://", "postgresql://")):
        from ..errors import StoreError

        raise StoreError(f"{url}: the PostgreSQL backend is not available yet; use a SQLite path")
    from .sqlite import SQLiteStore

    return SQLiteStore(url)


def scratch_store() -> Store:
    """A new, empty, private store that keeps nothing after ``close`` (in memory): for work
    such as ``rasd extract`` that fuses without a persistent store."""
    return open_store(":memory:")


__all__ = ["AddOutcome", "AlertStore", "BaseStore", "ControlStore", "CorrectionStore", "DocumentStore", "DocumentSummary",
           "EventRecord", "EventStore", "FusingStore", "FusionStore", "Store", "WatchStore", "open_store",
           "scratch_store"]
