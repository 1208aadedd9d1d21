"""The Dask engine: the stages on the workers of a ``dask.distributed`` cluster.

A local cluster of ``workers`` processes by default, or the scheduler at ``--scheduler
tcp://HOST:8786`` with workers on any number of machines (docs/scale.md). Each worker builds the
pipeline once, when the run's ``PipelinePlugin`` is registered with it (the model and the
gazetteer loaded once per worker process, also on a worker that joins later); partitions are
submitted at most ``in_flight`` ahead of the one the writer waits for, come back as they are
done (``as_completed``) and are handed on in input order from a reorder buffer.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
import time
import uuid
from typing import Any, Iterable, Iterator, Optional

from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker

from ..config import PipelineConfig
from ..errors import EngineError
from ..pipeline import Pipeline, build_pipeline
from ..records import Document, Result
from .base import Done, failed_partition, partitions, run_partition, writer_for

log = logging.getLogger(__name__)


class PipelinePlugin(WorkerPlugin):
    """Sent to every worker of the cluster (pickled: the frozen config and the services handed
    in); ``setup`` builds the pipeline there once. A pipeline that cannot be built (no gazetteer
    on that machine) answers every document it is sent with the reason."""

    def __init__(self, config: PipelineConfig, services: dict[str, Any]):
        self.config = config
        self.services = services
        self.pipeline: Optional[Pipeline] = None
        self.broken: Optional[BaseException] = None
        self.lock = threading.Lock()  # one partition at a time: the model is not shared between threads
        self.built = threading.Event()  # a task may find the plugin before its setup has finished

    def setup(self, worker=None) -> None:
        keep_freed_memory()
        stop_profiler(worker)
        try:
            self.pipeline = build_pipeline(self.config, **self.services)
        except Exception as exc:  # noqa: BLE001 - answered per document, see run
            log.debug("the pipeline could not be built on %s", getattr(worker, "address", "?"), exc_info=True)
            self.broken = exc
        finally:
            self.built.set()

    def teardown(self, worker=None) -> None:
        self.pipeline = None

    def run(self, docs: list[Document]) -> list[list[Result]]:
        self.built.wait()
        if self.pipeline is None:
            return failed_partition(docs, self.broken or RuntimeError("the worker's pipeline was removed"))
        with self.lock:
            return run_partition(self.pipeline, docs)

    def __getstate__(self) -> dict:
        return {"config": self.config, "services": self.services}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["config"], state["services"])


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def keep_freed_memory(mmap_threshold: int = 32 << 20) -> bool:
    """Let this process's allocator keep memory it frees for the next batch, as a plain process
    does: Dask's nanny starts each worker with ``MALLOC_TRIM_THRESHOLD_=65536``, which also fixes
    glibc's mmap threshold at 128 kB, so every array the parser allocates for a batch of sentences
    is mapped, faulted in page by page and unmapped again (issue 11's profile: 3,000 page faults
    and a third more CPU per document on a Dask worker than in one process). Raises both
    thresholds back to glibc's own dynamic ceiling (32 MB mapped, 64 MB kept before trimming).
    Whether it could be set (False: not glibc)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and \
            bool(libc.mallopt(_M_TRIM_THRESHOLD, 2 * mmap_threshold))
    except (OSError, AttributeError):
        return False


def stop_profiler(worker) -> bool:
    """Stop the worker's statistical profiler: every 10 ms it walks the stack of the task running
    (deep in spaCy here), a few per cent of a document's CPU time and of an idle worker's, for
    the dashboard's profile page only. Whether there was one to stop."""
    stopped = False
    for name in ("profile", "profile-cycle"):
        pc = getattr(worker, "periodic_callbacks", {}).pop(name, None)
        if pc is not None:
            pc.stop()
            stopped = True
    return stopped


def plugin_name(config: PipelineConfig, services: dict[str, Any]) -> str:
    """The plugin's name on the cluster: the same for the same config, so that a later run (or
    one started again after a kill) finds the pipeline its workers built already; a run handed
    services of its own gets a name of its own. The partition size (``batch_size``) is the
    client's and changes nothing a worker builds: runs that differ only in it share the name
    (`rasd extract` after `rasd ingest --batch-size 8` loads no model again)."""
    built = dataclasses.replace(config, batch_size=1)
    key = hashlib.sha1(repr(built).encode()).hexdigest()[:16] if not services else uuid.uuid4().hex[:16]
    return f"rasd-pipeline-{key}"


def _has_plugin(dask_scheduler=None, name: str = "") -> bool:
    return name in dask_scheduler.worker_plugins


def run_on_worker(docs: list[Document], plugin: str) -> list[list[Result]]:
    """The task: one partition through the pipeline of the worker it runs on."""
    found = get_worker().plugins.get(plugin)
    if not isinstance(found, PipelinePlugin):
        return failed_partition(docs, RuntimeError(f"worker has no rasd pipeline {plugin!r}"))
    return found.run(docs)


class DaskEngine:
    """The stages on a Dask cluster; see the module's doc. ``processes=False`` runs a local
    cluster's workers as threads of this process (tests)."""

    name = "dask"

    def __init__(self, config: PipelineConfig, *, workers: int = 1, scheduler: Optional[str] = None,
                 partition: Optional[int] = None, in_flight: Optional[int] = None, processes: bool = True,
                 wait_for_workers: float = 60.0, **services: Any):
        self.config = config
        self.services = services
        self.partition = partition or config.batch_size
        self.scheduler = scheduler
        self.cluster: Optional[LocalCluster] = None
        quiet = logging.ERROR if not logging.getLogger().isEnabledFor(logging.DEBUG) else logging.DEBUG
        logging.getLogger("distributed").setLevel(quiet)  # its own lines only with -vv
        try:
            if scheduler:
                self.client = Client(scheduler, timeout=10, set_as_default=False)
            else:
                self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=processes,
                                            dashboard_address=":0", silence_logs=quiet)
                self.client = Client(self.cluster, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - refused, timed out, a malformed address: one line
            self._stop_cluster()
            where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
            raise EngineError(f"cannot reach {where} ({type(exc).__name__}: {exc})") from None
        try:
            self.client.wait_for_workers(1, timeout=wait_for_workers)
        except TimeoutError:
            self.close()
            raise EngineError(f"no Dask worker joined the scheduler at {scheduler} within {wait_for_workers:.0f} s "
                              "(start some with `dask worker ADDRESS --nthreads 1`)") from None
        log.info("Dask scheduler %s, workers %s", self.client.scheduler.address, sorted(self.client.nthreads()))
        self.plugin = plugin_name(config, services)
        if not self.client.run_on_scheduler(_has_plugin, name=self.plugin):
            self.client.register_plugin(PipelinePlugin(config, services), name=self.plugin)
        self.in_flight = in_flight or 0

    def threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def writer(self) -> Pipeline:
        """The pipeline the writer fuses with: without stages, no model in this process."""
        return writer_for(self.config, self.services)

    def run(self, docs: Iterable[Document]) -> Iterator[Done]:
        parts = partitions(docs, self.partition)
        run = uuid.uuid4().hex[:12]  # task keys of this run alone
        sent: dict[str, int] = {}  # future key -> partition number
        held: dict[int, list[Document]] = {}  # partitions sent and not yet handed on
        ready: dict[int, list[list[Result]]] = {}  # the reorder buffer
        pending = as_completed(loop=self.client.loop)
        next_in = next_out = 0
        limit, checked = self._limit(), time.monotonic()
        exhausted = False
        while True:
            # submit while fewer than `limit` partitions are out or waiting in the buffer
            while not exhausted and next_in - next_out < limit:
                part = next(parts, None)
                if part is None:
                    exhausted = True
                    break
                fut = self.client.submit(run_on_worker, part, self.plugin, pure=False,
                                         key=f"rasd-part-{run}-{next_in}")
                sent[fut.key] = next_in
                held[next_in] = part
                pending.add(fut)
                next_in += 1
            if next_out == next_in:
                return
            fut = next(pending)
            k = sent.pop(fut.key)
            ready[k] = self._result(fut, held[k])
            fut.release()
            while next_out in ready:
                yield held.pop(next_out), ready.pop(next_out)
                next_out += 1
            if time.monotonic() - checked > 5:  # workers may have joined or left
                limit, checked = self._limit(), time.monotonic()

    def _limit(self) -> int:
        return self.in_flight or 2 * self.threads() + 1

    def _result(self, fut, part: list[Document]) -> list[list[Result]]:
        """A partition's Results; when its task failed as a whole (a worker died on it, the
        cluster lost it), each document again alone, so that one costs only itself."""
        try:
            return fut.result()
        except Exception as exc:  # noqa: BLE001 - named per document, the run goes on
            if len(part) == 1:
                log.debug("partition of %s failed", part[0].doc_id, exc_info=True)
                return failed_partition(part, exc)
        out: list[list[Result]] = []
        for doc in part:
            single = self.client.submit(run_on_worker, [doc], self.plugin, pure=False)
            out += self._result(single, [doc])
            single.release()
        return out

    def worker_memory(self) -> dict[str, dict[str, float]]:
        """Each worker's own report of its memory (and CPU time): ``memory_report``."""
        return self.client.run(memory_report)

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            # the workers of a shared cluster keep the pipeline for the next run with this config
            # (restart them to free it: docs/scale.md)
            client.close()
            self.client = None
        self._stop_cluster()

    def _stop_cluster(self) -> None:
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def __enter__(self) -> "DaskEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def memory_report(dask_worker=None) -> dict[str, float]:
    """A worker's own memory figures (run on each with ``client.run``): ``peak``, the highest
    resident size its monitor sampled; ``maxrss``, the process's peak by getrusage (bytes); and
    ``cpu``, the CPU time (user and system, seconds) it has spent since it started."""
    import resource

    seen = list(dask_worker.monitor.quantities.get("memory", [])) if dask_worker is not None else []
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"peak": float(max(seen)) if seen else 0.0, "maxrss": float(usage.ru_maxrss) * 1024,
            "cpu": usage.ru_utime + usage.ru_stime}
