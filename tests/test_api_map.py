"""The API behind the page's map layers: town labels from the gazetteer, holders on a day."""
from __future__ import annotations

from datetime import date

import pytest

from serve_helpers import app_client


@pytest.fixture()
def gazetteer(tmp_path):
    from rasd.geo import open_gazetteer
    from rasd.geo.gazetteer import PlaceRow

    gaz = open_gazetteer(str(tmp_path / "gaz.db"), build_default=False)
    gaz.add_layer("test", [
        PlaceRow("Aleppo", 36.20, 37.13, country="SY", feature="P.PPLA", population=2_000_000),
        PlaceRow("Saraqib", 35.86, 36.80, country="SY", feature="P.PPL", population=30_000),
        PlaceRow("Idlib", 35.93, 36.63, country="SY", feature="A.ADM1", population=1_500_000),
        PlaceRow("Beirut", 33.89, 35.50, country="LB", feature="P.PPLC", population=1_900_000)])
    yield gaz
    gaz.close()


def test_towns_in_a_box_most_populous_first_without_areas(tmp_path, gazetteer):
    with app_client(str(tmp_path / "s.db"), 0, gazetteer=gazetteer) as c:
        r = c.get("/api/gazetteer/towns", params={"bbox": "36,35,38,37"})
        assert r.status_code == 200
        assert [t["name"] for t in r.json()["items"]] == ["Aleppo", "Saraqib"]  # Idlib is a province
        assert "GeoNames" in r.json()["credit"]
        one = c.get("/api/gazetteer/towns", params={"bbox": "30,30,40,40", "limit": 1}).json()["items"]
        assert [t["name"] for t in one] == ["Aleppo"]
        world = c.get("/api/gazetteer/towns", params={"bbox": "-180,-90,180,90", "limit": 2}).json()["items"]
        assert [t["name"] for t in world] == ["Aleppo", "Beirut"]  # a large box: read by population
        assert c.get("/api/meta").json()["gazetteer"] is True


def test_towns_need_a_box_and_a_gazetteer(tmp_path, gazetteer):
    with app_client(str(tmp_path / "s.db"), 0, gazetteer=gazetteer) as c:
        assert c.get("/api/gazetteer/towns").status_code == 422
        r = c.get("/api/gazetteer/towns", params={"bbox": "36,35,200,37"})
        assert r.status_code == 422 and "bbox" in r.json()["error"]
    with app_client(str(tmp_path / "t.db"), 0) as c:
        assert c.get("/api/gazetteer/towns", params={"bbox": "36,35,38,37"}).status_code == 503
        assert c.get("/api/meta").json()["gazetteer"] is False


def test_control_at_a_day_lists_each_place_with_its_holder_then(tmp_path):
    from rasd.records import ControlPeriod, Place
    from rasd.store import open_store

    db = str(tmp_path / "c.db")
    raqqa, nowhere = Place("Raqqa", 35.95, 39.01), Place("Somewhere")
    with open_store(db) as st:
        st.replace_control("raqqa", [
            ControlPeriod(raqqa, "Islamic State", date(2014, 1, 1), date(2017, 10, 17), reports=2),
            ControlPeriod(raqqa, "Syrian Democratic Forces", date(2017, 10, 17), None, reports=1)])
        st.replace_control("somewhere", [ControlPeriod(nowhere, "Someone", date(2014, 1, 1), None)])
    with app_client(db, 0) as c:
        early = c.get("/api/control/at", params={"date": "2016-05-01"}).json()
        assert [(p["place"], p["holder"]) for p in early["items"]] == [("Raqqa", "Islamic State")]
        assert early["items"][0]["rests_on_one_report"] is False
        late = c.get("/api/control/at", params={"date": "2020-01-01"}).json()["items"]
        assert [(p["holder"], p["rests_on_one_report"]) for p in late] == [("Syrian Democratic Forces", True)]
        assert c.get("/api/control/at", params={"date": "2013-12-31"}).json()["items"] == []
        assert c.get("/api/control/at").status_code == 422
        assert c.get("/api/control/at", params={"date": "2020-02-30"}).status_code == 422


def test_whole_article_marks_the_events_evidence_in_its_clean_text(tmp_path):
    from rasd.records import Document, Event, Evidence, OffsetMap, Place
    from rasd.store import open_store

    raw = "<html><p>Gunmen attacked Saraqib on Friday.</p><p>Nothing else.</p></html>"
    text = "Gunmen attacked Saraqib on Friday.\nNothing else."
    a, b = raw.index("Gunmen"), raw.index("Nothing")
    doc = Document(doc_id="d", raw=raw, text=text,
                   offsets=OffsetMap([(0, a, 34), (35, b, 13)]))
    spans = [Evidence("d", raw.index("attacked"), raw.index("attacked") + 8, "attacked", "event_type"),
             Evidence("d", raw.index("Saraqib"), raw.index("Saraqib") + 7, "Saraqib", "location"),
             Evidence("d", a, a + 34, text[:34], "sentence"),  # the whole sentence: bounds, not marked
             Evidence("d", 0, 6, "<html>", "actor1")]  # markup, not in the clean text
    db = str(tmp_path / "d.db")
    with open_store(db) as st:
        st.add_document(doc)
        st.replace_events("d", [Event(event_id="d:0", doc_id="d", event_type="Violence against civilians",
                                      sub_event_type="Attack", location=Place("Saraqib"), evidence=spans)])
    with app_client(db, 0) as c:
        d = c.get("/api/documents/d", params={"event": "d:0"}).json()
        assert [(d["text"][m["start"]:m["end"]], m["field"]) for m in d["marks"]] == [
            ("attacked", "event_type"), ("Saraqib", "location")]
        assert "marks" not in c.get("/api/documents/d").json()
        assert c.get("/api/documents/d", params={"event": "other:0"}).status_code == 404


def test_sources_panel_lists_each_source_with_its_last_fetch_and_errors(tmp_path):
    from rasd.store import open_store
    from rasd.store.base import WatchSource

    db = str(tmp_path / "w.db")
    with open_store(db) as st:
        st.save_source(WatchSource(name="wire", url="https://wire.example/feed.xml", country="SY"))
    with app_client(db, 0) as c:
        items = c.get("/api/sources").json()["items"]
        assert [(s["name"], s["url"], s["country"], s["last_fetch_at"], s["errors"]) for s in items] == [
            ("wire", "https://wire.example/feed.xml", "SY", None, 0)]
    with app_client(str(tmp_path / "e.db"), 0) as c:
        assert c.get("/api/sources").json() == {"items": []}
