"""Event coding: triggers -> ACLED event types; actors, dates, fatalities, stance, evidence.

Data files (ontology, trigger lexicon, actor knowledge base, event JSON Schema) live in
``code/data/``. The stage is ``Coder`` (built with the spaCy model passed in).
"""
from __future__ import annotations

__all__ = ["Coder", "CoderData"]


def __getattr__(name: str):
    if name in __all__:
        from . import coder

        return getattr(coder, name)
    raise AttributeError(name)
