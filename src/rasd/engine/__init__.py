"""Engines: where the pipeline's stages run, for `rasd ingest` and `rasd extract` (``--engine``).

- ``local``: this process, or ``workers`` forked processes (``parallel.run_parallel``);
- ``dask``: the workers of a ``dask.distributed`` cluster, a local one or ``--scheduler
  tcp://HOST:8786`` (docs/scale.md).

Every engine takes the reader's documents, runs the stages over partitions of them with the one
failure policy (``Pipeline.run_safe``) and yields each partition with its documents' Results in
input order (``engine.base.Engine``). The caller writes: ``store_results`` over one document at
a time, with ``engine.writer()``'s pipeline, in input order.
"""
from __future__ import annotations

from typing import Any, Optional

from ..config import PipelineConfig
from ..errors import EngineError
from .base import Done, Engine, partitions, per_input

ENGINES = ("local", "dask")


def open_engine(name: str, config: PipelineConfig, *, workers: int = 1, scheduler: Optional[str] = None,
                partition: Optional[int] = None, **options: Any) -> Engine:
    """The engine called ``name``; ``options`` go to its constructor (services for
    ``build_pipeline``, and the Dask engine's ``in_flight``, ``processes``, ``wait_for_workers``).
    Raises EngineError when it cannot be started or reached."""
    if name == "local":
        if scheduler:
            raise EngineError("--scheduler needs --engine dask")
        from .local import LocalEngine

        return LocalEngine(config, workers=workers, partition=partition, **options)
    if name == "dask":
        from .cluster import DaskEngine

        return DaskEngine(config, workers=workers, scheduler=scheduler, partition=partition, **options)
    raise EngineError(f"unknown engine {name!r} (one of {', '.join(ENGINES)})")


def already_stored(store, doc) -> bool:
    """Whether ``store`` holds this very input already: the same document id with the same raw
    content (by content hash) and the metadata the input gives. A resumed run skips such a
    document before any coding (an input the cleaner split is stored under other hashes and is
    coded again, then found unchanged by the writer)."""
    if not store.has_content(doc.content_hash):
        return False
    have = store.get_document(doc.doc_id)
    if have is None or have.content_hash != doc.content_hash:
        return False
    return all(new is None or new == old for new, old in (
        (doc.published, have.published), (doc.outlet, have.outlet), (doc.url, have.url), (doc.title, have.title)))


__all__ = ["Done", "ENGINES", "Engine", "EngineError", "already_stored", "open_engine", "partitions", "per_input"]
