"""`rasd ingest --engine dask` against a Dask LocalCluster of one worker thread in this process:
the same documents and events as a plain `rasd ingest`, also when killed part-way and started
again, and a bad document named while the rest is stored."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from proc_helpers import count_documents, make_batch, sigkill_when

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
INPUTS = [str(EXAMPLES), "--meta", str(EXAMPLES / "meta.jsonl")]
# small partitions, so that a run killed part-way has stored some documents and not others
DASK = ["--engine", "dask", "--batch-size", "2", "--no-progress"]
# the coder's places come from the session's gazetteer (RASD_GAZETTEER): wait for its build
pytestmark = pytest.mark.usefixtures("gazetteer_path")


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    # one worker thread in this process (cheap, and it sees monkeypatches); over TCP on loopback,
    # so that a `rasd` subprocess can reach it too
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://", host="127.0.0.1",
                      dashboard_address=":0") as c:
        assert c.scheduler_address.startswith("tcp://127.0.0.1:")
        yield c


def ingest(db: str, *args: str):
    from rasd.cli import app

    res = CliRunner().invoke(app, ["--db", db, "ingest", *args])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res


def snapshot(db: str) -> dict[str, list]:
    """What a store holds that ingest decides: documents, events, fused events, their reports,
    control periods, agreements (not the times they were written)."""
    conn = sqlite3.connect(db)
    try:
        return {name: conn.execute(sql).fetchall() for name, sql in {
            "documents": "SELECT doc_id, content_hash, text, title, published, outlet, url, meta"
                         " FROM documents ORDER BY doc_id",
            "events": "SELECT event_id, doc_id, event_type, sub_event_type, date, time_precision, actor1, actor2,"
                      " location, lat, lon, country, admin1, geo_precision, fatalities, stance, confidence, sentence,"
                      " cluster_id, status, data FROM events ORDER BY event_id",  # not stored_at
            "fused": "SELECT cluster_id, family, event_type, sub_event_type, date, location, actor1, actor2,"
                     " fatalities, status, corroboration, n_reports, data FROM fused_events ORDER BY cluster_id",
            "reports": "SELECT * FROM fused_reports ORDER BY event_id",
            "control": "SELECT place_key, holder, start, end, status, data FROM control_periods ORDER BY id",
            "agreements": "SELECT * FROM agreements ORDER BY agreement_id",
        }.items()}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> dict[str, list]:
    db = str(tmp_path_factory.mktemp("plain") / "plain.db")
    res = ingest(db, *INPUTS, "--no-progress")
    assert res.exit_code == 0, res.output
    return snapshot(db)


def test_dask_ingest_stores_what_a_plain_ingest_stores(cluster, plain, tmp_path: Path):
    db = str(tmp_path / "dask.db")
    res = ingest(db, *INPUTS, *DASK, "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 0, res.output
    assert "stored 23 new, 0 updated, 0 unchanged; 0 failed" in res.output
    got = snapshot(db)
    assert got["events"] and got["fused"]  # the examples do have events
    assert got == plain
    # a second run finds everything stored and codes nothing again
    again = ingest(db, *INPUTS, *DASK, "--scheduler", cluster.scheduler_address)
    assert "stored 0 new, 0 updated, 23 unchanged; 0 failed" in again.output
    assert snapshot(db) == plain


def test_dask_ingest_killed_and_started_again_ends_as_a_plain_ingest(cluster, plain, tmp_path: Path):
    db = str(tmp_path / "killed.db")
    env = dict(os.environ, RASD_DB=db)
    proc = subprocess.Popen([sys.executable, "-m", "rasd", "ingest", *INPUTS, *DASK,
                             "--scheduler", cluster.scheduler_address],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sigkill_when(proc, lambda: count_documents(db) >= 2, timeout=120)
    stored = count_documents(db)
    assert 2 <= stored < 23
    res = ingest(db, *INPUTS, *DASK, "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 0, res.output
    # what the killed run committed is skipped (not coded again), the rest is stored once
    assert f"stored {23 - stored} new, 0 updated, {stored} unchanged; 0 failed" in res.output
    assert snapshot(db) == plain


def test_dask_ingest_names_a_bad_document_and_stores_the_rest(cluster, tmp_path: Path, monkeypatch):
    from rasd.clean import Cleaner

    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a", "bad", "c", "d"):
        (inputs / f"{name}.txt").write_text(f"Report {name}: shelling hit the town on Monday, the monitor said.\n")
    real = Cleaner.clean

    def flaky(self, doc):  # the worker runs in this process (processes=False): it sees the patch
        if doc.doc_id == "bad":
            raise ValueError("boom")
        return real(self, doc)

    monkeypatch.setattr(Cleaner, "clean", flaky)
    db = str(tmp_path / "bad.db")
    res = ingest(db, str(inputs), *DASK, "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 1
    assert "bad.txt: could not be processed (ValueError: boom)" in res.output
    assert "stored 3 new" in res.output and "1 failed" in res.output
    assert [r[0] for r in snapshot(db)["documents"]] == ["a", "c", "d"]


def test_dask_extract_prints_what_a_plain_extract_prints(cluster):
    from rasd.cli import app

    runner = CliRunner()
    plain = runner.invoke(app, ["extract", *INPUTS, "--no-progress"])
    dask = runner.invoke(app, ["extract", *INPUTS, *DASK[:2], "--no-progress", "--scheduler",
                               cluster.scheduler_address])
    assert plain.exit_code == 0 and dask.exit_code == 0, dask.output
    events = [line for line in plain.stdout.splitlines() if line.startswith("{")]
    assert len(events) > 20
    assert dask.stdout == plain.stdout


def test_unknown_engine_and_scheduler_without_dask_are_usage_errors(tmp_path: Path):
    db = str(tmp_path / "u.db")
    assert "--engine must be one of local, dask" in ingest(db, str(EXAMPLES), "--engine", "spark").output
    res = ingest(db, str(EXAMPLES), "--scheduler", "tcp://127.0.0.1:1")
    assert res.exit_code == 2 and "--scheduler needs --engine dask" in res.output


def test_each_input_gets_its_own_results_in_input_order(tmp_path: Path):
    """Partitions come back in input order, each input with the Results it became: a glued
    input (split by the cleaner into id and id#2) keeps both parts together, for one commit."""
    from rasd.config import PipelineConfig
    from rasd.engine import open_engine
    from rasd.read import read_paths

    make_batch(tmp_path, 23)  # doc00000, doc00010, doc00020 have a second article glued on
    docs = list(read_paths([str(tmp_path)]))
    with open_engine("local", PipelineConfig(with_events=False), partition=4) as engine:
        done = list(engine.run(iter(docs)))
    assert [len(part) for part, _ in done] == [4, 4, 4, 4, 4, 3]
    sent = [d.doc_id for part, _ in done for d in part]
    assert sent == [d.doc_id for d in docs]
    groups = [group for _, per_input in done for group in per_input]
    assert len(groups) == len(docs)
    for doc_id, group in zip(sent, groups):
        glued = doc_id in ("doc00000", "doc00010", "doc00020")
        assert [r.document.doc_id for r in group] == ([doc_id, f"{doc_id}#2"] if glued else [doc_id])
        assert all(r.error is None for r in group)


def test_runs_that_differ_only_in_partition_size_share_the_workers_pipeline():
    """The workers' pipeline is named by what builds it: a run with another --batch-size (the
    client's partition size) finds it built; another gazetteer or event setting does not."""
    from rasd.config import PipelineConfig
    from rasd.engine.cluster import plugin_name

    base = PipelineConfig(gazetteer="/g.db", batch_size=16)
    assert plugin_name(PipelineConfig(gazetteer="/g.db", batch_size=2), {}) == plugin_name(base, {})
    assert plugin_name(PipelineConfig(gazetteer="/other.db", batch_size=16), {}) != plugin_name(base, {})
    assert plugin_name(PipelineConfig(gazetteer="/g.db", with_events=False), {}) != plugin_name(base, {})


def test_a_dask_worker_given_the_pipeline_stops_its_profiler(cluster):
    """The worker's statistical profiler samples the running task's stack every 10 ms: the
    plugin that builds the pipeline stops it (a few per cent of each document's CPU time)."""
    from distributed import Client

    from rasd.config import PipelineConfig
    from rasd.engine import open_engine
    from rasd.records import Document

    def profiling(dask_worker=None) -> bool:
        return "profile" in dask_worker.periodic_callbacks

    config = PipelineConfig(with_events=False, batch_size=7)  # cleaning only: cheap to build; a config of its own
    with Client(cluster, set_as_default=False) as client:
        with open_engine("dask", config, scheduler=cluster.scheduler_address) as engine:
            done = list(engine.run(iter([Document(doc_id="a", raw="Shelling hit the town on Monday.")])))
        assert [r.document.doc_id for _, per_input in done for group in per_input for r in group] == ["a"]
        assert not any(client.run(profiling).values())


def test_keep_freed_memory_undoes_the_dask_nanny_malloc_setting(tmp_path: Path):
    """Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which fixes glibc's mmap
    threshold at 128 kB: every large buffer is mapped and faulted in anew. After
    keep_freed_memory() a freed buffer is reused (far fewer page faults)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's mallopt")
    script = tmp_path / "faults.py"
    script.write_text(
        "import resource\n"
        "from rasd.engine.cluster import keep_freed_memory\n"
        "def faults():\n"
        "    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
        "    for _ in range(100):\n"
        "        buf = b'x' * (1 << 20)\n"
        "        del buf\n"
        "    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before\n"
        "a = faults()\n"
        "ok = keep_freed_memory()\n"
        "print(a, ok, faults())\n")
    out = subprocess.run([sys.executable, str(script)], env=dict(os.environ, MALLOC_TRIM_THRESHOLD_="65536"),
                         capture_output=True, text=True, check=True).stdout.split()
    before, ok, after = int(out[0]), out[1], int(out[2])
    if ok != "True":
        pytest.skip("not glibc")
    assert before > 100 * 200  # a 1 MB buffer is 256 pages, each faulted in on every round
    assert after < before / 10
