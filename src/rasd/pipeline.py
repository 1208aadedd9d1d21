"""Builds the stages from settings and runs them over batches of documents.

Every stage is a small class built once with the services it needs (model,
gazetteer, store) and called with ``stage.process(batch)`` on a list of records,
returning a list of records. No stage reaches for a global: this module wires them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Protocol, TypeVar

from .records import Document, Event

In = TypeVar("In", contravariant=True)
Out = TypeVar("Out", covariant=True)


class Stage(Protocol[In, Out]):
    def process(self, batch: list[In]) -> list[Out]: ...


@dataclass
class Result:
    document: Document
    events: list[Event] = field(default_factory=list)


class Pipeline:
    """clean -> (code -> geo -> fuse, as later stages land)."""

    def __init__(self, cleaner: Stage[Document, Document], coder: "Stage[Document, Result] | None" = None):
        self.cleaner = cleaner
        self.coder = coder

    @classmethod
    def for_ingest(cls, *, with_events: "bool | None" = None, **services) -> "Pipeline":
        """The ingest pipeline. ``with_events`` adds the event coder (default: on, unless
        the environment says ``RASD_EVENTS=0``); services may be given (``nlp``,
        ``geoparser``, ``gazetteer`` path) or are built here once."""
        import os

        from .clean import Cleaner

        if with_events is None:
            with_events = os.environ.get("RASD_EVENTS", "1") not in ("", "0", "false", "no")
        coder = cls.build_coder(**services) if with_events else None
        return cls(cleaner=Cleaner(), coder=coder)

    @staticmethod
    def build_coder(nlp=None, geoparser=None, gazetteer: "str | None" = None, geo_ner: "bool | None" = None,
                    **_ignored):
        """The event coder with its services: the spaCy model and, when the geo stage is
        installed, a geoparser over the gazetteer (events then carry places)."""
        import logging
        import os

        from .code import Coder
        from .nlp import load_nlp

        nlp = nlp if nlp is not None else load_nlp()
        if geoparser is None:
            try:
                from .geo import Geoparser, open_gazetteer  # type: ignore[attr-defined]
            except ImportError:
                logging.getLogger(__name__).info("no geo stage: events will have no coordinates")
            else:
                # gazetteer-only recognition unless asked (RASD_GEO_NER=1): spaCy's NER over
                # whole documents would cost more than the whole coder
                if geo_ner is None:
                    geo_ner = os.environ.get("RASD_GEO_NER", "0") not in ("", "0", "false", "no")
                geoparser = Geoparser(gazetteer=open_gazetteer(path=gazetteer), nlp=nlp if geo_ner else None)
        return Coder(nlp, geoparser=geoparser)

    def run(self, docs: Iterable[Document], batch_size: int = 16) -> Iterator[Result]:
        batch: list[Document] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self.run_batch(batch)
                batch = []
        if batch:
            yield from self.run_batch(batch)

    def run_batch(self, batch: list[Document]) -> list[Result]:
        """Clean and code one batch of documents."""
        cleaned = self.cleaner.process(batch)
        if self.coder is None:
            return [Result(d) for d in cleaned]
        return self.coder.process(cleaned)

    # -- storing and fusing -------------------------------------------------------
    def fuser_for(self, store):
        """The fusion step over ``store`` (None when this pipeline codes no events)."""
        if self.coder is None:
            return None
        from .fuse import Fuser
        from .fuse.agreements import geo_lookup

        geo = getattr(self.coder, "geoparser", None)
        actors = getattr(getattr(self.coder, "data", None), "actors", None)
        return Fuser(store, places=geo_lookup(geo) if geo is not None else None, actors=actors)


def store_results(store, pipeline: "Pipeline", fuser, results: list[Result]) -> list:
    """Write documents with their events (fused as they land) in one transaction; returns the
    store's outcome of each document. Shared by `rasd ingest` and the HTTP ingest."""
    outcomes = []
    with store.transaction():
        for res in results:
            out = store.add_document(res.document)
            if out.status in ("new", "updated"):
                if pipeline.coder is not None or out.status == "updated":
                    if fuser is not None and out.status == "updated":
                        fuser.forget_document(res.document.doc_id)
                    store.replace_events(res.document.doc_id, res.events)
                    if fuser is not None:  # fused in the same transaction
                        fuser.process(res.events)
            outcomes.append(out)
    return outcomes
