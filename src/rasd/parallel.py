"""Running the pipeline in several worker processes, forked from the one that built it (the model
loaded once for the run; each worker reopens the gazetteer's connection), or each building it.

Workers receive chunks of documents on a queue, run them with ``Pipeline.run_safe`` (one bad
document costs only its own result) and send back their Results; results come back in input
order. Nothing is shared between processes but the queues and the frozen ``PipelineConfig``.

The commands run one worker per available core unless told how many (``worker_count``); an
input that fills no more than one chunk is run in this process (a worker costs a model load).
"""
from __future__ import annotations

import itertools
import multiprocessing as mp
import os
from collections import deque
from typing import Any, Iterable, Iterator, Optional

from .config import PipelineConfig
from .records import Document, Result


def _exit_with_parent() -> None:
    """A worker whose parent is gone (killed: its queues will never be read) exits too."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="rasd-parent-watch").start()


def _work(inq, outq, config: PipelineConfig, services: dict[str, Any], built: Any = None) -> None:
    """A worker: ``built`` is the pipeline the parent built before forking (inherited, not
    copied: the model's pages are shared until written), else the worker builds its own."""
    from .pipeline import build_pipeline, failed_result

    _exit_with_parent()

    try:
        if built is not None:
            pipe = built
            pipe.after_fork()
        else:
            pipe = build_pipeline(config, **services)
    except Exception as exc:  # noqa: BLE001 - every document it is sent is answered with the reason
        pipe, broken = None, exc
    for key, docs in iter(inq.get, None):
        outq.put((key, pipe.run_safe(docs) if pipe is not None else [failed_result(d, broken) for d in docs]))


def run_parallel(docs: Iterable[Document], workers: int, config: Optional[PipelineConfig] = None,
                  chunk: Optional[int] = None, pipeline: Any = None,
                  **services) -> Iterator[tuple[list[Document], list[Result]]]:
    """Yields (chunk of documents, their Results), in input order. A document the stages failed
    on comes back as a Result with its ``error`` set. ``config`` defaults to the settings'
    (events on); ``chunk`` to its batch size; ``services`` go to ``build_pipeline`` in each worker.
    ``pipeline``: one built here already (from ``config``); the workers are forked with it and
    load nothing (one model load for the run, not one per worker). An input of one chunk or
    less is run in this process: the Results are the same."""
    if config is None:
        from .config import Settings

        config = Settings().pipeline_config(with_events=True)
    chunk = chunk or config.batch_size
    docs = iter(docs)
    head = list(itertools.islice(docs, chunk + 1))
    if len(head) <= chunk:  # one chunk at most: not worth a worker's model load
        if head:
            from .pipeline import build_pipeline

            yield head, (pipeline or build_pipeline(config, **services)).run_safe(head)
        return
    docs = itertools.chain(head, docs)
    ctx = mp.get_context("fork") if hasattr(mp, "get_context") else mp
    # few chunks wait in the queue: the last ones are cut small when the input ends (``chunks``)
    inq, outq = ctx.Queue(maxsize=workers), ctx.Queue()
    procs = [ctx.Process(target=_work, args=(inq, outq, config, services, pipeline), daemon=True)
             for _ in range(workers)]
    for p in procs:
        p.start()
    pending: dict[int, list[Document]] = {}
    done: dict[int, list[Result]] = {}
    next_out = 0
    key = 0

    def drain(block: bool) -> None:
        while True:
            try:
                k, payload = outq.get(block=block, timeout=600 if block else None) if block else outq.get_nowait()
            except Exception:  # queue.Empty
                return
            done[k] = payload
            if block:
                return

    try:
        for buf in chunks(docs, chunk, workers):
            pending[key] = buf
            inq.put((key, buf))
            key += 1
            drain(False)
            while next_out in done:
                yield pending.pop(next_out), done.pop(next_out)
                next_out += 1
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


def chunks(docs: Iterable[Document], size: int, workers: int) -> Iterator[list[Document]]:
    """``docs`` in chunks of ``size``, but the last ``2 * workers * size`` documents (read ahead)
    in smaller ones, each a ``2 * workers``-th of what is left (down to one document): the workers
    finish together, rather than one coding a whole last chunk while the others wait."""
    ahead: deque[Document] = deque()
    horizon = 2 * workers * size
    for d in docs:
        ahead.append(d)
        if len(ahead) >= horizon + size:
            yield [ahead.popleft() for _ in range(size)]
    while ahead:
        n = max(1, min(size, -(-len(ahead) // (2 * workers))))
        yield [ahead.popleft() for _ in range(n)]


def available_cores() -> int:
    """The cores this process may run on: its CPU affinity (what ``os.process_cpu_count()``
    answers from Python 3.13), else the machine's count."""
    count = getattr(os, "process_cpu_count", None)
    if count is not None:
        return max(1, count() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity on this platform
        return max(1, os.cpu_count() or 1)


def worker_count(asked: Optional[int] = None) -> int:
    """The worker processes to run: as many as asked, else one per available core."""
    return asked if asked and asked > 0 else available_cores()


class PipelineProcess:
    """A pipeline that codes in a child process of its own and writes here: ``run_safe(docs)``
    sends the documents to the child and waits for their Results, so a long document holds
    neither this process's GIL nor anything its other threads wait on (the HTTP ingest: the
    server keeps answering while one thread waits here). The writer's share of the pipeline
    (``codes_events``, ``config``, ``fuser_for``: ``build_writer``) stays in this process.

    The child is spawned (a fresh interpreter: nothing of the server's threads, sockets or
    locks is inherited) on first use; it exits when this process is gone. A child
    that dies meanwhile (killed, out of memory) costs the documents it had (each a Result with
    the reason); the next call starts a new one. ``close()`` ends it at once. One caller at a time."""

    def __init__(self, config: PipelineConfig):
        self.config = config
        self._writer: Any = None
        self._proc: Any = None
        self._conn: Any = None

    @property
    def codes_events(self) -> bool:
        return self.config.with_events

    @property
    def writer(self):
        """The writer's share (``build_writer``), built after the child's pipeline: a gazetteer
        whose default layer is missing is then built by the child, not on this process's GIL."""
        if self._writer is None:
            from .pipeline import build_writer

            if self._proc is None:
                try:
                    self.start()
                except RuntimeError:  # run_safe reports it for each document
                    pass
            self._writer = build_writer(self.config)
        return self._writer

    def fuser_for(self, store):
        return self.writer.fuser_for(store)

    def start(self) -> None:
        """Start the child and wait until its pipeline is built (RuntimeError with the reason
        when it could not be)."""
        ctx = mp.get_context("spawn")
        here, there = ctx.Pipe()
        proc = ctx.Process(target=_code_in_child, args=(there, self.config), daemon=True, name="rasd-pipeline")
        proc.start()
        there.close()
        self._proc, self._conn = proc, here
        try:
            ready = here.recv()
        except (EOFError, OSError):
            ready = f"the pipeline process exited with code {proc.exitcode}"
        if ready is not None:
            self.close()
            raise RuntimeError(ready)

    def run_safe(self, docs: list[Document]) -> list[Result]:
        from .pipeline import failed_result

        try:
            if self._proc is None or not self._proc.is_alive():
                self.start()
            self._conn.send(docs)
            return self._conn.recv()
        except (EOFError, OSError, RuntimeError) as exc:
            code = self._proc.exitcode if self._proc is not None else None
            self.close()
            reason = exc if isinstance(exc, RuntimeError) else \
                RuntimeError(f"the pipeline process ended (exit code {code})")
            return [failed_result(d, reason) for d in docs]

    def close(self) -> None:
        proc, conn, self._proc, self._conn = self._proc, self._conn, None, None
        if conn is not None:
            conn.close()
        if proc is not None and proc.is_alive():
            proc.kill()
        if proc is not None:
            proc.join(timeout=5)


def _code_in_child(conn, config: PipelineConfig) -> None:
    """The child of a PipelineProcess: build the pipeline, say so (None, or why not), then code
    each list of documents it is sent until the parent goes away."""
    import signal

    from .pipeline import build_pipeline

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C stops the server, which ends this child
    _exit_with_parent()
    try:
        pipe = build_pipeline(config)
    except Exception as exc:  # noqa: BLE001 - the parent reports it
        conn.send(" ".join(f"could not build the pipeline: {type(exc).__name__}: {exc}".split()))
        return
    conn.send(None)
    while True:
        try:
            docs = conn.recv()
            conn.send(pipe.run_safe(docs))
        except (EOFError, OSError):  # the parent closed its end (stopped, or gave up on this child)
            return
