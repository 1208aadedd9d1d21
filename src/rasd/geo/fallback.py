"""Where to put a toponym the gazetteer has no acceptable candidate for.

A street, a hospital, a stadium, a neighbourhood or a hamlet missing from the gazetteer is
almost always close to a place the story does name, so such a toponym is placed there with a
lower ``geo_precision``, a lower score and a ``fallback`` marker, and an INFO log line names
the toponym and where it went (never silently). The rules, tried in order:

``anchor``    the place the text puts it in or near: "X, Y", "X in Y", "X near Y", "X (Y)",
              "X of Y", "the X district of Y", "X village (Kurdish name) in Y", "Y's X".
``inner``     (off by default) the place a longer name begins with, or names after "of" ("Cavan County
              Council", "Dubai Turf", "University of Y"): looked up by its exact name only.
``facility``  for a street- or building-like name ("... Street / Road / Hospital / Stadium /
              Airport / Prison / Camp / Mosque / Market / Park ...", "X neighbourhood", a road
              number such as A120): the nearest town the same paragraph resolved, before it
              first, then after it, then the same in the whole document.
``document``  the story's dominant place, only when it has one: the resolved place that most
              of the story's other resolved toponyms (not countries or continents) lie within
              100 km of. geo_precision 2 for a town, 3 for a province.

Seas, mountain ranges, republics and names said to be a province, region, state or country
never take a town's or the story's point from ``facility`` or ``document``.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Callable, Optional, Sequence

from ..nlp.anchors import anchor_gap
from ..records import Place, is_country_or_continent
from .gazetteer import haversine_km

log = logging.getLogger(__name__)

STEPS = ("anchor", "inner", "facility", "document")
# the rules used unless told otherwise: "inner" helped GeoWebNews (+0.002) but not GeoVirus
DEFAULT_STEPS = ("anchor", "facility", "document")
_SCORE = {"anchor": 0.6, "inner": 0.6, "facility": 0.5, "document": 0.4}

# the words between a place and the area it is said to lie in: "X village in the eastern
# countryside of Y", "X, Y district", "X (Y)" (nlp/data/anchors.yaml, the coder's too)
ANCHOR_GAP = anchor_gap()
_POSSESSIVE = re.compile(r"[’']s\s+(?:the\s+)?$")

_FACILITY_WORD = (r"Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Lane|Drive|Highway|Motorway|Expressway|"
                  r"Freeway|Square|Plaza|Circle|Roundabout|Bridge|Tunnel|Hospital|Clinic|Infirmary|University|"
                  r"College|School|Academy|Institute|Campus|Stadium|Arena|Park|Gardens?|Airport|Airfield|Airbase|"
                  r"Station|Terminal|Port|Harbou?r|Marina|Pier|Prison|Jail|Penitentiary|Camp|Barracks|Base|"
                  r"Checkpoint|Crossing|Mosque|Church|Cathedral|Basilica|Chapel|Temple|Synagogue|Shrine|Market|"
                  r"Bazaar|Mall|Hotel|Museum|Palace|Tower|Building|Centre|Center|Hall|Court|Courthouse|Office|"
                  r"Library|Theatre|Theater|Cinema|Cemetery|Zoo|Beach|Dam|Refinery|Factory|Plant|Mine|Oilfield|"
                  r"Quarter|District|Neighbou?rhood|Estate|Heights|Council|Department|Complex|Compound")
_FACILITY_END = re.compile(r"(?:^|\s)(?:" + _FACILITY_WORD + r")$")
_FACILITY_AFTER = re.compile(r"\s+(?:street|road|avenue|boulevard|square|bridge|neighbou?rhood|district|quarter|"
                             r"suburb|area|camp|village|hospital|school|university|market|mosque|church|prison|"
                             r"stadium|compound|checkpoint|roundabout|intersection|junction)\b", re.I)
_ROAD_NUMBER = re.compile(r"[A-Z]{1,2}-?\d{1,4}")
_WIDE = re.compile(r"\b(?:Ocean|Sea|Gulf|Channel|Strait|Straits|Peninsula|Mountains|Range|Desert|Continent|"
                   r"Republic|Kingdom|Empire|States|Union|Islands|Federation|Emirates)\b")
_WIDE_CUES = {"province", "governorate", "region", "state", "county", "province of", "governorate of",
              "region of", "country"}


def _wide(place: Optional[Place]) -> bool:
    return place is not None and (is_country_or_continent(place.feature) or (place.feature or "").startswith("L.RGN"))


def facility_like(text: str, start: int, end: int, name: str) -> bool:
    """A street, building or quarter: the kind of place a gazetteer of towns lacks."""
    return bool(_FACILITY_END.search(name) or _FACILITY_AFTER.match(text, end) or _ROAD_NUMBER.fullmatch(name))


def _copy(p: Place, mention: str, precision: int, how: str) -> Place:
    return replace(p, geo_precision=precision, mention=mention, score=round((p.score or 0.5) * _SCORE[how], 3),
                   fallback=how)


def _announce(p: Optional[Place], name: str, how: str) -> Optional[Place]:
    if p is not None:
        log.info("%r not in the gazetteer: placed at %s (%s fallback, geo_precision %d)",
                 name, p.name, how, p.geo_precision)
    return p


class Fallbacks:
    """``fill(text, mentions, placed)`` places the unplaced mentions it can, in place.

    ``inner(name)`` resolves a name in the story's context (or None); ``steps`` are the rules
    to use, a subset of ``STEPS``; ``country`` (ISO2) restricts the targets to that country."""

    def __init__(self, inner: Callable[[str], Optional[Place]], steps: Sequence[str] = DEFAULT_STEPS,
                 dominant_share: float = 0.5, dominant_km: float = 100.0):
        self.inner_lookup = inner
        self.steps = tuple(steps)
        self.dominant_share = dominant_share
        self.dominant_km = dominant_km

    # (a) ---------------------------------------------------------------
    def anchor(self, text: str, mentions: list, placed: list[Optional[Place]], idx: int,
               country: Optional[str] = None) -> Optional[Place]:
        """"X, Y province" / "X village in the eastern Y countryside" / "X near Y" / "Y's X"."""
        m = mentions[idx]
        for k in range(idx + 1, len(mentions)):
            other, p = mentions[k], placed[k]
            if other.start - m.end > 60 or not ANCHOR_GAP.fullmatch(text[m.end:other.start]):
                break
            if p is None or (country and abroad(p, country)):
                continue
            return _copy(p, m.text, 3 if p.geo_precision == 3 else 2, "anchor")
        if idx > 0:
            prev, p = mentions[idx - 1], placed[idx - 1]
            if p is not None and prev.end <= m.start and _POSSESSIVE.fullmatch(text[prev.end:m.start]) \
                    and not (country and abroad(p, country)):
                return _copy(p, m.text, 3 if p.geo_precision == 3 else 2, "anchor")
        return None

    # (b) ---------------------------------------------------------------
    def inner(self, m, country: Optional[str] = None) -> Optional[Place]:
        """"Cavan County Council" at Cavan, "University of Y" at Y: the longest leading part of
        the name that is a place by its exact name, else the part after "of"."""
        words = m.text.split()
        parts = [" ".join(words[:n]) for n in range(len(words) - 1, 0, -1)]
        if " of " in m.text:
            parts.append(m.text.rsplit(" of ", 1)[1])
        for part in parts:
            if len(part) < 3 or not part[:1].isupper():
                continue
            p = self.inner_lookup(part)
            if p is None or (country and abroad(p, country)) or (p.feature or "").startswith("L.CONT"):
                continue
            return _copy(p, m.text, max(2, p.geo_precision), "inner")
        return None

    def facility(self, text: str, mentions: list, placed: list[Optional[Place]], idx: int,
                 sources: list[bool], country: Optional[str] = None) -> Optional[Place]:
        m = mentions[idx]
        if not facility_like(text, m.start, m.end, m.text):
            return None
        para_start = text.rfind("\n", 0, m.start) + 1
        para_end = text.find("\n", m.end)
        para_end = len(text) if para_end < 0 else para_end

        def town(k: int) -> bool:
            p = placed[k]
            return sources[k] and p is not None and (p.feature or "").startswith("P.") \
                and not (country and p.country != country)

        before = [k for k in range(idx - 1, -1, -1) if town(k)]
        after = [k for k in range(idx + 1, len(mentions)) if town(k)]
        in_para = [k for k in before if mentions[k].start >= para_start] + \
                  [k for k in after if mentions[k].end <= para_end]
        for k in in_para + before + after:
            return _copy(placed[k], m.text, 2, "facility")
        return None

    # (c) ---------------------------------------------------------------
    def dominant(self, placed: list[Optional[Place]], sources: list[bool]) -> Optional[Place]:
        """The place most of the story's resolved toponyms lie within ``dominant_km`` of, when
        they are at least ``dominant_share`` of them (and two or more), else None."""
        pts = [p for p, s in zip(placed, sources) if s and p is not None and p.lat is not None and not _wide(p)]
        if len(pts) < 2:
            return None
        # each distinct place once, with how often the story names it: the pairwise distances are
        # then counted over distinct places (a long story repeats a few places many times)
        firsts: dict[tuple, tuple[Place, int]] = {}
        for p in pts:
            k = (p.lat, p.lon, p.name, p.feature)
            firsts[k] = (firsts[k][0], firsts[k][1] + 1) if k in firsts else (p, 1)
        names: dict[Optional[str], int] = {}
        for p, n in firsts.values():
            names[p.name] = names.get(p.name, 0) + n
        best, best_key = None, None
        for p, _ in firsts.values():
            if not (p.feature or "").startswith(("P.", "A.ADM1", "A.ADM2")):
                continue
            support = sum(n for q, n in firsts.values() if haversine_km(p.lat, p.lon, q.lat, q.lon) <= self.dominant_km)
            key = (support, names[p.name], (p.feature or "").startswith("P."))
            if best_key is None or key > best_key:
                best, best_key = p, key
        if best is None or best_key[0] < 2 or best_key[0] < self.dominant_share * len(pts):
            return None
        return best

    # all ---------------------------------------------------------------
    def fill(self, text: str, mentions: list, placed: list[Optional[Place]],
             country: Optional[str] = None, redo: Sequence[int] = ()) -> None:
        """Place the None entries of ``placed`` (and those at ``redo``: a match the story's
        country rules out) where the rules allow; log each one that stays unplaced."""
        todo = [i for i, p in enumerate(placed) if p is None] + list(redo)
        sources = [p is not None and i not in redo for i, p in enumerate(placed)]
        for i in redo:
            placed[i] = None
        if "anchor" in self.steps:  # from the end: "X, Y, Z" chains resolve towards their head
            for i in sorted(todo, reverse=True):
                placed[i] = _announce(self.anchor(text, mentions, placed, i, country if i in redo else None),
                                      mentions[i].text, "anchor")
        dom: Optional[Place] = None
        if "document" in self.steps:
            dom = self.dominant(placed, sources)
        for i in sorted(todo):
            if placed[i] is not None:
                continue
            m = mentions[i]
            wide = bool(_WIDE.search(m.text)) or (m.cue or "") in _WIDE_CUES
            p = None
            if "inner" in self.steps and " " in m.text.strip():
                p = _announce(self.inner(m, country), m.text, "inner")
            if p is None and "facility" in self.steps and not wide:
                p = _announce(self.facility(text, mentions, placed, i, sources, country), m.text, "facility")
            if p is None and dom is not None and not wide and not (country and dom.country != country):
                prec = 3 if (dom.feature or "").startswith("A.ADM1") else 2
                p = _announce(_copy(dom, m.text, prec, "document"), m.text, "document")
            if p is None:
                log.info("toponym %r not found in the gazetteer: left unplaced", m.text)
            placed[i] = p


def abroad(p: Place, country: str) -> bool:
    """A place outside the story's country that is not itself a country or a continent."""
    f = p.feature or ""
    return bool(p.country) and p.country != country and not is_country_or_continent(f)
