"""An ingest killed with SIGKILL part-way leaves a sound store holding only whole documents."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from rasd.clean import Cleaner
from rasd.read import read_paths
from rasd.records import Document
from proc_helpers import count_documents, make_batch, sigkill_when

def test_sigkill_mid_ingest_leaves_only_whole_documents(tmp_path: Path):
    batch = tmp_path / "batch"
    batch.mkdir()
    # enough that the ingest is still running well after 200 documents (some 5 s of work for the
    # other 1,100 under load), few enough that the rerun which finishes the job stays short
    total_inputs = 1200
    make_batch(batch, total_inputs)
    db = str(tmp_path / "kill.db")
    env = dict(os.environ, RASD_DB=db, RASD_EVENTS="0")  # store integrity only: no event coding (keeps it fast)
    proc = subprocess.Popen([sys.executable, "-m", "rasd", "ingest", str(batch), "--no-progress"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sigkill_when(proc, lambda: count_documents(db) >= 200, timeout=120)

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {r[0]: r[1:] for r in conn.execute("SELECT doc_id, text, raw, offsets FROM documents")}
    assert 200 <= len(stored) < total_inputs * 1.1
    fts = conn.execute("SELECT count(*) FROM documents_fts").fetchone()[0]
    assert fts == len(stored)
    conn.close()

    # every stored document equals what a fresh, clean re-read of its input gives
    cleaner = Cleaner()
    expected: dict[str, Document] = {}
    for item in read_paths([str(batch)]):
        for d in cleaner.process([item]):
            expected[d.doc_id] = d
    for doc_id, (text, raw, _) in stored.items():
        assert text == expected[doc_id].text and raw == expected[doc_id].raw, doc_id
        # the parts of one input are written together
        if doc_id.endswith("#2"):
            assert doc_id[:-2] in stored
        elif f"{doc_id}#2" in expected:
            assert f"{doc_id}#2" in stored

    # a rerun finishes the job and keeps what was there
    rerun = subprocess.run([sys.executable, "-m", "rasd", "ingest", str(batch), "--no-progress"], env=env,
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    last = rerun.stdout.strip().splitlines()[-1]
    assert f"{len(stored)} unchanged" in last and f"stored {len(expected) - len(stored)} new" in last
