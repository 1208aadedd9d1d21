"""Turning a set of reports into one fused event: fields, corroboration, disputes, status.

The rules are written out in docs/fusion.md; keep the two in step.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from typing import Any, Iterable, Optional

from ..records import Actor, Event, FusedEvent, Place, Report
from .rules import Rules, date_interval, norm_name

POSITIVE = ("asserted", "claimed")
NEGATIVE = ("denied",)
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


def cluster_id_for(event_id: str) -> str:
    """A fused event is named after the first mention that created it (stable across runs)."""
    return "fe_" + hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:14]


def report_of(ev: Event, outlet: Optional[str]) -> Report:
    return Report(
        event_id=ev.event_id, doc_id=ev.doc_id, outlet=outlet, stance=ev.stance or "asserted", date=ev.date,
        fatalities=ev.fatalities, sources=list(ev.sources), evidence=list(ev.evidence),
        event_type=ev.event_type, sub_event_type=ev.sub_event_type, time_precision=ev.time_precision,
        actor1=ev.actor1, actor2=ev.actor2, location=ev.location, sentence=ev.sentence,
        attrs={k: v for k, v in ev.attrs.items() if isinstance(v, (str, int, float, bool)) or v is None},
        confidence=ev.confidence,
    )


def known_outlets(reports: Iterable[Report]) -> list[str]:
    """The known, distinct outlets of the reports, in report order (names compared as
    ``norm_name`` compares them; the first spelling kept). A report with no outlet names none:
    two articles of unknown origin may well be one outlet's, so they prove nothing."""
    seen: dict[str, str] = {}
    for r in reports:
        key = norm_name(r.outlet) if r.outlet else ""
        if key:
            seen.setdefault(key, r.outlet.strip())  # type: ignore[union-attr]
    return list(seen.values())


def corroboration(reports: Iterable[Report]) -> int:
    """How many known, distinct outlets report the event (0 when none is known)."""
    return len(known_outlets(reports))


def best_fatalities(reports: list[Report]) -> tuple[Optional[int], tuple[Optional[int], Optional[int]]]:
    """(best figure, (lowest, highest)) over the reports that give one.

    Best figure: the lowest figure among reports that assert the event; if none
    asserts one, the lowest among claimed reports; figures from denials never count
    (ACLED's conservative rule). The range keeps every figure any report gave.
    """
    figs = [r.fatalities for r in reports if r.fatalities is not None]
    if not figs:
        return None, (None, None)
    rng = (min(figs), max(figs))
    for stances in (("asserted",), ("claimed", "uncertain")):
        cand = [r.fatalities for r in reports if r.fatalities is not None and r.stance in stances]
        if cand:
            return min(cand), rng
    return None, rng


def _side(r: Report) -> dict[str, Any]:
    return {"event_id": r.event_id, "doc_id": r.doc_id, "outlet": r.outlet, "stance": r.stance,
            "sources": list(r.sources), "date": r.date.isoformat() if r.date else None,
            "fatalities": r.fatalities, "sentence": r.sentence,
            "evidence": [e.to_dict() for e in r.evidence[:3]]}


def find_disputes(reports: list[Report], rules: Rules) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    pos = [r for r in reports if r.stance in POSITIVE]
    neg = [r for r in reports if r.stance in NEGATIVE]
    if pos and neg:
        out.append({"field": "stance", "says_yes": [_side(r) for r in pos], "says_no": [_side(r) for r in neg]})
    figs = [r for r in reports if r.fatalities is not None and r.stance not in NEGATIVE]
    if len(figs) >= 2:
        lo = min(figs, key=lambda r: r.fatalities)  # type: ignore[arg-type,return-value]
        hi = max(figs, key=lambda r: r.fatalities)  # type: ignore[arg-type,return-value]
        a, b = lo.fatalities or 0, hi.fatalities or 0
        if b - a > rules.fatalities_abs and b - a > rules.fatalities_rel * b and lo.doc_id != hi.doc_id:
            out.append({"field": "fatalities", "low": _side(lo), "high": _side(hi)})
    days = [r for r in reports if r.date is not None and (r.time_precision or "day") == "day"]
    if len(days) >= 2:
        early = min(days, key=lambda r: r.date)  # type: ignore[arg-type,return-value]
        late = max(days, key=lambda r: r.date)  # type: ignore[arg-type,return-value]
        if (late.date - early.date).days > rules.date_days and early.doc_id != late.doc_id:  # type: ignore[operator]
            out.append({"field": "date", "early": _side(early), "late": _side(late)})
    return out


def _mode(values: list[Any], default: Any = None) -> Any:
    vals = [v for v in values if v is not None]
    if not vals:
        return default
    counts = Counter(vals)
    top = max(counts.values())
    for v in vals:  # first of the most common, in report order
        if counts[v] == top:
            return v
    return default


def _best_actor(actors: list[Optional[Actor]]) -> Optional[Actor]:
    named = [a for a in actors if a is not None]
    if not named:
        return None
    key = _mode([norm_name(a.name) for a in named])
    known = [a for a in named if norm_name(a.name) == key]
    return next((a for a in known if a.known), known[0])


def best_place(places: list[Optional[Place]]) -> Optional[Place]:
    located = [p for p in places if p is not None]
    if not located:
        return None
    best_prec = min(p.geo_precision or 1 for p in located)
    precise = [p for p in located if (p.geo_precision or 1) == best_prec]
    key = _mode([norm_name(p.name) for p in precise])
    return next(p for p in precise if norm_name(p.name) == key)


def _best_date(reports: list[Report]) -> tuple[Optional[date], Optional[str], tuple[Optional[date], Optional[date]]]:
    dated = [r for r in reports if r.date is not None]
    if not dated:
        return None, None, (None, None)
    spans = [date_interval(r.date, r.time_precision) for r in dated]
    lo = min(s[0] for s in spans if s)
    hi = max(s[1] for s in spans if s)
    best_rank = min(_PRECISION_RANK.get(r.time_precision or "day", 0) for r in dated)
    precise = [r for r in dated if _PRECISION_RANK.get(r.time_precision or "day", 0) == best_rank]
    positive = [r for r in precise if r.stance in POSITIVE] or precise
    counts = Counter(r.date for r in positive)
    top = max(counts.values())
    best = min(d for d, c in counts.items() if c == top)
    return best, precise[0].time_precision, (lo, hi)


def build(cluster_id: str, reports: list[Report], rules: Rules) -> FusedEvent:
    """The fused event of these reports (order: the order they joined)."""
    sub = _mode([r.sub_event_type for r in reports], "")
    etype = next((r.event_type for r in reports if r.sub_event_type == sub and r.event_type), None) \
        or _mode([r.event_type for r in reports], "")
    best_day, precision, span = _best_date(reports)
    fat, fat_range = best_fatalities(reports)
    disputes = find_disputes(reports, rules)
    corr = corroboration(reports)
    status = "disputed" if disputes else "confirmed" if corr >= 2 else "single-source"
    return FusedEvent(
        cluster_id=cluster_id, event_type=etype or "", sub_event_type=sub or "", date=best_day,
        date_range=span, time_precision=precision,
        actor1=_best_actor([r.actor1 for r in reports]), actor2=_best_actor([r.actor2 for r in reports]),
        location=best_place([r.location for r in reports]), fatalities=fat, fatalities_range=fat_range,
        status=status, corroboration=corr, reports=list(reports), disputes=disputes,
    )
