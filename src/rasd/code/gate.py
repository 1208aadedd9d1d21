"""The gate: whether a sentence's trigger is an event an ACLED coder would code at all, and whether
a story is about a conflict (code/data/gate.yaml).

Everyday English uses the coder's triggers for other things ("an attack on the trading system",
"the virus killed millions", "agreed to resume trade talks"). A story about a conflict names armed
people or violence in several of its sentences; in any other story a trigger counts only when its
own sentence names violence or its agent is armed. Whatever the story, a trigger under a court's or an analyst's frame, a
non-violent kind of attack or death, and a deal that is not about a conflict are not events. A short
text (an ACLED note) is one report: it is read by its sentences alone.
"""
from __future__ import annotations

from .lexicon import ActorKB
from .rules import GateRules
from .triggers import Candidate


class Gate:
    def __init__(self, rules: GateRules, kb: ActorKB):
        self.r = rules
        self.kb = kb

    def conflict_story(self, text: str, spans: list[tuple[int, int]]) -> bool:
        """Whether a document is about a conflict (or is too short to tell: one report)."""
        win = self.r.windows
        if len(text.strip()) <= win["short_text_chars"] or len(spans) <= win["short_text_sentences"]:
            return True
        # a story of a few sentences shows its subject in fewer of them
        need = min(self.r.windows["conflict_story_sentences"], -(-len(spans) // self.r.windows["sentences_per_grounded"]))
        seen = 0
        for a, b in spans:
            s = text[a:b]
            if self.r.violence.search(s) or self.r.armed_people.search(s):
                seen += 1
                if seen >= need:
                    return True
        return False

    def _armed_actor(self, stext: str) -> bool:
        for _, _, kind, ident in self.kb.find(stext):
            if kind == "actor":
                a = self.kb.actors[ident]
                if a.armed or a.actor_type in ("protesters", "rioters"):
                    return True
        return False

    def dated_before(self, cand: Candidate, sent, old: list) -> bool:
        """Whether a date of long before publication (``old``: DateMentions of the sentence) stands in the
        trigger's own clause: "George Floyd, whose death in May last year sparked protests" (the
        sentence's news, a verdict "on Tuesday", is another clause's)."""
        if not old:
            return False
        home = _clause(cand.token).i
        for m in old:
            span = sent.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None and any(_clause(t).i == home for t in span):
                return True
        return False

    def keeps(self, cand: Candidate, stext: str, conflict_story: bool) -> bool:
        """Whether ``cand`` (a trigger of the sentence ``stext``) may be an event."""
        r = self.r
        at = cand.token.idx
        before = stext[:at]
        if r.legal_frame.search(before[-r.windows["legal_frame_chars"]:]):
            return False  # "accused of having beheaded", "facing prosecution for fighting"
        if cand.token.pos_ in ("NOUN", "PROPN") and r.analyst_frame.search(before):
            return False  # "a move analysts described as an attack on ..."
        violent = r.violence.search(stext) is not None
        if cand.entry.cls.resolve in ("agreement", "negotiation") and not r.agreement_objects.search(stext) \
                and not self._armed_actor(stext):
            return False  # trade, climate, relations: diplomacy, not a conflict's development
        if not violent and r.benign.search(stext):
            return False  # a cyber-attack, a disease, a storm, a crash, a match
        if conflict_story or violent:
            return True
        if cand.entry.cls.resolve in ("agreement", "negotiation"):
            # parties to a deal are often not the trigger's agents ("clan militias reached an agreement")
            return bool(r.armed_people.search(stext) or self._armed_actor(stext))
        # in another story, armed people count only as the trigger's own agents or sides ("clan militias
        # reached an agreement"), not as speakers or helpers ("police said they were investigating")
        return any(r.armed_people.search(stext[a:b]) or self._armed_actor(stext[a:b])
                   for a, b in cand.agents + cand.between)


_CLAUSES = ("ROOT", "relcl", "advcl", "ccomp", "acl", "parataxis")


def _clause(tok):
    """The head of the clause a token stands in (a verb's conjuncts are clauses of their own)."""
    t = tok
    for _ in range(40):
        if t.dep_ in _CLAUSES or t.head is t or (t.dep_ == "conj" and t.pos_ in ("VERB", "AUX")):
            return t
        t = t.head
    return t
