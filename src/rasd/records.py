"""Plain typed records passed between pipeline stages.

Document -> Sentence -> Mention -> Event -> FusedEvent (with Reports).

Offsets: a Document keeps its ``raw`` text (as decoded from the input) and its
cleaned ``text``. ``Document.offsets`` maps positions in ``text`` back to
positions in ``raw``. Every Evidence span is given in *raw* coordinates, so
that an analyst can find the cited words in the original capture.
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal, Optional

Stance = Literal["asserted", "claimed", "denied", "uncertain"]
TimePrecision = Literal["day", "week", "month", "year"]
FusedStatus = Literal["confirmed", "single-source", "disputed"]

# GeoNames feature codes (class.code) of a whole country (A.PCLI independent, A.PCLD dependent,
# A.PCLF freely associated, A.PCLS semi-independent, A.PCLIX section, A.PCLH historical) and of
# a continent: the one test of "is this a country" that every stage uses
COUNTRY_FEATURE = "A.PCL"
CONTINENT_FEATURE = "L.CONT"


def is_country_feature(feature: Optional[str]) -> bool:
    """A feature code of a whole country."""
    return (feature or "").startswith(COUNTRY_FEATURE)


def is_country_or_continent(feature: Optional[str]) -> bool:
    """A feature code of a whole country or of a continent."""
    return (feature or "").startswith((COUNTRY_FEATURE, CONTINENT_FEATURE))


def content_hash(text: str) -> str:
    """Stable key of a document's raw content (sha256, hex, first 32 chars)."""
    norm = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:32]


@dataclass
class OffsetMap:
    """Piecewise map from cleaned-text offsets to raw-text offsets.

    ``segments`` holds ``(clean_start, raw_start, length)`` triples, sorted by
    ``clean_start``: the cleaned text from ``clean_start`` for ``length``
    characters is a verbatim copy of raw text starting at ``raw_start``.
    Characters of the cleaned text outside every segment (joining newlines)
    map to the raw position of the nearest preceding segment end.
    """

    segments: list[tuple[int, int, int]] = field(default_factory=list)

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        return cls([(0, 0, length)] if length else [])

    def to_raw(self, pos: int) -> int:
        if not self.segments:
            return pos
        starts = [s[0] for s in self.segments]
        i = bisect.bisect_right(starts, pos) - 1
        if i < 0:
            return self.segments[0][1]
        c0, r0, n = self.segments[i]
        return r0 + min(pos - c0, n)

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open clean span to a half-open raw span."""
        if end <= start:
            r = self.to_raw(start)
            return r, r
        return self.to_raw(start), self.to_raw(end - 1) + 1

    def to_list(self) -> list[list[int]]:
        return [list(s) for s in self.segments]

    @classmethod
    def from_list(cls, data: list) -> "OffsetMap":
        return cls([tuple(s) for s in data])  # type: ignore[misc]


@dataclass
class Document:
    doc_id: str
    raw: str
    text: str = ""
    offsets: OffsetMap = field(default_factory=OffsetMap)
    title: Optional[str] = None
    published: Optional[date] = None
    outlet: Optional[str] = None
    url: Optional[str] = None
    source: Optional[str] = None  # where it was read from: a path, "<stdin>", a URL
    encoding: Optional[str] = None  # charset used to decode the input
    content_hash: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = content_hash(self.raw)
        if not self.text and self.raw and not self.offsets.segments:
            self.text = self.raw
            self.offsets = OffsetMap.identity(len(self.raw))

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.span_to_raw(start, end)


@dataclass
class Sentence:
    doc_id: str
    index: int
    start: int  # offsets in Document.text
    end: int
    text: str


@dataclass
class Evidence:
    """A cited span of a source document, in raw-text coordinates."""

    doc_id: str
    start: int
    end: int
    text: str
    field: Optional[str] = None  # which event field it supports: "trigger", "actor1", "location", ...

    def to_dict(self) -> dict[str, Any]:
        d = {"doc_id": self.doc_id, "start": self.start, "end": self.end, "text": self.text}
        if self.field:
            d["field"] = self.field
        return d


@dataclass
class Mention:
    """A typed span found in a sentence: a trigger, actor, place, date, number or source."""

    kind: str  # "trigger" | "actor" | "place" | "date" | "fatalities" | "source" | ...
    doc_id: str
    start: int  # offsets in Document.text
    end: int
    text: str
    sentence: int = -1
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Actor:
    name: str  # canonical name, ACLED style, or the mention text when unknown
    mention: Optional[str] = None  # the words in the text
    actor_type: Optional[str] = None  # state forces, rebel group, ...
    country: Optional[str] = None  # ISO 3166 alpha-2
    known: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Place:
    name: str
    lat: Optional[float] = None
    lon: Optional[float] = None
    country: Optional[str] = None  # ISO 3166 alpha-2
    admin1: Optional[str] = None
    admin2: Optional[str] = None
    feature: Optional[str] = None  # GeoNames feature class/code, e.g. "P.PPLA"
    geonameid: Optional[str] = None
    geo_precision: int = 1  # 1 exact place, 2 near / part of a region, 3 region or province
    mention: Optional[str] = None
    score: Optional[float] = None
    # set when the gazetteer lacked the place and it was put at another: "anchor" (the place the
    # text puts it in or near), "facility" (the town a street or building lies in), "document"
    # (the story's dominant place); see docs/geo.md
    fallback: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def is_country(self) -> bool:
        """A whole country (``is_country_feature``)."""
        return is_country_feature(self.feature)


@dataclass
class Event:
    """One document's report of one event, coded in the ACLED ontology."""

    event_id: str
    doc_id: str
    event_type: str
    sub_event_type: str
    date: Optional[date] = None
    time_precision: Optional[str] = None
    actor1: Optional[Actor] = None
    actor2: Optional[Actor] = None
    assoc_actors: list[Actor] = field(default_factory=list)
    location: Optional[Place] = None
    fatalities: Optional[int] = None
    wounded: Optional[int] = None
    stance: str = "asserted"
    sources: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5
    sentence: Optional[str] = None  # the sentence text that triggered the event
    notes: Optional[str] = None
    attrs: dict[str, Any] = field(default_factory=dict)
    cluster_id: Optional[str] = None  # set by fusion
    status: Optional[str] = None  # set by fusion: confirmed / single-source / disputed

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "doc_id": self.doc_id,
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "date": self.date.isoformat() if self.date else None,
            "time_precision": self.time_precision,
            "actor1": _actor_json(self.actor1),
            "actor2": _actor_json(self.actor2),
            "location": _place_json(self.location),
            "fatalities": self.fatalities,
            "wounded": self.wounded,
            "stance": self.stance,
            "sources": list(self.sources),
            "evidence": [e.to_dict() for e in self.evidence],
            "confidence": round(float(self.confidence), 3),
            "sentence": self.sentence,
            "notes": self.notes,
            "cluster_id": self.cluster_id,
            "status": self.status,
            "attrs": dict(self.attrs),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Event":
        return cls(
            event_id=d["event_id"], doc_id=d["doc_id"], event_type=d["event_type"],
            sub_event_type=d["sub_event_type"],
            date=date.fromisoformat(d["date"]) if d.get("date") else None,
            time_precision=d.get("time_precision"),
            actor1=_actor_from(d.get("actor1")), actor2=_actor_from(d.get("actor2")),
            location=_place_from(d.get("location")), fatalities=d.get("fatalities"), wounded=d.get("wounded"),
            stance=d.get("stance") or "asserted", sources=list(d.get("sources") or []),
            evidence=[_evidence_from(e) for e in d.get("evidence") or []],
            confidence=float(d.get("confidence") or 0.0), sentence=d.get("sentence"),
            notes=d.get("notes"), attrs=dict(d.get("attrs") or {}),
            cluster_id=d.get("cluster_id"), status=d.get("status"),
        )


def _actor_json(a: Optional[Actor]) -> Optional[dict[str, Any]]:
    if a is None:
        return None
    out: dict[str, Any] = {"name": a.name, "mention": a.mention}
    if a.actor_type:
        out["type"] = a.actor_type
    if a.country:
        out["country"] = a.country
    if not a.known:
        out["known"] = False
    return out


def _place_json(p: Optional[Place]) -> Optional[dict[str, Any]]:
    if p is None:
        return None
    return {
        "name": p.name, "lat": p.lat, "lon": p.lon, "country": p.country, "admin1": p.admin1,
        "geo_precision": p.geo_precision, "admin2": p.admin2, "feature": p.feature,
        "geonameid": p.geonameid, "mention": p.mention,
        **({"fallback": p.fallback} if p.fallback else {}),
    }


@dataclass
class Report:
    """One document's contribution to a fused event."""

    event_id: str
    doc_id: str
    outlet: Optional[str]
    stance: str
    date: Optional[date] = None
    fatalities: Optional[int] = None
    sources: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    # what fusion compares a new mention against (added by fusion)
    event_type: Optional[str] = None
    sub_event_type: Optional[str] = None
    time_precision: Optional[str] = None
    actor1: Optional[Actor] = None
    actor2: Optional[Actor] = None
    location: Optional[Place] = None
    sentence: Optional[str] = None
    attrs: dict[str, Any] = field(default_factory=dict)
    confidence: Optional[float] = None  # the coder's, when the report was fused with it

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id, "doc_id": self.doc_id, "outlet": self.outlet, "stance": self.stance,
            "date": self.date.isoformat() if self.date else None, "fatalities": self.fatalities,
            "sources": list(self.sources), "evidence": [e.to_dict() for e in self.evidence],
            "event_type": self.event_type, "sub_event_type": self.sub_event_type,
            "time_precision": self.time_precision, "actor1": _actor_json(self.actor1),
            "actor2": _actor_json(self.actor2), "location": _place_json(self.location),
            "sentence": self.sentence, "attrs": dict(self.attrs), "confidence": self.confidence,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Report":
        return cls(
            event_id=d["event_id"], doc_id=d["doc_id"], outlet=d.get("outlet"), stance=d.get("stance") or "asserted",
            date=_date_or_none(d.get("date")), fatalities=d.get("fatalities"), sources=list(d.get("sources") or []),
            evidence=[_evidence_from(e) for e in d.get("evidence") or []],
            event_type=d.get("event_type"), sub_event_type=d.get("sub_event_type"),
            time_precision=d.get("time_precision"), actor1=_actor_from(d.get("actor1")),
            actor2=_actor_from(d.get("actor2")), location=_place_from(d.get("location")),
            sentence=d.get("sentence"), attrs=dict(d.get("attrs") or {}), confidence=d.get("confidence"),
        )


@dataclass
class FusedEvent:
    """A real-world event: the reports of it from every document, fused."""

    cluster_id: str
    event_type: str
    sub_event_type: str
    date: Optional[date] = None
    date_range: tuple[Optional[date], Optional[date]] = (None, None)
    time_precision: Optional[str] = None
    actor1: Optional[Actor] = None
    actor2: Optional[Actor] = None
    location: Optional[Place] = None
    fatalities: Optional[int] = None  # best figure, see docs/fusion.md
    fatalities_range: tuple[Optional[int], Optional[int]] = (None, None)
    status: str = "single-source"
    corroboration: int = 0  # known, distinct outlets (a report without an outlet counts for none)
    reports: list[Report] = field(default_factory=list)
    disputes: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id, "event_type": self.event_type, "sub_event_type": self.sub_event_type,
            "date": self.date.isoformat() if self.date else None,
            "date_range": [d.isoformat() if d else None for d in self.date_range],
            "time_precision": self.time_precision, "actor1": _actor_json(self.actor1),
            "actor2": _actor_json(self.actor2), "location": _place_json(self.location),
            "fatalities": self.fatalities, "fatalities_range": list(self.fatalities_range),
            "status": self.status, "corroboration": self.corroboration,
            "reports": [r.to_dict() for r in self.reports], "disputes": list(self.disputes),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "FusedEvent":
        dr = d.get("date_range") or [None, None]
        fr = d.get("fatalities_range") or [None, None]
        return cls(
            cluster_id=d["cluster_id"], event_type=d["event_type"], sub_event_type=d["sub_event_type"],
            date=_date_or_none(d.get("date")), date_range=(_date_or_none(dr[0]), _date_or_none(dr[1])),
            time_precision=d.get("time_precision"), actor1=_actor_from(d.get("actor1")),
            actor2=_actor_from(d.get("actor2")), location=_place_from(d.get("location")),
            fatalities=d.get("fatalities"), fatalities_range=(fr[0], fr[1]),
            status=d.get("status") or "single-source", corroboration=int(d.get("corroboration") or 0),
            reports=[Report.from_dict(r) for r in d.get("reports") or []], disputes=list(d.get("disputes") or []),
        )


@dataclass
class ControlPeriod:
    """Who holds a place, from when, until when, on what evidence."""

    place: Place
    holder: str
    start: Optional[date]
    end: Optional[date] = None
    event_ids: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    status: Optional[str] = None  # status of the fused event that started the period (e.g. "disputed")
    previous: Optional[str] = None  # who held it before, when the starting event says so
    led_by: Optional[str] = None  # a generic holder's leading group, when the reports' texts name it
    reports: int = 0  # distinct documents whose reports support the period (0: not counted, older stores)
    outlets: list[str] = field(default_factory=list)  # their known, distinct outlets
    basis: Optional[str] = None  # what started it: takeover, withdrawal, deal, recalled, or loser (held until the first change)
    recalled: int = 0  # of ``reports``, the documents that only recall the change (fuse/recall.py)
    start_precision: Optional[str] = None  # "month", "year", ...: a start known only to that (a recalled change)

    @property
    def rests_on_one_report(self) -> bool:
        return self.reports == 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "place": _place_json(self.place), "holder": self.holder,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None, "event_ids": list(self.event_ids),
            "evidence": [e.to_dict() for e in self.evidence], "status": self.status, "previous": self.previous,
            "led_by": self.led_by, "reports": self.reports, "outlets": list(self.outlets), "basis": self.basis,
            "rests_on_one_report": self.rests_on_one_report, "recalled": self.recalled,
            "start_precision": self.start_precision,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ControlPeriod":
        return cls(place=_place_from(d.get("place")) or Place(name="?"), holder=d["holder"],
                   start=_date_or_none(d.get("start")), end=_date_or_none(d.get("end")),
                   event_ids=list(d.get("event_ids") or []),
                   evidence=[_evidence_from(e) for e in d.get("evidence") or []],
                   status=d.get("status"), previous=d.get("previous"), led_by=d.get("led_by"),
                   reports=int(d.get("reports") or 0), outlets=list(d.get("outlets") or []), basis=d.get("basis"),
                   recalled=int(d.get("recalled") or 0), start_precision=d.get("start_precision"))


@dataclass
class RecalledChange:
    """A change of holder a document tells only in recollection ("Last month, the coalition took
    over Raqqa"), dated by its own words against the article's date: no event is coded from it,
    but the place's control timeline learns from it (fuse/recall.py), with less weight than a
    report of the event."""

    doc_id: str
    place: Place
    day_lo: date  # the days its own words may stand for ("last month": that whole month)
    day_hi: date
    precision: str  # of those words: day, week, month or year
    gainer: Optional[Actor] = None  # None: the sentence names who left, not who took it
    loser: Optional[Actor] = None
    kind: str = "takeover"  # how the sentence tells it (fuse/changes.py: takeover, fall, passive, ...)
    outlet: Optional[str] = None
    confidence: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)  # the sentence, then the holder's and the date's words

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "place": _place_json(self.place), "day_lo": self.day_lo.isoformat(),
                "day_hi": self.day_hi.isoformat(), "precision": self.precision, "gainer": _actor_json(self.gainer),
                "loser": _actor_json(self.loser), "kind": self.kind, "outlet": self.outlet,
                "confidence": self.confidence, "evidence": [e.to_dict() for e in self.evidence]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "RecalledChange":
        return cls(doc_id=d["doc_id"], place=_place_from(d.get("place")) or Place(name="?"),
                   day_lo=date.fromisoformat(d["day_lo"]), day_hi=date.fromisoformat(d["day_hi"]),
                   precision=d.get("precision") or "day", gainer=_actor_from(d.get("gainer")),
                   loser=_actor_from(d.get("loser")), kind=d.get("kind") or "takeover", outlet=d.get("outlet"),
                   confidence=float(d.get("confidence") or 0.0),
                   evidence=[_evidence_from(e) for e in d.get("evidence") or []])


@dataclass
class Clause:
    kind: str  # "who_leaves", "weapons", "destination", "deadline", "guarantee", "other"
    text: str
    evidence: Optional[Evidence] = None


@dataclass
class Agreement:
    agreement_id: str
    parties: list[Actor]
    place: Optional[Place]
    date: Optional[date]
    status: str  # negotiating / reached / collapsed
    clauses: list[Clause] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    cluster_id: Optional[str] = None  # the fused event it was built from

    def to_dict(self) -> dict[str, Any]:
        return {
            "agreement_id": self.agreement_id, "parties": [_actor_json(a) for a in self.parties],
            "place": _place_json(self.place), "date": self.date.isoformat() if self.date else None,
            "status": self.status,
            "clauses": [{"kind": c.kind, "text": c.text, "evidence": c.evidence.to_dict() if c.evidence else None}
                        for c in self.clauses],
            "event_ids": list(self.event_ids), "evidence": [e.to_dict() for e in self.evidence],
            "cluster_id": self.cluster_id,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Agreement":
        return cls(
            agreement_id=d["agreement_id"], parties=[a for a in map(_actor_from, d.get("parties") or []) if a],
            place=_place_from(d.get("place")), date=_date_or_none(d.get("date")), status=d["status"],
            clauses=[Clause(c["kind"], c["text"], _evidence_from(c["evidence"]) if c.get("evidence") else None)
                     for c in d.get("clauses") or []],
            event_ids=list(d.get("event_ids") or []),
            evidence=[_evidence_from(e) for e in d.get("evidence") or []], cluster_id=d.get("cluster_id"),
        )


@dataclass
class Toponym:
    """A place name found in a document (offsets in Document.text) and where it resolved."""

    doc_id: str
    start: int
    end: int
    text: str
    place: Optional[Place] = None  # None when it could not be resolved
    score: float = 0.0
    source: str = "gazetteer"  # "ner", "gazetteer", "pattern", "given"


@dataclass
class Result:
    """One document on its way through the stages (pipeline.py): each stage fills its part.

    ``country_hint`` is the country the story's actors point to (the code stage's hint, which the
    geo stage resolves place names in); ``reread_country`` a country its resolved places make
    clear instead, in which the geo stage reads it once more; ``toponyms`` the resolved place
    names; ``events`` the coded events. ``error`` is set, and nothing else is, when the stages
    failed on this document: one line naming the document and the reason.
    """

    document: Document
    events: list[Event] = field(default_factory=list)
    toponyms: list[Toponym] = field(default_factory=list)
    country_hint: Optional[str] = None
    reread_country: Optional[str] = None
    error: Optional[str] = None
    # the whole document while the stages read only its first part (pipeline.DocumentBound)
    whole: Optional[Document] = None


# -- JSON helpers for the fusion records ----------------------------------------
def _date_or_none(v: Any) -> Optional[date]:
    return date.fromisoformat(v) if v else None


def _evidence_from(e: dict[str, Any]) -> Evidence:
    return Evidence(e["doc_id"], e["start"], e["end"], e["text"], e.get("field"))


def _actor_from(a: Optional[dict[str, Any]]) -> Optional[Actor]:
    if not a:
        return None
    return Actor(name=a["name"], mention=a.get("mention"), actor_type=a.get("type"),
                 country=a.get("country"), known=a.get("known", True))


def _place_from(p: Optional[dict[str, Any]]) -> Optional[Place]:
    if not p:
        return None
    place = Place(**{k: p.get(k) for k in (
        "name", "lat", "lon", "country", "admin1", "admin2", "feature", "geonameid", "mention", "score",
        "fallback")})
    place.geo_precision = int(p.get("geo_precision") or 1)
    return place
