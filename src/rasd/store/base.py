"""The narrow interface every store backend implements."""
from __future__ import annotations

import abc
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional

from ..records import Document, Event


@dataclass
class AddOutcome:
    doc_id: str
    status: str  # "new" | "unchanged" | "updated" | "duplicate" (same content under another doc_id)


@dataclass
class DocumentSummary:
    doc_id: str
    title: Optional[str]
    published: Optional[str]
    outlet: Optional[str]
    chars: int
    snippet: Optional[str] = None


class Store(abc.ABC):
    """What the pipeline, the CLI and the server need from a store, and no more."""

    # -- transactions ---------------------------------------------------
    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """All writes inside commit together or not at all."""

    # -- documents ------------------------------------------------------
    @abc.abstractmethod
    def add_document(self, doc: Document) -> AddOutcome:
        """Insert a document, keyed by content hash; same content twice changes nothing.

        Same doc_id with other content replaces the stored document ("updated"); the
        same content under another doc_id is not stored again ("duplicate")."""

    @abc.abstractmethod
    def get_document(self, doc_id: str) -> Optional[Document]: ...

    @abc.abstractmethod
    def has_content(self, content_hash: str) -> bool: ...

    @abc.abstractmethod
    def list_documents(self, query: Optional[str] = None, limit: int = 50,
                       offset: int = 0) -> list[DocumentSummary]:
        """Documents in a stable order; ``query`` is full-text search."""

    @abc.abstractmethod
    def iter_documents(self) -> Iterator[Document]: ...

    # -- events ---------------------------------------------------------
    @abc.abstractmethod
    def replace_events(self, doc_id: str, events: Iterable[Event]) -> None:
        """Store a document's coded events, replacing what an earlier run coded."""

    @abc.abstractmethod
    def query_events(self, *, event_type: Optional[str] = None, sub_event_type: Optional[str] = None,
                     actor: Optional[str] = None, place: Optional[str] = None,
                     date_from: Optional[str] = None, date_to: Optional[str] = None,
                     text: Optional[str] = None, doc_id: Optional[str] = None,
                     bbox: Optional[tuple[float, float, float, float]] = None,
                     limit: int = 100, offset: int = 0) -> list[Event]: ...

    # -- misc -----------------------------------------------------------
    @abc.abstractmethod
    def stats(self) -> dict[str, Any]: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
