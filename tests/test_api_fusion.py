"""The API over fusion's tables: fused events, corroboration filter, reports with stances,
control timelines and agreements in an event's detail (a real `rasd serve`)."""
from __future__ import annotations

from datetime import date

import httpx
import pytest

from _server import build_store, running_server

pytest.importorskip("rasd.fuse")


def _fuse_some(db: str) -> tuple[str, list[str]]:
    from rasd.records import Agreement, ControlPeriod, Evidence, FusedEvent, Place, Report
    from rasd.store import open_store

    with open_store(db) as st:
        evs = [e for e in st.query_events_view(limit=400) if e.location and e.location.name == "Douma"][:3]
        place = evs[0].location
        reports = [Report(event_id=e.event_id, doc_id=e.doc_id, outlet=f"Outlet {i}",
                          stance="denied" if i == 2 else "asserted", date=e.date, fatalities=e.fatalities,
                          sentence=e.sentence, event_type=e.event_type, sub_event_type=e.sub_event_type)
                   for i, e in enumerate(evs)]
        fused = FusedEvent(cluster_id="c-douma", event_type=evs[0].event_type, sub_event_type=evs[0].sub_event_type,
                           date=evs[0].date, location=place, status="disputed", corroboration=3, reports=reports)
        st.save_fused(fused, family="test", place_key="douma")
        one = [Evidence(evs[0].doc_id, 0, 10, "Douma fell", "sentence")]
        st.replace_control("douma", [
            ControlPeriod(place=Place("Douma", place.lat, place.lon), holder="Jaysh al-Islam",
                          start=date(2016, 1, 1), end=date(2018, 4, 12), reports=1, evidence=one),
            ControlPeriod(place=Place("Douma", place.lat, place.lon), holder="Military Forces of Syria",
                          start=date(2018, 4, 12), reports=1, outlets=["outlet 0"], evidence=one)])
        st.save_agreement(Agreement(agreement_id="a1", parties=[], place=Place("Douma"), date=date(2018, 4, 8),
                                    status="reached", cluster_id="c-douma"))
        return "c-douma", [e.event_id for e in evs]


@pytest.fixture(scope="module")
def api(module_store_url):
    db = module_store_url  # every backend
    build_store(db, 400)
    cluster, ids = _fuse_some(db)
    with running_server(db) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client, cluster, ids


def test_fused_list_and_detail(api):
    client, cluster, ids = api
    items = client.get("/api/fused", params={"min_corroboration": 2}).json()["items"]
    assert [f["cluster_id"] for f in items] == [cluster]
    assert client.get("/api/fused", params={"status": "confirmed"}).json()["items"] == []
    f = client.get(f"/api/fused/{cluster}").json()
    assert sorted(r["event_id"] for r in f["reports"]) == sorted(ids)
    assert client.get("/api/fused/none").status_code == 404


def test_event_detail_has_reports_stances_and_control(api):
    client, cluster, ids = api
    d = client.get(f"/api/events/{ids[0]}").json()
    assert d["fused"]["cluster_id"] == cluster and d["event"]["corroboration"] == 3
    assert {r["stance"] for r in d["reports"]} == {"asserted", "denied"}
    assert [p["holder"] for p in d["control"]] == ["Jaysh al-Islam", "Military Forces of Syria"]
    hits = client.get("/api/events", params={"min_corroboration": 3, "limit": 50}).json()["items"]
    assert sorted(h["event_id"] for h in hits) == sorted(ids)
    tl = client.get("/api/control", params={"place": "Douma"}).json()
    assert tl["periods"][1]["start"] == "2018-04-12"
    # what the timeline rests on: one report, said by the API for the panel's caveat
    assert tl["periods"][1]["reports"] == 1 and tl["periods"][1]["outlets"] == ["outlet 0"]
    assert tl["rests_on_one_report"] is True and tl["periods_on_one_report"] == [0, 1]
    assert d["control_support"]["rests_on_one_report"] is True
    ag = client.get("/api/agreements", params={"place": "Douma"}).json()["items"]
    assert [a["agreement_id"] for a in ag] == ["a1"]
