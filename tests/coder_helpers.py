"""Helpers for coder tests that hand the coder a stand-in geo stage (a table of places)."""
from __future__ import annotations

from datetime import date


def table_coder(geo):
    """The real coder (spaCy model and data files) with ``geo`` as its geo stage."""
    from rasd.code import Coder
    from rasd.nlp import load_nlp

    return Coder(load_nlp(), geoparser=geo)


def coded_events(coder, text, published=date(2022, 3, 9), doc_id="t"):
    """The events the coder finds in ``text``, coded as one document published on ``published``."""
    from rasd.records import Document

    return coder.process([Document(doc_id=doc_id, raw=text, published=published)])[0].events


def place_of(coder, text, doc_id="pc"):
    """The place of the first event the coder finds in ``text``."""
    evs = coded_events(coder, text, doc_id=doc_id)
    assert evs, text
    return evs[0].location
