"""Shared fixtures: temporary stores, the CLI runner, the path of ../shared when present."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RASD_SHARED", ROOT.parent / "shared"))


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "test.db")


@pytest.fixture
def run_cli(db: str):
    """Run the real `rasd` CLI in a subprocess; returns CompletedProcess."""

    def _run(*args: str, input: str | None = None, env: dict | None = None, check: bool = False):
        e = dict(os.environ)
        e["RASD_DB"] = db
        if env:
            e.update(env)
        proc = subprocess.run([sys.executable, "-m", "rasd", *args], input=input, capture_output=True,
                              text=True, env=e, timeout=600)
        if check and proc.returncode != 0:
            raise AssertionError(f"rasd {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
        return proc

    return _run


@pytest.fixture(scope="session")
def gazetteer_path(tmp_path_factory) -> str:
    """A gazetteer file with the default layer, built once per test session in a temporary folder
    (RASD_TEST_GAZETTEER names a prebuilt copy to reuse while developing)."""
    from rasd.geo import open_gazetteer

    pre = os.environ.get("RASD_TEST_GAZETTEER")
    if pre:
        return pre
    path = str(tmp_path_factory.mktemp("gaz") / "gazetteer.db")
    open_gazetteer(path).close()
    return path


@pytest.fixture(scope="module")
def gaz(gazetteer_path):
    """The default gazetteer layer, opened once per test module."""
    from rasd.geo import open_gazetteer

    g = open_gazetteer(gazetteer_path)
    yield g
    g.close()


@pytest.fixture(scope="module")
def geo(gaz):
    """A geoparser on the default layer, without NER (modules may define their own ``geo``)."""
    from rasd.geo import Geoparser

    return Geoparser(gazetteer=gaz, nlp=None)


@pytest.fixture
def site():
    """A local web site on 127.0.0.1 (rasd.watch.synthetic.LocalSite) with no robots.txt: tests
    add routes to ``site.routes`` and read its log in ``site.hits``."""
    from rasd.watch.synthetic import LocalSite, Reply

    with LocalSite() as s:
        s.routes["/robots.txt"] = Reply(404, b"<html><body>none</body></html>")
        yield s
