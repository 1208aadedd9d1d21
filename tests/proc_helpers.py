"""Helpers for tests that run rasd in a subprocess and kill it part-way."""
from __future__ import annotations

import signal
import subprocess
import time
from typing import Callable


def sigkill_when(proc: subprocess.Popen, ready: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll ``ready()`` until it holds, then SIGKILL ``proc``; fails when the process ended
    first (make its work larger) or ``timeout`` passed. The process is never left running."""
    deadline = time.monotonic() + timeout
    try:
        while not ready() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the process finished before it could be killed: give it more work"
        assert time.monotonic() < deadline, f"not ready to be killed after {timeout:.0f} s"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
