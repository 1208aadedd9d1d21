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
    named_day: bool = False  # names its day of the month ("7 December", "on 12/04", "15-18 January")


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

    NAMED_DAY = ("iso", "dmy", "mdy", "dmy_range", "mdy_range", "numeric_dm")  # kinds that name a day of the month

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
                if val is not None:
                    val, prec = self._around(text, a, b, val, prec)
                taken.append((a, b))
                out.append(DateMention(base + a, base + b, m.group(0), val, prec, explicit,
                                       val is not None and kind in self.NAMED_DAY))
        out.sort(key=lambda d: d.start)
        # "overnight between 14 and 15 January", "on 10 November (as reported), overnight": the named day is
        # the one meant
        reach = self.rules.named_day_reach
        return [d for d in out if d.named_day or d.value is None or not any(
            e.named_day and (0 <= e.start - d.end <= reach or 0 <= d.start - e.end <= reach) for e in out)]

    def _around(self, text: str, a: int, b: int, val: date, prec: Optional[str]) -> tuple[date, Optional[str]]:
        """A date as its neighbouring words set it: "a few days before 12 October" (shifted, week
        precision when the count is vague), "around 7 December (week of)", "as reported on 4 May" (the
        precision ACLED gives an approximate date)."""
        r = self.rules
        m = r.shift.search(text, max(0, a - 60), a)
        if m:
            n = m.group("n").lower()
            k = int(n) if n.isdigit() else r.numbers.get(n, 3)
            days = k * (7 if m.group("unit").lower().startswith("week") else 1)
            back = r.directions.get(re.sub(r"\s+", " ", m.group("dir").lower())) == "back"
            val = val - timedelta(days=days) if back else val + timedelta(days=days)
            prec = "week" if n in r.vague_counts else "day"
        if prec == "day":
            for p in ("month", "week"):  # the coarser first: "around 9 September (month of)"
                if r.approximate_after[p].search(text[b:b + 40]) or r.approximate_before[p].search(text, max(0, a - 40), a):
                    return val, p
        return val, prec

    def _mon(self, s: Optional[str]) -> Optional[int]:
        return self.rules.months.get(s.lower().rstrip(".")) if s else None

    def _rel(self, word: Optional[str]) -> str:
        """The relation a word sets (last / this / next / recent), "" for none."""
        return self.rules.relations.get(word.lower(), "") if word else ""

    def _span(self, g: dict, ref: Optional[date]) -> tuple[Optional[date], Optional[str], bool]:
        """A span of days: "between 11 and 15 February" is some day within it (its middle, rounded
        down, week precision when it spans more than two days); "from 3 to 8 October", "on 23 and
        24 March" tell of each day: the first."""
        mon2, d1, d2 = self._mon(g["mon"]), int(g["day"]), int(g["day2"])
        mon1 = self._mon(g.get("mon1")) or mon2
        year = _year(g.get("year"))
        if not mon2 or not (1 <= d1 <= 31 and 1 <= d2 <= 31):
            return None, None, False
        if year:
            end = _safe(year, mon2, d2)
        elif ref:
            end = _before(ref, mon2, d2)
        else:
            return None, None, False
        if end is None:
            return None, None, False
        start = _safe(end.year - (1 if mon1 > mon2 else 0), mon1, d1)
        if start is None or start > end or (end - start).days > 31:
            return None, None, False
        if g.get("mid"):
            span = (end - start).days
            return start + timedelta(days=span // 2), ("week" if span > 1 else "day"), bool(year)
        return start, "day", bool(year)

    def _resolve(self, kind: str, m: re.Match, ref: Optional[date]) -> tuple[Optional[date], Optional[str], bool]:
        g = m.groupdict()
        if kind == "iso":
            return _safe(int(g["year"]), int(g["mon"]), int(g["day"])), "day", True
        if kind in ("dmy_range", "mdy_range"):
            return self._span(g, ref)
        if kind == "numeric_dm":
            day, mon, y = int(g["day"]), int(g["mon"]), g.get("year")
            if not (1 <= day <= 31 and 1 <= mon <= 12):
                return None, None, False
            if y:
                year = int(y) if len(y) == 4 else 2000 + int(y) if int(y) < 50 else 1900 + int(y)
                return _safe(year, mon, day), "day", True
            return (_before(ref, mon, day), "day", False) if ref else (None, None, False)
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
            if g.get("edge"):  # "at the start of this year": a month of it
                mon = self.rules.part_of_year_months.get(g["edge"].lower() + " of")
                year = ref.year - 1 if rel == "last" else ref.year + 1 if rel == "next" else ref.year
                return (date(year, mon, 15), "month", False) if mon else (None, None, False)
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
