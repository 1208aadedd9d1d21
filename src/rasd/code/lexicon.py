"""The coder's data: ontology, trigger lexicon and actor knowledge base, loaded from
the YAML files in ``code/data/`` into plain objects (built once, passed to stages)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any, Optional

import yaml

from ..records import Actor
from . import dataload as dl
from .dataload import Key
from .rules import named_list, sections


def load_yaml(name: str) -> Any:
    return yaml.safe_load(resources.files("rasd.code").joinpath("data").joinpath(name).read_text(encoding="utf-8"))


# triggers.yaml: the classes (language-independent) and each language's words (see the file's comments)
_WORDS = dl.list_of(dl.text)
_TRIGGER = dl.record({
    "lemma": Key(dl.text, True), "class": Key(dl.text, True), "pos": Key(dl.list_of(dl.one_of("VERB", "NOUN", "ADJ", "PROPN"))),
    "forms": Key(_WORDS), "governors": Key(_WORDS), "particle": Key(dl.text), "needs_prep": Key(_WORDS),
    "agent_prep": Key(dl.text), "not_objects": Key(_WORDS), "requires": Key(dl.one_of("armed_agent")),
    "sub_event_type": Key(dl.text)})
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
    "companion_words": Key(_WORDS, True), "rule_lemmas": Key(_WORDS, True)})
_TRIGGERS_FILE = sections({"classes": Key(dl.keyed(_TRIGGER_CLASS, dl.text), True)}, _TRIGGER_WORDS)


def norm(text: str) -> str:
    """Lower case, quotes and hyphens folded, spaces squeezed: the form aliases are matched in."""
    t = text.lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    t = re.sub(r"[-‐–—]", " ", t)
    t = re.sub(r"\s+", " ", t)
    return t.strip()


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


@dataclass
class TriggerLexicon:
    classes: dict[str, TriggerClass]
    by_lemma: dict[str, list[TriggerEntry]]
    weapon_cues: list[tuple[str, tuple[str, ...]]]
    protest_cues: dict[str, tuple[str, ...]]
    modality: dict[str, tuple[str, ...]]
    companions: tuple[str, ...] = ()
    rule_lemmas: tuple[str, ...] = ()  # lemmas the coder's rules look at besides the triggers'

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
                forms=tuple(t.get("forms") or ()), not_objects=tuple(t.get("not_objects") or ()))
            by_lemma.setdefault(e.lemma, []).append(e)
        weapons = [(w["sub_event_type"], tuple(x.lower() for x in w["words"])) for w in words["weapon_cues"]]
        protest = {k: tuple(x.lower() for x in v) for k, v in words["protest_cues"].items()}
        modality = {k: tuple(x.lower() for x in v) for k, v in words["modality"].items()}
        return cls(classes, by_lemma, weapons, protest, modality, tuple(words.get("companion_words") or ()),
                   tuple(words["rule_lemmas"]))

    def known_lemmas(self) -> set[str]:
        """Every lemma the coder's rules look at (triggers, governors, modality words)."""
        out = set(self.by_lemma)
        for entries in self.by_lemma.values():
            for e in entries:
                out.update(e.governors or ())
                out.update(e.not_objects)
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
            conditional = all(e.governors or e.particle or e.needs_prep or e.requires or e.not_objects
                              or not e.cls.strong for e in entries)
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
@dataclass
class ActorEntry:
    id: str
    name: str
    actor_type: str
    country: Optional[str] = None
    template: bool = False
    state_role: Optional[str] = None
    umbrella: bool = False
    names: list[dict] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    place_aliases: list[str] = field(default_factory=list)  # "Turkey", "Ankara": the actor only as an agent
    demonym: Optional[str] = None  # "Syrian": "Syrian troops", "Syrian forces" name the actor

    def name_at(self, when: Optional[date], country_name: Optional[str]) -> str:
        name = self.name
        if when and self.names:
            for n in self.names:
                lo, hi = n.get("from"), n.get("to")
                if (lo is None or when.year >= int(lo)) and (hi is None or when.year < int(hi)):
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

    def __init__(self, actors: list[ActorEntry], sources: list[SourceEntry], country_names: dict[str, str],
                 force_nouns: list[str]):
        import ahocorasick

        self.actors = {a.id: a for a in actors}
        self.sources = sources
        self.country_names = country_names
        self._auto = ahocorasick.Automaton()
        self._exact: dict[str, list[tuple[str, str]]] = {}
        table: dict[str, list[tuple[str, str, bool]]] = {}  # norm alias -> [(kind, id, case_sensitive_form)]

        def add(alias: str, kind: str, ident: str) -> None:
            key = norm(alias)
            if not key:
                return
            cs = alias if (alias.isupper() and len(alias.replace(".", "")) <= 4) else ""
            table.setdefault(key, []).append((kind, ident, cs))  # type: ignore[arg-type]

        for a in actors:
            for al in [a.name.replace(" ({country})", "").replace("{country}", "").strip()] + a.aliases + \
                    [n["name"] for n in a.names]:
                add(al, "actor", a.id)
            for al in a.place_aliases:
                add(al, "metonym", a.id)
            if a.demonym:
                for fn in force_nouns:
                    add(f"{a.demonym} {fn}", "actor", a.id)
        for i, s in enumerate(sources):
            for al in [s.name] + s.aliases:
                add(al, "source", str(i))
        for key, vals in table.items():
            self._auto.add_word(key, (key, vals))
        self._auto.make_automaton()
        self._table = table

    @classmethod
    def load(cls) -> "ActorKB":
        d = load_yaml("actors.yaml")
        actors = []
        for a in d["actors"]:
            e = ActorEntry(id=a["id"], name=a["name"], actor_type=a["type"], country=a.get("country"),
                           template=bool(a.get("template")), state_role=a.get("state_role"),
                           umbrella=bool(a.get("umbrella")), names=list(a.get("names") or []),
                           aliases=[str(x) for x in a.get("aliases") or []],
                           place_aliases=[str(x) for x in a.get("place_aliases") or []],
                           demonym=a.get("demonym") or None)
            actors.append(e)
        sources = [SourceEntry(s["name"], s["kind"], [str(x) for x in s.get("aliases") or []]) for s in d["sources"]]
        return cls(actors, sources, dict(d["country_names"]), list(d["force_nouns"]))

    def armed_aliases(self) -> list[str]:
        """Normalised aliases of armed actors and crowds (the prefilter's companions of weak triggers)."""
        return [k for k, vals in self._table.items()
                if any(kind in ("actor", "metonym") and (self.actors[i].armed or self.actors[i].actor_type in ("protesters", "rioters"))
                       for kind, i, _ in vals)]

    # -- matching ---------------------------------------------------------
    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """Longest non-overlapping alias matches in ``text``: (start, end, kind, id). ``kind`` is
        "actor", "source", or "metonym" for an actor's place alias ("Turkey"), which names the
        actor only as the agent of an event (see ``link.actor_mentions``).

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
            for kind, ident, cs in vals:
                if cs and text[start:end + 1] != cs:
                    continue
                found.append((start, end + 1, kind, ident))
                break
        found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        taken: list[tuple[int, int, str, str]] = []
        for m in found:
            if all(m[1] <= t[0] or m[0] >= t[1] for t in taken):
                taken.append(m)
        return sorted(taken)

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
            for other in self.actors.values():
                if other.country == country and not other.template and other.actor_type == "state forces" \
                        and (other.id.endswith("-" + a.state_role)):
                    a = other
                    break
        c = a.country or country
        return Actor(name=a.name_at(when, self.country_name(c)), mention=mention, actor_type=a.actor_type, country=c)

    def country_name(self, code: Optional[str]) -> Optional[str]:
        if not code:
            return None
        if code in self.country_names:
            return self.country_names[code]
        try:
            import pycountry

            c = pycountry.countries.get(alpha_2=code)
            return getattr(c, "common_name", None) or c.name if c else None
        except (KeyError, LookupError):
            return None


def _fold(text: str) -> str:
    t = text.lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    return re.sub(r"[-‐–—]", " ", t)
