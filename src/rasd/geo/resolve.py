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
from importlib import resources
from typing import Optional, Sequence

import yaml

from ..records import Place, is_country_feature, is_country_or_continent
from .fallback import ANCHOR_GAP, DEFAULT_STEPS, Fallbacks, abroad
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
    # a name written as lying in the next one ("Pervomayske, Donetsk", "X in Y", "X (Y)"): its
    # candidates inside that place (same area, or within CONTAINER_KM of a town) gain
    "in_container": 1.5,
}
# how much a country named by its demonym counts towards the story's countries, against 2 for the
# country's own name: "the Canadian way", and (ACTOR_DEMONYM_VOTE) before a noun of people or forces
# (data/resolution.yaml: "Russian forces", "an Iranian man": whose they are, not where the story is)
DEMONYM_VOTE = 0.5
ACTOR_DEMONYM_VOTE = 0.1
# the story's countries weigh fully once this much evidence is in (a place only one country has: 1;
# a lone demonym weighs a tenth)
DOC_COUNTRY_EVIDENCE = 1.0
# a town lies in the place named after it within this many km
CONTAINER_KM = 100.0
# a match by the place's own name of a town this populous (or of a capital or a first-level area) is
# sure: with a known country it is not redone as a namesake abroad ("London", "Mandera" in a story
# whose actors are Somali), nor as a longer name cut short when it lies in that country ("Mombasa
# Republican Council", "Moyale Monday"); a district is not ("Amuru" in an Ethiopian story)
SURE_POPULATION = 20_000
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
_PARTICLES = (r"(?:Abu|Umm|Tal|Tall|Tell|Kafr|Deir|Dayr|Beit|Bayt|Khirbet|Khirbat|Jabal|Jebel|Wadi|"
              r"Bir|Ras|Qasr|Ain|Ein|Ayn|Tel|Sheikh|Shaykh|Arab)")
_PREV_PARTICLE = re.compile(r"\b" + _PARTICLES + r"[ -]$")
_PARTICLE_ONLY = re.compile(_PARTICLES)
# "Bab al Khair" found as "Bab": a name going on with an article is surely longer
_NEXT_ARTICLE = re.compile(r"[ -](?:al|Al|el|El|ad|Ad|as|As|ash|Ash|ar|Ar|at|At|an|An|az|Az)[- ][A-Z]")


def _cut(text: str, m: Mention) -> str:
    """How a name looks cut short: "sure" ("Abu Saida" as "Saida", "Tal Samn" as "Tal", "Bab al Khair"
    as "Bab"), "maybe" (a capitalised word follows: "Tal Jammeh", but also "Mombasa Law Courts",
    "Moyale Monday") or ""."""
    if _PREV_PARTICLE.search(text[max(0, m.start - 10):m.start]) or _NEXT_ARTICLE.match(text, m.end):
        return "sure"
    if _NEXT_NAME.match(text, m.end):
        return "sure" if _PARTICLE_ONLY.fullmatch(m.text.strip()) else "maybe"
    return ""


class _WordsAfter:
    """Words (one or two) that may follow a name, from a data list."""

    WORD = re.compile(r"[A-Za-z]+")

    def __init__(self, phrases: list[str]):
        self.phrases = frozenset(tuple(p.lower().split()) for p in phrases)
        self.longest = max((len(p) for p in self.phrases), default=0)

    def before(self, text: str, end: int) -> bool:
        """Whether one of the phrases starts right after ``end`` (past spaces and a hyphen)."""
        words = [w.lower() for w in self.WORD.findall(text[end:end + 40])[:self.longest]]
        if not re.match(r"[\s-]", text[end:end + 1]):
            return False
        return any(tuple(words[:n]) in self.phrases for n in range(1, len(words) + 1))


def _load_resolution_lists() -> dict:
    with resources.files("rasd.geo").joinpath("data", "resolution.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    unknown = set(data) - {"actor_nouns_after"}
    if unknown:
        raise ValueError(f"geo/data/resolution.yaml: unknown keys {sorted(unknown)}")
    if not isinstance(data.get("actor_nouns_after"), list) or not all(isinstance(w, str) for w in data["actor_nouns_after"]):
        raise ValueError("geo/data/resolution.yaml: actor_nouns_after must be a list of words")
    return data


_ACTOR_NOUNS = _WordsAfter(_load_resolution_lists()["actor_nouns_after"])


def _sure(c: Optional[Candidate]) -> bool:
    """A match by the place's own name of a sizeable town, a capital or a first-level area."""
    f = (c.feature or "") if c is not None else ""
    return c is not None and c.kind == "name" and c.match == "key" and (
        ((c.population or 0) >= SURE_POPULATION and f.startswith("P.")) or f.startswith("A.ADM1") or f == "P.PPLC")


def _redo(text: str, m: Mention, p: Place, c: Optional[Candidate], country: str) -> str:
    """Whether a resolution is treated as lacking in a story known to be about ``country``: "" (no),
    "redo" (a namesake abroad, a longer name cut short: "Tal Jammeh" as "Tal", "Abu Saida" as "Saida")
    or "unless-lost" (a sure match abroad: "London", "Mandera" in a story whose actors are Somali; redone,
    but it keeps its own place unless the text puts it in or near a place of ``country``). A sure match
    at home keeps its place before a capitalised word ("Mombasa Law Courts")."""
    if is_country_or_continent(p.feature):
        return ""  # "British Kurds", "Turkish Kurd": a country is never a village's name cut short
    cut = _cut(text, m)
    if cut == "sure":
        return "redo"
    if abroad(p, country):
        return "unless-lost" if _sure(c) and not cut else "redo"
    return "redo" if cut and not _sure(c) else ""


def _clear_winner(votes: Counter) -> bool:
    """Whether one country leads the others' votes by half again (or stands alone)."""
    top = sorted(votes.values(), reverse=True)
    return len(top) == 1 or top[0] >= 1.5 * top[1]


def _inside(c: Candidate, area: Place) -> bool:
    """Whether a candidate lies in a place the text puts it in (its area, or near its town)."""
    if c.country != area.country or c.lat is None or area.lat is None or is_country_or_continent(area.feature):
        return False
    f = area.feature or ""
    if f.startswith("A.ADM1") and c.admin1 and area.admin1:
        return c.admin1 == area.admin1
    if f.startswith("A.ADM2") and c.admin2 and area.admin2 and c.admin2 == area.admin2:
        return True
    return haversine_km(c.lat, c.lon, area.lat, area.lon) <= CONTAINER_KM


def _area_reading(area: Place, area_cands: list[Candidate], cands: list[Candidate]) -> Place:
    """The reading of a container name that the name before it is ranked in: "Ivanivske, Donetsk",
    "X, Kherson" name the province (first-level area) a city gives its name to, so when the chosen
    container is a town and a first-level area of its country bears the same name, the area is the
    container as soon as one of the namesakes lies in it (else the town, as read)."""
    if (area.feature or "").startswith("A.ADM1") or is_country_or_continent(area.feature):
        return area
    for c in area_cands:
        if (c.feature or "").startswith("A.ADM1") and c.country == area.country and c.admin1 \
                and c.admin1 == area.admin1:
            region = c.to_place()
            if any(_inside(x, region) for x in cands):
                return region
    return area


def _in_area_gap(text: str, m: Mention, nxt: Mention) -> bool:
    """'X, Y' / 'X in Y' / 'X (Y)' / 'X near Y': the next name is where the first lies."""
    return m.end <= nxt.start and nxt.start - m.end <= 60 and bool(ANCHOR_GAP.fullmatch(text[m.end:nxt.start]))


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
              own_name_cities: frozenset = frozenset(), bigger_town: int = 0) -> float:
        """``city_countries``: countries where a sizeable town bears the same name
        (``own_name_cities``: as its own name, not an other name: Hama, not New York City);
        ``town_countries``: countries where any town of 1,000 people or more bears it;
        ``doc_admins``: (country, admin1) of the first-level areas the story names; ``bigger_town``:
        the population of the largest sizeable town bearing the name by its own name (0 if none)."""
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
            if (c.country in city_countries or (c.population or 0) < bigger_town) \
                    and (mention is None or (mention.cue or "") not in _AREA_CUES | {"in area"}):
                # "New York", "Aleppo": the city, unless "province" says not; and a small area named like
                # a larger city abroad ("Manchester" is the English city, not the Jamaican parish)
                s += w["admin1_city_same_name"]
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
            s += w["doc_country"] * share * min(1.0, total / DOC_COUNTRY_EVIDENCE)
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
                doc_countries[best[1].country] += 2 if best[1].kind != "demonym" else \
                    ACTOR_DEMONYM_VOTE if _ACTOR_NOUNS.before(text, m.end) else DEMONYM_VOTE
            elif len({c.country for c in cands}) == 1 and best[1].country and _cut(text, m) != "sure":
                # (a name cut short, "Khirbet Jammu" read as Jammu, is a longer name the gazetteer lacks)
                doc_countries[best[1].country] += 1
                if ((best[1].population or 0) >= 20_000 or (best[1].feature or "").startswith("A.ADM")) \
                        and not _cut(text, m):
                    # a hamlet of one country is no proof, nor a name before a capitalised word
                    # ("Chatra Dal", a party: maybe a longer name)
                    sure[best[1].country] += 1
                if best[1].feature_class == "P":
                    anchors.append((best[1].lat, best[1].lon))
        if country and sure and sure[country] < max(sure.values()) and _clear_winner(sure):
            # the places the text names unambiguously outweigh a guess from its actors (namesakes
            # scattered over several countries, "Khirbet Jammu" read as Jammu, outweigh nothing)
            country = None
        if country:
            doc_countries[country] += max(3, sum(doc_countries.values()))
        # pass 2: rank in context (anchors once each: a long text names the same towns many times)
        anchors = list(dict.fromkeys((round(a, 2), round(b, 2)) for a, b in anchors))[:200]
        out: list[Optional[Place]] = []
        chosen: list[Optional[Candidate]] = []
        doc_admins = frozenset(admins)
        ranked = {}
        for idx, (m, cands) in enumerate(zip(mentions, cand_lists)):
            key = (id(cands), m.cue)
            best = ranked[key] if key in ranked else \
                ranked.setdefault(key, self._best(cands, m, doc_countries, anchors, doc_admins))
            if best is None:
                out.append(None)
                chosen.append(None)
                continue
            score, cand = best
            out.append(self._place(text, m, cand, score))
            chosen.append(cand)
        # "Pervomayske, Donetsk": of a name's namesakes, the one inside the place the text puts it in
        for idx in range(len(mentions) - 2, -1, -1):
            area = out[idx + 1]
            if out[idx] is None or area is None or not _in_area_gap(text, mentions[idx], mentions[idx + 1]):
                continue
            area = _area_reading(area, cand_lists[idx + 1], cand_lists[idx])
            best = self._best(cand_lists[idx], mentions[idx], doc_countries, anchors, doc_admins, area)
            if best is not None and best[1] is not chosen[idx]:
                chosen[idx] = best[1]
                out[idx] = self._place(text, mentions[idx], best[1], best[0])
        # fallbacks: a place the gazetteer lacks, placed at the area the text puts it in, the town
        # a facility lies in, or the story's dominant place; with a known country, a village that
        # only matched abroad is treated as lacking too ("Jan Tamr" read as "Jan" in Cameroon), and so
        # is a name cut short ("Tal Jammeh" read as "Tal"), unless a sure match at home
        how = {i: _redo(text, m, p, chosen[i], country) for i, (m, p) in enumerate(zip(mentions, out))
               if p is not None and country}
        redo = [i for i, h in how.items() if h]
        kept = {i: out[i] for i, h in how.items() if h == "unless-lost"}

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
        for i, p in kept.items():  # not put at a place in the country (only at the story's dominant place, at
            # a country named beside it, "Manbij, northern Syria", or nowhere): its own place stands
            if out[i] is None or out[i].fallback == "document" or out[i].country != country or is_country_or_continent(out[i].feature):
                out[i] = p
        return out

    def _best(self, cands: list[Candidate], m: Optional[Mention], doc_countries: Counter,
              anchors: list[tuple[float, float]],
              doc_admins: frozenset = frozenset(), area: Optional[Place] = None) -> Optional[tuple[float, Candidate]]:
        """The best candidate and its score; ``area``: the place the text puts the name in."""
        if not cands:
            return None
        cities = frozenset(c.country for c in cands if c.feature_class == "P" and (c.population or 0) >= 50_000)
        own = frozenset(c.country for c in cands if c.feature_class == "P" and (c.population or 0) >= 50_000
                        and c.kind == "name")
        towns = frozenset(c.country for c in cands if c.feature_class == "P" and (c.population or 0) >= 1_000)
        bigger = max((c.population or 0 for c in cands if c.feature_class == "P" and c.kind == "name"
                      and (c.population or 0) >= 50_000), default=0)
        scored = [(self.score(c, m, doc_countries, anchors, cities, doc_admins, towns, own, bigger)
                   + (WEIGHTS["in_container"] if area is not None and _inside(c, area) else 0.0), c) for c in cands]
        scored.sort(key=lambda x: (-x[0], -(x[1].population or 0), x[1].id))
        return scored[0]

    def _place(self, text: str, m: Mention, cand: Candidate, score: float) -> Place:
        precision = default_precision(cand.feature)
        cue = m.cue or ""
        if precision == 1 and cue in ("countryside", "countryside of", "outskirts", "outskirts of"):
            precision = 2
        conf = 1.0 / (1.0 + math.exp(-(score - 2.5)))
        return cand.to_place(mention=m.text, precision=precision, score=round(conf, 3))
