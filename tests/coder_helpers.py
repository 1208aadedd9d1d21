"""Helpers for coder tests that hand the pipeline a stand-in geo stage (a table of places), and
the test session's one spaCy model and one copy of the coder's data (loaded on first use; the
session fixtures ``nlp`` and ``coder_data`` of tests/conftest.py are these)."""
from __future__ import annotations

from datetime import date
from functools import lru_cache


class PlaceTable:
    """Test-only stand-in for the geo stage: the exact names of a small table (``PLACES``, set by a
    subclass), each found wherever it occurs in a document."""

    PLACES: dict = {}

    def process(self, docs, countries=None):
        import re

        from rasd.records import Toponym

        out = []
        for d in docs:
            tops = [Toponym(d.doc_id, m.start(), m.end(), name, place, 1.0)
                    for name, place in self.PLACES.items() for m in re.finditer(rf"\b{name}\b", d.text)]
            out.append(sorted(tops, key=lambda t: t.start))
        return out


@lru_cache(maxsize=None)
def session_nlp():
    """The spaCy model, loaded once per test session (stages share it, as `rasd` shares one per
    process: nothing keeps state in it between documents)."""
    from rasd.nlp import load_nlp

    return load_nlp()


@lru_cache(maxsize=None)
def session_coder_data():
    """The coder's data files (ontology, lexicon, actors, rules), loaded once per test session."""
    from rasd.code import CoderData

    return CoderData.load()


def table_coder(geo, subtype_layer=False):
    """The stages after cleaning with the real coder (spaCy model and data files) and ``geo`` as
    the geoparser of the geo stage: a Pipeline (its coder stage: ``.stage("code")``);
    ``subtype_layer``: with the sub-type layer (code/neighbours.py)."""
    from rasd.config import PipelineConfig
    from rasd.pipeline import build_pipeline

    return build_pipeline(PipelineConfig(clean=False, subtype_layer=subtype_layer), nlp=session_nlp(), geoparser=geo,
                          coder_data=session_coder_data())


def coded_events(coder, text, published=date(2022, 3, 9), doc_id="t"):
    """The events the coder finds in ``text``, coded as one document published on ``published``."""
    from rasd.records import Document

    return coder.run_batch([Document(doc_id=doc_id, raw=text, published=published)])[0].events


def place_of(coder, text, doc_id="pc"):
    """The place of the first event the coder finds in ``text``."""
    evs = coded_events(coder, text, doc_id=doc_id)
    assert evs, text
    return evs[0].location
