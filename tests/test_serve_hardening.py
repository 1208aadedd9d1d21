"""Issue 15's reproductions and the hardening around them: uploads never become paths, no
document replaces another unless named alike, bad parameters are 4xx naming them, CSV cells
cannot run as formulas, only allowed hosts are answered, the page's headers, an honest
OpenAPI document."""
from __future__ import annotations

import os
import re
import tempfile
import time
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from serve_helpers import AUTH, app_client


@pytest.fixture
def client(db):
    with app_client(db) as c:
        yield c


# -- 1. uploads -------------------------------------------------------------------------
def test_an_upload_name_never_becomes_a_path(client):
    victim = Path(tempfile.gettempdir()) / "probe" / "victim"
    if victim.exists():
        victim.unlink()
    r = client.post("/api/ingest/file", params={"name": "../probe/victim"}, headers=AUTH,
                    content=b"Shelling hit Douma overnight.")
    assert r.status_code == 422 and "name" in r.json()["error"] and "slash" in r.json()["error"]
    assert not victim.exists()
    r = client.post("/api/ingest/file", params={"name": ".."}, headers=AUTH, content=b"Shelling hit Douma.")
    assert r.status_code == 422 and "name" in r.json()["error"]
    # an ordinary name still tells the format and the id
    r = client.post("/api/ingest/file", params={"name": "report.html"}, headers=AUTH,
                    content=b"<html><body><article><p>Shelling hit the town of Douma overnight, a monitor "
                            b"said, and several houses were destroyed.</p></article></body></html>")
    assert r.status_code == 201 and r.json()["documents"][0]["doc_id"] == "report"
    assert "<p>" not in client.get("/api/documents/report").json()["text"]


def test_stale_upload_folders_of_earlier_runs_are_removed(tmp_path):
    from rasd.serve.ingest import remove_stale_uploads

    old, fresh, other = tmp_path / "rasd-ingest-abc", tmp_path / "rasd-ingest-new", tmp_path / "keep-me"
    for d in (old, fresh, other):
        d.mkdir()
        (d / "upload.txt").write_text("x")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    os.utime(other, (hour_ago, hour_ago))
    assert remove_stale_uploads(str(tmp_path)) == 1
    assert not old.exists() and fresh.exists() and other.exists()


# -- 3. silent loss -----------------------------------------------------------------------
def test_documents_without_an_id_never_replace_each_other(client):
    a = client.post("/api/ingest", headers=AUTH, json={"text": "Rebels shelled a village near Hama on Monday."})
    b = client.post("/api/ingest", headers=AUTH, json={"text": "Protesters gathered in Daraa on Friday."})
    assert a.status_code == b.status_code == 201
    ida, idb = a.json()["documents"][0]["doc_id"], b.json()["documents"][0]["doc_id"]
    assert ida != idb and ida.startswith("api-") and idb.startswith("api-")
    assert "Hama" in client.get(f"/api/documents/{ida}").json()["text"]
    assert "Daraa" in client.get(f"/api/documents/{idb}").json()["text"]
    again = client.post("/api/ingest", headers=AUTH, json={"text": "Rebels shelled a village near Hama on Monday."})
    assert again.json()["documents"][0] == {**a.json()["documents"][0], "status": "unchanged"}
    # a client that names the same id replaces its own document, and only then
    client.post("/api/ingest", headers=AUTH, json={"text": "First version from Idlib.", "doc_id": "mine"})
    r = client.post("/api/ingest", headers=AUTH, json={"text": "Second version from Idlib.", "doc_id": "mine"})
    assert r.json()["documents"][0]["status"] == "updated"


# -- 4. 4xx for bad input -------------------------------------------------------------------
@pytest.mark.parametrize("path,params,word", [
    ("/api/agreements", {"offset": "99999999999999999999"}, "offset"),
    ("/api/documents", {"offset": "99999999999999999999"}, "offset"),
    ("/api/documents", {"q": "a\x00b"}, "q"),
    ("/api/events", {"date_from": "20200101"}, "date_from"),
    ("/api/events", {"date_to": "2020-W01-1"}, "date_to"),
    ("/api/events", {"limit": "٣"}, "limit"),
    ("/api/events", {"limit": "+3"}, "limit"),
    ("/api/events", {"date_to": ""}, "date_to"),
    ("/api/events", {"view": ""}, "view"),
    ("/api/events/histogram", {"bin": "week"}, "bin"),
    ("/api/events/points", {"limit": "1e3"}, "limit"),
    ("/api/export", {"format": "xlsx"}, "format"),
    ("/api/gazetteer", {"q": ""}, "q"),
    ("/api/control", {}, "place"),
])
def test_bad_parameters_get_a_4xx_naming_them(client, path, params, word):
    r = client.get(path, params=params)
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    assert f"bad parameter {word}" in r.json()["error"]


def test_bad_bodies_get_a_422_naming_the_field(client):
    r = client.post("/api/ingest", headers={**AUTH, "Content-Type": "application/json"},
                    content=b'{"text": "\\ud800"}')
    assert r.status_code == 422 and "text" in r.json()["error"] and "surrogate" in r.json()["error"]
    r = client.post("/api/ingest", headers=AUTH, json={"text": "Shelling hit Douma.", "doc_id": "a\x00b"})
    assert r.status_code == 422 and "doc_id" in r.json()["error"] and "NUL" in r.json()["error"]
    r = client.post("/api/ingest", headers=AUTH, json={"text": "Shelling hit Douma.", "published": "20200101"})
    assert r.status_code == 422 and "published" in r.json()["error"]
    r = client.post("/api/ingest", headers=AUTH, json={"text": "x", "html": "<p>x</p>"})
    assert r.status_code == 422 and "body" in r.json()["error"]
    r = client.post("/api/ingest", headers={**AUTH, "Content-Type": "application/json"}, content=b"[1, 2")
    assert r.status_code == 422 and "body" in r.json()["error"]
    ev = client.get("/api/events", params={"limit": 1}).json()["items"][0]["event_id"]
    r = client.post(f"/api/events/{ev}/corrections", headers=AUTH, json={"date": "2020-W01-1"})
    assert r.status_code == 422 and "date" in r.json()["error"]
    r = client.post(f"/api/events/{ev}/corrections", headers={**AUTH, "Content-Type": "application/json"},
                    content=b'{"note": "\\ud800x", "rejected": true}')
    assert r.status_code == 422 and "note" in r.json()["error"]


# -- 5. hardening -------------------------------------------------------------------------
def test_csv_cells_that_start_like_formulas_are_defused():
    import csv
    import io

    from rasd import export
    from rasd.records import Actor, Event

    ev = Event(event_id="e1", doc_id="d1", event_type="Battles", sub_event_type="Armed clash",
               date=date(2020, 1, 2), actor1=Actor('=HYPERLINK("http://x.example","click")'),
               actor2=Actor("@SUM(A1:A9)"), fatalities=3, sentence="-2+3 fighters\tand\r+cmd", notes=None)
    rows = list(csv.reader(io.StringIO(b"".join(export.stream("csv", [[ev]])).decode(), newline="")))
    head, row = rows[0], dict(zip(rows[0], rows[1]))
    assert row["actor1"] == "'" + '=HYPERLINK("http://x.example","click")' and row["actor2"] == "'@SUM(A1:A9)"
    assert row["notes"].startswith("'-2+3")
    assert row["fatalities"] == "3" and row["year"] == "2020"  # numbers stay numbers
    assert export.csv_cell(-3.5) == -3.5 and export.csv_cell("\tx") == "'\tx" and export.csv_cell("a=b") == "a=b"


def test_only_allowed_hosts_are_answered(db):
    with app_client(db, n_events=0, allowed_hosts=["rasd.lan"]) as c:
        for host in ("localhost", "localhost:8765", "127.0.0.1:1", "[::1]:80", "rasd.lan", "RASD.lan:443"):
            assert c.get("/api/stats", headers={"Host": host}).status_code == 200, host
        r = c.get("/api/stats", headers={"Host": "evil.example:8765"})
        assert r.status_code == 400 and "--allowed-host" in r.json()["error"]
        assert c.get("/api/stats", headers={"Host": "127.0.0.2"}).status_code == 400


def test_health_shows_counts_only_with_the_token(client):
    assert "store" not in client.get("/health").json()
    assert client.get("/health", headers=AUTH).json()["store"]["events"] == 40


def test_pages_carry_security_headers_and_no_inline_script(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    script = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "default-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "no-referrer"
    static = resources.files("rasd.serve").joinpath("static")
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and docs.headers["content-security-policy"] == csp
    for page in (r.text, docs.text):
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
        assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
        assert not re.search(r"""(?:src|href)="(?:https?:)?//""", page)  # nothing from another site
        assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers
    for ref in re.findall(r'(?:src|href)="/static/([^"]+)"', docs.text):
        assert static.joinpath(ref).is_file() and client.get("/static/" + ref).status_code == 200
    assert "swagger-ui-dist 5.35.0" in static.joinpath("vendor", "THIRD-PARTY-LICENSES.txt").read_text()
    assert static.joinpath("vendor", "swagger-ui", "LICENSE").is_file()


# -- 6. the OpenAPI document -------------------------------------------------------------------
def test_the_openapi_document_tells_the_truth(client):
    spec = client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert "default" not in op["responses"], (method, path)
            assert "HTTPValidationError" not in str(op), (method, path)
            if method == "post":
                assert "401" in op["responses"] and "201" in op["responses"] and "200" not in op["responses"]
    corr = spec["paths"]["/api/events/{event_id}/corrections"]["post"]
    assert "404" in corr["responses"] and "422" in corr["responses"]
    assert "404" in spec["paths"]["/api/events/{event_id}"]["get"]["responses"]
    media = set(spec["paths"]["/api/export"]["get"]["responses"]["200"]["content"])
    assert media == {"text/csv", "application/geo+json", "application/x-ndjson", "application/vnd.apache.parquet"}
    # the document's own examples are accepted
    examples = spec["paths"]["/api/ingest"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    for ex in examples.values():
        r = client.post("/api/ingest", headers=AUTH, json=ex["value"])
        assert r.status_code == 201, (ex, r.text)
    ev = client.get("/api/events", params={"limit": 1}).json()["items"][0]["event_id"]
    body = spec["paths"]["/api/events/{event_id}/corrections"]["post"]["requestBody"]["content"]["application/json"]
    for ex in body["examples"].values():
        assert client.post(f"/api/events/{ev}/corrections", headers=AUTH, json=ex["value"]).status_code == 201


def test_a_wrong_method_lists_every_allowed_one(client):
    r = client.put("/api/events/x/corrections")
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) >= {"GET", "POST"}


def test_the_server_answers_to_its_own_names_when_it_listens_beyond_loopback(monkeypatch):
    import socket

    from rasd.cli.serve import _allowed_hosts

    monkeypatch.setenv("RASD_ALLOWED_HOSTS", "rasd.example, other.example")
    assert _allowed_hosts("127.0.0.1", ["mine.lan"]) == ["mine.lan", "rasd.example", "other.example"]
    wide = _allowed_hosts("192.0.2.7", [])
    assert "192.0.2.7" in wide and socket.gethostname() in wide
    assert socket.gethostname() in _allowed_hosts("0.0.0.0", []) and "0.0.0.0" not in _allowed_hosts("0.0.0.0", [])


def test_a_second_ingest_does_not_wait_for_a_long_one():
    import threading

    from rasd.serve.ingest import IngestWorkers

    built = []
    workers = IngestWorkers(lambda: built.append(1) or object(), size=2)
    release = threading.Event()
    long = workers.submit(lambda pipeline: release.wait(10) and "long")
    assert workers.submit(lambda pipeline: "short").result(timeout=5) == "short"  # on main: one lock
    release.set()
    assert long.result(timeout=5) == "long" and len(built) == 2  # a pipeline for each thread
    with pytest.raises(ZeroDivisionError):
        workers.submit(lambda pipeline: 1 / 0).result(timeout=5)
