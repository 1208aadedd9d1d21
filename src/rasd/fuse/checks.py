"""Implausible control timelines (``rasd control --check``): each rule looks at one stored
timeline and says what in it is hard to believe. The timeline builder (fuse/control.py) is
meant to produce none of these; the checks hold it, and stores built by older rules, to that.

Rules (thresholds: ``control`` and ``control.check`` in fusion.yaml):

- ``flip``: A -> B -> A within ``flip_days`` while B rests on fewer than ``min_flip_outlets``
  known outlets;
- ``foreign-army``: a country's army holds a place outside its country and no evidence of the
  period says the place is occupied;
- ``withdrawal-holder``: the holder is the one the period's own sentence has withdrawing;
- ``one-report``: a period resting on one report for more than ``long_days`` (an open period
  is measured to the latest report about its place);
- ``army-far``: a country's army holds a place with none of its other events within ``far_km``;
- ``zero-length``: a period that starts and ends on the same day.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable, Optional

from ..geodesy import haversine_km
from ..records import ControlPeriod
from .changes import ChangeReader
from .rules import load_data, norm_name

# (lat, lon, event_id) of the events an actor takes part in
EventsOf = Callable[[str], Iterable[tuple[Optional[float], Optional[float], str]]]


@dataclass
class Finding:
    place: str
    rule: str
    holder: str
    start: Optional[date]
    end: Optional[date]
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"place": self.place, "rule": self.rule, "holder": self.holder,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "detail": self.detail}


class TimelineCheck:
    """``army_country(name)`` gives the country whose army an actor name is (None for anyone
    else: the coder's actor knowledge base answers it); ``events_of(name)`` the places of an
    actor's events; ``last_report(period)`` the latest report about a period's place. Without
    them the rules that need them are skipped."""

    def __init__(self, army_country: Optional[Callable[[str], Optional[str]]] = None,
                 events_of: Optional[EventsOf] = None,
                 last_report: Optional[Callable[[ControlPeriod], Optional[date]]] = None,
                 aliases: Optional[Callable[[str], list[str]]] = None, cfg: Optional[dict[str, Any]] = None):
        cfg = cfg if cfg is not None else (load_data("fusion.yaml").get("control") or {})
        chk = cfg.get("check") or {}
        self.flip_days = int(cfg.get("flip_days", 30))
        self.min_flip_outlets = int(cfg.get("min_flip_outlets", 2))
        self.long_days = int(chk.get("long_days", 365))
        self.far_km = float(chk.get("far_km", 300))
        self.forces = re.compile(cfg.get("country_forces") or r"(?!x)x", re.I)
        self.occupied = re.compile(cfg.get("occupation_words") or r"(?!x)x", re.I)
        self.reader = ChangeReader(cfg.get("report") or {})
        self.army_country = army_country
        self.events_of = events_of
        self.last_report = last_report
        self.aliases = aliases

    def check(self, periods: list[ControlPeriod]) -> list[Finding]:
        """What is implausible in one place's timeline (its periods in date order)."""
        out: list[Finding] = []
        for i, p in enumerate(periods):
            def found(rule: str, detail: str, p: ControlPeriod = p) -> None:
                out.append(Finding(p.place.name, rule, p.holder, p.start, p.end, detail))

            if 0 < i < len(periods) - 1:
                nxt = periods[i + 1]
                if norm_name(periods[i - 1].holder) == norm_name(nxt.holder) and p.start and nxt.start \
                        and (nxt.start - p.start).days <= self.flip_days and len(p.outlets) < self.min_flip_outlets:
                    found("flip", f"{nxt.holder} again after {(nxt.start - p.start).days} days; "
                                  f"{p.holder} on {len(p.outlets)} known outlet(s)")
            country = self._army(p.holder)
            if country and p.place.country and country != p.place.country.upper() and not any(
                    self.occupied.search(e.text) for e in p.evidence):
                found("foreign-army", f"an army of {country} holds a place in {p.place.country.upper()} "
                                      "and no evidence says it is occupied")
            if self._withdrew(p):
                found("withdrawal-holder", "its own sentence has the holder withdrawing")
            if p.start is not None and p.start == p.end:
                found("zero-length", "starts and ends on the same day")
            span = self._span(p)
            if reports_of(p) == 1 and span is not None and span > self.long_days:
                found("one-report", f"rests on one report for {span} days")
            if country:
                km = self._nearest_event_km(p)
                if km is not None and km > self.far_km:
                    found("army-far", f"its nearest other event is {km:.0f} km away")
                elif km is None and self.events_of is not None and p.place.lat is not None:
                    found("army-far", "it has no other event with a place")
        return out

    def _army(self, holder: str) -> Optional[str]:
        if self.army_country is None or not self.forces.search(holder or ""):
            return None
        c = self.army_country(holder)
        return c.upper() if c else None

    def _withdrew(self, p: ControlPeriod) -> bool:
        """The holder's words in the period's sentence are those of the party withdrawing (the
        holder's cited words; in a period stored without them, the holder's known aliases)."""
        if p.basis == "loser":
            return False  # the loser held the place before; its leaving is what ended the period
        holders = [e for e in p.evidence if e.field == "control:holder"]
        sents = [e for e in p.evidence if e.field == "sentence" or (e.field is None and len(e.text) > 40)]
        for h in holders:
            for s in sents:
                if s.doc_id == h.doc_id and s.start <= h.start and h.end <= s.end:
                    if self.reader.withdrawer(s.text, h.start - s.start, h.end - s.start):
                        return True
        if holders or self.aliases is None or p.start is None:
            return False
        names = [a for a in self.aliases(p.holder) if len(a) > 2]
        for s in sents[:1]:  # the sentence that started the period
            for name in names:
                for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", s.text, re.I):
                    if self.reader.withdrawer(s.text, m.start(), m.end()):
                        return True
        return False

    def _span(self, p: ControlPeriod) -> Optional[int]:
        if p.start is None:
            return None
        end = p.end
        if end is None and self.last_report is not None:
            end = self.last_report(p)
        return (end - p.start).days if end is not None else None

    def _nearest_event_km(self, p: ControlPeriod) -> Optional[float]:
        if self.events_of is None or p.place.lat is None or p.place.lon is None:
            return None
        own = set(p.event_ids)
        dists = [haversine_km(p.place.lat, p.place.lon, lat, lon) for lat, lon, eid in self.events_of(p.holder)
                 if lat is not None and lon is not None and eid not in own]
        return min(dists) if dists else None


def reports_of(p: ControlPeriod) -> int:
    """The reports (documents) behind a period; a period stored before they were counted is
    taken to rest on the documents its evidence cites."""
    return p.reports or len({e.doc_id for e in p.evidence})
