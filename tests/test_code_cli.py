"""`rasd extract` and `rasd events` through the real CLI."""
import csv
import io
import json

import pytest

from rasd.export.acled_csv import CSV_COLUMNS

TEXT = ("Syrian army troops shelled rebel positions on Sunday, killing three fighters, "
        "according to the Syrian Observatory for Human Rights.\n\n"
        "Dozens of residents protested against the siege on Monday.\n")


@pytest.fixture(scope="module")
def gaz(gazetteer_path):
    """The test session's gazetteer (conftest: built once, in this process), not the user's."""
    return {"RASD_GAZETTEER": gazetteer_path}


def _inputs(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "meta.jsonl").write_text(json.dumps({"file": "a.txt", "published": "2020-03-03",
                                                     "outlet": "Enab Baladi"}) + "\n")
    return tmp_path


def test_extract_jsonl_and_csv(run_cli, tmp_path, gaz):
    d = _inputs(tmp_path)
    (d / "ar.txt").write_text("قصفت قوات النظام مدينة دوما يوم الاثنين، مما أسفر عن مقتل أربعة أشخاص.\n", encoding="utf-8")
    out = run_cli("extract", str(d / "a.txt"), str(d / "ar.txt"), "--meta", str(d / "meta.jsonl"), "--no-progress",
                  env=gaz, check=True)
    # an Arabic article is not a silent "0 events": rasd says it codes English only
    assert "ar.txt: written in Arabic (Arabic script): rasd codes English only" in out.stderr
    evs = [json.loads(line) for line in out.stdout.splitlines()]
    shell = next(e for e in evs if e["sub_event_type"] == "Shelling/artillery/missile attack")
    assert shell["date"] == "2020-03-01" and shell["fatalities"] == 3
    assert shell["actor1"]["name"] == "Military Forces of Syria (2000-2024)"  # the Assad-era name in 2020
    assert "Syrian Observatory for Human Rights" in shell["sources"]
    assert any(e["event_type"] == "Protests" for e in evs)
    out = run_cli("extract", str(d / "a.txt"), "--meta", str(d / "meta.jsonl"), "--format", "csv", "--no-progress", env=gaz, check=True)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0].keys()) == CSV_COLUMNS and len(rows) == len(evs)
    # the outlet fills ACLED's source; the claimant the text names has a column of its own
    row = next(r for r in rows if r["sub_event_type"] == "Shelling/artillery/missile attack")
    assert (row["source"], row["rasd_outlet"], row["rasd_doc_id"]) == ("Enab Baladi", "Enab Baladi", "a")
    assert "Syrian Observatory for Human Rights" in row["rasd_claimants"]
    assert "Syrian Observatory" not in row["source"]


def test_extract_reads_csv_with_the_column_options_of_ingest(run_cli, tmp_path, gaz):
    rows = [["key", "body", "day"],
            ["n1", "Syrian army troops shelled rebel positions on Sunday, killing three fighters.", "2020-03-03"],
            ["n2", "Dozens of residents protested against the siege on Monday.", "2020-03-03"]]
    (tmp_path / "notes.csv").write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    out = run_cli("extract", str(tmp_path / "notes.csv"), "--delimiter", "semicolon", "--text-column", "body",
                  "--id-column", "key", "--date-column", "day", "--no-progress", env=gaz, check=True)
    evs = [json.loads(line) for line in out.stdout.splitlines()]
    shell = next(e for e in evs if e["doc_id"] == "n1")
    assert shell["date"] == "2020-03-01" and shell["fatalities"] == 3
    assert any(e["doc_id"] == "n2" and e["event_type"] == "Protests" for e in evs)
    bad = run_cli("extract", str(tmp_path / "notes.csv"), "--delimiter", "ab", "--no-progress", env=gaz)
    assert bad.returncode == 2 and "--delimiter" in bad.stderr and "Traceback" not in bad.stderr


def test_extract_reports_bad_input_and_goes_on(run_cli, tmp_path, gaz):
    d = _inputs(tmp_path)
    out = run_cli("extract", str(d / "a.txt"), str(d / "missing.txt"), "--no-progress", env=gaz)
    assert out.returncode == 1
    assert "missing.txt" in out.stderr and "Traceback" not in out.stderr
    assert out.stdout.strip()
    assert run_cli("extract", str(d / "a.txt"), "--format", "xml").returncode == 2


def test_events_query_after_ingest(run_cli, tmp_path, gaz):
    from rasd.config import PipelineConfig
    from rasd.pipeline import build_pipeline
    from rasd.records import Document
    from rasd.store import open_store

    pipe = build_pipeline(PipelineConfig(gazetteer=gaz["RASD_GAZETTEER"]))
    from datetime import date

    res = pipe.run_batch([Document(doc_id="a", raw=TEXT, published=date(2020, 3, 3))])[0]
    assert res.events
    db = tmp_path / "q.db"
    with open_store(str(db)) as st:
        with st.transaction():
            st.add_document(res.document)
            st.replace_events("a", res.events)
    out = run_cli("--db", str(db), "events", "--type", "Protests", "--format", "jsonl", check=True)
    got = [json.loads(line) for line in out.stdout.splitlines()]
    assert got and all(e["event_type"] == "Protests" for e in got)
    out = run_cli("--db", str(db), "events", "--actor", "Military Forces of Syria", "--from", "2020-03-01", "--to", "2020-03-01", check=True)
    assert "Shelling" in out.stdout
    assert run_cli("--db", str(db), "events", "--from", "yesterday").returncode == 2
