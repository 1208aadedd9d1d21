"""Toponym recognition: gazetteer matches in context, merged with spaCy's NER.

Capitalised word runs (with the lower-case particles of Arabic and European
names: al-, el-, de, of) are looked up in the gazetteer, longest first. A match
is kept when it is a country, region or large place, when a cue makes it a
place ("in X", "the town of X", "north of X", "X countryside", "X province"),
or when spaCy marks it GPE/LOC/FAC. spaCy's GPE/LOC/FAC spans are kept too,
and two of its known slips are mended: a PERSON span that starts with a place
prefix ("Beit Jin") and an ORG span that is exactly a known place ("Idlib").
Stoplists (``data/recognition.yaml``) keep common words and titles out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any, Optional

import yaml

from ..records import is_country_or_continent
from .gazetteer import Candidate, Gazetteer
from .normalize import name_key

# a word: letters with inner apostrophes, 'ayn marks, dots of abbreviations or hyphens
WORD_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ0-9]+(?:['’‘ʻʼʿ`\-.][A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ0-9]+)*\.?|['’‘ʻʼʿ]"
                      r"[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ]+")
# lower-case words allowed inside a name ("Deir ez-Zor", "Bosnia and Herzegovina", "Rio de Janeiro")
_PARTICLES = frozenset({"al", "el", "as", "ad", "at", "ash", "an", "ar", "az", "ez", "es", "ed", "en", "ul",
                        "de", "del", "da", "do", "dos", "das", "di", "du", "la", "le", "les", "los", "van",
                        "von", "der", "of", "and", "upon", "on", "bin", "ibn", "bint", "y", "sur", "am", "im"})
_MAX_WORDS = 6
# a particle that joins the parts of one Arabic name ("Muqtada al Sadr", "Hamza bin Laden")
_ARABIC_LINKS = frozenset({"al", "el", "bin", "ibn", "bint"})
# capitalised English words that may open a run but not a name ("At Tall" is still found as "Tall")
_ENGLISH_LEAD = frozenset({"the", "a", "an", "as", "at", "in", "on", "of", "and", "to", "for", "by"})
_BIG_PLACE = 100_000


@dataclass
class Span:
    start: int
    end: int
    text: str
    source: str  # "gazetteer", "ner", "pattern", "given"
    label: Optional[str] = None  # spaCy label when from NER
    cue: Optional[str] = None  # the context cue that made it a place ("countryside", "north of")


def _load_lists() -> dict[str, Any]:
    with resources.files("rasd.geo").joinpath("data", "recognition.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _by_length(phrases: list) -> list[tuple[int, frozenset[tuple[str, ...]]]]:
    """Phrases as word tuples, grouped by their number of words, longest first."""
    groups: dict[int, set[tuple[str, ...]]] = {}
    for p in phrases:
        words = tuple(str(p).lower().split())
        if words:
            groups.setdefault(len(words), set()).add(words)
    return [(n, frozenset(groups[n])) for n in sorted(groups, reverse=True)]


def _is_cap(word: str) -> bool:
    """A capitalised word, or an article-prefixed one ("al-Tal", "el-Kiswah")."""
    first = word[:1]
    if first.isupper():
        return True
    if first in "'’‘ʻʼʿ`":  # a quote mark cannot open a particle: nothing else to try
        return word[1:2].isupper()
    if "-" not in word:  # most words: lower case, no article
        return False
    head, _, tail = word.partition("-")
    return head in _PARTICLES and tail[:1].isupper()


class Recognizer:
    """Finds place-name spans in a text. Build once with the gazetteer."""

    def __init__(self, gazetteer: Gazetteer, nlp=None, lists: Optional[dict[str, Any]] = None):
        self.gazetteer = gazetteer
        self.nlp = nlp
        lists = lists or _load_lists()
        self.stop = frozenset(str(w).lower() for w in lists.get("stop") or [])
        # cue phrases by length, longest first: a cue is found by one set look-up per length
        self.cues_before = _by_length(lists.get("cues_before") or [])
        self.cues_after = _by_length(lists.get("cues_after") or [])
        self.person_before = frozenset(str(w).lower() for w in lists.get("person_before") or [])
        self.place_prefixes = frozenset(str(w).lower() for w in lists.get("place_prefixes") or [])

    @cached_property
    def _nlp_ok(self) -> bool:
        return self.nlp is not None

    # ---- context ----------------------------------------------------
    def cue_before(self, words: list[tuple[int, int, str]], i: int) -> Optional[str]:
        """The cue phrase ending just before word i ("in", "north of"), if any."""
        for n, cues in self.cues_before:
            if i - n < 0:
                continue
            words_before = tuple(w[2].lower().rstrip(".") for w in words[i - n:i])
            if words_before in cues:
                return " ".join(words_before)
        return None

    def cue_after(self, words: list[tuple[int, int, str]], j: int) -> Optional[str]:
        for n, cues in self.cues_after:
            words_after = tuple(w[2].lower() for w in words[j:j + n])
            if words_after in cues:
                return " ".join(words_after)
        return None

    # ---- recognition ------------------------------------------------
    def find(self, text: str, ents: Optional[list[tuple[int, int, str]]] = None) -> list[Span]:
        """Place-name spans in ``text``. ``ents`` are (start, end, label) NER spans, computed with
        ``self.nlp`` when not given (and when a model was passed in)."""
        if ents is None and self.nlp is not None:
            ents = [(e.start_char, e.end_char, e.label_) for e in self.nlp(text).ents]
        ents = ents or []
        words = _words(text)
        gaz_spans = self._gazetteer_spans(text, words, ents)
        ner_spans = self._ner_spans(text, ents, words)
        return _merge(gaz_spans + ner_spans)

    def _runs(self, text: str, words: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
        """Index ranges [i, j) of capitalised word runs (particles allowed inside)."""
        runs = []
        caps = [_is_cap(w) for _, _, w in words]
        i, n = 0, len(words)
        while i < n:
            if not caps[i]:
                i += 1
                continue
            j = i + 1
            while j < n:
                w = words[j][2]
                between = text[words[j - 1][1]:words[j][0]]
                if between not in (" ", "-", "") or words[j - 1][2].endswith("."):
                    break  # punctuation, a line break or a full stop ends a name
                if caps[j]:
                    j += 1
                elif w.lower().split("-")[0] in _PARTICLES and j + 1 < n and caps[j + 1] \
                        and words[j + 1][0] - words[j][1] <= 1:
                    j += 2
                elif "-" in w and w.lower().split("-")[0] in _PARTICLES:
                    j += 1  # "al-Sham" written with its article: "ez-Zor"
                else:
                    break
            runs.append((i, j))
            i = j
        return runs

    def _gazetteer_spans(self, text: str, words: list[tuple[int, int, str]],
                         ents: list[tuple[int, int, str]]) -> list[Span]:
        runs = self._runs(text, words)
        grams: list[tuple[int, int]] = []
        for a, b in runs:
            for i in range(a, b):
                if words[i][2].lower() in _ENGLISH_LEAD:
                    continue  # "The", "An Iraqi", "As Syria": the name starts after it
                if i > a and words[i][2][:1].islower() and _is_cap(words[i - 1][2]):
                    continue  # "Tahrir al-Sham": "al-Sham" inside a longer name is not a place
                if i > a + 1 and words[i - 1][2].lower() in _ARABIC_LINKS and _is_cap(words[i - 2][2]):
                    continue  # "Muqtada al Sadr", "Osama bin Laden": the end of a longer name
                for j in range(min(b, i + _MAX_WORDS), i, -1):
                    if j - i > 1 and words[j - 1][2].lower() in _PARTICLES:
                        continue  # "Syria As": a name does not end with a particle
                    grams.append((i, j))
        keys = {}
        for i, j in grams:
            keys[(i, j)] = name_key(text[words[i][0]:words[j - 1][1]])
        # one query per text, for the runs the name index says may be names
        found = self.gazetteer.by_keys(self.gazetteer.known_keys(set(keys.values())))
        ner_label = {}
        for s, e, lab in ents:
            ner_label[(s, e)] = lab
        person_chars: set[int] = set()  # inside a person's (or a work's) name: not a place
        org_chars: set[int] = set()  # inside an organisation's name: a place only if a big one
        for s, e, lab in ents:
            if lab in ("PERSON", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"):
                person_chars.update(range(s, e))
            elif lab in ("ORG", "NORP"):
                org_chars.update(range(s, e))
        lower_words = frozenset(w for _, _, w in words if w.islower())
        out: list[Span] = []
        pending: list[tuple[int, int, int, int, str]] = []
        taken: set[int] = set()
        for (i, j) in sorted(grams, key=lambda g: (-(g[1] - g[0]), g[0])):
            if not taken.isdisjoint(range(i, j)):
                continue
            cands = found.get(keys[(i, j)])
            if not cands:
                continue
            start, end = words[i][0], words[j - 1][1]
            surface = text[start:end]
            if surface.endswith(".") and "." not in surface[:-1]:
                surface = surface[:-1]  # a full stop, not the last dot of "U.S." or "D.C."
            end = start + len(surface)
            verdict = self._accept(text, words, i, j, surface, cands, ner_label.get((start, end)),
                                   start in person_chars, start in org_chars, lower_words)
            if verdict is None:
                if start not in person_chars and surface.lower() not in self.stop:
                    pending.append((i, j, start, end, surface))
                continue
            taken.update(range(i, j))
            out.append(Span(start, end, surface, "gazetteer", ner_label.get((start, end)), verdict or None))
        # a name listed with an accepted place ("al-Tal and el-Kiswah", "Homs, Hama and Idlib")
        for _ in range(2):
            ends, starts = {sp.end for sp in out}, {sp.start for sp in out}
            for i, j, start, end, surface in sorted(pending, key=lambda p: p[2]):
                if any(k in taken for k in range(i, j)):
                    continue
                before = _LIST_BEFORE_RE.search(text, max(0, start - 8), start)
                after = _LIST_AFTER_RE.match(text, end, end + 8)
                if (before and before.start() in ends) or (after and after.end() in starts):
                    taken.update(range(i, j))
                    out.append(Span(start, end, surface, "gazetteer", None, "list"))
                    ends.add(end)
                    starts.add(start)
        return out

    def _accept(self, text: str, words, i: int, j: int, surface: str, cands: list[Candidate],
                label: Optional[str], in_person: bool, in_org: bool = False,
                lower_words: frozenset = frozenset()) -> Optional[str]:
        """None to reject; else the cue that supports the match ('' when none was needed).

        ``lower_words``: the words the text writes in lower case (a capitalised one at a sentence
        start that also stands in lower case elsewhere is a common word)."""
        low = surface.lower()
        bare = surface.replace(".", "")
        abbr = [c for c in cands if c.kind == "abbr"]
        if len(surface) < 2 or (low in self.stop and not (abbr and bare.isupper())):
            return None
        if abbr and len(cands) == len(abbr) and not bare.isupper():
            return None  # abbreviations match only in capitals ("US", not "us")
        if bare.isupper() and len(bare) <= 5 and " " not in surface and not abbr and label != "GPE":
            return None  # short all-capital words are acronyms (BA, SEEK, AI), not places
        major = [c for c in cands if (is_country_or_continent(c.feature) or (c.feature or "").startswith("A.ADM1"))]
        if abbr and bare.isupper():
            return "abbr"
        if i > 0 and words[i - 1][2].lower().rstrip(".") in self.person_before:
            return None
        if surface.isupper() and len(surface) > 4 and not abbr:
            pass  # a headline in capitals: judged like any other
        cue = self.cue_before(words, i) or self.cue_after(words, j) or ""
        # a large place by its own name, or a very large one by an alternate name ("Soon" is an
        # old name of a Chinese city: not enough alone)
        # (a county or district only by its own name: "Union", "Lincoln" are counties' other names)
        big = any((c.is_admin() or (c.feature or "").startswith(("L.", "H.", "T.")) or c.population >= _BIG_PLACE)
                  and (c.kind in ("name", "abbr") or c.population >= 1_000_000 or c.is_admin())
                  and (c.kind == "name" or not (c.feature or "").startswith("A.ADM2"))
                  for c in cands if c.kind != "demonym")
        if all(c.kind == "demonym" for c in cands):
            return "demonym" if label in (None, "NORP", "GPE") else None
        if label == "NORP" and major:
            return "demonym"  # "European", "Canadian": GeoWebNews counts demonyms as toponyms
        if label in ("GPE", "LOC", "FAC"):
            return cue or "ner"
        if in_person and not cue and not self._prefixed(surface):
            return None
        if in_org and not cue and surface[:1].islower():
            return None  # "Tahrir al-Sham": part of an organisation's name
        if in_org and not cue:
            # "Pakistan Army", "HSBC Malta": a country or large place named inside an organisation
            return "org" if big and not (surface.startswith("The ") or j - i > 3) else None
        sentence_start = i == 0 or words[i - 1][2].endswith((".", "!", "?")) or \
            "\n" in text[words[i - 1][1]:words[i][0]] or text[words[i - 1][1]:words[i][0]].strip() in ('"', "“")
        if cue:
            return cue
        if self._prefixed(surface):
            return "prefix"
        if big and not (sentence_start and j - i == 1 and low in lower_words):
            return ""
        return None

    def _prefixed(self, surface: str) -> bool:
        first = surface.split()[0].lower().split("-")[0] if surface.split() else ""
        return first in self.place_prefixes and len(surface.split()) > 1

    def _ner_spans(self, text: str, ents: list[tuple[int, int, str]], words) -> list[Span]:
        out: list[Span] = []
        for s, e, lab in ents:
            surface = text[s:e]
            if lab in ("GPE", "LOC", "FAC"):
                s2, surface2 = _strip_the(s, surface)
                pm = _POSSESSIVE_RE.search(surface2)
                if pm:
                    surface2 = surface2[:pm.start()]
                if surface2.lower() in self.stop or not surface2[:1].isupper():
                    continue
                prev = re.findall(r"([A-Za-z]+)\.?\s*$", text[max(0, s2 - 20):s2])
                if prev and prev[-1].lower() in self.person_before:
                    continue  # "President Washington", "Mr. Paris"
                if lab == "GPE":
                    key = name_key(surface2)
                    cands = self.gazetteer.by_keys([key]).get(key, [])
                    if not cands or not any(c.is_admin() or c.population >= 5000 or c.lat is None
                                            for c in cands):
                        continue  # spaCy's GPE on a name the gazetteer hardly knows is mostly a person
                out.append(Span(s2, s2 + len(surface2), surface2, "ner", lab))
            elif lab in ("PERSON", "ORG"):
                # spaCy's known slips: "Beit Jin" as PERSON, "Idlib" as ORG
                s, surface = _strip_the(s, surface)
                if surface.lower() in self.stop:
                    continue
                key = name_key(surface)
                cands = self.gazetteer.by_keys([key]).get(key, [])
                if not cands:
                    continue
                if lab == "PERSON" and self._prefixed(surface):
                    out.append(Span(s, e, surface, "ner", "GPE", "prefix"))
                elif lab == "ORG" and any(c.is_admin() or c.population >= _BIG_PLACE for c in cands):
                    out.append(Span(s, e, surface, "ner", "GPE"))
        return out


_LIST_BEFORE_RE = re.compile(r"\s*(?:,|,? and|,? or|/)\s*$")
_LIST_AFTER_RE = re.compile(r"\s*(?:,|,? and|,? or|/)\s*")
_POSSESSIVE_RE = re.compile(r"['’]s$")
_QUOTE_CHARS = "'’‘ʻʼʿ`"


def _words(text: str) -> list[tuple[int, int, str]]:
    """Word tokens, without a possessive 's and without a leading quote mark."""
    out = []
    for m in WORD_RE.finditer(text):
        w = m.group()
        s, e = m.span()
        if w[0] in _QUOTE_CHARS and len(w) > 1 and w[1].isupper():
            s, w = s + 1, w[1:]
        if len(w) > 2 and w[-1] == "s" and w[-2] in "'’":  # a possessive 's (_POSSESSIVE_RE)
            e, w = e - 2, w[:-2]
        if "-" in w:
            # "Russian-backed" -> "Russian", "anti-Russian" -> "Russian"; "al-Tal", "ez-Zor" stay whole
            head, _, tail = w.partition("-")
            if tail[:1].islower() and head[:1].isupper() and not any(c.isupper() for c in tail):
                e, w = s + len(head), head
            elif head.islower() and head not in _PARTICLES and tail[:1].isupper():
                s, w = s + len(head) + 1, tail
        out.append((s, e, w))
    return out


def _strip_the(start: int, surface: str) -> tuple[int, str]:
    for art in ("the ", "The "):
        if surface.startswith(art):
            return start + len(art), surface[len(art):]
    return start, surface


def _merge(spans: list[Span]) -> list[Span]:
    """Overlapping spans: the longer wins; at equal length the gazetteer's (it has candidates).
    Characters already taken are marked in a byte array, so each span is checked in time of its
    own length, not against every span kept before it (n log n for the sort, linear after)."""
    spans = sorted(spans, key=lambda s: (-(s.end - s.start), 0 if s.source == "gazetteer" else 1, s.start))
    taken = bytearray(max((sp.end for sp in spans), default=0))
    kept: list[Span] = []
    for sp in spans:
        if sp.start < sp.end:
            if taken.find(1, max(sp.start, 0), sp.end) >= 0:
                continue
            taken[max(sp.start, 0):sp.end] = b"\x01" * (sp.end - max(sp.start, 0))
        elif any(k.start < sp.start < k.end for k in kept):  # an empty span, inside a kept one
            continue
        kept.append(sp)
    kept.sort(key=lambda s: s.start)
    return kept
