"""The fusion rules (data file ``fuse/data/fusion.yaml``) and the pair score built on them.

A *mention* here is anything with the fields fusion compares: an ``Event`` (a new
mention) or a ``Report`` (a mention already inside a fused event). Both carry
event_type, sub_event_type, date, time_precision, actor1/2, location and sentence.
"""
from __future__ import annotations

import calendar
import functools
import re
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any, Optional, Protocol

from ..geodesy import haversine_km
from ..records import Actor, Place, is_country_feature

_WORD = re.compile(r"[a-z0-9\u0600-\u06ff]+")
_STOP = frozenset("""a an the of in on at to from by for with and or but as is are was were be been has have had
that this these those it its their they them he she his her said says say told reported according after
before during over into near about than then there which who whom what when where while will would could
also not no yes more most some any all other another one two three city town area region province""".split())


class Mention(Protocol):
    doc_id: str
    event_type: Optional[str]
    sub_event_type: Optional[str]
    date: Optional[date]
    time_precision: Optional[str]
    actor1: Optional[Actor]
    actor2: Optional[Actor]
    location: Optional[Place]
    sentence: Optional[str]


@dataclass
class Rules:
    families: dict[str, list[str]]
    territorial: set[str]
    withdrawal_words: list[str]
    generic_actors: set[str]
    threshold: float = 0.62
    same_doc_threshold: float = 0.75
    weights: dict[str, float] = field(default_factory=dict)
    max_km: dict[int, float] = field(default_factory=dict)
    slack_days: dict[str, int] = field(default_factory=dict)
    max_gap_days: int = 7
    window_days: int = 45
    fatalities_abs: int = 2
    fatalities_rel: float = 0.25
    date_days: int = 2
    unplaced_text: float = 0.7
    conflict_text: float = 0.5
    support_text: float = 0.4
    same_doc_text: float = 0.5
    region_same_name: float = 0.5
    spot_text: float = 0.2
    spot_precisions: frozenset = frozenset({"day"})
    carried_place: float = 0.6
    member_if: dict[str, tuple[Optional[str], Optional[re.Pattern]]] = field(default_factory=dict)
    deal_reference: re.Pattern = field(default=re.compile(r"\bthe agreement\b", re.I), repr=False)
    _family_of: dict[str, set[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Optional[str] = None) -> "Rules":
        data = load_data("fusion.yaml", path)
        m, d = data.get("match", {}), data.get("disputes", {})
        rules = cls(
            families={k: list(v) for k, v in data["families"].items()},
            territorial=set(data.get("territorial", [])),
            withdrawal_words=[w.lower() for w in data.get("withdrawal_words", [])],
            generic_actors={_norm(a) for a in data.get("generic_actors", [])},
            threshold=float(m.get("threshold", 0.62)), same_doc_threshold=float(m.get("same_doc_threshold", 0.75)),
            weights={k: float(v) for k, v in m.get("weights", {}).items()},
            max_km={int(k): float(v) for k, v in m.get("max_km", {}).items()},
            slack_days={str(k): int(v) for k, v in m.get("slack_days", {}).items()},
            max_gap_days=int(m.get("max_gap_days", 7)), window_days=int(m.get("window_days", 45)),
            fatalities_abs=int(d.get("fatalities_abs", 2)), fatalities_rel=float(d.get("fatalities_rel", 0.25)),
            date_days=int(d.get("date_days", 2)), unplaced_text=float(m.get("unplaced_text", 0.7)),
            conflict_text=float(m.get("conflict_text", 0.5)),
            support_text=float(m.get("support_text", 0.4)),
            region_same_name=float(m.get("region_same_name", 0.5)),
            spot_text=float((m.get("on_the_spot") or {}).get("text", 0.2)),
            spot_precisions=frozenset((m.get("on_the_spot") or {}).get("precisions", ["day"])),
            carried_place=float(m.get("carried_place", 0.6)),
            member_if={str(k): (v.get("attr"), re.compile(v["words"], re.I) if v.get("words") else None)
                       for k, v in (data.get("member_if") or {}).items()},
            deal_reference=re.compile(data.get("deal_reference", r"\bthe agreement\b"), re.I), same_doc_text=float(m.get("same_doc_text", 0.5)),
        )
        for fam, subs in rules.families.items():
            for s in subs:
                rules._family_of.setdefault(s, set()).add(fam)
        return rules

    # -- pieces of the score ------------------------------------------------
    def families_of(self, sub_event_type: Optional[str]) -> set[str]:
        return set(self._family_of.get(sub_event_type or "", set()))

    def family_key(self, sub_event_type: Optional[str]) -> str:
        """The stored lookup key: the sub-event type's families, or the type itself."""
        fams = sorted(self.families_of(sub_event_type))
        return "|".join(fams) if fams else (sub_event_type or "")

    def mention_families(self, m: Mention) -> set[str]:
        """The families of a mention's sub-event type; none for a type that belongs only with an
        attribute or words the mention lacks ("Other" that speaks of no deal)."""
        need = self.member_if.get(m.sub_event_type or "")
        if need is not None:
            attr, words = need
            has_attr = bool(attr and (getattr(m, "attrs", None) or {}).get(attr))
            if not has_attr and not (words is not None and words.search(m.sentence or "")):
                return set()
        return self.families_of(m.sub_event_type)

    def type_score(self, a: Mention, b: Mention) -> float:
        if a.sub_event_type and a.sub_event_type == b.sub_event_type:
            return 1.0
        if self.mention_families(a) & self.mention_families(b):
            return 0.7
        return 0.0

    def place_score(self, a: Mention, b: Mention, discount: bool = True) -> Optional[float]:
        """1 at the same point, falling to 0 at the farthest allowed distance; None = too far.
        Times ``carried_place`` when either place was carried over (unless ``discount`` is off)."""
        pa, pb = a.location, b.location
        if pa is None or pb is None:
            return 0.0  # unplaced: only type, date, actors and words can carry the match
        if is_country(pa) or is_country(pb):
            return 0.0  # "Syria" says nothing about where: as good as no place
        same_name = norm_name(pa.name) == norm_name(pb.name) and bool(pa.name)
        coarse = max(pa.geo_precision or 1, pb.geo_precision or 1)
        if pa.lat is None or pb.lat is None or pa.lon is None or pb.lon is None or coarse >= 3:
            # a region is no point: only the same name counts, and not for much
            return self.region_same_name if same_name else 0.0
        limit = self.max_km.get(coarse, 12.0)
        km = haversine_km(pa.lat, pa.lon, pb.lat, pb.lon)
        if km > limit:
            return None
        s = 1.0 - km / limit
        s = max(s, 0.9) if same_name else s
        # a place carried over from another sentence is where the story is, not where its
        # sentence says this happened: weaker evidence of one event
        return s * self.carried_place if discount and (carried_place(a) or carried_place(b)) else s

    def interval(self, m: Mention) -> Optional[tuple[date, date]]:
        return date_interval(m.date, m.time_precision)

    def date_gap(self, a: Mention, b: Mention) -> Optional[int]:
        """Days between the two mentions' date intervals (0 when they overlap); None if one is undated."""
        ia, ib = self.interval(a), self.interval(b)
        if ia is None or ib is None:
            return None
        if ia[1] < ib[0]:
            return (ib[0] - ia[1]).days
        if ib[1] < ia[0]:
            return (ia[0] - ib[1]).days
        return 0

    def widest_gap(self) -> int:
        """The most days ``date_score`` lets between two mentions' dates (the longest slack of any
        precision, at most ``max_gap_days``): a fused event none of whose reports is this close to
        a mention cannot take it, whatever else they share."""
        return min(self.max_gap_days, max([4, *self.slack_days.values()]))

    def date_score(self, a: Mention, b: Mention) -> Optional[float]:
        gap = self.date_gap(a, b)
        if gap is None:
            return 0.5
        slack = max(self.slack_days.get(a.time_precision or "none", 4), self.slack_days.get(b.time_precision or "none", 4))
        if gap > self.max_gap_days or gap > slack:
            return None
        return 1.0 if gap == 0 else max(0.0, 1.0 - gap / (slack + 1))

    def gainer(self, m: Mention) -> Optional[Actor]:
        """Who takes the place in a territorial mention: actor1, or actor2 when actor1 withdraws."""
        attrs = getattr(m, "attrs", None) or {}
        if attrs.get("kind") in ("withdrawal", "evacuation") or (
                m.sub_event_type == "Non-violent transfer of territory" and self.is_withdrawal(m.sentence)):
            return m.actor2
        return m.actor1

    def actor_score(self, a: Mention, b: Mention) -> float:
        """1 a shared named actor; 0.6 same kind of actor or a generic name; 0.5 unknown; 0.1 different.
        Two territorial mentions compare who gains the place, not every actor named."""
        if a.sub_event_type in self.territorial and b.sub_event_type in self.territorial:
            ga, gb = self.gainer(a), self.gainer(b)
            na, nb = _names(ga), _names(gb)
            ta, tb = _types(ga), _types(gb)
        else:
            na, nb = _actor_names(a), _actor_names(b)
            ta, tb = _actor_types(a), _actor_types(b)
        if not na or not nb:
            return 0.5
        ga = {n for n in na if n in self.generic_actors}
        gb = {n for n in nb if n in self.generic_actors}
        for x in na - ga:  # a shared *named* actor; two "unidentified armed groups" are not one
            for y in nb - gb:
                if x == y or (len(x) > 3 and len(y) > 3 and (x in y or y in x)):
                    return 1.0
        if (ga or gb) and (ta & tb or (ga and not ta) or (gb and not tb)):
            return 0.6  # a generic label ("rebels") of the same kind as a named actor
        if (ga and ga == na) or (gb and gb == nb):
            return 0.5  # one side only "an unidentified armed group": no evidence either way
        return 0.1  # two different named actors (two rebel groups are still two groups)

    def text_score(self, a: Mention, b: Mention) -> float:
        from rapidfuzz import fuzz

        wa, wb = content_words(a.sentence or ""), content_words(b.sentence or "")
        if not wa or not wb:
            return 0.3
        # fuzzy set match (forgiving of spelling) averaged with the share of word stems in common
        fuzzy = fuzz.token_set_ratio(" ".join(sorted(wa)), " ".join(sorted(wb))) / 100.0
        sa, sb = {w[:5] for w in wa}, {w[:5] for w in wb}
        return (fuzzy + len(sa & sb) / min(len(sa), len(sb))) / 2

    def pair_score(self, a: Mention, b: Mention) -> float:
        """Weighted score of two mentions being one event; 0 when a hard rule keeps them apart."""
        t = self.type_score(a, b)
        if t == 0.0:
            return 0.0
        p = self.place_score(a, b)
        if p is None:
            return 0.0
        d = self.date_score(a, b)
        if d is None:
            return 0.0
        x = self.text_score(a, b)
        if p == 0.0 and x < self.unplaced_text:
            return 0.0  # without a shared place, only near-identical wording can fuse
        act = self.actor_score(a, b)
        if act < 0.5 and x < self.conflict_text:
            return 0.0  # different actors: the words must say it is the same event
        if x < self.support_text and not self._placed_and_named(a, b, act, x, t):
            return 0.0  # type, place and day alone are not enough: shared words, or a named actor on the spot
        w = self.weights
        return (w.get("type", 0.25) * t + w.get("place", 0.25) * p + w.get("date", 0.15) * d
                + w.get("actor", 0.15) * act + w.get("text", 0.2) * x)

    def _placed_and_named(self, a: Mention, b: Mention, actor: float, text: float, type_: float = 1.0) -> bool:
        """Few words in common may still be one event "on the spot": at the same exact place, with
        dates that meet and one of them given to the day (``on_the_spot.precisions``), and
        - the same sub-event type, both places named in the mentions' own sentences and one
          named actor in common; a city's dominant actor (IS at Raqqa) is in most sentences
          about it, so a place carried over from another sentence, a week guessed from the
          publication day on both sides, or a clash next to a takeover says too little;
        - or, for two changes of hands or two deals (each rare at one place within days), the
          same kind of actor; the place may be the story's own (a deal is what it is about)."""
        if text < self.spot_text:
            return False
        place = self.place_score(a, b, discount=False)
        if place is None or place < 0.8:
            return False
        if a.date is None or b.date is None or not (
                a.time_precision in self.spot_precisions or b.time_precision in self.spot_precisions):
            return False
        rare_at_a_place = ((a.sub_event_type in self.territorial and b.sub_event_type in self.territorial)
                           or (self.is_deal_mention(a) and self.is_deal_mention(b)))
        if rare_at_a_place and actor >= 0.6:
            return True
        return actor >= 1.0 and type_ >= 1.0 and not carried_place(a) and not carried_place(b)

    def same_doc_ok(self, a: Mention, b: Mention) -> bool:
        """Two mentions of one document fuse only when they repeat each other."""
        if a.sub_event_type != b.sub_event_type or self.actor_score(a, b) < 0.5:
            return False
        if (self.date_gap(a, b) or 0) > 0 or self.text_score(a, b) < self.same_doc_text:
            return False
        return self.pair_score(a, b) >= self.same_doc_threshold

    def continues_agreement(self, a: Mention, b: Mention, max_chars: int = 800) -> bool:
        """Two Agreement mentions of one document a few sentences apart: one deal told in steps
        ("... reached a final agreement." "The agreement's clauses state ...")."""
        if a.doc_id != b.doc_id or not (self.is_deal_mention(a) and self.is_deal_mention(b)):
            return False
        ea, eb = getattr(a, "evidence", None) or [], getattr(b, "evidence", None) or []
        if not ea or not eb:
            return False
        sa, sb = min(e.start for e in ea), min(e.start for e in eb)
        if abs(sa - sb) > max_chars:
            return False
        later = a if sa > sb else b
        if not self.deal_reference.search(later.sentence or ""):
            return False  # "a deal brokered by ..." starts another deal; "the agreement ..." goes on
        if self.actor_score(a, b) < 0.5 or (self.date_gap(a, b) or 0) > 1:
            return False
        # "negotiations are ongoing in the Damascus countryside" after a headline on talks in
        # Beit Jin: a vague place (a region, a country, "near" a city) does not make another deal
        return self.place_score(a, b) is not None or vague_place(a.location) or vague_place(b.location)

    def is_deal_mention(self, m: Mention) -> bool:
        """An Agreement, or a negotiation-family mention the coder gave an agreement status."""
        if m.sub_event_type == "Agreement":
            return True
        attrs = getattr(m, "attrs", None) or {}
        return bool(attrs.get("agreement_status")) and "negotiation" in self.families_of(m.sub_event_type)

    def is_withdrawal(self, sentence: Optional[str]) -> bool:
        s = (sentence or "").lower()
        return any(w in s for w in self.withdrawal_words)


def load_data(name: str, path: Optional[str] = None) -> dict[str, Any]:
    """A YAML data file of the fusion stage (``fuse/data/NAME``), or the file at ``path``. The
    package's files are parsed once per process (a Fuser reads fusion.yaml six times, and the
    server builds one for each ingest thread); each caller gets its own copy."""
    import copy

    if path:
        return _parse_yaml(open(path, encoding="utf-8").read())
    return copy.deepcopy(_package_data(name))


@functools.lru_cache(maxsize=None)
def _package_data(name: str) -> dict[str, Any]:
    return _parse_yaml(resources.files("rasd.fuse").joinpath("data", name).read_text(encoding="utf-8"))


def _parse_yaml(src: str) -> dict[str, Any]:
    import yaml

    return yaml.load(src, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}


def carried_place(m: Mention) -> bool:
    """The mention's place was not named in its own sentence: the coder carried it over from an
    earlier sentence or the headline (its "location" evidence lies outside every "sentence"
    span of the event), or the geoparser put the story's main place in for an unknown name
    (fallback "document"). Without location or sentence evidence nothing is known: not carried."""
    p = m.location
    if p is None:
        return False
    if p.fallback == "document":
        return True
    ev = getattr(m, "evidence", None) or []
    locs = [e for e in ev if e.field == "location"]
    sents = [e for e in ev if e.field == "sentence"]
    if not locs or not sents:
        return False
    return not any(s.start <= e.start and e.end <= s.end for e in locs for s in sents)


def vague_place(p: Optional[Place]) -> bool:
    """No place, or one that is no exact point: a region, a country, or "near" a place."""
    return p is None or p.lat is None or (p.geo_precision or 1) >= 2 or is_country(p)


def is_country(p: Place) -> bool:
    """A place that is a whole country (GeoNames feature A.PCL*), by feature or by its precision and admin1."""
    if p.feature:
        return is_country_feature(p.feature)
    return (p.geo_precision or 1) >= 3 and not p.admin1


def date_interval(d: Optional[date], precision: Optional[str]) -> Optional[tuple[date, date]]:
    """The days a date of a given precision may stand for."""
    if d is None:
        return None
    if precision == "month":
        last = calendar.monthrange(d.year, d.month)[1]
        return d.replace(day=1), d.replace(day=last)
    if precision == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31)
    if precision == "week":
        return d - timedelta(days=3), d + timedelta(days=3)
    return d, d


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP}


def _norm(name: Optional[str]) -> str:
    s = (name or "").lower()
    s = re.sub(r"\([^)]*\)", " ", s)
    s = re.sub(r"^(al|el|the)[- ]", "", s.strip())
    return " ".join(_WORD.findall(s))


@lru_cache(maxsize=1 << 16)
def norm_name(name: Optional[str]) -> str:
    """Lower case, no bracketed years, no leading article: how names are compared (remembered:
    fusion compares the same few hundred actor, place and outlet names again and again)."""
    return _norm(name)


def place_key(place: Optional[Place]) -> Optional[str]:
    """Key of a place in control timelines: its GeoNames id, else its normalised name and country."""
    if place is None:
        return None
    if place.geonameid:
        return f"gn:{place.geonameid}"
    name = norm_name(place.name)
    if not name:
        return None
    return f"{name}|{(place.country or '').upper()}"


def _names(a: Optional[Actor]) -> set[str]:
    n = norm_name(a.name) if a is not None and a.name and a.known else ""
    return {n} if n else set()


def _types(a: Optional[Actor]) -> set[str]:
    return {a.actor_type.lower()} if a is not None and a.actor_type else set()


def _actor_names(m: Mention) -> set[str]:
    out = set()
    for a in (m.actor1, m.actor2):
        if a is not None and a.name and a.known:  # an unrecognised mention ("them") says nothing
            n = norm_name(a.name)
            if n:
                out.add(n)
    return out


def _actor_types(m: Mention) -> set[str]:
    return {a.actor_type.lower() for a in (m.actor1, m.actor2) if a is not None and a.actor_type}


def as_dict(rules: Rules) -> dict[str, Any]:
    """The thresholds in force (for logs and the report)."""
    return {"threshold": rules.threshold, "same_doc_threshold": rules.same_doc_threshold,
            "weights": rules.weights, "max_km": rules.max_km, "max_gap_days": rules.max_gap_days}

