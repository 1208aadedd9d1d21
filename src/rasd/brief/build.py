"""Gathering the brief from the store: the fused events revised since a time, and what rests on them."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Optional, Protocol

from ..clock import stamp
from ..records import Document, FusedEvent
from ..store.base import ControlStore, DocumentStore, FusionStore

FIELD_NAMES = {"status": "status", "corroboration": "outlets", "event_type": "type", "sub_event_type": "sub-type",
               "place": "place", "fatalities": "fatalities"}


@dataclass(frozen=True)
class BriefLimits:
    """How much a brief shows (the rest is counted: "and 4 more")."""
    per_group: int = 5       # lines per (country, event type)
    groups: int = 12         # (country, event type) groups
    disputed: int = 8
    control: int = 8
    agreements: int = 6
    clauses: int = 3         # clauses shown per agreement
    scan: int = 2000         # fused events read at most (the counts say "at least" beyond)


class BriefStore(FusionStore, ControlStore, DocumentStore, Protocol):
    """The roles a brief reads."""


def build_brief(store: BriefStore, *, since: str, place: Optional[str] = None, country: Optional[str] = None,
                limits: BriefLimits = BriefLimits(), link: Optional[Callable[[str], str]] = None,
                until: Optional[str] = None) -> dict[str, Any]:
    """The brief of what was revised at or after ``since`` (a ``rasd.clock.stamp`` time), for a
    place (part of its name) and a country (ISO alpha-2) when given. ``link(event_id)`` is the
    address of an event's evidence (the page's event panel); without it lines carry no link."""
    filters = {k: v for k, v in (("place", place), ("country", country)) if v}
    fused = store.query_fused_view(since=since, limit=limits.scan, **filters)
    docs: dict[str, Optional[Document]] = {}

    def doc(doc_id: str) -> Optional[Document]:
        if doc_id not in docs:
            docs[doc_id] = store.get_document(doc_id)
        return docs[doc_id]

    new = [f for f in fused if (f.get("created_at") or "") >= since]
    kinds = Counter("new" if f in new else "updated" for f in fused)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for f in fused:
        groups[((f.get("location") or {}).get("country") or "", f["event_type"])].append(f)
    order = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    out_groups = []
    for (cc, etype), items in order[:limits.groups]:
        items.sort(key=_weight, reverse=True)
        out_groups.append({"country": cc or None, "event_type": etype, "total": len(items),
                           "items": [_line(f, since, doc, link) for f in items[:limits.per_group]],
                           "more": max(0, len(items) - limits.per_group)})
    disputed = [f for f in fused if f["status"] == "disputed"]
    disputed.sort(key=_weight, reverse=True)
    control = _control_changes(store, fused, doc, link)
    agreements = _agreements(store, fused, limits, link)
    return {
        "since": since, "until": until or stamp(), "filters": filters,
        "counts": {"fused": len(fused), "new": kinds["new"], "updated": kinds["updated"], "disputed": len(disputed),
                   "control_changes": len(control), "agreements": len(agreements),
                   "complete": len(fused) < limits.scan},
        "groups": out_groups, "more_groups": max(0, len(order) - limits.groups),
        "more_groups_events": sum(len(items) for _, items in order[limits.groups:]),
        "disputed": [dict(_line(f, since, doc, link), sides=_sides(f, doc, link)) for f in disputed[:limits.disputed]],
        "more_disputed": max(0, len(disputed) - limits.disputed),
        "control": control[:limits.control], "more_control": max(0, len(control) - limits.control),
        "agreements": agreements[:limits.agreements], "more_agreements": max(0, len(agreements) - limits.agreements),
    }


def _weight(f: dict[str, Any]) -> tuple:
    """What to show first: more outlets, more dead, newer."""
    return (f.get("corroboration") or 0, f.get("fatalities") or 0, f.get("date") or "", f["cluster_id"])


def _source(r: dict[str, Any], doc: Callable[[str], Optional[Document]]) -> dict[str, Any]:
    d = doc(r["doc_id"])
    title = " ".join((d.title or "").split()) if d else ""
    name = r.get("outlet") or (d.outlet if d else None) or (title[:50] + ("…" if len(title) > 50 else "")) \
        or r["doc_id"]
    return {"outlet": name, "url": d.url if d else None, "doc_id": r["doc_id"], "title": title or None}


def _line(f: dict[str, Any], since: str, doc, link) -> dict[str, Any]:
    """One fused event as a line: what, where, when, who, how many, how sure, what changed,
    its evidence (the first report's sentence and event) and its sources (one per document)."""
    reports = f.get("reports") or []
    first = next((r for r in reports if r.get("stance") not in ("denied",)), reports[0] if reports else None)
    seen: set[str] = set()
    sources = []
    for r in reports:
        if r["doc_id"] not in seen:
            seen.add(r["doc_id"])
            sources.append(_source(r, doc))
    loc = f.get("location") or {}
    new = (f.get("created_at") or "") >= since
    return {
        "cluster_id": f["cluster_id"], "kind": "new" if new else "updated",
        "changes": [] if new else [c for c in (f.get("changes") or []) if c.get("field") != "new"],
        "date": f.get("date"), "event_type": f["event_type"], "sub_event_type": f["sub_event_type"],
        "place": loc.get("name"), "admin1": loc.get("admin1"), "country": loc.get("country"),
        "actor1": (f.get("actor1") or {}).get("name"), "actor2": (f.get("actor2") or {}).get("name"),
        "fatalities": f.get("fatalities"), "status": f["status"], "corroboration": f.get("corroboration"),
        "changed_at": f.get("changed_at"),
        "evidence": {"event_id": first["event_id"], "sentence": first.get("sentence"),
                     "link": link(first["event_id"]) if link else None} if first else None,
        "sources": sources,
    }


def _sides(f: dict[str, Any], doc, link) -> list[dict[str, Any]]:
    """Both sides of each dispute of a fused event, each with the reports that take it."""
    out = []
    names = {"stance": ("says_yes", "says_no"), "fatalities": ("low", "high"), "date": ("early", "late")}
    for d in f.get("disputes") or []:
        a, b = names.get(d.get("field"), (None, None))
        if a is None:
            continue
        sides = []
        for key in (a, b):
            reps = d.get(key) or []
            reps = reps if isinstance(reps, list) else [reps]
            sides.append({"side": key, "reports": [dict(_source(r, doc), stance=r.get("stance"),
                                                       sentence=r.get("sentence"), fatalities=r.get("fatalities"),
                                                       date=r.get("date"), event_id=r.get("event_id"),
                                                       link=link(r["event_id"]) if link and r.get("event_id") else None)
                                                  for r in reps[:2]], "more": max(0, len(reps) - 2)})
        out.append({"field": d["field"], "sides": sides})
    return out


def _control_changes(store: BriefStore, fused: list[dict[str, Any]], doc, link) -> list[dict[str, Any]]:
    """The control periods that rest on the window's fused events (a place changed hands)."""
    from ..fuse.rules import place_key

    out: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    for f in fused:
        fe = FusedEvent.from_dict(f)
        key = place_key(fe.location)
        if key is None:
            continue
        ids = {r.event_id for r in fe.reports}
        for p in store.control_timeline(key):
            # a period this fused event starts (not the loser's, held until it)
            if p.start is None or p.basis == "loser" or not ids & set(p.event_ids):
                continue
            k = (key, p.holder, p.start)
            if k in seen:
                continue
            seen.add(k)
            ev = p.event_ids[0] if p.event_ids else None
            out.append({"place": p.place.name, "country": p.place.country, "holder": p.holder,
                        "previous": p.previous, "start": p.start.isoformat() if p.start else None,
                        "end": p.end.isoformat() if p.end else None, "status": p.status, "basis": p.basis,
                        "reports": p.reports, "outlets": list(p.outlets), "cluster_id": fe.cluster_id,
                        "evidence": {"event_id": ev, "link": link(ev) if link and ev else None,
                                     "sentence": p.evidence[0].text if p.evidence else None},
                        "sources": [_source(r.to_dict(), doc) for r in fe.reports[:3]]})
    out.sort(key=lambda c: (c["start"] or "", c["place"]), reverse=True)
    return out


def _agreements(store: BriefStore, fused: list[dict[str, Any]], limits: BriefLimits, link) -> list[dict[str, Any]]:
    out = []
    for f in fused:
        for a in store.query_agreements(cluster_id=f["cluster_id"], limit=10):
            ev = a.event_ids[0] if a.event_ids else None
            out.append({"agreement_id": a.agreement_id, "cluster_id": a.cluster_id,
                        "place": a.place.name if a.place else None, "date": a.date.isoformat() if a.date else None,
                        "status": a.status, "parties": [p.name for p in a.parties],
                        "evidence": {"event_id": ev, "link": link(ev) if link and ev else None,
                                     "sentence": a.evidence[0].text if a.evidence else None},
                        "clauses": [{"kind": c.kind, "text": c.text} for c in a.clauses[:limits.clauses]],
                        "more_clauses": max(0, len(a.clauses) - limits.clauses)})
    return out
