"""A local webhook receiver (127.0.0.1, a free port) for the tests and the bench: it records
every POST (when, headers, body) and answers the statuses it is told to, in turn (then 200)."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional

from .send import NOTIFICATION_HEADER, SIGNATURE_HEADER, signature


@dataclass
class Received:
    at: float  # time.time() when it arrived
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def signed_by(self, secret: str) -> bool:
        return self.headers.get(SIGNATURE_HEADER.lower()) == signature(secret, self.body)

    @property
    def notification(self) -> Optional[str]:
        return self.headers.get(NOTIFICATION_HEADER.lower())


class WebhookReceiver:
    """``with WebhookReceiver() as r: ... r.url ... r.received``; ``r.fail(500, 500)`` makes the
    next two requests answer 500; ``r.fault``, a function of nothing, may return a status to
    answer instead of 200 (the bench's random failures). ``refused`` counts the answers >= 300."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refused = 0
        self.fault: Optional[Callable[[], Optional[int]]] = None
        self._statuses: list[int] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with outer._lock:
                    status = outer._statuses.pop(0) if outer._statuses else (
                        (outer.fault() if outer.fault else None) or 200)
                    if status >= 300:
                        outer.refused += 1
                    else:
                        outer.received.append(Received(time.time(), self.path,
                                                       {k.lower(): v for k, v in self.headers.items()}, body))
                        outer._arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def fail(self, *statuses: int) -> None:
        with self._lock:
            self._statuses.extend(statuses)

    def wait_for(self, n: int, timeout: float) -> bool:
        """Wait until ``n`` notifications were received (True) or ``timeout`` seconds passed."""
        end = time.time() + timeout
        with self._lock:
            while len(self.received) < n:
                left = end - time.time()
                if left <= 0:
                    return False
                self._arrived.wait(left)
        return True

    def __enter__(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
