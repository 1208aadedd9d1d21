"""Where fetched articles go: the ingest pipeline (clean, code, fuse) and the store, exactly as
`rasd ingest` stores a file. The one seam between the watcher and the pipeline."""
from __future__ import annotations

import logging
from typing import Any, Callable, Optional

from ..errors import InputError
from ..records import Document

log = logging.getLogger(__name__)


class PipelineSink:
    """``store(doc, then)``: run the pipeline on one document and write its results; ``then(outcomes)``
    runs inside the same transaction (the watcher records the item there), so a crash keeps both
    or neither. Raises InputError when the document cannot be processed or has no text left."""

    def __init__(self, store: Any, pipeline: Any):
        from ..pipeline import store_results

        self.store = store
        self.pipeline = pipeline
        self.fuser = pipeline.fuser_for(store)
        self._store_results = store_results

    def store_doc(self, doc: Document, then: Optional[Callable[[list], None]] = None) -> list:
        label = doc.source or doc.doc_id
        try:
            results = list(self.pipeline.run([doc], batch_size=1))
        except Exception as exc:  # a bug in a stage must not stop the watcher
            log.debug("pipeline failed on %s", label, exc_info=True)
            raise InputError(label, f"could not be processed ({type(exc).__name__}: {exc})") from None
        kept = [r for r in results if r.document.text.strip()]
        if not kept:
            raise InputError(label, "no article text left after removing boilerplate")
        with self.store.transaction():
            outcomes = self._store_results(self.store, self.pipeline, self.fuser, kept)
            if then is not None:
                then(outcomes)
        return outcomes


def build_sink(store: Any, *, with_events: Optional[bool] = None) -> PipelineSink:
    """The sink over ``store`` with the ingest pipeline (the coder unless RASD_EVENTS=0)."""
    from ..pipeline import Pipeline

    return PipelineSink(store, Pipeline.for_ingest(with_events=with_events))
