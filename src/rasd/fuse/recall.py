"""Changes of holder told only in recollection: "Last month, the US-led coalition took over
Raqqa", "Raqqa, which the SDF declared liberated last month". The coder rightly makes no event of
such a sentence (it is background to the article's news), but it tells that the place changed
hands, and when: its own words date it against the article's date. Control learns the change
from it (fuse/control.py), with less weight than a report of the event itself.

A sentence of a document gives a recalled change when (patterns: ``control.recall`` and
``control.report`` in fusion.yaml):

- the coder coded no change of hands from it (a report of the event is read as a report);
- it names the place (a name the geoparser resolved to a town or city in that sentence) as what
  changed hands, with a finished act, not planned, ongoing or negated (fuse/changes.py, the tests
  a report passes, but for the one that a report must be news);
- a date expression of its own, in the act's clause, dates the act before the article appeared
  and within ``max_days`` of it ("last month", "on Sunday", "in October", "earlier this year");
- it names who took the place or who left it (an armed actor the knowledge base knows), a
  country's army abroad only where the document says the place is occupied;
- its confidence (the coder's scale) reaches the threshold reports are held to.

Asides between paired dashes or brackets are read as blanks ("the SDF – of which the YPG is the
majority component – declared Raqqa liberated": the SDF did).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Callable, Iterable, Optional

from ..code.dates import DateFinder
from ..records import Actor, Document, Event, Evidence, Place, RecalledChange, Report, Toponym
from .agreements import sentences
from .changes import WORD, ChangeReader, Reading
from .control import Foreign
from .rules import date_interval, load_data, norm_name, place_key

_NEVER = r"(?!x)x"
# what a recalled change's confidence is made of (fusion.yaml, control.recall.confidence)
_CONF_KEYS = frozenset({"base", "holder", "place", "date", "recalled", "hedged", "subordinate"})


@dataclass
class _Found:
    start: int  # offsets in the (blanked) sentence
    end: int
    actor: Actor


class RecallReader:
    """``actors`` is the coder's ActorKB (who took or left the place); without it nothing is read.
    ``territorial(sub_event_type)`` says which coded events are changes of hands (their
    sentences are reports, not recollections)."""

    def __init__(self, actors, territorial: Callable[[Optional[str]], bool], cfg: Optional[dict[str, Any]] = None,
                 dates: Optional[DateFinder] = None):
        cfg = cfg if cfg is not None else (load_data("fusion.yaml").get("control") or {})
        rc = cfg.get("recall") or {}
        self.actors = actors
        self.territorial = territorial
        self.changes = ChangeReader(cfg.get("report") or {})
        self.foreign = Foreign.load(cfg)
        self.dates = dates or DateFinder()
        self.max_days = int(rc.get("max_days", 730))
        self.aside = re.compile(rc.get("aside") or _NEVER)
        self.hedged = re.compile(rc.get("hedged") or _NEVER, re.IGNORECASE)
        self.place_features = tuple(rc.get("place_features") or ["P."])
        self.precisions = frozenset(rc.get("precisions") or ["day", "week", "month"])
        self.take_verbs = frozenset(w.lower() for w in rc.get("take_verbs") or [])
        self.take_object = re.compile(rc.get("take_object") or _NEVER, re.IGNORECASE)
        self.take_subject = re.compile(rc.get("take_subject") or _NEVER, re.IGNORECASE)
        conf = rc.get("confidence") or {}
        if set(conf) != _CONF_KEYS:  # the weights live in fusion.yaml only: none missing, none misspelt
            raise ValueError(f"fusion.yaml control.recall.confidence: expected the keys {sorted(_CONF_KEYS)}, "
                             f"got {sorted(conf)}")
        self.conf = {k: float(v) for k, v in conf.items()}

    # -- a document ---------------------------------------------------------------------
    def read(self, doc: Document, toponyms: Iterable[Toponym], events: Iterable[Event] = ()
             ) -> list[tuple[str, RecalledChange]]:
        """The recalled changes of one document, each with its place's control key."""
        if self.actors is None or doc.published is None or not doc.text:
            return []
        places = [t for t in toponyms if t.place is not None and self._town(t.place)]
        if not places:
            return []
        coded = [(e.start, e.end, place_key(ev.location)) for ev in events if self.territorial(ev.sub_event_type)
                 for e in ev.evidence if e.field == "sentence"]
        out: list[tuple[str, RecalledChange]] = []
        for s, e in sentences(doc.text):
            rs, re_ = doc.raw_span(s, e)
            # a change the coder reported from this sentence at the place is a report, not a recollection
            told = {k for a, b, k in coded if a < re_ and rs < b}
            here = [t for t in places if s <= t.start and t.end <= e and place_key(t.place) not in told]
            if not here:
                continue
            text = doc.text[s:e]
            if not any(m.group(0).lower() in self.changes.change_verbs for m in WORD.finditer(text)):
                continue
            for found in self._sentence(doc, s, text, here):
                key = place_key(found.place)
                if key and not any(k == key and _same(c, found) for k, c in out):
                    out.append((key, found))
        return out

    def _town(self, p: Place) -> bool:
        return ((p.geo_precision or 1) <= 2 and p.fallback is None
                and (p.feature or "").startswith(self.place_features))

    def _sentence(self, doc: Document, s: int, text: str, toponyms: list[Toponym]) -> list[RecalledChange]:
        assert doc.published is not None
        blank = self.aside.sub(lambda m: " " * len(m.group(0)), text)
        dates = [d for d in self.dates.find(blank, doc.published)
                 if d.value is not None and d.precision in self.precisions]
        if not dates:
            return []
        actors = self._actors(blank, doc.published, toponyms[0].place.country if toponyms[0].place else None)
        out = []
        for m in WORD.finditer(blank):
            if m.group(0).lower() not in self.changes.change_verbs:
                continue
            t = self.changes.text_at(blank, doc.doc_id, s, m.span())
            when = [d for d in dates if t.clause[0] <= d.start and d.end <= t.clause[1]]
            if not when:
                continue
            d = min(when, key=lambda d: abs(d.start - m.start()))
            lo, hi = date_interval(d.value, d.precision) or (d.value, d.value)
            hi = min(hi, doc.published)
            if lo > doc.published or (doc.published - hi).days > self.max_days:
                continue
            for top in toponyms:
                if not self._in_clause(t, top.start - s, top.end - s, m.group(0).lower()):
                    continue
                ch = self._change(doc, s, blank, m.span(), top, actors, (lo, hi, d.precision, d.start, d.end), t)
                if ch is not None:
                    out.append(ch)
        return out

    def _in_clause(self, t, a: int, b: int, verb: str) -> bool:
        """The place at [a, b) of the sentence is in the act's clause, or is what a "which" clause
        right after it is about; after "take", as its object or its passive subject."""
        inside = t.clause[0] <= a and b <= t.clause[1]
        about = b <= t.clause[0] and bool(self.changes.object_relative.search(t.text[b:t.clause[0]]))
        if not (inside or about):
            return False
        if verb in self.take_verbs:
            if a >= t.verb[1]:
                return bool(self.take_object.search(t.text[t.verb[1]:a]))
            return inside and bool(self.take_subject.search(t.text[b:t.verb[0]])) or about
        return True

    def _actors(self, text: str, when: date, country: Optional[str]) -> list[_Found]:
        out = []
        for a, b, kind, ident in self.actors.find(text, country):
            entry = self.actors.actors.get(ident)
            if kind != "actor" or entry is None or not entry.armed:
                continue
            out.append(_Found(a, b, self.actors.actor(ident, text[a:b], when, country)))
        return out

    def _change(self, doc: Document, s: int, text: str, verb: tuple[int, int], top: Toponym, actors: list[_Found],
                when: tuple, t) -> Optional[RecalledChange]:
        lo, hi, precision, d0, d1 = when
        place = replace(top.place, mention=top.text)  # type: ignore[arg-type]

        def report(a1: Optional[_Found], a2: Optional[_Found]) -> Report:
            ev = [Evidence(doc.doc_id, s, s + len(text), text, "sentence"),
                  Evidence(doc.doc_id, s + verb[0], s + verb[1], text[verb[0]:verb[1]], "sub_event_type"),
                  Evidence(doc.doc_id, top.start, top.end, top.text, "location")]
            for f, fld in ((a1, "actor1"), (a2, "actor2")):
                if f is not None:
                    ev.append(Evidence(doc.doc_id, s + f.start, s + f.end, text[f.start:f.end], fld))
            return Report(event_id="", doc_id=doc.doc_id, outlet=doc.outlet, stance="asserted", date=lo,
                          time_precision=precision, actor1=a1.actor if a1 else None, actor2=a2.actor if a2 else None,
                          location=place, sentence=text, evidence=ev, attrs={"trigger": text[verb[0]:verb[1]]})

        def read(a1: Optional[_Found], a2: Optional[_Found]) -> Reading:
            return self.changes.read(report(a1, a2), place, doc.published, recalled=True)

        near = sorted(actors, key=lambda f: abs(f.start - verb[0]))
        gain = next(((f, r) for f in near if (r := read(f, None)).ok and r.gainer is f.actor), None)
        if gain is None:  # a withdrawal: who left, and maybe who it was left to
            lose = next(((f, r) for f in near if (r := read(f, None)).ok and r.loser is f.actor), None)
            if lose is None:
                return None
            taker = next(((f, r) for f in near if f is not lose[0] and (r := read(f, lose[0])).ok
                          and r.gainer is f.actor), None)
            gainer_f, loser_f, reading = (taker[0], lose[0], taker[1]) if taker else (None, lose[0], lose[1])
        else:
            gainer_f, reading = gain
            loser_f = next((f for f in near if f is not gainer_f and read(gainer_f, f).loser is f.actor), None)
        gainer = gainer_f.actor if gainer_f else None
        loser = loser_f.actor if loser_f else None
        abroad = [a is not None and self.foreign.outside(a, place) for a in (gainer, loser)]
        if any(abroad) and self.foreign.occupation([doc], place) is None:
            # a country's army abroad holds (or gives up) nothing the text does not call occupied;
            # the document is searched for an occupation once, whichever side is abroad
            gainer, loser = (None if abroad[0] else gainer), (None if abroad[1] else loser)
        if gainer is None and loser is None:
            return None
        c = self.conf
        conf = c["base"] + c["holder"] + c["place"] + c["date"] - c["recalled"]
        if self.hedged.search(text[max(0, verb[0] - 60):verb[0]]):
            conf -= c["hedged"]
        if t.opener and t.text[t.clause[0]:t.verb[0]].strip():
            conf -= c["subordinate"]
        if conf < self.changes.min_confidence:
            return None

        def raw(a: int, b: int, fld: str) -> Evidence:
            ra, rb = doc.raw_span(a, b)
            return Evidence(doc.doc_id, ra, rb, doc.raw[ra:rb], fld)

        evidence = [raw(s, s + len(text), "sentence")]
        for f, fld in ((gainer_f if gainer else None, "control:holder"), (loser_f if loser else None, "control:loser")):
            if f is not None:
                evidence.append(raw(s + f.start, s + f.end, fld))
        evidence.append(raw(s + d0, s + d1, "control:recalled_date"))
        return RecalledChange(doc_id=doc.doc_id, place=place, day_lo=lo, day_hi=hi, precision=precision,
                              gainer=gainer, loser=loser, kind=reading.kind, outlet=norm_name(doc.outlet) or None,
                              confidence=round(conf, 2), evidence=evidence)


def _same(a: RecalledChange, b: RecalledChange) -> bool:
    return (a.day_lo, a.day_hi, _n(a.gainer), _n(a.loser)) == (b.day_lo, b.day_hi, _n(b.gainer), _n(b.loser))


def _n(a: Optional[Actor]) -> str:
    return norm_name(a.name) if a is not None else ""

