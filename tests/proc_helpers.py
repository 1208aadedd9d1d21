"""Helpers for tests that run rasd in a subprocess and kill it part-way."""
from __future__ import annotations

import signal
import sqlite3
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


def count_documents(db: str) -> int:
    """Documents a SQLite store holds now, read-only (0 while it does not exist yet)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0
