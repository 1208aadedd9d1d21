"""The local engine: the stages in this process, or in worker processes (``parallel.run_parallel``)."""
from __future__ import annotations

import itertools
from typing import Any, Iterable, Iterator, Optional

from ..config import PipelineConfig
from ..pipeline import Pipeline, build_pipeline
from ..records import Document
from .base import Done, partitions, per_input, run_partition, writer_for


class LocalEngine:
    """``workers`` 1: the pipeline runs here, partition after partition; more: that many worker
    processes forked once this process has built the pipeline (``parallel.py``)."""

    name = "local"

    def __init__(self, config: PipelineConfig, *, workers: int = 1, partition: Optional[int] = None,
                 pipeline: Optional[Pipeline] = None, **services: Any):
        self.config = config
        self.workers = max(1, workers)
        self.partition = partition or config.batch_size
        self.services = services
        self._pipeline = pipeline

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = build_pipeline(self.config, **self.services)
        return self._pipeline

    def writer(self) -> Pipeline:
        """The pipeline the writer fuses with: this one's own when it was built here (it always
        is once ``run`` has forked workers with it), else one without stages."""
        if self.workers == 1 or self._pipeline is not None:
            return self.pipeline
        return writer_for(self.config, self.services)

    def run(self, docs: Iterable[Document]) -> Iterator[Done]:
        docs = iter(docs)
        head = list(itertools.islice(docs, self.partition + 1))
        docs = itertools.chain(head, docs)
        # one partition or less is run here, and the writer fuses with the same pipeline (a
        # worker, or a second load of the coder's data for the writer, would cost more than it)
        if self.workers == 1 or len(head) <= self.partition:
            for part in partitions(docs, self.partition):
                yield part, run_partition(self.pipeline, part)
            return
        from ..parallel import run_parallel

        # the pipeline is built here once and the workers are forked with it: one model load
        # for the run (and the writer fuses with it), not one per worker. When it cannot be
        # built, each worker tries and answers its documents with the reason.
        try:
            built: Optional[Pipeline] = self.pipeline
        except Exception:  # noqa: BLE001 - reported per document by the workers
            built = None
        for part, results in run_parallel(docs, self.workers, self.config, chunk=self.partition, pipeline=built,
                                          **self.services):
            yield part, per_input(part, results)

    def close(self) -> None:
        pass  # run_parallel stops its processes when its generator ends

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
