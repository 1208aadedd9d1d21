"""Helpers for coder tests that hand the pipeline a stand-in geo stage (a table of places)."""
from __future__ import annotations

from datetime import date


def table_coder(geo):
    """The stages after cleaning with the real coder (spaCy model and data files) and ``geo`` as
    the geoparser of the geo stage: a Pipeline (its coder stage: ``.stage("code")``)."""
    from rasd.config import PipelineConfig
    from rasd.nlp import load_nlp
    from rasd.pipeline import build_pipeline

    return build_pipeline(PipelineConfig(clean=False), nlp=load_nlp(), geoparser=geo)


def coded_events(coder, text, published=date(2022, 3, 9), doc_id="t"):
    """The events the coder finds in ``text``, coded as one document published on ``published``."""
    from rasd.records import Document

    return coder.run_batch([Document(doc_id=doc_id, raw=text, published=published)])[0].events


def place_of(coder, text, doc_id="pc"):
    """The place of the first event the coder finds in ``text``."""
    evs = coded_events(coder, text, doc_id=doc_id)
    assert evs, text
    return evs[0].location
