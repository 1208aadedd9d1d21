"""A real `rasd serve` on 127.0.0.1 (a free port) over a synthetic store, for API and browser tests."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

TOKEN = "test-token-0123456789"


def build_store(path: str, n_events: int, hostile: Optional[str] = None) -> None:
    from rasd.serve.synthetic import fill_store
    from rasd.store import open_store

    with open_store(path) as st:
        fill_store(st, n_events, hostile=hostile)


def small_gazetteer(path: str) -> str:
    """A gazetteer file with a handful of places (no default layer: nothing to build)."""
    from rasd.geo import open_gazetteer
    from rasd.geo.gazetteer import PlaceRow

    with open_gazetteer(path, build_default=False) as gaz:
        gaz.add_layer("test", [PlaceRow("Saraqib", 35.8623, 36.8006, country="SY", admin1="Idlib",
                                        feature="P.PPL", population=30000),
                               PlaceRow("Saraqib Junction", 35.85, 36.79, country="SY", admin1="Idlib",
                                        feature="S.RDJCT")])
    return path


@contextmanager
def running_server(db: str, *extra: str, gazetteer: Optional[str] = None,
                   fill: Optional[Callable[[], None]] = None) -> Iterator[str]:
    with serving(db, *extra, gazetteer=gazetteer, fill=fill) as (url, _):
        yield url


@contextmanager
def serving(db: str, *extra: str, gazetteer: Optional[str] = None, env: Optional[dict] = None,
            fill: Optional[Callable[[], None]] = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """The server's URL and process (``env``: more environment variables). ``fill()`` writes the
    store while the server starts (the seconds of both overlap; the server reads the store per
    request, and none is made before ``fill`` returns): the store is created first, so that the
    two processes do not both migrate it."""
    if fill is not None:
        from rasd.store import open_store

        open_store(db).close()
    env = dict(os.environ, RASD_TOKEN=TOKEN, RASD_DB=db, **(env or {}))
    env.pop("RASD_REQUIRE_TOKEN_FOR_READS", None)
    gaz = ["--gazetteer", gazetteer] if gazetteer else ["--no-gazetteer"]
    proc = subprocess.Popen([sys.executable, "-m", "rasd", "serve", "--host", "127.0.0.1", "--port", "0",
                             *gaz, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    url = None
    deadline = time.time() + 60
    try:
        if fill is not None:
            fill()
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            m = re.search(r"open (http://127\.0\.0\.1:\d+)/", line)
            if m:
                url = m.group(1)
                break
        if url is None:
            proc.kill()
            raise RuntimeError(f"rasd serve did not start: {proc.stderr.read()[-2000:]}")
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def chromium_path() -> Optional[str]:
    p = Path("/usr/bin/chromium")
    return str(p) if p.exists() else None


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def open_page(browser, url: str, viewport: Optional[dict] = None):
    """A new page (its own browser context) at ``url``, once the page says it is ready; and the
    list its script errors are appended to."""
    page = browser.new_page(viewport=viewport or {"width": 1400, "height": 860})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=20000)
    return page, errors

