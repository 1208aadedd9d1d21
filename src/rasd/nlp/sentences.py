"""A cheap rule-based sentence splitter (no model): good enough to decide what to parse.

Splits after ., ! or ? followed by space and an upper-case letter, digit or quote, unless
the word before the stop is a known abbreviation or a single capital (an initial); also
splits on blank lines and on line breaks. Offsets are kept in the input text.
"""
from __future__ import annotations

import re

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "maj", "capt", "sgt", "st", "jr", "sr",
    "no", "vs", "etc", "u.s", "u.n", "u.k", "e.g", "i.e", "jan", "feb", "mar", "apr", "aug",
    "sept", "sep", "oct", "nov", "dec", "gov", "rep", "sen", "brig", "adm", "cmdr", "approx",
}
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*\S)")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)[.!?][\"'”’)\]]*\s*$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Half-open (start, end) spans of the sentences of ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        cut = m.start() + 1 if text[m.start()] in ".!?" else m.start()
        if text[m.start()] == ".":
            w = _WORD_BEFORE.search(text, max(0, m.start() - 12), m.end())
            word = w.group(1).lower().rstrip(".") if w else ""
            if word in _ABBREV or (len(word) == 1 and word.isalpha()):
                continue
        # keep closing quotes/brackets with the sentence they end
        while cut < len(text) and text[cut] in "\"'”’)]":
            cut += 1
        _add(text, start, cut, spans)
        start = m.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


class SentenceSplitter:
    """Stage form of ``split_sentences``: texts in, lists of spans out."""

    def process(self, batch: list[str]) -> list[list[tuple[int, int]]]:
        return [split_sentences(t) for t in batch]
