"""The analysts' workbench on the command line (issue 14): tokens, the events table with its
header, ids and confidence, and the listing formats. In-process (typer's runner)."""
from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from rasd.cli import app


@pytest.fixture
def db(tmp_path):
    from rasd.serve.synthetic import fill_store
    from rasd.store import open_store

    path = str(tmp_path / "wb.db")
    with open_store(path) as st:
        fill_store(st, 30)
    return path


def rasd(*args: str):
    return CliRunner().invoke(app, list(args))


def test_a_token_is_printed_once_stored_as_a_hash_listed_and_revoked(db):
    from rasd.analysts import hash_token
    from rasd.store import open_store

    made = rasd("--db", db, "tokens", "add", "ana")
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert len(token) >= 40 and "shown only now" in made.stderr
    with open_store(db) as st:
        assert st.token_author(hash_token(token)) == "ana"
        assert all(token not in (t.token_hash, t.name) for t in st.list_tokens())
    assert rasd("--db", db, "tokens", "add", "ana").exit_code == 1  # taken
    assert rasd("--db", db, "tokens", "add", "owner").exit_code == 2  # the server token's author
    assert rasd("--db", db, "tokens", "add", "no spaces").exit_code == 2
    listed = rasd("--db", db, "tokens", "list").stdout.splitlines()
    assert listed[0].split() == ["NAME", "STATE", "CREATED", "REVOKED"] and listed[2].split()[:2] == ["ana", "working"]
    assert rasd("--db", db, "tokens", "revoke", "ana").exit_code == 0
    assert rasd("--db", db, "tokens", "revoke", "ana").exit_code == 1
    rows = json.loads(rasd("--db", db, "tokens", "list", "--format", "json").stdout)
    assert [(r["name"], r["state"]) for r in rows] == [("ana", "revoked")] and rows[0]["revoked_at"]
    with open_store(db) as st:
        assert st.token_author(hash_token(token)) is None


def test_the_events_table_has_a_header_ids_and_confidence(db):
    out = rasd("--db", db, "events", "--limit", "500")
    lines = out.stdout.splitlines()
    assert lines[0].split()[:2] == ["EVENT_ID", "DATE"] and "CONF" in lines[0]
    rows = json.loads(rasd("--db", db, "events", "--limit", "500", "--format", "json").stdout)
    assert len(lines) == len(rows) + 2  # header and rule
    assert [ln.split()[0] for ln in lines[2:]] == [r["event_id"] for r in rows]
    cut = sorted(r["confidence"] for r in rows)[len(rows) // 2]
    some = json.loads(rasd("--db", db, "events", "--limit", "500", "--min-confidence", str(cut), "-f", "json").stdout)
    assert len(some) == sum(r["confidence"] >= cut for r in rows) and all(r["confidence"] >= cut for r in some)
    table = list(csv.DictReader(io.StringIO(rasd("--db", db, "events", "--limit", "500", "-f", "csv").stdout)))
    assert [r["event_id_cnty"] for r in table] == [r["event_id"] for r in rows]
    assert rasd("--db", db, "events", "--format", "yaml").exit_code == 2
    assert rasd("--db", db, "events", "--min-confidence", "2").exit_code == 2


def test_global_options_are_taken_after_the_command_too(db, tmp_path):
    import typer.main

    from rasd.cli import hoist_global_options

    root = typer.main.get_command(app)
    hoist = lambda *a: hoist_global_options(root, None, list(a))  # noqa: E731
    assert hoist("serve", "--db", "x.db", "-v", "--port", "0") == ["--db", "x.db", "-v", "serve", "--port", "0"]
    assert hoist("tokens", "list", "-vv", "--db=x.db") == ["-vv", "--db=x.db", "tokens", "list"]
    # a command's own option values stay its own, and so does everything after --
    assert hoist("events", "--text", "-v") == ["events", "--text", "-v"]
    assert hoist("ingest", "--", "--db") == ["ingest", "--", "--db"]
    # the option nearest the command wins
    assert hoist("--db", "a.db", "events", "--db", "b.db") == ["--db", "a.db", "--db", "b.db", "events"]
    # end to end: the store named after the command is the one read
    ids = json.loads(rasd("events", "--db", db, "--limit", "3", "-f", "json", "-v").stdout)
    assert len(ids) == 3
    empty = str(tmp_path / "empty.db")
    assert json.loads(rasd("--db", db, "events", "--db", empty, "-f", "json").stdout) == []


@pytest.mark.parametrize("command", [["documents"], ["sources", "list"], ["agreements"], ["tokens", "list"],
                                     ["events"]])
def test_every_listing_has_a_header_and_speaks_json_and_csv(db, command):
    as_json = rasd("--db", db, *command, "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)
    as_csv = list(csv.reader(io.StringIO(rasd("--db", db, *command, "-f", "csv").stdout)))
    assert len(as_csv) == len(rows) + 1 and as_csv[0]  # a header, then one line a row
    table = rasd("--db", db, *command).stdout.splitlines()
    if rows:
        assert table[0].split()[0].isupper() and set(table[1]) <= {"-", " "}
        assert len(table) >= len(rows) + 2
    else:
        assert table == []
    assert rasd("--db", db, *command, "--format", "xml").exit_code == 2


def test_the_document_table_shows_ids_dates_and_outlets(db):
    docs = json.loads(rasd("--db", db, "documents", "-f", "json").stdout)
    table = rasd("--db", db, "documents").stdout.splitlines()
    assert table[0].split() == ["DOC_ID", "PUBLISHED", "OUTLET", "CHARS", "TITLE"]
    assert [line.split()[0] for line in table[2:]] == [d["doc_id"] for d in docs]
    assert all(d["outlet"] in line for d, line in zip(docs, table[2:]) if d["outlet"])
