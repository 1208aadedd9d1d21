"""Analyst corrections: validation, anchoring and application to events.

A correction changes one field of one event (type, sub-type, actors, place, date,
fatalities) or rejects it. It is stored apart from machine output and anchored to what
survives re-extraction: the document id plus the raw-text span the event rests on
(its trigger evidence, else the hull of its evidence), or the hash of its sentence.
Backend-neutral: the store keeps the rows, this module decides what they mean.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Optional

from .records import Actor, Event, Place

FIELDS = ("event_type", "sub_event_type", "actor1", "actor2", "location", "date", "fatalities", "rejected")
# A review decision is a correction row of its own field (written by the review endpoints, not
# by a correction): "accepted" or "rejected". It marks the event reviewed; it is not a change of
# the event, so it is not listed among the corrected fields.
REVIEW = "review"
DECISIONS = ("accepted", "rejected")


class CorrectionError(ValueError):
    """A correction's field or value is not acceptable; the message says which and why."""


@dataclass(frozen=True)
class Anchor:
    doc_id: str
    span_start: Optional[int]
    span_end: Optional[int]
    sentence_hash: Optional[str]

    def matches(self, event: Event) -> bool:
        other = anchor_of(event)
        if other.doc_id != self.doc_id:
            return False
        if self.span_start is not None and other.span_start is not None:
            # overlapping spans: a re-extraction may widen or narrow the trigger a little
            return other.span_start < (self.span_end or 0) and self.span_start < (other.span_end or 0)
        return self.sentence_hash is not None and self.sentence_hash == other.sentence_hash


def sentence_hash(text: Optional[str]) -> Optional[str]:
    if not text:
        return None
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:20]


TRIGGER_FIELDS = ("trigger", "event_type")  # evidence fields that cite the event's trigger words


def anchor_of(event: Event) -> Anchor:
    mine = [e for e in event.evidence if e.doc_id == event.doc_id]
    trig = [e for e in mine if e.field in TRIGGER_FIELDS]
    spans = trig or [e for e in mine if e.field != "sentence"] or mine
    if spans:
        return Anchor(event.doc_id, min(e.start for e in spans), max(e.end for e in spans),
                      sentence_hash(event.sentence))
    return Anchor(event.doc_id, None, None, sentence_hash(event.sentence) or "id:" + event.event_id)


def validate(field: str, value: Any, ontology: Optional[dict[str, list[str]]] = None) -> Any:
    """Return the normalised value of a correction, or raise CorrectionError."""
    if field == REVIEW:
        if value not in DECISIONS:
            raise CorrectionError(f"review: {value!r} is not one of {', '.join(DECISIONS)}")
        return value
    if field not in FIELDS:
        raise CorrectionError(f"field {field!r}: not correctable (one of {', '.join(FIELDS)})")
    if field == "rejected":
        if not isinstance(value, bool):
            raise CorrectionError("rejected: must be true or false")
        return value
    if value is None:
        if field in ("event_type", "sub_event_type"):
            raise CorrectionError(f"{field}: cannot be empty")
        return None
    if field in ("event_type", "sub_event_type"):
        if not isinstance(value, str) or not value.strip() or len(value) > 100:
            raise CorrectionError(f"{field}: must be a non-empty string of at most 100 characters")
        value = value.strip()
        if ontology:
            known = set(ontology) if field == "event_type" else {s for subs in ontology.values() for s in subs}
            if value not in known:
                raise CorrectionError(f"{field}: {value!r} is not in the ACLED ontology")
        return value
    if field in ("actor1", "actor2"):
        name = value.get("name") if isinstance(value, dict) else value
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            raise CorrectionError(f"{field}: give a name (string, at most 200 characters)")
        return {"name": name.strip()}
    if field == "location":
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, dict) or not isinstance(value.get("name"), str) or not value["name"].strip():
            raise CorrectionError("location: give an object with a 'name' (and optionally lat, lon, country, admin1)")
        out: dict[str, Any] = {"name": value["name"].strip()[:200]}
        for key, lo, hi in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
            v = value.get(key)
            if v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= float(v) <= hi:
                raise CorrectionError(f"location.{key}: must be a number in [{lo:g}, {hi:g}]")
            out[key] = float(v)
        if ("lat" in out) != ("lon" in out):
            raise CorrectionError("location: give both lat and lon, or neither")
        for key in ("country", "admin1", "geonameid"):
            if value.get(key) is not None:
                out[key] = str(value[key])[:100]
        return out
    if field == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise CorrectionError(f"date: {value!r} is not a YYYY-MM-DD date") from None
    if field == "fatalities":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 1_000_000:
            raise CorrectionError("fatalities: must be a whole number from 0 to 1,000,000")
        return value
    raise CorrectionError(f"field {field!r}: not correctable")  # pragma: no cover


def resolve_document(rows: list[dict[str, Any]], events: list[Event]) -> dict[str, dict[str, Any]]:
    """Corrected fields per event id of one document: the newest matching correction of each field.

    A correction matches the event whose trigger span overlaps its anchor's; when a
    re-extraction moved the trigger so that no event overlaps, it falls back to the one event
    (if exactly one) coded from the same sentence.
    """
    anchors = {e.event_id: anchor_of(e) for e in events}
    out: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        anchor = Anchor(row["doc_id"], row["span_start"], row["span_end"], row["sentence_hash"])
        hits = [e for e in events if anchor.matches(e)]
        if not hits and anchor.sentence_hash:
            same = [e for e in events if anchors[e.event_id].sentence_hash == anchor.sentence_hash]
            hits = same if len(same) == 1 else []
        for e in hits:
            out.setdefault(e.event_id, {})[row["field"]] = row["value"]
    return out


def apply(event: Event, fields: dict[str, Any]) -> Event:
    """Apply corrected fields to an event in place; mark what changed in ``attrs``."""
    if not fields:
        return event
    machine: dict[str, Any] = {}
    for name, value in fields.items():
        if name in ("rejected", REVIEW):
            continue
        machine[name] = _field_json(event, name)
        if name in ("event_type", "sub_event_type"):
            setattr(event, name, value)
        elif name in ("actor1", "actor2"):
            setattr(event, name, Actor(name=value["name"], mention=None) if value else None)
        elif name == "location":
            event.location = Place(name=value["name"], lat=value.get("lat"), lon=value.get("lon"),
                                   country=value.get("country"), admin1=value.get("admin1"),
                                   geonameid=value.get("geonameid")) if value else None
        elif name == "date":
            event.date = date.fromisoformat(value) if value else None
        elif name == "fatalities":
            event.fatalities = value
    event.attrs["corrected"] = corrected_fields(fields)
    event.attrs["machine"] = machine
    if fields.get(REVIEW):
        event.attrs["review"] = fields[REVIEW]
    if fields.get("rejected"):
        event.attrs["rejected"] = True
    return event


def corrected_fields(fields: dict[str, Any]) -> list[str]:
    """The names of the fields an analyst changed (a review decision changes none)."""
    return sorted(f for f in fields if f != REVIEW)


def review_changes(decision: str, rejected_now: bool) -> dict[str, Any]:
    """The correction rows one review decision writes: the decision, and the event's rejection
    (set by "rejected"; lifted by "accepted" when the event was rejected before)."""
    validate(REVIEW, decision)
    changes: dict[str, Any] = {REVIEW: decision}
    if decision == "rejected":
        changes["rejected"] = True
    elif rejected_now:
        changes["rejected"] = False
    return changes


def history(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An event's history from its correction rows (oldest first): the rows one request wrote
    (the same ``request``; rows from before migration 006: consecutive, same time, author and
    note) become one entry with their changes; an entry that holds a review decision is a
    review, any other a correction."""
    def key(r: dict[str, Any]) -> tuple:
        if r.get("request") is not None:  # the rows of one request share it
            return ("request", r["request"])
        return (r.get("created_at"), r.get("author"), r.get("note"))

    groups: list[list[dict[str, Any]]] = []
    for r in rows:
        if groups and key(groups[-1][0]) == key(r):
            groups[-1].append(r)
        else:
            groups.append([r])
    out = []
    for g in groups:
        changes = {r["field"]: r.get("value") for r in g}
        entry: dict[str, Any] = {"action": "review" if REVIEW in changes else "correction", "at": g[0].get("created_at"),
                                 "author": g[0].get("author"), "note": g[0].get("note"), "changes": changes,
                                 "ids": [r["id"] for r in g]}
        if REVIEW in changes:
            entry["decision"] = changes[REVIEW]
        out.append(entry)
    return out


def _field_json(event: Event, name: str) -> Any:
    d = event.to_dict()
    return d.get(name)


def override_columns(fields: dict[str, Any]) -> dict[str, Any]:
    """The filterable columns a set of corrected fields sets (for the store's override cache)."""
    cols: dict[str, Any] = {"rejected": 1 if fields.get("rejected") else 0, "review": fields.get(REVIEW)}
    for name in ("event_type", "sub_event_type", "date", "fatalities"):
        if name in fields:
            cols[name] = fields[name]
    for name in ("actor1", "actor2"):
        if name in fields:
            cols[name] = (fields[name] or {}).get("name")
    if "location" in fields:
        loc = fields["location"] or {}
        cols.update(location=loc.get("name"), admin1=loc.get("admin1"), lat=loc.get("lat"), lon=loc.get("lon"))
    return cols
