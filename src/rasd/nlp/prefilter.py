"""Trigger prefilter: an Aho-Corasick automaton over the whole-word forms of the triggers.

A sentence is promising when it holds a strong trigger word, or a weak one (a word that
is a trigger only under conditions, such as "took" or "left") together with a word from
``companions`` (for the coder: the names of armed actors). Only promising sentences are
parsed.
"""
from __future__ import annotations

from typing import Iterable, Optional

import ahocorasick

STRONG, WEAK, COMPANION = 0, 1, 2


class Prefilter:
    def __init__(self, keys: Iterable[str], weak: Iterable[str] = (), companions: Iterable[str] = ()):
        self._auto = ahocorasick.Automaton()
        table: dict[str, int] = {}
        for kind, words in ((COMPANION, companions), (WEAK, weak), (STRONG, keys)):
            for k in words:
                k = k.lower().strip()
                if len(k) >= 2:
                    table[k] = min(kind, table.get(k, kind))
        if not any(v == STRONG for v in table.values()):
            raise ValueError("prefilter needs at least one key")
        for k, kind in table.items():
            self._auto.add_word(k, (k, kind))
        self._auto.make_automaton()

    def hits(self, text: str, kinds: Optional[set[int]] = None) -> list[tuple[int, str]]:
        """(start offset, key) of every whole-word key in ``text``."""
        low = text.lower()
        n = len(low)
        out = []
        for end, (key, kind) in self._auto.iter(low):
            if kinds is not None and kind not in kinds:
                continue
            start = end - len(key) + 1
            if (start == 0 or not low[start - 1].isalnum()) and (end + 1 >= n or not low[end + 1].isalnum()):
                out.append((start, key))
        return out

    def promising(self, text: str, spans: list[tuple[int, int]]) -> list[int]:
        """Indices of the spans (sentences) worth parsing."""
        low = text.lower()
        n = len(low)
        marks: list[tuple[int, int]] = []
        for end, (key, kind) in self._auto.iter(low):
            start = end - len(key) + 1
            if (start == 0 or not low[start - 1].isalnum()) and (end + 1 >= n or not low[end + 1].isalnum()):
                marks.append((start, kind))
        marks.sort()
        out, j = [], 0
        for i, (a, b) in enumerate(spans):
            while j < len(marks) and marks[j][0] < a:
                j += 1
            kinds = set()
            k = j
            while k < len(marks) and marks[k][0] < b:
                kinds.add(marks[k][1])
                k += 1
            if STRONG in kinds or (WEAK in kinds and COMPANION in kinds):
                out.append(i)
        return out

    def process(self, batch: list[tuple[str, list[tuple[int, int]]]]) -> list[list[int]]:
        return [self.promising(text, spans) for text, spans in batch]
