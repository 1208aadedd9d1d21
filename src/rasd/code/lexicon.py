"""The coder's data: ontology, trigger lexicon and actor knowledge base, loaded from
the YAML files in ``code/data/`` into plain objects (built once, passed to stages)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional

from ..records import Actor
from . import dataload as dl
from .dataload import Key
from .rules import named_list, sections
from .states import Countries
from .subtypes import SubtypeRules


# triggers.yaml: the classes (language-independent) and each language's words (see the file's comments)
_WORDS = dl.list_of(dl.text)
_TRIGGER = dl.record({
    "lemma": Key(dl.text, True), "class": Key(dl.text, True), "pos": Key(dl.list_of(dl.one_of("VERB", "NOUN", "ADJ", "PROPN"))),
    "forms": Key(_WORDS), "governors": Key(_WORDS), "particle": Key(dl.text), "needs_prep": Key(_WORDS),
    "agent_prep": Key(dl.text), "not_objects": Key(_WORDS), "objects": Key(_WORDS), "requires": Key(dl.one_of("armed_agent", "unarmed_agent", "agent", "weapons_object")),
    "sub_event_type": Key(dl.text), "no_modifier": Key(dl.flag), "purposes": Key(_WORDS)})
_TRIGGER_CLASS = dl.record({
    "event_type": Key(dl.text, True), "sub_event_type": Key(dl.text, True), "priority": Key(dl.integer, True),
    "resolve": Key(dl.one_of("fixed", "territory", "target", "weapon", "protest", "agreement", "negotiation"), True),
    "strong": Key(dl.flag)})
_MODALITY = ("hypothetical_governors", "attempt_governors", "negators", "uncertain", "denial", "claim_verbs",
             "subordinating_preps")
_TRIGGER_WORDS = dl.record({
    "triggers": Key(named_list(_TRIGGER, "lemma"), True),
    "weapon_cues": Key(dl.list_of(dl.record({"sub_event_type": Key(dl.text, True), "words": Key(_WORDS, True)})), True),
    "protest_cues": Key(dl.record({k: Key(_WORDS, True) for k in ("violent", "excessive", "intervention")}), True),
    "modality": Key(dl.record({k: Key(_WORDS, True) for k in _MODALITY}), True),
    "companion_words": Key(_WORDS, True), "rule_lemmas": Key(_WORDS, True),
    "labels": Key(dl.mapping(dl.text, _WORDS)), "sequel_adverbs": Key(_WORDS)})
_PRECEDENCE = dl.record({"prefer": Key(dl.text, True), "over": Key(_WORDS, True),
                         "where": Key(dl.one_of("sentence", "object", "grievance", "sequel"), True)})
_TRIGGERS_FILE = sections({"classes": Key(dl.keyed(_TRIGGER_CLASS, dl.text), True),
                           "precedence": Key(dl.list_of(_PRECEDENCE))}, _TRIGGER_WORDS)


_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "-": " ", "‐": " ", "–": " ", "—": " "})


def norm(text: str) -> str:
    """Lower case, quotes and hyphens folded, spaces squeezed: the form aliases are matched in."""
    return " ".join(text.lower().translate(_FOLD).split())


# ----------------------------------------------------------------------------- ontology
@dataclass
class Ontology:
    types: dict[str, list[str]]  # event type -> its sub-event types
    inter_codes: dict[str, int]

    @classmethod
    def load(cls) -> "Ontology":
        event_type = dl.record({"violent": Key(dl.flag, True), "about": Key(dl.text, True),
                                "sub_event_types": Key(dl.mapping(dl.text, dl.text), True)})
        d = dl.read("ontology.yaml", dl.record({"event_types": Key(dl.keyed(event_type, dl.text), True),
                                                "inter_codes": Key(dl.mapping(dl.text, dl.integer), True)}))
        return cls({k: list(v["sub_event_types"]) for k, v in d["event_types"].items()}, dict(d["inter_codes"]))

    def type_of(self, sub_event_type: str) -> Optional[str]:
        for t, subs in self.types.items():
            if sub_event_type in subs:
                return t
        return None


# ----------------------------------------------------------------------------- triggers
@dataclass
class TriggerClass:
    name: str
    event_type: str
    sub_event_type: str
    priority: int
    resolve: str
    strong: bool = False


@dataclass
class TriggerEntry:
    lemma: str
    cls: TriggerClass
    pos: Optional[tuple[str, ...]] = None
    governors: Optional[tuple[str, ...]] = None
    particle: Optional[str] = None
    needs_prep: Optional[tuple[str, ...]] = None
    agent_prep: Optional[str] = None
    requires: Optional[str] = None
    sub_event_type: Optional[str] = None
    forms: tuple[str, ...] = ()
    not_objects: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()  # the token only counts with one of these objects ("broke up the rally")
    no_modifier: bool = False  # not as a noun's modifier ("riot police", "riot gear")
    purposes: tuple[str, ...] = ()  # the token only counts with one of these purposes ("gathered to demand")


@dataclass
class TriggerLexicon:
    classes: dict[str, TriggerClass]
    by_lemma: dict[str, list[TriggerEntry]]
    weapon_cues: list[tuple[str, tuple[str, ...]]]
    protest_cues: dict[str, tuple[str, ...]]
    modality: dict[str, tuple[str, ...]]
    companions: tuple[str, ...] = ()
    rule_lemmas: tuple[str, ...] = ()  # lemmas the coder's rules look at besides the triggers'
    subtypes: Optional[SubtypeRules] = None  # the codebook's sub-type rules (subtypes.yaml)
    # (preferred class, classes it wins over, "sentence" or "object"): triggers.yaml's precedence
    precedence: tuple[tuple[str, frozenset[str], str], ...] = ()
    labels: dict[str, str] = field(default_factory=dict)  # a note's opening label (lower case) -> trigger class
    sequel_adverbs: frozenset[str] = frozenset()  # "also", "subsequently": a trigger told as what followed

    def label_class(self, text: str) -> Optional[TriggerClass]:
        """The trigger class a text's opening label names ("Movement of forces: On 5 May, ..."), or None."""
        head, colon, _ = text.lstrip()[:60].partition(":")
        return self.classes.get(self.labels.get(" ".join(head.lower().split()), "")) if colon else None

    @classmethod
    def load(cls, ontology: Optional[Ontology] = None, lang: str = "en", raw: Optional[dict] = None) -> "TriggerLexicon":
        """The lexicon of ``lang`` from triggers.yaml (or ``raw``, its parsed content)."""
        d = dl.read("triggers.yaml", _TRIGGERS_FILE) if raw is None else _TRIGGERS_FILE(raw, dl.Where("triggers.yaml"))
        if lang not in d["languages"]:
            raise dl.DataError(f"triggers.yaml: no section for language {lang!r}")
        words = d["languages"][lang]
        classes = {k: TriggerClass(k, v["event_type"], v["sub_event_type"], v["priority"], v["resolve"],
                                   v.get("strong", False))
                   for k, v in d["classes"].items()}
        if ontology:
            for c in classes.values():
                if ontology.type_of(c.sub_event_type) != c.event_type:
                    raise dl.DataError(f"triggers.yaml: class {c.name}: {c.sub_event_type!r} is not a sub-event of {c.event_type!r}")
        by_lemma: dict[str, list[TriggerEntry]] = {}
        for i, t in enumerate(words["triggers"]):
            if t["class"] not in classes:
                raise dl.Where("triggers.yaml", f"{t['lemma']} #{i + 1}", f"{lang}.triggers.class").fail(
                    f"{t['class']!r} is not a class (known: {', '.join(classes)})")
            e = TriggerEntry(
                lemma=t["lemma"].lower(), cls=classes[t["class"]],
                pos=tuple(t["pos"]) if t.get("pos") else None,
                governors=tuple(t["governors"]) if t.get("governors") is not None else None,
                particle=t.get("particle"), needs_prep=tuple(t["needs_prep"]) if t.get("needs_prep") else None,
                agent_prep=t.get("agent_prep"), requires=t.get("requires"),
                sub_event_type=t.get("sub_event_type"),
                forms=tuple(t.get("forms") or ()), not_objects=tuple(t.get("not_objects") or ()),
                objects=tuple(t.get("objects") or ()),
                no_modifier=t.get("no_modifier", False), purposes=tuple(t.get("purposes") or ()))
            by_lemma.setdefault(e.lemma, []).append(e)
        weapons = [(w["sub_event_type"], tuple(x.lower() for x in w["words"])) for w in words["weapon_cues"]]
        protest = {k: tuple(x.lower() for x in v) for k, v in words["protest_cues"].items()}
        modality = {k: tuple(x.lower() for x in v) for k, v in words["modality"].items()}
        precedence = []
        for i, p in enumerate(d.get("precedence") or ()):
            for name in [p["prefer"]] + p["over"]:
                if name not in classes:
                    raise dl.Where("triggers.yaml", f"#{i + 1}", "precedence").fail(
                        f"{name!r} is not a class (known: {', '.join(classes)})")
            precedence.append((p["prefer"], frozenset(p["over"]), p["where"]))
        labels = {}
        for name, phrases in (words.get("labels") or {}).items():
            if name not in classes:
                raise dl.Where("triggers.yaml", name, f"{lang}.labels").fail(
                    f"{name!r} is not a class (known: {', '.join(classes)})")
            labels.update({" ".join(x.lower().split()): name for x in phrases})
        return cls(classes, by_lemma, weapons, protest, modality, tuple(words.get("companion_words") or ()),
                   tuple(words["rule_lemmas"]), SubtypeRules.load(lang), tuple(precedence), labels,
                   frozenset(x.lower() for x in words.get("sequel_adverbs") or ()))

    def known_lemmas(self) -> set[str]:
        """Every lemma the coder's rules look at (triggers, governors, modality words)."""
        out = set(self.by_lemma)
        for entries in self.by_lemma.values():
            for e in entries:
                out.update(e.governors or ())
                out.update(e.not_objects)
                out.update(e.objects)
        for words in self.modality.values():
            out.update(w for w in words if " " not in w)
        out.update(self.rule_lemmas)
        return out

    def prefilter_keys(self) -> tuple[list[str], list[str]]:
        """Whole-word surface forms of the triggers: (strong, weak). Weak ones are those of
        classes not marked strong and those that count only under conditions (a governing
        verb, a particle, an armed agent): a sentence with weak triggers alone is parsed
        only when it names an armed actor or a crowd."""
        strong, weak = set(), set()
        for lemma, entries in self.by_lemma.items():
            forms = set(inflections(lemma))
            for e in entries:
                forms.update(f.lower() for f in e.forms)
            conditional = all(e.governors or e.particle or e.needs_prep or e.requires or e.not_objects or e.objects
                              or e.purposes or not e.cls.strong for e in entries)
            (weak if conditional else strong).update(forms)
        return sorted(strong), sorted(weak - strong)


def inflections(lemma: str) -> list[str]:
    """Regular English inflections of a verb or noun lemma (over-generating is harmless)."""
    out = [lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"]
    if lemma.endswith("e"):
        out += [lemma[:-1] + "ing"]
    if lemma.endswith("y"):
        out += [lemma[:-1] + "ies", lemma[:-1] + "ied"]
    if len(lemma) >= 3 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
        out += [lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"]
    return out


# ----------------------------------------------------------------------------- actors
_ACTOR_TYPES = ("state forces", "rebel group", "political militia", "identity militia", "rioters", "protesters",
                "civilians", "external forces", "other")
_NAME = dl.record({"name": Key(dl.text, True), "from": Key(dl.day), "to": Key(dl.day)})
_ACTOR = dl.record({
    "id": Key(dl.text, True), "name": Key(dl.text), "type": Key(dl.one_of(*_ACTOR_TYPES)),
    "country": Key(dl.pattern(r"[A-Z]{2}", "an ISO 3166 alpha-2 code")), "template": Key(dl.flag),
    "state_role": Key(dl.one_of("military", "police", "government")), "umbrella": Key(dl.flag),
    "names": Key(dl.list_of(_NAME)), "aliases": Key(_WORDS), "place_aliases": Key(_WORDS),
    "unit_of": Key(dl.text), "unit": Key(dl.text), "unit_until": Key(dl.day), "crowd_aliases": Key(_WORDS),
    "air_arm": Key(dl.list_of(dl.pattern(r"[A-Z]{2}", "an ISO 3166 alpha-2 code"))),
    "operates_in": Key(dl.list_of(dl.pattern(r"[A-Z]{2}", "an ISO 3166 alpha-2 code")))}, ident="id")
_SOURCE = dl.record({"name": Key(dl.text, True), "kind": Key(dl.one_of("observer", "media", "state media", "party"), True),
                     "aliases": Key(_WORDS)}, ident="name")
_MILITIAS = dl.record({"name": Key(dl.text, True), "type": Key(dl.one_of(*_ACTOR_TYPES), True),
                       "nouns": Key(_WORDS, True), "groups": Key(dl.mapping(dl.text, _WORDS), True),
                       "plurals": Key(dl.flag)})


def _regex(v: Any, w: dl.Where) -> str:
    s = dl.text(v, w)
    try:
        re.compile(s.replace("{name}", "x"))
    except re.error as exc:
        raise w.fail(f"not a regular expression ({exc}): {s!r}")
    return s


_NAME_PATTERN = dl.record({"pattern": Key(_regex, True), "name": Key(dl.text, True),
                           "type": Key(dl.one_of(*_ACTOR_TYPES), True), "country": Key(dl.pattern(r"[A-Z]{2}", "an ISO 3166 alpha-2 code"))})
_NAME_PATTERNS = dl.record({"proper_name": Key(_regex, True), "not_names": Key(_WORDS, True),
                            "patterns": Key(dl.list_of(_NAME_PATTERN), True)})
_ROLE_CUES = dl.record({k: Key(_WORDS, True) for k in ("layers", "layer_subjects", "struck", "sites", "affiliation_after",
                                                          "crowd_police", "support_before", "aircraft", "not_party_after",
                                                          "umbrella_members", "coordinators", "community", "between",
                                                          "group_heads", "repelling", "armed_nouns", "group_name_nouns",
                                                          "weapon_acronyms", "pronouns", "determiners", "umbrella_cues",
                                                          "affiliation_prefixes", "affiliation_suffixes", "opposed_prefixes",
                                                          "doer_before", "side_nouns", "kind_words", "bracket_cues",
                                                          "date_lead", "months", "date_words", "property_targets",
                                                          "property_phrases", "property_nouns", "nobody_hurt")})
_ACTORS_FILE = dl.record({"actors": Key(dl.entries(_ACTOR, "id"), True), "sources": Key(dl.entries(_SOURCE, "name"), True),
                          "group_militias": Key(dl.list_of(_MILITIAS)), "victim_verbs": Key(dl.by_language, True),
                          "group_homes": Key(dl.mapping(dl.pattern(r"[A-Z]{2}", "an ISO 3166 alpha-2 code"), _WORDS)),
                          "name_patterns": Key(dl.mapping(dl.pattern(r"[a-z]{2,3}", "a language code"), _NAME_PATTERNS)),
                          "role_cues": Key(dl.mapping(dl.pattern(r"[a-z]{2,3}", "a language code"), _ROLE_CUES))})
_GROUPS_FILE = dl.record({"theatre": Key(dl.text, True), "actors": Key(dl.entries(_ACTOR, "id"), True)})


@dataclass
class ActorEntry:
    id: str
    name: str
    actor_type: str
    country: Optional[str] = None
    template: bool = False
    state_role: Optional[str] = None
    umbrella: bool = False
    names: list[dict] = field(default_factory=list)  # [{name, from, to}] with dates; the last one open
    aliases: list[str] = field(default_factory=list)
    place_aliases: list[str] = field(default_factory=list)  # "Turkey", "Ankara": the actor only as an agent
    derived: list[str] = field(default_factory=list)  # generated aliases ("Kenyan police"): hand-written ones win
    operates_in: list[str] = field(default_factory=list)  # the countries a group fights in (no clue to one of them)
    homes: list[str] = field(default_factory=list)  # the countries a people lives in (group_homes): one is a clue

    def name_at(self, when: Optional[date], country_name: Optional[str]) -> str:
        name = self.name
        if when and self.names:
            for n in self.names:
                lo, hi = n.get("from"), n.get("to")
                if (lo is None or when >= lo) and (hi is None or when < hi):
                    name = n["name"]
        if "{country}" in name:
            name = name.replace("{country}", country_name or "International")
        return name

    @property
    def armed(self) -> bool:
        return self.actor_type in ("state forces", "rebel group", "political militia", "identity militia",
                                   "external forces", "other")


@dataclass
class SourceEntry:
    name: str
    kind: str
    aliases: list[str]


class ActorKB:
    """Actors and sources with alias matching (Aho-Corasick over normalised text)."""

    def __init__(self, actors: list[ActorEntry], sources: list[SourceEntry], countries: Countries,
                 victim_verbs: tuple[str, ...] = (), name_patterns: Optional[dict] = None,
                 role_cues: Optional[dict] = None):
        import ahocorasick

        # words that give an actor its role whatever the parse (actors.yaml, role_cues)
        cues = {k: "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(v, key=len, reverse=True))
                for k, v in (role_cues or {}).items() if v}
        self.crowd_police_words = frozenset(norm(w) for w in (role_cues or {}).get("crowd_police", ()))
        self.community_words = frozenset(norm(w) for w in (role_cues or {}).get("community", ()))
        self.group_heads = frozenset(norm(w) for w in (role_cues or {}).get("group_heads", ()))
        self.repelling = frozenset(w.lower() for w in (role_cues or {}).get("repelling", ()))
        self.armed_nouns = frozenset(w.lower() for w in (role_cues or {}).get("armed_nouns", ()))
        self.pronouns = frozenset(w.lower() for w in (role_cues or {}).get("pronouns", ()))
        self.property_targets = frozenset(norm(w) for w in (role_cues or {}).get("property_targets", ()))
        never = r"(?!x)x"
        self.role_rx = {
            "layer_before": re.compile(rf"\b(?:{cues.get('layers', never)})\s+(?:the\s+)?(?:(?:combined\s+)?forces\s+of\s+(?:the\s+)?)?$", re.I),
            "layer_phrase": re.compile(rf"\b(?:{cues.get('layers', never)})\s[^.;,]*", re.I),
            "layer_after": re.compile(rf"^\s+(?:\w+\s+){{0,2}}?(?:{cues.get('layer_subjects', never)})\b(?!\s+by\b)", re.I),
            "struck_after": re.compile(rf"^[^.;,]{{0,40}}?\b(?:{cues.get('struck', never)})\b", re.I),
            "site_before": re.compile(rf"\b(?:{cues.get('sites', never)})\s+(?:the\s+|a\s+|an\s+|\w+\s+)?(?:[\w'-]+\s+){{0,2}}$", re.I),
            "affiliation_after": re.compile(rf"^-(?:{cues.get('affiliation_after', never)})\b", re.I),
            "support_before": re.compile(rf"\b(?:{cues.get('support_before', never)})\s+(?:the\s+)?(?:[\w'-]+\s+){{0,2}}$", re.I),
            "aircraft": re.compile(rf"\b(?:{cues.get('aircraft', never)})\b", re.I),
            "not_party_after": re.compile(rf"^\s+(?:{cues.get('not_party_after', never)})\b", re.I),
            "between_before": re.compile(rf"\b(?:{cues.get('between', never)})\s+(?:the\s+)?$", re.I),
            "umbrella_members": re.compile(rf"\b(?:{cues.get('umbrella_members', never)})\s+(?:the\s+)?$", re.I),
            # the words joining two names of one side: "Turkish forces and JWS", "Turkish and pro-Turkish fighters"
            "coordinated": re.compile(rf"^\s*,?\s*(?:{cues.get('coordinators', never)})\s+(?:[\w'-]+\s+){{0,2}}$", re.I),
            # (link.py's words, role_cues: see actors.yaml)
            "umbrella_cue": re.compile(rf"\b(?:{cues.get('umbrella_cues', never)})\s+(?:the\s+)?$", re.I),
            "affiliation_before": re.compile(rf"\b(?:{cues.get('affiliation_prefixes', never)})-\s*$", re.I),
            "affiliation_suffix": re.compile(rf"^(?:-|\s)(?:{cues.get('affiliation_suffixes', never)})\b", re.I),
            "opposed_before": re.compile(rf"\b(?:{cues.get('opposed_prefixes', never)})-\s*$", re.I),
            "doer_before": re.compile(rf"\b(?:{cues.get('doer_before', never)})\s+(?:the\s+)?$", re.I),
            "side_after": re.compile(rf"\s+(?:{cues.get('coordinators', never)})\s+(?:(?:{cues.get('affiliation_prefixes', never)})-[\w-]+\s+)?"
                                     rf"(?:(?!{cues.get('kind_words', never)})[\w-]+\s+){{0,3}}?(?:{cues.get('side_nouns', never)})\b", re.I),
            # a capitalised name and a coordinator before a people's group ("Somali and Afar ethnic militias")
            "group_before": re.compile(rf"\b([A-Z][\w'-]*(?:[ -][A-Z][\w'-]*)?)\s+(?:{cues.get('coordinators', never)})\s+$"),
            "bracket_open": re.compile(rf"\s*\((?:[^()]{{0,50}}?\b(?:{cues.get('bracket_cues', never)})\s+)?", re.I),
            "determiner": re.compile(rf"^(?:{cues.get('determiners', never)})\s+", re.I),
            "group_name": re.compile(rf"\b[A-Z][A-Z0-9-]{{1,}}\b|\b[A-Z]\w*(?:\s+[A-Z]\w*)*\s+(?:{cues.get('group_name_nouns', never)})\b"),
            "nobody_hurt": re.compile(rf"\b(?:{cues.get('nobody_hurt', never)})\b", re.I),
            "property_after": re.compile(rf"^\s+(?:{cues.get('property_nouns', never)})\b", re.I),
            "property": re.compile(rf"\b(?:{cues.get('property_phrases', never)})\b", re.I),
            "weapon_acronym": re.compile(rf"\b(?:{cues.get('weapon_acronyms', never)})s?\b"),
        }
        month = rf"(?:{cues.get('months', never)})\.?"
        self.role_rx["leading_date"] = re.compile(
            rf"^(?:(?:{cues.get('date_lead', never)})\s+)*(?:the\s+)?"
            rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{month}|{month}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?)"
            rf"(?:,?\s+\d{{4}})?\s*,?\s*", re.I)
        self.role_rx["date_only"] = re.compile(rf"^(?:{month}|\d{{4}}|\d{{1,2}}|(?:{cues.get('date_words', never)})|,|\s)*$", re.I)

        self.actors = {a.id: a for a in actors}
        # (a state's forces, the event's country) -> the unit its air and drone strikes there are coded to
        self.air_arms: dict[tuple[str, str], str] = {}
        self.crowd_country: dict[str, str] = {}  # a party's supporters -> the party's country
        self.group_forms: dict[str, dict[str, str]] = {}  # a group's name -> its actor of each kind (group_militias)
        self.people_homes: dict[str, str] = {}  # a people's name -> the one country it lives in (group_homes)
        self._adjectives: Optional[re.Pattern] = None  # built on first use (adjectives_in)
        self._adjective_owner: dict[str, str] = {}
        self._clues: Optional[re.Pattern] = None  # built on first use (clues_in)
        self._clue_owner: dict[str, str] = {}
        # actors named by their own words in a pattern ("Darfur communal militia", "the Hlegu PDF"):
        # (regex, ACLED-style name, type, country); entries are made the first time a name is met
        np = name_patterns or {"proper_name": "", "not_names": [], "patterns": []}
        self._not_names = {w.lower() for w in np["not_names"]}
        self._patterns = [(re.compile(p["pattern"].replace("{name}", f"(?P<g>{np['proper_name']})")), p["name"], p["type"],
                           p.get("country")) for p in np["patterns"]]
        self.sources = sources
        self.countries = countries
        # verbs of harm whose passive subject is a victim (link.pick_actors)
        self.victim_verbs: frozenset[str] = frozenset(victim_verbs)
        # (country, role) -> the state's actor of that role ("the army" in Kenya)
        self.states = {(a.country, a.id.rsplit("-", 1)[1]): a for a in actors
                       if a.country and a.id == f"{a.country.lower()}-{a.id.rsplit('-', 1)[-1]}"}
        self._auto = ahocorasick.Automaton()
        table: dict[str, list[tuple[str, str, str]]] = {}  # norm alias -> [(kind, id, case_sensitive_form)]

        def add(alias: str, kind: str, ident: str) -> None:
            key = norm(alias)
            if not key:
                return
            cs = alias if (alias.isupper() and len(alias.replace(".", "")) <= 4) else ""
            vals = table.setdefault(key, [])
            if not any(k == kind and i == ident for k, i, _ in vals):
                vals.append((kind, ident, cs))

        for a in actors:
            for al in [a.name.replace(" ({country})", "").replace("{country}", "").strip()] + a.aliases + \
                    [n["name"] for n in a.names]:
                add(al, "actor", a.id)
        for a in actors:  # generated aliases after every hand-written one: "Syrian National Army" is the SNA
            for al in a.derived:
                add(al, "actor", a.id)
            for al in a.place_aliases:
                add(al, "metonym", a.id)
        for i, s in enumerate(sources):
            for al in [s.name] + s.aliases:
                add(al, "source", str(i))
        for key, vals in table.items():
            self._auto.add_word(key, (key, vals))
        self._auto.make_automaton()
        self._table = table

    @classmethod
    def load(cls, countries: Optional[Countries] = None, lang: str = "en") -> "ActorKB":
        """actors.yaml (generic and hand-written actors, sources), the theatres' groups
        (``data/groups/*.yaml``) and the state actors of every country (countries.yaml)."""
        countries = countries or Countries.load()
        d = dl.read("actors.yaml", _ACTORS_FILE)
        raw = [("actors.yaml", a) for a in d["actors"]]
        for name in dl.listing("groups"):
            raw += [(name, a) for a in dl.read(name, _GROUPS_FILE)["actors"]]
        generated = {s["id"]: s for s in countries.state_actors()}
        # a state actor may be added to by several files (its aliases in each theatre); any other id is one entry
        merged: dict[str, tuple[str, dict]] = {}
        for file, a in raw:
            if a["id"] in merged:
                first_file, first = merged[a["id"]]
                if a["id"] not in generated or set(a) - {"id", "aliases", "place_aliases"}:
                    raise dl.Where(file, a["id"], "id").fail(f"duplicate id (also in {first_file}; a second entry of a "
                                                             "state actor may add aliases only)")
                for k in ("aliases", "place_aliases"):
                    first[k] = list(first.get(k) or []) + list(a.get(k) or [])
                continue
            merged[a["id"]] = (file, dict(a))
        actors: list[ActorEntry] = [_entry(a, generated.get(i), generated, dl.Where(file, i))
                                    for i, (file, a) in merged.items()]
        # a party's activists or supporters in the street are a crowd: rioters (or protesters when peaceful)
        crowd = next((a for a in actors if a.id == "rioters"), None)
        crowd_country: dict[str, str] = {}  # "ODM supporters" -> KE: a clue to the story's country
        for file, a in merged.values():
            if a.get("crowd_aliases"):
                if crowd is None:
                    raise dl.Where(file, a["id"], "crowd_aliases").fail("no generic actor 'rioters' to add them to")
                crowd.aliases += a["crowd_aliases"]
                if a.get("country"):
                    crowd_country.update({norm(w): a["country"] for w in a["crowd_aliases"]})
        seen = set(merged)
        actors += [_entry({"id": i}, s, generated, dl.Where("countries.yaml", i)) for i, s in generated.items()
                   if i not in seen]
        group_forms: dict[str, dict[str, str]] = {}  # "afar" -> {"{group} Ethnic Militia": "afar-ethnic-militia"}
        actors += _peoples(countries)
        homes: dict[str, list[str]] = {}  # a people's name -> the countries it lives in
        for cc, groups in (d.get("group_homes") or {}).items():
            for g in groups:
                homes.setdefault(g, []).append(cc)
        named_groups = set()
        people_homes: dict[str, str] = {}  # a people's name -> its one country ("Dogon" -> ML)
        for spec in d.get("group_militias") or []:
            made = _group_militias(spec, {a for adjs in countries.adjectives.values() for a in adjs})
            actors += made
            for (group, others), entry in zip(spec["groups"].items(), made):
                named_groups.add(group)
                entry.homes = list(homes.get(group, []))
                if len(entry.homes) == 1:
                    people_homes.update({form: entry.homes[0] for form in [group, *others]})
                for form in [group, *others]:
                    group_forms.setdefault(norm(form), {})[spec["name"]] = entry.id
        for g in homes:
            if g not in named_groups:
                raise dl.Where("actors.yaml", g, "group_homes").fail("not a group of group_militias")
        sources = [SourceEntry(s["name"], s["kind"], list(s.get("aliases") or [])) for s in d["sources"]]
        air = {(a["unit_of"], cc): i for i, (file, a) in merged.items() for cc in a.get("air_arm") or ()}
        for i, (file, a) in merged.items():
            if a.get("air_arm") and not a.get("unit_of"):
                raise dl.Where(file, i, "air_arm").fail("only a unit (unit_of) is a state's air arm")
        kb = cls(actors, sources, countries, tuple(d["victim_verbs"].get(lang, ())),
                   (d.get("name_patterns") or {}).get(lang), (d.get("role_cues") or {}).get(lang))
        kb.air_arms = air
        kb.crowd_country = crowd_country
        kb.group_forms = group_forms
        kb.people_homes = people_homes
        return kb

    def armed_aliases(self) -> list[str]:
        """Normalised aliases of armed actors and crowds (the prefilter's companions of weak triggers)."""
        return [k for k, vals in self._table.items()
                if any(kind in ("actor", "metonym") and (self.actors[i].armed or self.actors[i].actor_type in ("protesters", "rioters"))
                       for kind, i, _ in vals)]

    # -- matching ---------------------------------------------------------
    def find(self, text: str, country: Optional[str] = None) -> list[tuple[int, int, str, str]]:
        """Longest non-overlapping alias matches in ``text``: (start, end, kind, id). ``kind`` is
        "actor", "source", or "metonym" for an actor's place alias ("Turkey"), which names the
        actor only as the agent of an event (see ``link.actor_mentions``). An alias of several
        actors ("SNA": Syria's National Army, Somalia's) names the one of ``country`` (the story's)
        when there is one, else the first written.

        ``text`` must keep its length under ``norm`` (hyphens and quotes are folded
        one character for one; runs of spaces are matched only when single)."""
        low = _fold(text)
        found = []
        for end, (key, vals) in self._auto.iter(low):
            start = end - len(key) + 1
            if start > 0 and low[start - 1].isalnum():
                continue
            if end + 1 < len(low) and low[end + 1].isalnum():
                continue
            ok = [(kind, ident) for kind, ident, cs in vals if not cs or text[start:end + 1] == cs]
            if not ok:
                continue
            if country and len(ok) > 1:
                ok.sort(key=lambda v: v[0] == "source" or self.actors[v[1]].country != country)
            found.append((start, end + 1, *ok[0]))
        named = self._named(text)
        found += named
        found.sort(key=lambda m: (-(m[1] - m[0]), m[0], m in named))  # on a tie an alias of the files wins
        taken: list[tuple[int, int, str, str]] = []
        for m in found:
            if all(m[1] <= t[0] or m[0] >= t[1] for t in taken):
                taken.append(m)
        return sorted(taken)

    def adjectives_in(self, text: str) -> list[tuple[str, str, int, int]]:
        """Every people's adjective in ``text`` ("Turkish"): (country, words, start, end)."""
        if self._adjectives is None:
            owner = {a: cc for cc, adjs in self.countries.adjectives.items() for a in adjs if len(a) > 3 and a[0].isupper()}
            self._adjective_owner = owner
            self._adjectives = re.compile(r"\b(" + "|".join(re.escape(a) for a in sorted(owner, key=len, reverse=True)) + r")\b")
        return [(self._adjective_owner[m.group(1)], m.group(1), m.start(), m.end()) for m in self._adjectives.finditer(text)]

    def clues_in(self, text: str) -> list[tuple[str, int, int]]:
        """Names that point to one country (its heads of state and leaders, countries.yaml ``clues``; a
        people that lives in it alone, actors.yaml ``group_homes``), possessive or not ("Gbagbo's",
        "Kibakis"): (country, start, end)."""
        if self._clues is None:
            owner = {w: cc for cc, words in self.countries.clues.items() for w in words}
            # a people of one country named as such ("the Dogon community", "a Turkana village")
            for form, cc in self.people_homes.items():
                owner.setdefault(form, cc)
            self._clue_owner = owner
            self._clues = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(owner, key=len, reverse=True))
                                     + r")(?:['’]?s)?\b") if owner else re.compile(r"(?!x)x")
        return [(self._clue_owner[m.group(1)], m.start(), m.end()) for m in self._clues.finditer(text)]

    def _named(self, text: str) -> list[tuple[int, int, str, str]]:
        """Matches of the name patterns: (start, end, "actor", id), the actor made on first sight."""
        out = []
        for rx, name, kind, country in self._patterns:
            for m in rx.finditer(text):
                if m.groupdict().get("g") is None:  # a fixed name ("local PDF groups")
                    out.append((m.start(), m.end(), "actor", self._named_actor(name, kind, country)))
                    continue
                a = m.start("g")
                words = m.group("g").split(" ")
                while words and words[0].lower() in self._not_names:
                    a += len(words.pop(0)) + 1
                if not words or words[-1].lower() in self._not_names:
                    continue
                # a group of the files named so ("Afar ethnic militias") is that group's actor: of the kind the
                # pattern says, else of the one kind the files know it as ("Saleban clan militia" is a sub-clan's);
                # a lineage written out in full names its last member ("Habar Gedir Saleban clan militia")
                spec = name.replace("{name}", "{group}").replace(" ({country})", "")
                known = None
                for k in range(len(words)):
                    forms = self.group_forms.get(norm(" ".join(words[k:])), {})
                    known = forms.get(spec) or (next(iter(forms.values())) if len(forms) == 1 else None)
                    if known or forms:
                        break
                ident = known or self._named_actor(name.replace("{name}", " ".join(words)), kind, country)
                out.append((m.start() if m.start() < m.start("g") else a, m.end(), "actor", ident))
        return out

    def _named_actor(self, full: str, kind: str, country: Optional[str]) -> str:
        ident = "named:" + norm(full)
        if ident not in self.actors:
            self.actors[ident] = ActorEntry(id=ident, name=full, actor_type=kind, country=country,
                                            template="{country}" in full)
        return ident

    def ambiguous(self, words: str) -> bool:
        """Whether ``words`` are an alias of actors of several countries ("SNA": Syria's National
        Army, Somalia's): no clue to a story's country."""
        return len({self.actors[i].country for kind, i, _ in self._table.get(norm(words), ()) if kind == "actor"}) > 1

    def lookup(self, name: str) -> Optional[str]:
        """The actor id a whole name stands for (aliases, ACLED-style names, sub-units)."""
        n = norm(re.sub(r"\s*\((?:[A-Z][^()]*|\d{4}-?\d{0,4})\)\s*$", "", name))
        for cand in (n, norm(re.sub(r"^[A-Z]{2,5}:\s*", "", name)), norm(name)):
            for kind, ident, cs in self._table.get(cand, []):
                if kind in ("actor", "metonym"):  # a whole name "Turkey" asked for as an actor
                    return ident
        # sub-units: "Military Forces of Iraq (2018-) Popular Mobilization Forces"
        for m in sorted(self.find(name), key=lambda m: m[0]):
            if m[2] == "actor":
                return m[3]
        return None

    def actor(self, ident: str, mention: Optional[str], when: Optional[date], country: Optional[str]) -> Actor:
        a = self.actors[ident]
        if a.state_role and country:
            a = self.states.get((country, a.state_role), a)
        c = a.country or country
        return Actor(name=a.name_at(when, self.country_name(c)), mention=mention, actor_type=a.actor_type, country=c)

    def country_name(self, code: Optional[str]) -> Optional[str]:
        """ACLED's name of a country ("Ivory Coast" for CI)."""
        return self.countries.name(code)


def _entry(a: dict, base: Optional[dict], generated: dict[str, dict], where: dl.Where) -> ActorEntry:
    """An actor of the files; ``base``: the generated state actor it adds to (same id). A unit
    (``unit_of``) is named after its state actor in each naming period ("Military Forces of Iraq
    (2018-) Popular Mobilization Forces"), until ``unit_until``, then by its own ``names``."""
    names = list(a.get("names") or [])
    name = a.get("name")
    if a.get("unit_of"):
        parent = generated.get(a["unit_of"])
        if parent is None:
            raise where.at("unit_of").fail(f"{a['unit_of']!r} is not a state actor (<cc>-<role>)")
        until = a.get("unit_until")
        own = [dict(n, name=f"{n['name']} {a['unit']}") for n in parent["names"]
               if until is None or n.get("from") is None or n["from"] < until] or \
            [{"name": f"{parent['name']} {a['unit']}", "from": None, "to": None}]
        if until is not None:
            own[-1] = dict(own[-1], to=until)
        names = own + names
        name = name or names[-1]["name"]
    elif base is not None and not names:
        names = list(base["names"])
    if base is not None:
        name = name or base["name"]
    if name is None:
        raise where.at("name").fail("missing (only a state actor <cc>-<role> or a unit may omit it)")
    kind = a.get("type") or (base or {}).get("type")
    if kind is None:
        raise where.at("type").fail("missing")
    return ActorEntry(id=a["id"], name=names[-1]["name"] if names and not a.get("name") else name, actor_type=kind,
                      country=a.get("country") or (base or {}).get("country"),
                      template=bool(a.get("template")), state_role=a.get("state_role"), umbrella=bool(a.get("umbrella")),
                      names=names, aliases=list(a.get("aliases") or []), derived=list((base or {}).get("aliases") or []),
                      place_aliases=list(a.get("place_aliases") or []) + list((base or {}).get("place_aliases") or []),
                      operates_in=list(a.get("operates_in") or []))


def _peoples(countries: Countries) -> list[ActorEntry]:
    """A country's people named by the plural of its adjective ("Palestinians", "Iraqis",
    "Afghans") are civilians of that country: "Civilians (Palestine)"."""
    out = []
    for cc, adjs in countries.adjectives.items():
        forms = [a + "s" for a in adjs if re.search(r"[a-z](?:an|i)$", a)]
        if forms:
            out.append(ActorEntry(id=f"{cc.lower()}-people", name=f"Civilians ({countries.names[cc]})", actor_type="civilians",
                                  country=cc, aliases=forms))
    return out


def _group_militias(spec: dict, adjectives: frozenset[str] | set[str] = frozenset()) -> list[ActorEntry]:
    """Template actors of the groups of a kind ("Pokot Ethnic Militia ({country})"), their aliases
    each name of the group before each noun ("Pokot raiders", "Pokot militiamen"); with ``plurals``,
    also the group's name in the plural, the people's members as a side ("clashes between Markas and
    Bwabas"), unless it is a country's people ("Somalis": civilians of Somalia, ``_peoples``)."""
    out = []
    for group, others in spec["groups"].items():
        forms = [group] + list(others)
        plural = [f + "s" for f in forms if spec.get("plurals") and f not in adjectives and " " not in f
                  and f[-1:].isalpha() and f[-1:] not in "sxz"]
        out.append(ActorEntry(
            id=norm(spec["name"].replace("{group}", group)).replace(" ", "-"),
            name=spec["name"].replace("{group}", group) + " ({country})", actor_type=spec["type"], template=True,
            aliases=[f"{f} {n}" for f in forms for n in spec["nouns"]] + plural))
    return out


def _fold(text: str) -> str:
    return text.lower().translate(_FOLD)
