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

    # -- corrections and the corrected view of events (migration 004) ----
    # Filters of the *_view methods (all optional): event_type, sub_event_type, actor, place,
    # bbox=(west, south, east, north), date_from, date_to, status ("rejected" lists rejected
    # events), min_corroboration, text, doc_id, include_rejected.
    @abc.abstractmethod
    def add_correction(self, event_id: str, changes: dict[str, Any], *, author: Optional[str] = None,
                       note: Optional[str] = None) -> Optional[Event]:
        """Store validated corrections of one event (apart from machine output); return the
        corrected event, or None when there is no such event."""

    @abc.abstractmethod
    def corrections_of(self, event_id: str) -> list[dict[str, Any]]:
        """Every correction that applies to an event, oldest first (the audit trail)."""

    @abc.abstractmethod
    def get_event_view(self, event_id: str) -> Optional[Event]:
        """One event with its corrections applied (``attrs['corrected']`` lists the fields)."""

    @abc.abstractmethod
    def query_events_view(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[Event]:
        """Corrected events matching the filters, newest first, in a stable order."""

    @abc.abstractmethod
    def query_events_json(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[str]:
        """As ``query_events_view``, each event as its exported JSON text (the fast path of the API)."""

    @abc.abstractmethod
    def query_events_summary(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[dict[str, Any]]:
        """As ``query_events_view``, each event as a short summary (no evidence): for lists and maps."""

    @abc.abstractmethod
    def iter_events_view(self, batch: int = 1000, **filters: Any) -> Iterator[list[Event]]:
        """Every matching corrected event, a batch at a time (for streamed exports)."""

    @abc.abstractmethod
    def count_events_view(self, **filters: Any) -> int: ...

    @abc.abstractmethod
    def event_histogram(self, *, bin: str = "month", **filters: Any) -> list[tuple[str, int]]:
        """(day, month or year, count) of matching events by their corrected date."""

    @abc.abstractmethod
    def event_points(self, *, limit: int = 5000, **filters: Any) -> list[tuple]:
        """(event_id, lat, lon, event_type, date) of matching placed events."""

    @abc.abstractmethod
    def health(self) -> dict[str, Any]:
        """Cheap facts for a health check (no table scans)."""

    @abc.abstractmethod
    def event_type_pairs(self) -> list[tuple[str, str]]:
        """Distinct (event type, sub-event type) pairs in the store, corrections included."""

    @abc.abstractmethod
    def query_fused_view(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[dict[str, Any]]:
        """Fused events as JSON records, newest first; filters as above (no doc_id)."""

    @abc.abstractmethod
    def get_fused_view(self, cluster_id: str) -> Optional[dict[str, Any]]: ...

    def reader(self, own: bool = False) -> "Store":
        """A store to read from on the calling thread (``own``: a new one, for the caller
        alone); backends with one connection return self."""
        return self

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
    def control_near(self, lat: float, lon: float, km: float) -> list[ControlPeriod]:
        """Periods of the places within ``km`` of a point (for names spelt otherwise), oldest first."""

    @abc.abstractmethod
    def control_at(self, day: str) -> list[ControlPeriod]:
        """The period in force on ``day`` (YYYY-MM-DD) at every place that has a timeline."""

    @abc.abstractmethod
    def control_places(self) -> list[str]:
        """The keys of every place that has a timeline (``control_timeline(key)`` reads one)."""

    @abc.abstractmethod
    def save_agreement(self, agreement: Agreement) -> None: ...

    @abc.abstractmethod
    def delete_agreements(self, cluster_id: str) -> None: ...

    @abc.abstractmethod
    def query_agreements(self, *, place: Optional[str] = None, status: Optional[str] = None,
                         limit: int = 100, offset: int = 0, cluster_id: Optional[str] = None) -> list[Agreement]: ...

    # -- misc -----------------------------------------------------------
    @abc.abstractmethod
    def stats(self) -> dict[str, Any]: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
