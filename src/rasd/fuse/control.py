"""Territorial control: a timeline per place of who holds it since when, with the evidence.

Built from the fused territorial events at the place (takeovers, government
recaptures, non-violent transfers incl. withdrawals) and from the reached evacuation,
surrender and reconciliation deals there. Each is a *change of hands*: who gains the
place and, when it is known, who loses it. A loser the event does not name may be read
in its reports' texts ("government forces vacated Homs"); the first loser becomes the
holder of an opening period (open start, held until the change). Recomputed for one
place at a time when a fused event or agreement there changes. Rules: docs/fusion.md.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Optional

from ..records import Actor, Agreement, ControlPeriod, Document, Evidence, FusedEvent, Place, Report
from ..store.base import FusingStore
from .merge import NEGATIVE
from .rules import Rules, load_data, norm_name

UNKNOWN = "unknown (after withdrawal)"


@dataclass
class Change:
    """One change of hands at a place."""

    day: date
    place: Place
    gainer: Optional[str]
    loser: Optional[str]
    event_ids: list[str]
    evidence: list[Evidence]
    status: Optional[str]
    order: str = ""  # tie-break between changes of one day
    loser_evidence: list[Evidence] = field(default_factory=list)
    led_by: Optional[str] = None
    led_by_evidence: list[Evidence] = field(default_factory=list)


class ControlTracker:
    """``documents`` and ``reader`` (a context.HolderReader) let the tracker read the reports'
    texts for a loser or a leading group the events do not name; without them it does not."""

    def __init__(self, store: FusingStore, rules: Rules, documents: Optional[Callable[[str], Optional[Document]]] = None,
                 reader=None):
        self.store = store
        self.rules = rules
        self.documents = documents
        self.reader = reader
        cfg = load_data("fusion.yaml").get("control") or {}
        self.handover = re.compile(cfg.get("handover_deal", r"(?!x)x"), re.IGNORECASE)

    def update(self, key: Optional[str], place: Optional[Place] = None) -> list[ControlPeriod]:
        """Recompute and store the timeline of one place; returns it. ``place`` (its name) finds
        the agreements there."""
        if not key:
            return []
        fused = self.store.fused_at_place(key, sorted(self.rules.territorial))
        deals: list[Agreement] = []
        if place is not None and place.name:
            from .fuser import place_key

            deals = [a for a in self.store.query_agreements(place=place.name, status="reached", limit=10_000)
                     if place_key(a.place) == key]
        changes = [c for c in (self.change_of_fused(fe) for fe in fused) if c is not None]
        changes += [c for c in (self.change_of_deal(a) for a in deals) if c is not None]
        periods = periods_of(changes)
        self.store.replace_control(key, periods)
        return periods

    # -- changes of hands ---------------------------------------------------------
    def change_of_fused(self, fe: FusedEvent) -> Optional[Change]:
        if not fe.date or not fe.location:
            return None
        gainer, loser = gain_of(fe, self.rules)
        if gainer is None:
            return None
        reps = [r for r in fe.reports if r.stance not in NEGATIVE]
        ch = Change(day=fe.date, place=fe.location, gainer=gainer, loser=loser,
                    event_ids=[r.event_id for r in fe.reports],
                    evidence=[e for r in reps for e in r.evidence[:2]][:6], status=fe.status, order=fe.cluster_id)
        if self.reader is None or self.documents is None:
            return ch
        docs = [self.documents(d) for d in dict.fromkeys(r.doc_id for r in reps)]
        if loser is None and gainer != UNKNOWN:
            for doc in docs:
                found = self.reader.loser(doc, fe.location, fe.date)
                if found and norm_name(found[0]) != norm_name(gainer):
                    ch.loser, ch.loser_evidence = found[0], [found[1]]
                    break
        if gainer != UNKNOWN and norm_name(gainer) in self.rules.generic_actors:
            for doc in docs:
                found = self.reader.leader(doc, fe.date, fe.location.country, self.rules.generic_actors)
                if found:
                    ch.led_by, ch.led_by_evidence = found[0], [found[1]]
                    break
        return ch

    def change_of_deal(self, ag: Agreement) -> Optional[Change]:
        """A reached evacuation, surrender or reconciliation deal: the fighters leave, the place
        passes to the state party from the deal's date (the other armed party, if named, loses it).
        A deal with no state party, one that moves nobody (a ceasefire), or one whose texts do
        not name its place changes no hands."""
        if ag.status != "reached" or ag.date is None or ag.place is None:
            return None
        words = " ".join([c.text for c in ag.clauses] + [e.text for e in ag.evidence])
        if not (any(c.kind == "who_leaves" for c in ag.clauses) or self.handover.search(words)):
            return None
        names = {n.lower() for n in (ag.place.mention, ag.place.name) if n and len(n) > 2}
        if not any(n in words.lower() for n in names):
            return None  # a deal whose texts never name the place ("her husband surrendered") moves no line
        state = [p for p in ag.parties if _is_state(p) and _name(p)]
        if not state:
            return None
        others = [p for p in ag.parties if not _is_state(p) and _name(p)
                  and norm_name(p.name) not in self.rules.generic_actors]
        evidence = list(ag.evidence[:3]) + [c.evidence for c in ag.clauses if c.evidence][:3]
        return Change(day=ag.date, place=ag.place, gainer=state[0].name, loser=others[0].name if others else None,
                      event_ids=list(ag.event_ids), evidence=evidence, status=None, order=ag.agreement_id)


def _is_state(a: Actor) -> bool:
    return "state" in (a.actor_type or "").lower()


def _name(a: Optional[Actor]) -> Optional[str]:
    """A holder must be an actor the coder recognised ("Trump's decision" is no holder) and
    identified (an "unidentified armed group" holds nothing one could name)."""
    if a is None or not a.name or not a.known or norm_name(a.name).startswith("unidentified"):
        return None
    return a.name


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


def periods_of(changes: Iterable[Change]) -> list[ControlPeriod]:
    """Periods from a place's changes of hands, in date order."""
    periods: list[ControlPeriod] = []
    for ch in sorted(changes, key=lambda c: (c.day, c.order)):
        gainer, loser = ch.gainer, ch.loser
        if gainer is None:
            continue
        if gainer == UNKNOWN and periods and norm_name(periods[-1].holder) != norm_name(loser):
            continue  # someone who did not hold the place left it: no change of hands
        if not periods and loser:
            # the loser held the place until this change (since when, the texts do not say)
            periods.append(ControlPeriod(place=ch.place, holder=loser, start=None, end=ch.day,
                                         event_ids=list(ch.event_ids), evidence=ch.loser_evidence + ch.evidence))
        cur = periods[-1] if periods else None
        gap: list = []
        if cur is not None and cur.holder == UNKNOWN and cur.start == ch.day and gainer != UNKNOWN:
            # "the troops withdrew" and "the rebels moved in" on one day: the place went straight
            # to the rebels; the withdrawal's evidence stays with them
            periods.pop()
            gap = cur.evidence
            cur = periods[-1] if periods else None
            if cur is not None:
                cur.end = None
        if cur is not None and norm_name(cur.holder) == norm_name(gainer):
            cur.event_ids += [i for i in ch.event_ids if i not in cur.event_ids]
            cur.evidence += ch.evidence + gap
            cur.led_by = cur.led_by or ch.led_by
            continue
        if cur is not None and cur.end is None:
            cur.end = ch.day
        periods.append(ControlPeriod(place=ch.place, holder=gainer, start=ch.day, end=None,
                                     event_ids=list(ch.event_ids), evidence=ch.evidence + ch.led_by_evidence + gap,
                                     status=ch.status, previous=loser or (cur.holder if cur else None),
                                     led_by=ch.led_by))
    return periods
