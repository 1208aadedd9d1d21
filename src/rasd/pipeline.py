"""The pipeline: a list of stages built once from a ``PipelineConfig``, run over batches.

Every stage is a small class built with the services it needs and called as
``stage.process(batch: list[Result]) -> list[Result]``; each fills its part of the record
(``records.Result``). The order and why: docs/architecture.md.

    clean -> bound -> language (code) -> hint (code) -> geo -> refine (code) -> reread (geo) -> code
          -> [fuse + store]

``build_pipeline(config, nlp=..., geoparser=...)`` wires them; services not handed in are
built here, once. ``Pipeline.run_safe(batch)`` is the one failure policy; ``store_results``
the one writer (it fuses as it writes).
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Iterator, Optional, Protocol

from .config import PipelineConfig
from .records import Document, Result

log = logging.getLogger(__name__)

__all__ = ["DocumentBound", "Pipeline", "PipelineConfig", "Result", "Stage", "build_pipeline", "build_writer", "store_results"]


class Stage(Protocol):
    name: str

    def process(self, batch: list[Result]) -> list[Result]: ...


class Pipeline:
    """The stages in order, with the services fusion needs afterwards (geoparser, actors)."""

    def __init__(self, stages: list[Stage], config: PipelineConfig, *, geoparser: Any = None, actors: Any = None):
        self.stages = list(stages)
        self.config = config
        self.geoparser = geoparser
        self.actors = actors

    def stage(self, name: str) -> Stage:
        """The stage called ``name`` ("clean", "hint", "geo", "refine", "reread", "code")."""
        for st in self.stages:
            if st.name == name:
                return st
        raise KeyError(f"no stage {name!r} in this pipeline ({', '.join(s.name for s in self.stages)})")

    @property
    def codes_events(self) -> bool:
        return self.config.with_events

    def run_batch(self, docs: list[Document]) -> list[Result]:
        """Every stage over one batch; a stage that raises stops the batch (see ``run_safe``)."""
        batch = [Result(d) for d in docs]
        for stage in self.stages:
            batch = stage.process(batch)
        for stage in self.stages:
            if isinstance(stage, DocumentBound):
                batch = stage.widen(batch)
        return batch

    def run(self, docs: Iterable[Document], batch_size: Optional[int] = None) -> Iterator[Result]:
        """``run_batch`` over batches of ``batch_size`` (default: the config's)."""
        size = batch_size or self.config.batch_size
        batch: list[Document] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= size:
                yield from self.run_batch(batch)
                batch = []
        if batch:
            yield from self.run_batch(batch)

    def run_safe(self, docs: list[Document]) -> list[Result]:
        """The one failure policy: the batch through every stage; when a stage raises, each
        document again alone, so that one bad document costs only its own result. A document
        that fails alone comes back as ``Result(doc, error=...)``: one line naming it and the
        reason (the traceback is logged at debug level, ``-vv``). Never raises ``Exception``."""
        try:
            return self.run_batch(docs)
        except Exception as exc:  # noqa: BLE001 - a bug in a stage must not stop the run
            error = exc
        if len(docs) > 1:  # retried outside the handler: each document's traceback stands alone
            return [r for doc in docs for r in self.run_safe([doc])]
        doc = docs[0]
        log.debug("the pipeline failed on %s", doc.source or doc.doc_id, exc_info=error)
        return [failed_result(doc, error)]

    def after_fork(self) -> None:
        """In a process forked from the one that built this pipeline: open its own handles (the
        gazetteer's SQLite connection must not be shared across a fork). The model, the coder's
        data and the gazetteer's name index stay as inherited (copy-on-write)."""
        gazetteer = getattr(self.geoparser, "gazetteer", None)
        if gazetteer is not None and hasattr(gazetteer, "reopen"):
            gazetteer.reopen()

    def fuser_for(self, store):
        """The fusion step over ``store`` (None when this pipeline codes no events)."""
        if not self.codes_events:
            return None
        from .fuse import Fuser
        from .fuse.agreements import geo_lookup

        places = geo_lookup(self.geoparser) if self.geoparser is not None else None
        return Fuser(store, places=places, actors=self.actors, text_bound=self.config.max_code_chars)


def failed_result(doc: Document, exc: BaseException) -> Result:
    """The Result of a document the stages failed on: its error is one line naming it."""
    reason = " ".join(f"{type(exc).__name__}: {exc}".split())
    return Result(doc, error=f"{doc.source or doc.doc_id}: could not be processed ({reason})")


def build_pipeline(config: PipelineConfig, *, nlp: Any = None, geoparser: Any = None, coder_data: Any = None,
                   cleaner: Any = None, language_check: Any = None) -> Pipeline:
    """The stages ``config`` asks for, built once. Services may be handed in (a loaded spaCy
    ``nlp``, a ``geoparser`` with ``process(docs, countries=...)``, the coder's ``coder_data``,
    a ``cleaner``); the ones not given are built here from the config."""
    stages: list[Stage] = []
    if config.clean:
        from .clean import Cleaner, CleanStage

        stages.append(CleanStage(cleaner if cleaner is not None else Cleaner()))
    if not config.with_events:
        return Pipeline(stages, config)

    from .code import Coder, CoderData
    from .code.country import CountryHint, CountryRefiner
    from .geo.stage import PlaceStage, RereadStage

    if nlp is None:
        from .nlp import load_nlp

        nlp = load_nlp()
    data = coder_data if coder_data is not None else CoderData.load()
    if geoparser is None and config.gazetteer is not None:
        from .geo import Geoparser, open_gazetteer

        # gazetteer-only recognition unless asked (geo_ner): spaCy's NER over whole documents
        # would cost more than the whole coder
        geoparser = Geoparser(gazetteer=open_gazetteer(path=config.gazetteer), nlp=nlp if config.geo_ner else None)
    from .code.language import LanguageCheck

    stages.append(DocumentBound(config.max_code_chars, config.max_events_per_doc))
    stages.append(language_check if language_check is not None else LanguageCheck.load())
    stages.append(CountryHint(data.actors))
    if geoparser is not None:
        stages += [PlaceStage(geoparser), CountryRefiner(data.places), RereadStage(geoparser)]
    else:
        log.info("no gazetteer: events will have no places")
    layer = None
    if config.subtype_layer:
        from .code.neighbours import SubtypeLayer

        layer = SubtypeLayer()  # the model loads on the first event it weighs
    stages.append(Coder(nlp, data, batch_size=config.parse_batch, seats=getattr(geoparser, "seat", None), layer=layer))
    return Pipeline(stages, config, geoparser=geoparser, actors=data.actors)


def build_writer(config: PipelineConfig, *, geoparser: Any = None, coder_data: Any = None) -> Pipeline:
    """The writer's share of a pipeline, for a process whose stages run elsewhere (worker
    processes, a Dask cluster): no stages and no spaCy model, only what ``store_results`` and
    ``fuser_for`` need (the geoparser's place lookup over the gazetteer, the actors)."""
    if not config.with_events:
        return Pipeline([], config)
    from .code import CoderData

    data = coder_data if coder_data is not None else CoderData.load()
    if geoparser is None and config.gazetteer is not None:
        from .geo import Geoparser, open_gazetteer

        geoparser = Geoparser(gazetteer=open_gazetteer(path=config.gazetteer), nlp=None)
    return Pipeline([], config, geoparser=geoparser, actors=data.actors)


class DocumentBound:
    """The bound on the work one document may cost. The stages after this one read at most
    ``max_chars`` characters of a document's clean text (cut at a sentence end: the same offsets,
    so evidence spans stay valid in the whole text), and a document keeps at most ``max_events``
    events (fusion compares the events of one document pairwise). ``Pipeline.run_batch`` hands
    the whole document back at the end (``widen``): it is stored whole, with a warning in
    ``meta["warnings"]`` saying what was not coded."""

    name = "bound"

    def __init__(self, max_chars: int, max_events: int):
        self.max_chars = max_chars
        self.max_events = max_events

    def process(self, batch: list[Result]) -> list[Result]:
        import dataclasses

        for r in batch:
            text = r.document.text
            if len(text) <= self.max_chars:
                continue
            cut = max(text.rfind(". ", 0, self.max_chars) + 1, text.rfind("\n", 0, self.max_chars))
            cut = cut if cut > self.max_chars // 2 else self.max_chars
            warn(r.document, f"text of {len(text):,} characters: coded the first {cut:,} "
                             "(RASD_MAX_CODE_CHARS); the rest is stored, not coded")
            r.whole, r.document = r.document, dataclasses.replace(r.document, text=text[:cut])
        return batch

    def widen(self, batch: list[Result]) -> list[Result]:
        for r in batch:
            if r.whole is not None:
                r.document, r.whole = r.whole, None
            if len(r.events) > self.max_events:
                warn(r.document, f"{len(r.events)} events coded; kept the first {self.max_events} "
                                 "(RASD_MAX_EVENTS_PER_DOC)")
                r.events = r.events[:self.max_events]
        return batch


def warn(doc: Document, message: str) -> None:
    """A note stored with the document (``meta["warnings"]``), shown by `rasd ingest` and the API."""
    doc.meta.setdefault("warnings", []).append(message)


def store_results(store, pipeline: Pipeline, fuser, results: list[Result]) -> list:
    """Write documents with their events (fused as they land) in one transaction; returns the
    store's outcome of each document. The one writer of `rasd ingest` and the HTTP ingest.
    A Result with an error is refused (ValueError) before anything is written: callers report it."""
    bad = next((r for r in results if r.error is not None), None)
    if bad is not None:
        raise ValueError(f"not stored: {bad.error}")
    outcomes = []
    with store.transaction():
        for res in results:
            out = store.add_document(res.document)
            if out.status in ("new", "updated"):
                if pipeline.codes_events or out.status == "updated":
                    if fuser is not None and out.status == "updated":
                        fuser.forget_document(res.document.doc_id)
                    store.replace_events(res.document.doc_id, res.events)
                    if fuser is not None:  # fused in the same transaction
                        fuser.process(res.events)
                        if pipeline.codes_events:
                            fuser.recall(res.document, res.toponyms, res.events)
            outcomes.append(out)
    return outcomes
