"""Many writers at once, and writers killed part-way (tests/store_writer.py is the writer).

Four writers store 200 documents each into one PostgreSQL database, a quarter of them the same
documents and the rest twins across writers (the same events from other outlets, fused at the
same moment): every document is stored once, every event once in one fused event, twins
together. A copy to SQLite and back keeps every row. A writer killed with SIGKILL at random
moments leaves only whole documents with all their events, on every backend.
"""
from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from rasd.store import open_store
from rasd.store.transfer import copy_store

HERE = Path(__file__).resolve().parent
WRITER = str(HERE / "store_writer.py")
WRITERS, SHARED, OWN = 4, 50, 150  # 200 documents each, a quarter shared
PER_DOC = 1


def _writer(url: str, writer: int, n_shared: int, n_own: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, WRITER, url, str(writer), str(n_shared), str(n_own)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _rows(st, table: str) -> list[tuple]:
    """Every row of a table, in a backend-independent order, without backend-only columns."""
    (t,) = [t for t in st.data_tables() if t.name == table]
    cols = [c for c in t.columns if c not in st.implicit_columns()]
    with st.snapshot():
        rows = [r for batch in st.read_rows(table, cols) for r in batch]
    return sorted(rows, key=repr)


def test_four_writers_store_each_document_once_and_fuse_twins_together(new_postgres_url, tmp_path):
    url = new_postgres_url()  # a new database: the writers' opens race to migrate it
    procs = [_writer(url, w, SHARED, OWN) for w in range(WRITERS)]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-3000:]
        outs.append(out.split())
    statuses = Counter(s for out in outs for s in out[1::2])
    # each shared document is new to exactly one writer; the others see it unchanged
    assert statuses == {"new": SHARED + WRITERS * OWN, "unchanged": SHARED * (WRITERS - 1)}

    with open_store(url) as st:
        applied = st.conn.execute("SELECT name FROM schema_migrations").fetchall()
        assert len(applied) == st.health()["schema_version"]  # each migration applied once
        n_docs = SHARED + WRITERS * OWN
        assert st.health()["documents"] == n_docs and st.health()["events"] == n_docs * PER_DOC
        members = st.conn.execute("SELECT event_id, cluster_id FROM fused_reports").fetchall()
        events = {r[0]: r[1] for r in st.conn.execute("SELECT event_id, cluster_id FROM events").fetchall()}
        # every event is a report of one fused event, and its row says which
        assert len(members) == len(events) and {m[0]: m[1] for m in members} == events
        # twins (the same event from the four writers' outlets) are one fused event
        for k in range(OWN):
            for i in range(PER_DOC):
                clusters = {events[f"w{w}-{k:04d}:{i}"] for w in range(WRITERS)}
                assert len(clusters) == 1, (k, i, clusters)
        tables = [t.name for t in st.data_tables()]
        before = {t: _rows(st, t) for t in tables}

        # to SQLite and back: every row of every table, unchanged
        lite = open_store(str(tmp_path / "copy.db"))
        back = open_store(new_postgres_url())
        try:
            counts = copy_store(st, lite)
            assert [c.table for c in counts] == tables and all(c.ok for c in counts)
            copy_store(lite, back)
            for t in tables:
                assert _rows(lite, t) == before[t], t
                assert _rows(back, t) == before[t], t
        finally:
            lite.close()
            back.close()


@pytest.mark.parametrize("trials", [10])
def test_a_writer_killed_at_random_moments_leaves_whole_documents(store_url, trials):
    rng = random.Random(12)
    open_store(store_url).close()
    expected = {doc.doc_id: {e.event_id for e in evs} for doc, evs in _all_documents()}
    for trial in range(trials):
        proc = _writer(store_url, 0, 0, 400)
        first = proc.stdout.readline()  # one document is stored: the writer is writing
        assert first, proc.stderr.read()[-3000:]
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode in (-signal.SIGKILL, 0)
        with open_store(store_url) as st:
            docs = [r[0] for r in st.conn.execute("SELECT doc_id FROM documents").fetchall()]
            stored: dict[str, set[str]] = {}
            for doc_id, event_id in st.conn.execute("SELECT doc_id, event_id FROM events").fetchall():
                stored.setdefault(doc_id, set()).add(event_id)
            reports = {r[0] for r in st.conn.execute("SELECT event_id FROM fused_reports").fetchall()}
            assert docs, trial
            for d in docs:  # a whole document: all its events, each fused
                assert stored.get(d, set()) == expected[d], (trial, d)
            assert reports == set().union(*stored.values())
            assert set(stored) <= set(docs)


def _all_documents():
    from store_writer import own_documents

    return own_documents(0, 400)
