"""The real `rasd` CLI: ingest (idempotent, per-input errors, exit codes), documents, show, stats."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def summary(proc) -> str:
    return proc.stdout.strip().splitlines()[-1]


def test_examples_twice_then_zero_new(run_cli, db):
    first = run_cli("ingest", str(EXAMPLES), "--meta", str(EXAMPLES / "meta.jsonl"), check=True)
    assert summary(first).startswith("stored 23 new, 0 updated, 0 unchanged; 0 failed")
    second = run_cli("ingest", str(EXAMPLES), "--meta", str(EXAMPLES / "meta.jsonl"), check=True)
    assert summary(second).startswith("stored 0 new, 0 updated, 23 unchanged; 0 failed")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 23
    assert conn.execute("SELECT count(*) FROM documents WHERE published IS NULL OR outlet IS NULL").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'Baghuz'").fetchone()[0] == 1
    # the wire desk's briefs corroborate two of the examples' events: the demo shows confirmed events
    confirmed = run_cli("events", "--fused", "--status", "confirmed", check=True).stdout
    assert "rasd wire desk" in confirmed and "rasd examples" in confirmed


def test_bad_inputs_reported_one_line_each_rest_stored(run_cli, db, tmp_path: Path):
    d = tmp_path / "batch"
    d.mkdir()
    (d / "good.txt").write_text("Clashes broke out near Tal Tamr on Sunday, the SDF said.\n")
    (d / "empty.txt").write_text("")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (d / "feed.jsonl").write_text('{"id": "j1", "text": "Raid in Idlib."}\n{"id": oops}\n')
    (d / "table.csv").write_text("id,body\n1,text\n")
    (d / "big.txt").write_text("x " * 5000)
    (d / "chrome.txt").write_text("Share this Post\nTT\nSource link\n")
    proc = run_cli("ingest", str(d), "--max-bytes", "4000")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("rasd: ")]
    assert len(errors) == 6, proc.stderr
    for name in ("empty.txt", "binary.txt", "feed.jsonl:2", "table.csv", "big.txt", "chrome.txt"):
        assert sum(name in ln for ln in errors) == 1, name
    assert summary(proc).startswith("stored 2 new, 0 updated, 0 unchanged; 6 failed")
    ids = {r[0] for r in sqlite3.connect(db).execute("SELECT doc_id FROM documents")}
    assert ids == {"good", "j1"}


def test_size_limit_from_environment(run_cli, tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_text("word " * 400)
    proc = run_cli("ingest", str(f), env={"RASD_MAX_FILE_BYTES": "1000"})
    assert proc.returncode == 1 and "limit" in proc.stderr


def test_same_doc_id_new_content_is_updated(run_cli, db, tmp_path: Path):
    f = tmp_path / "r1.txt"
    f.write_text("Five killed in shelling of Ariha, rescuers said.\n")
    run_cli("ingest", str(f), check=True)
    f.write_text("Seven killed in shelling of Ariha, rescuers said on Tuesday.\n")
    proc = run_cli("ingest", str(f), check=True)
    assert summary(proc).startswith("stored 0 new, 1 updated, 0 unchanged")
    row = sqlite3.connect(db).execute("SELECT text, count(*) FROM documents").fetchone()
    assert row == ("Seven killed in shelling of Ariha, rescuers said on Tuesday.", 1)
    g = tmp_path / "copy.txt"
    g.write_text(f.read_text())
    proc = run_cli("ingest", str(g), check=True)
    assert "1 duplicate" in summary(proc)


def test_stdin_ingest(run_cli):
    proc = run_cli("ingest", "-", input="Israeli strikes hit sites near Damascus on Monday, state media said.\n",
                   check=True)
    assert summary(proc).startswith("stored 1 new")
    again = run_cli("ingest", "-", input="Israeli strikes hit sites near Damascus on Monday, state media said.\n",
                    check=True)
    assert summary(again).startswith("stored 0 new, 0 updated, 1 unchanged")


def test_csv_options_on_the_command_line(run_cli, tmp_path: Path):
    f = tmp_path / "t.txt"
    f.write_text("key|when|body\na|2020-03-05|Ceasefire agreed in Moscow on Thursday.\n")
    proc = run_cli("ingest", str(f), "--delimiter", "|", "--text-column", "body", "--id-column", "key",
                   "--date-column", "when", check=True)
    assert summary(proc).startswith("stored 1 new")
    out = run_cli("documents", "--json", check=True)
    row = json.loads(out.stdout.splitlines()[0])
    assert row["doc_id"] == "a" and row["published"] == "2020-03-05"
    bad = run_cli("ingest", str(f), "--delimiter", "|", "--text-column", "nope")
    assert bad.returncode == 1 and "no column 'nope'" in bad.stderr


def test_documents_search_show_offsets_stats(run_cli, tmp_path: Path):
    f = tmp_path / "cap.txt"
    raw = ("Strike hits base near Kiswah\n\nStrike hits base near Kiswah\nTT\n\n"
           "An air strike hit a base near Kiswah, south of Damascus, on Saturday night, a monitor said.\n\n"
           "Share this Post\n")
    f.write_text(raw)
    run_cli("ingest", str(f), check=True)
    listing = run_cli("documents", check=True).stdout
    lines = listing.splitlines()
    assert lines[0].split()[:2] == ["DOC_ID", "PUBLISHED"] and lines[2].startswith("cap ")
    found = run_cli("documents", "--search", "kiswah damascus", check=True).stdout
    assert "cap" in found and ("[Kiswah]" in found or "[Damascus]" in found)
    assert run_cli("documents", "--search", "Aleppo").stdout == ""
    shown = run_cli("show", "cap", check=True).stdout
    assert "Share this Post" not in shown and shown.count("Strike hits base near Kiswah") == 2  # title + text
    offs = run_cli("show", "cap", "--offsets", check=True).stdout.splitlines()
    line = next(ln for ln in offs if "An air strike" in ln)
    _, raw_span, *_ = line.split()
    rs, re_ = map(int, raw_span.split("-"))
    assert raw[rs:re_].startswith("An air strike") and raw[rs:re_].endswith("a monitor said.")
    missing = run_cli("show", "nope")
    assert missing.returncode == 1 and "no document" in missing.stderr
    stats = json.loads(run_cli("stats", check=True).stdout)
    assert stats["documents"] == 1 and stats["schema_version"] >= 2


def test_help_and_usage_errors(run_cli, tmp_path: Path):
    for cmd in ("ingest", "documents", "show", "stats"):
        proc = run_cli(cmd, "--help", check=True)
        assert "Usage" in proc.stdout
    assert run_cli("ingest", "x", "--format", "pdf").returncode == 2
    bad_meta = tmp_path / "m.jsonl"
    bad_meta.write_text("{not json\n")
    proc = run_cli("ingest", str(EXAMPLES), "--meta", str(bad_meta))
    assert proc.returncode == 2 and "m.jsonl:1" in proc.stderr and "Traceback" not in proc.stderr


def test_seeds_ingest(run_cli, db, shared):
    seeds = shared / "seeds"
    first = run_cli("ingest", str(seeds), "--meta", str(seeds / "meta.jsonl"), check=True)
    assert summary(first).startswith("stored 6 new, 0 updated, 0 unchanged; 0 failed")
    second = run_cli("ingest", str(seeds), "--meta", str(seeds / "meta.jsonl"), check=True)
    assert summary(second).startswith("stored 0 new, 0 updated, 6 unchanged; 0 failed")
    conn = sqlite3.connect(db)
    rows = dict(conn.execute("SELECT doc_id, text FROM documents").fetchall())
    assert len(rows) == 6 and any(k.endswith("#2") for k in rows)
    everything = "\n".join(rows.values())
    for gone in ("Related Articles", "You might also like", "Share this Post", "Source link",
                 "Click here to support", "Post category"):
        assert gone not in everything
    assert all(ln.strip() not in ("TT", "20") for ln in everything.split("\n"))


def test_new_metadata_for_same_content_updates(run_cli, db, tmp_path: Path):
    f = tmp_path / "r.txt"
    f.write_text("Five killed in shelling of Ariha, rescuers said.\n")
    meta = tmp_path / "meta.jsonl"
    meta.write_text('{"file": "r.txt", "published": "2019-05-01"}\n')
    run_cli("ingest", str(f), "--meta", str(meta), check=True)
    meta.write_text('{"file": "r.txt", "published": "2019-05-02", "outlet": "Wire"}\n')
    proc = run_cli("ingest", str(f), "--meta", str(meta), check=True)
    assert summary(proc).startswith("stored 0 new, 1 updated, 0 unchanged")
    row = sqlite3.connect(db).execute("SELECT published, outlet FROM documents").fetchone()
    assert row == ("2019-05-02", "Wire")


def test_a_stage_failing_on_one_document_does_not_stop_the_batch(tmp_path: Path, monkeypatch):
    from typer.testing import CliRunner

    from rasd.clean import Cleaner
    from rasd.cli import app

    for name in ("a", "bad", "c"):
        (tmp_path / f"{name}.txt").write_text(f"Report {name}: shelling hit the town on Monday, the monitor said.\n")
    real = Cleaner.clean

    def flaky(self, doc):
        if doc.doc_id == "bad":
            raise ValueError("boom")
        return real(self, doc)

    monkeypatch.setattr(Cleaner, "clean", flaky)
    db = str(tmp_path / "t.db")
    res = CliRunner().invoke(app, ["--db", db, "ingest", str(tmp_path), "--no-progress"])
    assert res.exit_code == 1
    assert "bad.txt: could not be processed (ValueError: boom)" in res.output
    assert "stored 2 new" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
