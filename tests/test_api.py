"""The HTTP API, against a real `rasd serve` on 127.0.0.1 (httpx client)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest

from _server import TOKEN, build_store, running_server

N = 2500
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# an ingest that codes events loads the pipeline on the server's first one (the model, the coder's
# data, the gazetteer: half a minute and more on a loaded machine); what is stored is the point
INGEST = {"timeout": 300}


@pytest.fixture(scope="module")
def server(module_store_url):
    db = module_store_url  # every backend
    build_store(db, N)
    with running_server(db, "--max-body-mb", "1") as url:
        with httpx.Client(base_url=url, timeout=30) as client:
            yield client


def test_health_and_openapi(server):
    h = server.get("/health").json()
    assert h["status"] == "ok" and "store" not in h  # counts are for token holders only
    h = server.get("/health", headers=AUTH).json()
    assert h["status"] == "ok" and h["store"]["events"] >= N
    spec = server.get("/openapi.json").json()
    for path in ("/api/events", "/api/events/{event_id}", "/api/fused", "/api/documents", "/api/ingest",
                 "/api/export", "/api/gazetteer", "/api/control", "/api/agreements", "/health",
                 "/api/events/{event_id}/corrections"):
        assert path in spec["paths"], path


def test_filters_and_stable_paging(server):
    r = server.get("/api/events", params={"type": "Battles", "limit": 40, "count": "true"}).json()
    assert r["total"] > 40 and all(e["event_type"] == "Battles" for e in r["items"])
    page1 = server.get("/api/events", params={"type": "Battles", "limit": 20}).json()["items"]
    page2 = server.get("/api/events", params={"type": "Battles", "limit": 20, "offset": 20}).json()["items"]
    assert [e["event_id"] for e in page1 + page2] == [e["event_id"] for e in r["items"]]
    keys = [(e["date"], e["event_id"]) for e in r["items"]]
    assert keys == sorted(keys, reverse=True)
    r = server.get("/api/events", params={"date_from": "2018-03-01", "date_to": "2018-03-31", "limit": 500}).json()
    assert r["items"] and all("2018-03-01" <= e["date"] <= "2018-03-31" for e in r["items"])
    # a box around Aleppo city only
    r = server.get("/api/events", params={"bbox": "37.0,36.1,37.3,36.3", "limit": 500}).json()
    assert r["items"] and {e["location"]["name"] for e in r["items"]} == {"Aleppo"}
    r = server.get("/api/events", params={"actor": "Tahrir", "sub_type": "Armed clash", "limit": 500}).json()
    assert r["items"] and all(e["sub_event_type"] == "Armed clash" for e in r["items"])
    assert all("Tahrir" in (e["actor1"]["name"] + (e["actor2"] or {}).get("name", "")) for e in r["items"])
    r = server.get("/api/events", params={"text": "airstrikes", "status": "confirmed", "limit": 500}).json()
    assert r["items"] and all("airstrikes" in e["sentence"] and e["status"] == "confirmed" for e in r["items"])
    # without fusion nothing is corroborated by two outlets
    assert server.get("/api/events", params={"min_corroboration": 2}).json()["items"] == []


@pytest.mark.parametrize("params,word", [
    ({"limit": "abc"}, "limit"), ({"limit": 0}, "limit"), ({"bbox": "1,2,3"}, "bbox"),
    ({"bbox": "200,50,5,40"}, "bbox"), ({"date_from": "2018-02-30"}, "date_from"),
    ({"status": "maybe"}, "status"), ({"min_corroboration": -1}, "min_corroboration"),
])
def test_bad_parameters_get_json_4xx(server, params, word):
    r = server.get("/api/events", params=params)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/json")
    assert word in r.json()["error"]


def test_an_inverted_range_matches_nothing(server):
    r = server.get("/api/events", params={"date_from": "2019-01-01", "date_to": "2018-01-01"})
    assert r.status_code == 200 and r.json()["items"] == []
    r = server.get("/api/events", params={"bbox": "10,50,5,40"})
    assert r.status_code == 200 and r.json()["items"] == []


def test_event_detail_with_evidence_in_context(server):
    e = server.get("/api/events", params={"limit": 1}).json()["items"][0]
    d = server.get(f"/api/events/{e['event_id']}").json()
    assert d["event"]["event_id"] == e["event_id"] and d["reports"] and d["document"]["doc_id"] == e["doc_id"]
    x = d["excerpts"][0]
    spans = {m["field"]: x["text"][m["start"]:m["end"]] for m in x["marks"]}
    assert spans["location"] == e["location"]["name"] and spans["event_type"] in e["sentence"]
    assert server.get("/api/events/nope:0").status_code == 404
    assert server.get("/api/events/nope:0").json()["error"].startswith("no event")


def test_corrections_need_token_persist_and_are_exported(server):
    e = server.get("/api/events", params={"type": "Protests", "limit": 1}).json()["items"][0]
    url = f"/api/events/{e['event_id']}/corrections"
    body = {"location": {"name": "Saraqib", "lat": 35.86, "lon": 36.80}, "fatalities": 2, "note": "headline"}
    assert server.post(url, json=body).status_code == 401
    assert server.post(url, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    bad = server.post(url, json={"fatalities": -3}, headers=AUTH)
    assert bad.status_code == 422 and "fatalities" in bad.json()["error"]
    r = server.post(url, json=body, headers=AUTH)
    assert r.status_code == 201 and r.json()["event"]["location"]["name"] == "Saraqib"
    got = server.get(f"/api/events/{e['event_id']}").json()
    assert got["event"]["corrected"] == ["fatalities", "location"] and got["corrections"][0]["note"] == "headline"
    hits = server.get("/api/events", params={"place": "Saraqib"}).json()["items"]
    assert [h["event_id"] for h in hits] == [e["event_id"]]
    lines = server.get("/api/export", params={"format": "jsonl", "place": "Saraqib"}).text.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["corrected"] == ["fatalities", "location"]
    # rejected: gone from lists and exports unless asked for
    assert server.post(url, json={"rejected": True}, headers=AUTH).status_code == 201
    assert server.get("/api/events", params={"place": "Saraqib"}).json()["items"] == []
    assert server.get("/api/events", params={"place": "Saraqib", "status": "rejected"}).json()["items"]
    assert server.get("/api/export", params={"format": "jsonl", "place": "Saraqib"}).text == ""


def test_exports_stream_every_event(server):
    total = server.get("/api/events", params={"count": "true", "limit": 1}).json()["total"]
    with server.stream("GET", "/api/export", params={"format": "jsonl"}) as r:
        assert r.headers["content-type"].startswith("application/x-ndjson")
        n = sum(1 for line in r.iter_lines() if line.strip())
    assert n == total
    geo = server.get("/api/export", params={"format": "geojson", "type": "Riots"}).json()
    assert geo == {"type": "FeatureCollection", "features": []}
    geo = server.get("/api/export", params={"format": "geojson", "type": "Battles"}).json()
    assert geo["features"] and all(f["geometry"]["type"] == "Point" for f in geo["features"])
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(io.BytesIO(server.get("/api/export", params={"format": "parquet"}).content))
    assert pf.metadata.num_rows == total and pf.num_row_groups == -(-total // 1000)
    assert set(pf.schema_arrow.names) >= {"event_id", "event_type", "lat", "lon", "corrected", "rejected"}


def test_csv_export_has_acled_columns(server):
    pytest.importorskip("rasd.export.acled_csv")
    text = server.get("/api/export", params={"format": "csv", "type": "Battles"}).text
    header = text.splitlines()[0].split(",")
    assert "event_type" in header and "rasd_corrected" in header
    assert len(text.splitlines()) - 1 == server.get(
        "/api/events", params={"type": "Battles", "count": "true", "limit": 1}).json()["total"]


def test_documents_list_search_and_get(server):
    docs = server.get("/api/documents", params={"limit": 5}).json()["items"]
    assert len(docs) == 5 and docs == sorted(docs, key=lambda d: d["doc_id"])
    hits = server.get("/api/documents", params={"q": "recaptured Aleppo"}).json()["items"]
    assert hits and all("[" in (h["snippet"] or "") for h in hits)
    d = server.get(f"/api/documents/{docs[0]['doc_id']}").json()
    assert d["text"] and "raw" not in d
    assert server.get("/api/documents/none-such").status_code == 404


def test_ingest_text_and_file(server):
    body = {"text": "Unknown gunmen attacked a checkpoint in Saraqib on Tuesday.", "doc_id": "api-one",
            "published": "2019-05-07", "outlet": "Test Wire"}
    assert server.post("/api/ingest", json=body).status_code == 401
    r = server.post("/api/ingest", json=body, headers=AUTH, **INGEST)
    assert r.status_code == 201 and r.json()["documents"][0]["status"] == "new"
    again = server.post("/api/ingest", json=body, headers=AUTH, **INGEST)
    assert again.json()["documents"][0]["status"] == "unchanged"
    d = server.get("/api/documents/api-one").json()
    assert d["published"] == "2019-05-07" and d["outlet"] == "Test Wire" and "checkpoint" in d["text"]
    r = server.post("/api/ingest/file", params={"name": "upload-two.txt"}, headers=AUTH,
                    content="Shelling hit Maarat al-Numan overnight.".encode(), **INGEST)
    assert r.status_code == 201
    assert server.get("/api/documents", params={"q": "Maarat"}).json()["items"][0]["doc_id"] == "upload-two"
    # the coder runs on what the API ingests: a plain report gives an event with its evidence
    r = server.post("/api/ingest", headers=AUTH, **INGEST, json={
        "text": "Syrian government forces shelled Douma on Monday, killing 4 civilians, activists said.",
        "doc_id": "api-three", "published": "2018-02-20"})
    assert r.status_code == 201 and r.json()["documents"][0]["events"] >= 1
    ev = server.get("/api/events", params={"doc_id": "api-three"}).json()["items"][0]
    assert ev["event_type"] == "Explosions/Remote violence" and ev["fatalities"] == 4
    assert server.post("/api/ingest", json={"text": 5}, headers=AUTH).status_code == 422
    assert server.post("/api/ingest", json={"text": "x", "published": "May"}, headers=AUTH).status_code == 422


def test_request_size_limit(server):
    big = b"x" * (1024 * 1024 + 10)
    r = server.post("/api/ingest/file", params={"name": "big.txt"}, headers=AUTH, content=big)
    assert r.status_code == 413 and "limit" in r.json()["error"]


def test_services_not_installed_say_so(server):
    r = server.get("/api/gazetteer", params={"q": "Douma"})
    assert r.status_code == 503 and "gazetteer" in r.json()["error"]


def test_reads_can_require_the_token(tmp_path: Path):
    db = str(tmp_path / "closed.db")
    build_store(db, 20)
    # a fresh server's first answer can take seconds on a busy machine: wait for it, not 5 s
    with running_server(db, "--require-token-for-reads") as url, httpx.Client(base_url=url, timeout=60) as c:
        assert c.get("/api/events").status_code == 401
        assert c.get("/api/events", headers=AUTH).status_code == 200
        assert c.get("/", headers={"X-Rasd-Token": TOKEN}).status_code == 200
        assert c.get("/health").status_code == 200


def test_two_workers_share_the_store(store_url):
    db = store_url  # every backend
    build_store(db, 50)
    with running_server(db, "--workers", "2") as url, httpx.Client(base_url=url, timeout=30) as c:
        e = c.get("/api/events", params={"limit": 1}).json()["items"][0]
        assert c.post(f"/api/events/{e['event_id']}/corrections", json={"fatalities": 77},
                      headers=AUTH).status_code == 201
        # whichever worker answers, it reads the correction from the shared store
        seen = {c.get(f"/api/events/{e['event_id']}").json()["event"]["fatalities"] for _ in range(12)}
        assert seen == {77}
