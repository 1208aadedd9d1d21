"""The SQLite backend's own ways: WAL, migrations recorded in schema_migrations and
PRAGMA user_version, machine rows untouched by corrections, per-thread readers. What every
backend does is asserted in tests/test_store_contract.py."""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from rasd.records import Actor, Document, Event, Evidence, Place
from rasd.store import open_store
from rasd.store.migrations import Migration, MigrationError, migrate, read_migrations
from rasd.store.sqlite.migrate import SQLiteMigrations


def test_migrations_versioned_and_wal(db):
    with open_store(db) as st:
        assert st.stats()["schema_version"] >= 2
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]
    assert names[:2] == ["001_documents.sql", "002_events.sql"]
    # reopening applies nothing twice
    with open_store(db) as st:
        assert st.stats()["documents"] == 0


def test_user_version_is_the_number_of_the_last_migration(db):
    open_store(db).close()
    conn = sqlite3.connect(db)
    names = [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(names) == int(names[-1][:3])


def test_correction_leaves_the_machine_rows_untouched(db):
    raw = "Government forces shelled Douma on Monday, killing 4 people."
    st = open_store(db)
    st.add_document(Document(doc_id="d1", raw=raw))
    st.replace_events("d1", [Event(event_id="d1:0", doc_id="d1", event_type="Explosions/Remote violence",
                                   sub_event_type="Shelling/artillery/missile attack", date=date(2018, 2, 19),
                                   actor1=Actor("Military Forces of Syria"), fatalities=4,
                                   location=Place("Douma", 33.57, 36.40, country="SY"),
                                   evidence=[Evidence("d1", 18, 25, raw[18:25], "trigger")], sentence=raw)])
    st.add_correction("d1:0", {"location": {"name": "Harasta", "lat": 33.56, "lon": 36.36}, "fatalities": 5},
                      author="analyst")
    st.close()
    raw_row = sqlite3.connect(db).execute("SELECT location, fatalities, data FROM events").fetchone()
    assert raw_row[0] == "Douma" and raw_row[1] == 4 and json.loads(raw_row[2])["location"]["name"] == "Douma"


def test_readers_have_connections_of_their_own_except_in_memory(db):
    st = open_store(db)
    reader = st.reader()
    assert reader is not st and reader.conn is not st.conn and st.reader() is reader  # one per thread
    own = st.reader(own=True)
    assert own is not reader
    own.close()
    st.close()
    mem = open_store(":memory:")
    assert mem.reader() is mem and mem.reader(own=True) is mem  # one connection holds the data
    mem.close()


# -- the migration runner, on scripts of our own ----------------------------------------------------
def _scripts(folder: Path, **files: str) -> Path:
    folder.mkdir()
    for name, sql in files.items():
        (folder / name).write_text(sql, encoding="utf-8")
    return folder


def test_numbered_scripts_must_run_from_one_without_gap_or_twice(tmp_path):
    ok = _scripts(tmp_path / "ok", **{"001_a.sql": "", "002_b.sql": "", "notes.md": "not a script"})
    assert [(m.number, m.stem) for m in read_migrations(ok, ".sql")] == [(1, "001_a"), (2, "002_b")]
    gap = _scripts(tmp_path / "gap", **{"001_a.sql": "", "003_c.sql": ""})
    with pytest.raises(MigrationError, match="002 is missing"):
        read_migrations(gap, ".sql")
    twice = _scripts(tmp_path / "twice", **{"001_a.sql": "", "002_b.sql": "", "002_c.sql": ""})
    with pytest.raises(MigrationError, match="taken twice"):
        read_migrations(twice, ".sql")
    bad = _scripts(tmp_path / "bad", **{"1_a.sql": ""})
    with pytest.raises(MigrationError, match="NNN_what"):
        read_migrations(bad, ".sql")


def test_each_script_is_applied_once_and_a_failing_one_leaves_nothing(tmp_path):
    conn = sqlite3.connect(str(tmp_path / "m.db"), isolation_level=None)
    first = [Migration(1, "001_t.sql", "CREATE TABLE t (x INTEGER);\nINSERT INTO t VALUES (1);")]
    assert migrate(SQLiteMigrations(conn), first) == ["001_t.sql"]
    assert migrate(SQLiteMigrations(conn), first) == []
    broken = first + [Migration(2, "002_u.sql", "CREATE TABLE u (y INTEGER);\nINSERT INTO nowhere VALUES (2);")]
    with pytest.raises(sqlite3.OperationalError):
        migrate(SQLiteMigrations(conn), broken)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "u" not in tables and "t" in tables
    assert [r[0] for r in conn.execute("SELECT name FROM schema_migrations")] == ["001_t.sql"]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1
