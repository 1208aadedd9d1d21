"""`rasd export`: every event, corrections marked, streamed into a file renamed into place."""
from __future__ import annotations

import json

import pyarrow.parquet as pq

from _server import build_store


def test_export_formats(db, run_cli, tmp_path):
    from rasd.store import open_store

    build_store(db, 2100)
    with open_store(db) as st:
        first = st.query_events_view(limit=1)[0]
        st.add_correction(first.event_id, {"fatalities": 99})
    out = tmp_path / "e.jsonl"
    r = run_cli("export", "-f", "jsonl", "-o", str(out))
    assert r.returncode == 0 and "exported 2100 events" in r.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 2100 and len({x["event_id"] for x in rows}) == 2100
    marked = [x for x in rows if x["corrected"]]
    assert [(x["event_id"], x["fatalities"]) for x in marked] == [(first.event_id, 99)]
    pq_out = tmp_path / "e.parquet"
    assert run_cli("export", "-f", "parquet", "-o", str(pq_out), "--type", "Battles").returncode == 0
    pf = pq.ParquetFile(pq_out)
    assert pf.metadata.num_rows == sum(1 for x in rows if x["event_type"] == "Battles") and pf.num_row_groups >= 1
    geo = json.loads(run_cli("export", "-f", "geojson", "--place", "Douma").stdout)
    assert geo["features"] and all(f["properties"]["location"]["name"] == "Douma" for f in geo["features"])
    assert not list(tmp_path.glob("*.part"))
    assert run_cli("export", "-f", "xml").returncode == 2
    assert run_cli("export", "--from", "2018-02-31").returncode == 2
