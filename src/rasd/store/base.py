"""The store contract: small role protocols, and ``Store``, the union a full backend implements.

Callers type a parameter with the roles they use (fusion takes a ``FusingStore``, the ingest
a ``DocumentStore`` and an ``EventStore``); the CLI and the server take a whole ``Store``.
A backend subclasses ``Store`` (every method is abstract, so a missing one fails at once)
and passes the contract suite, tests/test_store_contract.py.
"""
from __future__ import annotations

import abc
import json
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, NamedTuple, Optional, Protocol, TypeVar, runtime_checkable

from .. import corrections as corr
from ..records import Agreement, ControlPeriod, Document, Event, FusedEvent, RecalledChange

BBox = tuple[float, float, float, float]  # (west, south, east, north)
S = TypeVar("S", bound="BaseStore")


@dataclass(frozen=True)
class CandidateSearch:
    """What fusion asks the store for one event mention: fused events of these sub-event types
    whose date span [date_lo, date_hi] meets [``date_lo``, ``date_hi``] and, with ``bbox`` (west,
    south, east, north), whose point lies in it; the first ``limit`` by (date_lo, cluster_id)."""

    sub_event_types: tuple[str, ...]
    date_lo: str
    date_hi: str
    bbox: Optional[BBox] = None
    limit: int = 200

    def admits(self, fused: FusedEvent) -> bool:
        """Whether the store would return ``fused`` (as ``save_fused`` writes its columns) for
        this search: the same test in Python, for fused events written since a search was run."""
        lo, hi = fused.date_range
        if lo is None or hi is None or fused.sub_event_type not in self.sub_event_types:
            return False
        if not (lo.isoformat() <= self.date_hi and hi.isoformat() >= self.date_lo):
            return False
        if self.bbox is None:
            return True
        loc = fused.location
        if loc is None or loc.lat is None or loc.lon is None:
            return False
        w, s, e, n = self.bbox
        return s <= loc.lat <= n and w <= loc.lon <= e

    @staticmethod
    def order(fused: FusedEvent) -> tuple[str, str]:
        """The order the store returns candidates in: (date_lo, cluster_id)."""
        lo = fused.date_range[0]
        return (lo.isoformat() if lo else "", fused.cluster_id)


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
    url: Optional[str] = None
    stored_at: Optional[str] = None  # when it was stored (rasd.clock.stamp's form)


class EventRecord(NamedTuple):
    """One event of the corrected view as the store holds it, not yet parsed: ``data`` is the
    machine's record as written (``Event.to_dict`` as JSON text), ``corrected`` the analysts'
    resolved fields (None when nobody corrected it), ``corroboration`` its fused event's count;
    its provenance: ``outlet`` and ``url`` of its document, ``outlets`` the known outlets of
    every report of its fused event (JSON array text, None when not fused).
    (A named tuple: the event list makes fifty of them per page.)"""

    event_id: str
    data: str
    corrected: Optional[dict[str, Any]] = None
    corroboration: Optional[int] = None
    outlet: Optional[str] = None
    url: Optional[str] = None
    outlets: Optional[str] = None

    def event(self) -> Event:
        """The event with its corrections applied (``attrs['corrected']`` lists the fields) and
        its provenance in ``attrs`` (``outlet``, ``url``, ``outlets``)."""
        event = Event.from_dict(json.loads(self.data))
        if self.corrected:
            corr.apply(event, self.corrected)
        if self.corroboration is not None:
            event.attrs["corroboration"] = self.corroboration
        event.attrs["outlet"] = self.outlet
        event.attrs["url"] = self.url
        event.attrs["outlets"] = self.outlet_list()
        return event

    def outlet_list(self) -> list[str]:
        """The known, distinct outlets behind the event: its fused event's, else its document's
        (names compared without case and spacing; the first spelling is kept)."""
        names = json.loads(self.outlets) if self.outlets else []
        if self.outlet:
            names.insert(0, self.outlet)
        out: dict[str, str] = {}
        for n in names:
            if isinstance(n, str) and n.strip():
                out.setdefault(" ".join(n.lower().split()), n.strip())
        return list(out.values())


# -- the watcher's records (migration 005) --------------------------------------------
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


@dataclass
class AnalystToken:
    """An analyst's token as the store keeps it: its name (the author of what it writes) and a
    hash of the token (the token itself is shown once, when made, and never stored)."""
    name: str
    token_hash: str
    created_at: Optional[str] = None
    revoked_at: Optional[str] = None  # None while the token works
# -- revisions of fused events and alerts (migration 007) ----------
@dataclass
class FusedRevision:
    """A fused event's last revision (fuse/revisions.py): its number, when the first and this one
    were recorded, what this one changed, and the state it recorded (status, corroboration,
    event_type, sub_event_type, place, fatalities)."""
    cluster_id: str
    revision: int
    created_at: str
    changed_at: str
    changes: list[dict[str, Any]]
    state: dict[str, Any]


CHANNELS = ("webhook", "email")
NOTIFICATION_STATUSES = ("pending", "sent", "failed")


@dataclass
class Alert:
    """A saved search over fused events and where to send what matches (docs/alerts.md)."""
    name: str
    channel: str  # webhook | email
    target: str   # the webhook's URL, or an e-mail address
    filters: dict[str, Any] = field(default_factory=dict)  # the fused view's filters (no since)
    secret: Optional[str] = None  # the webhook's HMAC-SHA256 key
    created_at: Optional[str] = None
    # counts of its notifications by status (read-only; filled by list_alerts/get_alert)
    pending: int = 0
    sent: int = 0
    failed: int = 0


@dataclass
class Notification:
    """One queued notification: (alert, fused event, revision), its payload and its delivery."""
    id: int
    alert: str
    cluster_id: str
    revision: int
    payload: dict[str, Any]
    created_at: str
    status: str = "pending"
    attempts: int = 0
    next_at: Optional[str] = None
    last_error: Optional[str] = None
    sent_at: Optional[str] = None


# -- roles -------------------------------------------------------------------------
@runtime_checkable
class BaseStore(Protocol):
    """What every role shares: transactions, readers, health, stats, closing."""

    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """All writes inside commit together or not at all (transactions nest: the outermost commits)."""

    @abc.abstractmethod
    def reader(self: S, own: bool = False) -> S:
        """A store to read from on the calling thread, seeing what this one committed (``own``:
        a new one for the caller alone, to close when done); a backend with one connection
        returns self."""

    @abc.abstractmethod
    def health(self) -> dict[str, Any]:
        """Cheap facts for a health check (no table scans): schema_version, documents, events,
        corrections."""

    @abc.abstractmethod
    def stats(self) -> dict[str, Any]:
        """What the store holds: schema_version, documents, events, published_range, by outlet and type."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self: S) -> S:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@runtime_checkable
class DocumentStore(BaseStore, Protocol):
    """Documents, keyed by content hash, with full-text search (migration 001)."""

    @abc.abstractmethod
    def add_document(self, doc: Document) -> AddOutcome:
        """Insert a document, keyed by content hash; same content twice changes nothing.
        A new or updated document records when it was stored (``since`` filters on it).

        Same doc_id with other content replaces the stored document ("updated"); the
        same content under another doc_id is not stored again ("duplicate")."""

    @abc.abstractmethod
    def get_document(self, doc_id: str) -> Optional[Document]: ...

    @abc.abstractmethod
    def get_documents(self, doc_ids: Iterable[str]) -> dict[str, Document]:
        """``get_document`` of each of these ids that exists, by id (one query per 500)."""

    @abc.abstractmethod
    def has_content(self, content_hash: str) -> bool: ...

    @abc.abstractmethod
    def list_documents(self, query: Optional[str] = None, limit: int = 50,
                       offset: int = 0, since: Optional[str] = None) -> list[DocumentSummary]:
        """Documents in a stable order (by id; with ``since`` alone, the newest stored first);
        ``query`` is full-text search (words ANDed, best match first); ``since`` (a
        ``rasd.clock.stamp`` text) keeps those stored at or after that time."""

    @abc.abstractmethod
    def iter_documents(self) -> Iterator[Document]:
        """Every document, by doc_id."""

    @abc.abstractmethod
    def document_summaries(self, doc_ids: Iterable[str]) -> dict[str, DocumentSummary]:
        """Title, date, outlet, address and length of these documents, by doc_id (those that
        exist): what a report needs to be cited, without reading the texts."""


@runtime_checkable
class EventStore(BaseStore, Protocol):
    """Coded events (migration 002) and their corrected view (migration 004).

    Filters of the view methods (all optional): event_type, sub_event_type, actor (a part of
    either actor's name, or a list of such parts, any of which matches), place,
    country (ISO alpha-2 of the machine's place), bbox=(west, south, east, north), date_from,
    date_to, since (stored at or after this ``rasd.clock.stamp`` time), status ("rejected" lists
    rejected events), min_corroboration, min_confidence (the coder's confidence, 0-1), reviewed
    (True: events an analyst accepted or rejected; False: the others), text, doc_id,
    include_rejected. Every event records when it was stored (``replace_events``).
    The view's order is newest first (corrected date, then event id), undated events last."""

    @abc.abstractmethod
    def replace_events(self, doc_id: str, events: Iterable[Event]) -> None:
        """Store a document's coded events, replacing what an earlier run coded."""

    @abc.abstractmethod
    def query_events(self, *, event_type: Optional[str] = None, sub_event_type: Optional[str] = None,
                     actor: Optional[str] = None, place: Optional[str] = None,
                     date_from: Optional[str] = None, date_to: Optional[str] = None,
                     text: Optional[str] = None, doc_id: Optional[str] = None,
                     bbox: Optional[BBox] = None,
                     limit: int = 100, offset: int = 0) -> list[Event]:
        """Machine-coded events as the coder stored them (no corrections), oldest first."""

    @abc.abstractmethod
    def get_event_view(self, event_id: str) -> Optional[Event]:
        """One event with its corrections applied (``attrs['corrected']`` lists the fields)."""

    @abc.abstractmethod
    def query_events_view(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[Event]:
        """Corrected events matching the filters, in the view's order."""

    @abc.abstractmethod
    def query_event_records(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[EventRecord]:
        """As ``query_events_view``, each event as its unparsed record (the API's fast path:
        serve/ turns records into JSON without parsing the untouched ones)."""

    @abc.abstractmethod
    def query_events_summary(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[dict[str, Any]]:
        """As ``query_events_view``, each event as a short summary (no evidence): for lists and maps."""

    @abc.abstractmethod
    def iter_events_view(self, batch: int = 1000, **filters: Any) -> Iterator[list[Event]]:
        """Every matching corrected event once, a batch at a time (for streamed exports)."""

    @abc.abstractmethod
    def count_events_view(self, **filters: Any) -> int: ...

    @abc.abstractmethod
    def event_histogram(self, *, bin: str = "month", **filters: Any) -> list[tuple[str, int]]:
        """(day, month or year, count) of matching events by their corrected date, in order."""

    @abc.abstractmethod
    def event_points(self, *, limit: int = 5000, **filters: Any) -> list[tuple]:
        """(event_id, lat, lon, event_type, date) of matching placed events."""

    @abc.abstractmethod
    def actor_names(self, part: str, limit: int = 20) -> list[tuple[str, int]]:
        """(name, events) of the actor names the stored events carry (corrections included)
        that contain ``part`` (any case), most events first: suggestions for an actor filter."""

    @abc.abstractmethod
    def event_type_pairs(self) -> list[tuple[str, str]]:
        """Distinct (event type, sub-event type) pairs in the store, corrections included, sorted."""


@runtime_checkable
class CorrectionStore(BaseStore, Protocol):
    """Analyst corrections, kept apart from machine output (migration 004)."""

    @abc.abstractmethod
    def add_correction(self, event_id: str, changes: dict[str, Any], *, author: Optional[str] = None,
                       note: Optional[str] = None) -> Optional[Event]:
        """Store validated corrections of one event (apart from machine output); return the
        corrected event, or None when there is no such event."""

    @abc.abstractmethod
    def corrections_of(self, event_id: str) -> list[dict[str, Any]]:
        """Every correction that applies to an event, oldest first (the audit trail): id, field,
        value, author, note, created_at, event_id, and request (shared by the rows one call of
        ``add_correction`` wrote). Review decisions are rows of field ``review``
        (``corrections.REVIEW``)."""

    @abc.abstractmethod
    def review_queue(self, *, order: str = "confidence", limit: int = 50, offset: int = 0,
                     **filters: Any) -> list[dict[str, Any]]:
        """Events no analyst has reviewed (accepted or rejected), rejected ones left out, as the
        summaries of ``query_events_summary`` plus ``reports`` (its fused event's reports, 1
        when not fused). ``order``: "confidence" (lowest first) or "reports" (most first, then
        lowest confidence); ties by event id. The view's filters apply."""


@runtime_checkable
class FusionStore(BaseStore, Protocol):
    """Fused events and their reports (migration 003)."""

    @abc.abstractmethod
    def fusion_candidates(self, *, sub_event_types: list[str], date_lo: str, date_hi: str,
                          bbox: Optional[BBox] = None, limit: int = 200) -> list[FusedEvent]:
        """Fused events of these sub-event types whose date span meets [date_lo, date_hi]
        and, with ``bbox`` (west, south, east, north), whose point lies in it. Indexed lookup."""

    @abc.abstractmethod
    def fusion_candidates_many(self, searches: list[CandidateSearch]) -> list[list[FusedEvent]]:
        """``fusion_candidates`` of each search, in one round trip (or a few): one list per search,
        each ordered by (date_lo, cluster_id); a fused event found by several searches may be
        one shared object (read it, do not change it)."""

    @abc.abstractmethod
    def fused_for_doc(self, doc_id: str) -> list[FusedEvent]:
        """Fused events holding a report of this document, by cluster id."""

    @abc.abstractmethod
    def get_fused(self, cluster_id: str) -> Optional[FusedEvent]: ...

    @abc.abstractmethod
    def get_fused_many(self, cluster_ids: Iterable[str]) -> dict[str, FusedEvent]:
        """The fused events of these ids that exist, by id (one query)."""

    @abc.abstractmethod
    def save_fused(self, fused: FusedEvent, *, family: str, place_key: Optional[str]) -> None:
        """Insert or replace a fused event with its reports; set cluster_id/status on its events."""

    @abc.abstractmethod
    def save_fused_many(self, items: list[tuple[FusedEvent, str, Optional[str]]]) -> None:
        """``save_fused`` of each (fused event, family, place key), in a few statements; when a
        cluster id comes more than once, its last fused event is saved."""

    @abc.abstractmethod
    def delete_fused(self, cluster_id: str) -> None:
        """Delete a fused event and its reports; its events lose their cluster_id/status."""

    @abc.abstractmethod
    def query_fused(self, *, status: Optional[str] = None, event_type: Optional[str] = None,
                    place: Optional[str] = None, date_from: Optional[str] = None, date_to: Optional[str] = None,
                    min_reports: int = 1, limit: int = 100, offset: int = 0, country: Optional[str] = None,
                    since: Optional[str] = None) -> list[FusedEvent]:
        """Fused events, oldest first (undated last); ``event_type`` matches the type or sub-type;
        ``since``: last revised at or after that time."""

    @abc.abstractmethod
    def unfused_events(self, limit: int = 1000) -> list[Event]:
        """Stored events not yet in any fused event, oldest document first."""

    @abc.abstractmethod
    def fused_at_place(self, place_key: str, sub_event_types: list[str]) -> list[FusedEvent]:
        """Fused events of these sub-event types at one place (control timelines), by date."""

    @abc.abstractmethod
    def query_fused_view(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[dict[str, Any]]:
        """Fused events as JSON records (as ``get_fused_view``), newest first; the view's filters
        (no doc_id; min_confidence: some report at least that confident; ``since``: last revised
        at or after that time, see ``record_revision``)."""

    @abc.abstractmethod
    def get_fused_view(self, cluster_id: str) -> Optional[dict[str, Any]]:
        """A fused event as its JSON record, with ``created_at``, ``changed_at``, ``revision`` and
        ``changes`` of its last revision (see ``record_revision``)."""

    @abc.abstractmethod
    def fused_revision(self, cluster_id: str) -> Optional[FusedRevision]:
        """The last revision recorded of a fused event (kept after the fused event is deleted,
        until ``forget_revision``)."""

    @abc.abstractmethod
    def fused_revisions(self, cluster_ids: Iterable[str]) -> dict[str, FusedRevision]:
        """``fused_revision`` of each of these ids that has one, by id (one query)."""

    @abc.abstractmethod
    def record_revision(self, revision: FusedRevision, payload: Optional[dict[str, Any]]) -> int:
        """Record a fused event's last revision (its state replaces the one kept). With a
        ``payload`` (JSON-able: the change and the event), queue one notification of it for every
        alert whose filters the fused event, as now saved, matches, in the same transaction;
        a notification already queued for (alert, cluster_id, revision) is not queued again.
        None records the state alone. Returns how many notifications were queued."""

    @abc.abstractmethod
    def record_revisions(self, items: list[tuple[FusedRevision, Optional[dict[str, Any]]]]) -> int:
        """``record_revision`` of each (revision, payload), the alerts read once; the total queued."""

    @abc.abstractmethod
    def forget_revision(self, cluster_id: str) -> None:
        """Drop the revision record of a fused event that no longer exists."""


@runtime_checkable
class ControlStore(BaseStore, Protocol):
    """Control timelines and agreements, built from fused events (migration 003)."""

    @abc.abstractmethod
    def replace_control(self, place_key: str, periods: list[ControlPeriod]) -> None: ...

    @abc.abstractmethod
    def control_timeline(self, place: str) -> list[ControlPeriod]:
        """Periods of one place (its name, case-insensitive, or its key; else names containing
        it), oldest first."""

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
    def replace_recalled(self, doc_id: str, changes: list[tuple[str, RecalledChange]]) -> list[str]:
        """Replace the recalled changes of one document with ``changes`` ((place key, change)
        pairs); returns the place keys it had before (their timelines change too)."""

    @abc.abstractmethod
    def recalled_at(self, place_key: str) -> list[RecalledChange]:
        """The recalled changes at one place, by their first day."""

    @abc.abstractmethod
    def save_agreement(self, agreement: Agreement) -> None:
        """Insert or replace an agreement with its clauses."""

    @abc.abstractmethod
    def delete_agreements(self, cluster_id: str) -> None: ...

    @abc.abstractmethod
    def agreements_of(self, cluster_ids: Iterable[str]) -> dict[str, list[Agreement]]:
        """The agreements built on each of these fused events that has some, by cluster id, each
        list as ``query_agreements(cluster_id=...)`` orders it (one query)."""

    @abc.abstractmethod
    def query_agreements(self, *, place: Optional[str] = None, status: Optional[str] = None,
                         limit: int = 100, offset: int = 0, cluster_id: Optional[str] = None) -> list[Agreement]:
        """Agreements, oldest first (undated last)."""


@runtime_checkable
class WatchStore(BaseStore, Protocol):
    """What `rasd watch` keeps (migration 005): the sources it follows, what each read found,
    every article link seen and its outcome. Writes made inside the caller's ``transaction()``
    join it (an article's document and its item's outcome are committed together)."""

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


@runtime_checkable
class AnalystStore(BaseStore, Protocol):
    """Analysts' tokens (migration 006): each analyst writes with a token of their own, and what
    they write carries the token's name. Only hashes of tokens are kept."""

    @abc.abstractmethod
    def add_token(self, name: str, token_hash: str) -> AnalystToken:
        """Keep a new analyst's token hash under ``name``; ValueError when the name was ever
        given (a revoked name is not given again: an author's name means one analyst)."""

    @abc.abstractmethod
    def list_tokens(self) -> list[AnalystToken]:
        """Every token, revoked ones too, by name."""

    @abc.abstractmethod
    def revoke_token(self, name: str) -> bool:
        """Stop a token working (it stays listed); False when no working token has that name."""

    @abc.abstractmethod
    def token_author(self, token_hash: str) -> Optional[str]:
        """The name of the working token with this hash, or None."""


@runtime_checkable
class AlertStore(BaseStore, Protocol):
    """Alerts (saved searches over fused events), the outbox of their notifications, and leases
    (migration 007). Notifications are queued by
    ``FusionStore.record_revision`` in the fusion's transaction; a dispatcher holding the
    ``alerts`` lease delivers them and records each outcome here."""

    @abc.abstractmethod
    def save_alert(self, alert: Alert) -> None:
        """Add an alert, or replace the one of that name (its queued notifications stay)."""

    @abc.abstractmethod
    def get_alert(self, name: str) -> Optional[Alert]: ...

    @abc.abstractmethod
    def list_alerts(self) -> list[Alert]:
        """Every alert, by name, with the counts of its notifications by status."""

    @abc.abstractmethod
    def remove_alert(self, name: str) -> bool:
        """Delete an alert and its notifications; False when there is none of that name."""

    @abc.abstractmethod
    def queue_notification(self, alert: str, cluster_id: str, revision: int, payload: dict[str, Any],
                           at: str) -> Optional[int]:
        """Queue one notification by hand (a test: ``rasd alerts test`` over the API), due at
        ``at``; its id, or None when (alert, cluster_id, revision) is already queued."""

    @abc.abstractmethod
    def due_notifications(self, now: str, limit: int = 50) -> list[Notification]:
        """Pending notifications whose ``next_at`` is at or before ``now``, oldest first."""

    @abc.abstractmethod
    def notifications(self, alert: Optional[str] = None, limit: int = 50) -> list[Notification]:
        """The newest notifications (of one alert), newest first: what was sent and what failed."""

    @abc.abstractmethod
    def mark_notification(self, id: int, *, status: str, at: str, error: Optional[str] = None,
                          next_at: Optional[str] = None) -> None:
        """The outcome of one delivery attempt (counts an attempt): ``sent`` (at ``at``),
        ``pending`` again (retry at ``next_at``, ``error`` kept) or ``failed`` (given up)."""

    @abc.abstractmethod
    def acquire_lease(self, name: str, holder: str, *, now: str, until: str) -> bool:
        """Take or renew the lease ``name`` until ``until`` when it is free, expired (before
        ``now``) or already ``holder``'s; True when ``holder`` holds it now. Atomic."""

    @abc.abstractmethod
    def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up when ``holder`` holds it."""


@dataclass(frozen=True)
class Table:
    """One table of a store's data, as ``rasd copy``, ``backup`` and ``restore`` move it."""
    name: str
    columns: tuple[str, ...]


@runtime_checkable
class TransferStore(BaseStore, Protocol):
    """Every table of the store, read and written as rows (``rasd copy``, ``backup``, ``restore``).
    The tables come from the database's own schema, so tables that later migrations add move too."""

    @abc.abstractmethod
    def data_tables(self) -> list[Table]:
        """The tables holding data (not the migration records, not index tables such as SQLite's
        FTS5 ones), in the order they were created (referenced tables first), with their columns
        (not those the database computes)."""

    @abc.abstractmethod
    def implicit_columns(self) -> frozenset[str]:
        """Columns this backend adds for itself (PostgreSQL's ``seq``, SQLite's rowid order):
        another backend may do without them."""

    @abc.abstractmethod
    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside see one moment of the store (writers go on meanwhile)."""

    @abc.abstractmethod
    def read_rows(self, table: str, columns: Iterable[str], batch: int = 1000) -> Iterator[list[tuple]]:
        """The rows of a table, a batch at a time, in the order they were stored."""

    @abc.abstractmethod
    def write_rows(self, table: str, columns: Iterable[str], rows: list[tuple]) -> None:
        """Insert rows (inside the caller's ``transaction()``)."""

    @abc.abstractmethod
    def loaded(self, table: str) -> None:
        """After rows were written with their own ids: later inserts go on after the largest."""

    @abc.abstractmethod
    def count_rows(self, table: str) -> int: ...


# -- unions of roles ------------------------------------------------------------------
@runtime_checkable
class FusingStore(FusionStore, ControlStore, Protocol):
    """What fusion writes to: fused events, then the control timelines and agreements built on them."""


@runtime_checkable
class Store(DocumentStore, EventStore, CorrectionStore, FusionStore, ControlStore, WatchStore, AnalystStore,
            AlertStore, TransferStore, Protocol):
    """Every role: what the CLI and the server need, and what a full backend implements."""
