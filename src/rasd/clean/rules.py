"""Line-level rules of the cleaner: what a line is, read from ``data/boilerplate.yaml``."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Optional

_BULLET = re.compile(r"^[\s\-–—•·▪►*>|]+")
_STRAY = re.compile(r"[\W\d_]{1,8}")  # only digits, punctuation, symbols
_TERMINAL = re.compile(r"[.!?:;\"”’»)\]]$")
_PHRASE_MAX = 400
_LIST_ITEM = re.compile(r"^\s*(?:[-–—•·▪►*]|\d{1,2}[.)])\s")
_SENTENCE_END = re.compile(r"[.!?][\"”’»)]?$")
_DATE_WORDS = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")


def normalise(line: str) -> str:
    """Comparison form of a line: NFKC, white space collapsed, trimmed, case-folded."""
    if not line.isascii():
        line = unicodedata.normalize("NFKC", line).replace("\u200b", "")
    return " ".join(line.split()).casefold()


def words(line: str) -> int:
    return len(line.split())


@dataclass
class Rules:
    drop_line: list[re.Pattern]
    tail_heading: list[re.Pattern]
    appeal: list[re.Pattern]
    appeal_max_chars: int = 120
    stray_max_chars: int = 3  # a line this short (e.g. "TT", "20") is a stray widget label
    prose_words: int = 25  # a paragraph this long ends a trailing block of links
    min_part_chars: int = 300  # body text needed before a repeated header splits off an article
    header_window: int = 14  # lines within which a repeated headline marks an article header

    @classmethod
    def load(cls, path: Optional[str] = None) -> "Rules":
        import yaml

        if path:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        else:
            text = resources.files("rasd.clean").joinpath("data/boilerplate.yaml").read_text(encoding="utf-8")
            data = yaml.safe_load(text)

        def full(pats: list[str]) -> list[re.Pattern]:
            return [re.compile(rf"(?:{p})", re.I) for p in pats or []]

        appeal = data.get("appeal") or {}
        return cls(drop_line=full(data.get("drop_line")), tail_heading=full(data.get("tail_heading")),
                   appeal=full(appeal.get("patterns")), appeal_max_chars=int(appeal.get("max_chars", 120)))

    # -- what a line is ---------------------------------------------------
    @staticmethod
    def match_form(line: str) -> str:
        """The line as phrase patterns see it: bullets off, white space collapsed."""
        if not line.isascii():
            line = unicodedata.normalize("NFKC", line).replace("\u200b", "")
        return " ".join(_BULLET.sub("", line).split())

    def is_stray(self, line: str) -> bool:
        if len(line) > 40:
            return False
        s = self.match_form(line)
        return len(s) <= self.stray_max_chars or bool(_STRAY.fullmatch(s))

    def is_drop(self, line: str) -> bool:
        if len(line) > _PHRASE_MAX:  # every phrase pattern is bounded well below this
            return False
        s = self.match_form(line)
        return any(p.fullmatch(s) for p in self.drop_line)

    def is_tail_heading(self, line: str) -> bool:
        if len(line) > 120:
            return False
        s = self.match_form(line)
        return len(s) <= 60 and any(p.fullmatch(s) for p in self.tail_heading)

    def is_appeal(self, line: str) -> bool:
        if len(line) > 2 * self.appeal_max_chars:
            return False
        s = self.match_form(line)
        return len(s) <= self.appeal_max_chars and any(p.search(s) for p in self.appeal)

    def is_prose(self, line: str) -> bool:
        """A paragraph of running text: long, or a full sentence of a dozen words or more."""
        if _LIST_ITEM.match(line):
            return False  # an item of a list of links, however long
        n = words(line)
        s = line.rstrip()
        return n >= self.prose_words or (n >= 12 and bool(_SENTENCE_END.search(s)) and not s.endswith(".."))

    @staticmethod
    def is_title_like(line: str) -> bool:
        s = line.strip()
        return 12 <= len(s) <= 250 and 3 <= words(s) <= 40

    @staticmethod
    def is_label(line: str) -> bool:
        """A one- or two-word line without closing punctuation (a section tag like 'world')."""
        s = line.strip()
        return 0 < words(s) <= 2 and not _TERMINAL.search(s) and len(s) <= 30


def has_month_word(line: str) -> bool:
    low = line.casefold()
    return any(m in low for m in _DATE_WORDS)
