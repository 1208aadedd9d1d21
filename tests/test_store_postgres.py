"""The PostgreSQL backend's own ways: migrations recorded in schema_migrations and
schema_version, the tables in the connection's default schema (what psql sees), the full-text
column and the covering indexes, and one clear line when the server cannot be reached. What
every backend does is asserted in tests/test_store_contract.py."""
from __future__ import annotations

import subprocess
import sys

import pytest

from rasd.records import Document
from rasd.store import open_store
from rasd.store.migrations import package_migrations


@pytest.fixture
def url(new_postgres_url):
    return new_postgres_url()


def test_migrations_applied_once_each_with_the_version_recorded(url):
    import psycopg

    open_store(url).close()
    with open_store(url) as st:  # reopening applies nothing twice
        st.add_document(Document(doc_id="a", raw="Shelling hit Douma on Monday."))
    names = [m.name for m in package_migrations("rasd.store.postgres.migrations", ".sql")]
    # the same numbered migrations as SQLite, by name
    assert [n.rsplit(".", 1)[0] for n in names] == [
        m.stem for m in package_migrations("rasd.store.sqlite.migrations", ".sql")]
    with psycopg.connect(url) as conn:  # as psql sees it: plain table names, no prefix
        assert [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY name")] == names
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(len(names),)]
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        # the words of title and text, searchable with the rasd_simple configuration
        assert conn.execute("SELECT count(*) FROM documents WHERE fts @@ to_tsquery('rasd_simple', 'DOUMA')"
                            ).fetchone()[0] == 1
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")}
    assert {"documents_fts", "events_view_date", "events_view_type", "events_view_sub",
            "events_sentence_trgm"} <= indexes


def test_an_unreachable_server_is_one_line_without_the_password():
    proc = subprocess.run([sys.executable, "-m", "rasd", "--db", "postgresql://ana:s3cret@127.0.0.1:1/rasd", "stats"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3
    assert proc.stderr.startswith("rasd: postgresql://ana:***@127.0.0.1:1/rasd: cannot connect to PostgreSQL")
    assert len(proc.stderr.strip().splitlines()) == 1 and "s3cret" not in proc.stderr


def test_sessions_run_without_jit_on_custom_plans_and_keep_the_options_of_the_url(url):
    # a short statement the server thinks costly (a box over a large store) compiled itself for
    # longer than it ran, and a prepared one turned to a generic plan made without the box's
    # values (a sorted scan of every event): the store's connections turn JIT off and plan with
    # the values each time; the URL's own options (here the test's schema on the search_path)
    # still apply, and so do those of a reader
    assert "options=" in url
    with open_store(url) as st:
        st.add_document(Document(doc_id="a", raw="Shelling hit Douma on Monday."))
        reader = st.reader(own=True)
        try:
            for s in (st, reader):
                assert s.raw.execute("SHOW jit").fetchone()[0] == "off"
                assert s.raw.execute("SHOW plan_cache_mode").fetchone()[0] == "force_custom_plan"
                assert s.get_document("a") is not None  # the tables of the URL's schema
                assert s.raw.execute("SELECT current_schema()").fetchone()[0] != "public"
        finally:
            reader.close()


def test_a_box_filter_leaves_the_planner_the_statistics_of_lat_and_lon(url):
    # SQLite's '+lat' (keep the planner off the (lat, lon) index) hid the columns' statistics
    # from PostgreSQL, which then sorted a scan of the whole table for a box's first page
    from rasd.store.sql.events import field_filters

    with open_store(url) as st:
        c, a = field_filters({"bbox": (36.0, 33.0, 37.0, 34.0)}, unindexed=st.dialect.unindexed)
    assert c == ["e.lat BETWEEN ? AND ? AND e.lon BETWEEN ? AND ?"] and a == [33.0, 34.0, 36.0, 37.0]
