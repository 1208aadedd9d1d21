"""The store: one contract of small roles (``store.base``), SQLite by default.

Pipeline stages never import a backend; the CLI and the server open one with
``open_store`` and hand it in.
"""
from __future__ import annotations

from .base import (AddOutcome, AlertStore, AnalystStore, AnalystToken, BaseStore, ControlStore, CorrectionStore, DocumentStore, DocumentSummary,
                   EventRecord, EventStore, FusingStore, FusionStore, Store, WatchStore)


def is_postgres_url(url: str) -> bool:
    """A libpq URI (``postgresql://user@host:5432/db``, ``postgresql:///db`` on the local socket)."""
    return url.startswith(("postgres://", "postgresql://"))


def store_label(url: str) -> str:
    """The store's address as shown to users (a PostgreSQL URL without its password)."""
    if is_postgres_url(url):
        from .postgres.connection import redact

        return redact(url)
    return url


def open_store(url: str) -> Store:
    """Open a store: a ``postgresql://`` URL (any libpq URI) opens PostgreSQL, anything else
    is a SQLite file path (or ``:memory:``)."""
    if is_postgres_url(url):
        from .postgres import PostgresStore

        return PostgresStore(url)
    from .sqlite import SQLiteStore

    return SQLiteStore(url)


def scratch_store() -> Store:
    """A new, empty, private store that keeps nothing after ``close`` (in memory): for work
    such as ``rasd extract`` that fuses without a persistent store."""
    return open_store(":memory:")


__all__ = ["AddOutcome", "AlertStore", "AnalystStore", "AnalystToken", "BaseStore", "ControlStore", "CorrectionStore",
           "DocumentStore", "DocumentSummary", "EventRecord", "EventStore", "FusingStore", "FusionStore", "Store",
           "WatchStore", "is_postgres_url", "open_store", "store_label",
           "scratch_store"]
