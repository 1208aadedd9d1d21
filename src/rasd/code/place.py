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
clause, the kind of place and the distance to the trigger. The cues, windows and weights are
data (``code/data/places.yaml``): ``Places`` is built with the rules of a language.

Offsets: toponyms are in document coordinates, everything else in sentence ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional

from ..geodesy import haversine_km
from ..records import Place, Toponym, is_country_feature, is_country_or_continent
from .rules import PlaceRules, default_rules

_ARG_DEPS = {"nsubj", "nsubjpass", "agent", "csubj"}  # the parser's labels of a clause's arguments


def country_level(p: Optional[Place]) -> bool:
    return p is not None and is_country_or_continent(p.feature)


@dataclass
class Chain:
    """Toponyms joined by anchoring words: ``members[0]`` is the head (the most precise)."""

    members: list[Toponym]

    @property
    def head(self) -> Toponym:
        return self.members[0]

    def placed(self, country: Optional[str], container_score: float,
               inside=None) -> tuple[Optional[Toponym], Optional[Place]]:
        """The member the chain is placed at and its place (a container's with lower precision, and
        its resolution score times ``container_score``). ``inside(fine, area)``: whether a place lies in
        an area; a member resolved outside the town or province the text puts it in ("Nyala secondary
        school in Gedaref" read as the town of Nyala, 1,000 km away) is a namesake, not the place."""
        pick = None
        for k, t in enumerate(self.members):
            p = t.place
            if p is None or p.lat is None or (country and p.country and p.country != country and not country_level(p)):
                continue
            outer = next((m.place for m in self.members[k + 1:] if m.place is not None and m.place.lat is not None
                          and not country_level(m.place)), None)
            if inside is not None and outer is not None and not country_level(p) and not inside(p, outer):
                continue
            if country_level(p):
                # "X, Syria": a country says too little to place a village; "Palestine street, Baghdad":
                # a country's name in a longer place name
                if k == 0 and not any(m.place is not None and not country_level(m.place) for m in self.members[1:]):
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
                          score=round((p.score or 0.5) * container_score, 3))


class Places:
    """The place rules of one language (cues, windows, weights) and the choices they make."""

    def __init__(self, rules: Optional[PlaceRules] = None):
        self.rules = rules if rules is not None else default_rules().places
        self.w = self.rules.weights
        self.win = self.rules.windows

    # -- what a name is not: a place inside an actor's description or name -------------------
    def affiliation(self, text: str, start: int, end: int) -> bool:
        """'pro-Turkey', 'anti-Assad', 'Iran-backed', 'Quds Brigade', 'Army of Afrin': a place name inside a
        description or the proper name of an actor."""
        r, win = self.rules, self.win
        return bool(r.affiliation_before.search(text[max(0, start - win["affiliation_before"]):start])) \
            or bool(r.affiliation_after.match(text[end:end + win["affiliation_after"]])) \
            or bool(r.org_after.match(text[end:end + win["org_after"]])) \
            or bool(r.org_before.search(text[max(0, start - win["org_before"]):start]))

    def attributive(self, text: str, top: Toponym) -> bool:
        """A country named as the owner of forces or officials ("US forces", "Iran-backed"): an actor, not a place."""
        return country_level(top.place) and bool(
            self.rules.attributive_after.match(text[top.end:top.end + self.win["attributive_after"]]))

    def is_destination(self, text: str, start: int) -> bool:
        """Whether a place is where people are sent ("agreed to leave with their families to Idlib")."""
        return bool(self.rules.destination.search(text[max(0, start - self.win["destination_before"]):start]))

    # -- areas ----------------------------------------------------------------------------
    def at_seat(self, p: Place) -> bool:
        """Whether an event placed at ``p`` is coded at the town standing for it (a province: ACLED
        codes an event known only to a province at its capital, geo_precision 3)."""
        return bool(self.rules.seat_features) and (p.feature or "").startswith(self.rules.seat_features)

    def inside(self, fine: Place, area: Place) -> bool:
        """Whether a town lies in a wider area the text names (same first-level area, or near it)."""
        if fine.country != area.country or fine is area:
            return False
        if fine.admin1 and area.admin1 and (area.feature or "").startswith("A.ADM1"):
            return fine.admin1 == area.admin1
        if None in (fine.lat, area.lat):
            return False
        return haversine_km(fine.lat, fine.lon, area.lat, area.lon) <= self.win["inside_km"]

    def lies_in(self, fine: Place, area: Place) -> bool:
        """Whether a place can be the one the text puts in ``area`` ("X, Y", "X (Y)"): inside it, or in
        the first-level area of a town named for it ("Znob-Novhorodske, Sumy", 170 km from the city)."""
        return self.inside(fine, area) or (fine.country == area.country and bool(fine.admin1)
                                           and fine.admin1 == area.admin1)

    def near(self, a: Place, b: Place) -> bool:
        """Whether two places are in one country or within ``speaker_km`` of each other."""
        if a.country and a.country == b.country:
            return True
        return None not in (a.lat, b.lat) and haversine_km(a.lat, a.lon, b.lat, b.lon) <= self.win["speaker_km"]

    def region_use(self, text: str, top: Toponym) -> bool:
        """'the Damascus countryside', 'Idlib province', 'southwest of Damascus': the name stands for the
        area around or under a place, not for the place itself."""
        return bool(self.rules.region_after.match(text[top.end:top.end + self.win["region_after"]])) or \
            bool(self.rules.region_before.search(text[max(0, top.start - self.win["region_before"]):top.start]))

    def within_region(self, fine: Place, area: Place) -> bool:
        """Whether a town lies in the area a region use names (its first-level area, or near its centre)."""
        if fine.country != area.country or fine.lat is None or area.lat is None:
            return False
        if (area.feature or "").startswith("A.ADM1") and fine.admin1 and area.admin1:
            return fine.admin1 == area.admin1
        return haversine_km(fine.lat, fine.lon, area.lat, area.lon) <= self.win["region_km"]

    # -- scores -----------------------------------------------------------------------------
    def cue_score(self, top: Toponym, sent_start: int, sent_text: str) -> float:
        r, w = self.rules, self.w
        a, b = top.start - sent_start, top.end - sent_start
        before = sent_text[max(0, a - self.win["cue_before"]):a]
        score = 0.0
        if r.place_cue.search(before):
            score += w["strong_cue"]
        elif r.weak_cue.search(before):
            score += w["weak_cue"]  # "the withdrawal of X", "fighters from X": a place, not surely the event's
        if sent_text[b:b + self.win["suffix_after"]].lower().startswith(r.area_suffixes):
            score += w["area_suffix"]
        if sent_text[b:b + 3] in r.possessive:
            score += w["possessive"]  # "Sadr's supporters": a person's name more often than a place's
        return score

    def kind_score(self, p: Place) -> float:
        feat = p.feature or ""
        if is_country_feature(feat):
            return self.w["country"]  # a whole country is the place of last resort
        if (p.geo_precision or 1) >= 3:
            return self.w["region"]
        if feat.startswith("A.ADM1"):
            return self.w["first_level_area"]
        return 0.0

    def role_score(self, cand, top: Toponym, sent_start: int) -> float:
        """The toponym's role in the parse of the event clause: the "in X" of the trigger's clause
        gains, a place inside the subject ("protesters from X", "employees of the X department")
        or an origin ("from X") loses."""
        w = self.w
        tok = cand.token
        doc = getattr(tok, "doc", None)
        if doc is None:
            return 0.0
        a = top.start - sent_start
        t = next((x for x in doc if x.idx <= a < x.idx + len(x)), None)
        if t is None:
            return 0.0
        clause = tok.head if tok.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj", "attr") and tok.head.pos_ in ("VERB", "AUX") \
            else tok
        path = []
        cur = t
        reached = False
        for _ in range(self.win["parse_path"]):
            if cur.i in (tok.i, clause.i):
                reached = True
                break
            path.append(cur)
            if cur.head.i == cur.i:
                break
            cur = cur.head
        if not reached:
            # a branch of the sentence the trigger is not in: another clause when a verb governs it (another
            # event's when set against it: "..., while in eastern Ghouta 59 civilians died")
            if any(self.contrast(x) for x in path[1:]):
                return w["contrast_clause"]
            return w["other_branch"] if any(x.pos_ == "VERB" and x.dep_ not in ("amod", "compound") for x in path[1:]) \
                else 0.0
        if not path:
            return 0.0
        top_child = path[-1]  # the child of the trigger (or its clause verb) the place hangs under
        other_clause = any(x.pos_ in ("VERB", "AUX") and x.dep_ not in ("amod", "compound") for x in path[1:])
        preps = [x for x in path if x.dep_ == "prep"]
        if cand.entry.cls.resolve == "protest" and (
                any(x.lower_ in self.rules.topic_preps for x in preps)
                or any(x.lemma_.lower() in self.rules.topic_words for x in path[1:])):
            return w["protest_topic"]  # "protested in San against a camp in Koro": what they protest, not where
        origin_ok = self.rules.origin_is_place
        if any(x.lower_ in self.rules.origin_preps for x in preps[:1]) and cand.entry.cls.name not in origin_ok["classes"] \
                and cand.entry.cls.resolve not in origin_ok["resolves"]:
            return w["origin"]  # "protesters from Babylon", "fired from X": an origin
        if top_child.dep_ in _ARG_DEPS and top_child.i != tok.i:
            return w["subject"]  # inside the subject: the actor's home or office, not the event's place
        if other_clause and any(self.contrast(x) for x in path[1:]):
            return w["contrast_clause"]  # "..., while in eastern Ghouta 59 civilians died": another event's place
        if other_clause:
            return w["other_clause"]  # "... denouncing the sentence given out in Mosul": a place of another clause
        if top_child.dep_ == "prep" and top_child.lower_ in self.rules.event_preps:
            return w["event_prep"]
        return 0.0

    def contrast(self, verb) -> bool:
        """A finite clause of its own set against the event's ("while in X, 59 civilians died"): a verb in
        a tense or with its own subject, introduced by a contrasting conjunction (not "killed while
        fighting in X")."""
        if verb.pos_ not in ("VERB", "AUX") or verb.tag_ == "VBG":
            return False
        kids = list(verb.children)
        return any(k.dep_ == "mark" and k.lower_ in self.rules.contrast_marks for k in kids) and (
            verb.tag_ in ("VBD", "VBZ", "VBP") or any(k.dep_ in ("nsubj", "nsubjpass") for k in kids))

    def speaker_place(self, cand, top: Toponym, sent_start: int) -> bool:
        """Whether a place hangs on a verb of speaking outside what it reports ("..., the governor of
        Hatay said", "speaking in Ankara, the minister said ..."): where the speaker is, not the event."""
        tok = cand.token
        doc = getattr(tok, "doc", None)
        if doc is None:
            return False
        a = top.start - sent_start
        cur = next((x for x in doc if x.idx <= a < x.idx + len(x)), None)
        speech = self.rules.speech_lemmas
        clause = {tok.i} | ({tok.head.i} if tok.head.lemma_.lower() not in speech else set())
        prev = None
        for _ in range(self.win["parse_path"]):
            if cur is None or cur.i in clause:
                return False
            if prev is not None and cur.pos_ == "VERB" and cur.lemma_.lower() in speech:
                # reached through the speaker (its subject, its time or place), not through what it reports;
                # residents and witnesses speak from where it happened ("Idlib residents said ...")
                return prev.dep_ not in self.REPORTED and not any(
                    x.lower_ in self.rules.witness_words or x.lemma_.lower() in self.rules.witness_words
                    for x in prev.subtree)
            if cur.head.i == cur.i:
                return False
            prev, cur = cur, cur.head
        return False

    # the parse labels under which a verb of speaking holds what it reports
    REPORTED = frozenset(("ccomp", "xcomp", "parataxis", "dobj", "conj"))

    # -- chains -----------------------------------------------------------------------------
    def chains(self, text: str, tops: list[Toponym]) -> list[Chain]:
        """Toponyms (in text order) grouped into anchor chains."""
        r = self.rules
        out: list[Chain] = []
        for t in sorted(tops, key=lambda t: t.start):
            if out:
                prev = out[-1].members[-1]
                gap = text[prev.end:t.start]
                listed = gap.strip() == "," and r.listed_after.match(text[t.end:t.end + self.win["listed_after"]])
                if 0 <= len(gap) <= self.win["chain_gap"] and gap.strip() and r.anchor_gap.fullmatch(gap) and not listed \
                        and not r.conjunction.search(gap):
                    out[-1].members.append(t)
                    continue
                if gap in r.joiners and t.place is not None:
                    out[-1].members.append(t)  # "Erbil Northern Iraq", "Hamza Qadissiya province"
                    continue
            out.append(Chain([t]))
        return out

    def consistent(self, text: str, tops: list[Toponym]) -> list[Toponym]:
        """The toponyms with each chain member that resolved in another country than the area the text
        puts it in left unresolved ("al-Jadida area in Baghdad" with al-Jadida matched in Morocco): the
        wider area, named more often and matched more surely, decides the country; the chain then falls
        back to it."""
        out = {id(t): t for t in tops}
        for ch in self.chains(text, tops):
            for k, t in enumerate(ch.members[:-1]):
                if t.place is None:
                    continue
                outer = next((m.place for m in ch.members[k + 1:] if m.place is not None and m.place.lat is not None), None)
                if outer is not None and outer.country and t.place.country and outer.country != t.place.country:
                    out[id(t)] = replace(t, place=None, score=0.0)
        return [out[id(t)] for t in tops]

    # -- the choice -----------------------------------------------------------------------------
    def choose(self, text: str, s0: int, stext: str, cand, tops: list[Toponym], actor_spans: list[tuple[int, int]],
               doc_country: Optional[str]) -> tuple[Optional[Toponym], Optional[Place]]:
        """The event's place among the sentence's toponyms (resolved or not): (evidence toponym, place)."""
        w = self.w
        trig = cand.token.idx
        usable = [t for t in tops if not any(t.start - s0 < y and t.end - s0 > x for x, y in actor_spans)
                  and not self.affiliation(text, t.start, t.end)]
        placed = []
        for ch in self.chains(text, usable):
            at, p = ch.placed(doc_country, w["container_score"], self.lies_in)
            if p is None:
                continue
            placed.append((ch, at, p))
        # where the speaker is ("..., the governor of Hatay said") is no place of the event when the sentence
        # names one near it or none at all; beside far namesakes only ("a hideout in Lima, Sulaymaniyah
        # officials said", Lima matched in Peru) the officials' own area is the better guess
        speakers = [it for it in placed if self.speaker_place(cand, it[0].head, s0)]
        others = [it for it in placed if not any(it is sp for sp in speakers)]
        if speakers and (not others or any(self.near(o[2], sp[2]) for o in others for sp in speakers)):
            placed = others
        # what a protest is about ("to raise awareness of attacks on Afrin") is never where the crowd
        # stood, even when the sentence names no other place: the place then comes from before
        placed = [it for it in placed if self.role_score(cand, it[0].head, s0) != w["protest_topic"]
                  or cand.entry.cls.resolve != "protest"]
        if not placed:
            return None, None
        fine = [p for _, _, p in placed if (p.geo_precision or 1) <= 2 and (not doc_country or p.country == doc_country)]
        home = doc_country is not None and any(p.country == doc_country and not country_level(p) for _, _, p in placed)

        def score(item) -> float:
            ch, at, p = item
            head = ch.head
            sc = self.cue_score(head, s0, stext) + self.kind_score(p) - abs(head.start - s0 - trig) / w["distance_chars"] \
                + (p.score or 0.0) * w["resolution"]
            sc += self.role_score(cand, head, s0)
            if self.is_destination(text, head.start):
                sc += w["destination"]
            if doc_country and p.country and p.country != doc_country:
                sc += w["abroad"]  # a place abroad is rarely where a local event happened
                if home:
                    sc += w["abroad_beside_home"]  # and never beats a place at home named with it
            if at is head and ((p.geo_precision or 1) >= 3 or self.region_use(text, head)) \
                    and any(self.inside(f, p) for f in fine if f is not p):
                # "between X and Y in Z province", "on X and surrounding areas in the northern Z countryside":
                # the province or the countryside only contains the event
                sc += w["containing_province"]
            return sc

        best = max(placed, key=lambda it: (score(it), -it[0].head.start))
        return best[1], best[2]

    def carried(self, text: str, prev: list[Toponym]) -> Optional[Toponym]:
        """The place a sentence naming none takes from before it: among the places of the last sentence
        that names any, the head of the best-cued chain ("negotiations in X in Y, cut off from Z": X)."""
        if not prev:
            return None
        last = prev[-1]
        b = max(text.rfind(". ", 0, last.start), text.rfind("\n", 0, last.start)) + 1
        same = [t for t in prev if t.start >= b]
        heads = [ch.head for ch in self.chains(text, same) if ch.head.place is not None]
        if not heads:
            return last
        return max(heads, key=lambda t: (self.cue_score(t, b, text[b:t.end + self.win["carried_after"]]), -t.start))
