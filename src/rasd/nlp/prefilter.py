"""Trigger prefilter: an Aho-Corasick automaton over word starts of the trigger lexicon.

A sentence is promising when one of the keys occurs at the start of a word in it
(so "clash" finds "clashes" and "clashed"). Only promising sentences are parsed.
"""
from __future__ import annotations

from typing import Iterable

import ahocorasick


class Prefilter:
    def __init__(self, keys: Iterable[str]):
        self._auto = ahocorasick.Automaton()
        n = 0
        for k in {k.lower() for k in keys if k and len(k) >= 3}:
            self._auto.add_word(k, k)
            n += 1
        if n == 0:
            raise ValueError("prefilter needs at least one key")
        self._auto.make_automaton()

    def hits(self, text: str) -> list[tuple[int, str]]:
        """(start offset, key) of every key found at a word start in ``text``."""
        low = text.lower()
        out = []
        for end, key in self._auto.iter(low):
            start = end - len(key) + 1
            if start == 0 or not low[start - 1].isalnum():
                out.append((start, key))
        return out

    def promising(self, text: str, spans: list[tuple[int, int]]) -> list[int]:
        """Indices of the spans (sentences) that hold at least one key."""
        starts = sorted(s for s, _ in self.hits(text))
        out, j = [], 0
        for i, (a, b) in enumerate(spans):
            while j < len(starts) and starts[j] < a:
                j += 1
            if j < len(starts) and starts[j] < b:
                out.append(i)
        return out

    def process(self, batch: list[tuple[str, list[tuple[int, int]]]]) -> list[list[int]]:
        return [self.promising(text, spans) for text, spans in batch]
