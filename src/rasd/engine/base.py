"""What every engine shares: the interface, partitions of the input, and each input's results.

An engine takes the documents as the reader yields them, cut into partitions of a few
documents, runs the pipeline's stages over each partition somewhere (this process, worker
processes, a Dask cluster) and hands back, in input order, each partition with the Results of
each of its documents. Writing stays with the caller: one writer, in input order, so fusion is
incremental and deterministic whatever ran the stages.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Protocol

from ..config import PipelineConfig
from ..pipeline import Pipeline, build_writer, failed_result
from ..records import Document, Result

# One partition's output: the documents sent, and for each of them the Results it became
# (a glued input is split into several; a failed one is a single Result with its error).
Done = tuple[list[Document], list[list[Result]]]


class Engine(Protocol):
    """``with open_engine(...) as engine: for docs, results in engine.run(documents): ...``"""

    name: str

    def run(self, docs: Iterable[Document]) -> Iterator[Done]:
        """Each partition of ``docs`` with its documents' Results, in input order."""

    def close(self) -> None:
        """Stop what the engine started (worker processes, a local cluster)."""

    def __enter__(self) -> "Engine": ...

    def __exit__(self, *exc) -> None: ...


def partitions(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """``docs`` in lists of ``size`` (the last may be shorter): the unit sent to a worker. A
    file is one document and the rows of a CSV/JSONL file are one each, so a big row file is
    cut into many partitions as it is read, never held whole."""
    part: list[Document] = []
    for doc in docs:
        part.append(doc)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


def per_input(docs: list[Document], results: list[Result]) -> list[list[Result]]:
    """The Results of ``run_safe(docs)`` grouped by the document they came from: the cleaner
    splits a glued input into ``id``, ``id#2``, ... (``meta["split_from"]``), in order."""
    index = {d.doc_id: i for i, d in enumerate(docs)}
    groups: list[list[Result]] = [[] for _ in docs]
    at = 0
    for r in results:
        origin = r.document.meta.get("split_from") or r.document.doc_id
        at = index.get(origin, at)
        groups[at].append(r)
    return groups


def run_partition(pipeline: Pipeline, docs: list[Document]) -> list[list[Result]]:
    """One partition through ``pipeline`` with the one failure policy (``run_safe``)."""
    return per_input(docs, pipeline.run_safe(docs))


def failed_partition(docs: list[Document], exc: BaseException) -> list[list[Result]]:
    """Every document of a partition that could not be run at all, each named with the reason."""
    return [[failed_result(d, exc)] for d in docs]


def writer_for(config: PipelineConfig, services: dict) -> Pipeline:
    """The pipeline the writer fuses with when the stages run in other processes: no stages,
    no model here; the services handed to the engine that fusion uses are handed on."""
    return build_writer(config, **{k: services[k] for k in ("geoparser", "coder_data") if k in services})
