"""Place search for analysts correcting an event (issue 14): every kind of match the gazetteer
has for what was typed, the event's own country and region first, each shown with its province
and country so that "Balyun" in Idlib is not confused with "Balun" in Java."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..geodesy import haversine_km
from .gazetteer import Candidate, Gazetteer

# how good a match is, best first (a typed prefix is what a search box expects after exact names)
MATCH_RANK = {"key": 0, "prefix": 1, "skeleton": 2, "fuzzy": 3}


@dataclass(frozen=True)
class Near:
    """Where the corrected event is now: its country, region and point, any of them unknown."""
    country: Optional[str] = None
    admin1: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None


class PlaceSearch:
    """Built once with the gazetteer; ``search(q, near)`` answers a search box."""

    def __init__(self, gazetteer: Gazetteer, fuzzy_threshold: float = 80.0):
        self.gaz = gazetteer
        self.fuzzy_threshold = fuzzy_threshold
        self._countries: dict[str, Optional[str]] = {}

    def candidates(self, q: str) -> list[Candidate]:
        """Exact names, names starting with ``q``, same-skeleton and close spellings, once each."""
        from .normalize import name_key

        key = name_key(q)
        found: dict[int, Candidate] = {}
        groups = (self.gaz.by_keys([key]).get(key, []), self.gaz.by_prefix(q, limit=100),
                  self.gaz.by_skeleton(q), self.gaz.fuzzy(q, threshold=self.fuzzy_threshold, limit=50))
        for group in groups:
            for c in group:
                if c.id not in found or MATCH_RANK.get(c.match, 9) < MATCH_RANK.get(found[c.id].match, 9):
                    found[c.id] = c
        return list(found.values())

    def search(self, q: str, near: Near = Near(), country: Optional[str] = None, limit: int = 10) -> list[dict[str, Any]]:
        """Places for ``q``, best first: in ``country`` (when given, only there), then the event's
        region, then its country, then elsewhere; within each, better matches, nearer places
        (to the event), more populous ones."""
        cands = [c for c in self.candidates(q) if c.lat is not None and c.lon is not None]
        if country:
            cands = [c for c in cands if (c.country or "").upper() == country.upper()]

        def km(c: Candidate) -> Optional[float]:
            if near.lat is None or near.lon is None:
                return None
            return haversine_km(near.lat, near.lon, c.lat, c.lon)  # type: ignore[arg-type]

        def closeness(c: Candidate) -> int:
            same_country = bool(near.country) and (c.country or "").upper() == near.country.upper()  # type: ignore[union-attr]
            same_region = same_country and bool(near.admin1) and (c.admin1 or "").lower() == near.admin1.lower()  # type: ignore[union-attr]
            return 0 if same_region else 1 if same_country else 2

        ranked = sorted(cands, key=lambda c: (closeness(c), MATCH_RANK.get(c.match, 9),
                                              km(c) if km(c) is not None else 0.0, -(c.population or 0), c.id))
        return [self._item(c, closeness(c) if near.country else None, km(c)) for c in ranked[:limit]]

    def _item(self, c: Candidate, closeness: Optional[int], km: Optional[float]) -> dict[str, Any]:
        name = self.country_name(c.country)
        label = ", ".join(x for x in (c.name, c.admin1, name or c.country) if x)
        return {"name": c.name, "lat": c.lat, "lon": c.lon, "country": c.country, "country_name": name,
                "admin1": c.admin1, "admin2": c.admin2, "feature": c.feature, "population": c.population,
                "geonameid": c.geonameid, "match": c.match, "label": label,
                "near_event": ("same region", "same country", "elsewhere")[closeness] if closeness is not None else None,
                "km_from_event": round(km, 1) if km is not None else None}

    def country_at(self, lat: float, lon: float, km: float) -> Optional[str]:
        """The country of the nearest place within ``km`` of a point, or None."""
        hits = self.gaz.near(lat, lon, km, limit=1)
        return hits[0][1].country if hits else None

    def country_name(self, code: Optional[str]) -> Optional[str]:
        if not code:
            return None
        if code not in self._countries:
            c = self.gaz.country(code)
            self._countries[code] = c.name if c else None
        return self._countries[code]
