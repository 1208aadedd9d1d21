"""The sub-type layer (issue 10 §7): a coded event's sentence weighed against example sentences of
every sub-type (code/data/subtype_examples.yaml, written for this project) by sentence embeddings
(``nlp.embed``), beside the rules' decision.

Two uses, each bounded so that the rules keep the last word where they are sure:
- ``refine``: among the sub-types of the event type the rules coded, the one whose examples are
  nearest replaces the rules' sub-type when it is nearer by a margin (``layer.margin``);
- ``recover``: in a short report where the rules found no event, the sentence nearest to a
  sub-type's examples (closer than ``layer.recover``, and closer than to the no-event examples)
  is coded with that sub-type.

The examples' vectors are kept beside the examples (subtype_examples.npz, with the digest of the
file they were computed from): when the file changed, they are recomputed in memory (a few seconds)
and ``python -m rasd.code.neighbours`` writes them again.
"""
from __future__ import annotations

import hashlib
import logging
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Optional, Sequence

from . import dataload as dl
from .lexicon import Ontology

log = logging.getLogger(__name__)

EXAMPLES = "subtype_examples.yaml"
VECTORS = "subtype_examples.npz"
NONE = "none"  # the label of the sentences that report no event


def _fraction(v: Any, w: dl.Where) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not -1.0 <= v <= 1.0:
        raise w.fail(f"expected a number between -1 and 1, got {v!r}")
    return float(v)


def _positive(v: Any, w: dl.Where) -> int:
    n = dl.integer(v, w)
    if n < 1:
        raise w.fail(f"expected a positive whole number, got {n}")
    return n


_FILE = dl.record({
    "layer": dl.Key(dl.record({
        "neighbours": dl.Key(_positive, required=True),
        "margin": dl.Key(_fraction, required=True),
        "recover": dl.Key(_fraction, required=True),
        "recover_sentences": dl.Key(_positive, required=True),
    }), required=True),
    "en": dl.Key(dl.mapping(dl.text, dl.list_of(dl.text)), required=True),
})


@dataclass(frozen=True)
class LayerSettings:
    neighbours: int  # a label's score: the mean similarity of its this many nearest examples
    margin: float  # how much nearer the layer's sub-type must be than the rules' one to replace it
    recover: float  # the score a sentence needs for an event the rules missed
    recover_sentences: int  # recovery looks at reports of at most this many sentences


@dataclass(frozen=True)
class SubtypeExamples:
    settings: LayerSettings
    labels: tuple[str, ...]  # one per example sentence
    texts: tuple[str, ...]
    digest: str  # of the file's text: the vectors kept beside it were computed from this

    @classmethod
    def load(cls, language: str = "en", raw: Optional[dict] = None, text: Optional[str] = None) -> "SubtypeExamples":
        if raw is None:
            text = resources.files("rasd.code").joinpath("data", EXAMPLES).read_text(encoding="utf-8")
            d = dl.read(EXAMPLES, _FILE)
        else:
            d = _FILE(raw, dl.Where(EXAMPLES))
        if language not in d:
            raise dl.DataError(f"{EXAMPLES}: no section for language {language!r}")
        known = {s for subs in Ontology.load().types.values() for s in subs}
        labels, texts = [], []
        for label, sentences in d[language].items():
            if label != NONE and label not in known:
                raise dl.DataError(f"{EXAMPLES}: {language}: {label!r} is not a sub-event type of ontology.yaml (nor {NONE!r})")
            labels += [label] * len(sentences)
            texts += sentences
        digest = hashlib.sha256((text or repr(raw)).encode("utf-8")).hexdigest()
        return cls(LayerSettings(**d["layer"]), tuple(labels), tuple(texts), digest)


class SubtypeLayer:
    """Built cheaply; the model and the examples' vectors are loaded on first use."""

    def __init__(self, examples: Optional[SubtypeExamples] = None, encoder: Any = None,
                 vectors_path: Optional[Path] = None):
        self.examples = examples or SubtypeExamples.load()
        self.settings = self.examples.settings
        self._encoder = encoder
        self._vectors_path = vectors_path
        self._ready = False
        ont = Ontology.load()
        self.event_type = {s: t for t, subs in ont.types.items() for s in subs}

    @property
    def encoder(self):
        if self._encoder is None:
            from ..nlp.embed import SentenceEncoder

            self._encoder = SentenceEncoder()
        return self._encoder

    def _load(self) -> None:
        if self._ready:
            return
        import numpy as np

        vecs = self._stored_vectors(np)
        if vecs is None:
            log.warning("%s: the kept vectors are not those of %s; computing them (python -m rasd.code.neighbours "
                        "writes them)", VECTORS, EXAMPLES)
            vecs = self.encoder.encode(list(self.examples.texts))
        self._np = np
        self._vectors = vecs.astype(np.float16).astype(np.float32)  # as kept: the same scores either way
        labels = np.asarray(self.examples.labels)
        self._labels = sorted(set(self.examples.labels))
        self._rows = {lab: np.flatnonzero(labels == lab) for lab in self._labels}
        self._ready = True

    def _stored_vectors(self, np):
        path = self._vectors_path or Path(str(resources.files("rasd.code").joinpath("data", VECTORS)))
        try:
            with np.load(path) as kept:
                if str(kept["digest"]) != self.examples.digest or len(kept["vectors"]) != len(self.examples.texts):
                    return None
                return kept["vectors"]
        except (OSError, KeyError, ValueError):
            return None

    def vectors(self):
        """The examples' vectors (computed when the kept ones do not match the examples)."""
        self._load()
        return self._vectors

    def scores(self, text: str) -> dict[str, float]:
        """Each label's score for ``text``: the mean cosine similarity of its nearest examples."""
        self._load()
        np = self._np
        sims = self._vectors @ self.encoder.encode_one(text)
        k = self.settings.neighbours
        out = {}
        for lab, rows in self._rows.items():
            s = sims[rows]
            top = np.partition(s, len(s) - k)[len(s) - k:] if len(s) > k else s
            out[lab] = float(top.mean())
        return out

    def refine(self, text: str, event_type: str, sub_event_type: Optional[str]) -> Optional[str]:
        """The sub-type of an event the rules coded ``event_type``/``sub_event_type`` in ``text``:
        the nearest sub-type of the same event type when it is nearer by the margin, else the rules' own."""
        subs = [s for s, t in self.event_type.items() if t == event_type]
        if len(subs) < 2:
            return sub_event_type
        sc = self.scores(text)
        best = max(subs, key=lambda s: sc.get(s, -1.0))
        if best != sub_event_type and sc.get(best, -1.0) - sc.get(sub_event_type, -1.0) > self.settings.margin:
            return best
        return sub_event_type

    def recover(self, texts: Sequence[str]) -> Optional[tuple[int, str]]:
        """(index, sub-type) of the sentence of ``texts`` that most clearly reports an event of one
        sub-type, or None when none is near enough (or nearer the no-event examples)."""
        best = None
        for i, t in enumerate(texts):
            sc = self.scores(t)
            lab = max((s for s in sc if s != NONE), key=sc.get)
            if sc[lab] >= self.settings.recover and sc[lab] > sc.get(NONE, -1.0) and (best is None or sc[lab] > best[2]):
                best = (i, lab, sc[lab])
        return None if best is None else (best[0], best[1])


def write_vectors(path: Optional[Path] = None) -> Path:
    """Compute the examples' vectors and keep them beside the examples (float16, with the digest)."""
    import numpy as np

    layer = SubtypeLayer()
    vecs = layer.encoder.encode(list(layer.examples.texts))
    path = path or Path(str(resources.files("rasd.code").joinpath("data", VECTORS)))
    with open(path, "wb") as fh:
        np.savez(fh, vectors=vecs.astype(np.float16), digest=np.asarray(layer.examples.digest))
    return path


if __name__ == "__main__":  # python -m rasd.code.neighbours [PATH]
    print(write_vectors(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
