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

from datetime import date
from typing import Optional

from .lexicon import ActorKB
from .rules import GateRules
from .triggers import Candidate


class Gate:
    def __init__(self, rules: GateRules, kb: ActorKB, triggers: frozenset[str] = frozenset(),
                 implicative: frozenset[str] = frozenset(), purpose_happens: frozenset[str] = frozenset(),
                 modifier_describes: frozenset[str] = frozenset()):
        self.modifier_describes = modifier_describes  # classes whose participle before a noun describes it
        self.r = rules
        self.purpose_happens = purpose_happens  # classes whose purpose is the event itself
        self.implicative = implicative  # verbs whose infinitive did happen ("managed to retake")
        self.kb = kb
        self.triggers = triggers  # the trigger lemmas (a subject that holds one is a happening)

    def short_report(self, text: str, spans: list[tuple[int, int]]) -> bool:
        """Whether a text is one short report (an ACLED note, a news brief) rather than a story."""
        win = self.r.windows
        return len(text.strip()) <= win["short_text_chars"] or len(spans) <= win["short_text_sentences"]

    def conflict_story(self, text: str, spans: list[tuple[int, int]]) -> bool:
        """Whether a document is about a conflict (or is too short to tell: one report)."""
        if self.short_report(text, spans):
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

    def lemmas(self) -> set[str]:
        """The single words the gate's rules read as lemmas (the lemmatiser prefers them)."""
        r = self.r
        # (verbs and singular nouns only: a plural the lists also hold is no lemma, "landmines" stays "landmine")
        words = {w for ws in (r.audience_verbs, r.weapon_hold_verbs, r.plan_verbs, r.discovery_verbs, r.setting_nouns,
                              r.weapon_events, r.weapon_hold_nouns) for w in ws if " " not in w}
        return {w for w in words if not w.endswith("s")}

    def court_story(self, text: str, spans: list[tuple[int, int]]) -> bool:
        """Whether a story is about a court (its headline or lede names one): it recalls the crimes it judges."""
        win = self.r.windows
        if len(text.strip()) <= win["short_text_chars"] or len(spans) <= win["short_text_sentences"]:
            return False  # a note is one report
        return any(self.r.court.search(text[a:b]) for a, b in spans[:win["lede_sentences"]])

    def _armed_actor(self, stext: str) -> bool:
        for _, _, kind, ident in self.kb.find(stext):
            if kind == "actor":
                a = self.kb.actors[ident]
                if a.actor_type in self.r.party_types:
                    return True
        return False

    def old_spans(self, stext: str, mentions: list, ref: date, days: int) -> list[tuple[int, int]]:
        """Spans of the sentence that put a happening long before publication: a date more than ``days``
        before ``ref`` (a month named more than ``old_month_days`` before it: "last month" in a story of
        the 22nd; a year before its year: "last year"), and phrases of elapsed time ("two months ago",
        "six weeks since", "five months after")."""
        out = []
        for m in mentions:
            if m.value is None:
                continue
            age = (ref - m.value).days
            if (m.precision == "year" and m.value.year < ref.year) or \
                    (m.precision == "month" and age > self.r.windows["old_month_days"]) or age > days:
                out.append((m.start, m.end))
        out += [m.span() for m in self.r.long_ago.finditer(stext)]
        return out

    def dated_before(self, cand: Candidate, sent, old: list[tuple[int, int]]) -> bool:
        """Whether a span of long ago (``old_spans``) stands in the trigger's own clause: "George Floyd,
        whose death in May last year sparked protests" (the sentence's news, a verdict "on Tuesday",
        is another clause's), or opens it ("it is six weeks since Muthana surrendered")."""
        if not old:
            return False
        root = next((t for t in sent if t.dep_ == "ROOT"), None)
        if root is not None and root.lemma_.lower() in self.r.discovery_verbs \
                and any(t.lemma_.lower() in self.r.found_remains for t in sent):
            return False  # "bodies of people killed from mid-2014 to 2017 were found on Feb 19": the finding is news
        home = _clause(cand.token)
        # the clauses the trigger stands in, from its own outwards ("five months after the regime made its
        # gain, when it took Deraa": the phrase marks the clause that holds the trigger's)
        chain = [home]
        while len(chain) < 3 and chain[-1].head is not chain[-1]:
            chain.append(_clause(chain[-1].head))
        for a, b in old:
            span = sent.char_span(a, b, alignment_mode="expand")
            if span is None:
                continue
            if any(_clause(t).i == home.i for t in span):
                return True
            if home.dep_ == "relcl" and any(t.i == home.head.i for t in span):
                return True  # "over the following years its fighters regrouped": the clause tells of those years
            # "six weeks since X surrendered": the phrase's last word marks the trigger's clause
            last = span[-1]
            if any(ch.i == last.i for c in chain for ch in c.children if ch.dep_ in ("mark", "prep", "advmod")):
                return True
        return False

    def persons_taken(self, cand: Candidate) -> bool:
        """'captured foreign members of Islamic State', 'the 21-year-old was captured', 'fighters who
        have been captured': people captured are no territory taken (a capture of a person reported
        later is not an event; one at the time is an arrest or an abduction, told by other words)."""
        tok, r = cand.token, self.r
        if cand.entry.cls.resolve != "territory":
            return False
        heads = [ch for ch in tok.children if ch.dep_ in ("dobj", "nsubjpass")]
        if tok.dep_ in ("amod", "acl", "relcl") and tok.head is not tok:
            heads.append(tok.head)
        for h in heads:
            w = h.lemma_.lower()
            if w in r.person_nouns or h.lower_ in r.person_nouns or "year-old" in "".join(
                    t.text_with_ws for t in h.subtree).lower().replace(" ", "-"):
                return True
        return False

    @staticmethod
    def _framed(cand: Candidate, offset: int) -> bool:
        """Whether the frame word at sentence ``offset`` governs the trigger: "accused of having beheaded", not
        "set upon two men accused of stealing a motorcycle and beat them" (the frame is another clause's)."""
        doc = getattr(cand.token, "doc", None)
        word = next((t for t in doc if t.idx <= offset < t.idx + len(t)), None) if doc is not None else None
        if word is None:
            return True
        return any(t.i == cand.token.i for t in word.subtree) or any(a.i == word.i for a in cand.token.ancestors)

    def modifier(self, cand: Candidate) -> bool:
        """'a seized hotel', 'the burned houses': a participle before its noun describes it; it tells no event."""
        t = cand.token
        if cand.entry.cls.name not in self.modifier_describes:
            return False
        # (after a determiner of the noun: "targeted MINUSMA forces" may be a verb the parser took for a modifier)
        return t.tag_ == "VBN" and t.dep_ == "amod" and t.head.pos_ in ("NOUN", "PROPN") and t.i < t.head.i and any(
            ch.dep_ in ("det", "poss", "nummod") and ch.i < t.i for ch in t.head.children)

    def qualifies(self, cand: Candidate) -> bool:
        """'some areas retaken by the Free Syrian Army': a participle after its noun qualifies it (told without
        a day of its own, what the place went through, not news)."""
        t = cand.token
        return cand.entry.cls.name in self.modifier_describes and t.tag_ == "VBN" and t.dep_ == "acl" \
            and t.head.pos_ in ("NOUN", "PROPN") and t.i > t.head.i

    def pattern(self, cand: Candidate) -> bool:
        """A set of happenings or a habit, not one event: "the majority of US attacks", "countless times
        ... airstrikes", "mainly documents shelling" (a habitual word on the verb that governs the trigger)."""
        tok, r = cand.token, self.r
        if tok.pos_ in ("VERB", "AUX"):
            # "the majority of US attacks in Syria have targeted areas ...": the subject is a set of happenings
            # (happenings, not people: "several young people attacked each other" is one fight)
            for sj in (ch for ch in tok.children if ch.dep_ in ("nsubj", "nsubjpass")):
                if any(t.tag_ in ("NNS", "NNPS") and t.lemma_.lower() in self.triggers for t in sj.subtree) \
                        and any(t.lower_ in r.quantifiers for t in sj.subtree):
                    return True
        if tok.tag_ in ("NNS", "NNPS"):
            first = tok
            while first.dep_ == "conj" and first.head is not first:
                first = first.head  # "a campaign of bombings, suicide attacks and assassinations"
            holders = [tok] + ([first.head.head] if first.dep_ == "pobj" and first.head.lower_ == "of" else [])
            if any(ch.lower_ in r.quantifiers for h in holders for ch in h.children if ch.dep_ in ("amod", "det", "nummod")) \
                    or any(h.lower_ in r.quantifiers for h in holders[1:]):
                return True
        t = tok
        for _ in range(3):
            if t.head is t:
                break
            t = t.head
            if any(ch.dep_ == "advmod" and ch.lower_ in r.habitual for ch in t.children):
                return True
        # "many official accounts of civilian deaths in coalition airstrikes came from ...": a trigger inside the
        # prepositional phrases of a subject that is a set
        t = tok
        while t.dep_ in ("pobj", "prep") and t.head is not t:
            t = t.head
        if t is not tok and t.dep_ in ("nsubj", "nsubjpass") and t.tag_ in ("NNS", "NNPS") and any(
                ch.dep_ in ("amod", "det") and ch.lower_ in r.quantifiers for ch in t.children):
            return True
        return False

    def negated_report(self, cand: Candidate) -> bool:
        """'there were no reports of clashes', 'no sign of fighting': a trigger inside a negated noun's
        'of'-phrase did not happen."""
        t = cand.token
        if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head is not t.head:
            n = t.head.head
            return any(ch.dep_ in ("det", "neg") and ch.lower_ in self.r.negating for ch in n.children)
        return False

    def generic_present(self, cand: Candidate, stext: str, short: bool = False) -> bool:
        """'how the US withdraws from conflicts', 'the group attacks convoys': a verb trigger in the simple
        present tells what happens in general; news tells what happened (a headline, a text's first line,
        is written in the present and is left alone, and so is the main verb of a ``short`` report, an
        ACLED note or a brief written as a headline: "Pokot militia kill a herder in X.")."""
        tok = cand.token
        if tok.pos_ != "VERB" or tok.tag_ not in ("VBZ", "VBP") or self._headline(stext) or (short and tok.dep_ == "ROOT"):
            return False
        lemma, form = tok.lemma_.lower(), tok.lower_
        if form not in (lemma, lemma + "s", lemma + "es", lemma[:-1] + "ies"):
            return False  # a past form the tagger took for a present one ("forces retook the town")
        # a verb with a subject of its own (the tagger takes plural nouns for verbs: "airstrikes ... have killed")
        return any(ch.dep_ == "nsubj" for ch in tok.children) and not any(ch.dep_ in ("aux", "auxpass") for ch in tok.children)

    @staticmethod
    def _headline(stext: str) -> bool:
        """A line without a final stop (a title)."""
        return not stext.rstrip().endswith((".", "!", "?", "”", '"'))

    def weapon_held(self, cand: Candidate) -> bool:
        """'needed shells and missiles', 'a Russian missile system', 'the delivery of rockets': a weapon named
        as a thing (needed, bought, sent, held, a part of a system) is no attack."""
        tok, r = cand.token, self.r
        if tok.pos_ not in ("NOUN", "PROPN") or (tok.lemma_.lower() not in r.weapon_nouns and tok.lower_ not in r.weapon_nouns):
            return False
        t = tok
        while t.dep_ == "conj" and t.head is not t:
            t = t.head  # "shells and long-range missiles": the first conjunct's place in the sentence
        if t.dep_ == "compound":
            head = t.head.lemma_.lower()
            if head in r.weapon_events:
                return False  # "rocket fire", "a missile attack": an event
            if head not in r.weapon_nouns and head not in r.munitions and t.head.lower_ not in r.weapon_nouns:
                return True  # "missile system", "drone factory": a thing
            t = t.head  # "mortar shells", "artillery rounds": the munition's place in the sentence decides
            while t.dep_ == "conj" and t.head is not t:
                t = t.head
        if t.dep_ == "dobj":
            return t.head.lemma_.lower() in r.weapon_hold_verbs
        if t.dep_ == "pobj" and t.head.lower_ == "of":
            return t.head.head.lemma_.lower() in r.weapon_hold_nouns
        return False

    def purpose(self, cand: Candidate) -> bool:
        """'needed missiles to repel any attack': an infinitive of purpose has not happened (the detector
        reads purposes under verbs; this one hangs on a clause of need or means)."""
        tok = cand.token
        if tok.pos_ != "VERB" or tok.dep_ not in ("advcl", "acl", "relcl") or cand.entry.cls.name in self.purpose_happens:
            return False  # (people who "marched to protest" protested)
        if not any(ch.dep_ == "aux" and ch.tag_ == "TO" for ch in tok.children) or \
                any(ch.dep_ == "aux" and ch.lemma_ == "have" for ch in tok.children):
            return False
        gov = tok.head
        return gov.lemma_.lower() not in self.implicative

    def spell(self, cand: Candidate) -> bool:
        """'after more than seven weeks of clashes', 'years of war': a trigger that fills a span of weeks,
        months or years is a spell of violence summed up, not one event (the coder keeps it only as the
        spell a development came after: coder.yaml ``spell_before``)."""
        t = cand.token
        while t.dep_ == "conj" and t.head is not t:
            t = t.head  # "weeks of shelling and air strikes"
        if t.dep_ not in ("pobj", "pcomp") or t.head.lower_ != "of" or t.head.head is t.head:
            return False
        span = t.head.head
        return span.tag_ in ("NNS", "NNPS") and (span.lemma_.lower() in self.r.spell_units
                                                 or span.lower_ in self.r.spell_units)

    def condition(self, cand: Candidate) -> bool:
        """'even as the siege closed in', 'the blockade of Ghouta is now the most crippling': a siege named as
        the subject of a verb is a condition described; the violence during it is told by other words
        ('the siege began on Monday' is told as a beginning)."""
        t = cand.token
        return cand.entry.cls.name in self.r.condition_classes and t.pos_ in ("NOUN", "PROPN") \
            and t.dep_ == "nsubj" and t.head is not t and t.head.lemma_.lower() not in self.r.condition_onsets

    def tally(self, cand: Candidate) -> bool:
        """'there have been dozens of US airstrikes', 'forces have carried out 40 raids': happenings counted
        by a verb in the present perfect are a running total, not one event (called only for a sentence
        with no day of its own)."""
        t = cand.token
        if t.tag_ not in ("NNS", "NNPS"):
            return False
        first = t
        while first.dep_ == "conj" and first.head is not first:
            first = first.head
        counted = any(ch.dep_ == "nummod" for ch in t.children) or (
            first.dep_ == "pobj" and first.head.lower_ == "of" and first.head.head is not first.head
            and first.head.head.lemma_.lower() in self.r.count_nouns | {"dozens"})
        if not counted:
            return False
        v = first
        for _ in range(6):
            if v.pos_ in ("VERB", "AUX") or v.head is v:
                break
            v = v.head
        return v.pos_ in ("VERB", "AUX") and any(ch.dep_ == "aux" and ch.lemma_ == "have" and ch.tag_ in ("VBP", "VBZ")
                                                 for ch in v.children)

    def judged(self, cand: Candidate) -> bool:
        """'Some see it as a diversion from a campaign against Idlib', 'describing the factions taking part in
        the offensive as mercenaries': a trigger inside what a verb of judging characterises "as" something
        (called only for a sentence with no day of its own)."""
        for a in list(cand.token.ancestors)[:8]:
            if a.pos_ == "VERB" and a.lemma_.lower() in self.r.opinion_verbs and any(
                    w.dep_ == "prep" and w.lower_ == "as" for w in a.subtree):
                return True
        return False

    def assessed(self, cand: Candidate, trigger_ids: Optional[frozenset[int]] = None) -> bool:
        """'peace talks have gone nowhere', 'the offensive has forced thousands to flee', 'its surrender removed
        any threat': a happening named as the subject of what it brought about (a verb that is no trigger, in
        the present perfect, or with a possessive on the noun) is assessed, not reported (called only for a
        sentence with no day of its own)."""
        t = cand.token
        if t.pos_ not in ("NOUN", "PROPN") or t.dep_ != "nsubj" or t.head is t:
            return False
        v = t.head
        if (v.i in trigger_ids if trigger_ids is not None else v.lemma_.lower() in self.triggers) or v.lemma_ == "be":
            return False  # "airstrikes have killed 12": the trigger verb tells the event
        perfect = any(ch.dep_ == "aux" and ch.lemma_ == "have" and ch.tag_ in ("VBP", "VBZ") for ch in v.children)
        possessed = any(ch.dep_ == "poss" and ch.tag_ == "PRP$" for ch in t.children)
        return perfect or possessed

    def campaign(self, cand: Candidate) -> bool:
        """'kept the militants among them in the fight', 'partners in the fight against Isis': "the fight" with
        nothing to single one fight out names the whole campaign (called only for a sentence with no day of
        its own)."""
        t = cand.token
        if t.pos_ != "NOUN" or t.lemma_.lower() not in self.r.campaign_nouns or t.tag_ != "NN":
            return False
        kids = list(t.children)
        return any(ch.dep_ == "det" and ch.lower_ == "the" for ch in kids) and not any(
            ch.dep_ in ("nummod", "compound") or (ch.dep_ == "prep" and ch.lower_ in ("in", "at", "near", "for", "over"))
            for ch in kids)

    @staticmethod
    def untaken(cand: Candidate) -> bool:
        """'Taken together, the developments ...': a participle of taking with no ground taken, no taker and
        no noun it qualifies takes nothing."""
        t = cand.token
        if cand.entry.cls.resolve != "territory" or t.tag_ not in ("VBN", "VBG") or t.dep_ in ("amod", "acl", "relcl"):
            return False
        return not any(ch.dep_ in ("nsubj", "nsubjpass", "dobj", "agent", "prt", "attr", "prep") for ch in t.children)

    def previously(self, cand: Candidate) -> bool:
        """'had previously fought in Afghanistan', 'once attacked': an adverb of a former time on the trigger."""
        return any(ch.dep_ == "advmod" and ch.lower_ in self.r.former for ch in cand.token.children)

    def setting(self, cand: Candidate) -> bool:
        """'despite high-profile captures', 'against a backdrop of military losses', 'in the face of mass
        murder': a trigger that only sets the scene of a statement (a bare plural after a concessive, or the
        'of'-phrase of a noun of setting)."""
        t, r = cand.token, self.r
        while t.dep_ == "conj" and t.head is not t:
            t = t.head
        if t.dep_ != "pobj" or t.head is t:
            return False
        prep = t.head
        if prep.lower_ == "of" and prep.head.lemma_.lower() in r.setting_nouns:
            return True
        return prep.lower_ in r.concessive and t.tag_ in ("NNS", "NNPS") and not any(
            ch.dep_ in ("det", "nummod", "poss") for ch in t.children)

    def planned(self, cand: Candidate) -> bool:
        """'announced a rapid troop withdrawal', 'ordered the evacuation': a move announced or ordered is a
        plan until it is made (the withdrawal itself is the event, when it is told)."""
        t = cand.token
        return cand.entry.cls.resolve == "fixed" and cand.entry.cls.name == "transfer" and t.pos_ == "NOUN" \
            and t.dep_ == "dobj" and t.head.lemma_.lower() in self.r.plan_verbs

    def stated_about(self, cand: Candidate) -> bool:
        """A trigger that is the subject of 'be' with a judgement for predicate: "fighting is far from over",
        "the IS threat is not over", "an offensive is inevitable" (not "negotiations are under way")."""
        t = cand.token
        if not ((t.pos_ in ("NOUN", "PROPN") or t.tag_ == "VBG") and t.dep_ in ("nsubj", "csubj")
                and t.head.lemma_ == "be"):
            return False
        # (the predicate's words, not a preposition's: "under way over the exit of ...")
        return any(w.lower_ in self.r.verdicts and w.dep_ in ("acomp", "advmod", "attr", "pcomp", "amod")
                   for w in t.head.subtree if w.i > t.head.i)

    def described(self, cand: Candidate):
        """'cities destroyed by shelling', 'a hospital damaged in airstrikes', 'the army, battered by the
        arduous fight': a trigger that only qualifies a noun through a participle tells what the place or the
        people have been through (the participle too, when what did it is another trigger: "destroyed by
        shelling"); returns the participle (its phrase may hold a day: ``keeps``'s ``date_span``), else None."""
        t = cand.token
        if t.tag_ == "VBN" and t.dep_ in ("acl", "amod") and t.head.pos_ in ("NOUN", "PROPN") and any(
                p.dep_ in ("pobj", "pcomp") and p.lemma_.lower() in self.triggers for a in t.children
                if a.dep_ == "agent" or a.lower_ == "by" for p in a.children):
            return t
        if t.dep_ not in ("pobj", "pcomp") or t.head.dep_ not in ("agent", "prep"):
            return None
        part = t.head.head
        if part.tag_ == "VBN" and part.dep_ in ("acl", "amod") and part.head.pos_ in ("NOUN", "PROPN"):
            return part
        return None

    @staticmethod
    def attributive(cand: Candidate) -> bool:
        """'the advancing Turks', 'retreating forces', 'fleeing fighters': a participle before a noun
        describes the people it qualifies; the event, if any, is told by another word."""
        t = cand.token
        return t.tag_ == "VBG" and t.dep_ == "amod" and t.head.i > t.i and t.head.pos_ in ("NOUN", "PROPN")

    def named(self, cand: Candidate) -> bool:
        """'the Tigray People's Liberation Front', 'Operation Desert Storm': a word of a name is no event."""
        tok = cand.token
        return tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.dep_ == "compound" and tok.head.pos_ == "PROPN"

    def state(self, cand: Candidate) -> bool:
        """'a country under attack', 'a town under siege', 'under fire': a condition, not one event."""
        tok = cand.token
        return tok.dep_ == "pobj" and tok.head.lower_ in self.r.state_preps and not any(
            ch.dep_ in ("det", "amod", "compound", "poss") for ch in tok.children)

    def modal_subject(self, cand: Candidate) -> bool:
        """'A full-scale assault could lead to ...', 'a peace settlement will require ...': a noun trigger
        that is the subject of a modal verb has not happened."""
        t = cand.token
        return t.pos_ in ("NOUN", "PROPN") and t.dep_ in ("nsubj", "nsubjpass") and t.head is not t and any(
            ch.dep_ == "aux" and ch.lower_ in self.r.modals for ch in t.head.children)

    def audience(self, cand: Candidate) -> bool:
        """'he told a rally in Bursa', 'addressed a rally': a crowd spoken to is an audience, not a protest."""
        t = cand.token
        if cand.entry.cls.resolve != "protest":
            return False
        h = t.head.head if t.dep_ == "pobj" else t.head
        return t.dep_ in ("dobj", "pobj", "dative") and h.lemma_.lower() in self.r.audience_verbs

    def keeps(self, cand: Candidate, stext: str, conflict_story: bool, court_story: bool = False,
              dated: bool = True, short: bool = False, date_span: Optional[tuple[int, int]] = None,
              trigger_ids: Optional[frozenset[int]] = None, previous: str = "") -> bool:
        """Whether ``cand`` (a trigger of the sentence ``stext``, which states a date of its own when ``dated``,
        at ``date_span`` when known; ``trigger_ids``: the token indices of the sentence's triggers) may be an event in a story about a conflict (``conflict_story``) or a
        court (``court_story``). In a ``short`` report (a note, a brief) the present tense is a headline's
        ("Pokot militia kill a herder"). ``previous``: the sentence before, where parties referred back to ("the
        two parties") are named."""
        r = self.r
        if court_story and (not dated or r.court.search(stext)):
            return False  # a court's story recalls the crimes it judges
        at = cand.token.idx
        before = stext[:at]
        frame = r.legal_frame.search(before[-r.windows["legal_frame_chars"]:])
        base = max(0, at - r.windows["legal_frame_chars"])
        # (the frame's first word or its last governs the trigger: "were responsible, directly or indirectly, for
        # murderous attacks" hangs "for" on "were")
        if frame and (self._framed(cand, base + frame.start()) or self._framed(cand, base + frame.end() - 1)):
            return False  # "accused of having beheaded", "facing prosecution for fighting"
        if cand.token.pos_ in ("NOUN", "PROPN") and r.analyst_frame.search(before):
            return False  # "a move analysts described as an attack on ..."
        if self.pattern(cand) or self.negated_report(cand) or self.modal_subject(cand) or self.audience(cand) \
                or self.persons_taken(cand) or self.generic_present(cand, stext, short) or self.weapon_held(cand) \
                or self.named(cand) or self.state(cand) or self.purpose(cand) or self.modifier(cand) \
                or self.attributive(cand):
            return False
        if self.previously(cand) or self.setting(cand) or self.planned(cand):
            return False
        if not dated and self.qualifies(cand):
            return False  # "returned to some areas retaken by the FSA": what the areas went through
        if not dated and self.stated_about(cand):
            return False  # "fighting is far from over": a statement about a conflict, not a report
        part = self.described(cand)
        if part is not None and not (date_span is not None and part.left_edge.idx <= date_span[0]
                                     and date_span[1] <= part.right_edge.idx + len(part.right_edge)):
            return False  # "the reconstruction of cities destroyed by shelling": what a place has been through
        if self.condition(cand) or self.untaken(cand):
            return False  # "even as the siege closed in", "Taken together, ..."
        if not dated and (self.tally(cand) or self.judged(cand) or self.assessed(cand, trigger_ids)
                          or self.campaign(cand)):
            return False  # "there have been dozens of airstrikes", "some see it as a diversion from a campaign"

        if r.recollection.search(before):
            return False  # "survivors described how gunmen opened fire": a witness's memory, told at a trial or a memorial
        if r.example_frame.search(before):
            return False  # "crimes such as the killing of non-combatants": a kind named, not an act told
        if r.habit_phrase.search(before):
            return False  # "the countless times ... airstrikes", "in several incidents, including attacks on ..."
        if cand.entry.cls.resolve in ("agreement", "negotiation") and r.diplomacy.search(stext) \
                and not r.war_deals.search(stext) and not any(r.armed_people.search(stext[a:b])
                                                              for a, b in cand.agents + cand.between):
            return False  # ministers, delegations, summits: diplomacy between governments, not a conflict's development
        violent = r.violence.search(stext) is not None
        if cand.entry.cls.resolve in ("agreement", "negotiation") and not r.agreement_objects.search(stext) \
                and not self._armed_actor(stext) and not (r.party_anaphora.search(stext) and self._armed_actor(previous)):
            return False  # trade, climate, relations: diplomacy, not a conflict's development
        if not violent and r.benign.search(stext) and cand.entry.cls.resolve != "protest":
            return False  # a cyber-attack, a disease, a storm, a crash, a match (a protest against one is still a protest)
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
