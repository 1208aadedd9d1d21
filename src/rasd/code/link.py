"""Linking a chosen trigger to its actors, place and sources; resolving the sub-event type.

Helpers of the coder stage, kept apart so each file stays small. Offsets here are
relative to the sentence unless stated otherwise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

from ..records import Actor
from .lexicon import ActorKB, TriggerLexicon, norm
from .triggers import Candidate



@dataclass
class ActorMention:
    start: int  # sentence offsets
    end: int
    ident: str
    text: str




def actor_mentions(kb: ActorKB, text: str, agents: Optional[list[tuple[int, int]]] = None,
                   country: Optional[str] = None) -> tuple[list[ActorMention], list[tuple[int, int, str]]]:
    """KB actor mentions and source mentions (start, end, source name) in a sentence. A country's
    or capital's name ("Turkey", "Ankara") is its forces only as the event's agent (``agents``:
    "Turkey shelled X", "clashes between Turkey and X") or named as the doer ("a strike by Israel",
    "attributed to Israel"), never as a place or in "pro-Turkey". ``country``: the story's, which
    an alias of several actors ("SNA") prefers."""
    actors, sources = [], []
    for a, b, kind, ident in kb.find(text, country):
        if kind == "metonym":
            rx = kb.role_rx
            agent = (agents and any(a >= x and b <= y for x, y in agents)) or rx["doer_before"].search(text[max(0, a - 30):a])
            if agent and not rx["affiliation_before"].search(text[max(0, a - 5):a]) \
                    and not rx["affiliation_suffix"].match(text[b:b + 12]):
                actors.append(ActorMention(a, b, ident, text[a:b]))
        elif kind == "actor":
            if kb.role_rx["affiliation_after"].match(text[b:b + 14]) or kb.role_rx["opposed_before"].search(text[max(0, a - 6):a]) \
                    or kb.role_rx["not_party_after"].match(text[b:b + 20]):
                continue  # "the military-owned Mytel tower", "anti-IEBC protests": not a party
            if kb.actors[ident].actor_type == "civilians" and kb.role_rx["property_after"].match(text[b:b + 20]):
                continue  # "civilian infrastructure", "civilian houses": property, not people
            actors.append(ActorMention(a, b, ident, text[a:b]))
        else:
            sources.append((a, b, kb.sources[int(ident)].name))
    return refined(kb, text, coordinated(kb, text, actors)), sources


def coordinated(kb: ActorKB, text: str, actors: list[ActorMention]) -> list[ActorMention]:
    """A people's adjective coordinated with the words before an armed noun names its state's
    forces: "Turkish and pro-Turkish faction fighters" has Turkey's military first."""
    out = list(actors)
    # "Somali and Afar ethnic militias": the first group takes the kind of the second
    kinds = {i: spec for forms in kb.group_forms.values() for spec, i in forms.items()}
    for m in actors:
        if m.ident not in kinds:
            continue
        x = kb.role_rx["group_before"].search(text[max(0, m.start - 40):m.start])
        other = kb.group_forms.get(norm(x.group(1)), {}).get(kinds[m.ident]) if x else None
        if other is not None and other != m.ident:
            a = m.start - len(x.group(0))
            out.append(ActorMention(a, a + len(x.group(1)), other, x.group(1)))
    for cc, adj, a, b in kb.adjectives_in(text):
        if any(m.start < b and m.end > a for m in actors) or not kb.role_rx["side_after"].match(text, b):
            continue
        ident = f"{cc.lower()}-military"
        if ident in kb.actors:
            out.append(ActorMention(a, b, ident, adj))
    return sorted(out, key=lambda m: m.start)


_STATE_ID = re.compile(r"^[a-z]{2}-(?:military|police|government)$")


def refined(kb: ActorKB, text: str, actors: list[ActorMention]) -> list[ActorMention]:
    """A generic mention made precise by the name in brackets after it: "government security
    forces (NISA)", "militiamen (coded as Darfur communal militia)", "unknown gunmen (assumed
    Fulani militia)" are the named actor, one mention."""
    out: list[ActorMention] = []
    i = 0
    while i < len(actors):
        m = actors[i]
        nxt = actors[i + 1] if i + 1 < len(actors) else None
        a = kb.actors[m.ident]
        if nxt is not None and nxt.ident != m.ident:
            gap = kb.role_rx["bracket_open"].match(text, m.end)
            close = text.find(")", nxt.end)
            if gap is not None and gap.end() == nxt.start and 0 <= close <= nxt.end + 40 and "(" not in text[nxt.end:close]:
                # a generic mention takes the bracketed name; a named one keeps its own, the brackets
                # holding its short name or its parent ("local people's defense forces (PDF)")
                generic = a.template or _STATE_ID.match(a.id)
                m = ActorMention(m.start, m.end, nxt.ident if generic else m.ident, m.text)
                i += 1
        i += 1
        head = actors[i] if i < len(actors) else None
        if head is not None and not (a.template or _STATE_ID.match(a.id)) and norm(head.text) in kb.group_heads \
                and _HEAD_GAP.match(text[m.end:head.start]):
            # "Katiba Macina (JNIM) militants": the noun after a group's name is its members, one mention
            m = ActorMention(m.start, head.end, m.ident, text[m.start:head.end])
            i += 1
        out.append(m)
    return out


_HEAD_GAP = re.compile(r"^\s*(?:\([^()]{1,40}\)\s*)?$")


def _in(spans: list[tuple[int, int]], m: ActorMention) -> bool:
    return any(m.start < b and m.end > a for a, b in spans)


def pick_actors(kb: ActorKB, cand: Candidate, mentions: list[ActorMention], sent_text: str,
                source_spans: list[tuple[int, int]]) -> tuple[Optional[ActorMention], Optional[ActorMention]]:
    usable = named = [m for m in mentions if not _in(source_spans, m)]
    a1 = next((m for m in usable if _in(cand.agents, m)), None)
    a2 = next((m for m in usable if _in(cand.patients, m) and (a1 is None or m.ident != a1.ident)), None)
    if cand.between and (a1 is None or a2 is None):
        inside = [m for m in usable if _in(cand.between, m)]
        if inside and a1 is None:
            a1 = inside[0]
        if a2 is None:
            a2 = next((m for m in inside if m.ident != a1.ident), None) if a1 else None
    if a1 is None:
        # nearest actor before the trigger that is not the patient, else the first one; the subject of
        # a passive of harm is a victim, never the attacker ("33 soldiers were killed in an air strike")
        t0 = cand.token.idx
        victims = victim_spans(cand, kb.victim_verbs)
        usable = [m for m in usable if kb.actors[m.ident].actor_type not in ("civilians",) and not _in(victims, m)]
        before = [m for m in usable if m.end <= t0 and m is not a2 and not _in(cand.patients, m)]
        a1 = before[-1] if before and not cand.agents else (before[0] if before else None)
        if a1 is None:
            a1 = next((m for m in usable if m is not a2 and not _in(cand.patients, m)), None)
    if a2 is None and a1 is not None and len(cand.agents) > 1:
        # "Turkish forces operating as part of Operation Peace Spring and QSD fighters clashed": two
        # subjects are the two sides (an operation named with the first is its umbrella, not a side)
        a2 = next((m for m in usable if _in(cand.agents, m) and m.ident != a1.ident and m.start > a1.end
                   and not kb.actors[m.ident].umbrella), None)
    if a2 is None and a1 is not None:
        t0 = cand.token.idx
        # "seized Palmyra, a day after activists said it had been liberated from IS": an actor of
        # another clause is not the event's second party
        after = [m for m in usable if m.start >= t0 and m.ident != a1.ident and m is not a1
                 and not other_clause(cand, m.start)
                 and not kb.role_rx["support_before"].search(sent_text[max(0, m.start - 50):m.start])]
        a2 = after[0] if after else None
    if a1 is not None:
        a1, a2 = _umbrella(kb, usable, sent_text, a1, a2)
    if cand.entry.cls.name == "explosive":
        victims = victim_spans(cand, kb.victim_verbs)
        a1, a2 = bomb_roles(kb, usable, sent_text, a1, a2, victims,
                             None if cand.agents or cand.between else cand.token.idx)
        if a2 is None:  # "two soldiers were killed when their vehicle hit a mine": the soldiers were its target
            a2 = next((m for m in named if _in(victims, m) and kb.actors[m.ident].armed and m is not a1), None)
    if a1 is not None and cand.entry.lemma in kb.repelling and kb.role_rx["doer_before"].search(sent_text[max(0, a1.start - 30):a1.start]):
        # "X attacked near Y but were repelled by Z": the side the passive is told of (it attacked) comes first,
        # as in the active "Z repelled an attack by X" Z does
        other = next((m for m in named if m.ident != a1.ident and m.end <= a1.start and kb.actors[m.ident].armed), None)
        if other is not None:
            a1, a2 = other, a1
    if a2 is not None and a1 is not None and a2.ident == a1.ident:
        a2 = None
    return a1, a2


def _umbrella(kb: ActorKB, usable: list[ActorMention], text: str, a1: ActorMention,
              a2: Optional[ActorMention]) -> tuple[ActorMention, Optional[ActorMention]]:
    """An operation or coalition the text says a side fights under is that side (``umbrella``):
    "JWS, operating under Operation Peace Spring", "Turkish forces and JWS, which operate under
    Operation Peace Spring" (the operation, whoever its members are: a state's forces only when the
    text says they operate in it, role_cues ``umbrella_members``); the side it follows may be the
    second one ("regime forces clashed with pro-Turkish fighters operating as part of ...")."""
    rx = kb.role_rx
    for m in usable:
        if not (kb.actors[m.ident].umbrella and m.ident != a1.ident and a1.end <= m.start <= a1.end + 90
                and rx["umbrella_cue"].search(text[max(0, m.start - 40):m.start])):
            continue
        members = bool(rx["umbrella_members"].search(text[max(0, m.start - 40):m.start]))
        state = kb.actors[a1.ident].actor_type == "state forces"
        if a2 is not None and a1.end <= a2.start < m.start and not rx["coordinated"].match(text[a1.end:a2.start]):
            # the operation follows the second side: it is the second side's
            if members or kb.actors[a2.ident].actor_type != "state forces":
                a2 = ActorMention(m.start, m.end, m.ident, m.text)
            return a1, a2
        if state and not members:
            return a1, a2  # "clashes between Turkish forces and YPG as part of ...": the operation of the whole fight
        first = a1.start
        a1 = ActorMention(m.start, m.end, m.ident, m.text)
        if a2 is not None and first <= a2.start < a1.start:
            a2 = None  # a member named with the first ("Turkish forces and JWS, ...") is not the other side
        if a2 is None or a2.ident == a1.ident:
            # "between factions under Operation Peace Spring and the QSD": the other side is
            # the next one named after the umbrella
            a2 = next((o for o in usable if o.start >= a1.end and o.ident != a1.ident
                       and not rx["support_before"].search(text[max(0, o.start - 50):o.start])), None)
        return a1, a2
    return a1, a2


def bomb_roles(kb: ActorKB, usable: list[ActorMention], text: str, a1: Optional[ActorMention],
                a2: Optional[ActorMention], victims: Optional[list[tuple[int, int]]] = None,
                unparsed_at: Optional[int] = None) -> tuple[Optional[ActorMention], Optional[ActorMention]]:
    """A mine's or a bomb's actors: who laid it when the sentence says so ("planted by X", "X
    claimed responsibility"); forces named where it went off ("an explosion at the police
    station") or as what struck it ("a patrol hit a landmine") are its target, and then the one
    who laid it is unnamed (ACLED's unidentified armed group), and so are those it harmed
    (``victims``: "peacekeepers were hurt when their vehicle hit a mine"). ``unparsed_at``: where
    a blast the parse gives no doer is named; forces named after it are where it went off
    ("explosions occurred at three police booths")."""
    rx = kb.role_rx
    layer = next((m for m in usable if rx["layer_before"].search(text[max(0, m.start - 60):m.start])
                  or rx["layer_after"].match(text[m.end:m.end + 60])), None)
    if layer is not None:
        others = [m for m in (a1, a2) if m is not None and m.ident != layer.ident]
        return layer, (others[0] if others else None)
    if a1 is not None and (rx["struck_after"].match(text[a1.end:a1.end + 60])
                           or rx["site_before"].search(text[max(0, a1.start - 40):a1.start])
                           or (victims is not None and _in(victims, a1))
                           or (unparsed_at is not None and a1.start > unparsed_at)):
        return None, (a2 if a2 is not None and kb.actors[a2.ident].armed and not kb.actors[a1.ident].armed else a1)
    return a1, a2


def home_first(kb: ActorKB, cand: Candidate, a1: Optional[ActorMention], a2: Optional[ActorMention],
               country: Optional[str], text: str = "") -> tuple[Optional[ActorMention], Optional[ActorMention]]:
    """A fight told with no side as its doer ("clashes between rebels and the army", "militants and
    soldiers clashed") has the country's own state forces first, ACLED's order for two sides of equal
    standing; a side that attacked the other ("rebels attacked an army post") keeps its place."""
    if a1 is None or a2 is None:
        return a1, a2
    # "clashes continued between X and Y": a "between" the parse hung on another word
    told = bool(text) and kb.role_rx["between_before"].search(text[max(0, a1.start - 30):a1.start]) is not None \
        and a2.start > a1.end and kb.role_rx["coordinated"].match(text[a1.end:a2.start]) is not None
    if not (cand.between or len(cand.agents) > 1 or told):
        return a1, a2
    if not told and cand.between and not _in(cand.between, a2) and not _in(cand.agents, a2):
        return a1, a2
    if not told and not cand.between and not _in(cand.agents, a2):
        return a1, a2
    if _home_state(kb, a2, country) and not _home_state(kb, a1, country):
        return a2, a1
    return a1, a2


def community_words(kb: ActorKB, words: str) -> bool:
    """Whether ``words`` name the people of a community ("farmers", "villagers", "the residents"):
    armed and fighting, they are the codebook's communal militia (role_cues ``community``)."""
    low = norm(words)
    return any(low == w or low.endswith(" " + w) for w in kb.community_words)


def layer_phrases(kb: ActorKB, text: str) -> list[ActorMention]:
    """The actors a sentence names as who laid or claimed a bomb ("planted by IS militants")."""
    rx = kb.role_rx
    return [m for m in actor_mentions(kb, text, None)[0]
            if rx["layer_before"].search(text[max(0, m.start - 60):m.start]) or rx["layer_after"].match(text[m.end:m.end + 60])]


def victims_context(lex: TriggerLexicon, kb: ActorKB, text: str, context: str,
                    doer: Optional[ActorMention]) -> str:
    """The words that may tell whom an event struck: who laid a bomb is left out ("planted by IS
    militants"), and so is the doer where people were hurt ("Israeli drones struck a group, killing
    8 Palestinians": the drones are no armed target)."""
    context = without(context, layer_phrases(kb, text))
    # (who laid it, named or not: "The IED was presumably planted by Katiba Salaheddine militants")
    context = kb.role_rx["layer_phrase"].sub(lambda m: " " * len(m.group(0)), context)
    harm = lex.subtypes.harm
    if harm["hurt"].search(context) and not harm["unhurt"].search(context):
        context = without(context, [doer])
    return context


def without(text: str, mentions: list[Optional[ActorMention]]) -> str:
    """``text`` with the words of ``mentions`` (sentence offsets, the sentence first in ``text``) blanked."""
    for m in mentions:
        if m is not None and 0 <= m.start < m.end <= len(text):
            text = text[:m.start] + " " * (m.end - m.start) + text[m.end:]
    return text


def crowd_police(kb: ActorKB, event_type: str, m: Optional[ActorMention]) -> Optional[ActorMention]:
    """Forces named only by words that fit any of them ("security forces") facing a crowd are its
    police: ACLED codes who polices protests and riots as the police forces."""
    words = norm(m.text) if m is not None else ""
    if m is None or event_type not in ("Protests", "Riots") or not any(
            words == w or words.endswith(" " + w) for w in kb.crowd_police_words):
        return m
    ident = {"state-military": "state-police"}.get(m.ident) or (
        m.ident[:-len("military")] + "police" if _STATE_ID.match(m.ident) and m.ident.endswith("-military") else m.ident)
    return ActorMention(m.start, m.end, ident, m.text) if ident in kb.actors else m


def air_arm(kb: ActorKB, sub_event_type: str, m: Optional[ActorMention], country: Optional[str],
            context: str = "") -> Optional[ActorMention]:
    """An air or drone strike of a state whose air arm ACLED names apart in the event's country
    ("Military Forces of Russia (2000-) Air Force" in Ukraine) is that unit's, and so are its
    drones and aircraft shot down (``context``: the words of a disrupted weapons use)."""
    if m is None or (m.ident, country) not in kb.air_arms:
        return m
    if sub_event_type != "Air/drone strike" and not (
            sub_event_type == "Disrupted weapons use" and kb.role_rx["aircraft"].search(context)):
        return m
    return ActorMention(m.start, m.end, kb.air_arms[(m.ident, country)], m.text)


def victim_spans(cand: Candidate, verbs: frozenset[str]) -> list[tuple[int, int]]:
    """Sentence spans of the subjects of passives of harm ("soldiers were killed", "a convoy was
    hit"): the ones harmed, whom the clause names no attacker for unless it says "by" whom."""
    doc = getattr(cand.token, "doc", None)
    if doc is None:
        return []
    out = []
    for w in doc:
        lemma = w.head.lemma_.lower()
        if w.dep_ == "nsubjpass" and (lemma in verbs or lemma + "e" in verbs):  # (a stemmed "injur")
            out.append((w.left_edge.idx, w.right_edge.idx + len(w.right_edge)))
    return out


def _finite_clause(w) -> bool:
    """A reported or subordinate clause: the content of a saying ("claimed it had been ...") or a
    clause with its own subject under a subordinator ("after activists claimed ...")."""
    if w.pos_ not in ("VERB", "AUX"):
        return False
    if w.dep_ == "ccomp":
        return True
    kids = [c.dep_ for c in w.children]
    return "mark" in kids and any(d in ("nsubj", "nsubjpass", "expl") for d in kids)


def other_clause(cand: Candidate, start: int) -> bool:
    """Whether the word at sentence offset ``start`` belongs to another clause than the trigger's:
    a reported or subordinate clause stands between it and the trigger (or the verb whose object the
    trigger is) in the parse. Participles ("..., killing two soldiers") continue the trigger's clause."""
    tok = cand.token
    doc = getattr(tok, "doc", None)
    if doc is None:
        return False
    t = next((w for w in doc if w.idx <= start < w.idx + len(w)), None)
    if t is None:
        return False
    clause = tok.head if tok.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj", "attr") and tok.head.pos_ in ("VERB", "AUX") \
        else tok
    path = []
    cur = t
    for _ in range(40):
        if cur.i in (tok.i, clause.i):
            # (entered through its subject, the clause only predicates something of the mention's phrase)
            return any(_finite_clause(w) and path[k].dep_ not in ("nsubj", "nsubjpass")
                       for k, w in enumerate(path[1:]))
        path.append(cur)
        if cur.head.i == cur.i:
            break
        cur = cur.head
    return False  # the trigger hangs below the word (a relative clause of its agent): the same event


def noun_phrase(kb: ActorKB, words: str) -> str:
    """An actor's words without the date a parse may have glued to them ("15 February 2020
    pro-Houthi forces" is "pro-Houthi forces"); nothing when they are only a date."""
    rx = kb.role_rx
    words = rx["leading_date"].sub("", words.strip()).strip(" ,;:")
    words = rx["determiner"].sub("", words)
    return "" if rx["date_only"].match(words) else words


def unknown_agent(kb: ActorKB, cand: Candidate, sent_text: str) -> Optional[Actor]:
    """The agent's words when no known actor is in them, with a type guessed from its nouns (an
    armed noun, or a name like a group's: an acronym that is no weapon's, "... Guerrilla Force")."""
    rx = kb.role_rx
    for a, b in cand.agents:
        words = noun_phrase(kb, sent_text[a:b])
        if not words or len(words) > 60:
            continue
        low = words.lower()
        if low in kb.pronouns:
            continue
        nouns = set(re.findall(r"[a-z]+", low))
        guess = "rebel group" if nouns & kb.armed_nouns or rx["group_name"].search(rx["weapon_acronym"].sub("", words)) else None
        return Actor(name=words, mention=words, actor_type=guess, known=False)
    return None


def is_armed(kb: ActorKB, m: Optional[ActorMention], cand: Candidate, sent_text: str,
             spans: Optional[list[tuple[int, int]]] = None) -> bool:
    """Whether ``m`` (else the agent's words, or those of ``spans``) names an armed actor."""
    if m is not None:
        return kb.actors[m.ident].armed
    for a, b in cand.agents if spans is None else spans:
        if set(re.findall(r"[a-z]+", sent_text[a:b].lower())) & kb.armed_nouns:
            return True
    return False


def harms_civilians(lex: TriggerLexicon, kb: ActorKB, cand: Candidate, et: str, st: str, context: str) -> bool:
    """Whether an event that names no second party struck civilians: a strike or a blast on
    houses, people, a market (ACLED's civilians), or a mob that set on someone rather than a fight
    of two crowds (the words: subtypes.yaml, ``harm``)."""
    harm = lex.subtypes.harm
    if et == "Explosions/Remote violence":
        context = harm["possessive"].sub("", context)  # "People's Defense Force" names no people
        if harm["armed"].search(context):
            return False
        # people named, or people hurt ("leaving injuries", "killing 4") where no forces were hit; buildings struck
        # with no one hurt ("damaging houses. There were no casualties") name no victims (ACLED codes no actor 2)
        unhurt = harm["unhurt"].search(context)
        named = [m.group(0) for m in harm["civilian"].finditer(context)]
        if kb.role_rx["nobody_hurt"].search(context) and not harm["civilian"].search(kb.role_rx["property"].sub(" ", context)) \
                or kb.role_rx["nobody_hurt"].search(context) and named and all(norm(w) in kb.property_targets for w in named):
            return False
        return bool(named) or bool(harm["hurt"].search(context) and not unhurt)
    if et == "Riots" and st == "Mob violence":
        return not (cand.between or cand.entry.cls.name == "clash" or harm["crowd_fight"].search(context))
    return False


def _home_state(kb: ActorKB, m: Optional[ActorMention], country: Optional[str]) -> bool:
    """State forces acting in their own country (a foreign army is not 'the government')."""
    if m is None:
        return False
    a = kb.actors[m.ident]
    if a.actor_type != "state forces" and a.id not in ("sy-ndf",):
        return False
    return a.template or a.country is None or country is None or a.country == country


def resolve_sub_type(lex: TriggerLexicon, kb: ActorKB, cand: Candidate, a1: Optional[ActorMention],
                     a2: Optional[ActorMention], context: str, country: Optional[str] = None) -> tuple[str, str, dict]:
    """(event_type, sub_event_type, attrs) for the chosen trigger in its context."""
    cls = cand.entry.cls
    et, st = cls.event_type, cand.entry.sub_event_type or cls.sub_event_type
    attrs: dict = {}
    low = context.lower()
    t1 = kb.actors[a1.ident].actor_type if a1 else None
    t2 = kb.actors[a2.ident].actor_type if a2 else None
    if cls.resolve == "territory" and cand.entry.lemma in ("seize", "seizure", "capture") and cand.patients \
            and lex.subtypes.seizes_weapons(" ".join(context[a:b] for a, b in cand.patients if b <= len(context))):
        return "Strategic developments", "Disrupted weapons use", {}  # weapons seized, not ground taken
    if cls.resolve == "territory":
        brief = any(ch.lower_ in ("briefly", "temporarily", "momentarily") for ch in cand.token.children)
        if cand.attempt or brief or re.search(r"\b(?:thwart|repel|repuls|foil|fail)", low):
            return "Battles", "Armed clash", {"attempt": True}
        sentence = cand.token.sent.text if hasattr(cand.token, "sent") else context
        if lex.subtypes.handed_over.search(sentence) and not lex.subtypes.ground_fight.search(
                lex.subtypes.handed_over.sub(" ", sentence)):  # ("after they retreated following heavy fighting"; not
            # "without fighting")
            # "took control of the town after the army withdrew": ground changing hands without a fight
            return "Strategic developments", "Non-violent transfer of territory", {"kind": "withdrawal"}
        st = "Government regains territory" if _home_state(kb, a1, country) else "Non-state actor overtakes territory"
        if t2 == "civilians" and cand.patients and not any(a <= a2.start and a2.end <= b for a, b in cand.patients):
            t2 = None  # civilians named elsewhere in the sentence ("rule by the Assad family") were not taken
        taken = " ".join(context[a:b] for a, b in cand.patients if b <= len(context))
        if t2 is None and cand.entry.lemma in ("capture", "seize") and lex.subtypes.people_taken(taken):
            t2 = "civilians"  # "gunmen seized two foreign engineers": people, not ground
        if t2 in ("civilians",) or (a2 and cand.entry.lemma in ("capture", "seize") and kb.actors[a2.ident].armed
                                     and not lex.subtypes.ground_objects.search(low)):
            if _home_state(kb, a1, country):
                return "Strategic developments", "Arrests", {}
            if t2 == "civilians":
                return "Violence against civilians", "Abduction/forced disappearance", {}
            return "Battles", "Armed clash", {}
    elif cls.resolve == "target":
        rules = lex.subtypes
        agent_words = " ".join(context[a:b] for a, b in cand.agents if b <= len(context)).lower()
        used = rules.instrument(cand.token).lower()
        weapon = _weapon(lex, used) or _weapon(lex, agent_words)
        sentence = cand.token.sent.text if hasattr(cand.token, "sent") else context
        if rules.premature.search(sentence):
            # "two militants were killed while in the process of planting a mine": the codebook's disrupted weapons use
            return "Strategic developments", "Disrupted weapons use", attrs
        if _weapon(lex, sentence.lower()) == "Chemical weapon":
            weapon = "Chemical weapon"  # "victims of the attack showed signs of chlorine poisoning": the agent names the attack
        if weapon is not None and not rules.ground_fight.search(used):
            # (with small arms and machine guns among them, a ground fight: "fired on with mortars and small arms")
            # "attacked the convoy with landmines", "a mine attack", "warplanes targeted a house":
            # the weapon (or the aircraft, the artillery that acts) makes it an explosion
            return "Explosions/Remote violence", weapon, attrs
        patient_text = " ".join(context[a:b] for a, b in cand.patients if b <= len(context))
        known = None if a2 is None else "civilian" if t2 in ("civilians", "protesters") else \
            "armed" if kb.actors[a2.ident].armed else None
        if known == "armed" and any(a <= a2.start and a2.end <= b and rules.civilian_targets.search(context[a2.start:b])
                                    for a, b in cand.patients):
            known = None  # "3 Fulani pastoralists", "a Degodia herdsman": the group names whose people they are
            # (and only an armed word of the phrase makes them combatants: "Fulani militiamen")
        if known == "armed" and kb.actors[a2.ident].actor_type == "identity militia" and rules.civilian_targets.search(
                context[a2.start:a2.end] + " " + " ".join(context[a2.end:a2.end + 30].split()[:1])):
            known = None  # "wounded two Dogon herders" (named after the trigger's own object): people, not the militia
        tail = " ".join(context[b:b + 40] for a, b in cand.patients if b <= len(context))  # "(assumed off-duty)"
        target = rules.target(patient_text, low, known, tail, agent_words)
        if t1 == "state forces" and target != "armed" and rules.demonstration.search(sentence):
            # "police shot two people during protests": force used on a demonstration (a riot's, when the
            # demonstrators were violent themselves)
            return ("Riots", "Violent demonstration", attrs) if rules.crowd_violence.search(context) else \
                ("Protests", "Excessive force against protesters", attrs)
        if t1 == "state forces" and target != "armed" and rules.crowd_control.search(sentence) \
                and not rules.deaths.search(context):
            # "police fired tear gas at supporters gathered outside the commission": a crowd met with force
            # short of lethal, the codebook's protest with intervention
            return ("Riots", "Violent demonstration", attrs) if rules.crowd_violence.search(context) else \
                ("Protests", "Protest with intervention", attrs)
        if target == "civilian":
            et, st = "Violence against civilians", "Attack"
        elif target == "armed" or cls.name == "attack" or (a1 and kb.actors[a1.ident].armed and a2 is not None):
            et, st = "Battles", "Armed clash"
        else:
            et, st = "Violence against civilians", "Attack"
    elif cls.resolve == "weapon" or cls.name == "grenade":
        sentence = cand.token.sent.text if hasattr(cand.token, "sent") else context
        if lex.subtypes.premature.search(sentence) or lex.subtypes.made_safe.search(sentence):
            # "an IED exploded while militants were planting it", "bomb disposal experts detonated the
            # device": the codebook's disrupted weapons use
            return "Strategic developments", "Disrupted weapons use", attrs
        if lex.subtypes.ground_fight.search(sentence) and cls.name != "air":
            # "shelled, assaulted and were repulsed", "mortars, grenade launchers and small arms": a ground fight
            return "Battles", "Armed clash", attrs
        # (the trigger's own sentence names its weapon first: an airstrike told with explosives found after it)
        found = _weapon(lex, sentence.lower()) or _weapon(lex, low)
        if cls.name == "air" and found in ("Remote explosive/landmine/IED", "Grenade") and _weapon_named(lex, cls.sub_event_type, sentence.lower()):
            found = cls.sub_event_type  # a grenade or explosives dropped from a drone: the codebook's air/drone strike
        st = found or st if cls.resolve == "weapon" else st
    elif cls.name == "mob":
        # stones thrown, a lynching: a riot by its setting (a demonstration, else a mob's)
        agent_words = " ".join(context[a:b] for a, b in cand.agents if b <= len(context))
        return "Riots", lex.subtypes.riot_kind(context, agent_words), attrs
    elif cls.name == "abduction" and lex.subtypes.abduction_killed(cand.token):
        return "Violence against civilians", "Attack", attrs
    elif cls.resolve == "protest":
        kind = lex.subtypes.protest_kind(lex.protest_cues, context)
        if kind == "violent" or et == "Riots":
            et, st = "Riots", "Violent demonstration"  # a riot is never a peaceful protest
        elif kind == "excessive":
            et, st = "Protests", "Excessive force against protesters"
        elif kind == "intervention":
            et, st = "Protests", "Protest with intervention"
        else:
            et, st = "Protests", "Peaceful protest"
    elif cls.name == "arrest" and lex.subtypes.demonstration.search(
            " ".join(context[a:b] for a, b in cand.patients if b <= len(context))):
        # "police arrested a dozen protesters": the codebook's protest with intervention (arrests at a demonstration)
        return "Protests", "Protest with intervention", attrs
    elif cls.name == "arrest" and a1 is not None and not _home_state(kb, a1, country) and kb.actors[a1.ident].armed:
        # a foreign army or an armed group "arresting" people: a clash with fighters, else an abduction (whom it took
        # decides, not the armed words of its own name: "the gunmen apprehended the group")
        taken = " ".join(context[a:b] for a, b in cand.patients if b <= len(context))
        said = lex.subtypes.target(taken, low, None) if taken else None
        if said is None:  # "7 others arrested" after "3 IS militants killed": the people the rest of the report names
            agents = " ".join(context[a:b] for a, b in cand.agents if b <= len(context)).lower()
            said = lex.subtypes.target(low.replace(agents, " ") if agents else low, "", None)
        if t2 != "civilians" and ((a2 is not None and kb.actors[a2.ident].armed) or said == "armed"):
            return "Battles", "Armed clash", {}
        return "Violence against civilians", "Abduction/forced disappearance", {}
    elif cls.resolve == "agreement":
        attrs["agreement_status"] = "reached"
    elif cls.resolve == "negotiation":
        attrs["agreement_status"] = "negotiating"
    riot = _crowd_riot(lex, kb, cand, a1, et, st, context)
    if riot is not None:
        return "Riots", riot, attrs
    if cls.name == "siege":
        attrs["kind"] = "siege"
    if cls.name == "security" and a1 is not None and kb.actors[a1.ident].armed and not _home_state(kb, a1, country):
        st = "Other"  # a curfew or a ban an armed group imposes: the codebook's non-violent activity, not state security

    if cls.name == "transfer":
        attrs["kind"] = "withdrawal" if cand.entry.lemma in ("withdraw", "withdrawal", "pull", "pullout", "retreat", "abandon") else "evacuation"
    return et, st, attrs


_OF_PHRASE = re.compile(r"\s+(?:of|from)\s+[^,.;()]{1,40}")


def _weapon_named(lex: TriggerLexicon, sub: str, low: str) -> bool:
    """Whether ``low`` holds a weapon word of the sub-type ``sub`` ("drone" for an air/drone strike)."""
    return any(re.search(r"\b" + re.escape(w), low) for s, words in lex.weapon_cues if s == sub for w in words)


def _weapon(lex: TriggerLexicon, low: str) -> Optional[str]:
    """The Explosions/Remote violence sub-type the first group of weapon words found in ``low`` gives."""
    for sub, words in lex.weapon_cues:
        if any(re.search(r"\b" + re.escape(w), low) for w in words):
            return sub
    return None


def _crowd_riot(lex: TriggerLexicon, kb: ActorKB, cand: Candidate, a1: Optional[ActorMention], et: str, st: str,
                context: str) -> Optional[str]:
    """The riot sub-type when the event's agent is a crowd (code/subtypes.py), else None."""
    parts = []
    for a, b in cand.agents:
        if b <= len(context):
            of = _OF_PHRASE.match(context[b:])  # "a number of residents", "two families of farmers"
            parts.append(context[a:b] + (of.group(0) if of else ""))
    agent_words = " ".join(parts)
    known = kb.actors[a1.ident] if a1 is not None and (not cand.agents or _in(cand.agents, a1)) else None
    crowd = lex.subtypes.crowd_head(agent_words)
    # "supporters of two candidates, one from Jubo League": the crowd heads the phrase, the party it follows does not arm it
    armed_named = any(kb.actors[i].armed and kb.actors[i].actor_type not in lex.subtypes.crowd_types
                      and (crowd is None or x < crowd.start())
                      for x, _, k, i in kb.find(agent_words) if k == "actor")
    kind = known.actor_type if known is not None else None
    sides = " ".join([agent_words] + [context[a:b] for a, b in cand.patients + cand.between if b <= len(context)])
    return lex.subtypes.crowd_riot(et, st, kind, agent_words, armed_named, context, sides, cand.entry.cls.name == "clash")


def claimed_layer(kb: ActorKB, text: str, start: int, spans: list[tuple[int, int]],
                  country: Optional[str]) -> Optional[ActorMention]:
    """Who a following sentence says laid a bomb ("The local PDF groups claimed responsibility",
    "the bomb was planted by military forces"), in offsets relative to the bomb's sentence."""
    rx = kb.role_rx
    for a, b in spans:
        sent = text[a:b]
        for m in actor_mentions(kb, sent, None, country)[0]:
            if rx["layer_before"].search(sent[max(0, m.start - 60):m.start]) or rx["layer_after"].match(sent[m.end:m.end + 60]):
                return ActorMention(m.start + a - start, m.end + a - start, m.ident, m.text)
    return None


def continuation_mentions(kb: ActorKB, text: str, start: int, spans: list[tuple[int, int]],
                          country: Optional[str]) -> list[ActorMention]:
    """The actor mentions of the sentences continuing one (document spans), in offsets relative
    to that sentence's ``start``."""
    out = []
    for a, b in spans:
        out += [ActorMention(m.start + a - start, m.end + a - start, m.ident, m.text)
                for m in actor_mentions(kb, text[a:b], None, country)[0]]
    return out


def protest_actors(kb: ActorKB, et: str, st: str, mentions: list[ActorMention]) -> tuple[Optional[str], Optional[str]]:
    """Actor ids for protests and riots: demonstrators first, state forces second when they intervened."""
    first = "rioters" if et == "Riots" and st == "Violent demonstration" else "protesters"
    second = None
    if st != "Peaceful protest":
        # the police before the army ("denouncing the military coup" names what is protested)
        forces = [m for m in mentions if kb.actors[m.ident].actor_type == "state forces"
                  or kb.actors[m.ident].id in ("unidentified", "sadrists")]
        police = [m for m in forces if m.ident.endswith("police") or kb.actors[m.ident].state_role == "police"]
        if police or forces:
            second = (police or forces)[0].ident
    return first, second


def event_date(mentions, ref: Optional[date]):
    """The first resolvable date of a sentence, preferring those naming a day."""
    good = [d for d in mentions if d.value is not None]
    if not good:
        return None
    # a named day ("around 17 December (week of)" is a week's date but names its day) before a relative one
    day = [d for d in good if d.named_day] or [d for d in good if d.precision == "day"]
    return (day or good)[0]
