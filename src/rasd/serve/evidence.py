"""Excerpts of a document's raw text around an event's evidence, with the spans to mark.

The page renders them as text nodes and <mark> elements: offsets only, never markup.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from ..records import Evidence

_BOUNDARY = re.compile(r"(?<=[.!?])\s+|\n+")


def _sentence_bounds(raw: str, start: int, end: int) -> tuple[int, int]:
    """The smallest run of sentences of ``raw`` holding [start, end)."""
    lo = 0
    for m in _BOUNDARY.finditer(raw, 0, max(start, 0)):
        lo = m.end()
    m = _BOUNDARY.search(raw, max(end, lo))
    hi = m.start() if m else len(raw)
    return lo, max(hi, end)


def excerpts(raw: str, evidence: list[Evidence], sentence: Optional[str], doc_id: str,
             max_chars: int = 1200) -> list[dict[str, Any]]:
    """Sentences holding the evidence of ``doc_id`` (merged when they overlap), each with its marks
    as offsets relative to the excerpt (marks may nest or overlap; the span cited as the whole
    ``sentence`` bounds an excerpt and is not marked); the event's sentence when no span lies here."""
    spans = sorted((e for e in evidence if e.doc_id == doc_id and 0 <= e.start < e.end <= len(raw)),
                   key=lambda e: e.start)
    regions: list[list[int]] = []
    for e in spans:
        lo, hi = _sentence_bounds(raw, e.start, e.end)
        if regions and lo <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], hi)
        else:
            regions.append([lo, hi])
    if not regions and sentence:
        i = raw.find(sentence)
        if i >= 0:
            regions.append([i, i + len(sentence)])
    out = []
    for lo, hi in regions:
        hi = min(hi, lo + max_chars)
        marks = [{"start": e.start - lo, "end": min(e.end, hi) - lo, "field": e.field or "evidence"}
                 for e in spans if lo <= e.start < hi and e.field != "sentence"]
        out.append({"start": lo, "end": hi, "text": raw[lo:hi], "marks": marks})
    return out


def text_marks(doc, evidence: list[Evidence]) -> list[dict[str, Any]]:
    """The evidence spans of ``doc`` as offsets of its clean text (what the page shows as the
    whole article), to mark there; a span whose raw text was left out of the clean text (markup,
    boilerplate) is left out, and the span cited as the whole sentence is not marked."""
    segments = doc.offsets.segments or [(0, 0, len(doc.raw))]

    def clean(pos: int, end: bool) -> Optional[int]:
        for c0, r0, n in segments:
            if r0 <= pos < r0 + n or (end and r0 < pos <= r0 + n):
                return c0 + pos - r0
        return None

    out = []
    for e in evidence:
        if e.doc_id != doc.doc_id or e.field == "sentence" or not 0 <= e.start < e.end:
            continue
        lo, hi = clean(e.start, False), clean(e.end, True)
        if lo is not None and hi is not None and lo < hi <= len(doc.text):
            out.append({"start": lo, "end": hi, "field": e.field or "evidence"})
    return sorted(out, key=lambda m: (m["start"], -m["end"]))

