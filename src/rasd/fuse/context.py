"""Reading a mention's surroundings: a claim answered by a denial in the next breath; who
held a place before a takeover and who leads the group that took it.

"The rebels said they had captured Homs. But the defence ministry denied this." is two
reports of one event that disagree; the coder sees the first sentence as the event and the
second as nothing (its object is "this"). ``denial_after`` finds such a denial and returns
it as a report of its own, stance ``denied``, with the denier as its source.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Callable, Optional

from ..records import Actor, Document, Evidence, Place, Report
from .agreements import sentence_at, sentences
from .rules import load_data, norm_name


class DenialReader:
    def __init__(self) -> None:
        cfg = load_data("fusion.yaml").get("context_denial") or {}
        self.pattern = re.compile(cfg.get("pattern", r"\bdenied (?:this|it)\b"), re.IGNORECASE)
        self.lead = {w.lower() for w in cfg.get("lead_words", [])}
        self.tail = {w.lower() for w in cfg.get("tail_words", [])}

    def denial_after(self, doc: Optional[Document], rep: Report) -> Optional[Report]:
        if doc is None or rep.stance not in ("asserted", "claimed") or not rep.sentence:
            return None
        at = doc.text.find(rep.sentence)
        if at < 0:
            return None
        spans = sentences(doc.text)
        i = sentence_at(spans, at)
        if i is None:
            return None
        for s, e in spans[i:i + 2]:
            lo = max(s, at + 1) if (s, e) == spans[i] else s  # in the claim's own sentence: after its start
            m = self.pattern.search(doc.text, lo, e)
            if m is None:
                continue
            denier = self._denier(doc.text[s:m.start()])
            rs, re_ = doc.raw_span(s, e)
            ev = Evidence(doc.doc_id, rs, re_, doc.raw[rs:re_], field="denial")
            return replace(rep, event_id=rep.event_id + "~denial", stance="denied",
                           sources=[denier] if denier else [], evidence=[ev], sentence=doc.text[s:e],
                           fatalities=None, attrs={"context": "denial"})
        return None

    def _denier(self, before: str) -> str:
        words = before.split()
        # the denier is the subject right before the verb: stop at the last clause break
        for k in range(len(words) - 1, -1, -1):
            if words[k].endswith((",", ";", ":")):
                words = words[k + 1:]
                break
        while words and words[0].lower().strip(",") in self.lead:
            words = words[1:]
        while words and words[-1].lower() in self.tail:
            words = words[:-1]
        return " ".join(words).strip(" ,;:")


class HolderReader:
    """Who held a place before a takeover, and which group leads a generic holder, read in the
    texts of the takeover's reports (patterns: ``control`` in fusion.yaml).

    ``actors`` is the coder's actor knowledge base (alias matching); without it nothing is read."""

    def __init__(self, actors=None) -> None:
        cfg = load_data("fusion.yaml").get("control") or {}
        never = r"(?!x)x"
        self.actors = actors
        self.loss = re.compile(cfg.get("loss_verbs", never), re.IGNORECASE)
        self.gain = re.compile(cfg.get("gain_verbs", never), re.IGNORECASE)
        self.loss_place_chars = int(cfg.get("loss_place_chars", 40))
        self.loss_actor_chars = int(cfg.get("loss_actor_chars", 80))
        self.led_by = re.compile(cfg.get("led_by", never), re.IGNORECASE)
        self.led_suffix = re.compile(cfg.get("led_suffix", never), re.IGNORECASE)
        self.led_group = re.compile(cfg.get("led_group", never), re.IGNORECASE)
        # "abandoned Damascus International Airport": the place names a feature, not itself
        self.area_after = re.compile((cfg.get("report") or {}).get("area_after") or never, re.IGNORECASE)

    def _actor(self, ident: str, mention: str, when: Optional[date], country: Optional[str]) -> Optional[Actor]:
        entry = self.actors.actors.get(ident)
        if entry is None or not entry.armed:
            return None
        return self.actors.actor(ident, mention, when, country)

    def loser(self, doc: Optional[Document], place: Optional[Place], when: Optional[date]
              ) -> Optional[tuple[Actor, Evidence]]:
        """"government forces vacated Homs": (the actor who left the place, the sentence)."""
        return self._actor_at(self.loss, "control:loser", doc, place, when)

    def taker(self, doc: Optional[Document], place: Optional[Place], when: Optional[date],
              keep: Optional[Callable[[str, tuple[int, int]], bool]] = None) -> Optional[tuple[Actor, Evidence]]:
        """"their Syrian rebel proxies swept into the city of Afrin": (the actor who took the place,
        the sentence); ``keep(sentence, verb span)`` may turn a sentence away (background)."""
        return self._actor_at(self.gain, "control:taker", doc, place, when, keep)

    def _actor_at(self, verbs: re.Pattern, fld: str, doc: Optional[Document], place: Optional[Place], when: Optional[date],
                  keep: Optional[Callable[[str, tuple[int, int]], bool]] = None) -> Optional[tuple[Actor, Evidence]]:
        """The nearest recognised armed actor before one of ``verbs`` that the place's name follows closely."""
        if doc is None or place is None or self.actors is None:
            return None
        names = sorted({n for n in (place.mention, place.name) if n and len(n) > 2}, key=len, reverse=True)
        if not names:
            return None
        for s, e in sentences(doc.text):
            text = doc.text[s:e]
            low = text.lower()
            for m in verbs.finditer(text):
                if keep is not None and not keep(text, m.span()):
                    continue
                after = low[m.end():m.end() + self.loss_place_chars + max(map(len, names))]
                if not any((k := after.find(n.lower(), 0, self.loss_place_chars + len(n))) >= 0
                           and not self.area_after.search(low[m.end() + k + len(n):m.end() + k + len(n) + 30])
                           for n in names):
                    continue
                found = [f for f in self.actors.find(text[:m.start()])
                         if f[2] == "actor" and m.start() - f[1] <= self.loss_actor_chars
                         and not re.search(r"[;.]", text[f[1]:m.start()])]
                for a, b, _, ident in reversed(found):  # the nearest actor before the verb
                    actor = self._actor(ident, text[a:b], when, place.country)
                    if actor is not None:
                        rs, re_ = doc.raw_span(s, e)
                        return actor, Evidence(doc.doc_id, rs, re_, doc.raw[rs:re_], field=fld)
        return None

    def leader(self, doc: Optional[Document], when: Optional[date], country: Optional[str],
               generic: set[str]) -> Optional[tuple[str, Evidence]]:
        """"the insurgents, led by HTS, ..." / "HTS-led rebels": (the leading group, the sentence)."""
        if doc is None or self.actors is None:
            return None
        for s, e in sentences(doc.text):
            text = doc.text[s:e]
            hits: list[tuple[int, int, str]] = []
            for m in self.led_by.finditer(text):
                if not self.led_group.search(text, max(0, m.start() - 40), m.start()):
                    continue
                hits += [(m.end() + a, m.end() + b, i) for a, b, k, i in self.actors.find(text[m.end():m.end() + 60])
                         if k == "actor" and a == 0]
            for m in self.led_suffix.finditer(text):
                hits += [(a, b, i) for a, b, k, i in self.actors.find(text[:m.start()])
                         if k == "actor" and b == m.start()]
            for a, b, ident in hits:
                actor = self._actor(ident, text[a:b], when, country)
                if actor is not None and norm_name(actor.name) not in generic \
                        and self.actors.actors[ident].actor_type != "state forces":
                    rs, re_ = doc.raw_span(s, e)
                    return actor.name, Evidence(doc.doc_id, rs, re_, doc.raw[rs:re_], field="control:led_by")
        return None
