"""The event coder stage: Results (a cleaned document with its resolved toponyms) in, the same
with their events out.

Per batch: split sentences (cheap rules), keep the sentences where the trigger prefilter
fires, parse only those with spaCy (``nlp.pipe``, NER off), detect triggers with their
dependency roles, and build one event per sentence from its strongest trigger that did
happen. Each event gets its type, actors, date, place, fatalities, stance and sources,
with an Evidence span (raw coordinates) for every field. Events of one document that
continue each other are merged.

The event of a sentence is built by small steps (place, type and actors, date, background,
tolls, stance, evidence, confidence) that share one ``SentenceContext``: the sentence, its
parse and span, its date context and the ``Story`` (the document, its publication date, its
places). The cue words, patterns, windows and weights are data (``code/data/coder.yaml``).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Callable, Optional

from ..geodesy import haversine_km
from ..nlp import Prefilter, split_sentences
from ..nlp.prefilter import COMPANION, WEAK
from ..nlp.morph import Morph
from ..records import Document, Event, Evidence, Place, Result, Toponym, is_country_or_continent
from . import link
from .country import actor_country, named_toponyms, people_country, place_country
from .dates import DateFinder, DateMention
from .fatalities import Count, FatalityCounter, total
from .gate import Gate
from .lexicon import ActorKB, Ontology, TriggerLexicon
from .place import Places
from .rules import Rules, any_word
from .triggers import Candidate, TriggerDetector


@dataclass
class CoderData:
    """The coder's knowledge, loaded once from the package's data files."""

    ontology: Ontology
    lexicon: TriggerLexicon
    actors: ActorKB
    rules: Rules = field(default_factory=Rules.load)

    @classmethod
    def load(cls, language: str = "en") -> "CoderData":
        onto = Ontology.load()
        return cls(onto, TriggerLexicon.load(onto, language), ActorKB.load(), Rules.load(language))

    @property
    def places(self) -> Places:
        """The place rules, for the stages that choose places (built once)."""
        got = self.__dict__.get("_places")
        if got is None:
            got = self.__dict__["_places"] = Places(self.rules.places)
        return got


@dataclass
class Story:
    """What every sentence of a document leans on: the document, its publication date, its places."""

    doc: Document
    ref: Optional[date]  # the publication date
    named: list[Toponym]  # toponyms that name places (not actor descriptions)
    resolved: list[Toponym]  # those the gazetteer placed
    country: Optional[str]  # the country most of its places are in, else its actors'
    main_place: Optional[Toponym]  # the place it names most
    focus: Optional[Toponym]  # the town its headline names
    sentences: int = 0  # how many sentences it has
    quoted: list[tuple[int, int]] = field(default_factory=list)  # spans of direct speech
    label: Any = None  # the trigger class the text's opening label names ("Property destruction: ..."), if any
    short: bool = False  # one short report (an ACLED note, a brief): its present tense is a headline's
    conflict: bool = True  # about a conflict (code/gate.py): else only sentences that name violence have events
    court: bool = False  # about a court (code/gate.py): only sentences with a date of their own have events

    def in_quote(self, offset: int) -> bool:
        return any(a < offset < b for a, b in self.quoted)


@dataclass
class SentenceContext:
    """One sentence whose event is being built: the sentence, its parse, its span, the story, the
    date context and the sentences that continue it."""

    story: Story
    index: int
    start: int  # document offset
    text: str
    parse: Any  # the spaCy Doc of the sentence
    date: Optional[DateMention]  # the sentence's own date
    context_date: Optional[tuple[DateMention, int]]  # the last date stated before it, and its sentence
    continuation: list[tuple[int, int]] = field(default_factory=list)  # spans of the sentences continuing it
    context: str = ""  # the sentence and its continuations
    following: str = ""  # the sentences right after it (with events of their own or not)
    # (document offsets) the clause of a second event of the sentence: its places are that event's only
    clause: Optional[tuple[int, int]] = None
    inside: bool = True  # this event's places are in ``clause`` (else outside it)
    recovered: Optional[str] = None  # the sub-type the sub-type layer found for a sentence the rules passed over

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def toponyms(self) -> list[Toponym]:
        tops = [t for t in self.story.named if self.start <= t.start and t.end <= self.end]
        if self.clause is not None:
            a, b = self.clause
            tops = [t for t in tops if (a <= t.start < b) == self.inside]
        return tops


@dataclass
class Spot:
    """Where an event happened: the sentence's own toponym (``top``), the place, the toponym it is
    cited from (``where``: the sentence's, one carried over or the story's main one)."""

    top: Optional[Toponym]
    place: Optional[Place]
    where: Optional[Toponym]


@dataclass
class When:
    """An event's date, its precision and the span that states it (None: leaned on context)."""

    value: Optional[date]
    precision: Optional[str]
    span: Optional[tuple[int, int]]
    fallback: bool = False  # no date stated, in the sentence or before it: the publication date stands in


class Coder:
    """The code stage's event building: Result -> Result with ``events`` set, from the document
    and the toponyms the geo stage resolved in it. Built once with the model and its data."""

    name = "code"

    def __init__(self, nlp, data: Optional[CoderData] = None, batch_size: int = 256,
                 seats: Optional[Callable[[Place], Optional[Place]]] = None, layer: Any = None):
        """``seats``: the town standing for a first-level area (``Geoparser.seat``), or None;
        ``layer``: the sub-type layer (``neighbours.SubtypeLayer``), or None."""
        self.nlp = nlp
        self.seats = seats
        self.layer = layer
        self.data = data or CoderData.load()
        self.batch_size = batch_size
        rules = self.data.rules
        self.rules = rules.coder
        self.windows = rules.coder.windows
        strong, weak = self.data.lexicon.prefilter_keys()
        aliases = self.data.actors.armed_aliases()
        # aliases are stored normalised ("tahrir al sham"); texts write the article with a hyphen ("al-Sham")
        aliases += [self.rules.article_space.sub(r"\1-", a) for a in aliases if self.rules.article_space.search(a)]
        self.prefilter = Prefilter(strong, weak, aliases + list(self.data.lexicon.companions))
        self.detector = TriggerDetector(self.data.lexicon, rules.detector)
        self.dates = DateFinder(rules.dates)
        self.counter = FatalityCounter(rules.fatalities)
        self.places = self.data.places
        self.gate = Gate(rules.gate, self.data.actors, frozenset(self.data.lexicon.by_lemma),
                         rules.detector.implicative_governors, rules.detector.purpose_happens,
                         rules.detector.modifier_describes)
        mod = self.data.lexicon.modality
        self._uncertain = any_word(mod["uncertain"])
        self._denial = any_word(mod["denial"])
        # tagger + parser only; lemmas and coarse tags come from Morph (see nlp/morph.py)
        self._disable = [p for p in ("ner", "attribute_ruler", "lemmatizer") if p in getattr(nlp, "pipe_names", [])]
        self.morph = Morph(self.data.lexicon.known_lemmas() | rules.detector.lemmas() | rules.coder.ongoing_lemmas
                           | rules.coder.report_lemmas | self.gate.lemmas()
                           | rules.places.topic_words)

    # ------------------------------------------------------------------ stage
    def process(self, batch: list[Result]) -> list[Result]:
        plans = []
        texts: list[str] = []
        for res in batch:
            doc = res.document
            spans = split_sentences(doc.text)
            # a language the rules have no words for (the language stage said so and warned): nothing is coded
            keep = self.prefilter.promising(doc.text, spans) if (doc.meta.get("language") or {}).get("coded", True) else []
            if keep:
                keep = sorted(set(keep) | set(self._referred_parties(doc.text, spans, keep)))
            if spans and 0 not in keep and self.data.lexicon.label_class(doc.text) is not None:
                keep = [0] + keep  # a labelled report ("Movement of forces: ..."): its first sentence tells it
            plans.append((spans, keep, len(texts)))
            texts += [doc.text[spans[i][0]:spans[i][1]] for i in keep]
        parsed = list(self.nlp.pipe(texts, batch_size=self.batch_size, disable=self._disable)) if texts else []
        for sd in parsed:
            self.morph.annotate(sd)
        for res, (spans, keep, first) in zip(batch, plans):
            sents = {i: parsed[first + k] for k, i in enumerate(keep)}
            res.events = self.code_document(res.document, spans, sents, res.toponyms, res.country_hint)
        return batch

    def _referred_parties(self, text: str, spans: list[tuple[int, int]], keep: list[int]) -> list[int]:
        """The sentences the prefilter left whose deal's parties are referred back to ("... met a regime
        delegation. The two parties reached an agreement"): a weak trigger word there is worth parsing when the
        sentence before names an armed actor (gate.yaml ``party_anaphora``)."""
        out = []
        for i in range(1, len(spans)):
            a, b = spans[i]
            if i in keep or not self.gate.r.party_anaphora.search(text, a, b):
                continue
            p0, p1 = spans[i - 1]
            if self.prefilter.hits(text[a:b], {WEAK}) and self.prefilter.hits(text[p0:p1], {COMPANION}):
                out.append(i)
        return out

    # ------------------------------------------------------------------ per document
    def story(self, doc: Document, tops: list[Toponym], hint: Optional[str]) -> Story:
        """The document's context: its named and resolved places, its country, main and headline places."""
        named = named_toponyms(doc, tops, self.places)
        resolved = [t for t in named if t.place is not None]
        country = place_country(resolved, hint) or hint or actor_country(self.data.actors, doc.text, wide=True) \
            or people_country(self.data.actors, doc.text)
        main_place = _main_place([t for t in resolved if t.place.country == country] or resolved)
        focus = _headline_place(doc, resolved, country, self.windows["headline_max_chars"])
        # a text that is one quotation from start to end (a note quoting its source) is the report itself
        whole = (len(doc.text) - len(doc.text.lstrip()), len(doc.text.rstrip()))
        quoted = [m.span() for m in self.rules.quotation.finditer(doc.text) if m.span() != whole]
        return Story(doc, doc.published, named, resolved, country, main_place, focus, quoted=quoted,
                     label=self.data.lexicon.label_class(doc.text))

    def code_document(self, doc: Document, spans: list[tuple[int, int]], parsed: dict, tops: list[Toponym],
                      hint: Optional[str]) -> list[Event]:
        """``hint``: the country of the story's actors (``country.CountryHint``)."""
        story = self.story(doc, tops, hint)
        story.sentences = len(spans)
        story.conflict = self.gate.conflict_story(doc.text, spans)
        story.short = self.gate.short_report(doc.text, spans)
        story.court = self.gate.court_story(doc.text, spans)
        win = self.windows
        events: list[tuple[int, Event, dict]] = []
        drafts = self._drafts(story, spans, parsed)
        if not drafts and self.layer is not None and len(spans) <= self.layer.settings.recover_sentences:
            drafts = self._recovered(story, spans, parsed)
        event_sents = {sc.index for sc, _ in drafts}
        for sc, cand in drafts:
            i = sc.index
            # the sentences that continue this one (no event of their own) lend it context
            cont = [j for j in range(i + 1, min(i + 1 + win["continuation_sentences"], len(spans))) if j not in event_sents]
            cont = [j for k, j in enumerate(cont) if j == i + 1 + k]
            sc.continuation = [spans[j] for j in cont]
            sc.context = " ".join(doc.text[a:b] for a, b in [spans[i]] + sc.continuation)
            sc.following = " ".join(doc.text[a:b] for a, b in spans[i + 1:i + 1 + win["continuation_sentences"]])
            events += [(i, e, o) for e, o in self._event(sc, cand)]
        merged = self._merge(events, _headline_end(doc, self.windows["headline_max_chars"]))
        for ev in merged:
            # a toll the report splits by place goes by the place the event's own sentence names; a toll
            # split between events without its total splits the one counted
            fig = self.counter.allocated_figure(doc.text, ev.sentence or "") or \
                self.counter.stated_figure(doc.text, ev.fatalities)
            if fig is not None:
                ev.fatalities = fig.value
                ev.evidence.append(_ev(doc, fig.start, fig.end, "fatalities"))
        return merged

    def _drafts(self, story: Story, spans: list[tuple[int, int]], parsed: dict
                ) -> list[tuple[SentenceContext, Candidate]]:
        """The sentences with an event (their strongest trigger that happened), with their date context."""
        doc, ref = story.doc, story.ref
        lookback = self.windows["date_lookback_sentences"]
        drafts: list[tuple[SentenceContext, Candidate]] = []
        last_date = None
        # dates are read only where an event may lean on them (its sentence and the ones before)
        near = {j for i in parsed for j in range(max(0, i - lookback), i + 1)}
        for i, (s0, s1) in enumerate(spans):
            if i not in near:
                continue
            stext = doc.text[s0:s1]
            mentions, d = self._dated(stext, ref)
            if d is not None:
                last_date = (d, i)
            sent = parsed.get(i)
            if sent is None:
                continue
            # what a speaker says in direct speech is not the report's own account, unless the report
            # passes it on from a source ("... to withdraw from the Homs area”, a source told AFP)
            detected = self.detector.detect(sent)
            ids = frozenset(c.token.i for c in detected)  # the words of the sentence that are triggers
            found = [c for c in detected if self._requirements(c, stext) and not self._generic(c) and not self._spanned(c)
                     and not (self._long(story) and (self._classifier(c, ids) or self._state(c)))
                     and not (d is None and self._earlier(c))
                     and (not story.in_quote(s0 + c.token.idx) or self._passed_on(story, s0, stext))
                     and self.gate.keeps(c, stext, story.conflict, story.court, d is not None, story.short,
                                         None if d is None else (d.start, d.end), ids,
                                         doc.text[spans[i - 1][0]:spans[i - 1][1]] if i else "")]
            if ref is not None:
                # a date of long ago in the trigger's own clause: "whose death in May last year sparked protests"
                old = self.gate.old_spans(stext, mentions, ref, self.windows["background_days"])
                found = [c for c in found if not self.gate.dated_before(c, sent, old)]
            # a spell summed up ("after seven weeks of clashes") is no event of its own, but may be the spell a
            # development came after (``_spell_before``)
            cand = self._labelled(story, self._choose([c for c in found if not self.gate.spell(c)], stext), sent,
                                  not drafts)
            cand = _weapon_of(cand, detected)
            if cand is None:
                continue
            drafts.append((SentenceContext(story, i, s0, stext, sent, d, last_date), cand))
            second = self._second(story, s0, found, cand)
            if second is not None:
                other, clause = second
                drafts[-1][0].clause, drafts[-1][0].inside = clause, False
                drafts.append((SentenceContext(story, i, s0, stext, sent, d, last_date, clause=clause), other))
            spell = self._spell_before(found, cand, stext)
            if spell is not None:
                drafts.append((SentenceContext(story, i, s0, stext, sent, d, last_date), spell))
        return drafts

    def _second(self, story: Story, s0: int, found: list[Candidate], main: Candidate
                ) -> Optional[tuple[Candidate, tuple[int, int]]]:
        """'A base shelled X while cluster bombs hit towns in Y': a second act of violence told in a clause of its
        own (a coordinated or an adverbial one) with a place of its own is an event of its own; the sentence's
        main event keeps the places of the rest of the sentence. The trigger and its clause's document span."""
        if main.entry.cls.event_type not in _VIOLENT:
            return None
        home = _clause_head(main.token)
        for c in found:
            if c is main or not c.happened or c.entry.cls.event_type not in _VIOLENT:
                continue
            head = _clause_head(c.token)
            if not (c.token.i == head.i or c.token.head.i == head.i and c.token.dep_ in ("nsubj", "nsubjpass", "dobj")):
                continue  # what its clause tells (its verb, its subject or object), not a word deep in a phrase
            if not any(ch.dep_ in ("nsubj", "nsubjpass") for ch in head.children):
                continue  # a verb sharing the main one's subject tells the same act: "attacked the village and killed four"
            if head.i == home.i or head.dep_ not in ("advcl", "conj") or main.token.pos_ in ("NOUN", "PROPN") and any(
                    t.i == head.i for t in main.token.subtree) or any(
                    ch.dep_ in ("mark", "prep") and ch.lower_ in self.rules.background_marks for ch in head.children):
                continue  # the same clause, one inside the main trigger's phrase ("attack that killed ..."), or the
                # background of the main event ("after militants stormed X"); "while" tells one at the same time
            own = (head.left_edge.idx, head.right_edge.idx + len(head.right_edge))
            inside = [t for t in story.resolved if s0 + own[0] <= t.start and t.end <= s0 + own[1]]
            rest = [t for t in story.resolved if s0 + home.left_edge.idx <= t.start
                    and t.end <= s0 + home.right_edge.idx + len(home.right_edge) and not s0 + own[0] <= t.start < s0 + own[1]]
            if inside and rest and {t.place.name for t in inside}.isdisjoint({t.place.name for t in rest}):
                return c, (s0 + own[0], s0 + own[1])
        return None

    def _dated(self, stext: str, ref: Optional[date]) -> tuple[list[DateMention], Optional[DateMention]]:
        """The dates a sentence states, and the one that dates its event."""
        # a date inside a background clause ("after it was cut off last October") is the time of
        # that earlier happening: it neither dates this sentence's event nor the ones after it
        clause_chars = self.windows["background_clause_chars"]
        mentions = self.dates.find(stext, ref, base=0)
        return mentions, link.event_date([m for m in mentions if not self.rules.background_clause.search(
            stext[max(0, m.start - clause_chars):m.start])], ref)

    def _recovered(self, story: Story, spans: list[tuple[int, int]], parsed: dict
                   ) -> list[tuple[SentenceContext, Candidate]]:
        """The event of a short report the rules found none in, when the sub-type layer finds a
        sentence near enough to one sub-type's examples: a candidate of that sub-type's class on the
        sentence's main verb (not one the sentence puts in the future or a mood: "would", "could")."""
        doc = story.doc
        texts = [doc.text[a:b] for a, b in spans]
        hit = self.layer.recover(texts)
        if hit is None:
            return []
        i, sub = hit
        classes = [c for c in self.data.lexicon.classes.values() if c.sub_event_type == sub] or \
            [c for c in self.data.lexicon.classes.values() if c.event_type == self.layer.event_type[sub]]
        cls = min(classes, key=lambda c: (c.resolve != "fixed", c.priority))
        sent = parsed.get(i)
        if sent is None:
            sent = next(iter(self.nlp.pipe([texts[i]], disable=self._disable)))
            self.morph.annotate(sent)
        cand = self.detector.labelled(sent, cls)
        if cand is None or any(ch.dep_ == "aux" and ch.tag_ == "MD" for ch in cand.token.children):
            return []
        cand.entry = replace(cand.entry, sub_event_type=sub)
        last = None
        for j in range(i + 1):
            _, dj = self._dated(texts[j], story.ref)
            if dj is not None:
                last = (dj, j)
        d = last[0] if last is not None and last[1] == i else None
        sc = SentenceContext(story, i, spans[i][0], texts[i], sent, d, last)
        sc.recovered = sub
        return [(sc, cand)]

    def _labelled(self, story: Story, cand: Optional[Candidate], sent, first: bool) -> Optional[Candidate]:
        """A report that opens with the kind of development it is ("Movement of forces:", "Property
        destruction:") has that class, whatever its trigger; its first sentence holds the event even
        without one (``first``: no sentence before it had an event)."""
        cls = story.label
        if cls is None:
            return cand
        if cand is None:
            return self.detector.labelled(sent, cls) if first else None
        if cand.entry.cls.name != cls.name:
            cand.entry = replace(cand.entry, cls=cls, sub_event_type=None)
            cand.priority = cls.priority
        return cand

    def _sourced(self, stext: str) -> bool:
        """Whether a sentence names a source (a monitor, an agency) that vouches for what it quotes."""
        return any(kind not in ("actor", "metonym") for _, _, kind, _ in self.data.actors.find(stext))

    def _passed_on(self, story: Story, s0: int, stext: str) -> bool:
        """Whether a sentence with direct speech names, outside the quotation, a source that passes it on
        ("..., a source told AFP"); a source named inside it is the speaker's own word ("We, as the Civil
        Defence, ...")."""
        chars = list(stext)
        for a, b in story.quoted:
            for k in range(max(a, s0), min(b, s0 + len(stext))):
                chars[k - s0] = " "
        return self._sourced("".join(chars))

    def _spell_before(self, found: list[Candidate], main: Candidate, stext: str) -> Optional[Candidate]:
        """'The talks came after weeks of rocket fire and barrel bombing': a spell of violence the
        sentence states as the fact its main event followed is an event of its own (of another type)."""
        for c in found:
            if main.entry.cls.event_type != "Strategic developments":
                break  # talks, deals and truces are what typically "came after weeks of" violence
            if c is main or not c.happened or c.entry.cls.event_type in ("Strategic developments",):
                continue
            reach = self.windows["spell_before_chars"]
            if self.rules.spell_before.search(stext[max(0, c.token.idx - reach):c.token.idx]):
                return c
        return None

    def _requirements(self, cand: Candidate, stext: str) -> bool:
        if cand.entry.requires == "agent":
            return bool(cand.agents)
        if cand.entry.requires == "weapons_object":
            # "troops found an IED", "uncovered a cache of rifles": what was found is weapons
            return self.data.lexicon.subtypes.seizes_weapons(" ".join(stext[a:b] for a, b in cand.patients))
        if cand.entry.requires == "unarmed_agent":
            # "teachers marched through the town", not "troops marched into it"
            return bool(cand.agents) and not self._armed_agent(cand, stext)
        if cand.entry.requires != "armed_agent":
            return True
        return self._armed_agent(cand, stext)

    def _long(self, story: Story) -> bool:
        """A long report (not a note nor a brief): it tells its news with days and refers to what is known."""
        return not story.short and story.sentences >= self.windows["long_story_sentences"]

    def _generic(self, cand: Candidate) -> bool:
        """'tested in battle', 'quit their roles in protest': a singular count noun with no determiner and no
        modifier after a preposition is the word's generic use (a manner, a condition), not one happening."""
        tok = cand.token
        return tok.pos_ == "NOUN" and tok.tag_ == "NN" and tok.dep_ in ("pobj", "pcomp") \
            and tok.head.lower_ in self.rules.generic_preps and not any(True for _ in tok.children) \
            and tok.lemma_.lower() not in self.rules.mass_triggers and not tok.lower_.endswith("ing")

    @staticmethod
    def _classifier(cand: Candidate, trigger_ids: frozenset) -> bool:
        """'a withdrawal timetable', 'battle trucks': in a long report, a trigger noun that classifies another noun
        (itself no trigger: "a bomb attack" is the attack) names a kind of thing, not a happening (a weapon's word
        names how one was delivered); a note's every word is about its event ("protest sites", "students protest
        exam fees")."""
        tok = cand.token
        if cand.entry.cls.event_type == "Explosions/Remote violence":
            return False  # a weapon names how a happening was delivered: "rocket fire", "mortar rounds"
        return tok.pos_ in ("NOUN", "PROPN") and tok.dep_ == "compound" and tok.head.i != tok.i \
            and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i not in trigger_ids

    @staticmethod
    def _earlier(cand: Candidate) -> bool:
        """'Hamdan, 53, who had retreated to Baghuz from Keshma': a relative clause in the past perfect tells what
        the person or place it qualifies had been through before, not the news (unless it states a day)."""
        tok = cand.token
        return tok.dep_ == "relcl" and tok.tag_ == "VBN" and any(
            ch.dep_ == "aux" and ch.lower_ == "had" for ch in tok.children)

    @staticmethod
    def _state(cand: Candidate) -> bool:
        """'Their father is detained in a camp': a participle with a present passive auxiliary (not "is being")
        tells a condition in a long report, not what happened (a headline's present is the note's own)."""
        tok = cand.token
        aux = [ch for ch in tok.children if ch.dep_ in ("auxpass", "aux")]
        return tok.tag_ == "VBN" and any(a.dep_ == "auxpass" and a.tag_ in ("VBZ", "VBP") for a in aux) \
            and not any(a.tag_ in ("VBG", "VBN", "MD") or a.dep_ == "aux" for a in aux)

    def _spanned(self, cand: Candidate) -> bool:
        """'the four-year battle', 'a decade-long war': a happening qualified by years is a spell summed up."""
        tok = cand.token
        return tok.pos_ in ("NOUN", "PROPN") and any(
            t.lemma_.lower() in self.rules.history_units for t in tok.subtree if tok.left_edge.i <= t.i < tok.i)

    def _armed_agent(self, cand: Candidate, stext: str) -> bool:
        """Whether the trigger's agent is an armed actor (of a passive of moving forces, its subject:
        "the brigade was deployed", "fighters were sighted")."""
        tok = cand.token
        agents = cand.agents
        if not agents and cand.entry.cls.event_type == "Strategic developments" and hasattr(tok, "children"):
            agents = [(ch.left_edge.idx, ch.right_edge.idx + len(ch.right_edge)) for ch in tok.children
                      if ch.dep_ == "nsubjpass"]
        if not agents:
            return False
        for a, b in agents:
            for m in self.data.actors.find(stext[a:b]):
                if m[2] in ("actor", "metonym") and self.data.actors.actors[m[3]].armed:
                    return True
        return link.is_armed(self.data.actors, None, cand, stext, agents)

    def _choose(self, cands: list[Candidate], stext: str) -> Optional[Candidate]:
        neg = self.data.lexicon.classes["negotiation"]
        negotiating = self.rules.negotiating_lemmas
        for c in cands:
            # "negotiating a deal", "talks on a ceasefire": the deal is not reached yet
            if c.entry.cls.resolve == "agreement" and (c.token.head.lemma_.lower() in negotiating or any(
                    a.lemma_.lower() in negotiating for a in list(c.token.ancestors)[:3])):
                c.entry = type(c.entry)(c.entry.lemma, neg)
                c.priority = neg.priority
                c.hypothetical = False
        ok = [c for c in cands if c.happened]
        if not ok:
            # "no agreement has been reached yet" while talks go on: a negotiation happened
            talks = [c for c in cands if c.entry.cls.resolve in ("agreement", "negotiation")]
            if talks and self.rules.talks.search(stext) and not any(
                    c.negated and c.entry.cls.resolve == "negotiation" for c in talks):
                c = talks[0]
                c.entry = type(c.entry)(c.entry.lemma, neg)
                c.negated = c.hypothetical = False
                return c
            return None
        best = max(ok, key=lambda c: (c.priority, -c.token.i))
        best = self._preferred(ok, best, stext)
        fight = [c for c in ok if c.entry.cls.name == "clash"]
        ground = [c for c in fight if not c.subordinate and not any(ch.dep_ == "mark" for ch in c.token.children)]
        if ground and best.entry.cls.event_type == "Explosions/Remote violence" and best.entry.cls.name != "suicide":
            # "clashed with Ukrainian forces and shelled near X", "clashed after throwing a grenade": the codebook
            # codes remote violence that is part of a ground fight as the armed clash (not one that names what the
            # victims were doing: "killed by a roadside IED while fighting against IS")
            return ground[0]
        if best.entry.cls.name == "kill" and not best.agents:
            # "three people were killed after two communities clashed": the toll of the fight it names
            if fight:
                return fight[0]
            if best.entry.cls.resolve == "target":
                # "one person was killed after a missile struck X": the weapon told beside a death with no
                # killer named is how they died (the subordinate phrase holds the event's type)
                weapon = [c for c in ok if c.entry.cls.event_type == "Explosions/Remote violence"]
                if weapon:
                    return max(weapon, key=lambda c: (c.priority, -c.token.i))
        return best

    def _preferred(self, ok: list[Candidate], best: Candidate, stext: str) -> Candidate:
        """The trigger the codebook's precedence (triggers.yaml) puts before ``best``: a protest told with
        arrests is the protest (the arrests its intervention); a missile intercepted, a cache of grenades
        found is the disrupted weapons use (``object``: the weapon is what the preferred trigger acts on);
        a killing the demonstrators denounce is their grievance (``grievance``)."""
        lex = self.data.lexicon
        for prefer, over, where in lex.precedence:
            if best.entry.cls.name not in over:
                continue
            for c in ok:
                if c.entry.cls.name != prefer:
                    continue
                if where == "sentence" or (where == "object" and _acts_on(c, best)) or (
                        where == "grievance" and lex.subtypes.in_grievance(stext, best.token.idx)) or (
                        where == "sequel" and c.token.i < best.token.i and any(
                            ch.dep_ == "advmod" and ch.lower_ in lex.sequel_adverbs for ch in best.token.children)):
                    return c
        return best

    # ------------------------------------------------------------------ one sentence's event
    def _event(self, sc: SentenceContext, cand: Candidate) -> list[tuple[Event, dict]]:
        """The event of a sentence's trigger (several when it takes several places), with what it
        states itself (``own``: place, date, toll), or none when it is background."""
        kb = self.data.actors
        mentions, sources = link.actor_mentions(kb, sc.text, cand.agents + cand.between, sc.story.country)
        # place first: the event's country decides whose state forces are "the government"
        spot = self._spot(sc, cand, [(m.start, m.end) for m in mentions])
        country = (spot.place.country if spot.place else None) or sc.story.country  # a continent has none
        a1m, a2m = link.pick_actors(kb, cand, mentions, sc.text, [(a, b) for a, b, _ in sources])
        et, st, attrs, a1m, a2m = self._type(sc, cand, mentions, a1m, a2m, country)
        when = self._when(sc, cand)
        # (the place the sentence names itself: one carried from before or the story's main one is not its own)
        own_place = spot.place if spot.top is not None else None
        if self._background(sc, when, own_place, et in ("Protests", "Riots")) or self._undated(sc, cand, when):
            return []
        if sc.recovered is not None and self.layer.event_type[sc.recovered] == et:
            st = sc.recovered  # the layer's sub-type of a sentence the rules passed over, where its type holds
        actor1, actor2 = self._actors(sc, cand, et, a1m, a2m, when.value, country, st)
        # fatalities over the sentence and the ones continuing it
        counts = [self.counter.find(sc.text, sc.start)] + [self.counter.find(sc.story.doc.text[a:b], a)
                                                            for a, b in sc.continuation]
        kill, hurt = total(counts, "kill"), total(counts, "hurt")
        stance, srcs, stance_ev = self._stance(sc, cand, sources, mentions)
        doc = sc.story.doc
        ev = Event(event_id=_event_id(doc.doc_id, sc.start + cand.token.idx), doc_id=doc.doc_id, event_type=et,
                   sub_event_type=st, date=when.value, time_precision=when.precision, actor1=actor1, actor2=actor2,
                   location=spot.place, fatalities=kill, wounded=hurt, stance=stance, sources=srcs,
                   sentence=sc.text, attrs=attrs)
        if cand.attempt:
            ev.attrs["attempt"] = True
        if kill is not None and any(c.kind == "kill" and self.counter.at_least(c.text) for cs in counts for c in cs):
            ev.attrs["fatalities_at_least"] = True  # shown "100+", not "100"
        ev.attrs["trigger"] = cand.token.text
        ev.evidence = self._evidence(sc, cand, a1m, a2m, when, spot, counts, stance_ev)
        ev.confidence = self._confidence(cand, a1m, spot, when, stance)
        # a bare toll ("6 civilians were killed.", "They burned houses and killed 4 people.", "One killed and one
        # abducted.") may continue the event told before it
        mention = self._mention(cand)
        own = {"place": spot.top is not None, "date": when.span is not None,
               "toll": kill is not None, "mention": mention,
               # a referring mention with no day and no toll of its own in a long report: old news unless it is an
               # event the story told (coder.yaml ``mention_determiners``)
               "given": mention and when.span is None and kill is None and self._long(sc.story),
               # victims with no attacker named ("two soldiers were killed"): how the event before ended
               "victims": cand.entry.cls.name == "kill" and not cand.agents}
        return [(ev, own)] + [(e, dict(own)) for e in self._places_taken(sc, cand, spot, ev)]

    def _kin(self, a: Event, b: Event) -> bool:
        """Whether two events are of kinds one may be told as the other (coder.yaml ``mention_kin``)."""
        def kinds(e: Event) -> set[str]:
            return {(e.event_type or "").lower(), (e.sub_event_type or "").lower()}
        return a.event_type == b.event_type or any(kinds(a) & g and kinds(b) & g for g in self.rules.mention_kin)

    def _mention(self, cand: Candidate) -> bool:
        """A trigger that refers to a happening rather than telling one: a noun with a definite or possessive
        determiner ("the attack has displaced 5,000", "its surrender"), or the verb of a background clause
        ("after it was surrounded")."""
        tok = cand.token
        if tok.pos_ == "VERB" and tok.dep_ in ("advcl", "pcomp", "relcl") and any(
                ch.dep_ == "mark" and ch.lower_ in self.rules.background_marks for ch in tok.children):
            return True  # a finite clause of a happening told as background: "... after it was surrounded"
        def referring(noun) -> bool:
            # (a possessive noun phrase determines it too: "Obama's withdrawal", "the army's offensive"; and a
            # gerund with a possessive is a noun: "whose killing")
            return (noun.pos_ in ("NOUN", "PROPN") or noun.tag_ == "VBG" and any(
                ch.dep_ == "poss" or ch.tag_ == "WP$" for ch in noun.children)) and any(
                (ch.dep_ in ("det", "poss") or ch.tag_ == "WP$") and ch.lower_ in self.rules.mention_determiners
                or (ch.dep_ == "poss" and any(g.dep_ == "case" for g in ch.children)) for ch in noun.children)

        if tok.pos_ == "VERB" and not referring(tok):
            # "The attack has ... killed scores of civilians": what a happening already told did
            return any(ch.dep_ == "nsubj" and referring(ch) and ch.lemma_.lower() in self.data.lexicon.by_lemma
                       for ch in (tok.head if tok.dep_ == "conj" else tok).children)
        return referring(tok)

    def _spot(self, sc: SentenceContext, cand: Candidate, actor_spans: list[tuple[int, int]]) -> Spot:
        """Where the sentence's event happened: its own place, else one carried from before, else the story's."""
        story, win, places = sc.story, self.windows, self.places
        text = story.doc.text
        top, place = places.choose(text, sc.start, sc.text, cand, sc.toponyms, actor_spans, story.country)
        if top is not None and story.country and place.country != story.country and story.main_place is not None \
                and len(story.resolved) >= win["abroad_min_places"] and cand.entry.cls.resolve != "protest" \
                and (is_country_or_continent(place.feature) or (place.feature or "").startswith(("H.", "L.", "P.PPLC", "P.PPLG"))):
            top = place = None  # only a country, a continent, a sea, a region or a capital abroad named: the story's main place is the better guess
            # ("Washington said", "talks in Moscow"); a town abroad is named for what happened there ("a
            # missile struck the Turkish bordertown of Reyhanli"), and a crowd protests where it lives
        goal = top is not None and places.is_destination(text, top.start)
        carried = None
        if top is None or goal:
            # "hit a compound in that area": the place named just before carries over; "agreed to
            # leave for Idlib": where people are sent is not where the event happened
            reach = win["carry_place_chars_destination"] if goal else win["carry_place_chars"]
            # (a crowd protests where it lives: a protest carries a town abroad too, "A similar protest was
            # staged at King's Cross" after "in London", in a story about Syria)
            prev = [t for t in story.resolved if t.end <= sc.start and t.start >= sc.start - reach
                    and (not story.country or t.place.country == story.country or cand.entry.cls.resolve == "protest")
                    and not t.place.is_country()
                    and not places.is_destination(text, t.start)]
            carried = places.carried(text, prev)
            if goal and carried is not None:
                top = place = None
            elif goal:
                carried = None
        # the toponym the place comes from: the sentence's own, one carried over, or the story's main one
        # (unless that is where this sentence's speaker is: "..., the governor of Hatay said")
        main = story.main_place
        if main is not None and any(t.place is not None and t.place.name == main.place.name
                                    and places.speaker_place(cand, t, sc.start) for t in sc.toponyms):
            main = None
        where = top if place is not None else (carried or main)
        if place is None:
            place = where.place if where else None
        area = top or carried
        focus = story.focus
        if area is not None and place is not None and focus is not None and focus.place.name != place.name \
                and places.region_use(text, area) and places.within_region(focus.place, place):
            # "negotiations in the Damascus countryside" in a story headlined on a town of that area:
            # the region stands for the town the story is about (and the headline's name is the evidence)
            place = replace(focus.place, mention=focus.text)
            where = focus
        if place is not None and self.seats is not None and self.places.at_seat(place):
            # ACLED's rule for an event known only to a province: coded at its capital, geo_precision 3
            place = self.seats(place) or place
        return Spot(top, place, where)

    def _type(self, sc: SentenceContext, cand: Candidate, mentions: list, a1m, a2m, country: Optional[str]):
        """(event type, sub-event type, attrs, actor1 mention, actor2 mention): the trigger's class
        refined by its context; crowds make clashes riots and protests take their demonstrators first."""
        kb = self.data.actors
        # what met a demonstration is often told in the sentences after it ("Police dispersed them with tear gas.")
        # (and a short report, an ACLED note or a brief, tells one event: its later sentences are that event's
        # victims, weapons and toll even where they hold a trigger of their own, "Several farmers were wounded by
        # gunshots.")
        context = sc.text + " " + sc.following if cand.entry.cls.resolve == "protest" or sc.story.short else sc.context
        et, st, attrs = link.resolve_sub_type(self.data.lexicon, kb, cand, a1m, a2m, context, country)
        if cand.entry.cls.resolve == "territory" and st != "Abduction/forced disappearance" and a2m is not None \
                and kb.actors[a2m.ident].actor_type == "civilians":
            a2m = None  # people named around a change of hands ("rule by the Assad family") lost no ground
        if et == "Battles" and cand.entry.cls.resolve in ("fixed", "target"):
            # "clashes between demonstrators and riot police": a riot, not a battle
            crowd = next((m for m in (a1m, a2m) if m and kb.actors[m.ident].actor_type in ("protesters", "rioters")), None)
            if crowd is not None:
                other = a2m if crowd is a1m else a1m
                et, st = "Riots", self.data.lexicon.subtypes.riot_kind(sc.context, "")
                a1m = link.ActorMention(crowd.start, crowd.end, "rioters", crowd.text)
                a2m = other
        elif et == "Riots" and cand.entry.cls.resolve != "protest":
            # a crowd's violence (link.resolve_sub_type, code/subtypes.py): the crowd is the rioters
            crowd = a1m if a1m is not None and (not cand.agents or any(a1m.start < b and a1m.end > a for a, b in cand.agents)) \
                else None
            # ACLED names a riot's first side Rioters whoever they support ("two factions of the party clashed");
            # forces named as the agent ("police clashed with rioters") are the other side
            if crowd is not None and a2m is None and kb.actors[crowd.ident].actor_type == "state forces":
                a2m = crowd
            a, b = (crowd.start, crowd.end) if crowd else (cand.agents[0] if cand.agents else
                                                           (cand.token.idx, cand.token.idx + len(cand.token)))
            a1m = link.ActorMention(a, b, "rioters", sc.text[a:b])
            if a2m is not None and a2m.ident == "rioters":
                a2m = None
        if et == "Protests" and cand.entry.cls.resolve != "protest" and a1m is not None \
                and kb.actors[a1m.ident].actor_type == "state forces":
            # "police fired tear gas at supporters gathered outside ...": the crowd is the protest, the forces met it
            a, b = cand.patients[-1] if cand.patients else (cand.token.idx, cand.token.idx + len(cand.token))
            a1m, a2m = link.ActorMention(a, b, "protesters", sc.text[a:b]), a1m
        if cand.entry.cls.name == "group" and a1m is None and a2m is not None:
            a1m, a2m = a2m, None  # "Al Shabaab were sighted", "the brigade was deployed": the group is the actor
        if et == "Violence against civilians" and a2m is not None and kb.actors[a2m.ident].armed:
            a2m = None  # the codebook's victims are civilians ("3 Fulani pastoralists" are not the Fulani militia)
        if et in ("Protests", "Riots") and cand.entry.cls.resolve == "protest":
            # the forces that broke it up are often told in the next sentence ("Police fired tear gas.")
            mentions = mentions + link.continuation_mentions(kb, sc.story.doc.text, sc.start, sc.continuation, country)
            first, second = link.protest_actors(kb, et, st, mentions)
            a1m = link.ActorMention(cand.token.idx, cand.token.idx + len(cand.token), first, cand.token.text) \
                if not (a1m and kb.actors[a1m.ident].actor_type in ("protesters", "rioters")) else \
                link.ActorMention(a1m.start, a1m.end, first, a1m.text)
            a2m = next((m for m in mentions if m.ident == second), None) if second else None
        if et == "Battles":
            a1m, a2m = link.home_first(kb, cand, a1m, a2m, country, sc.text)
        if st == "Remote explosive/landmine/IED" and cand.entry.cls.name != "explosive":
            # "an army vehicle struck an IED": whoever the trigger's class, a mine's target is not who laid it
            usable = [m for m in mentions if m is not None]
            a1m, a2m = link.bomb_roles(kb, usable, sc.text, a1m, a2m, link.victim_spans(cand, kb.victim_verbs))
            if a1m is None:
                a1m = link.claimed_layer(kb, sc.story.doc.text, sc.start, sc.continuation, country)
        if a1m is None and cand.entry.cls.name == "explosive":  # "... The Local PDF claimed responsibility."
            a1m = link.claimed_layer(kb, sc.story.doc.text, sc.start, sc.continuation, country)
        return et, st, attrs, link.air_arm(kb, st, a1m, country), link.crowd_police(
            kb, et, link.air_arm(kb, st, a2m, country, sc.text))

    def _when(self, sc: SentenceContext, cand: Optional[Candidate] = None) -> When:
        """The sentence's own date, else (for what is going on now: "battles continue") the publication date,
        else the latest one stated before it, else publication (week)."""
        ref, d, ctx = sc.story.ref, sc.date, sc.context_date
        if d is not None:
            return When(d.value, d.precision, (sc.start + d.start, sc.start + d.end))
        if ref is not None and cand is not None and self._ongoing(cand) and not any(
                ch.tag_ == "VBD" for v in (cand.token, cand.token.head) for ch in v.children if ch.dep_ in ("aux", "auxpass")):
            return When(ref, "week", None)  # the present of a report is its day, not a day told before
        if ctx is not None and sc.index - ctx[1] <= self.windows["date_lookback_sentences"] and (
                ref is None or ctx[0].value is None or 0 <= (ref - ctx[0].value).days <= self.windows["background_days"]):
            return When(ctx[0].value, ctx[0].precision, None)
        if ref is not None and sc.continuation and sc.start < self.windows["lede_chars"]:
            # "A soldier killed by a roadside bomb in Syria has been named. The 33-year-old died ... in Manbij on
            # Thursday.": a lede with no day takes the day the sentence continuing it names (a day, in the news window)
            a, b = sc.continuation[0]
            text = sc.story.doc.text[a:b]
            d2 = link.event_date(self.dates.find(text, ref, base=0), ref)
            if d2 is not None and d2.precision == "day" and 0 <= (ref - d2.value).days <= self.windows["background_days"]:
                return When(d2.value, d2.precision, (a + d2.start, a + d2.end))
        if ref is not None:
            return When(ref, "week", None, fallback=True)
        return When(None, None, None, fallback=True)

    def _background(self, sc: SentenceContext, when: When, place: Optional[Place], crowd: bool = False) -> bool:
        """Whether the sentence's event is background, not news (``crowd``: a protest or riot, whose
        numbers are the size of its crowd, not a toll)."""
        ref, win = sc.story.ref, self.windows
        back = win["background_days_long" if self._long(sc.story) else "background_days"]
        if ref is not None and when.value is not None and when.span is not None \
                and not -win["future_days"] <= (ref - when.value).days <= back:
            return True  # long before the report, or a future that has not happened
        if self.rules.background.search(sc.text):
            return True  # "since the start of the war", "in recent years": history, not news
        if self.rules.question.search(sc.text):
            return True  # asked, not reported
        if when.span is None and (place is None or place.is_country()) and not crowd \
                and self.rules.aggregate.search(sc.text):
            return True  # "hundreds of thousands were killed", "prolonged sieges starved entire populations":
            # a toll or a practice summed over a war, with no day and no place of its own, is commentary
        return False

    def _undated(self, sc: SentenceContext, cand: Candidate, when: When) -> bool:
        """A long report tells its news with a day: past its lede, a sentence that states none (nor
        follows one that does) recalls, explains or comments, unless it tells what is going on now
        ("are fighting near Hajin", "battles continue") or what a source reports."""
        win = self.windows
        if not when.fallback or sc.start < win["lede_chars"] or sc.story.sentences < win["long_story_sentences"]:
            return False
        # what a monitor or an agency is cited for, or what someone reports, is news ("AFP reported", "a war
        # monitor said", "the reporter in the area reported that ...")
        # (not "was later reported to have been killed": a report told in sequence is part of a recounted story)
        reported = any((a.lemma_.lower() in self.rules.report_lemmas or a.lower_ in self.rules.report_lemmas)
                       and not any(ch.dep_ == "advmod" and ch.lower_ in self.rules.narrative_adverbs for ch in a.children)
                       for a in list(cand.token.ancestors)[:4])
        return not self._ongoing(cand) and not reported and not self._attributed(cand) and not self._sourced(sc.text)

    def _attributed(self, cand: Candidate) -> bool:
        """'..., rebels said', 'Idlib residents said ...', 'fighters said they had pushed into the enclave': a
        happening a party or a witness tells in the reporting past (a verb of saying in the simple past whose
        subject is a common noun, not a pronoun of a story being told nor a politician's name) is the news
        they report."""
        t = cand.token
        for a in list(t.ancestors)[:4]:
            if a.pos_ == "VERB" and a.tag_ == "VBD" and a.lemma_.lower() in self.rules.saying_lemmas \
                    and not any(ch.dep_ == "advmod" and ch.lower_ in self.rules.narrative_adverbs for ch in a.children):
                subj = next((ch for ch in a.children if ch.dep_ == "nsubj"), None)
                # (people named by what they are, "rebels", "residents", "fighters": a politician named by name
                # speaks about policy, "Rouhani said the grounds for a settlement had been laid")
                return subj is not None and subj.pos_ == "NOUN"
        return False

    def _ongoing(self, cand: Candidate) -> bool:
        """'are fighting', 'is being shelled', 'battles continue': the trigger (or the verb that
        carries it) in the present progressive, or the subject of a present verb of continuing."""
        tok = cand.token
        verbs = [tok] + ([tok.head] if tok.head is not tok else [])
        for v in verbs:
            # (a past progressive is the present of a report: "the group said its forces were moving into X")
            if v.tag_ == "VBG" and any(ch.dep_ in ("aux", "auxpass") and ch.lemma_ == "be" for ch in v.children):
                return True
            if v.tag_ in ("VBP", "VBZ") and v.lemma_.lower() in self.rules.ongoing_lemmas:
                return True
        return False

    def _actors(self, sc: SentenceContext, cand: Candidate, et: str, a1m, a2m, when: Optional[date],
                country: Optional[str], st: str = ""):
        """The event's actors: known ones named at the event's date, else the agent's words; violence
        by an actor the text does not name is ACLED's unidentified armed group."""
        kb = self.data.actors
        actor1 = kb.actor(a1m.ident, a1m.text, when, country) if a1m else link.unknown_agent(kb, cand, sc.text)
        actor2 = kb.actor(a2m.ident, a2m.text, when, country) if a2m else None
        # (a short note tells its victims in the sentence after: "Russian forces shelled X. A civilian was killed.")
        told = sc.context + " " + sc.following if sc.story.short and sc.following not in sc.context else sc.context
        context = link.victims_context(self.data.lexicon, kb, told, told, a1m)
        if actor2 is None and (et == "Violence against civilians" or st == "Looting/property destruction"
                               or link.harms_civilians(self.data.lexicon, kb, cand, et, st, context)):
            actor2 = kb.actor("civilians", None, when, country)
        elif actor2 is None and et == "Riots" and st == "Mob violence":
            actor2 = kb.actor("rioters", None, when, country)  # two crowds fighting each other
        if et in ("Battles", "Violence against civilians") and a1m is not None and actor1 is not None \
                and actor1.actor_type == "civilians":
            if cand.between and a2m is not None and kb.actors[a2m.ident].armed:
                # "clashes between civilians and soldiers": the armed side acts, the people are its target
                actor1, actor2 = actor2, kb.actor("civilians", None, when, country)
            elif any(a <= a1m.start and a1m.end <= b for a, b in cand.agents) and link.community_words(kb, a1m.text):
                # "farmers attacked a police chief", "villagers clashed with herders": people of a community
                # taking up arms are the codebook's communal militia
                actor1 = kb.actor("communal-militia", a1m.text, when, country)
        if et in ("Battles", "Explosions/Remote violence", "Violence against civilians") and (
                actor1 is None or actor1.actor_type in ("civilians", "protesters", None)):
            actor1 = kb.actor("unidentified", None, when, country)
        return actor1, actor2

    def _stance(self, sc: SentenceContext, cand: Candidate, sources, mentions):
        """(stance, sources, evidence spans): denied, uncertain, a party's claim, else asserted."""
        stext, r, kb = sc.text, self.rules, self.data.actors
        stance, srcs, evs = "asserted", [], []
        for a, b, name in sources:
            if name not in srcs:
                srcs.append(name)
            evs.append((a, b, "sources"))
        m = self._denial.search(stext)
        if m:
            return "denied", srcs, evs + [(m.start(), m.end(), "stance")]
        m = self._uncertain.search(stext)
        if m:
            return "uncertain", srcs, evs + [(m.start(), m.end(), "stance")]
        # a party's own word: "a rebel commander said", "the ministry claimed"
        for tok in cand.token.sent if hasattr(cand.token, "sent") else []:
            if tok.lemma_.lower() in r.saying_lemmas and tok.pos_ == "VERB":
                subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
                if subj is None:
                    continue
                a, b = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)
                words = stext[a:b]
                if any(sa < b and sb > a for sa, sb, _ in sources):
                    continue
                party = next((m for m in mentions if m.start >= a and m.end <= b), None)
                if party or r.party_words.search(words):
                    name = kb.actors[party.ident].name_at(None, None) if party else words
                    srcs.append(name)
                    evs.append((a, b, "sources"))
                    if tok.lemma_.lower() in r.claiming_lemmas or party or \
                            any(w in words.lower() for w in r.claiming_words):
                        stance = "claimed"
                        evs.append((tok.idx, tok.idx + len(tok), "stance"))
                    break
        return stance, srcs, evs

    def _evidence(self, sc: SentenceContext, cand: Candidate, a1m, a2m, when: When, spot: Spot,
                  counts: list[list[Count]], stance_ev) -> list[Evidence]:
        """One span per field, in raw coordinates; a place carried from elsewhere cites its span too."""
        doc, s0 = sc.story.doc, sc.start
        tok = cand.token
        trig = (s0 + tok.idx, s0 + tok.idx + len(tok))
        out = [_ev(doc, s0, sc.end, "sentence"), _ev(doc, *trig, "event_type"), _ev(doc, *trig, "sub_event_type")]
        if a1m:
            out.append(_ev(doc, s0 + a1m.start, s0 + a1m.end, "actor1"))
        if a2m:
            out.append(_ev(doc, s0 + a2m.start, s0 + a2m.end, "actor2"))
        if when.span:
            out.append(_ev(doc, *when.span, "date"))
        if spot.where is not None:
            out.append(_ev(doc, spot.where.start, spot.where.end, "location"))
        for cs in counts:
            for c in cs:
                out.append(_ev(doc, c.start, c.end, "wounded" if c.kind == "hurt" else "fatalities"))
        for a, b, f in stance_ev:
            out.append(_ev(doc, s0 + a, s0 + b, f))
        return out

    def _confidence(self, cand: Candidate, a1m, spot: Spot, when: When, stance: str) -> float:
        c = self.rules.confidence
        conf = c["base"] + (c["actor1"] if a1m else 0) + (c["place"] if spot.top else 0) + \
            (c["date"] if when.span else 0) + (c["root"] if cand.token.dep_ == "ROOT" else 0) - \
            (c["uncertain"] if stance == "uncertain" else 0) - (c["subordinate"] if cand.subordinate else 0)
        return max(c["floor"], min(c["ceiling"], conf))

    def _places_taken(self, sc: SentenceContext, cand: Candidate, spot: Spot, ev: Event) -> list[Event]:
        """"seized Aleppo and Hama": one event per place taken (copies of ``ev`` at the others)."""
        top, place, country = spot.top, spot.place, sc.story.country
        if top is None or cand.entry.cls.resolve != "territory":
            return []
        doc, s0 = sc.story.doc, sc.start
        in_sent = sc.toponyms
        heads = {id(ch.head) for ch in self.places.chains(doc.text, in_sent)}  # not the areas places lie in
        others = [t for t in in_sent if t is not top and id(t) in heads and t.place is not None and t.place.lat is not None
                  and t.place.name != place.name
                  and any(a <= t.start - s0 and t.end - s0 <= b for a, b in cand.patients)
                  and (not country or t.place.country == country)
                  and not t.place.is_country()]
        return [_copy_at(doc, ev, t, n) for n, t in enumerate(others, 1)]

    def _merge(self, events: list[tuple[int, Event, dict]], headline_end: Optional[int] = None) -> list[Event]:
        """Events of a document that continue each other become one: a sentence without a place or a
        date of its own continues the event before (a bare toll gives it its toll); the same type at
        the same place within ``merge_days`` is the same event. An event of the headline (``headline_end``:
        where it ends) told again in a body sentence with a date of its own takes that sentence as its
        own: headlines put past acts in the present and carry no date ("rebels take Damascus";
        "Rebel fighters took control of Damascus on Sunday")."""
        days, conf = self.windows["merge_days"], self.rules.confidence
        out: list[tuple[Event, dict]] = []
        for i, ev, own in events:
            target = None
            toll_only = False
            if out:
                prev, pown = out[-1]
                if not own.get("place") and not own.get("date") and prev.event_type == ev.event_type \
                        and (ev.location is None or _pname(prev) == _pname(ev)):
                    target = prev  # (a place carried from elsewhere that is not the event's is another event)
                elif not own.get("place") and not own.get("date") and own.get("victims") and any(
                        self._kin(p, ev) and (ev.location is None or _pname(p) == _pname(ev)) for p, _ in out):
                    # "A suicide bomber struck in X. ... confirmed that two soldiers were killed.": victims with no
                    # attacker of their own, told where an event of violence was, are that event's, not a new one
                    target = next(p for p, _ in reversed(out) if self._kin(p, ev)
                                  and (ev.location is None or _pname(p) == _pname(ev)))
                elif not own.get("place") and not own.get("date") and own.get("toll") and prev.fatalities is None \
                        and prev.event_type != "Strategic developments":
                    # "Clashes broke out in X. 6 civilians were killed.": the toll of the event before, not a new one
                    target, toll_only = prev, True
            if target is None:
                for prev, _ in out:
                    if prev.event_type == ev.event_type and _same_place(prev, ev, self.windows["same_place_km"]) \
                            and _close(prev.date, ev.date, days):
                        target = prev
                        break
            if target is None and own.get("mention"):
                # "The attack has displaced 5,000 people ...", "... after it was surrounded": a happening referred
                # to at the place and about the day of an event the story told is that event, whatever its word
                target = next((prev for prev, _ in out if _same_place(prev, ev, self.windows["same_place_km"])
                               and _close(prev.date, ev.date, 1) and self._kin(prev, ev)), None)
            if target is None and own.get("given"):
                continue  # "in criticising Trump's withdrawal", "now that battle has been won": not reported here
            if target is None:
                out.append((ev, own))
                continue
            if not toll_only and headline_end is not None and own.get("date") and _starts_before(target, headline_end) \
                    and not _starts_before(ev, headline_end):
                k = next(k for k, (e, _) in enumerate(out) if e is target)
                out[k] = (ev, own)
                target, ev = ev, target
            if toll_only:
                target.evidence += [e for e in ev.evidence if e.field in ("fatalities", "wounded")]
                target.fatalities = ev.fatalities
                if target.wounded is None:
                    target.wounded = ev.wounded
                continue
            if target.location is not None and target.location.is_country() and ev.location is not None \
                    and not ev.location.is_country():
                # the vaguer report ("fighting in Syria") takes the place (and the day) of the finer one
                target.evidence = [e for e in target.evidence if e.field != "location"]
                target.location = ev.location
                town = next((o for e, o in out if e is target), {})
                if not town.get("date") and own.get("date"):
                    target.date, target.time_precision = ev.date, ev.time_precision
                    target.evidence = [e for e in target.evidence if e.field != "date"]
            target.evidence += [e for e in ev.evidence if e.field not in ("event_type", "sub_event_type")]
            for f in ("fatalities", "wounded"):
                a, b = getattr(target, f), getattr(ev, f)
                if b is not None and (a is None or b > a):
                    setattr(target, f, b)
            for s in ev.sources:
                if s not in target.sources:
                    target.sources.append(s)
            if target.actor2 is None and ev.actor2 is not None and (target.actor1 is None or ev.actor2.name != target.actor1.name):
                target.actor2 = ev.actor2
            target.confidence = min(conf["ceiling"], target.confidence + conf["merged"])
        return [e for e, _ in out]


# the event types of organised armed violence (ontology.yaml): what a second act in a sentence must be
_VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")
_CLAUSE_DEPS = ("ROOT", "advcl", "ccomp", "conj", "parataxis", "relcl")


def _clause_head(tok):
    """The verb heading the clause a token stands in."""
    t = tok
    for _ in range(40):
        if t.head.i == t.i or (t.dep_ in _CLAUSE_DEPS and t.pos_ in ("VERB", "AUX")):
            return t
        t = t.head
    return t


def _weapon_of(cand: Optional[Candidate], detected: list[Candidate]) -> Optional[Candidate]:
    """'Two waves of airstrikes on X killed 13 civilians': a killing whose agent phrase is a weapon's happening
    is that weapon's event (the weapon word itself, counted by its waves, is no event of its own)."""
    if cand is None or cand.entry.cls.name != "kill" or not cand.agents:
        return cand
    weapon = [c for c in detected if c.happened and c.entry.cls.event_type == "Explosions/Remote violence"
              and _in_agent(c, cand)]
    return max(weapon, key=lambda c: (c.priority, -c.token.i)) if weapon else cand


def _in_agent(c: Candidate, kill: Candidate) -> bool:
    """Whether ``c``'s trigger word is inside the agent phrase of ``kill``'s verb (its subject, or its "by"
    phrase): "two waves of airstrikes ... killed", "were killed by shelling"."""
    t = c.token
    for _ in range(8):
        if t.head.i == t.i:
            return False
        if t.head.i == kill.token.i:
            return t.dep_ in ("nsubj", "agent")
        t = t.head
    return False


def _acts_on(c: Candidate, other: Candidate) -> bool:
    """Whether ``other``'s trigger word is what ``c`` acts on: in one of its objects, or inside the noun
    phrase ``c`` heads ("a cache of rifles and grenades")."""
    at = other.token.idx
    if any(a <= at < b for a, b in c.patients):
        return True
    return c.token.pos_ in ("NOUN", "PROPN") and any(t.i == other.token.i for t in c.token.subtree)


def _ev(doc: Document, start: int, end: int, field: str) -> Evidence:
    rs, re_ = doc.raw_span(start, end)
    return Evidence(doc.doc_id, rs, re_, doc.raw[rs:re_], field)


def _event_id(doc_id: str, offset: int) -> str:
    return "ev_" + hashlib.sha1(f"{doc_id}:{offset}".encode()).hexdigest()[:16]


def _headline_end(doc: Document, max_chars: int) -> Optional[int]:
    """Where a story's headline ends, in raw offsets (a first line of the clean text no longer than
    ``max_chars`` followed by more text, or the title when the text opens with it); None without one."""
    head = doc.text.lstrip()
    lead = len(doc.text) - len(head)
    if doc.title and head.startswith(doc.title):
        return doc.raw_span(lead, lead + len(doc.title))[1]
    nl = head.find("\n")
    if nl < 0 or nl > max_chars or not head[nl:].strip():
        return None
    return doc.raw_span(lead, lead + nl)[1]


def _starts_before(ev: Event, at: int) -> bool:
    """The event's own sentence (its first sentence evidence, raw offsets) ends by ``at``."""
    sent = next((e for e in ev.evidence if e.field == "sentence"), None)
    return sent is not None and sent.end <= at


def _headline_place(doc: Document, resolved: list[Toponym], country: Optional[str], max_chars: int) -> Optional[Toponym]:
    """The town a story's headline (its title, or a short first line followed by more text) names."""
    if doc.title:
        head_end, title = None, doc.title
    else:
        nl = doc.text.find("\n")
        if nl < 0 or nl > max_chars or not doc.text[nl:].strip():
            return None
        head_end, title = nl, doc.text[:nl]
    for t in resolved:
        if (head_end is not None and t.start >= head_end) or (head_end is None and t.text not in title):
            continue
        p = t.place
        if (country is None or p.country == country) and (p.geo_precision or 1) == 1 \
                and not (p.feature or "").startswith(("A.", "L.")):
            return t
    return None


def _main_place(tops: list[Toponym]) -> Optional[Toponym]:
    if not tops:
        return None
    counts: dict[str, int] = {}
    for t in tops:
        counts[t.place.name] = counts.get(t.place.name, 0) + 1
    fine = [t for t in tops if not t.place.is_country()]
    pool = fine or tops
    return max(pool, key=lambda t: (counts[t.place.name], -t.start))


def _same_place(a: Event, b: Event, km: float) -> bool:
    """Whether two reports of a document place their events alike: the same name, the same point under
    two records (``km`` apart at most: "Afrin" and "‘Afrīn"), or a whole country and a place in it (the
    vaguer report of the same event: "fighting in Syria" beside "fighting in Afrin")."""
    if _pname(a) == _pname(b):
        return True
    p, q = a.location, b.location
    if p is None or q is None or p.country != q.country:
        return False
    if p.is_country() or q.is_country():
        return True
    return p.lat is not None and q.lat is not None and haversine_km(p.lat, p.lon, q.lat, q.lon) <= km


def _pname(ev: Event) -> Optional[str]:
    return ev.location.name if ev.location else None


def _close(a: Optional[date], b: Optional[date], days: int) -> bool:
    return a is None or b is None or abs((a - b).days) <= days


def _copy_at(doc: Document, ev: Event, top: Toponym, n: int) -> Event:
    """The same event at another place named with it."""
    import copy

    out = copy.deepcopy(ev)
    out.event_id = _event_id(doc.doc_id, top.start) + f"-{n}"
    out.location = top.place
    out.evidence = [e for e in out.evidence if e.field != "location"] + [_ev(doc, top.start, top.end, "location")]
    return out
