"""The narrow interface every store backend implements."""
from __future__ import annotations

import abc
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional

from ..records import Agreement, ControlPeriod, Document, Event, FusedEvent


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

    # -- fusion: fused events, control timelines, agreements (migration 003) --
    @abc.abstractmethod
    def fusion_candidates(self, *, sub_event_types: list[str], date_lo: str, date_hi: str,
                          bbox: Optional[tuple[float, float, float, float]] = None,
                          limit: int = 200) -> list[FusedEvent]:
        """Fused events of these sub-event types whose date span meets [date_lo, date_hi]
        and, with ``bbox`` (west, south, east, north), whose point lies in it. Indexed lookup."""

    @abc.abstractmethod
    def fused_for_doc(self, doc_id: str) -> list[FusedEvent]:
        """Fused events holding a report of this document."""

    @abc.abstractmethod
    def get_fused(self, cluster_id: str) -> Optional[FusedEvent]: ...

    @abc.abstractmethod
    def save_fused(self, fused: FusedEvent, *, family: str, place_key: Optional[str]) -> None:
        """Insert or replace a fused event with its reports; set cluster_id/status on its events."""

    @abc.abstractmethod
    def delete_fused(self, cluster_id: str) -> None: ...

    @abc.abstractmethod
    def query_fused(self, *, status: Optional[str] = None, event_type: Optional[str] = None,
                    place: Optional[str] = None, date_from: Optional[str] = None, date_to: Optional[str] = None,
                    min_reports: int = 1, limit: int = 100, offset: int = 0) -> list[FusedEvent]: ...

    @abc.abstractmethod
    def unfused_events(self, limit: int = 1000) -> list[Event]:
        """Stored events not yet in any fused event, oldest document first."""

    @abc.abstractmethod
    def fused_at_place(self, place_key: str, sub_event_types: list[str]) -> list[FusedEvent]:
        """Fused events of these sub-event types at one place (control timelines), by date."""

    @abc.abstractmethod
    def replace_control(self, place_key: str, periods: list[ControlPeriod]) -> None: ...

    @abc.abstractmethod
    def control_timeline(self, place: str) -> list[ControlPeriod]:
        """Periods of one place (its name, case-insensitive, or its key), oldest first."""

    @abc.abstractmethod
    def control_at(self, day: str) -> list[ControlPeriod]:
        """The period in force on ``day`` (YYYY-MM-DD) at every place that has a timeline."""

    @abc.abstractmethod
    def save_agreement(self, agreement: Agreement) -> None: ...

    @abc.abstractmethod
    def delete_agreements(self, cluster_id: str) -> None: ...

    @abc.abstractmethod
    def query_agreements(self, *, place: Optional[str] = None, status: Optional[str] = None,
                         limit: int = 100, offset: int = 0) -> list[Agreement]: ...

    # -- misc -----------------------------------------------------------
    @abc.abstractmethod
    def stats(self) -> dict[str, Any]: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
