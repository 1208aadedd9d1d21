"""The watcher on a thread of its own (`rasd serve --watch`): its own event loop, store
connection and pipeline, stopped with ``stop()`` within a few seconds."""
from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any, Callable, Optional

log = logging.getLogger(__name__)


class WatchThread(threading.Thread):
    """``make(store)`` builds the Watcher over a store that ``open_store()`` opens on this thread."""

    def __init__(self, open_store: Callable[[], Any], make: Callable[[Any], Any],
                 on_pass: Optional[Callable[[Any], None]] = None):
        super().__init__(name="rasd-watch", daemon=True)
        self._open_store = open_store
        self._make = make
        self._on_pass = on_pass
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._stop_event: Optional[asyncio.Event] = None
        self._stopping = threading.Event()
        self.error: Optional[BaseException] = None

    def run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # the server goes on without its watcher; say why
            self.error = exc
            log.error("the watcher stopped: %s: %s", type(exc).__name__, exc)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        if self._stopping.is_set():
            return
        store = self._open_store()
        try:
            watcher = self._make(store)
            await watcher.run(self._stop_event, on_pass=self._on_pass)
        finally:
            store.close()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._loop is not None and self._stop_event is not None:
            try:
                self._loop.call_soon_threadsafe(self._stop_event.set)
            except RuntimeError:  # the loop has already ended
                pass
        self.join(timeout)
