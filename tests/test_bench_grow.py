"""bench/grow.py, which makes the benches' million-event stores from a small base: on both
backends a grown store holds whole copies under new ids (the JSON records' ids too), keeps its
indexes, and reads as the store it copies (small stores: a few dozen rows)."""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import bench_fusion  # noqa: E402
import grow  # noqa: E402

from rasd.serve.synthetic import fill_store  # noqa: E402
from rasd.store import open_store  # noqa: E402


def _indexes(st) -> set[str]:
    if "sqlite" in type(st).__module__:
        return {r[0] for r in st.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'"
                                              " AND sql IS NOT NULL")}
    return {r[0] for r in st.conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")}


def _grow(url: str, times: int) -> None:
    if url.startswith("postgresql"):
        with grow.pg_bulk(url, grow.GROWN):
            grow.grow_pg(url, times)
    else:
        grow.grow(Path(url), times)


def test_a_grown_store_holds_whole_copies_under_new_ids(store_url: str) -> None:
    with open_store(store_url) as st:
        fill_store(st, 8)  # 2 documents of 4 events
        bench_fusion.fill_fused_bulk(st, random.Random(7), 10)  # 2 documents of 5, each event fused alone
        before = _indexes(st)
        base = st.stats()
    _grow(store_url, 3)
    with open_store(store_url) as st:
        assert st.stats()["documents"] == 3 * base["documents"]
        assert st.stats()["events"] == 3 * base["events"] == 54
        assert _indexes(st) == before
        rows = st.conn.execute("SELECT event_id, doc_id, cluster_id, data FROM events").fetchall()
        assert len({r[0] for r in rows}) == 54
        for event_id, doc_id, cluster_id, data in rows:
            rec = json.loads(data)
            assert (rec["event_id"], rec["doc_id"], rec.get("cluster_id")) == (event_id, doc_id, cluster_id)
            assert event_id.startswith(doc_id + ":")
        copy = st.conn.execute("SELECT f.data, r.doc_id, r.event_id FROM fused_events f JOIN fused_reports r"
                               " ON r.cluster_id = f.cluster_id WHERE f.cluster_id LIKE '%r2'").fetchall()
        assert len(copy) == 10
        for data, doc_id, event_id in copy:
            assert doc_id.endswith("r2") and f'"{event_id}"' in data and "r2" in json.loads(data)["cluster_id"]
        page = st.query_events_summary(limit=100, place="Douma")
        assert all("Douma" in (e["location"] or {}).get("name", "") for e in page)


def test_only_stores_of_single_report_fused_events_grow(store_url: str) -> None:
    with open_store(store_url) as st:
        bench_fusion.fill_fused_bulk(st, random.Random(7), 10)
        with st.transaction():  # one fused event with a second report (as real fusion merges them)
            st.conn.execute("UPDATE fused_reports SET position = 1 WHERE event_id = 'd000001:0'")
    with pytest.raises(ValueError, match="more than one report"):
        _grow(store_url, 2)


def test_the_bench_runs_the_scripts_asked_for() -> None:
    import run

    scripts = [Path(f"bench_{n}.py") for n in ("api", "fusion", "postgres")]
    assert run.selected(scripts, "") == scripts
    assert run.selected(scripts, "postgres, bench_fusion.py") == [scripts[2], scripts[1]]
    with pytest.raises(SystemExit, match="no bench named nope"):
        run.selected(scripts, "nope")
