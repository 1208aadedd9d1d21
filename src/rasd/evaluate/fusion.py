"""Scoring fusion against the seed gold: gold events sharing a ``cluster`` must land in one
fused event, and different gold events must not share one.

Each gold event is matched to the coded events with the seed match rule
(``evaluate.seeds.matches``); its *best* match is the nearest in space, then in time.
- a gold cluster is **fused** when one fused event holds a match of every member;
  it is **not evaluable** when a member has no match at all (a coder/geo miss, not fusion's);
- a **wrong merge** is two gold events of different clusters whose best matches are two
  different coded events in the same fused event.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from ..records import Event
from .metrics import km
from .seeds import matches


@dataclass
class FusionScore:
    fused: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    not_evaluable: list[str] = field(default_factory=list)
    wrong_merges: list[tuple[str, str]] = field(default_factory=list)
    best: dict[str, Optional[Event]] = field(default_factory=dict)

    def report(self) -> str:
        n = len(self.fused) + len(self.split)
        return "\n".join([
            f"gold clusters fused: {len(self.fused)}/{n} evaluable ({', '.join(self.fused) or '-'})",
            f"split: {', '.join(self.split) or '-'}",
            f"not evaluable (a member has no matching coded event): {', '.join(self.not_evaluable) or '-'}",
            f"wrong merges of different gold events: {len(self.wrong_merges)}"
            + "".join(f"\n  {a} + {b}" for a, b in self.wrong_merges)])


def _distance(ev: Event, g: dict) -> float:
    loc = g.get("location") or {}
    d = 0.0
    if ev.location and ev.location.lat is not None and loc.get("lat") is not None:
        d += km(ev.location.lat, ev.location.lon, loc["lat"], loc["lon"])
    if ev.date and g.get("date"):
        d += abs((ev.date - date.fromisoformat(g["date"])).days)
    return d


def score(gold: dict, events: list[Event]) -> FusionScore:
    s = FusionScore()
    golds = gold["events"]
    found = {g["id"]: [e for e in events if matches(e, g)] for g in golds}
    for g in golds:
        cands = found[g["id"]]
        s.best[g["id"]] = min(cands, key=lambda e: _distance(e, g)) if cands else None
    clusters: dict[str, list[dict]] = {}
    for g in golds:
        if g.get("cluster"):
            clusters.setdefault(g["cluster"], []).append(g)
    for name, members in sorted(clusters.items()):
        if len(members) < 2:
            continue
        sets = [{e.cluster_id for e in found[g["id"]] if e.cluster_id} for g in members]
        if any(not x for x in sets):
            s.not_evaluable.append(name)
        elif set.intersection(*sets):
            s.fused.append(name)
        else:
            s.split.append(name)
    for i, a in enumerate(golds):
        for b in golds[i + 1:]:
            if a.get("cluster") and a.get("cluster") == b.get("cluster"):
                continue
            ea, eb = s.best[a["id"]], s.best[b["id"]]
            if ea is None or eb is None or ea.event_id == eb.event_id:
                continue
            if ea.cluster_id and ea.cluster_id == eb.cluster_id:
                s.wrong_merges.append((a["id"], b["id"]))
    return s
