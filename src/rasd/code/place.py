"""Choosing the place of an event among the toponyms of its sentence.

A sentence names places in several roles: where the event happened ("clashes in X"),
the area that place lies in ("X village in the Y countryside", "X, Y district",
"10 km south of Y", "X (Y)"), where the actors come from ("protesters from Y",
"employees of the Y health department protested"), where people are sent ("left for
Idlib"), and countries inside actor names ("pro-Turkey factions"). Toponyms joined by
anchoring words form a *chain* whose head is the place named most precisely; the
chain is placed at its first member the gazetteer resolved in the story's country
(a container gives a lower precision: 2 for a town, 3 for a province). Chains are
ranked by the cue before their head, the head's role in the parse of the event
clause, the kind of place and the distance to the trigger.

Offsets: toponyms are in document coordinates, everything else in sentence ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional

from ..records import Place, Toponym

_PLACE_CUE = re.compile(r"(?:\b(?:in|near|at|outside|around|inside|on|into|towards|toward|entered|captured|seized|"
                        r"took|control of|village of|town of|city of|countryside of|outskirts of|district of|area of|"
                        r"vicinity of|villages of|towns of|suburbs? of|streets of|(?:north|south|east|west)(?:-?(?:east|west))? of)"
                        r"\s+(?:the\s+)?"
                        r"(?:(?:\w+ern|northern|southern|eastern|western|central|rural)\s+)?(?:(?:city|town|village|area|district|"
                        r"countryside|outskirts|neighbourhood|neighborhood|province|governorate|suburb|villages|towns)\s+of\s+(?:the\s+)?)?)$", re.I)
_WEAK_CUE = re.compile(r"\b(?:of|from)\s+(?:the\s+)?(?:(?:\w+ern|central|rural|greater)\s+)?$", re.I)
# words that may stand between a place and the wider area it is said to lie in
_ANCHOR_WORD = (r"(?:village|villages|town|towns|city|area|areas|region|district|sub-?district|subdistrict|nahiya|"
                r"neighbou?rhoods?|island|camp|hill|hills|front|countryside|outskirts|suburbs?|vicinity|province|"
                r"governorate|desert|plain|mountains?|in|of|near|nearby|outside|around|close|to\s+the\s+(?=(?:north|south|east|west))|"
                r"the|its|which|that|lies|"
                r"lying|located|situated|is|adjacent|about|some|roughly|approximately|countryside|rural|"
                r"(?:north|south|east|west)(?:ern)?|(?:north|south)-?(?:east|west)(?:ern)?|\d+(?:\.\d+)?|km|kms|"
                r"kilometres|kilometers|miles|mi)")
_ANCHOR_GAP = re.compile(r"(?:[\s,()]+|\([^()]{0,40}\)|" + _ANCHOR_WORD + r"\b|[A-Z][\w'’-]+(?=\s*\())*", re.I)
_NOT_A_PLACE = re.compile(r"(?:\b(?:pro|anti|non)-\s*$)", re.I)
_AFFILIATION_AFTER = re.compile(r"^-(?:backed|led|based|supported|affiliated|aligned|allied|sponsored|funded|trained|"
                                r"controlled|held)\b", re.I)
_DESTINATION = re.compile(r"\b(?:leave|leaving|left|go|going|head|heading|move|moving|moved|transferr?\w*|evacuat\w*|"
                          r"deport\w*|relocat\w*|transport\w*|bus(?:es|ed|sed)?|sent|send|fled|flee|exit|depart\w*)\b[^.;]{0,60}?"
                          r"\b(?:to|towards|for)\s+(?:the\s+)?(?:\w+ern\s+)?(?:(?:city|town|province|countryside)\s+of\s+)?$", re.I)
_EVENT_PREPS = {"in", "near", "at", "around", "outside", "inside", "on", "across", "along", "within", "into", "towards",
                "toward", "between"}
_ARG_DEPS = {"nsubj", "nsubjpass", "agent", "csubj"}


# "Quds Brigade", "Turkistan Islamic Party", "Al Bab Military Council", "Liberation Army of Afrin": a place
# name inside the proper name of an armed group (capitalised nouns only: "the Hama front" is a front line)
_ORG_NOUN = (r"(?:Brigades?|Battalions?|Party|Front|Movement|Council|Corps|Division|Regiment|Army|Legion|Force|"
             r"Forces|Gathering|Shield|Falcons|Lions|Guards?|Revolutionaries|Mujahideen|Union)")
_ORG_AFTER = re.compile(r"^\s+(?:(?:Islamic|Military|Revolutionary|Liberation|National|Free|Popular|Martyrs?|Democratic)\s+){0,2}"
                        + _ORG_NOUN + r"\b")
_ORG_BEFORE = re.compile(r"\b" + _ORG_NOUN + r"\s+(?:of|for)\s+(?:the\s+)?$")


def affiliation(text: str, start: int, end: int) -> bool:
    """'pro-Turkey', 'anti-Assad', 'Iran-backed', 'Quds Brigade', 'Army of Afrin': a place name inside a
    description or the proper name of an actor."""
    return bool(_NOT_A_PLACE.search(text[max(0, start - 5):start])) or bool(_AFFILIATION_AFTER.match(text[end:end + 14])) \
        or bool(_ORG_AFTER.match(text[end:end + 50])) or bool(_ORG_BEFORE.search(text[max(0, start - 20):start]))


_ATTRIBUTIVE_AFTER = re.compile(
    r"^[\s-]+(?:military|forces?|troops|army|soldiers?|jets?|warplanes?|drones?|aircraft|navy|air force|government|"
    r"officials?|embassy|ambassador|envoy|president|ministry|authorities|coalition|contractors?|citizens?|nationals?|"
    r"bases?|convoys?|personnel|delegation|side|backed|led)\b", re.I)


def attributive(text: str, top: Toponym) -> bool:
    """A country named as the owner of forces or officials ("US forces", "Iran-backed"): an actor, not a place."""
    return _country_level(top.place) and bool(_ATTRIBUTIVE_AFTER.match(text[top.end:top.end + 20]))


def is_destination(text: str, start: int) -> bool:
    """Whether a place is where people are sent ("agreed to leave with their families to Idlib")."""
    return bool(_DESTINATION.search(text[max(0, start - 90):start]))


def inside(fine: Place, area: Place) -> bool:
    """Whether a town lies in a wider area the text names (same first-level area, or within 150 km)."""
    if fine.country != area.country or fine is area:
        return False
    if fine.admin1 and area.admin1 and (area.feature or "").startswith("A.ADM1"):
        return fine.admin1 == area.admin1
    if None in (fine.lat, area.lat):
        return False
    from ..geodesy import haversine_km

    return haversine_km(fine.lat, fine.lon, area.lat, area.lon) <= 150


def _country_level(p: Optional[Place]) -> bool:
    return p is not None and (p.feature or "").startswith(("A.PCL", "L.CONT"))


def cue_score(top: Toponym, sent_start: int, sent_text: str) -> float:
    a, b = top.start - sent_start, top.end - sent_start
    before = sent_text[max(0, a - 45):a]
    score = 0.0
    if _PLACE_CUE.search(before):
        score += 3.0
    elif _WEAK_CUE.search(before):
        score += 1.0  # "the withdrawal of X", "fighters from X": a place, not surely the event's
    if sent_text[b:b + 13].lower().startswith((" countryside", " province", " governorate", " area", " city", " village",
                                                " town", " district", " camp")):
        score += 1.0
    if sent_text[b:b + 3] in ("'s ", "’s "):
        score -= 1.0  # "Sadr's supporters": a person's name more often than a place's
    return score


def kind_score(p: Place) -> float:
    feat = p.feature or ""
    if feat.startswith("A.PCL"):
        return -3.5  # a whole country is the place of last resort
    if (p.geo_precision or 1) >= 3:
        return -1.5
    if feat.startswith("A.ADM1"):
        return -0.7
    return 0.0


def place_score(top: Toponym, sent_start: int, sent_text: str, trig_off: int, actor_spans: list[tuple[int, int]]) -> float:
    """The plain score of a resolved toponym for an event whose trigger is at ``trig_off``."""
    a, b = top.start - sent_start, top.end - sent_start
    if any(a < y and b > x for x, y in actor_spans):
        return -100.0
    score = cue_score(top, sent_start, sent_text)
    if top.place is not None:
        score += kind_score(top.place)
    score -= abs(a - trig_off) / 400.0
    score += (top.score or 0.0) * 0.3
    return score


def role_score(cand, top: Toponym, sent_start: int) -> float:
    """The toponym's role in the parse of the event clause: the "in X" of the trigger's clause
    gains, a place inside the subject ("protesters from X", "employees of the X department")
    or an origin ("from X") loses."""
    tok = cand.token
    doc = getattr(tok, "doc", None)
    if doc is None:
        return 0.0
    a = top.start - sent_start
    t = next((w for w in doc if w.idx <= a < w.idx + len(w)), None)
    if t is None:
        return 0.0
    clause = tok.head if tok.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj", "attr") and tok.head.pos_ in ("VERB", "AUX") \
        else tok
    path = []
    cur = t
    reached = False
    for _ in range(40):
        if cur.i in (tok.i, clause.i):
            reached = True
            break
        path.append(cur)
        if cur.head.i == cur.i:
            break
        cur = cur.head
    if not reached:
        # a branch of the sentence the trigger is not in: another clause when a verb governs it
        return -1.0 if any(w.pos_ == "VERB" and w.dep_ not in ("amod", "compound") for w in path[1:]) else 0.0
    if not path:
        return 0.0
    top_child = path[-1]  # the child of the trigger (or its clause verb) the place hangs under
    other_clause = any(w.pos_ in ("VERB", "AUX") and w.dep_ not in ("amod", "compound") for w in path[1:])
    preps = [w for w in path if w.dep_ == "prep"]
    if any(w.lower_ == "from" for w in preps[:1]) and cand.entry.cls.name != "transfer" \
            and cand.entry.cls.resolve != "territory":
        return -2.0  # "protesters from Babylon", "fired from X": an origin
    if top_child.dep_ in _ARG_DEPS and top_child.i != tok.i:
        return -1.5  # inside the subject: the actor's home or office, not the event's place
    if other_clause:
        return -1.0  # "... denouncing the sentence given out in Mosul": a place of another clause
    if top_child.dep_ == "prep" and top_child.lower_ in _EVENT_PREPS:
        return 1.0
    return 0.0


@dataclass
class Chain:
    """Toponyms joined by anchoring words: ``members[0]`` is the head (the most precise)."""

    members: list[Toponym]

    @property
    def head(self) -> Toponym:
        return self.members[0]

    def placed(self, country: Optional[str]) -> tuple[Optional[Toponym], Optional[Place]]:
        """The member the chain is placed at and its place (a container's with lower precision)."""
        pick = None
        for k, t in enumerate(self.members):
            p = t.place
            if p is None or p.lat is None or (country and p.country and p.country != country and not _country_level(p)):
                continue
            if _country_level(p):
                # "X, Syria": a country says too little to place a village; "Palestine street, Baghdad":
                # a country's name in a longer place name
                if k == 0 and not any(m.place is not None and not _country_level(m.place) for m in self.members[1:]):
                    pick = k
                    break
                continue
            pick = k
            break
        if pick is None:  # nothing in the story's country: the first place resolved at all
            pick = next((k for k, t in enumerate(self.members) if t.place is not None and t.place.lat is not None), None)
        if pick is None:
            return None, None
        t, p = self.members[pick], self.members[pick].place
        if pick == 0:
            return t, p
        prec = 3 if (p.geo_precision or 1) >= 3 or (p.feature or "").startswith("A.ADM") else 2
        return t, replace(p, geo_precision=max(prec, p.geo_precision or 1), mention=self.head.text,
                          score=round((p.score or 0.5) * 0.6, 3))


def chains(text: str, tops: list[Toponym]) -> list[Chain]:
    """Toponyms (in text order) grouped into anchor chains."""
    out: list[Chain] = []
    for t in sorted(tops, key=lambda t: t.start):
        if out:
            prev = out[-1].members[-1]
            gap = text[prev.end:t.start]
            listed = gap.strip() == "," and re.match(r"\s*(?:,|and\b|or\b)", text[t.end:t.end + 6])
            if 0 <= len(gap) <= 70 and gap.strip() and _ANCHOR_GAP.fullmatch(gap) and not listed \
                    and not re.search(r"\b(?:and|or)\b", gap):
                out[-1].members.append(t)
                continue
            if gap in (" ", "-", "–") and t.place is not None:
                out[-1].members.append(t)  # "Erbil Northern Iraq", "Hamza Qadissiya province"
                continue
        out.append(Chain([t]))
    return out


_REGION_AFTER = re.compile(r"^\s+(?:countryside|province|governorate|region|desert|plains?|outskirts|suburbs|environs)\b", re.I)
_REGION_BEFORE = re.compile(r"\b(?:(?:countryside|outskirts|suburbs|province|governorate|environs) of|rural|"
                            r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)? of)\s+(?:the\s+)?$", re.I)


def region_use(text: str, top: Toponym) -> bool:
    """'the Damascus countryside', 'Idlib province', 'southwest of Damascus': the name stands for the
    area around or under a place, not for the place itself."""
    return bool(_REGION_AFTER.match(text[top.end:top.end + 16])) or bool(_REGION_BEFORE.search(text[max(0, top.start - 30):top.start]))


def within_region(fine: Place, area: Place, km: float = 60.0) -> bool:
    """Whether a town lies in the area a region use names (its first-level area, or near its centre)."""
    if fine.country != area.country or fine.lat is None or area.lat is None:
        return False
    if (area.feature or "").startswith("A.ADM1") and fine.admin1 and area.admin1:
        return fine.admin1 == area.admin1
    from ..geodesy import haversine_km

    return haversine_km(fine.lat, fine.lon, area.lat, area.lon) <= km


def consistent(text: str, tops: list[Toponym]) -> list[Toponym]:
    """The toponyms with each chain member that resolved in another country than the area the text
    puts it in left unresolved ("al-Jadida area in Baghdad" with al-Jadida matched in Morocco): the
    wider area, named more often and matched more surely, decides the country; the chain then falls
    back to it."""
    out = {id(t): t for t in tops}
    for ch in chains(text, tops):
        for k, t in enumerate(ch.members[:-1]):
            if t.place is None:
                continue
            outer = next((m.place for m in ch.members[k + 1:] if m.place is not None and m.place.lat is not None), None)
            if outer is not None and outer.country and t.place.country and outer.country != t.place.country:
                out[id(t)] = replace(t, place=None, score=0.0)
    return [out[id(t)] for t in tops]


def choose(text: str, s0: int, stext: str, cand, tops: list[Toponym], actor_spans: list[tuple[int, int]],
           doc_country: Optional[str]) -> tuple[Optional[Toponym], Optional[Place]]:
    """The event's place among the sentence's toponyms (resolved or not): (evidence toponym, place)."""
    trig = cand.token.idx
    usable = [t for t in tops if not any(t.start - s0 < y and t.end - s0 > x for x, y in actor_spans)
              and not affiliation(text, t.start, t.end)]
    groups = chains(text, usable)
    placed = []
    for ch in groups:
        at, p = ch.placed(doc_country)
        if p is None:
            continue
        placed.append((ch, at, p))
    if not placed:
        return None, None
    fine = [p for _, _, p in placed if (p.geo_precision or 1) <= 2 and (not doc_country or p.country == doc_country)]
    home = doc_country is not None and any(p.country == doc_country and not _country_level(p) for _, _, p in placed)

    def score(item) -> float:
        ch, at, p = item
        head = ch.head
        sc = cue_score(head, s0, stext) + kind_score(p) - abs(head.start - s0 - trig) / 400.0 + (p.score or 0.0) * 0.3
        sc += role_score(cand, head, s0)
        if doc_country and p.country and p.country != doc_country:
            sc -= 2.5  # a place abroad is rarely where a local event happened
            if home:
                sc -= 10.0  # and never beats a place at home named with it
        if at is head and (p.geo_precision or 1) >= 3 and any(inside(f, p) for f in fine if f is not p):
            sc -= 3.0  # "between X and Y in Z province": the province only contains the event
        return sc

    best = max(placed, key=lambda it: (score(it), -it[0].head.start))
    return best[1], best[2]


def carried(text: str, prev: list[Toponym]) -> Optional[Toponym]:
    """The place a sentence naming none takes from before it: among the places of the last sentence
    that names any, the head of the best-cued chain ("negotiations in X in Y, cut off from Z": X)."""
    if not prev:
        return None
    last = prev[-1]
    b = max(text.rfind(". ", 0, last.start), text.rfind("\n", 0, last.start)) + 1
    same = [t for t in prev if t.start >= b]
    heads = [ch.head for ch in chains(text, same) if ch.head.place is not None]
    if not heads:
        return last
    return max(heads, key=lambda t: (cue_score(t, b, text[b:t.end + 20]), -t.start))
