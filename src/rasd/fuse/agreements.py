"""Agreements: evacuation, surrender and reconciliation deals as records with their clauses.

A fused event of sub-event type "Agreement" (or "Other" whose sentence speaks of a
deal) becomes an ``Agreement``: parties, place, date, status (negotiating / reached /
collapsed) and clauses read in the document text around the sentences that state the deal,
every clause with its evidence span in raw coordinates. Patterns live in
data/agreements.yaml; the rules are written out in docs/fusion.md.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Optional

from ..nlp.sentences import split_sentences
from ..records import Actor, Agreement, Clause, Document, Evidence, FusedEvent, Place, Report
from .merge import best_place
from .rules import Rules, haversine_km, load_data, norm_name

_MOVE = re.compile(r"\b(leave|leaving|exit|evacuat\w*|transport\w*|depart\w*|move|moving|head\w*|go|relocat\w*)\b", re.I)
_TERMS = re.compile(r"\b(agreement|deal|clauses|terms)\b", re.I)  # a sentence about the deal itself
_POSSESSIVE = re.compile(r"^.*?[’']s\s+")
_STATUS_RANK = {"collapsed": 3, "reached": 2, "negotiating": 1}

PlaceLookup = Callable[[str, Optional[Place]], Optional[Place]]


@dataclass
class _Patterns:
    deal: re.Pattern
    status: list[tuple[str, re.Pattern]]
    clauses: list[tuple[str, re.Pattern]]
    window_sentences: int
    window_chars: int
    not_reached: re.Pattern
    states_deal: re.Pattern
    subject_place: re.Pattern
    clause_lead: re.Pattern
    subject_back: int = 3
    subject_km: float = 40.0

    @classmethod
    def load(cls) -> "_Patterns":
        data = load_data("agreements.yaml")
        flags = re.IGNORECASE
        never = r"(?!x)x"
        return cls(
            deal=re.compile(data["deal_words"], flags),
            status=[(k, re.compile(v, flags)) for k, v in data["status"].items()],
            clauses=[(k, re.compile(v, flags)) for k, v in data["clauses"].items()],
            window_sentences=int(data.get("window_sentences", 6)),
            window_chars=int(data.get("window_chars", 1600)),
            not_reached=re.compile(data.get("not_reached", never), flags),
            states_deal=re.compile(data.get("states_deal", never), flags),
            subject_place=re.compile(data.get("subject_place", never)),  # names are capitalised
            clause_lead=re.compile(data.get("clause_lead", never), flags),
            subject_back=int(data.get("subject_back", 3)),
            subject_km=float(data.get("subject_km", 40)),
        )


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a text (``nlp.split_sentences``: a paragraph break or a heading line
    also ends one). Fusion asks for each event of a document: the spans of the last few texts
    are kept."""
    return list(_sentences(text))


@functools.lru_cache(maxsize=8)
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(split_sentences(text))


def sentence_at(spans: list[tuple[int, int]], offset: Optional[int]) -> Optional[int]:
    """Index of the sentence span holding ``offset`` (None for none, or a negative offset)."""
    if offset is None or offset < 0:
        return None
    return next((i for i, (s, e) in enumerate(spans) if s <= offset < e), None)


def _is_heading(text: str) -> bool:
    t = text.strip()
    return 0 < len(t) <= 80 and t[-1] not in ".!?\"”’:" and "\n" not in t


def _locate(doc: Document, rep: Report) -> Optional[int]:
    """Offset in doc.text where the report's sentence (or its first evidence) starts."""
    for probe in [rep.sentence] + [e.text for e in rep.evidence]:
        if probe and len(probe) > 3:
            i = doc.text.find(probe)
            if i >= 0:
                return i
    return None


@dataclass
class _Reading:
    """What one report's document says about the deal."""

    doc: Document
    spans: list[tuple[int, int]]
    at: Optional[int]  # index of the report's sentence
    anchors: list[int] = field(default_factory=list)  # sentences that open a window of clauses
    stated: list[int] = field(default_factory=list)  # sentences that state the deal (dates are read there)
    names: set[str] = field(default_factory=set)  # the report's place as written and as named (lower case)

    def text(self, i: int) -> str:
        s, e = self.spans[i]
        return self.doc.text[s:e]

    def same_paragraph(self, i: int, j: int) -> bool:
        return "\n" not in self.doc.text[self.spans[min(i, j)][1]:self.spans[max(i, j)][0]]

    def evidence(self, i: int, field_name: str) -> Evidence:
        rs, re_ = self.doc.raw_span(*self.spans[i])
        return Evidence(self.doc.doc_id, rs, re_, self.doc.raw[rs:re_], field=field_name)


class AgreementBuilder:
    """``places(name, near)`` resolves a place name near another place (the geoparser); without
    it an agreement keeps its fused event's place."""

    def __init__(self, rules: Rules, documents: Callable[[str], Optional[Document]],
                 places: Optional[PlaceLookup] = None):
        from ..code.dates import DateFinder

        self.rules = rules
        self.documents = documents
        self.places = places
        self.pat = _Patterns.load()
        self.dates = DateFinder()

    def is_deal(self, fe: FusedEvent) -> bool:
        if fe.sub_event_type == "Agreement":
            return True
        if fe.sub_event_type != "Other" or fe.event_type != "Strategic developments":
            return False
        return any(r.attrs.get("agreement_status") or self.pat.deal.search(r.sentence or "") for r in fe.reports)

    # -- status -------------------------------------------------------------------
    def read_status(self, text: str) -> Optional[str]:
        """The status the words of a sentence give: a "reached" word in a future, purpose or
        conditional clause ("to reach an agreement") does not count, and makes it a negotiation."""
        blocked = [m.span() for m in self.pat.not_reached.finditer(text)]
        for name, rx in self.pat.status:
            for m in rx.finditer(text):
                if name == "reached" and any(a <= m.start() < b for a, b in blocked):
                    continue
                return name
        return "negotiating" if blocked else None

    def status_of(self, rep: Report) -> Optional[str]:
        """The sentence's words first; the coder's agreement_status (it says "reached" for any
        "agreement" word) only when the sentence has no status word."""
        st = self.read_status(rep.sentence or "")
        if st:
            return st
        st = rep.attrs.get("agreement_status")
        return st if st in _STATUS_RANK else None

    # -- the record -----------------------------------------------------------------
    def build(self, fe: FusedEvent) -> Optional[Agreement]:
        if not self.is_deal(fe):
            return None
        reps = sorted(fe.reports, key=lambda r: (r.date is None, r.date))
        status_by = {r.event_id: self.status_of(r) for r in reps}
        statuses = [s for s in status_by.values() if s]
        status = "negotiating"
        final = reps
        if statuses:
            # the latest report's word wins; on the same day the stronger word
            last_day = max((r.date for r in reps if r.date and status_by[r.event_id]), default=None)
            same = [status_by[r.event_id] for r in reps if r.date == last_day and status_by[r.event_id]] or statuses
            status = max(same, key=lambda s: _STATUS_RANK[s])  # type: ignore[arg-type]
            final = [r for r in reps if status_by[r.event_id] == status] or reps
        parties: list[Actor] = []
        for r in reps:
            for a in (r.actor1, r.actor2):
                if a is not None and a.name and norm_name(a.name) not in {norm_name(p.name) for p in parties}:
                    parties.append(a)
        readings: dict[str, Optional[_Reading]] = {}
        docs: dict[str, Optional[Document]] = {}
        for r in fe.reports:
            if r.doc_id not in docs:
                docs[r.doc_id] = self.documents(r.doc_id)
            doc = docs[r.doc_id]
            readings[r.event_id] = self.read(doc, r) if doc is not None else None
        clauses: list[Clause] = []
        seen: set[tuple[str, str]] = set()
        for r in fe.reports:
            rd = readings[r.event_id]
            for c in (self._clauses(rd) if rd else []):
                key = (c.kind, norm_name(c.text))
                if key not in seen:
                    seen.add(key)
                    clauses.append(c)
        places = [self._place(r, readings[r.event_id]) for r in reps]
        place = best_place([p for p, _ in places]) or fe.location
        dated = [self._date(r, readings[r.event_id]) for r in final]
        days = [d for d, _ in dated if d is not None]
        day = min(days) if days else fe.date
        # the sentences that gave the deal's date and place first, then the reports' own
        evidence = [ev for d, ev in dated if ev is not None and d == day][:1]
        evidence += [ev for p, ev in places if ev is not None and p is place][:1]
        # each report's sentence and trigger, and where it names the place (maybe another sentence)
        evidence += [e for r in fe.reports
                     for e in r.evidence[:2] + [x for x in r.evidence[2:] if x.field == "location"][:1]]
        return Agreement(
            agreement_id="ag_" + fe.cluster_id.removeprefix("fe_"), parties=parties, place=place,
            date=day, status=status, clauses=clauses, event_ids=[r.event_id for r in fe.reports],
            evidence=evidence, cluster_id=fe.cluster_id,
        )

    # -- reading the text -------------------------------------------------------------
    def states_deal(self, text: str) -> bool:
        return bool(self.pat.deal.search(text) and self.pat.states_deal.search(text))

    def read(self, doc: Document, rep: Report) -> _Reading:
        """The sentences that state the deal: the report's own sentence when it speaks of the deal
        (not when it only names the policy in passing, "they call it reconciliation") or already
        gives a term; every sentence that names the deal's place with a deal word ("the al-Tal
        committee said the agreement's clauses state ..."); and a sentence that says the deal was
        reached or negotiated just before one of those (same section)."""
        spans = sentences(doc.text)
        rd = _Reading(doc, spans, None)
        rd.at = sentence_at(spans, _locate(doc, rep))
        if rd.at is not None:
            t = rd.text(rd.at)
            if self.states_deal(t) or self._sentence_clauses(rd, rd.at):
                rd.anchors.append(rd.at)
                rd.stated.append(rd.at)
        # a report the coder merged from several sentences (a headline and the body's sentence
        # on the same deal) cites each: the body's sentence states the terms the headline cannot
        for ev in rep.evidence:
            if ev.field != "sentence" or len(ev.text) < 20:
                continue
            k = sentence_at(spans, doc.text.find(ev.text))
            if k is None or k == rd.at or k in rd.anchors or _is_heading(rd.text(k)):
                continue
            if self.states_deal(rd.text(k)) or self._sentence_clauses(rd, k):
                rd.anchors.append(k)
                rd.stated.append(k)
        names = {n.lower() for n in ((rep.location.mention, rep.location.name) if rep.location else ())
                 if n and len(n) > 2}
        rd.names = names
        for i in range(len(spans)):
            t = rd.text(i)
            if i != rd.at and any(n in t.lower() for n in names) and _TERMS.search(t):
                rd.anchors.append(i)
                for k in range(i - 1, max(-1, i - 3), -1):  # "The two parties reached a final agreement."
                    if _is_heading(rd.text(k)):
                        break
                    if self.states_deal(rd.text(k)) and self.read_status(rd.text(k)) and k not in rd.stated:
                        rd.stated.append(k)
                rd.stated.append(i)
        return rd

    def _clauses(self, rd: _Reading) -> list[Clause]:
        """Clauses in the windows of text starting at each anchor: a few sentences, up to the next
        heading, or up to a sentence that turns to the deal of another place ("In contrast,
        negotiations in Khan al-Shih ..." after al-Tal's): its terms are that place's. Headings
        themselves give no clause."""
        out: list[Clause] = []
        seen: set[int] = set()
        for first in rd.anchors:
            used = 0
            for i in range(first, min(len(rd.spans), first + self.pat.window_sentences)):
                s, e = rd.spans[i]
                heading = _is_heading(rd.doc.text[s:e])
                if i > first and (heading or used > self.pat.window_chars or self._other_subject(rd, first, i)):
                    break
                used += e - s
                if i not in seen and not heading:
                    seen.add(i)
                    out += self._sentence_clauses(rd, i)
        return out

    def _other_subject(self, rd: _Reading, first: int, i: int) -> bool:
        """Sentence ``i`` names as a deal's subject a place that neither the report's place nor the
        window's first sentence names."""
        m = self.pat.subject_place.search(rd.text(i))
        if m is None:
            return False
        name = _POSSESSIVE.sub("", m.group("name")).strip().lower()
        return name not in rd.names and name not in rd.text(first).lower()

    def _sentence_clauses(self, rd: _Reading, i: int) -> list[Clause]:
        doc = rd.doc
        s, e = rd.spans[i]
        text = doc.text[s:e]
        moving = bool(_MOVE.search(text))
        out = []
        for kind, rx in self.pat.clauses:
            if kind == "destination" and not moving:
                continue
            for m in rx.finditer(text):
                a, b = _fragment(text, m.start(), m.end())
                cut = text.rfind(" that ", a, m.start())  # drop a reporting clause: "... said that"
                if cut >= 0:
                    a = cut + len(" that ")
                for lead in self.pat.clause_lead.finditer(text, a, b):  # "an agreement ... for 1500 fighters to leave"
                    if lead.end() < b and rx.search(text, lead.end(), b):
                        a = lead.end()
                frag = text[a:b].strip(" ,;.")
                if len(frag) < 4:
                    continue
                lead_ws = len(text[a:b]) - len(text[a:b].lstrip(" ,;."))
                start = s + a + lead_ws
                end = start + len(frag)
                rs, re_ = doc.raw_span(start, end)
                out.append(Clause(kind=kind, text=frag,
                                  evidence=Evidence(doc.doc_id, rs, re_, doc.raw[rs:re_], field=f"clause:{kind}")))
        return out

    # -- place and date -------------------------------------------------------------------
    def _place(self, rep: Report, rd: Optional[_Reading]) -> tuple[Optional[Place], Optional[Evidence]]:
        """The report's place, unless its sentence does not name it and the text names another
        place as the deal's subject ("negotiations in Khan al-Shih") in that sentence or just
        before it: then that place, when it resolves near the report's place."""
        here = rep.location
        if rd is None or rd.at is None or self.places is None:
            return here, None
        own = rd.text(rd.at).lower()
        names = {n.lower() for n in ((here.mention, here.name) if here else ()) if n and len(n) > 2}
        if any(n in own for n in names):
            return here, None
        for k in range(rd.at, max(-1, rd.at - 1 - self.pat.subject_back), -1):
            t = rd.text(k)
            if k < rd.at and _is_heading(t):
                break
            m = self.pat.subject_place.search(t)
            if m is None:
                continue
            name = _POSSESSIVE.sub("", m.group("name")).strip()
            if name.lower() in names:
                return here, None
            p = self.places(name, here)
            if p is None or p.lat is None or p.lon is None:
                continue
            if here is not None and here.lat is not None and here.lon is not None and \
                    haversine_km(here.lat, here.lon, p.lat, p.lon) > self.pat.subject_km:
                continue
            return p, rd.evidence(k, "agreement:place")
        return here, None

    def _date(self, rep: Report, rd: Optional[_Reading]) -> tuple[Optional[date], Optional[Evidence]]:
        """The deal's date: a date written in a sentence that states the deal (or just before it in
        its paragraph: "... met on 26 November. The two parties reached a final agreement."); else
        the report's date when the coder read a day for it (in its sentence or those before); else the day the
        document was published (the deal was reported by then); else the report's date."""
        if rd is not None:
            ref = rd.doc.published
            for i in rd.stated:
                for k in (i, i - 1):
                    if k < 0 or (k != i and not rd.same_paragraph(k, i)):
                        continue
                    found = [d for d in self.dates.find(rd.text(k), ref)
                             if d.value is not None and d.precision == "day" and (ref is None or d.value <= ref)]
                    if found:
                        return found[0].value, rd.evidence(k, "agreement:date")
        if rep.date is not None and (_date_in_sentence(rep) or rep.time_precision == "day"):
            return rep.date, None  # a day the coder read in the report's sentence or in those just before it
        if rd is not None and rd.doc.published is not None:
            return rd.doc.published, None
        return rep.date, None


def geo_lookup(geoparser) -> PlaceLookup:
    """A PlaceLookup over a geo.Geoparser: the name resolved with the nearby place as context."""
    from ..records import Toponym

    def look(name: str, near: Optional[Place]) -> Optional[Place]:
        ctx = [Toponym(doc_id="", start=0, end=0, text=near.name, place=near)] if near is not None else []
        return geoparser.resolve_name(name, ctx)

    return look


def _date_in_sentence(rep: Report) -> bool:
    sent = next((e for e in rep.evidence if e.field == "sentence"), None)
    return any(e.field == "date" and (sent is None or sent.start <= e.start < sent.end) for e in rep.evidence)


def _fragment(text: str, a: int, b: int) -> tuple[int, int]:
    """Widen a match to the comma/semicolon-delimited fragment around it (within its sentence)."""
    left = max(text.rfind(c, 0, a) for c in ",;:")
    right_cands = [i for i in (text.find(c, b) for c in ",;") if i >= 0]
    right = min(right_cands) if right_cands else len(text)
    return left + 1, right
