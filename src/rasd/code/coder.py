"""The event coder stage: Results (a cleaned document with its resolved toponyms) in, the same
with their events out.

Per batch: split sentences (cheap rules), keep the sentences where the trigger prefilter
fires, parse only those with spaCy (``nlp.pipe``, NER off), detect triggers with their
dependency roles, and build one event per sentence from its strongest trigger that did
happen. Each event gets its type, actors, date, place, fatalities, stance and sources,
with an Evidence span (raw coordinates) for every field. Events of one document that
continue each other are merged.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Optional

from ..nlp import Prefilter, split_sentences
from ..nlp.morph import Morph
from ..records import Document, Event, Evidence, Result, Toponym
from . import link
from . import place as place_mod
from .country import named_toponyms, place_country
from .dates import DateFinder
from .fatalities import FatalityCounter, allocated_figure, stated_figure, total
from .lexicon import ActorKB, Ontology, TriggerLexicon
from .triggers import Candidate, TriggerDetector


_BACKGROUND = re.compile(r"\b(?:(?:near |since |at )?the (?:start|beginning|outset) of the (?:\w+ ){0,2}(?:war|conflict|uprising|revolution)|"
                         r"in recent (?:years|months)|over the (?:past|last) (?:few |several |\w+ )?years|for years|in the past|"
                         r"years ago|decades? ago|earlier in the war|during the (?:civil )?war|\w+ years since)\b", re.I)
# "after it was separated from X last October": a finite clause of an earlier happening, open up to a date
_BACKGROUND_CLAUSE = re.compile(r"\b(?:after|since|following|before|prior to|until)\s+(?=[^,;:.()]*\b(?:was|were|had|it|they|he|she)\b)"
                                r"[^,;:.()]*$", re.I)
_AGGREGATE = re.compile(r"\b(?:hundreds of thousands|tens of thousands|thousands|millions|prolonged|protracted|"
                        r"(?:years|decades) of|entire (?:populations|cities|communities|neighbou?rhoods))\b", re.I)
_SPELL_BEFORE = re.compile(r"\b(?:after|following)\s+(?:\w+\s+)?(?:days|weeks|months)\s+of\s+(?:[\w-]+\s+){0,3}$", re.I)
_ARTICLE_SPACE = re.compile(r"\b(al|el|ad|an|ar|as|ash|at|az|ad) (?=\w)")
_NEGOTIATING = {"negotiate", "negotiation", "talk", "discuss", "seek", "broker", "mediate"}


@dataclass
class CoderData:
    """The coder's knowledge, loaded once from the package's data files."""

    ontology: Ontology
    lexicon: TriggerLexicon
    actors: ActorKB

    @classmethod
    def load(cls) -> "CoderData":
        onto = Ontology.load()
        return cls(onto, TriggerLexicon.load(onto), ActorKB.load())


class Coder:
    """The code stage's event building: Result -> Result with ``events`` set, from the document
    and the toponyms the geo stage resolved in it. Built once with the model and its data."""

    name = "code"

    def __init__(self, nlp, data: Optional[CoderData] = None, batch_size: int = 256):
        self.nlp = nlp
        self.data = data or CoderData.load()
        self.batch_size = batch_size
        strong, weak = self.data.lexicon.prefilter_keys()
        aliases = self.data.actors.armed_aliases()
        # aliases are stored normalised ("tahrir al sham"); texts write the article with a hyphen ("al-Sham")
        aliases += [_ARTICLE_SPACE.sub(r"\1-", a) for a in aliases if _ARTICLE_SPACE.search(a)]
        self.prefilter = Prefilter(strong, weak, aliases + list(self.data.lexicon.companions))
        self.detector = TriggerDetector(self.data.lexicon)
        self.dates = DateFinder()
        self.counter = FatalityCounter()
        mod = self.data.lexicon.modality
        self._uncertain = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in mod["uncertain"]) + r")\b", re.I)
        self._denial = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in mod["denial"]) + r")\b", re.I)
        self._claim = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in mod["claim_verbs"]) + r")\b", re.I)
        # tagger + parser only; lemmas and coarse tags come from Morph (see nlp/morph.py)
        self._disable = [p for p in ("ner", "attribute_ruler", "lemmatizer") if p in getattr(nlp, "pipe_names", [])]
        self.morph = Morph(self.data.lexicon.known_lemmas())

    # ------------------------------------------------------------------ stage
    def process(self, batch: list[Result]) -> list[Result]:
        plans = []
        texts: list[str] = []
        for res in batch:
            doc = res.document
            spans = split_sentences(doc.text)
            keep = self.prefilter.promising(doc.text, spans)
            plans.append((spans, keep, len(texts)))
            texts += [doc.text[spans[i][0]:spans[i][1]] for i in keep]
        parsed = list(self.nlp.pipe(texts, batch_size=self.batch_size, disable=self._disable)) if texts else []
        for sd in parsed:
            self.morph.annotate(sd)
        for res, (spans, keep, first) in zip(batch, plans):
            sents = {i: parsed[first + k] for k, i in enumerate(keep)}
            res.events = self.code_document(res.document, spans, sents, res.toponyms, res.country_hint)
        return batch

    # ------------------------------------------------------------------ per document
    def code_document(self, doc: Document, spans: list[tuple[int, int]], parsed: dict, tops: list[Toponym],
                      hint: Optional[str]) -> list[Event]:
        """``hint``: the country of the story's actors (``country.CountryHint``)."""
        ref = doc.published
        kb = self.data.actors
        named = named_toponyms(doc, tops)
        resolved = [t for t in named if t.place is not None]
        doc_country = place_country(resolved, hint) or hint
        main_place = _main_place([t for t in resolved if t.place.country == doc_country] or resolved)
        focus = _headline_place(doc, resolved, doc_country)
        events: list[tuple[int, Event, dict]] = []
        last_date = None
        event_sents = set()
        drafts = []
        # dates are read only where an event may lean on them (its sentence and the six before)
        near = {j for i in parsed for j in range(max(0, i - 6), i + 1)}
        for i, (s0, s1) in enumerate(spans):
            if i not in near:
                continue
            stext = doc.text[s0:s1]
            # a date inside a background clause ("after it was cut off last October") is the time of
            # that earlier happening: it neither dates this sentence's event nor the ones after it
            d = link.event_date([m for m in self.dates.find(stext, ref, base=0)
                                 if not _BACKGROUND_CLAUSE.search(stext[max(0, m.start - 90):m.start])], ref)
            if d is not None:
                last_date = (d, i)
            sent = parsed.get(i)
            if sent is None:
                continue
            found = [c for c in self.detector.detect(sent) if self._requirements(c, stext)]
            cand = self._choose(found, stext)
            if cand is None:
                continue
            event_sents.add(i)
            drafts.append((i, cand, sent, d, last_date))
            spell = self._spell_before(found, cand, stext)
            if spell is not None:
                drafts.append((i, spell, sent, d, last_date))
        for i, cand, sent, d, ctx_date in drafts:
            s0, s1 = spans[i]
            stext = doc.text[s0:s1]
            # the sentences that continue this one (no event of their own) lend it context
            cont = [j for j in range(i + 1, min(i + 3, len(spans))) if j not in event_sents]
            cont = [j for k, j in enumerate(cont) if j == i + 1 + k]
            context = " ".join(doc.text[a:b] for a, b in [spans[i]] + [spans[j] for j in cont])
            ev, own = self._event(doc, i, s0, stext, cand, d, ctx_date, resolved, named, main_place, context,
                                  [spans[j] for j in cont], ref, kb, doc_country, focus)
            if isinstance(ev, list):
                events += [(i, e, o) for e, o in ev]
            elif ev is not None:
                events.append((i, ev, own))
        merged = _merge(events)
        stated = stated_figure(doc.text)
        for ev in merged:
            # a toll the report splits by place goes by the place the event's own sentence names
            fig = allocated_figure(doc.text, ev.sentence or "") or stated
            if fig is not None:
                ev.fatalities = fig.value
                ev.evidence.append(_ev(doc, fig.start, fig.end, "fatalities"))
        return merged

    @staticmethod
    def _spell_before(found: list[Candidate], main: Candidate, stext: str) -> Optional[Candidate]:
        """'The talks came after weeks of rocket fire and barrel bombing': a spell of violence the
        sentence states as the fact its main event followed is an event of its own (of another type)."""
        for c in found:
            if main.entry.cls.event_type != "Strategic developments":
                break  # talks, deals and truces are what typically "came after weeks of" violence
            if c is main or not c.happened or c.entry.cls.event_type in ("Strategic developments",):
                continue
            if _SPELL_BEFORE.search(stext[max(0, c.token.idx - 60):c.token.idx]):
                return c
        return None

    def _requirements(self, cand: Candidate, stext: str) -> bool:
        if cand.entry.requires != "armed_agent":
            return True
        if not cand.agents:
            return False
        for a, b in cand.agents:
            for m in self.data.actors.find(stext[a:b]):
                if m[2] in ("actor", "metonym") and self.data.actors.actors[m[3]].armed:
                    return True
        return link.is_armed(self.data.actors, None, cand, stext)

    def _choose(self, cands: list[Candidate], stext: str) -> Optional[Candidate]:
        neg = self.data.lexicon.classes["negotiation"]
        for c in cands:
            # "negotiating a deal", "talks on a ceasefire": the deal is not reached yet
            if c.entry.cls.resolve == "agreement" and (c.token.head.lemma_.lower() in _NEGOTIATING or any(
                    a.lemma_.lower() in _NEGOTIATING for a in list(c.token.ancestors)[:3])):
                c.entry = type(c.entry)(c.entry.lemma, neg)
                c.priority = neg.priority
                c.hypothetical = False
        ok = [c for c in cands if c.happened]
        if not ok:
            # "no agreement has been reached yet" while talks go on: a negotiation happened
            talks = [c for c in cands if c.entry.cls.resolve in ("agreement", "negotiation")]
            if talks and re.search(r"\b(?:talks|negotiat|mediat)", stext, re.I) and not any(
                    c.negated and c.entry.cls.resolve == "negotiation" for c in talks):
                neg = self.data.lexicon.classes["negotiation"]
                c = talks[0]
                c.entry = type(c.entry)(c.entry.lemma, neg)
                c.negated = c.hypothetical = False
                return c
            return None
        return max(ok, key=lambda c: (c.priority, -c.token.i))

    def _event(self, doc, i, s0, stext, cand, d, ctx_date, resolved, named, main_place, context, cont_spans, ref, kb,
               doc_country, focus=None):
        mentions, sources = link.actor_mentions(kb, stext, cand.agents + cand.between)
        src_spans = [(a, b) for a, b, _ in sources]
        # place first: the event's country decides whose state forces are "the government"
        actor_spans = [(m.start, m.end) for m in mentions]
        in_sent = [t for t in named if s0 <= t.start and t.end <= s0 + len(stext)]
        top, place = place_mod.choose(doc.text, s0, stext, cand, in_sent, actor_spans, doc_country)
        if top is not None and doc_country and place.country != doc_country and main_place is not None \
                and len(resolved) >= 5:
            top = place = None  # only places abroad named: the story's main place is the better guess
        goal = top is not None and place_mod.is_destination(doc.text, top.start)
        if top is None or goal:
            # "hit a compound in that area": the place named just before carries over; "agreed to
            # leave for Idlib": where people are sent is not where the event happened
            prev = [t for t in resolved if t.end <= s0 and t.start >= s0 - (700 if goal else 400)
                    and (not doc_country or t.place.country == doc_country)
                    and not (t.place.feature or "").startswith("A.PCL")
                    and not place_mod.is_destination(doc.text, t.start)]
            carried = place_mod.carried(doc.text, prev)
            if goal and carried is not None:
                top = place = None
            elif goal:
                carried = None
        else:
            carried = None
        # the toponym the place comes from: the sentence's own, one carried over, or the story's main one
        where = top if place is not None else (carried or main_place)
        if place is None:
            place = where.place if where else None
        area = top or carried
        if area is not None and place is not None and focus is not None and focus.place.name != place.name \
                and place_mod.region_use(doc.text, area) and place_mod.within_region(focus.place, place):
            # "negotiations in the Damascus countryside" in a story headlined on a town of that area:
            # the region stands for the town the story is about (and the headline's name is the evidence)
            place = replace(focus.place, mention=focus.text)
            where = focus
        country = place.country if place else doc_country
        a1m, a2m = link.pick_actors(kb, cand, mentions, stext, src_spans)
        et, st, attrs = link.resolve_sub_type(self.data.lexicon, kb, cand, a1m, a2m, context, country)
        if et == "Battles" and cand.entry.cls.resolve in ("fixed", "target"):
            # "clashes between demonstrators and riot police": a riot, not a battle
            crowd = next((m for m in (a1m, a2m) if m and kb.actors[m.ident].actor_type in ("protesters", "rioters")), None)
            if crowd is not None:
                other = a2m if crowd is a1m else a1m
                et, st = "Riots", "Violent demonstration"
                a1m = link.ActorMention(crowd.start, crowd.end, "rioters", crowd.text)
                a2m = other
        if et in ("Protests", "Riots") and cand.entry.cls.resolve == "protest":
            first, second = link.protest_actors(kb, et, st, mentions)
            a1m = link.ActorMention(cand.token.idx, cand.token.idx + len(cand.token), first, cand.token.text) \
                if not (a1m and kb.actors[a1m.ident].actor_type in ("protesters", "rioters")) else \
                link.ActorMention(a1m.start, a1m.end, first, a1m.text)
            a2m = next((m for m in mentions if m.ident == second), None) if second else None
        # date: the sentence's own, else the latest one stated before it, else publication
        when, precision, date_ev = None, None, None
        if d is not None:
            when, precision, date_ev = d.value, d.precision, (s0 + d.start, s0 + d.end)
        elif ctx_date is not None and i - ctx_date[1] <= 6 and (
                ref is None or ctx_date[0].value is None or 0 <= (ref - ctx_date[0].value).days <= 60):
            dm = ctx_date[0]
            when, precision = dm.value, dm.precision
        elif ref is not None:
            when, precision = ref, "week"
        if ref is not None and when is not None and date_ev is not None and not -7 <= (ref - when).days <= 60:
            return None, {}  # background long before the report, or a future that has not happened
        if _BACKGROUND.search(stext):
            return None, {}  # "since the start of the war", "in recent years": history, not news
        if date_ev is None and (place is None or (place.feature or "").startswith("A.PCL")) and _AGGREGATE.search(stext):
            return None, {}  # "hundreds of thousands were killed", "prolonged sieges starved entire populations":
            # a toll or a practice summed over a war, with no day and no place of its own, is commentary
        # actors
        actor1 = kb.actor(a1m.ident, a1m.text, when, country) if a1m else link.unknown_agent(cand, stext)
        actor2 = kb.actor(a2m.ident, a2m.text, when, country) if a2m else None
        if et == "Violence against civilians" and actor2 is None:
            actor2 = kb.actor("civilians", None, when, country)
        if et in ("Battles", "Explosions/Remote violence", "Violence against civilians") and (
                actor1 is None or actor1.actor_type in ("civilians", "protesters", None)):
            # violence by an actor the text does not name: ACLED's unidentified armed group
            actor1 = kb.actor("unidentified", None, when, country)
        # fatalities over the sentence and the ones continuing it
        counts = [self.counter.find(stext, s0)] + [self.counter.find(doc.text[a:b], a) for a, b in cont_spans]
        kill, hurt = total(counts, "kill"), total(counts, "hurt")
        # stance and sources
        stance, srcs, stance_ev = self._stance(stext, s0, sources, mentions, kb, cand)
        ev = Event(event_id=_event_id(doc.doc_id, s0 + cand.token.idx), doc_id=doc.doc_id, event_type=et,
                   sub_event_type=st, date=when, time_precision=precision, actor1=actor1, actor2=actor2,
                   location=place, fatalities=kill, wounded=hurt, stance=stance, sources=srcs,
                   sentence=stext, attrs=attrs)
        if cand.attempt:
            ev.attrs["attempt"] = True
        ev.attrs["trigger"] = cand.token.text
        # evidence: one span per field, in raw coordinates
        tok = cand.token
        trig = (s0 + tok.idx, s0 + tok.idx + len(tok))
        ev.evidence.append(_ev(doc, s0, s0 + len(stext), "sentence"))
        ev.evidence.append(_ev(doc, *trig, "event_type"))
        ev.evidence.append(_ev(doc, *trig, "sub_event_type"))
        if a1m:
            ev.evidence.append(_ev(doc, s0 + a1m.start, s0 + a1m.end, "actor1"))
        if a2m:
            ev.evidence.append(_ev(doc, s0 + a2m.start, s0 + a2m.end, "actor2"))
        if date_ev:
            ev.evidence.append(_ev(doc, *date_ev, "date"))
        if where is not None:  # every field cites its span, a place carried from elsewhere too
            ev.evidence.append(_ev(doc, where.start, where.end, "location"))
        for cs in counts:
            for c in cs:
                f = "wounded" if c.kind == "hurt" else "fatalities"
                ev.evidence.append(_ev(doc, c.start, c.end, f))
        for a, b, f in stance_ev:
            ev.evidence.append(_ev(doc, s0 + a, s0 + b, f))
        conf = 0.45 + (0.15 if a1m else 0) + (0.15 if top else 0) + (0.1 if date_ev else 0) + \
            (0.05 if tok.dep_ == "ROOT" else 0) - (0.2 if stance == "uncertain" else 0) - (0.1 if cand.subordinate else 0)
        ev.confidence = max(0.05, min(0.99, conf))
        # a bare toll ("6 civilians were killed.") may continue the event told before it
        own = {"place": top is not None, "date": date_ev is not None, "toll": cand.entry.cls.name == "kill" and kill is not None}
        if top is not None and cand.entry.cls.resolve == "territory":
            # "seized Aleppo and Hama": one event per place taken
            heads = {id(ch.head) for ch in place_mod.chains(doc.text, in_sent)}  # not the areas places lie in
            others = [t for t in in_sent if t is not top and id(t) in heads and t.place is not None and t.place.lat is not None
                      and t.place.name != place.name
                      and any(a <= t.start - s0 and t.end - s0 <= b for a, b in cand.patients)
                      and (not doc_country or t.place.country == doc_country)
                      and not (t.place.feature or "").startswith("A.PCL")]
            if others:
                return [(ev, own)] + [(_copy_at(doc, ev, t, i), dict(own)) for i, t in enumerate(others, 1)], own
        return ev, own

    def _stance(self, stext, s0, sources, mentions, kb, cand):
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
            if tok.lemma_.lower() in ("say", "claim", "announce", "tell", "state", "report") and tok.pos_ == "VERB":
                subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
                if subj is None:
                    continue
                a, b = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)
                words = stext[a:b]
                if any(sa < b and sb > a for sa, sb, _ in sources):
                    continue
                party = next((m for m in mentions if m.start >= a and m.end <= b), None)
                if party or re.search(r"\b(?:commander|spokes\w+|ministry|official|army|military|militants|group)\b", words, re.I):
                    name = kb.actors[party.ident].name_at(None, None) if party else words
                    srcs.append(name)
                    evs.append((a, b, "sources"))
                    if tok.lemma_.lower() == "claim" or party or "commander" in words.lower() or "ministry" in words.lower():
                        stance = "claimed"
                        evs.append((tok.idx, tok.idx + len(tok), "stance"))
                    break
        return stance, srcs, evs


def _ev(doc: Document, start: int, end: int, field: str) -> Evidence:
    rs, re_ = doc.raw_span(start, end)
    return Evidence(doc.doc_id, rs, re_, doc.raw[rs:re_], field)


def _event_id(doc_id: str, offset: int) -> str:
    return "ev_" + hashlib.sha1(f"{doc_id}:{offset}".encode()).hexdigest()[:16]


def _headline_place(doc: Document, resolved: list[Toponym], country: Optional[str]) -> Optional[Toponym]:
    """The town a story's headline (its title, or a short first line followed by more text) names."""
    if doc.title:
        head_end, title = None, doc.title
    else:
        nl = doc.text.find("\n")
        if nl < 0 or nl > 160 or not doc.text[nl:].strip():
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
    fine = [t for t in tops if not (t.place.feature or "").startswith("A.PCL")]
    pool = fine or tops
    return max(pool, key=lambda t: (counts[t.place.name], -t.start))


def _merge(events: list[tuple[int, Event, dict]]) -> list[Event]:
    out: list[tuple[Event, dict]] = []
    for i, ev, own in events:
        target = None
        toll_only = False
        if out:
            prev, pown = out[-1]
            if not own.get("place") and not own.get("date") and prev.event_type == ev.event_type:
                target = prev
            elif not own.get("place") and not own.get("date") and own.get("toll") and prev.fatalities is None \
                    and prev.event_type != "Strategic developments":
                # "Clashes broke out in X. 6 civilians were killed.": the toll of the event before, not a new one
                target, toll_only = prev, True
        if target is None:
            for prev, _ in out:
                if prev.event_type == ev.event_type and _pname(prev) == _pname(ev) and _close(prev.date, ev.date):
                    target = prev
                    break
        if target is None:
            out.append((ev, own))
            continue
        if toll_only:
            target.evidence += [e for e in ev.evidence if e.field in ("fatalities", "wounded")]
            target.fatalities = ev.fatalities
            if target.wounded is None:
                target.wounded = ev.wounded
            continue
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
        target.confidence = min(0.99, target.confidence + 0.05)
    return [e for e, _ in out]


def _pname(ev: Event) -> Optional[str]:
    return ev.location.name if ev.location else None


def _close(a: Optional[date], b: Optional[date], days: int = 7) -> bool:
    return a is None or b is None or abs((a - b).days) <= days


def _copy_at(doc: Document, ev: Event, top: Toponym, n: int) -> Event:
    """The same event at another place named with it."""
    import copy

    out = copy.deepcopy(ev)
    out.event_id = _event_id(doc.doc_id, top.start) + f"-{n}"
    out.location = top.place
    out.evidence = [e for e in out.evidence if e.field != "location"] + [_ev(doc, top.start, top.end, "location")]
    return out
