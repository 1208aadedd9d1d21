"""Territorial control: a timeline per place of who holds it since when, with the evidence.

Built from the fused territorial events at the place (takeovers, government
recaptures, non-violent transfers incl. withdrawals). Each event says who gains the
place (and, when it says so, who loses it); the timeline is the sequence of gains.
Recomputed for one place at a time when a fused event there changes.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional

from ..records import Actor, ControlPeriod, FusedEvent, Report
from ..store.base import Store
from .merge import NEGATIVE
from .rules import Rules, norm_name

UNKNOWN = "unknown (after withdrawal)"


class ControlTracker:
    def __init__(self, store: Store, rules: Rules):
        self.store = store
        self.rules = rules

    def update(self, key: Optional[str]) -> list[ControlPeriod]:
        """Recompute and store the timeline of one place; returns it."""
        if not key:
            return []
        fused = self.store.fused_at_place(key, sorted(self.rules.territorial))
        periods = timeline(fused, self.rules)
        self.store.replace_control(key, periods)
        return periods


def _name(a: Optional[Actor]) -> Optional[str]:
    """A holder must be an actor the coder recognised ("Trump's decision" is no holder)."""
    return a.name if a is not None and a.name and a.known else None


def change_of(rep: Report, rules: Rules) -> tuple[Optional[str], Optional[str]]:
    """(gainer, loser) that one report gives."""
    a1, a2 = _name(rep.actor1), _name(rep.actor2)
    if rep.sub_event_type == "Non-violent transfer of territory" and rules.is_withdrawal(rep.sentence):
        return a2, a1
    if rep.attrs.get("kind") in ("withdrawal", "evacuation") and a1:
        return a2, a1
    return a1, a2


def _pick(names: list[str], rules: Rules) -> Optional[str]:
    """The most reported name, preferring a named group to a generic label ("rebels")."""
    if not names:
        return None
    specific = [n for n in names if norm_name(n) not in rules.generic_actors]
    pool = specific or names
    return Counter(pool).most_common(1)[0][0]


def gain_of(fe: FusedEvent, rules: Rules) -> tuple[Optional[str], Optional[str]]:
    """(gainer, loser) of a fused event from its reports that do not deny it."""
    gains, losses = [], []
    for rep in fe.reports:
        if rep.stance in NEGATIVE:
            continue
        g, l_ = change_of(rep, rules)
        if g:
            gains.append(g)
        if l_:
            losses.append(l_)
    gainer = _pick(gains, rules)
    loser = _pick([x for x in losses if x != gainer], rules)
    if gainer is None and loser is not None:
        gainer = UNKNOWN
    return gainer, loser


def timeline(fused: list[FusedEvent], rules: Rules) -> list[ControlPeriod]:
    """Periods from a place's territorial fused events (sorted by date; undated ones skipped)."""
    periods: list[ControlPeriod] = []
    for fe in sorted((f for f in fused if f.date and f.location), key=lambda f: (f.date, f.cluster_id)):
        gainer, loser = gain_of(fe, rules)
        if gainer is None:
            continue
        if gainer == UNKNOWN and periods and norm_name(periods[-1].holder) != norm_name(loser):
            continue  # someone who did not hold the place left it: no change of hands
        reps = [r for r in fe.reports if r.stance not in NEGATIVE]
        evidence = [e for r in reps for e in r.evidence[:2]][:6]
        ids = [r.event_id for r in fe.reports]
        if not periods and loser:
            periods.append(ControlPeriod(place=fe.location, holder=loser, start=None, end=fe.date,  # type: ignore[arg-type]
                                         event_ids=ids, evidence=evidence, status=fe.status))
        cur = periods[-1] if periods else None
        if cur is not None and norm_name(cur.holder) == norm_name(gainer):
            cur.event_ids += [i for i in ids if i not in cur.event_ids]
            cur.evidence += evidence
            continue
        if cur is not None and cur.end is None:
            cur.end = fe.date
        periods.append(ControlPeriod(place=fe.location, holder=gainer, start=fe.date, end=None,  # type: ignore[arg-type]
                                     event_ids=ids, evidence=evidence, status=fe.status,
                                     previous=loser or (cur.holder if cur else None)))
    return periods
