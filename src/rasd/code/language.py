"""The language of a document (issue 14): rasd codes the languages its rule files have words for
(English); a document in another one gets a clear warning instead of a silent "0 events".

The script comes from the letters themselves (Arabic is told by its script); a Latin-script
text is English when enough of its words are English function words. Data and thresholds:
``code/data/languages.yaml``. ``LanguageCheck`` is also a pipeline stage (``language``), run
after the cleaner: it writes ``meta["language"]`` and, when rasd does not code the language,
a warning in ``meta["warnings"]``.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

from . import dataload as dl
from .dataload import Key

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class Language:
    """What a text is written in: ``code`` (ISO 639-1, None when unknown), its script's name,
    its direction (ltr or rtl), and whether rasd codes it."""
    code: Optional[str]
    script: str
    direction: str
    coded: bool
    name: str = ""  # the language's name, when known ("Arabic", "French")

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "script": self.script, "direction": self.direction, "coded": self.coded}

    def warning(self) -> Optional[str]:
        if self.coded:
            return None
        what = self.name
        if self.script == "Latin":
            said = f"written in {what}, not English" if what else "not written in English"
        else:
            said = f"written in {what} ({self.script} script)" if what else f"written in {self.script} script"
        return f"{said}: rasd codes English only, so no events were coded from it (the text is stored)"


class LanguageCheck:
    name = "language"

    def __init__(self, coded: tuple[str, ...], scripts: dict[str, dict[str, Any]], function_words: dict[str, frozenset],
                 min_share: float, min_words: int, names: Optional[dict[str, str]] = None):
        self.coded = coded
        self.names = names or {}
        self.scripts = scripts
        self.function_words = function_words
        self.min_share = min_share
        self.min_words = min_words

    @classmethod
    def load(cls) -> "LanguageCheck":
        script = dl.record({"name": Key(dl.text, True), "direction": Key(dl.one_of("ltr", "rtl"), True),
                            "language": Key(dl.text)})
        d = dl.read("languages.yaml", dl.record({
            "coded": Key(dl.list_of(dl.text), True), "scripts": Key(dl.mapping(dl.text, script), True),
            "min_function_share": Key(_share, True), "min_words": Key(dl.integer, True),
            "names": Key(dl.mapping(dl.text, dl.text), True),
            "function_words": Key(dl.mapping(dl.text, dl.list_of(dl.text)), True)}))
        return cls(tuple(d["coded"]), d["scripts"], {k: frozenset(w.lower() for w in v)
                                                     for k, v in d["function_words"].items()},
                   d["min_function_share"], d["min_words"], d["names"])

    def detect(self, text: str) -> Language:
        """The script of most of the text's letters; for Latin script, English or not."""
        # each distinct letter's script looked up once (in order of first use: ties go to the script met first)
        counts: Counter[str] = Counter()
        for ch, n in Counter(text[:20_000]).items():
            if ch.isalpha():
                counts[_script(ch)] += n
        if not counts:
            return Language(None, "none", "ltr", True)  # nothing to judge: no warning
        top = counts.most_common(1)[0][0]
        info = self.scripts.get(top, {"name": top.title(), "direction": "ltr"})
        if top != "LATIN":
            code = info.get("language")
            return Language(code, info["name"], info["direction"], code in self.coded, self.names.get(code or "", ""))
        words = [w.lower() for w in _WORD.findall(text[:20_000])]
        if len(words) < self.min_words:
            return Language(None, "Latin", "ltr", True)  # too short to tell: no warning
        # the language whose function words are the largest share of the text's words
        share, lang = max((sum(w in fw for w in words) / len(words), k) for k, fw in self.function_words.items())
        if share < self.min_share:
            # no language's words stand out (names, figures, content words): read as English
            return Language(None, "Latin", "ltr", True)
        return Language(lang, "Latin", "ltr", lang in self.coded, self.names.get(lang, ""))

    def process(self, batch: list) -> list:
        for r in batch:
            lang = self.detect(r.document.text)
            r.document.meta["language"] = lang.to_dict()
            msg = lang.warning()
            if msg:
                r.document.meta.setdefault("warnings", []).append(msg)
        return batch


@lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    """The script a letter is written in: the first word of its Unicode name ("LATIN", "ARABIC")."""
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]


def _share(v: Any, w: dl.Where) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= float(v) <= 1:
        raise w.fail(f"expected a share from 0 to 1, got {v!r}")
    return float(v)
