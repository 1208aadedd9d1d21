"""The watcher's role of a store (migration 005): sources, their reads, the article links seen.

A backend implements ``WatchStore`` beside the other roles; the watcher (src/rasd/watch) is
handed a store that has it and never sees SQL. Every write is one transaction, and writes made
inside the caller's ``transaction()`` join it (an article's document and its item's status are
committed together).
"""
from __future__ import annotations

import abc
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Iterable, Optional, Protocol, runtime_checkable

ITEM_STATUSES = ("pending", "stored", "duplicate", "failed", "rejected")


@dataclass
class WatchSource:
    name: str
    url: str
    every_s: float = 900.0
    country: Optional[str] = None
    pattern: Optional[str] = None
    origin: str = "cli"
    # state, kept by the store
    added_at: Optional[str] = None
    kind: Optional[str] = None
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    last_fetch_at: Optional[str] = None
    last_ok_at: Optional[str] = None
    last_status: Optional[str] = None
    last_error: Optional[str] = None
    errors: int = 0
    # counts of its items, by status (read-only; filled by list_sources/get_source)
    items: int = 0
    stored: int = 0
    failed: int = 0


@dataclass
class ListedItem:
    """An article link as a source lists it (``url`` already canonical)."""
    url: str
    title: Optional[str] = None
    published: Optional[str] = None  # YYYY-MM-DD


@dataclass
class WatchItem:
    url: str
    source: str  # one source listing it (the first)
    title: Optional[str] = None
    published: Optional[str] = None
    status: str = "pending"
    attempts: int = 0
    last_error: Optional[str] = None
    doc_id: Optional[str] = None
    canonical: Optional[str] = None


@dataclass
class SourceRead:
    """What one read of a source found, recorded with ``record_read``."""
    status: str  # ok | not-modified | error
    at: str  # UTC ISO time
    error: Optional[str] = None  # the error, or a warning when status is ok
    kind: Optional[str] = None
    etag: Optional[str] = None
    last_modified: Optional[str] = None


@runtime_checkable
class WatchStore(Protocol):
    """What the watcher needs of a store. Every method is abstract, so a backend that lacks
    one fails at once."""

    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """All writes inside commit together or not at all (transactions nest)."""

    @abc.abstractmethod
    def save_source(self, source: WatchSource) -> None:
        """Add a source or change its settings (url, every_s, country, pattern, origin), by name;
        its state is kept. A url already watched under another name raises ValueError."""

    @abc.abstractmethod
    def remove_source(self, name: str) -> bool:
        """Forget a source (its items stay, as seen); False when there is none of that name."""

    @abc.abstractmethod
    def get_source(self, name: str) -> Optional[WatchSource]: ...

    @abc.abstractmethod
    def list_sources(self) -> list[WatchSource]:
        """Every source, by name, with its state and item counts."""

    @abc.abstractmethod
    def record_read(self, name: str, read: SourceRead, items: Iterable[ListedItem] = ()) -> int:
        """Record one read of a source and the items it listed (new ones become pending, known
        ones gain this source). Returns how many items were new to the store."""

    @abc.abstractmethod
    def items_to_fetch(self, sources: Iterable[str], max_attempts: int) -> list[WatchItem]:
        """Items of these sources still to fetch: pending ones, and failed ones with fewer than
        ``max_attempts`` attempts, oldest first."""

    @abc.abstractmethod
    def find_item(self, url: str) -> Optional[WatchItem]:
        """The item of this URL, or the stored item whose page declared it as canonical."""

    @abc.abstractmethod
    def mark_item(self, url: str, status: str, *, at: str, error: Optional[str] = None,
                  doc_id: Optional[str] = None, canonical: Optional[str] = None) -> None:
        """The outcome of one attempt at an item (counts an attempt)."""
