"""Toponym resolution: rank a name's gazetteer candidates with features of the document.

Features of a candidate (weights in ``WEIGHTS``): how the name matched (the
place's name, an alternate name, an abbreviation, a demonym; exact, by
transliteration skeleton, fuzzy), its population, its kind (country, first-level
area, capital, city, region), the countries that the document names or that its
other toponyms unambiguously fall in, its distance to the document's other
places, and the words around the mention ("X province" wants an area, "the town
of X" a populated place). Two passes: the first finds the document's context
from the confident picks, the second ranks every toponym in that context.

A name the gazetteer lacks falls back to the area it is said to lie in ("X in
the Y countryside", "X, Y province", "X, near Y") with a lower geo_precision
(2 near a place, 3 a province), and one failed toponym never stops the rest.
"""
from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Optional, Sequence

from ..records import Place, is_country_feature, is_country_or_continent
from .fallback import DEFAULT_STEPS, Fallbacks, abroad
from .gazetteer import Candidate, Gazetteer, default_precision, haversine_km

log = logging.getLogger(__name__)

WEIGHTS = {
    "kind_name": 1.0, "kind_alt": 0.55, "kind_abbr": 1.0, "kind_demonym": 0.8,
    "match_skeleton": -0.35, "match_fuzzy": -0.6,
    "population": 0.28,  # per decade of population
    "country": 2.0, "admin1": 0.4, "capital": 0.9, "continent": 1.6, "region": 1.2,
    "admin2_town_same_name": -1.2,
    "doc_country": 1.2, "admin1_doc_country": 1.0, "admin1_city_same_name": -1.2, "near_100km": 0.9, "near_400km": 0.45,
    "doc_admin1": 0.8,
    "cue_area": 1.2, "cue_place": 0.6,
}
_AREA_CUES = {"province", "governorate", "region", "district", "county", "state", "province of",
              "governorate of", "region of", "district of"}
_PLACE_CUES = {"town of", "city of", "village of", "villages of", "towns of", "city", "town", "village",
               "suburb of", "neighbourhood of", "neighborhood of", "outskirts of", "airport", "residents"}
_NEAR_CUES = {"countryside", "outskirts", "outskirts of", "suburbs", "suburb of", "near", "around",
              "countryside of", "north of", "south of", "east of", "west of", "northeast of", "northwest of",
              "southeast of", "southwest of", "north-east of", "north-west of", "south-east of",
              "south-west of", "km of", "kilometres of", "kilometers of", "miles of"}
_DIST_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(km|kilometres|kilometers|miles|mi)\s+"
                      r"((?:north|south|east|west)(?:[- ]?(?:east|west))?)\s+of\s*$", re.I)


# "Tal Jammeh" found as "Tal", "Abu Saida" as "Saida": a longer name the gazetteer lacks
_NEXT_NAME = re.compile(r"[ -](?:(?:al|Al|el|El|ad|Ad)[- ])?(?!(?:Province|Governorate|District|City|Countryside|Region|"
                        r"Area|Road|Airport|Base|Camp|Street|Bridge|Dam|Front|Axis|University|Hospital|Military|Council|"
                        r"Brigade|Forces|Army|Mountains?|River|Lake|Valley|Northern|Southern|Eastern|Western|North|South|East|West|"
                        r"Central|Oil|Gas|Company|Municipality|Operations?|Command|Police|Security|Governor|Island|"
                        r"Crossing|Square|Sub|Refinery|Prison|Checkpoint|Market)\b)[A-Z][a-z]")
_PREV_PARTICLE = re.compile(r"\b(?:Abu|Umm|Tal|Tall|Tell|Kafr|Deir|Dayr|Beit|Bayt|Khirbet|Khirbat|Jabal|Jebel|Wadi|"
                            r"Bir|Ras|Qasr|Ain|Ein|Ayn|Tel|Sheikh|Shaykh|Arab)[ -]$")


def _truncated(text: str, m: Mention) -> bool:
    return bool(_NEXT_NAME.match(text, m.end)) or bool(_PREV_PARTICLE.search(text[max(0, m.start - 10):m.start]))


# "Tell Abiad in Ar-Raqqa", "Tell Abiad (Raqqa)": the second name is the area the first lies in
_IN_AREA_GAP = re.compile(r"\s+in\s+(?:the\s+)?|\s*\(\s*")


def _containers(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions, a name written right after another place as the area it lies in ("X in Y",
    "X (Y)") cued as an area: Y's province beats its same-named city there."""
    out = list(mentions)
    for k in range(1, len(out)):
        prev, m = out[k - 1], out[k]
        if (m.cue or "in") == "in" and prev.end <= m.start and _IN_AREA_GAP.fullmatch(text[prev.end:m.start]):
            out[k] = Mention(m.start, m.end, m.text, "in area")
    return out


@dataclass
class Mention:
    """A span to resolve, with what the text around it says."""

    start: int
    end: int
    text: str
    cue: Optional[str] = None


class Resolver:
    def __init__(self, gazetteer: Gazetteer, fuzzy_threshold: float = 88.0, fallbacks: Sequence[str] = DEFAULT_STEPS):
        """``fallbacks``: the rules of ``fallback.py`` used for a name the gazetteer lacks."""
        self.gazetteer = gazetteer
        self.fuzzy_threshold = fuzzy_threshold
        self.fallbacks = tuple(fallbacks)

    # ---- candidates ---------------------------------------------------
    def candidates(self, name: str, cache: Optional[dict] = None) -> list[Candidate]:
        if cache is not None and name in cache:
            return cache[name]
        try:
            cands = self.gazetteer.lookup(name)
        except Exception as exc:  # a broken look-up of one name must not stop the document
            log.warning("look-up of %r failed: %s", name, exc)
            cands = []
        cands = [c for c in cands if c.lat is not None]
        if cache is not None:
            cache[name] = cands
        return cands

    # ---- scoring ------------------------------------------------------
    def score(self, c: Candidate, mention: Optional[Mention], doc_countries: Counter,
              anchors: list[tuple[float, float]], city_countries: frozenset = frozenset(),
              doc_admins: frozenset = frozenset(), town_countries: frozenset = frozenset(),
              own_name_cities: frozenset = frozenset()) -> float:
        """``city_countries``: countries where a sizeable town bears the same name
        (``own_name_cities``: as its own name, not an other name: Hama, not New York City);
        ``town_countries``: countries where any town of 1,000 people or more bears it;
        ``doc_admins``: (country, admin1) of the first-level areas the story names."""
        w = WEIGHTS
        s = w.get(f"kind_{c.kind}", 0.8)
        if c.match != "key":
            s += w.get(f"match_{c.match}", 0.0) * (1.0 if c.match != "fuzzy" else (2 - c.similarity))
        s += w["population"] * math.log10(max(1, c.population or 0)) / 1.0 * 0.5
        f = c.feature or ""
        if is_country_feature(f) and c.kind in ("name", "alt", "abbr", "demonym"):
            s += w["country"]
        elif f.startswith("A.ADM1"):
            s += w["admin1"]
            if c.country in city_countries and (mention is None or (mention.cue or "") not in _AREA_CUES | {"in area"}):
                s += w["admin1_city_same_name"]  # "New York", "Aleppo": the city, unless "province" says not
        elif f.startswith("A.ADM2"):
            if c.country in town_countries and (mention is None or (mention.cue or "") not in _AREA_CUES):
                s += w["admin2_town_same_name"]  # "Toronto", "Manbij": the town, unless "district" says not
        elif f == "P.PPLC":
            s += w["capital"]
        elif f.startswith("L.CONT"):
            s += w["continent"]
        elif f.startswith(("L.", "H.", "T.")):
            s += w["region"]
        if doc_countries and c.country:
            total = sum(doc_countries.values())
            share = doc_countries.get(c.country, 0) / total
            s += w["doc_country"] * share
            if f.startswith("A.ADM1") and share >= 0.5 and c.country not in own_name_cities:
                # "Georgia" in a story about the US is the state; "Hama" in a Syrian one the city
                s += w["admin1_doc_country"]
        if anchors and c.lat is not None and not is_country_or_continent(f):
            # the nearest anchor's distance counts only as under 100 km, under 400 km or farther
            near = None
            for a, b in anchors:
                d = haversine_km(c.lat, c.lon, a, b)
                if d < 100:
                    near = "near_100km"
                    break
                if d < 400:
                    near = "near_400km"
            if near is not None:
                s += w[near]
        if doc_admins and c.admin1 and not f.startswith("A.ADM1") and (c.country, c.admin1) in doc_admins:
            s += w["doc_admin1"]  # "Santa Maria" in a story that names California
        cue = (mention.cue or "") if mention else ""
        if (cue in _AREA_CUES and f.startswith("A.ADM")) or (cue == "in area" and f.startswith("A.ADM1")):
            s += w["cue_area"]
        if cue in _PLACE_CUES and f.startswith("P."):
            s += w["cue_place"]
        return s

    # ---- documents ----------------------------------------------------
    def resolve_mentions(self, text: str, mentions: list[Mention],
                         context: Optional[list[Place]] = None,
                         country: Optional[str] = None) -> list[Optional[Place]]:
        """``country``: the country the story is known to be about (ISO2), or None. Its places
        are preferred, and a small place that resolves abroad gives way to the area the text
        puts it in ("X village in the Y countryside") when that area is in the country."""
        cache: dict[str, list[Candidate]] = {}
        mentions = _containers(text, mentions)
        cand_lists = [self.candidates(m.text, cache) for m in mentions]
        # pass 1: context from countries named and from unambiguous places
        doc_countries: Counter = Counter()
        anchors: list[tuple[float, float]] = []
        for p in context or []:
            if p.country:
                doc_countries[p.country] += 1
            if p.lat is not None and p.geo_precision == 1:
                anchors.append((p.lat, p.lon))
        admins: set[tuple[str, str]] = {(p.country, p.admin1) for p in context or []
                                        if p.country and p.admin1 and (p.feature or "").startswith("A.ADM1")}
        sure: Counter = Counter()  # countries of the places (not country names) only one country has
        # a name's best candidate depends on its candidates (one list per name) and the mention's cue
        # alone: each is ranked once per pass (a long text names the same towns many times)
        ranked: dict = {}
        for m, cands in zip(mentions, cand_lists):
            key = (id(cands), m.cue)
            best = ranked[key] if key in ranked else ranked.setdefault(key, self._best(cands, m, Counter(), []))
            if best is None:
                continue
            if (best[1].feature or "").startswith("A.ADM1") and best[1].admin1:
                admins.add((best[1].country, best[1].admin1))
            if best[1].is_country():
                doc_countries[best[1].country] += 2
            elif len({c.country for c in cands}) == 1 and best[1].country:
                doc_countries[best[1].country] += 1
                if (best[1].population or 0) >= 20_000 or (best[1].feature or "").startswith("A.ADM"):
                    sure[best[1].country] += 1  # a hamlet of one country is no proof
                if best[1].feature_class == "P":
                    anchors.append((best[1].lat, best[1].lon))
        if country and sure and sure[country] < max(sure.values()):
            country = None  # the places the text names unambiguously outweigh a guess from its actors
        if country:
            doc_countries[country] += max(3, sum(doc_countries.values()))
        # pass 2: rank in context (anchors once each: a long text names the same towns many times)
        anchors = list(dict.fromkeys((round(a, 2), round(b, 2)) for a, b in anchors))[:200]
        out: list[Optional[Place]] = []
        doc_admins = frozenset(admins)
        ranked = {}
        for idx, (m, cands) in enumerate(zip(mentions, cand_lists)):
            key = (id(cands), m.cue)
            best = ranked[key] if key in ranked else \
                ranked.setdefault(key, self._best(cands, m, doc_countries, anchors, doc_admins))
            if best is None:
                out.append(None)
                continue
            score, cand = best
            out.append(self._place(text, m, cand, score))
        # fallbacks: a place the gazetteer lacks, placed at the area the text puts it in, the town
        # a facility lies in, or the story's dominant place; with a known country, a village that
        # only matched abroad is treated as lacking too ("Jan Tamr" read as "Jan" in Cameroon)
        redo = [i for i, (m, p) in enumerate(zip(mentions, out))
                if p is not None and country and (abroad(p, country) or _truncated(text, m))]

        def inner(name: str) -> Optional[Place]:
            """A part of a longer name, by its exact name, when the story's places are near it or it
            is a country, a province or a large city ("South", "West", "Royal" are words)."""
            cands = [c for c in self.candidates(name, cache) if c.match == "key" and c.kind != "demonym"]
            best = self._best(cands, Mention(0, len(name), name), doc_countries, anchors, doc_admins)
            if best is None:
                return None
            c = best[1]
            near = any(haversine_km(c.lat, c.lon, a, b) < 400 for a, b in anchors)
            if not (near or (c.population or 0) >= 100_000 or (is_country_feature(c.feature) or (c.feature or "").startswith("A.ADM1"))):
                return None
            return self._place(text, Mention(0, len(name), name), c, best[0])

        Fallbacks(inner, self.fallbacks).fill(text, mentions, out, country, redo)
        return out

    def _best(self, cands: list[Candidate], m: Optional[Mention], doc_countries: Counter,
              anchors: list[tuple[float, float]],
              doc_admins: frozenset = frozenset()) -> Optional[tuple[float, Candidate]]:
        if not cands:
            return None
        cities = frozenset(c.country for c in cands if c.feature_class == "P" and (c.population or 0) >= 50_000)
        own = frozenset(c.country for c in cands if c.feature_class == "P" and (c.population or 0) >= 50_000
                        and c.kind == "name")
        towns = frozenset(c.country for c in cands if c.feature_class == "P" and (c.population or 0) >= 1_000)
        scored = [(self.score(c, m, doc_countries, anchors, cities, doc_admins, towns, own), c) for c in cands]
        scored.sort(key=lambda x: (-x[0], -(x[1].population or 0), x[1].id))
        return scored[0]

    def _place(self, text: str, m: Mention, cand: Candidate, score: float) -> Place:
        precision = default_precision(cand.feature)
        cue = m.cue or ""
        if precision == 1 and cue in ("countryside", "countryside of", "outskirts", "outskirts of"):
            precision = 2
        conf = 1.0 / (1.0 + math.exp(-(score - 2.5)))
        return cand.to_place(mention=m.text, precision=precision, score=round(conf, 3))
