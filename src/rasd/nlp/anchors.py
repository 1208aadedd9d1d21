"""The anchor gap: what may stand between a place and the wider area it lies in ("X, Y",
"X village in the countryside of Y", "X (Y)", "X, 10 km north of Y"). One pattern
(``nlp/data/anchors.yaml``), for the coder's place chains and the geoparser's anchor step."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=None)
def anchor_gap(lang: str = DEFAULT_LANGUAGE) -> re.Pattern:
    """The anchor-gap pattern of a language (test a gap with ``fullmatch``); ValueError naming the
    file and key when the data file lacks it or it does not compile."""
    where = f"nlp/data/anchors.yaml: {lang}.anchor_gap"
    with resources.files("rasd.nlp").joinpath("data", "anchors.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    src = (data.get(lang) or {}).get("anchor_gap")
    if isinstance(src, list) and all(isinstance(p, str) for p in src):
        src = "".join(src)
    if not isinstance(src, str) or not src:
        raise ValueError(f"{where}: missing (a pattern, or a list of pieces)")
    try:
        return re.compile(src, re.I)
    except re.error as exc:
        raise ValueError(f"{where}: not a valid pattern ({exc})") from None
