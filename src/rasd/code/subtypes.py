"""Sub-event type rules from ACLED's codebook definitions (``code/data/subtypes.yaml``): a crowd's
violence is a riot, seized weapons are a disrupted weapons use, a post set up is a base.

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

_WORDS = dl.list_of(dl.text)
_LANG = dl.record({
    "crowd": Key(dl.record({k: Key(_WORDS, True) for k in ("agent_words", "firearms", "demonstration", "street_weapons")}), True),
    "weapons_objects": Key(_WORDS, True), "base_objects": Key(_WORDS, True)})


def _file(v, w: dl.Where) -> dict:
    if not isinstance(v, dict):
        raise w.fail(f"expected a mapping, got {type(v).__name__}")
    crowd = dl.record({"types": Key(_WORDS, True), "from_types": Key(_WORDS, True)})
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
    crowd_words: re.Pattern
    firearms: re.Pattern
    demonstration: re.Pattern
    street_weapons: re.Pattern
    weapons_objects: re.Pattern
    base_objects: re.Pattern

    @classmethod
    def load(cls, lang: str = "en", raw: Optional[dict] = None) -> "SubtypeRules":
        d = dl.read("subtypes.yaml", _file) if raw is None else _file(raw, dl.Where("subtypes.yaml"))
        if lang not in d["languages"]:
            raise dl.DataError(f"subtypes.yaml: no section for language {lang!r}")
        w = d["languages"][lang]
        c = w["crowd"]
        return cls(frozenset(d["crowd"]["types"]), frozenset(d["crowd"]["from_types"]), words_pattern(c["agent_words"]),
                   words_pattern(c["firearms"]), words_pattern(c["demonstration"]), words_pattern(c["street_weapons"]),
                   words_pattern(w["weapons_objects"]), words_pattern(w["base_objects"]))

    def crowd_riot(self, event_type: str, sub_event_type: str, agent_type: Optional[str], agent_words: str,
                   armed_named: bool, context: str) -> Optional[str]:
        """The riot sub-type of an event whose agent is a crowd ("supporters of the party clashed",
        "villagers beat a thief to death"), or None. ``agent_type``: the type of the known actor
        that is the agent (None: none known); ``armed_named``: whether an organised armed actor is
        named among the agent's words; ``context``: the sentence and those continuing it."""
        if event_type not in self.from_types and sub_event_type not in self.from_types:
            return None
        crowd = agent_type in self.crowd_types or (
            not armed_named and bool(self.crowd_words.search(agent_words)))
        if not crowd:
            return None
        if self.firearms.search(context):
            return None  # armed villagers shooting: a communal militia's battle, not a riot
        if event_type == "Explosions/Remote violence" and not self.street_weapons.search(context):
            return None
        return "Violent demonstration" if self.demonstration.search(context) else "Mob violence"

    def seizes_weapons(self, patient_words: str) -> bool:
        """"seized weapons", "found an arms cache": the object is weapons, not ground."""
        return bool(self.weapons_objects.search(patient_words))

    def sets_up_base(self, words: str) -> bool:
        return bool(self.base_objects.search(words))
