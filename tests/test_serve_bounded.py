"""Issue 15's stall: one document's work is bounded, a long ingest holds nothing that reads
wait on, and a stop does not wait for it. (The speed figures are in bench/bench_harden.py.)"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from _server import TOKEN, build_store, serving, small_gazetteer

AUTH = {"Authorization": f"Bearer {TOKEN}"}
SENTENCE = ("Government forces shelled Saraqib on 3 March 2017, killing 4 civilians, a monitor said. "
            "Residents said the market was hit twice. ")


def test_merging_place_spans_is_not_quadratic():
    # 60,000 spans: main's pairwise merge needed some 1.8e9 comparisons (tens of minutes)
    code = ("from rasd.geo.recognize import Span, _merge\n"
            "spans = [Span(i * 10, i * 10 + 1 + i % 9, 'x', 'ner') for i in range(60000)]\n"
            "spans += [Span(i * 10 + 2, i * 10 + 4, 'x', 'gazetteer') for i in range(0, 60000, 7)]\n"
            "kept = _merge(spans)\n"
            "assert len(kept) >= 60000 and all(a.end <= b.start for a, b in zip(kept, kept[1:]))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_a_long_document_is_coded_up_to_the_bound_and_says_so(nlp, coder_data, gazetteer_path):
    from rasd.pipeline import PipelineConfig, build_pipeline
    from rasd.records import Document
    from rasd.serve.synthetic import make_documents

    text = " ".join(d.raw for d, _ in make_documents(40, per_doc=4))  # 3,400 characters, 20 events
    whole = build_pipeline(PipelineConfig(gazetteer=gazetteer_path), nlp=nlp, coder_data=coder_data).run_safe(
        [Document(doc_id="long", raw=text)])[0]
    bounded = build_pipeline(PipelineConfig(gazetteer=gazetteer_path, max_code_chars=1000, max_events_per_doc=3),
                             nlp=nlp, coder_data=coder_data)
    res = bounded.run_safe([Document(doc_id="long", raw=text)])[0]
    assert res.error is None and res.document.text == text and res.whole is None  # all of it is kept
    assert len(whole.events) > 6 and len(res.events) == 3
    assert all(max(x.end for x in e.evidence) <= 1000 for e in res.events)
    warnings = res.document.meta["warnings"]
    assert any("coded the first" in w for w in warnings) and any("kept the first 3" in w for w in warnings)


def test_a_long_ingest_blocks_neither_reads_nor_the_stop(tmp_path: Path):
    db = str(tmp_path / "s.db")
    build_store(db, 200)
    gaz = small_gazetteer(str(tmp_path / "gaz.db"))
    tmpdir = tmp_path / "tmp"
    stale = tmpdir / "rasd-ingest-left-by-a-killed-server"
    stale.mkdir(parents=True)
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    with serving(db, gazetteer=gaz, env={"TMPDIR": str(tmpdir)}) as (url, proc):
        big = (SENTENCE * 9000).encode()  # one line of 1 MB
        result: dict = {}

        def post():
            try:
                result["r"] = httpx.post(url + "/api/ingest/file", params={"name": "big.txt"}, content=big,
                                         headers=AUTH, timeout=120)
            except httpx.HTTPError as exc:  # the server stopped under it: expected
                result["error"] = exc

        t = threading.Thread(target=post, daemon=True)
        t.start()
        time.sleep(1.0)
        # main: reads waited on the lock the ingest held. Each read is answered while the ingest
        # still runs (what is timed is the ingest's own length, not the machine's speed)
        with httpx.Client(base_url=url, timeout=120) as c:
            for i in range(8):
                assert c.get("/api/events", params={"limit": 20}).status_code == 200
                assert t.is_alive(), f"read {i + 1} was answered only after the long ingest ended"
                time.sleep(0.2)
        proc.terminate()
        proc.wait(timeout=120)
        t.join(120)
        # main: SIGTERM waited for the ingest to finish and answered it; now the stop cuts it off
        assert "error" in result or result["r"].status_code != 201, "the stop waited for the ingest"
        assert not stale.exists()  # removed at start


def test_a_pipeline_process_codes_in_its_child_and_outlives_it():
    import signal

    from rasd.config import PipelineConfig
    from rasd.parallel import PipelineProcess
    from rasd.records import Document

    pp = PipelineProcess(PipelineConfig(with_events=False))  # cleaning only: no model to load
    try:
        page = "Shelling hit Douma overnight, a monitor said."
        first = pp.run_safe([Document(doc_id="a", raw=page)])
        assert first[0].error is None and first[0].document.text == page and first[0].document.doc_id == "a"
        child = pp._proc
        assert child.pid != os.getpid() and child.is_alive()
        os.kill(child.pid, signal.SIGKILL)  # killed (out of memory, say): the next call starts another
        child.join(10)
        again = pp.run_safe([Document(doc_id="b", raw=page)])
        assert again[0].error is None and pp._proc.pid != child.pid
    finally:
        pp.close()
    assert pp._proc is None and not child.is_alive()
