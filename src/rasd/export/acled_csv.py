"""Events as rows with ACLED's column names (one mapping, shared by the CLI and the web export)."""
from __future__ import annotations

import csv
from typing import IO, Iterable, Optional

from ..records import Actor, Event

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "iso", "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "source", "notes", "fatalities",
]
# rasd's own columns after ACLED's, so that an exported event can be cited: the document it was
# coded from, that document's outlet and address, and the claimants its text names (who said it:
# "SOHR", "the defence ministry"), kept apart from the outlets, which fill ACLED's `source`
RASD_COLUMNS = ["rasd_doc_id", "rasd_outlet", "rasd_url", "rasd_claimants"]
CSV_COLUMNS = ACLED_COLUMNS + RASD_COLUMNS
# rasd's time precision words -> ACLED's codes (1 day, 2 week, 3 month or coarser)
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
# actor types -> ACLED's inter codes
INTER = {"state forces": 1, "rebel group": 2, "political militia": 3, "identity militia": 4, "rioters": 5,
         "protesters": 6, "civilians": 7, "external forces": 8, "other": 8}


# a text cell starting with one of these is a formula to a spreadsheet (=1+2, @SUM, +cmd, -2+3),
# or starts one after the spreadsheet trims a tab or carriage return
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell as a spreadsheet can open it safely: a text starting like a formula gets a
    leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _inter(a: Optional[Actor]) -> Optional[int]:
    return INTER.get(a.actor_type or "") if a else None


def _country_name(code: Optional[str]) -> Optional[str]:
    if not code:
        return None
    try:
        import pycountry

        c = pycountry.countries.get(alpha_2=code)
        return (getattr(c, "common_name", None) or c.name) if c else code
    except (KeyError, LookupError):
        return code


def event_to_row(ev: Event) -> dict:
    loc = ev.location
    i1, i2 = _inter(ev.actor1), _inter(ev.actor2)
    interaction = None
    if i1 is not None:
        interaction = int(f"{min(i1, i2)}{max(i1, i2)}") if i2 is not None else i1 * 10
    return {
        "event_id_cnty": ev.event_id,
        "event_date": ev.date.isoformat() if ev.date else "",
        "year": ev.date.year if ev.date else "",
        "time_precision": TIME_PRECISION.get(ev.time_precision or "", ""),
        "event_type": ev.event_type,
        "sub_event_type": ev.sub_event_type,
        "actor1": ev.actor1.name if ev.actor1 else "",
        "assoc_actor_1": "; ".join(a.name for a in ev.assoc_actors),
        "inter1": i1 if i1 is not None else "",
        "actor2": ev.actor2.name if ev.actor2 else "",
        "assoc_actor_2": "",
        "inter2": i2 if i2 is not None else "",
        "interaction": interaction if interaction is not None else "",
        "iso": loc.country if loc and loc.country else "",
        "country": _country_name(loc.country) if loc and loc.country else "",
        "admin1": (loc.admin1 or "") if loc else "",
        "admin2": (loc.admin2 or "") if loc else "",
        "location": loc.name if loc else "",
        "latitude": loc.lat if loc and loc.lat is not None else "",
        "longitude": loc.lon if loc and loc.lon is not None else "",
        "geo_precision": loc.geo_precision if loc else "",
        "source": "; ".join(outlets_of(ev)),
        "notes": ev.sentence or ev.notes or "",
        "fatalities": ev.fatalities if ev.fatalities is not None else 0,
        "rasd_doc_id": ev.doc_id,
        "rasd_outlet": ev.attrs.get("outlet") or "",
        "rasd_url": ev.attrs.get("url") or "",
        "rasd_claimants": "; ".join(ev.sources),
    }


def outlets_of(ev: Event) -> list[str]:
    """The outlets an event rests on (its fused event's known outlets, else its document's)."""
    return list(ev.attrs.get("outlets") or ([ev.attrs["outlet"]] if ev.attrs.get("outlet") else []))


def write_csv(events: Iterable[Event], out: IO[str], header: bool = True) -> int:
    w = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    if header:
        w.writeheader()
    n = 0
    for ev in events:
        w.writerow({k: csv_cell(v) for k, v in event_to_row(ev).items()})
        n += 1
    return n
