"""Ingest from the API: the bytes go through the same reader and pipeline as `rasd ingest`.

Nothing touches the disk before the store: the body is read from memory the way the reader
reads standard input, in the format the suffix of the client's file name tells (the name is
never part of a path). A document the client gives no id gets one from its content hash
(``api-<hash>``), so two different documents never replace each other unless the client
names the same id.

The pipelines run on worker threads of their own (``IngestWorkers``), each with its own
pipeline, so one long ingest holds no lock that another request waits on; `rasd serve`'s
pipelines code in a child process each (``parallel.PipelineProcess``: the thread waits
without the GIL and only the write, under the store's lock, runs in the server). The threads
are daemons, so a stopping server does not wait for them (a transaction they leave open is
rolled back by the store; the children end with the server).
"""
from __future__ import annotations

import io
import logging
import os
import queue
import shutil
import tempfile
import threading
import time
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional

from ..errors import InputError
from ..read import CSV_EXT, HTML_EXT, JSONL_EXT, TSV_EXT

log = logging.getLogger(__name__)


def format_for(name: Optional[str]) -> str:
    """The reader's format for a client's file name, by its suffix (text when none is known)."""
    suffix = os.path.splitext(name or "")[1].lower()
    for exts, fmt in ((HTML_EXT, "html"), (JSONL_EXT, "jsonl"), (CSV_EXT, "csv"), (TSV_EXT, "tsv")):
        if suffix in exts:
            return fmt
    return "text"


def ingest_bytes(store, pipeline, content: bytes, fmt: str, meta: dict[str, Any], max_bytes: int,
                 name: str = "upload") -> tuple[list[dict[str, Any]], list[str]]:
    """Read ``content`` (in format ``fmt``; ``name`` is the client's name for it, used in messages
    and in the ids of rows without one), run the pipeline, store each document with its events in
    one transaction. Returns (stored documents, error lines)."""
    from ..pipeline import store_results
    from ..read import ReadOptions, read_paths

    results: list[dict[str, Any]] = []
    errors: list[str] = []
    stem = meta.get("doc_id") or "api"
    opts = ReadOptions(max_bytes=max_bytes, format=fmt, stdin=io.BytesIO(content), stdin_name=stem)
    docs = []
    for item in read_paths(["-"], opts):
        if isinstance(item, InputError):
            errors.append(f"{name}: {item.reason}")
            continue
        if fmt in ("text", "html") and meta.get("doc_id"):
            item.doc_id = meta["doc_id"]
        item.source = f"api:{name}"
        for key in ("title", "outlet", "url"):
            if meta.get(key):
                setattr(item, key, meta[key])
        if meta.get("published"):
            item.published = date.fromisoformat(meta["published"])
        docs.append(item)
    fuser = pipeline.fuser_for(store)
    stored = []
    size = pipeline.config.batch_size
    # one bad document costs only its own result
    for r in (r for i in range(0, len(docs), size) for r in pipeline.run_safe(docs[i:i + size])):
        if r.error is not None:
            errors.append(r.error)
        elif not r.document.text.strip():
            errors.append(f"{name}: no article text left in {r.document.doc_id!r} after removing boilerplate")
        else:
            stored.append(r)
    for r, out in zip(stored, store_results(store, pipeline, fuser, stored)):
        results.append({"doc_id": out.doc_id, "status": out.status, "events": len(r.events),
                        "warnings": list(r.document.meta.get("warnings") or [])})
    return results, errors


class IngestWorkers:
    """Up to ``size`` daemon threads, each with its own pipeline (built by ``factory`` on its first
    job), running ingest jobs from one queue. A job is ``fn(pipeline)``; ``submit`` returns its
    future. A new thread starts only when more jobs wait than threads are idle."""

    def __init__(self, factory: Callable[[], Any], size: int = 2):
        self.factory = factory
        self.size = max(1, size)
        self._jobs: "queue.Queue[tuple[Callable[[Any], Any], Future]]" = queue.Queue()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._idle = 0

    def submit(self, fn: Callable[[Any], Any]) -> Future:
        fut: Future = Future()
        with self._lock:
            self._jobs.put((fn, fut))
            if self._jobs.qsize() > self._idle and len(self._threads) < self.size:
                t = threading.Thread(target=self._work, name=f"rasd-ingest-{len(self._threads)}", daemon=True)
                self._threads.append(t)
                t.start()
        return fut

    def _work(self) -> None:
        pipeline = None
        while True:
            with self._lock:
                self._idle += 1
            fn, fut = self._jobs.get()
            with self._lock:
                self._idle -= 1
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                if pipeline is None:
                    pipeline = self.factory()
                fut.set_result(fn(pipeline))
            except BaseException as exc:  # handed to the request that waits for it
                fut.set_exception(exc)


STALE_PREFIX = "rasd-ingest-"


def remove_stale_uploads(root: Optional[str] = None, older_than: float = 600.0) -> int:
    """Remove ``rasd-ingest-*`` folders that servers of earlier versions (which wrote uploads to
    disk) left in the temporary folder when they were killed; returns how many. Folders changed in
    the last ``older_than`` seconds are left alone: a live server of such a version may own them."""
    base = Path(root or tempfile.gettempdir())
    n = 0
    now = time.time()
    try:
        entries = list(base.glob(STALE_PREFIX + "*"))
    except OSError:
        return 0
    for p in entries:
        try:
            if p.is_dir() and not p.is_symlink() and now - p.stat().st_mtime > older_than:
                shutil.rmtree(p)
                n += 1
        except OSError as exc:  # another user's folder, or gone meanwhile: not ours to insist on
            log.info("could not remove %s: %s", p, exc)
    return n
