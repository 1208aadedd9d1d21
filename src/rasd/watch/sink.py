"""Where fetched articles go: the ingest pipeline (clean, code; fusion with the writer) and the
store, exactly as `rasd ingest` stores a file. The one seam between the watcher and the pipeline."""
from __future__ import annotations

from typing import Any, Callable, Optional

from ..errors import InputError
from ..records import Document


class PipelineSink:
    """``store_doc(doc, then)``: run the pipeline on one document (``Pipeline.run_safe``) and
    write its results (``store_results``); ``then(outcomes)`` runs inside the same transaction
    (the watcher records the item there), so a crash keeps both or neither. Raises InputError
    when the stages failed on the document or no text is left."""

    def __init__(self, store: Any, pipeline: Any):
        from ..pipeline import store_results

        self.store = store
        self.pipeline = pipeline
        self.fuser = pipeline.fuser_for(store)
        self._store_results = store_results

    def store_doc(self, doc: Document, then: Optional[Callable[[list], None]] = None) -> list:
        label = doc.source or doc.doc_id
        results = self.pipeline.run_safe([doc])
        failed = next((r for r in results if r.error is not None), None)
        if failed is not None:
            raise InputError(label, failed.error.split(": ", 1)[-1] if failed.error else "could not be processed")
        kept = [r for r in results if r.document.text.strip()]
        if not kept:
            raise InputError(label, "no article text left after removing boilerplate")
        with self.store.transaction():
            outcomes = self._store_results(self.store, self.pipeline, self.fuser, kept)
            if then is not None:
                then(outcomes)
        return outcomes


def build_sink(store: Any, config: Any) -> PipelineSink:
    """The sink over ``store`` with the pipeline ``config`` (a ``PipelineConfig``) asks for."""
    from ..pipeline import build_pipeline

    return PipelineSink(store, build_pipeline(config))
