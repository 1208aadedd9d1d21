"""Helpers for tests that run rasd in a subprocess and kill it part-way."""
from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
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


WORDS = ("shelling strike convoy checkpoint rebels army monitor civilians killed wounded town province "
         "ceasefire talks militia drone market hospital border crossing evacuation").split()


def _article(rng: random.Random, n: int) -> str:
    head = f"Report {n}: {' '.join(rng.choice(WORDS) for _ in range(6))}"
    cap = f"A photo of the {rng.choice(WORDS)} in {rng.choice(WORDS)} province. (Archive {n})"
    paras = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60))) + "." for _ in range(rng.randint(3, 8))]
    return f"{head}\n\n{cap}\n{cap}\nTT\n20\n\n{head}\n\n" + "\n\n".join(paras) + "\n\nShare this Post\n"


def make_batch(root: Path, count: int) -> None:
    """``count`` synthetic articles as text files in ``root``; every tenth has a second article
    glued on, which the cleaner splits off (``docNNNNN#2``)."""
    rng = random.Random(7)
    for i in range(count):
        text = _article(rng, i)
        if i % 10 == 0:  # every tenth input has a second article glued on: it is split in two
            text += "\n\n\n" + _article(rng, i + 100000)
        (root / f"doc{i:05d}.txt").write_text(text, encoding="utf-8")
