"""Date expressions in text, resolved against a reference (publication) date.

Handles explicit dates ("25 November 2016", "Feb 7", "on 2 November, 2019"), weekdays
("on Saturday"), relative days ("yesterday", "two days ago"), weeks ("earlier this week",
"last week"), months ("last July", "early this month", "in March 2019") and years.
Each found expression becomes a ``DateMention`` with a time precision (day / week /
month / year). Without a reference date only expressions that name their year resolve.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
NUMWORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "a": 1, "an": 1, "a couple of": 2, "several": 3, "a few": 3}

_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2,3})"  # a stray fifth digit ("20149") is a typo of the year
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mon>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("dmy", re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MON}(?:,?\s+{_YEAR})?\b", re.I)),
    ("mdy", re.compile(rf"\b{_MON}\s+{_DAY}(?!\d)(?:,?\s+{_YEAR})?\b", re.I)),
    ("part_month", re.compile(r"\b(?P<part>early|earlier|late|later|mid|middle of|end of|beginning of|start of)[\s-]+"
                              r"(?:(?P<rel>this|last|next)\s+month|(?P<rel2>this|last)\s+(?P<mon2>january|february|march|april|may|june|july|august|september|october|november|december)|" + _MON.replace("mon", "mon3") + r"(?:\s+" + _YEAR + r")?)\b", re.I)),
    ("month_year", re.compile(rf"\b(?:in\s+)?{_MON}\s+{_YEAR}\b", re.I)),
    ("rel_month", re.compile(r"\b(?P<rel>last|this|next)\s+(?P<mon>january|february|march|april|may|june|july|august|september|october|november|december)\b", re.I)),
    ("in_month", re.compile(r"\b(?:in|since|during|by|until)\s+(?P<mon>january|february|march|april|june|july|august|september|october|november|december)\b", re.I)),
    ("this_month", re.compile(r"\b(?P<rel>this|last|next)\s+month\b", re.I)),
    ("week", re.compile(r"\b(?P<part>earlier|later|late|early)?\s*(?P<rel>this|last|next|the past|the previous)\s+week(?:end)?\b", re.I)),
    ("weekday", re.compile(r"\b(?:(?P<rel>last|this|next|on|late|early)\s+)?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'s)?\b", re.I)),
    ("yesterday", re.compile(r"\b(?P<w>yesterday|today|tonight|last night|this morning|this afternoon|this evening|overnight)\b", re.I)),
    ("year", re.compile(r"\b(?:in|during|back in)\s+(?P<year>(?:19|20)\d{2})\b(?![-/]\d)", re.I)),
    ("ago", re.compile(r"\b(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an|a couple of|several|a few)\s+(?P<unit>day|days|week|weeks|month|months)\s+ago\b", re.I)),
]


@dataclass
class DateMention:
    start: int
    end: int
    text: str
    value: Optional[date]
    precision: Optional[str]
    explicit: bool  # names its own year or day (does not lean on the reference date)


def _mon(s: str) -> Optional[int]:
    return MONTHS.get(s.lower().rstrip(".")) if s else None


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
    """The most recent (month, day) not later than ``ref`` (+ a little slack)."""
    for y in (ref.year + 1, ref.year, ref.year - 1):
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


_PART_DAY = {"early": 5, "earlier": 5, "beginning of": 3, "start of": 3, "mid": 15, "middle of": 15,
             "late": 25, "later": 25, "end of": 28}


_ANY = re.compile(r"\b(?:(?:19|20)\d{2}|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|monday|tuesday|wednesday|"
                  r"thursday|friday|saturday|sunday|yesterday|today|tonight|last night|this morning|this afternoon|"
                  r"this evening|overnight|week|month|ago)", re.I)


class DateFinder:
    """Finds and resolves date expressions. Built once; ``find(text, ref)`` per sentence."""

    def find(self, text: str, ref: Optional[date], base: int = 0) -> list[DateMention]:
        out: list[DateMention] = []
        if not _ANY.search(text):
            return out
        taken: list[tuple[int, int]] = []
        for kind, pat in PATTERNS:
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

    def _resolve(self, kind: str, m: re.Match, ref: Optional[date]) -> tuple[Optional[date], Optional[str], bool]:
        g = m.groupdict()
        if kind == "iso":
            return _safe(int(g["year"]), int(g["mon"]), int(g["day"])), "day", True
        if kind in ("dmy", "mdy"):
            mon, day, year = _mon(g["mon"]), int(g["day"]), _year(g.get("year"))
            if not mon or not 1 <= day <= 31:
                return None, None, False
            if kind == "mdy" and g["mon"].lower() == "may" and not year and day > 31:
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
        if kind == "month_year":
            mon, year = _mon(g["mon"]), _year(g["year"])
            return (_safe(year, mon, 15), "month", True) if mon and year else (None, None, False)
        if kind == "part_month":
            part = re.sub(r"\s+", " ", g["part"].lower())
            day = _PART_DAY.get(part, 15)
            if g.get("mon3"):
                mon, year = _mon(g["mon3"]), _year(g.get("year"))
                if mon and year:
                    return _safe(year, mon, day), "month", True
                if mon and ref:
                    return _safe(_month_before(ref, mon, ""), mon, day), "month", False
                return None, None, False
            if not ref:
                return None, None, False
            if g.get("rel2"):
                mon = _mon(g.get("mon2") or "")
                if not mon:
                    return None, None, False
                return _safe(_month_before(ref, mon, g["rel2"].lower()), mon, day), "month", False
            y, mo = ref.year, ref.month
            if (g.get("rel") or "").lower() == "last":
                y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
            elif (g.get("rel") or "").lower() == "next":
                y, mo = (y, mo + 1) if mo < 12 else (y + 1, 1)
            d = _safe(y, mo, day) or _safe(y, mo, 28)
            if d and ref and d > ref and (g.get("rel") or "").lower() == "this":
                d = ref
            return d, "month", False
        if not ref:
            return None, None, False
        if kind == "rel_month":
            mon = _mon(g["mon"])
            return _safe(_month_before(ref, mon, g["rel"].lower()), mon, 15), "month", False
        if kind == "in_month":
            mon = _mon(g["mon"])
            return _safe(_month_before(ref, mon, ""), mon, 15), "month", False
        if kind == "this_month":
            rel = g["rel"].lower()
            y, mo = ref.year, ref.month
            if rel == "last":
                y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
            elif rel == "next":
                y, mo = (y, mo + 1) if mo < 12 else (y + 1, 1)
            return _safe(y, mo, 15 if rel != "this" else min(15, ref.day)), "month", False
        if kind == "week":
            rel = g["rel"].lower()
            if rel == "next":
                return ref + timedelta(days=7), "week", False
            if rel in ("last", "the past", "the previous"):
                return (ref - timedelta(days=3 if rel != "last" else 7)), "week", False
            monday = ref - timedelta(days=ref.weekday())
            return max(monday, ref - timedelta(days=2)) if ref > monday else ref, "week", False
        if kind == "weekday":
            wd = WEEKDAYS[g["wd"].lower()]
            rel = (g.get("rel") or "").lower()
            back = (ref.weekday() - wd) % 7
            if rel == "next":
                return ref + timedelta(days=(wd - ref.weekday()) % 7 or 7), "day", False
            if rel == "last" and back == 0:
                back = 7
            return ref - timedelta(days=back), "day", False
        if kind == "yesterday":
            w = g["w"].lower()
            if w == "yesterday":
                return ref - timedelta(days=1), "day", False
            return ref, "day", False
        if kind == "ago":
            n = NUMWORDS.get(g["n"].lower()) if not g["n"].isdigit() else int(g["n"])
            unit = g["unit"].lower()
            if unit.startswith("day"):
                return ref - timedelta(days=n), "day", False
            if unit.startswith("week"):
                return ref - timedelta(days=7 * n), "week", False
            y, mo = ref.year, ref.month - n
            while mo < 1:
                y, mo = y - 1, mo + 12
            return _safe(y, mo, 15), "month", False
        return None, None, False
