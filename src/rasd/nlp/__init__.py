"""NLP services: the spaCy model (loaded once, passed around), a cheap sentence
splitter and a trigger prefilter that decides which sentences are worth parsing."""
from __future__ import annotations

from .model import MODEL_NAME, load_nlp
from .prefilter import Prefilter
from .sentences import SentenceSplitter, split_sentences

__all__ = ["MODEL_NAME", "load_nlp", "Prefilter", "SentenceSplitter", "split_sentences"]
