"""HTML pages -> Document: main text and metadata extracted with trafilatura.

``Document.raw`` of an HTML page is the text trafilatura extracted (paragraphs
separated by blank lines), not the markup: offsets and evidence spans point into
that text. The page's title, date, URL and site name become the document's
metadata (``--meta`` still wins).
"""
from __future__ import annotations

import logging
import re
from typing import Any, Optional

from ..errors import InputError
from .meta import parse_date

log = logging.getLogger(__name__)

_LOOKS_HTML = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_HTML.match(text[:2048]))


class HtmlExtractor:
    """Built once per run (trafilatura's settings are made here, not per page)."""

    def __init__(self) -> None:
        import trafilatura  # heavy: imported only when an HTML page is read
        from trafilatura.settings import use_config

        self._traf = trafilatura
        self._config = use_config()
        # short news items are still news: do not drop pages below trafilatura's default sizes
        self._config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "60")
        self._config.set("DEFAULT", "MIN_OUTPUT_SIZE", "20")
        self._config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")

    def extract(self, html: str, source: str) -> dict[str, Any]:
        """Returns text, title, published, url, sitename; raises InputError."""
        result = None
        for recall in (False, True):
            try:
                result = self._traf.bare_extraction(
                    html, with_metadata=True, include_comments=False, include_tables=False,
                    favor_recall=recall, deduplicate=False, config=self._config,
                    date_extraction_params={"original_date": True, "extensive_search": True,
                                            "outputformat": "%Y-%m-%d"})
            except Exception as exc:  # trafilatura/lxml raise many kinds on broken markup
                log.debug("%s: trafilatura failed: %s", source, exc)
                result = None
            text = _get(result, "text")
            if text and text.strip():
                break
        text = _get(result, "text")
        if not text or not _readable(text):
            raise InputError(source, "malformed or empty HTML: no readable main text found")
        return {
            "text": _normalise(text),
            "title": _get(result, "title"),
            "published": parse_date(_get(result, "date")),
            "url": _get(result, "url"),
            "sitename": _get(result, "sitename"),
        }


def _readable(text: str) -> bool:
    """Words, not markup debris: enough letters, and letters make a fair share of it."""
    letters = sum(1 for c in text if c.isalpha())
    return letters >= 20 and letters / max(1, len(text.strip())) >= 0.3


def _get(result: Any, key: str) -> Optional[str]:
    if result is None:
        return None
    if isinstance(result, dict):
        value = result.get(key)
    else:
        value = getattr(result, key, None)
    return str(value) if value not in (None, "") else None


def _normalise(text: str) -> str:
    """One paragraph a line as trafilatura gives it; blank lines between paragraphs."""
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").split("\n")]
    return "\n\n".join(ln for ln in lines if ln.strip())
