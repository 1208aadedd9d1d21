"""Scoring against the seed gold (../shared/gold/seeds.json) with the match rule written there.

A predicted event matches a gold event when the doc_id is the same, its event_type is one
of the gold's, its location is within 30 km of the gold point, and its date (when both
have one) is within the gold's date_tolerance_days. Reported: the share of non-optional
gold events found, and the predicted events that match no gold event (optional ones
included), per seed article.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..records import Event
from .metrics import km


def matches(ev: Event, gold: dict, radius_km: float = 30.0) -> bool:
    if not (ev.doc_id == gold["doc_id"] or ev.doc_id.startswith(gold["doc_id"])):
        return False
    if ev.event_type not in gold["event_type"]:
        return False
    loc = gold.get("location") or {}
    if loc.get("lat") is not None:
        if not ev.location or ev.location.lat is None:
            return False
        if km(ev.location.lat, ev.location.lon, loc["lat"], loc["lon"]) > radius_km:
            return False
    if gold.get("date") and ev.date:
        tol = int(gold.get("date_tolerance_days") or 0)
        if abs((ev.date - date.fromisoformat(gold["date"])).days) > tol:
            return False
    return True


@dataclass
class SeedScore:
    found: int = 0
    required: int = 0
    extras: dict[str, int] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    events: dict[str, int] = field(default_factory=dict)

    @property
    def found_share(self) -> float:
        return self.found / self.required if self.required else 0.0

    @property
    def extras_per_article(self) -> float:
        return sum(self.extras.values()) / len(self.extras) if self.extras else 0.0

    def report(self) -> str:
        lines = [f"non-optional gold events found: {self.found}/{self.required} = {self.found_share:.3f}",
                 f"unmatched extra events per article: {self.extras_per_article:.2f}"]
        for doc, n in sorted(self.extras.items()):
            lines.append(f"  {doc}: {self.events.get(doc, 0)} events, {n} unmatched")
        if self.missed:
            lines.append("missed: " + ", ".join(self.missed))
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {"found": self.found, "required": self.required, "found_share": self.found_share,
                "extras_per_article": self.extras_per_article, "extras": self.extras, "missed": self.missed}


def score(gold: dict, events: list[Event]) -> SeedScore:
    s = SeedScore()
    golds = gold["events"]
    docs = sorted({g["doc_id"] for g in golds})
    for g in golds:
        if g.get("optional"):
            continue
        s.required += 1
        if any(matches(e, g) for e in events):
            s.found += 1
        else:
            s.missed.append(g["id"])
    for d in docs:
        mine = [e for e in events if e.doc_id == d or e.doc_id.startswith(d)]
        s.events[d] = len(mine)
        s.extras[d] = sum(1 for e in mine if not any(matches(e, g) for g in golds))
    return s
