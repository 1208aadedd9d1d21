"""`rasd copy`, `rasd backup` and `rasd restore`: every table of the schema moves, row for row,
between backends, through a logical backup, and through SQLite's online backup; a damaged
backup or a store that is not empty is refused with nothing written."""
from __future__ import annotations

import gzip
import os
import sqlite3
import subprocess
import sys
from datetime import date

import pytest

from rasd.records import Actor, Agreement, Clause, ControlPeriod, Evidence, FusedEvent, Place, RecalledChange, Report
from rasd.serve.synthetic import fill_store
from rasd.store import open_store
from rasd.store.base import Alert, FusedRevision, ListedItem, SourceRead, WatchSource
from rasd.store.transfer import TransferError, backup_kind, copy_store, dump, load


def _fill(url: str) -> None:
    """Rows in every table: documents, events, a fused event, control, an agreement with a clause,
    a correction (and its override), watch sources and items, an analyst's token, an alert with a
    queued notification of a fused event's revision, a lease and a recalled change."""
    with open_store(url) as st:
        fill_store(st, 40)
        ev = st.query_events(limit=2)
        fe = FusedEvent(cluster_id="c1", event_type=ev[0].event_type, sub_event_type=ev[0].sub_event_type,
                        date=ev[0].date, date_range=(ev[0].date, ev[0].date), location=ev[0].location,
                        status="confirmed", corroboration=2,
                        reports=[Report(event_id=e.event_id, doc_id=e.doc_id, outlet="Wire", stance="asserted",
                                        date=e.date) for e in ev])
        st.save_fused(fe, family="attack", place_key="douma")
        st.replace_control("douma", [ControlPeriod(place=Place("Douma", 33.57, 36.40), holder="Rebels",
                                                   start=date(2018, 1, 1), end=date(2018, 4, 1))])
        st.save_agreement(Agreement("a1", [Actor("Rebels")], Place("Douma", 33.57, 36.40), date(2018, 4, 1),
                                    "reached", [Clause("who_leaves", "fighters leave",
                                                       Evidence(ev[0].doc_id, 0, 5, "xxxxx", "clause"))],
                                    cluster_id="c1"))
        st.add_correction(ev[1].event_id, {"fatalities": 7}, author="analyst", note="checked")
        st.save_source(WatchSource(name="wire", url="http://127.0.0.1:9/feed"))
        st.record_read("wire", SourceRead(status="ok", at="2024-01-01T00:00:00Z"),
                       [ListedItem("http://127.0.0.1:9/a", "A", "2024-01-01")])
        st.add_token("ana", "ab" * 32)  # migration 006: analysts' tokens
        st.save_alert(Alert("homs", "webhook", "http://127.0.0.1:9/h", {"status": "confirmed"}))  # 007: alerts
        t = "2024-01-01T00:00:00.000Z"
        st.record_revision(FusedRevision("c1", 1, t, t, [{"field": "new"}], {"status": "confirmed"}),
                           {"kind": "new", "cluster_id": "c1"})  # a revision and its notification
        st.acquire_lease("alerts", "test", now=t, until="2024-01-01T00:01:00.000Z")
        st.replace_recalled(ev[0].doc_id, [("douma", RecalledChange(  # 009: a change told in recollection
            ev[0].doc_id, Place("Douma", 33.57, 36.40), date(2018, 3, 1), date(2018, 3, 31), "month",
            gainer=Actor("Rebels"), evidence=[Evidence(ev[0].doc_id, 0, 5, "xxxxx", "sentence")]))])


def _rows(st) -> dict[str, list]:
    out = {}
    with st.snapshot():
        for t in st.data_tables():
            cols = [c for c in t.columns if c not in st.implicit_columns()]
            out[t.name] = sorted((r for b in st.read_rows(t.name, cols) for r in b), key=repr)
    return out


def _rasd(*args: str, db: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if db:
        env["RASD_DB"] = db
    return subprocess.run([sys.executable, "-m", "rasd", *args, "--no-progress"], capture_output=True, text=True,
                          env=env, timeout=300)


def _sqlite_tables(path: str) -> set[str]:
    """The data tables of a SQLite store, listed here independently of the code under test."""
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'"
                                        " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'documents_fts%'")}
    conn.close()
    return names - {"schema_migrations"}


def test_copy_moves_every_table_between_backends_row_for_row(store_url, tmp_path):
    _fill(store_url)
    with open_store(store_url) as st:
        before = _rows(st)
    assert all(before[t] for t in before if t != "corrections_stale"), [t for t in before if not before[t]]
    lite = str(tmp_path / "copy.db")
    proc = _rasd("copy", "--from", store_url, "--to", lite)
    assert proc.returncode == 0, proc.stderr
    listed = {line.split()[0]: int(line.split()[1]) for line in proc.stdout.splitlines()}
    assert set(listed) == _sqlite_tables(lite)  # every table of the schema, each counted
    assert listed == {t: len(rows) for t, rows in before.items()}
    with open_store(lite) as st:
        assert _rows(st) == before
        corrected = st.query_events_view(limit=100)
        assert [e.fatalities for e in corrected if "corrected" in e.attrs] == [7] and st.list_documents("airstrikes")  # corrections and search work


def test_logical_backup_restores_into_either_backend(store_url, tmp_path, new_postgres_url):
    _fill(store_url)
    backup = str(tmp_path / "store.rasd.gz")
    with open_store(store_url) as st:
        before = _rows(st)
        counts = dump(st, backup, backend="any", schema_version=st.health()["schema_version"])
        assert {c.table: c.target for c in counts} == {t: len(r) for t, r in before.items()}
        with pytest.raises(TransferError, match="exists"):  # never overwritten
            dump(st, backup, backend="any", schema_version=0)
    for target in (str(tmp_path / "restored.db"), new_postgres_url()):
        with open_store(target) as st:
            load(backup, st)
            assert _rows(st) == before
            # a second restore into the now full store is refused, leaving it as it was
            with pytest.raises(TransferError, match="not empty"):
                load(backup, st)
            assert _rows(st) == before


def test_sqlite_online_backup_and_back(tmp_path):
    db = str(tmp_path / "live.db")
    _fill(db)
    online = str(tmp_path / "online.db")
    with open_store(db) as st:
        before = _rows(st)
        st.backup_to(online)
    assert sqlite3.connect(online).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert backup_kind(online) == "sqlite"
    with open_store(online) as src, open_store(str(tmp_path / "again.db")) as st:
        copy_store(src, st)
        assert _rows(st) == before


def test_a_damaged_backup_is_refused_and_nothing_is_written(tmp_path, db, run_cli):
    src = str(tmp_path / "src.db")
    _fill(src)
    backup = tmp_path / "b.gz"
    with open_store(src) as st:
        dump(st, str(backup), backend="sqlite", schema_version=5)
    lines = gzip.open(backup, "rt", encoding="utf-8").read().splitlines()
    cut = tmp_path / "cut.gz"
    with gzip.open(cut, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines[: len(lines) // 2]) + "\n")  # ends inside a table
    proc = run_cli("restore", str(cut), "--no-progress")  # into the (new) store of run_cli
    assert proc.returncode == 3 and "truncated" in proc.stderr and "Traceback" not in proc.stderr
    (tmp_path / "junk").write_text("not a backup")
    with pytest.raises(TransferError, match="not a rasd backup"):
        backup_kind(str(tmp_path / "junk"))
    with open_store(db) as st:
        assert all(st.count_rows(t.name) == 0 for t in st.data_tables())


def test_a_table_added_by_a_later_migration_moves_too(tmp_path):
    src, dst = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    for path in (src, dst):  # as a later migration would add it, on both sides
        open_store(path).close()
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE later_notes (id INTEGER PRIMARY KEY, note TEXT NOT NULL)")
        conn.commit()
        conn.close()
    conn = sqlite3.connect(src)
    conn.executemany("INSERT INTO later_notes(note) VALUES (?)", [("one",), ("two",)])
    conn.commit()
    conn.close()
    with open_store(src) as a:
        with open_store(dst) as b:
            counts = copy_store(a, b)
        assert ("later_notes", 2, 2) in [(c.table, c.source, c.target) for c in counts]
        assert sqlite3.connect(dst).execute("SELECT note FROM later_notes ORDER BY id").fetchall() == [
            ("one",), ("two",)]
        # a target without that table is refused rather than losing it
        with open_store(str(tmp_path / "c.db")) as c, pytest.raises(TransferError, match="later_notes"):
            copy_store(a, c)


@pytest.mark.parametrize("cmd", ["backup", "restore", "copy"])
def test_help(cmd):
    from typer.testing import CliRunner

    from rasd.cli import app

    res = CliRunner().invoke(app, [cmd, "--help"])
    assert res.exit_code == 0 and "Usage" in res.output
