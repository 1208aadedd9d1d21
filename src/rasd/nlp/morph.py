"""Cheap lemmas and coarse tags from the tagger's fine tags.

The coder parses with tok2vec, tagger and parser only: spaCy's attribute ruler and
lemmatizer cost more than the parser on short sentences. ``Morph.annotate`` fills
``token.pos_`` from ``token.tag_`` and ``token.lemma_`` with a rule lemma that prefers
the words the caller cares about (its ``known`` lemmas).
"""
from __future__ import annotations

from typing import Iterable

_POS = {"NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "VB": "VERB", "VBD": "VERB", "VBG": "VERB",
        "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB", "MD": "AUX", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ",
        "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "IN": "ADP", "DT": "DET", "CC": "CCONJ", "CD": "NUM", "PRP": "PRON",
        "PRP$": "PRON", "WP": "PRON", "TO": "PART", "RP": "ADP", "UH": "INTJ", "POS": "PART", "PDT": "DET",
        "WDT": "DET", "WRB": "ADV", "EX": "PRON", "HYPH": "PUNCT", ",": "PUNCT", ".": "PUNCT", ":": "PUNCT",
        "-LRB-": "PUNCT", "-RRB-": "PUNCT", "``": "PUNCT", "''": "PUNCT", "NFP": "PUNCT", "$": "SYM", "SYM": "SYM",
        "AFX": "ADJ", "FW": "X", "LS": "X", "XX": "X", "ADD": "X", "_SP": "SPACE"}
_IRREGULAR = {
    "was": "be", "were": "be", "is": "be", "are": "be", "been": "be", "being": "be", "am": "be", "'s": "be",
    "has": "have", "had": "have", "did": "do", "does": "do", "done": "do", "took": "take", "taken": "take",
    "left": "leave", "fell": "fall", "fallen": "fall", "shot": "shoot", "struck": "strike", "stricken": "strike",
    "broke": "break", "broken": "break", "fled": "flee", "held": "hold", "withdrew": "withdraw", "withdrawn": "withdraw",
    "overran": "overrun", "retook": "retake", "retaken": "retake", "swept": "sweep", "said": "say", "told": "tell",
    "fought": "fight", "went": "go", "gone": "go", "came": "come", "began": "begin", "begun": "begin", "made": "make",
    "led": "lead", "found": "find", "lost": "lose", "sought": "seek", "brought": "bring", "thought": "think",
    "got": "get", "gotten": "get", "saw": "see", "seen": "see", "gave": "give", "given": "give", "met": "meet",
    "set": "set", "put": "put", "hit": "hit", "kept": "keep", "ran": "run", "stood": "stand", "won": "win",
    "spoke": "speak", "spoken": "speak", "threw": "throw", "thrown": "throw", "blew": "blow", "blown": "blow",
    "drove": "drive", "driven": "drive", "rose": "rise", "risen": "rise", "hid": "hide", "hidden": "hide",
    "men": "man", "women": "woman", "children": "child", "people": "people", "forces": "force", "talks": "talk",
    "could": "could", "would": "would", "ca": "can", "n't": "not", "sent": "send", "built": "build", "dealt": "deal",
    "slain": "slay", "slew": "slay", "bore": "bear", "borne": "bear", "laid": "lay", "paid": "pay", "meant": "mean",
}


class Morph:
    def __init__(self, known: Iterable[str] = ()):
        self.known = {k.lower() for k in known}
        self._memo: dict[tuple[str, str], str] = {}

    def lemma(self, word: str, tag: str) -> str:
        key = (word, tag)
        got = self._memo.get(key)
        if got is None:
            got = self._memo[key] = self._lemma(word.lower(), tag)
        return got

    def _lemma(self, w: str, tag: str) -> str:
        if w in _IRREGULAR:
            return _IRREGULAR[w]
        if tag in ("VBD", "VBN", "VBG", "VBZ", "NNS", "NNPS", "VBP") or (tag.startswith("NN") and w.endswith("s")):
            cands = self._candidates(w)
            if tag in ("VBD", "VBN", "VBZ") and len(cands) > 1:
                # an inflected verb's stem before the form itself: a word list that names forms
                # ("announced", "reported") must not keep "announced" from being "announce"
                cands = cands[1:] + cands[:1]
            for cand in cands:
                if cand in self.known:
                    return cand
            if w.endswith("ies") and len(w) > 4:
                return w[:-3] + "y"
            if w.endswith("ied") and len(w) > 4:
                return w[:-3] + "y"
            if w.endswith("ing") and len(w) > 5:
                return w[:-3]
            if w.endswith("ed") and len(w) > 4:
                return w[:-2]
            if w.endswith("es") and w[-3:-2] in ("s", "x", "z", "h"):
                return w[:-2]
            if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
                return w[:-1]
        return w

    @staticmethod
    def _candidates(w: str) -> list[str]:
        out = [w]
        for suf in ("ing", "ed", "es", "s", "d"):
            if w.endswith(suf) and len(w) > len(suf) + 2:
                stem = w[: -len(suf)]
                out += [stem, stem + "e"]
                if len(stem) > 2 and stem[-1] == stem[-2]:
                    out.append(stem[:-1])
                if stem.endswith("i"):
                    out.append(stem[:-1] + "y")
        return out

    def annotate(self, doc) -> None:
        for t in doc:
            tag = t.tag_
            t.pos_ = _POS.get(tag, "X")
            t.lemma_ = self.lemma(t.text, tag)
