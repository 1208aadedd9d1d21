"""Coding documents in several worker processes, each loading the model once.

Workers receive chunks of cleaned documents on a queue and send back their events;
results come back in input order. Nothing is shared between processes but the queues.
"""
from __future__ import annotations

import multiprocessing as mp
from typing import Iterable, Iterator

from ..records import Document


def _work(inq, outq, services: dict) -> None:
    from ..pipeline import Pipeline

    pipe = Pipeline.for_ingest(with_events=True, **services)
    for key, docs in iter(inq.get, None):
        try:
            outq.put(("ok", key, pipe.run_batch(docs)))
        except Exception as exc:  # noqa: BLE001 - reported per chunk, the run goes on
            outq.put(("error", key, f"{type(exc).__name__}: {exc}"))


def code_parallel(docs: Iterable[Document], workers: int, chunk: int = 8, **services) -> Iterator[tuple[list[Document], object]]:
    """Yields (chunk of documents, list of Results or an error message), in input order."""
    ctx = mp.get_context("fork") if hasattr(mp, "get_context") else mp
    inq, outq = ctx.Queue(maxsize=workers * 4), ctx.Queue()
    procs = [ctx.Process(target=_work, args=(inq, outq, services), daemon=True) for _ in range(workers)]
    for p in procs:
        p.start()
    pending: dict[int, list[Document]] = {}
    done: dict[int, object] = {}
    next_out = 0
    key = 0

    def drain(block: bool) -> None:
        while True:
            try:
                kind, k, payload = outq.get(block=block, timeout=600 if block else None) if block else outq.get_nowait()
            except Exception:  # queue.Empty
                return
            if kind in ("ok", "error"):
                done[k] = payload
            if block and kind in ("ok", "error"):
                return

    buf: list[Document] = []
    try:
        for d in docs:
            buf.append(d)
            if len(buf) >= chunk:
                pending[key] = buf
                inq.put((key, buf))
                key, buf = key + 1, []
                drain(False)
                while next_out in done:
                    yield pending.pop(next_out), done.pop(next_out)
                    next_out += 1
        if buf:
            pending[key] = buf
            inq.put((key, buf))
            key += 1
        while next_out < key:
            while next_out not in done:
                drain(True)
            yield pending.pop(next_out), done.pop(next_out)
            next_out += 1
    finally:
        for _ in procs:
            inq.put(None)
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
