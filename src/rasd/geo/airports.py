"""Airports and air bases for the default layer, from ``airportsdata`` (MIT).

Kept: the entries whose name says what they are (Airport, Air Base, Airfield, Aerodrome,
Airstrip, Air Station) and that have an IATA code or are not one of the United States'
private strips (an FAA local id without an IATA code). Besides its full name, each is known
as "<stem> Airport", "<stem> Airbase", "<stem> Air Base", "<stem> airfield" and "<stem>
International Airport", where the stem is the name less those words ("Shayrat Air Base":
Shayrat Airbase, Shayrat Airport), and, when the stem begins with the town it serves, by the
rest alone ("London Heathrow Airport": Heathrow; "Amsterdam Airport Schiphol": Schiphol).
The stem alone is never a name of the airport otherwise: it is the town's.
"""
from __future__ import annotations

import re
from typing import Callable, Iterator, Optional

from .rows import PlaceRow

_KIND_RE = re.compile(r"\b(?:International\s+|Military\s+|Regional\s+)?"
                      r"(Airport|Air\s+Base|Airbase|Airfield|Aerodrome|Airstrip|Air\s+Station)\b", re.I)
_BASE_WORDS = ("air base", "airbase", "air station")


def _stem(name: str) -> str:
    return re.sub(r"\s{2,}", " ", _KIND_RE.sub(" ", name)).strip(" -/,")


def airport_rows(admin1_of: Callable[[str, str], Optional[str]] = lambda cc, subd: None) -> Iterator[PlaceRow]:
    """``admin1_of(country, subdivision name)``: the layer's label of that first-level area."""
    import airportsdata

    for a in airportsdata.load("ICAO").values():
        name = (a.get("name") or "").strip()
        m = _KIND_RE.search(name)
        if not m or (a.get("lid") and not a.get("iata")):
            continue
        try:
            lat, lon = float(a["lat"]), float(a["lon"])
        except (TypeError, ValueError):
            continue
        stem = _stem(name)
        if len(stem) < 3:
            continue
        base = m.group(1).lower().replace("  ", " ") in _BASE_WORDS
        alts = [f"{stem} {w}" for w in ("Airport", "Airbase", "Air Base", "Airfield", "International Airport",
                                        "Military Airport", "Military Airbase")]
        city = (a.get("city") or "").strip()
        if city and stem.lower().startswith(city.lower() + " ") and len(stem) - len(city) > 4:
            rest = stem[len(city) + 1:].strip(" -/")
            alts += [rest, f"{rest} Airport", f"{rest} Airbase", f"{rest} Air Base"]
        yield PlaceRow(name=name, lat=lat, lon=lon, country=a.get("country") or None,
                       admin1=admin1_of(a.get("country") or "", a.get("subd") or ""), feature="S.AIRB" if base else "S.AIRP",
                       alt_names=tuple(n for n in dict.fromkeys(alts) if n != name))
