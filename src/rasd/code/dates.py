"""Date expressions in text, resolved against a reference (publication) date.

Handles explicit dates ("25 November 2016", "Feb 7", "on 2 November, 2019"), weekdays
("on Saturday"), relative days ("yesterday", "two days ago"), weeks ("earlier this week",
"last week"), months ("last July", "early this month", "in March 2019") and years.
Each found expression becomes a ``DateMention`` with a time precision (day / week /
month / year). Without a reference date only expressions that name their year resolve.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from .rules import DateRules, default_rules


@dataclass
class DateMention:
    start: int
    end: int
    text: str
    value: Optional[date]
    precision: Optional[str]
    explicit: bool  # names its own year or day (does not lean on the reference date)


def _year(s: Optional[str]) -> Optional[int]:
    if not s:
        return None
    if len(s) == 5:  # a stray digit typed into the year: "20149" for 2019
        s = s[:3] + s[-1]
    return int(s[:4])


def _safe(y: int, m: int, d: int) -> Optional[date]:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _before(ref: date, m: int, d: int, slack_days: int = 3) -> Optional[date]:
    """A day and month without a year: in the publication year, or the year before when that would
    put it after publication (+ a little slack): "2 January" in a report of 30 December is this
    year's, not next year's."""
    for y in (ref.year, ref.year - 1):
        c = _safe(y, m, d)
        if c and c <= ref + timedelta(days=slack_days):
            return c
    return None


def _month_before(ref: date, m: int, rel: str) -> int:
    """The year of the named month: 'last July' = the latest July before this month."""
    if rel == "next":
        return ref.year if m > ref.month else ref.year + 1
    if rel == "this":
        return ref.year
    return ref.year if m < ref.month or (rel != "last" and m == ref.month) else ref.year - 1


class DateFinder:
    """Finds and resolves date expressions. Built once (with the rules of a language,
    ``code/data/dates.yaml``); ``find(text, ref)`` per sentence."""

    def __init__(self, rules: Optional[DateRules] = None):
        self.rules = rules if rules is not None else default_rules().dates

    def find(self, text: str, ref: Optional[date], base: int = 0) -> list[DateMention]:
        out: list[DateMention] = []
        if not self.rules.prefilter.search(text):
            return out
        taken: list[tuple[int, int]] = []
        for kind, pat in self.rules.patterns:
            for m in pat.finditer(text):
                a, b = m.span()
                if any(a < t1 and b > t0 for t0, t1 in taken):
                    continue
                val, prec, explicit = self._resolve(kind, m, ref)
                if val is None and kind in ("weekday",) and not m.group("rel"):
                    continue
                taken.append((a, b))
                out.append(DateMention(base + a, base + b, m.group(0), val, prec, explicit))
        out.sort(key=lambda d: d.start)
        return out

    def _mon(self, s: Optional[str]) -> Optional[int]:
        return self.rules.months.get(s.lower().rstrip(".")) if s else None

    def _rel(self, word: Optional[str]) -> str:
        """The relation a word sets (last / this / next / recent), "" for none."""
        return self.rules.relations.get(word.lower(), "") if word else ""

    def _resolve(self, kind: str, m: re.Match, ref: Optional[date]) -> tuple[Optional[date], Optional[str], bool]:
        g = m.groupdict()
        if kind == "iso":
            return _safe(int(g["year"]), int(g["mon"]), int(g["day"])), "day", True
        if kind in ("dmy", "mdy"):
            mon, day, year = self._mon(g["mon"]), int(g["day"]), _year(g.get("year"))
            if not mon or not 1 <= day <= 31:
                return None, None, False
            if year:
                return _safe(year, mon, day), "day", True
            return (_before(ref, mon, day), "day", False) if ref else (None, None, False)
        if kind == "year":
            # "In 2020, ...": a past year is background for a report of a later year; the report's own
            # year says nothing finer than the reference date does
            year = int(g["year"])
            if ref is not None and year >= ref.year:
                return None, None, False
            return _safe(year, 7, 1), "year", True
        if kind == "rel_year":
            # "last year" (its middle), "earlier this year" (the middle of the span from New Year to the
            # report): enough to tell history from news
            if not ref:
                return None, None, False
            rel = self._rel(g["rel"])
            if rel == "last":
                return date(ref.year - 1, 7, 1), "year", False
            if rel == "this" and g.get("part"):  # "earlier / early this year"
                jan1 = date(ref.year, 1, 1)
                return jan1 + (ref - jan1) / 2, "year", False
            return None, None, False
        if kind == "month_year":
            mon, year = self._mon(g["mon"]), _year(g["year"])
            return (_safe(year, mon, 15), "month", True) if mon and year else (None, None, False)
        if kind == "part_month":
            part = re.sub(r"\s+", " ", g["part"].lower())
            day = self.rules.part_of_month_days.get(part, 15)
            if g.get("mon3"):
                mon, year = self._mon(g["mon3"]), _year(g.get("year"))
                if mon and year:
                    return _safe(year, mon, day), "month", True
                if mon and ref:
                    return _safe(_month_before(ref, mon, ""), mon, day), "month", False
                return None, None, False
            if not ref:
                return None, None, False
            if g.get("rel2"):
                mon = self._mon(g.get("mon2") or "")
                if not mon:
                    return None, None, False
                return _safe(_month_before(ref, mon, self._rel(g["rel2"])), mon, day), "month", False
            rel = self._rel(g.get("rel"))
            y, mo = ref.year, ref.month
            if rel == "last":
                y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
            elif rel == "next":
                y, mo = (y, mo + 1) if mo < 12 else (y + 1, 1)
            d = _safe(y, mo, day) or _safe(y, mo, 28)
            if d and ref and d > ref and rel == "this":
                d = ref
            return d, "month", False
        if not ref:
            return None, None, False
        if kind == "rel_month":
            mon = self._mon(g["mon"])
            return _safe(_month_before(ref, mon, self._rel(g["rel"])), mon, 15), "month", False
        if kind == "in_month":
            mon = self._mon(g["mon"])
            return _safe(_month_before(ref, mon, ""), mon, 15), "month", False
        if kind == "this_month":
            rel = self._rel(g["rel"])
            y, mo = ref.year, ref.month
            if rel == "last":
                y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
            elif rel == "next":
                y, mo = (y, mo + 1) if mo < 12 else (y + 1, 1)
            return _safe(y, mo, 15 if rel != "this" else min(15, ref.day)), "month", False
        if kind == "week":
            rel = self._rel(g["rel"])
            if rel == "next":
                return ref + timedelta(days=7), "week", False
            if rel in ("last", "recent"):
                return (ref - timedelta(days=7 if rel == "last" else 3)), "week", False
            monday = ref - timedelta(days=ref.weekday())
            return max(monday, ref - timedelta(days=2)) if ref > monday else ref, "week", False
        if kind == "weekday":
            wd = self.rules.weekdays[g["wd"].lower()]
            rel = self._rel(g.get("rel"))
            back = (ref.weekday() - wd) % 7
            if rel == "next":
                return ref + timedelta(days=(wd - ref.weekday()) % 7 or 7), "day", False
            if rel == "last" and back == 0:
                back = 7
            return ref - timedelta(days=back), "day", False
        if kind == "yesterday":
            return ref - timedelta(days=self.rules.day_offsets[g["w"].lower()]), "day", False
        if kind == "recent":
            # "in the past three days": the middle of the span, within a week; "in recent hours": today
            if self.rules.units.get(g["unit"].lower()) != "day":
                return ref, "day", False
            n = g.get("n")
            n = (int(n) if n.isdigit() else self.rules.numbers.get(n.lower(), 3)) if n else 3
            return ref - timedelta(days=n // 2 or 1), "week", False
        if kind == "ago":
            n = self.rules.numbers.get(g["n"].lower()) if not g["n"].isdigit() else int(g["n"])
            unit = self.rules.units[g["unit"].lower()]
            if unit == "day":
                return ref - timedelta(days=n), "day", False
            if unit == "week":
                return ref - timedelta(days=7 * n), "week", False
            y, mo = ref.year, ref.month - n
            while mo < 1:
                y, mo = y - 1, mo + 12
            return _safe(y, mo, 15), "month", False
        return None, None, False
