"""Trigger detection and dependency roles on a parsed sentence.

For each token whose lemma is in the trigger lexicon (and whose context satisfies the
entry: part of speech, governing verb, particle, preposition), a ``Candidate`` is made
with its modality (negated, hypothetical, an attempt), whether it sits in a background
phrase ("amid airstrikes", "following clashes") and the token spans that fill its roles:
agent (who acts), patient (on whom), place and time phrases.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .lexicon import TriggerEntry, TriggerLexicon
from .rules import DetectorRules, default_rules

@dataclass
class Candidate:
    token: object  # spaCy Token
    entry: TriggerEntry
    priority: int
    negated: bool = False
    hypothetical: bool = False
    attempt: bool = False
    subordinate: bool = False
    agents: list[tuple[int, int]] = field(default_factory=list)  # char spans in the sentence
    patients: list[tuple[int, int]] = field(default_factory=list)
    between: list[tuple[int, int]] = field(default_factory=list)  # "clashes between A and B": [A, B]
    agent_is_trigger: bool = False

    @property
    def happened(self) -> bool:
        return not (self.negated or self.hypothetical)


class TriggerDetector:
    def __init__(self, lexicon: TriggerLexicon, rules: Optional[DetectorRules] = None):
        self.lex = lexicon
        self.r = rules if rules is not None else default_rules().detector
        mod = lexicon.modality
        self.hypo = set(mod["hypothetical_governors"])
        self.attempt_gov = set(mod["attempt_governors"])
        self.negators = set(mod["negators"])
        self.sub_preps = set(mod["subordinating_preps"])

    def process(self, batch: list) -> list[list[Candidate]]:
        return [self.detect(sent) for sent in batch]

    def detect(self, sent) -> list[Candidate]:
        out = []
        imperative = self._imperative(sent)
        by_lemma = self.lex.by_lemma
        toks = list(sent)
        for k, tok in enumerate(toks):
            lemma, lower = tok.lemma_.lower(), tok.lower_
            hyphened = None
            if k >= 2 and toks[k - 1].text == "-" and toks[k - 2].head.i == tok.i:
                hyphened = f"{toks[k - 2].lower_}-{lower}"  # "sit-in", split by the tokenizer
            if lemma not in by_lemma and lower not in by_lemma and (hyphened is None or hyphened not in by_lemma):
                continue  # no trigger's word (most tokens)
            keys = {lemma, lower}
            if hyphened is not None:
                keys.add(hyphened)
            for key in keys:
                modifier = tok.dep_ == "compound" and tok.head.pos_ in ("NOUN", "PROPN")
                for entry in by_lemma.get(key, ()):
                    if modifier and (entry.cls.resolve in ("agreement", "negotiation") or entry.no_modifier):
                        continue  # "ceasefire areas", "truce zone", "riot police": a modifier, not an event
                    if entry.no_modifier and tok.dep_ in ("amod", "nmod") and tok.head.pos_ in ("NOUN", "PROPN") \
                            and tok.i < tok.head.i:
                        continue  # "anti-riot police", "riot-control units"
                    if self._fits(tok, entry):
                        c = self._candidate(tok, entry)
                        c.hypothetical = c.hypothetical or imperative
                        out.append(c)
                        break
                else:
                    continue
                break
        return out

    def labelled(self, sent, cls, lemma: Optional[str] = None) -> Optional[Candidate]:
        """A candidate of class ``cls`` on the sentence's main verb (its roles read as any trigger's), for
        a report whose label names what happened ("Movement of forces: ... were seen near X")."""
        root = next((t for t in sent if t.dep_ == "ROOT"), None)
        if root is None:
            return None
        entry = TriggerEntry(lemma or root.lemma_.lower(), cls)
        c = self._candidate(root, entry)
        c.entry, c.priority, c.negated, c.hypothetical = entry, cls.priority, False, False
        return c

    def _imperative(self, sent) -> bool:
        """A sentence that opens with a bare verb and has no subject ("Be discerning with the
        bombardment.", "Stop the shelling"): an order or advice, not a report."""
        first = next((t for t in sent if t.pos_ not in ("PUNCT", "SPACE")), None)
        if first is None or first.tag_ != "VB" or first.lower_ in self.lex.by_lemma or first.lemma_.lower() in self.lex.by_lemma:
            return False  # "Clash between police and militia ...": a headline's noun the tagger took for a verb
        root = first if first.dep_ == "ROOT" else first.head if first.head.dep_ == "ROOT" else None
        return root is not None and not any(ch.dep_ in ("nsubj", "nsubjpass", "expl") for ch in root.children)

    # -- matching -----------------------------------------------------------
    @staticmethod
    def _fits(tok, e: TriggerEntry) -> bool:
        pos = tok.pos_
        if e.pos:
            allowed = set(e.pos)
            if "NOUN" in allowed:
                allowed.add("PROPN")
            if pos not in allowed:
                return False
        elif pos not in ("VERB", "NOUN", "PROPN", "ADJ"):
            return False
        if e.governors is not None and e.governors:
            head = tok.head
            lemmas = {head.lemma_.lower()}
            if head.dep_ in ("conj", "xcomp", "amod", "prep", "agent") or tok.dep_ == "compound":
                lemmas.add(head.head.lemma_.lower())  # (through a preposition: "took to the streets")
            lemmas |= {c.lemma_.lower() for c in tok.children if c.dep_ in ("amod", "advmod", "compound")}
            if not lemmas & set(e.governors):
                return False
        if e.particle or e.needs_prep:
            # (after the word: a fronted "On 16 September" is a date, not the particle of "fired on")
            kids = {c.lower_ for c in tok.children if c.dep_ in ("prt", "prep", "advmod", "agent") and c.i > tok.i}
            if e.particle and e.particle not in kids:
                return False
            if e.needs_prep and not kids & set(e.needs_prep):
                return False
        if e.not_objects and any(c.lemma_.lower() in e.not_objects for c in tok.children if c.dep_ in ("dobj", "nsubjpass")) or \
                e.not_objects and any(o.dep_ == "pobj" and o.lemma_.lower() in e.not_objects
                                      for c in tok.children if c.dep_ == "prep" for o in c.children):
            return False  # "took part", "took to the streets"
        if e.objects and not any(c.lemma_.lower() in e.objects for c in tok.children if c.dep_ == "dobj"):
            return False  # "broke up the rally", not "the group broke up"
        if e.purposes and not any(
                (c.dep_ in ("xcomp", "advcl", "acl") and c.lemma_.lower() in e.purposes)
                or (c.dep_ == "prep" and any(o.dep_ == "pobj" and o.lemma_.lower() in e.purposes for o in c.children))
                for c in tok.children):
            return False  # "gathered to demand their wages", "assembled in protest", not "gathered for a funeral"
        return True

    def _candidate(self, tok, e: TriggerEntry) -> Candidate:
        c = Candidate(tok, e, e.cls.priority)
        r = self.r
        c.negated = self._negated(tok)
        c.hypothetical, c.attempt = self._modality(tok, e)
        if self._habitual(tok):
            c.hypothetical = True  # "regular Israeli airstrikes", "strikes in recent weeks": a pattern, not an event
        if c.attempt and e.cls.resolve != "territory" and e.cls.name not in r.attempt_happens:
            c.hypothetical = True  # "attempting to plant landmines": nothing went off
        c.subordinate = self._subordinate(tok)
        if c.subordinate:
            c.priority += r.weights["subordinate"]
        if tok.dep_ == "ROOT":
            c.priority += r.weights["root"]
        if any(ch.lemma_.lower() in r.air_modifiers for ch in tok.children if ch.dep_ in ("compound", "amod", "nmod")) \
                and e.cls.name in r.air_promotes:
            c.priority = max(c.priority, self.lex.classes["air"].priority)
            c.entry = TriggerEntry(e.lemma, self.lex.classes["air"])
        self._roles(tok, c)
        rules = self.lex.subtypes
        if (e.cls.resolve == "territory" or e.cls.name == "disrupted") and rules is not None and tok.pos_ in ("VERB", "NOUN"):
            # "seized weapons", "seized livestock and cash": what was taken is no ground
            text = tok.doc.text
            # (a noun's modifiers name what it took: "weapons seizure")
            # (and a container's or an amount's "of"-phrase what is in it: "a consignment of pistols")
            taken = rules.seized_class(" ".join([text[a:b] for a, b in c.patients] +
                                                [ch.text for ch in tok.children if ch.dep_ in ("compound", "amod")] +
                                                [_of_phrase(text, o) for o in tok.children if o.dep_ == "dobj"]))
            if taken is not None and taken in self.lex.classes:
                c.entry = TriggerEntry(e.lemma, self.lex.classes[taken])
                c.priority = self.lex.classes[taken].priority + (c.priority - e.cls.priority)
        return c

    def _habitual(self, tok) -> bool:
        r = self.r
        subj = tok
        while subj.dep_ == "conj" and subj.head is not subj and subj.head.pos_ in ("NOUN", "PROPN"):
            subj = subj.head  # "bombings and sniper attacks have increased"
        if subj.dep_ == "nsubj" and subj.head.lemma_.lower() in r.trend_verbs:
            return True  # a trend ("attacks have increased", "strikes spiked"), not one event
        if any(t.lower_ in r.habitual_words for t in tok.subtree if tok.left_edge.i <= t.i < tok.i) or \
                any(ch.lower_ in r.habitual_words for ch in tok.children if ch.dep_ == "advmod"):
            # "ongoing and repeated clashes": going on now, whatever its history
            return not any(t.lower_ in r.ongoing_modifiers for t in tok.subtree if tok.left_edge.i <= t.i < tok.i)
        # a plural trigger counted over a span of time: "has stepped up its strikes in recent weeks",
        # "carried out raids over the past months"; the span hangs on the trigger or on its verb
        if tok.tag_ not in ("NNS", "NNPS"):
            return False
        holders = [tok]
        if tok.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj") and tok.head is not tok:
            holders.append(tok.head if tok.dep_ != "pobj" else tok.head.head)
        for h in holders:
            for prep in h.children:
                if prep.dep_ != "prep" or prep.lower_ not in r.span_preps:
                    continue
                for obj in prep.children:
                    if obj.dep_ == "pobj" and obj.lemma_.lower() in r.span_units and obj.tag_ == "NNS" and \
                            any(m.lower_ in r.span_modifiers for m in obj.children if m.dep_ in ("amod", "det", "nummod")):
                        return True
        return False

    def _negated(self, tok) -> bool:
        for ch in tok.children:
            if ch.dep_ == "neg" or (ch.dep_ == "det" and ch.lower_ in self.r.negating_determiners):
                return True
        t = tok
        for _ in range(3):  # "without fighting", "without a shot being fired", "without any resistance"
            if t.head is t or t.dep_ in ("ROOT", "ccomp", "advcl", "conj") and t.pos_ in ("VERB", "AUX") and t is not tok:
                break
            if t.dep_ in ("pobj", "pcomp") and t.head.lower_ in self.r.negating_preps:
                return True
            t = t.head
        head = tok.head
        if tok.dep_ in ("xcomp", "dobj", "nsubjpass", "nsubj") and head is not tok:
            if any(ch.dep_ == "neg" for ch in head.children) and head.lemma_.lower() not in self.r.negation_transparent:
                # "did not capture", "has not seen bombing", "no one reported clashes": nothing happened
                return True
        return False

    def _modality(self, tok, e: Optional[TriggerEntry] = None) -> tuple[bool, bool]:
        """(hypothetical, attempt) of a trigger of entry ``e``."""
        hypo = attempt = False
        r = self.r
        developments = e is not None and e.cls.event_type == "Strategic developments"
        done = r.implicative_governors | (r.order_governors if developments else frozenset())
        # the verbs whose infinitive would be a purpose: the trigger, or the verb that carries it ("to launch an attack")
        purposed = {tok.i} if e is None or e.cls.name not in r.purpose_happens else set()
        if purposed and tok.dep_ in ("dobj", "nsubjpass") and (tok.head.lemma_.lower() in r.carry_verbs or any(
                ch.dep_ == "aux" and ch.tag_ == "TO" for ch in tok.head.children)):
            purposed.add(tok.head.i)  # "to launch an attack", "numbers to counter attack"
        if purposed and tok.dep_ in ("ccomp", "xcomp") and tok.tag_ == "VBN" and tok.head.lemma_.lower() in r.causative_verbs:
            purposed.add(tok.head.i)  # "the only way is to have them killed"
        if tok.pos_ in ("NOUN", "PROPN") and any(
                ch.lower_ in r.hypothetical_modifiers for ch in tok.children if ch.dep_ in ("amod", "det", "acl", "predet")):
            hypo = True  # "an expected strike", "any attack", "such attacks": not one event that happened
        t = tok
        for _ in range(5):
            kids = [(ch.dep_, ch) for ch in t.children]
            if any(dep == "aux" and ch.lower_ in r.modal_auxiliaries for dep, ch in kids):
                hypo = True
            if any(dep == "mark" and ch.lower_ in r.conditional_marks for dep, ch in kids):
                hypo = True
            if t.dep_ == "conj" and t.head is not t and t.pos_ in ("VERB", "AUX") and t.head.pos_ in ("VERB", "AUX") \
                    and not any(dep in ("aux", "nsubj", "nsubjpass") for dep, _ in kids):
                t = t.head  # "could resurge and regain territory": the conjuncts share their modal and subject
                continue
            if t.dep_ in ("xcomp", "ccomp", "dobj", "pobj", "pcomp", "acl", "nsubjpass", "attr", "relcl", "advcl", "prep") \
                    and t.head is not t:
                h = t.head
                hl = h.lemma_.lower()
                if t.dep_ in ("pobj", "pcomp") and h.dep_ == "prep":
                    if h.lower_ not in r.governed_preps or h.i < h.head.i:
                        # "called for", "plans to", "threat of" follow their governor; a fronted "On Feb 20
                        # people ... demanded" is a time phrase, not what was demanded
                        break
                    h = h.head
                    hl = h.lemma_.lower()
                if hl in self.attempt_gov:
                    attempt = True
                elif hl in self.hypo or hl in r.hypothetical_nouns or hl in r.intent_governors:
                    if t.dep_ in ("xcomp", "ccomp", "dobj", "pobj", "pcomp", "acl", "nsubjpass"):
                        hypo = True
                elif t.i in purposed and t.dep_ in ("xcomp", "advcl", "acl", "relcl", "ccomp") and hl not in done \
                        and any(dep == "aux" and ch.tag_ == "TO" for dep, ch in kids) \
                        and not any(dep == "aux" and ch.lemma_ == "have" for dep, ch in kids):
                    hypo = True  # "moved in to capture", "a plot to shoot": a purpose, not (yet) an event
                t = h
            else:
                break
        return hypo, attempt

    def _subordinate(self, tok) -> bool:
        t = tok
        for _ in range(4):
            if t.dep_ == "pobj" and t.head.dep_ in ("prep", "agent") and t.head.lower_ in self.sub_preps:
                return True
            if t.dep_ == "pobj" and t.head.dep_ == "agent" and t.head.head.lemma_.lower() in self.r.background_verbs:
                return True
            if t.dep_ in ("conj", "compound", "amod", "pobj", "prep", "acl", "appos", "nmod") and t.head is not t:
                t = t.head
                continue
            if t.dep_ == "advcl" and any(ch.dep_ in ("mark", "prep") and ch.lower_ in self.sub_preps for ch in t.children):
                return True
            break
        return False

    # -- roles -----------------------------------------------------------------
    def _roles(self, tok, c: Candidate) -> None:
        e = c.entry
        r = self.r

        def span(t) -> tuple[int, int]:
            return (t.left_edge.idx, t.right_edge.idx + len(t.right_edge))

        def np_span(t) -> tuple[int, int]:
            # the noun phrase without its relative clauses and trailing prepositional phrases
            right = t
            for ch in t.rights:
                if ch.dep_ in ("conj", "cc", "appos", "compound", "amod", "nummod"):
                    right = ch.right_edge
            return (t.left_edge.idx, right.idx + len(right))

        if tok.lemma_.lower() in r.agent_nouns:
            c.agent_is_trigger = True
            c.agents.append(np_span(tok))
        verbish = tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "ADJ")
        if verbish:
            passive = any(ch.dep_ in ("nsubjpass", "auxpass") for ch in tok.children)
            for ch in tok.children:
                if ch.dep_ == "nsubj":
                    c.agents.append(np_span(ch))
                elif ch.dep_ == "agent":
                    c.agents += [np_span(p) for p in ch.children if p.dep_ == "pobj"]
                elif ch.dep_ in ("dobj", "nsubjpass"):
                    c.patients.append(np_span(ch))
                elif ch.dep_ == "prep" and ch.lower_ in r.patient_preps and ch.i > tok.i:
                    # (a fronted "On 3 April" is the date, not whom it was done on)
                    c.patients += [np_span(p) for p in ch.children if p.dep_ == "pobj"]
                elif ch.dep_ == "prep" and e.agent_prep and ch.lower_ == e.agent_prep:
                    c.agents += [np_span(p) for p in ch.children if p.dep_ == "pobj"]
                elif ch.dep_ in ("advcl", "xcomp") and ch.lemma_.lower() in r.target_verbs:
                    c.patients += [np_span(p) for p in ch.children if p.dep_ == "dobj"]
            if not any(ch.dep_ in ("dobj", "nsubjpass") for ch in tok.children):
                # "shot and killed a fighter": the conjuncts share their object (a date phrase is no patient)
                for conj in tok.children:
                    if conj.dep_ == "conj" and conj.pos_ == "VERB":
                        c.patients += [np_span(ch) for ch in conj.children if ch.dep_ in ("dobj", "nsubjpass")]
            if not any(ch.dep_ in ("dobj", "nsubjpass") for ch in tok.children) and tok.dep_ == "conj" \
                    and tok.head.pos_ == "VERB" and tok.head.i != tok.i:
                # "3 police were beaten and killed": the conjuncts share their object or passive subject
                c.patients += [np_span(ch) for ch in tok.head.children if ch.dep_ in ("dobj", "nsubjpass")]
            if not c.agents and tok.dep_ in ("conj", "xcomp", "advcl") and tok.head is not tok:
                gov = tok.head
                if gov.pos_ == "ADJ" and gov.dep_ == "acomp":  # "were able to recapture"
                    gov = gov.head
                for ch in gov.children:
                    if ch.dep_ == "nsubj":
                        c.agents.append(np_span(ch))
                    elif ch.dep_ == "agent":
                        c.agents += [np_span(p) for p in ch.children if p.dep_ == "pobj"]
            if not c.agents and tok.dep_ in ("acl", "relcl") and tok.head is not tok:
                c.agents.append(np_span(tok.head))
        else:
            for ch in tok.children:
                if ch.dep_ in ("poss", "compound") or (ch.dep_ == "amod" and ch.pos_ in ("ADJ", "PROPN")):
                    c.agents.append(span(ch))
                elif ch.dep_ == "prep" and ch.lower_ in r.noun_agent_preps:
                    c.agents += [np_span(p) for p in ch.children if p.dep_ == "pobj"]
                elif ch.dep_ == "prep" and ch.lower_ in r.between_preps:
                    self._between(ch, c, np_span)
                elif ch.dep_ == "prep" and (ch.lower_ in r.patient_preps or ch.lower_ in r.noun_patient_preps):
                    c.patients += [np_span(p) for p in ch.children if p.dep_ == "pobj"]
                elif ch.dep_ == "acl" and ch.lemma_.lower() in r.target_modifiers:
                    c.patients += [np_span(p) for p in ch.children if p.dep_ == "dobj"]
            head, held = tok.head, tok
            if tok.dep_ == "pobj" and head.dep_ == "prep" and head.head.lemma_.lower() in r.carry_verbs:
                # "engaged in a clash": the verb the noun's preposition hangs on carries it
                held, head = head, head.head
            if head is not tok:
                hl = head.lemma_.lower()
                if held.dep_ in ("dobj", "nsubjpass", "prep") and hl in r.carry_verbs:
                    c.agents += [np_span(ch) for ch in head.children if ch.dep_ == "nsubj"]
                    for ch in head.children:
                        if ch.dep_ == "agent":
                            c.agents += [np_span(p) for p in ch.children if p.dep_ == "pobj"]
                        if ch.dep_ == "prep" and ch.lower_ in r.patient_preps:
                            c.patients += [np_span(p) for p in ch.children if p.dep_ == "pobj"]
                if tok.dep_ in ("nsubj", "dobj") and (hl in r.happen_verbs or hl in r.pairing_verbs):
                    for ch in head.children:
                        if ch.dep_ == "prep" and ch.lower_ in r.between_preps:
                            self._between(ch, c, np_span)
                        if ch.dep_ == "dobj" and hl in r.pairing_verbs:
                            c.between.append(np_span(ch))
                        if ch.dep_ == "prep" and ch.lower_ in r.opponent_preps:
                            c.patients += [np_span(p) for p in ch.children if p.dep_ == "pobj"]
                if tok.dep_ == "nsubj" and hl not in r.happen_verbs:
                    c.patients += [np_span(ch) for ch in head.children if ch.dep_ == "dobj"]
                    for ch in head.children:
                        if ch.dep_ == "prep" and ch.lower_ in r.subject_patient_preps:
                            c.patients += [np_span(p) for p in ch.children if p.dep_ == "pobj"]
        if c.between and not c.agents:
            c.agents.append(c.between[0])
            if len(c.between) > 1:
                c.patients.insert(0, c.between[1])

    def _between(self, prep, c: Candidate, np_span) -> None:
        """'between A and B' -> [A, B]; 'between A and allies against C' -> [A, C]."""
        for p in prep.children:
            if p.dep_ != "pobj":
                continue
            side_a = (p.left_edge.idx, p.idx + len(p))
            conj = [ch for ch in p.children if ch.dep_ == "conj"]
            opp = [q for t in [p] + conj for ch in t.children if ch.dep_ == "prep" and ch.lower_ in self.r.against_preps
                   for q in ch.children if q.dep_ == "pobj"]
            c.between.append(side_a)
            if opp:
                c.between.append(np_span(opp[0]))
            elif conj:
                c.between.append((conj[0].left_edge.idx, conj[0].idx + len(conj[0])))
            break


def _of_phrase(text: str, noun) -> str:
    """The words of a noun's "of"-phrase ("a consignment of smuggled pistols": "smuggled pistols")."""
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for p in prep.children:
                if p.dep_ == "pobj":
                    return text[p.left_edge.idx:p.right_edge.idx + len(p.right_edge)]
    return ""
