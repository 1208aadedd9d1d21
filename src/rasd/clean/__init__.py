"""Cleaning stage: boilerplate out, glued articles split, offsets back to raw kept.

The cleaner works on lines of ``Document.raw``. Rules are general (see docs/cleaning.md):

1. *Article headers.* A headline-like line repeated within a few lines, with only
   repeated lines (captions) or stray labels between, is an article header. A header
   found after enough body text starts a second, glued article: the input is split
   there and the new part becomes its own Document ``<doc_id>#2`` (``#3`` ...), with its
   own raw slice and offsets.
2. *Repetition.* Within a part, a line equal (after normalisation) to an earlier line is
   dropped: repeated headlines and captions keep their first copy only.
3. *Line shape.* Stray short lines (``TT``, ``20``, a lone symbol) are dropped.
4. *Known phrases* (``data/boilerplate.yaml``): share buttons, capture leftovers,
   links to another language version, donation appeals.
5. *Trailing blocks.* From a tail heading ("Related Articles", "You might also like"),
   the heading, the list and the short lines after it are dropped up to the next long
   paragraph; short label lines just before the heading go with it.

Kept lines are copied verbatim (trimmed of surrounding white space); paragraphs are
joined with one blank line where the raw text had any gap, else one newline. The
``OffsetMap`` records, for every kept piece, where it came from in the raw text, so
``doc.raw[raw_start:raw_start+n] == doc.text[clean_start:clean_start+n]`` holds exactly.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Optional

from ..records import Document, OffsetMap, Result, content_hash
from .rules import Rules, has_month_word, normalise

log = logging.getLogger(__name__)

_CAPTION_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(\d{1,2}),?\s+(\d{4})\b|\b(\d{1,2})\s+(January|February|March|April|May|June|July|August|"
    r"September|October|November|December),?\s+(\d{4})\b", re.I)
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_MONTH_NO = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                           "august", "september", "october", "november", "december"), 1)}


@dataclass
class Line:
    start: int  # raw offset of the first non-space character
    end: int  # raw offset after the last non-space character
    text: str  # raw[start:end]
    norm: str
    keep: bool = True
    why: str = ""  # why it was dropped


class Cleaner:
    """Document(raw) -> Document(text + offset map); may split one input into several."""

    def __init__(self, rules: Optional[Rules] = None):
        self.rules = rules or Rules.load()

    def process(self, batch: list[Document]) -> list[Document]:
        out: list[Document] = []
        for doc in batch:
            out.extend(self.clean(doc))
        return out

    # -- one document -----------------------------------------------------
    def clean(self, doc: Document) -> list[Document]:
        lines = _lines(doc.raw)
        if not lines:
            doc.text, doc.offsets = "", OffsetMap()
            return [doc]
        starts = self._split_points(lines)
        bounds = [0, *starts, len(lines)]
        parts: list[Document] = []
        for k in range(len(bounds) - 1):
            part_lines = lines[bounds[k]:bounds[k + 1]]
            self._mark(part_lines)
            raw_from = 0 if k == 0 else part_lines[0].start
            raw_to = len(doc.raw) if k == len(bounds) - 2 else lines[bounds[k + 1]].start
            parts.append(self._build(doc, k, part_lines, raw_from, raw_to, len(bounds) - 1))
        return parts

    def dropped_lines(self, raw: str) -> list[tuple[str, str]]:
        """(line, reason) for every non-blank line the cleaner drops: for tests and `-vv` logs."""
        lines = _lines(raw)
        starts = self._split_points(lines)
        bounds = [0, *starts, len(lines)]
        for k in range(len(bounds) - 1):
            self._mark(lines[bounds[k]:bounds[k + 1]])
        return [(ln.text, ln.why) for ln in lines if ln.text and not ln.keep]

    # -- 1. article headers -> split points -----------------------------------
    def _header_end(self, lines: list[Line], i: int) -> Optional[int]:
        """If an article header starts at line i, the index after it; else None."""
        first = lines[i]
        if not first.text or not self.rules.is_title_like(first.text):
            return None
        window = lines[i + 1:i + 1 + self.rules.header_window]
        for off, ln in enumerate(window):
            if ln.norm != first.norm:
                continue
            between = window[:off]
            counts: dict[str, int] = {}
            for b in between:
                counts[b.norm] = counts.get(b.norm, 0) + 1
            ok = all(not b.text or self.rules.is_stray(b.text) or counts[b.norm] > 1
                     or any(b.norm == later.norm for later in window[off + 1:off + 6])
                     for b in between)
            if not ok:
                return None
            j = i + 1 + off + 1
            seen = {b.norm for b in between if b.text} | {first.norm}
            while j < len(lines) and (not lines[j].text or lines[j].norm in seen
                                      or self.rules.is_stray(lines[j].text)):
                j += 1
            return j
        return None

    def _split_points(self, lines: list[Line]) -> list[int]:
        points: list[int] = []
        body = 0  # chars of prose-like text since the current part began
        i = 0
        while i < len(lines):
            end = self._header_end(lines, i) if lines[i].text else None
            if end is not None:
                if body >= self.rules.min_part_chars:
                    points.append(i)
                body = 0
                i = end
                continue
            ln = lines[i]
            if ln.text and not self.rules.is_stray(ln.text):
                body += len(ln.text)
            i += 1
        return points

    # -- 2-5. which lines of a part are kept ----------------------------------
    def _mark(self, lines: list[Line]) -> None:
        r = self.rules
        seen: set[str] = set()
        tail = False
        for idx, ln in enumerate(lines):
            if not ln.text:
                continue
            if tail:
                if r.is_prose(ln.text) and not r.is_appeal(ln.text) and not r.is_tail_heading(ln.text):
                    tail = False
                else:
                    ln.keep, ln.why = False, "trailing block"
                    continue
            if r.is_tail_heading(ln.text):
                ln.keep, ln.why = False, "tail heading"
                tail = True
                self._absorb_labels_before(lines, idx)
            elif ln.norm in seen:
                ln.keep, ln.why = False, "repeated line"
            elif r.is_stray(ln.text):
                ln.keep, ln.why = False, "stray short line"
            elif r.is_drop(ln.text):
                ln.keep, ln.why = False, "boilerplate phrase"
            elif r.is_appeal(ln.text):
                ln.keep, ln.why = False, "appeal"
            seen.add(ln.norm)

    def _absorb_labels_before(self, lines: list[Line], idx: int) -> None:
        j = idx - 1
        while j >= 0:
            ln = lines[j]
            if not ln.text or not ln.keep:
                j -= 1
                continue
            if self.rules.is_label(ln.text) and not self.rules.is_prose(ln.text):
                ln.keep, ln.why = False, "label before a tail heading"
                j -= 1
                continue
            break

    # -- building the cleaned Document -----------------------------------------
    def _build(self, doc: Document, k: int, lines: list[Line], raw_from: int, raw_to: int,
               nparts: int) -> Document:
        raw = doc.raw[raw_from:raw_to] if nparts > 1 else doc.raw
        pieces: list[str] = []
        segs: list[list[int]] = []  # [clean_start, raw_start, length], raw relative to `raw`
        pos = 0
        prev: Optional[Line] = None
        repeats: dict[str, int] = {}
        for ln in lines:
            if ln.text:
                repeats[ln.norm] = repeats.get(ln.norm, 0) + 1
        captions: list[list[int]] = []  # clean spans of kept lines the capture repeated
        for ln in lines:
            if not ln.text or not ln.keep:
                continue
            rs = ln.start - raw_from
            if prev is not None:
                gap = doc.raw[prev.end:ln.start]
                sep = "\n\n" if _BLANK_LINE.search(gap) else "\n"
                if gap == sep and segs and segs[-1][0] + segs[-1][2] == pos:
                    segs[-1][2] += len(sep) + len(ln.text)  # raw continues verbatim: extend
                    pieces += [sep, ln.text]
                    pos += len(sep) + len(ln.text)
                    prev = ln
                    continue
                pieces.append(sep)
                pos += len(sep)
            segs.append([pos, rs, len(ln.text)])
            pieces.append(ln.text)
            pos += len(ln.text)
            prev = ln
        text = "".join(pieces)
        # a repeated line other than the headline is a photo caption (its copies were dropped)
        pos = 0
        for i, line in enumerate(text.split("\n")):
            if i > 0 and line and repeats.get(normalise(line), 0) > 1:
                captions.append([pos, pos + len(line)])
            pos += len(line) + 1
        if k == 0:
            out = doc if nparts == 1 else replace(doc, meta=dict(doc.meta))
        else:
            out = replace(doc, doc_id=f"{doc.doc_id}#{k + 1}", title=None, url=None,
                          published=_caption_date(lines), meta=dict(doc.meta))
            out.meta.update({"split_from": doc.doc_id, "raw_offset": raw_from})
            if out.published is not None:
                out.meta["published_from"] = "caption date"
        out.raw = raw
        out.text = text
        out.offsets = OffsetMap([tuple(s) for s in segs])  # type: ignore[misc]
        if nparts > 1:
            out.content_hash = content_hash(raw)
            if k == 0:
                out.meta["parts"] = nparts
        if not out.title:
            out.title = _title(text)
        if captions:
            out.meta["caption_spans"] = captions
        dropped = [ln for ln in lines if ln.text and not ln.keep]
        if dropped:
            out.meta["dropped_lines"] = len(dropped)
            if log.isEnabledFor(logging.DEBUG):
                for ln in dropped:
                    log.debug("%s: dropped (%s) %r", out.doc_id, ln.why, ln.text[:80])
        return out


class CleanStage:
    """The pipeline's first stage: Result -> a fresh Result per cleaned document (a glued input
    gives several)."""

    name = "clean"

    def __init__(self, cleaner: Cleaner):
        self.cleaner = cleaner

    def process(self, batch: list[Result]) -> list[Result]:
        return [Result(d) for d in self.cleaner.process([r.document for r in batch])]


def _lines(raw: str) -> list[Line]:
    out: list[Line] = []
    pos = 0
    for piece in raw.split("\n"):
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            s = pos + lead
            out.append(Line(s, s + len(stripped), stripped, normalise(stripped)))
        else:
            out.append(Line(pos, pos, "", ""))
        pos += len(piece) + 1
    return out


def _title(text: str) -> Optional[str]:
    first = text.split("\n", 1)[0].strip()
    return first if 0 < len(first) <= 200 else None


def _caption_date(lines: list[Line]) -> Optional[date]:
    """The date of a split-off article, when its header (repeated captions) states one."""
    counts: dict[str, int] = {}
    for ln in lines[:40]:
        if ln.text:
            counts[ln.norm] = counts.get(ln.norm, 0) + 1
    for ln in lines[:40]:
        if ln.text and counts[ln.norm] > 1 and has_month_word(ln.text):
            m = _CAPTION_DATE.search(ln.text)
            if m:
                mon, day, year = (m[1], m[2], m[3]) if m[1] else (m[5], m[4], m[6])
                try:
                    return date(int(year), _MONTH_NO[mon.lower()], int(day))
                except ValueError:
                    continue
    return None
