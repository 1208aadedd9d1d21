"""Shared fixtures: temporary stores (of every backend), the CLI runner, the path of ../shared when present."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pg_server import TestServer, Unavailable

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


# -- store backends ---------------------------------------------------------------------
# The store contract (tests/test_store_contract.py, and the fusion tests through fuse_helpers.st)
# runs once per backend listed here. A backend gives a function (request, tmp_path) -> URL of a
# new, empty database for one test (or one module, when the request is a module's), which
# ``open_store`` opens (and ``--db`` takes); it drops the database with ``request.addfinalizer``,
# or calls ``pytest.skip`` with one line saying why it cannot run here.
def _sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(tmp_path / "store.db")


_PG = TestServer()


def _postgres_url(request: pytest.FixtureRequest, tmp_path: Path, *, own: bool = False) -> str:
    """A test's own PostgreSQL store (see tests/pg_server.py): the wiped shared schema, or with
    ``own`` (and for a module's store) a schema of its own. Without a reachable server the test
    is skipped with the reason, except under CI=true, where it fails."""
    why = None
    try:
        if request.scope == "function" and not own:
            return _PG.wiped_url()
        schema = _PG.new_schema()
    except Unavailable as exc:
        why = str(exc)
    if why is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {why}", pytrace=False)
        pytest.skip(why)
    request.addfinalizer(lambda: _PG.drop_schema(schema))
    return _PG.url(schema)


@pytest.fixture
def new_postgres_url(request: pytest.FixtureRequest, tmp_path: Path):
    """``new_postgres_url()``: the URL of another new, empty PostgreSQL store for this test
    (skipped, or failed under CI=true, without a server)."""
    return lambda: _postgres_url(request, tmp_path, own=True)


STORE_BACKENDS = {"sqlite": _sqlite_url, "postgres": _postgres_url}


@pytest.fixture(scope="session", autouse=True)
def _postgres_run_database():
    """Drops the run's PostgreSQL database (if a test made one) when the session ends."""
    yield
    _PG.close()


@pytest.fixture(params=sorted(STORE_BACKENDS))
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database of one backend, for this test alone."""
    return STORE_BACKENDS[request.param](request, tmp_path)


@pytest.fixture(scope="module", params=sorted(STORE_BACKENDS))
def module_store_url(request: pytest.FixtureRequest, tmp_path_factory) -> str:
    """The URL of a new, empty database of one backend, shared by one module's tests."""
    return STORE_BACKENDS[request.param](request, tmp_path_factory.mktemp(request.param))


@pytest.fixture
def store_factory(store_url: str):
    """``store_factory()`` opens a store on this test's database (each call: another connection
    to the same database); every store it opened is closed after the test."""
    from rasd.store import open_store

    opened = []

    def factory():
        st = open_store(store_url)
        opened.append(st)
        return st

    yield factory
    for st in opened:
        st.close()


@pytest.fixture(scope="session")
def warm_cli(gazetteer_path):
    """The session's warm `python -m rasd` (tests/cli_server.py): commands forked from a process
    that has imported rasd and spaCy once (None with RASD_TEST_COLD_CLI=1: each command in a new
    interpreter). Commands start once the session's gazetteer is built."""
    return _BG.cli


@pytest.fixture
def run_cli(db: str, warm_cli):
    """Run the real `rasd` CLI in a process of its own (``python -m rasd``, forked warm from
    tests/cli_server.py); returns CompletedProcess."""

    def _run(*args: str, input: str | None = None, env: dict | None = None, check: bool = False):
        e = dict(os.environ)
        e["RASD_DB"] = db
        if env:
            e.update(env)
        if warm_cli is None:
            proc = subprocess.run([sys.executable, "-m", "rasd", *args], input=input, capture_output=True,
                                  text=True, env=e, timeout=600)
        else:
            proc = warm_cli.run(args, input=input, env=e, timeout=600)
        if check and proc.returncode != 0:
            raise AssertionError(f"rasd {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
        return proc

    return _run


# -- the gazetteer and the warm CLI, started in the background at the start of the session ------
# Both take tens of seconds of one core; they run beside the first tests (the machine has two
# cores), and only when a test collected needs them (uses ``gazetteer_path`` or ``run_cli``).
# Then every `rasd` the tests start, and every pipeline the tests build without saying which
# gazetteer, uses the session's gazetteer (RASD_GAZETTEER), not the user's ~/.rasd.
class _Background:
    def __init__(self):
        self.gazetteer: str | None = None
        self.build: subprocess.Popen | None = None
        self.cli = None


_BG = _Background()


def pytest_collection_finish(session):
    import tempfile

    needs = set()
    for item in session.items:
        needs.update(getattr(item, "fixturenames", ()))
    if "gazetteer_path" not in needs:
        return
    pre = os.environ.get("RASD_TEST_GAZETTEER")
    if pre:
        _BG.gazetteer = pre
    else:
        folder = tempfile.mkdtemp(prefix="rasd-test-gaz-")
        _BG.gazetteer = os.path.join(folder, "gazetteer.db")
        code = "import sys; from rasd.geo import open_gazetteer; open_gazetteer(sys.argv[1]).close()"
        _BG.build = subprocess.Popen([sys.executable, "-c", code, _BG.gazetteer], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    os.environ["RASD_GAZETTEER"] = _BG.gazetteer
    if "run_cli" in needs and os.environ.get("RASD_TEST_COLD_CLI") != "1":
        from cli_server import WarmCli

        _BG.cli = WarmCli()
        _BG.cli.spawn()


def pytest_sessionfinish(session):
    if _BG.build is not None and _BG.build.poll() is None:
        _BG.build.kill()
        _BG.build.wait()
    if _BG.cli is not None:
        _BG.cli.close()
    if _BG.gazetteer and not os.environ.get("RASD_TEST_GAZETTEER"):
        import shutil

        shutil.rmtree(os.path.dirname(_BG.gazetteer), ignore_errors=True)


@pytest.fixture(scope="session")
def gazetteer_path(tmp_path_factory) -> str:
    """A gazetteer file with the default layer, built once per test session in a temporary folder,
    in the background from the session's start (RASD_TEST_GAZETTEER names a prebuilt copy to reuse
    while developing)."""
    from rasd.geo import open_gazetteer

    if _BG.gazetteer is None:  # not seen at collection (a fixture asked for it on the fly)
        _BG.gazetteer = os.environ.get("RASD_TEST_GAZETTEER") or str(tmp_path_factory.mktemp("gaz") / "gazetteer.db")
    if _BG.build is not None:
        _, err = _BG.build.communicate()
        if _BG.build.returncode != 0:
            print(f"the background gazetteer build failed, building here: {err[-2000:]}")
        _BG.build = None
    open_gazetteer(_BG.gazetteer).close()  # nothing to do once built
    return _BG.gazetteer


@pytest.fixture(scope="session")
def nlp():
    """The spaCy model, loaded once per test session (tests/coder_helpers.session_nlp)."""
    from coder_helpers import session_nlp

    return session_nlp()


@pytest.fixture(scope="session")
def coder_data():
    """The coder's data, loaded once per test session (tests/coder_helpers.session_coder_data)."""
    from coder_helpers import session_coder_data

    return session_coder_data()


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


# -- the browser ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright, launched once per test session."""
    from _server import CHROMIUM_ARGS, chromium_path

    if not chromium_path():
        pytest.skip("/usr/bin/chromium is missing (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def browser(chromium):
    """The session's Chromium for one test: the pages (each with its own browser context) the
    test opened are closed after it, as a browser of its own would have been."""
    before = set(chromium.contexts)
    yield chromium
    for ctx in chromium.contexts:
        if ctx not in before:
            ctx.close()
