"""Agreements: evacuation, surrender and reconciliation deals as records with their clauses.

A fused event of sub-event type "Agreement" (or "Other" whose sentence speaks of a
deal) becomes an ``Agreement``: parties, place, date, status (negotiating / reached /
collapsed) and clauses read in the document text after each report's sentence, every
clause with its evidence span in raw coordinates. Patterns live in data/agreements.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from ..records import Actor, Agreement, Clause, Document, Evidence, FusedEvent, Report
from .rules import Rules, load_data, norm_name

_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)]?[ \t]+|\s*\n\s*")
_MOVE = re.compile(r"\b(leave|leaving|exit|evacuat\w*|transport\w*|depart\w*|move|moving|head\w*|go|relocat\w*)\b", re.I)
_STATUS_RANK = {"collapsed": 3, "reached": 2, "negotiating": 1}


@dataclass
class _Patterns:
    deal: re.Pattern
    status: list[tuple[str, re.Pattern]]
    clauses: list[tuple[str, re.Pattern]]
    window_sentences: int
    window_chars: int

    @classmethod
    def load(cls) -> "_Patterns":
        data = load_data("agreements.yaml")
        flags = re.IGNORECASE
        return cls(
            deal=re.compile(data["deal_words"], flags),
            status=[(k, re.compile(v, flags)) for k, v in data["status"].items()],
            clauses=[(k, re.compile(v, flags)) for k, v in data["clauses"].items()],
            window_sentences=int(data.get("window_sentences", 6)),
            window_chars=int(data.get("window_chars", 1600)),
        )


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a text (a paragraph break or a heading line also ends one)."""
    out, start = [], 0
    for m in _SENT_END.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


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


class AgreementBuilder:
    def __init__(self, rules: Rules, documents: Callable[[str], Optional[Document]]):
        self.rules = rules
        self.documents = documents
        self.pat = _Patterns.load()

    def is_deal(self, fe: FusedEvent) -> bool:
        if fe.sub_event_type == "Agreement":
            return True
        if fe.sub_event_type != "Other" or fe.event_type != "Strategic developments":
            return False
        return any(r.attrs.get("agreement_status") or self.pat.deal.search(r.sentence or "") for r in fe.reports)

    def status_of(self, rep: Report) -> Optional[str]:
        st = rep.attrs.get("agreement_status")
        if st in _STATUS_RANK:
            return st
        for name, rx in self.pat.status:
            if rx.search(rep.sentence or ""):
                return name
        return None

    def build(self, fe: FusedEvent) -> Optional[Agreement]:
        if not self.is_deal(fe):
            return None
        reps = sorted(fe.reports, key=lambda r: (r.date is None, r.date))
        statuses = [s for s in (self.status_of(r) for r in reps) if s]
        status = "negotiating"
        if statuses:
            # the latest report's word wins; on the same day the stronger word
            last_day = max((r.date for r in reps if r.date and self.status_of(r)), default=None)
            same = [self.status_of(r) for r in reps if r.date == last_day and self.status_of(r)] or statuses
            status = max(same, key=lambda s: _STATUS_RANK[s])  # type: ignore[arg-type]
        parties: list[Actor] = []
        for r in reps:
            for a in (r.actor1, r.actor2):
                if a is not None and a.name and norm_name(a.name) not in {norm_name(p.name) for p in parties}:
                    parties.append(a)
        clauses: list[Clause] = []
        seen: set[tuple[str, str]] = set()
        for r in fe.reports:
            doc = self.documents(r.doc_id)
            if doc is None:
                continue
            for c in self.clauses(doc, r):
                key = (c.kind, norm_name(c.text))
                if key not in seen:
                    seen.add(key)
                    clauses.append(c)
        return Agreement(
            agreement_id="ag_" + fe.cluster_id.removeprefix("fe_"), parties=parties, place=fe.location,
            date=fe.date, status=status, clauses=clauses, event_ids=[r.event_id for r in fe.reports],
            evidence=[e for r in fe.reports for e in r.evidence[:2]], cluster_id=fe.cluster_id,
        )

    def clauses(self, doc: Document, rep: Report) -> list[Clause]:
        """Clauses in the window of text starting at the report's sentence."""
        at = _locate(doc, rep)
        if at is None:
            return []
        spans = sentences(doc.text)
        first = next((i for i, (s, e) in enumerate(spans) if s <= at < e), None)
        if first is None:
            return []
        out: list[Clause] = []
        used = 0
        for i in range(first, min(len(spans), first + self.pat.window_sentences)):
            s, e = spans[i]
            if i > first and (_is_heading(doc.text[s:e]) or used > self.pat.window_chars):
                break
            used += e - s
            out += self._sentence_clauses(doc, s, e)
        return out

    def _sentence_clauses(self, doc: Document, s: int, e: int) -> list[Clause]:
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
                frag = text[a:b].strip(" ,;.")
                if len(frag) < 4:
                    continue
                lead = len(text[a:b]) - len(text[a:b].lstrip(" ,;."))
                start = s + a + lead
                end = start + len(frag)
                rs, re_ = doc.raw_span(start, end)
                out.append(Clause(kind=kind, text=frag,
                                  evidence=Evidence(doc.doc_id, rs, re_, doc.raw[rs:re_], field=f"clause:{kind}")))
        return out


def _fragment(text: str, a: int, b: int) -> tuple[int, int]:
    """Widen a match to the comma/semicolon-delimited fragment around it (within its sentence)."""
    left = max(text.rfind(c, 0, a) for c in ",;:")
    right_cands = [i for i in (text.find(c, b) for c in ",;") if i >= 0]
    right = min(right_cands) if right_cands else len(text)
    return left + 1, right
