"""Sub-event type rules from ACLED's codebook definitions (``code/data/subtypes.yaml``): a crowd's
violence is a riot, seized weapons are a disrupted weapons use, a post set up is a base, an attack
on people who bear no arms is violence against civilians, an attack made with a mine is an
explosion, force used on a demonstration sets the protest's sub-type.

The rules look at what the trigger detector found (the event type the trigger's class gives, the
agent's and patient's words, the known actor types) and at the words of the sentence; they
return the sub-event type the codebook gives that event, or None to leave it as it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from . import dataload as dl
from .dataload import Key
from .rules import compile_patterns, rx

_WORDS = dl.list_of(dl.text)
_HARM = ("civilian", "armed", "hurt", "unhurt", "possessive", "crowd_fight")
_LANG = dl.record({
    "crowd": Key(dl.record({**{k: Key(_WORDS, True) for k in ("agent_words", "firearms", "demonstration", "street_weapons",
                                                              "mob", "communal", "deaths")},
                            "membership": Key(_WORDS)}), True),
    "weapons_objects": Key(_WORDS, True), "base_objects": Key(_WORDS, True), "goods_objects": Key(_WORDS, True),
    "ground_objects": Key(_WORDS, True),
    "targets": Key(dl.record({k: Key(_WORDS, True) for k in ("civilian", "armed", "unarmed", "response", "ground_fight")}),
                   True),
    "handed_over": Key(_WORDS, True), "premature": Key(_WORDS, True), "made_safe": Key(_WORDS, True),
    "instrument_preps": Key(_WORDS, True), "dispatch_verbs": Key(_WORDS, True), "killing_verbs": Key(_WORDS, True),
    "protest": Key(dl.record({**{k: Key(_WORDS, True) for k in ("grievance", "self_dispersal", "crowd_violence", "symbolic",
                                                                      "crowd_control", "unforced")},
                              "unrealised": Key(_WORDS),
                              "road_blocking": Key(rx, True)}), True),
    "harm": Key(dl.record({k: Key(rx, True) for k in _HARM}), True)})


def _file(v, w: dl.Where) -> dict:
    if not isinstance(v, dict):
        raise w.fail(f"expected a mapping, got {type(v).__name__}")
    crowd = dl.record({"types": Key(_WORDS, True), "from_types": Key(_WORDS, True), "keeps": Key(_WORDS, True)})
    out: dict = {"languages": {}}
    for k, x in v.items():
        if k == "crowd":
            out["crowd"] = crowd(x, w.enter("crowd"))
        elif isinstance(k, str) and dl.LANG.match(k):
            out["languages"][k] = _LANG(x, w.enter(k))
        else:
            raise w.at(str(k)).fail("unknown key (known: crowd, or a language code such as 'en')")
    if "crowd" not in out:
        raise w.at("crowd").fail("missing")
    return out


def words_pattern(words: list[str]) -> re.Pattern:
    """Any of ``words`` as whole words, case-insensitively (the longest first)."""
    alts = sorted({re.escape(x.lower()) for x in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])", re.I)


@dataclass
class SubtypeRules:
    crowd_types: frozenset[str]
    from_types: frozenset[str]
    crowd_keeps: frozenset[str]
    crowd_words: re.Pattern
    firearms: re.Pattern
    demonstration: re.Pattern
    street_weapons: re.Pattern
    mob: re.Pattern
    communal: re.Pattern
    deaths: re.Pattern
    weapons_objects: re.Pattern
    base_objects: re.Pattern
    goods_objects: re.Pattern
    ground_objects: re.Pattern
    civilian_targets: re.Pattern
    armed_targets: re.Pattern
    unarmed: re.Pattern
    response: re.Pattern
    ground_fight: re.Pattern
    handed_over: re.Pattern
    premature: re.Pattern
    made_safe: re.Pattern
    instrument_preps: frozenset[str]
    dispatch_verbs: frozenset[str]
    grievance: re.Pattern
    self_dispersal: re.Pattern
    crowd_violence: re.Pattern
    symbolic: re.Pattern
    crowd_control: re.Pattern
    unforced: re.Pattern
    killing_verbs: frozenset[str]
    harm: dict[str, re.Pattern]  # _HARM's patterns: whom a blast or a mob with no second party struck
    road_blocking: Optional[re.Pattern] = None  # a road blocked by a crowd ("block the Mpeketoni-Lamu road")
    unrealised: Optional[re.Pattern] = None  # what a crowd only threatens ("warned they would barricade the road")
    membership: Optional[re.Pattern] = None  # "members of" an armed group are that group, not a crowd

    def __post_init__(self):
        alts = "|".join(sorted((re.escape(p) for p in self.instrument_preps), key=len, reverse=True))
        # a grievance runs to the next full stop, semicolon or comma (not one that adds to it: ", and the release of ...")
        self.armed_crowd = re.compile(r"\barmed\b(?!\s+with\b)", re.I)  # "armed supporters", not "armed with sticks"
        # the group an "of"-phrase names, up to the next comma or preposition ("members of BNP clashed with police")
        self._group_of = re.compile(r"\s+of\s+((?:(?!\b(?:with|and|in|on|at|during|against|near|from|over)\b)[^,.;()])*)", re.I)
        # a common noun (lower case, not a function word): a thing named by what it is, not by its name
        self._common_noun = re.compile(r"\b(?!(?:the|and|its|their|his|her|this|that)\b)[a-z][a-z-]{2,}\b")
        self._grievance_end = re.compile(r"[.;]|,(?!\s+(?:and|or|as well as)\b)|\s(?:but|while|when)\s")
        self._instrument_phrase = re.compile(r"\b(?:" + alts + r")\s+([^,.;()]{1,60})", re.I)

    @classmethod
    def load(cls, lang: str = "en", raw: Optional[dict] = None) -> "SubtypeRules":
        d = dl.read("subtypes.yaml", _file) if raw is None else _file(raw, dl.Where("subtypes.yaml"))
        if lang not in d["languages"]:
            raise dl.DataError(f"subtypes.yaml: no section for language {lang!r}")
        w = d["languages"][lang]
        c, t, p = w["crowd"], w["targets"], w["protest"]
        return cls(frozenset(d["crowd"]["types"]), frozenset(d["crowd"]["from_types"]), frozenset(d["crowd"]["keeps"]),
                   words_pattern(c["agent_words"]),
                   words_pattern(c["firearms"]), words_pattern(c["demonstration"]), words_pattern(c["street_weapons"]),
                   words_pattern(c["mob"]), words_pattern(c["communal"]), words_pattern(c["deaths"]),
                   words_pattern(w["weapons_objects"]), words_pattern(w["base_objects"]), words_pattern(w["goods_objects"]),
                   words_pattern(w["ground_objects"]),
                   words_pattern(t["civilian"]), words_pattern(t["armed"]), words_pattern(t["unarmed"]), words_pattern(t["response"]),
                   words_pattern(t["ground_fight"]), words_pattern(w["handed_over"]), words_pattern(w["premature"]),
                   words_pattern(w["made_safe"]),
                   frozenset(x.lower() for x in w["instrument_preps"]), frozenset(x.lower() for x in w["dispatch_verbs"]),
                   words_pattern(p["grievance"]), words_pattern(p["self_dispersal"]), words_pattern(p["crowd_violence"]),
                   words_pattern(p["symbolic"]), words_pattern(p["crowd_control"]), words_pattern(p["unforced"]),
                   frozenset(x.lower() for x in w["killing_verbs"]), compile_patterns(w["harm"], {}),
                   compile_patterns({"b": p["road_blocking"]}, {})["b"], words_pattern(p["unrealised"]) if p.get("unrealised") else None,
                   words_pattern(c["membership"]) if c.get("membership") else None)

    def crowd_riot(self, event_type: str, sub_event_type: str, agent_type: Optional[str], agent_words: str,
                   armed_named: bool, context: str, sides: str = "", mutual: bool = False) -> Optional[str]:
        """The riot sub-type of an event whose agent is a crowd ("supporters of the party clashed",
        "villagers beat a thief to death"), or None. ``agent_type``: the type of the known actor
        that is the agent (None: none known); ``armed_named``: whether an organised armed actor is
        named among the agent's words; ``context``: the sentence and those continuing it;
        ``sides``: the words of both sides of a fight, ``mutual`` when the trigger is one (a clash)."""
        if (event_type not in self.from_types and sub_event_type not in self.from_types) or sub_event_type in self.crowd_keeps:
            return None
        crowd = agent_type in self.crowd_types or (not armed_named and self.crowd_head(agent_words) is not None)
        if not crowd or self.armed_crowd.search(agent_words):
            return None  # "armed supporters", "armed pastoralists": a militia
        if self.firearms.search(context):
            return None  # armed villagers shooting: a communal militia's battle, not a riot
        if not mutual and self.communal.search(agent_words) and self.deaths.search(context):
            return None  # herders, farmers, clans killing people: an identity militia's attack, not a riot
        if mutual and self.communal.search(sides or agent_words) and self.deaths.search(context):
            # two communities (farmers and herders, clans, villages) fighting to the death: the codebook's
            # identity militias (organised around a community, an ethnicity or a livelihood) in a battle
            return None
        if event_type == "Explosions/Remote violence" and not self.street_weapons.search(context):
            return None
        return self.riot_kind(context, agent_words)

    def riot_kind(self, context: str, agent_words: str) -> str:
        """A riot's sub-type: a mob's (lynching, vigilantes) is Mob violence; else a Violent
        demonstration when a demonstration is named around it, Mob violence when none is."""
        if self.mob.search(agent_words):
            return "Mob violence"
        return "Violent demonstration" if self.demonstration.search(context) else "Mob violence"

    def crowd_head(self, agent_words: str) -> Optional[re.Match]:
        """The crowd word that heads an agent phrase ("a number of residents", "supporters of the
        party"), not one that modifies an armed noun ("people's defence forces", "youth militia")."""
        for m in self.crowd_words.finditer(agent_words):
            rest = agent_words[m.end():]
            if rest.startswith(("'s", "’s", "'", "’")):
                continue
            if self.armed_targets.search(rest) and not rest.lstrip().lower().startswith("of "):
                continue
            if self.membership is not None and self.membership.fullmatch(m.group()) and \
                    self.armed_targets.search(self._group_of.match(rest).group(1) if self._group_of.match(rest) else ""):
                continue  # "members of the Gulf Cartel", "elements of the militia": the armed group itself, not a crowd
            return m
        return None

    def seizes_weapons(self, patient_words: str) -> bool:
        """"seized weapons", "found an arms cache": the object is weapons, not ground."""
        return bool(self.weapons_objects.search(patient_words))

    def seized_class(self, patient_words: str) -> Optional[str]:
        """The trigger class a seizure of things takes by its object: "disrupted" (weapons seized,
        caches found), "goods" (livestock, vehicles, cash taken: looting), None (ground, people)."""
        if self.weapons_objects.search(patient_words):
            return "disrupted"
        if self.goods_objects.search(patient_words):
            return "goods"
        return None

    def people_taken(self, patient_words: str) -> bool:
        """"seized two foreign engineers": what was taken is people, and no ground is named with them."""
        return bool(self.civilian_targets.search(patient_words)) and not self.ground_objects.search(patient_words) \
            and not self.armed_targets.search(patient_words)

    def sets_up_base(self, words: str) -> bool:
        return bool(self.base_objects.search(words))

    def target(self, patient_words: str, context: str, known: Optional[str], tail: str = "",
               agent_words: str = "") -> Optional[str]:
        """Whom an attack was made on, by the codebook's line between a battle (two armed, organised
        sides) and violence against civilians (people who bear no arms, and their homes, vehicles and
        villages): "civilian", "armed" or None (not said). ``known``: "civilian" or "armed" when the
        patient is a known actor of that kind; ``context`` is read when the patient has no words, and
        for a response ("repelled", "fought back"); ``tail``: the words right after the patient; ``agent_words``:
        the attacker's words, left out when the context is read for whom the attack struck."""
        words = patient_words or context
        if self.response.search(context) and (known == "armed" or self.armed_targets.search(context)):
            return "armed"  # "the attack was repelled", "self-defence groups responded": a fight
        if self.unarmed.search(words) or self.unarmed.search(tail):
            return "civilian"  # "an off-duty soldier", "an unarmed member of the group", "at his home"
        if known == "armed" or (patient_words and self.armed_targets.search(patient_words)):
            return "armed"
        if known == "civilian" or self.civilian_targets.search(words):
            return "civilian"
        if known is None and self._common_noun.search(patient_words):
            # what was attacked is a thing that names no one ("attacked a land cruiser", "a voting centre"): the
            # people the report says were hurt there are the victims ("... shot at the passengers"), unless it names
            # armed people besides the attackers (the codebook's battle needs two armed sides); a place attacked by
            # its name ("an assault on Idlib") may be held by armed men, and is left to the trigger
            rest = context.replace(agent_words.lower(), " ") if agent_words else context
            if self.civilian_targets.search(rest) and not self.armed_targets.search(rest):
                return "civilian"
        return None

    def protest_kind(self, cues: dict[str, tuple[str, ...]], context: str) -> Optional[str]:
        """Which force marks a demonstration ("violent": the demonstrators' own; "excessive": lethal
        force on them; "intervention": dispersal, arrests), or None (a peaceful protest). What the
        protesters demand or denounce ("demanding the release of students detained by police") is
        their grievance, not what happened at the protest; a crowd that disperses by itself is no
        intervention."""
        full = context.lower()
        said = self._without_grievance(full)  # (the demonstrators' own violence is rarely their grievance)
        if self.road_blocking is not None:
            for m in self.road_blocking.finditer(said):
                if not self.unforced.search(full[max(0, m.start() - 40):m.end() + 40]) and not self._unrealised(full, m.start()):
                    return "violent"
        for kind in ("violent", "excessive", "intervention"):
            low = full if kind == "violent" else said
            for w in cues[kind]:
                at = low.find(w)
                while at >= 0:
                    near = low[max(0, at - 40):at + len(w) + 30]
                    if not (kind == "intervention" and self.self_dispersal.search(near)) and \
                            not (kind == "violent" and (self.symbolic.search(near) or self.unforced.search(near)
                                                        or self._unrealised(low, at))):
                        return kind
                    at = low.find(w, at + 1)
        return None

    def _unrealised(self, low: str, at: int) -> bool:
        """Whether the cue at ``at`` is what the crowd threatened or would do: a word of intent or condition
        ("would", "threatened to", "if") before it in its clause (back to the last comma, semicolon or full stop)."""
        if self.unrealised is None:
            return False
        start = max(low.rfind(p, 0, at) for p in ".;,")
        return bool(self.unrealised.search(low[start + 1:at]))

    def in_grievance(self, text: str, offset: int) -> bool:
        """Whether ``offset`` of ``text`` lies in what demonstrators demand or denounce ("protested against
        the killing of ...", "denouncing the recent kidnap")."""
        return self._without_grievance(text.lower())[offset:offset + 1] == " " and not text[offset:offset + 1].isspace()

    def _without_grievance(self, low: str) -> str:
        """``low`` with each grievance clause ("demanding ...", "in protest of ...", up to the next
        comma, semicolon, full stop or "but", "while", "when") blanked out."""
        out = list(low)
        for m in self.grievance.finditer(low):
            end = len(low)
            for stop in self._grievance_end.finditer(low, m.end()):
                end = stop.start()
                break
            for i in range(m.start(), end):
                out[i] = " "
        return "".join(out)

    def instrument(self, tok) -> str:
        """The words of what an attack was made with: "attacked the convoy with landmines", "a mine
        attack", "launched an attack using explosive devices": the trigger's modifiers, the objects of
        instrument prepositions (or verbs) hanging on it or on the verb it is the object of, what a verb of
        dispatch it hangs under sends ("sent in aircraft to attack"), and the phrase an instrument preposition
        opens after it in its sentence (up to a comma or full stop)."""
        doc = getattr(tok, "doc", None)
        if doc is None:
            return ""

        def words(t) -> str:
            return doc.text[t.left_edge.idx:t.right_edge.idx + len(t.right_edge)]

        parts = []
        holders = [tok] + ([tok.head] if tok.dep_ == "dobj" and tok.head.i != tok.i else [])
        for ch in (c for h in holders for c in h.children):
            if ch.dep_ in ("compound", "amod", "nmod") and ch.head.i == tok.i:
                parts.append(ch.text)
            elif ch.dep_ == "prep" and ch.lower_ in self.instrument_preps:
                parts += [words(p) for p in ch.children if p.dep_ == "pobj"]
            elif ch.dep_ in ("advcl", "acl", "xcomp") and ch.lower_ in self.instrument_preps:
                parts += [words(p) for p in ch.children if p.dep_ == "dobj"]
        # "sent in aircraft to attack X in its first major assault": what is sent, deployed or used to do it
        for a in list(tok.ancestors)[:4]:
            if a.pos_ == "VERB" and a.lemma_.lower() in self.dispatch_verbs:
                parts += [words(o) for o in a.children if o.dep_ == "dobj" and o.i < tok.i]
                break
        sent = tok.sent if doc.has_annotation("SENT_START") else doc
        after = doc.text[tok.idx + len(tok):sent.end_char]
        parts += [m.group(1) for m in self._instrument_phrase.finditer(after)]
        return " ".join(parts)

    def abduction_killed(self, tok) -> bool:
        """"abducted and killed a farmer", "killed a farmer abducted on 10 August": the codebook codes
        an abduction that ends in a killing as the attack."""
        near = [c for c in getattr(tok, "children", ()) if c.dep_ == "conj"]
        if getattr(tok, "dep_", "") in ("conj", "acl", "relcl", "advcl") and tok.head.i != tok.i:
            near.append(tok.head)
            if tok.dep_ == "acl" and tok.head.head.i != tok.head.i:
                near.append(tok.head.head)  # "killed a farmer abducted on ...": the participle hangs on the victim
        return any(w.lemma_.lower() in self.killing_verbs for w in near)
