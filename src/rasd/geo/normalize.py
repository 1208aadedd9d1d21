"""Place-name keys that survive transliteration.

``name_key`` maps every common English rendering of an Arabic (and most other)
place name to one key: diacritics and 'ayn/hamza marks go, hyphens become
spaces, the article (al-, el-, as-, ad-, at-, ash-, ...) is dropped wherever it
stands, and the usual variants of the common prefixes collapse (Bayt/Beit,
Dayr/Deir, Tall/Tell, Kfar/Kafr, Ayn/Ain, ...). ``skeleton_key`` goes further
(vowels and doubled letters out) and serves as a looser second key, so
"Idleb" meets "Idlib" and "Beit Jinn" meets "Beit Jin".
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# marks that stand for 'ayn, hamza or an apostrophe in romanised names
_MARKS = "'’‘`´ʻʼʽʿʾ′ˈ"
_MARKS_RE = re.compile("[" + re.escape(_MARKS) + "]")
_NON_WORD_RE = re.compile(r"[^0-9a-z ]+")

# the Arabic article in its assimilated and dialectal spellings
ARTICLES = frozenset({"al", "el", "il", "ul", "as", "es", "ad", "ed", "at", "et", "ash", "esh", "an", "en",
                      "ar", "er", "az", "ez", "ath", "adh", "aj", "the"})
_PREFIX_VARIANTS = {
    "bayt": "beit", "beyt": "beit", "bet": "beit", "bait": "beit", "beth": "beit",
    "dayr": "deir", "deyr": "deir", "dair": "deir", "der": "deir",
    "tall": "tell", "tal": "tell", "tel": "tell", "tell": "tell",
    "kfar": "kafr", "kefr": "kafr", "kufr": "kafr", "kfr": "kafr",
    "jisir": "jisr", "jisser": "jisr", "jasr": "jisr",
    "ayn": "ain", "ein": "ain", "ayin": "ain",
    "wadi": "wadi", "wady": "wadi",
    "jabal": "jebel", "jebal": "jebel", "jabel": "jebel", "djebel": "jebel",
    "khirbet": "khirba", "khirbat": "khirba", "khirba": "khirba", "khurbet": "khirba",
    "maarrat": "maarat", "maarat": "maarat", "marat": "maarat", "maaret": "maarat",
    "qasr": "qasr", "kasr": "qasr", "qalaat": "qala", "qalat": "qala", "kalaat": "qala",
    "tell": "tell", "umm": "umm", "um": "umm", "abu": "abu", "abou": "abu",
    "saint": "st", "st": "st", "mount": "mt", "mt": "mt", "fort": "ft", "ft": "ft",
}
_VOWELS_RE = re.compile(r"[aeiouy]")
_DOUBLE_RE = re.compile(r"(.)\1+")


@lru_cache(maxsize=4096)
def _strip_char(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


def strip_diacritics(text: str) -> str:
    if text.isascii():
        return text
    return "".join(map(_strip_char, text))


_TRANS = str.maketrans({**{c: None for c in _MARKS}, **{c: " " for c in "-‐‑‒–—_/.,()\t\n"},
                        "ß": "ss", "ø": "o", "æ": "ae", "ł": "l", "đ": "d", "ı": "i"})
_CLEAN_RE = re.compile(r"[a-z0-9 ]*")


def tokens(name: str) -> list[str]:
    """Lower-case ASCII tokens of a name, marks removed, hyphens and spaces split."""
    s = strip_diacritics(name.lower()).translate(_TRANS)
    if not _CLEAN_RE.fullmatch(s):
        s = _NON_WORD_RE.sub("", s)
    return s.split()


def _fold_token(tok: str) -> str:
    tok = _PREFIX_VARIANTS.get(tok, tok)
    # a final -ah/-eh is the same as -a/-e (Kiswah, Hamah, Raqqah)
    if len(tok) > 3 and tok.endswith("h") and tok[-2] in "ae":
        tok = tok[:-1]
    # ee/oo/ou spellings of i/u (Deeb/Dib, Hmeimim/Hmimim, Yabroud/Yabrud)
    if "ee" in tok or "o" in tok:
        tok = tok.replace("ee", "i").replace("oo", "u").replace("ou", "u")
    return tok


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The main look-up key: articles out, prefixes folded, one space between words."""
    toks = tokens(name)
    if not toks:
        return ""
    # "al-Tal" is written "altal" too, rarely; split only with a hyphen or space
    kept = [t for t in toks if t not in ARTICLES]
    if not kept:  # the name is only an article-like word ("As", "El")
        kept = toks
    return " ".join(_fold_token(t) for t in kept)


def skeleton_key(name: str) -> str:
    """A looser key: the main key without vowels and doubled letters, no spaces."""
    return skeleton_of_key(name_key(name))


def skeleton_of_key(key: str) -> str:
    if not key:
        return ""
    s = key.replace(" ", "")
    s = s.replace("kh", "k").replace("q", "k").replace("gh", "g").replace("dh", "d").replace("th", "t")
    s = s.replace("sh", "s").replace("ph", "f").replace("w", "u")
    s = _DOUBLE_RE.sub(r"\1", s)
    head, rest = s[:1], s[1:]
    return head + _VOWELS_RE.sub("", rest)


def display_key(name: str) -> str:
    """Key for exact (article-keeping) comparisons: tokens joined by one space."""
    return " ".join(tokens(name))
