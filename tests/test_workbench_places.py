"""Safe corrections (issue 14): the place search ranks the event's region and country first and
says where each place is; a correction that moves an event far or into another country waits
for the analyst's confirmation."""
from __future__ import annotations

from datetime import date

import pytest

from serve_helpers import AUTH, app_client

RAW = "Regime aircraft struck Kansafra on Monday, killing 3 people."


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from rasd.geo import open_gazetteer
    from rasd.geo.gazetteer import PlaceRow
    from rasd.records import Document, Event, Evidence, Place
    from rasd.store import open_store

    tmp = tmp_path_factory.mktemp("places")
    gaz = open_gazetteer(str(tmp / "gaz.db"), build_default=False)
    gaz.add_layer("test", [
        PlaceRow("Syria", 35.0, 38.0, country="SY", feature="A.PCLI", population=22_000_000),
        PlaceRow("Indonesia", -5.0, 120.0, country="ID", feature="A.PCLI", population=270_000_000),
        PlaceRow("Balyun", 35.686, 36.514, country="SY", admin1="Idlib", feature="P.PPL", population=2000),
        PlaceRow("Balun", -7.05, 112.45, country="ID", admin1="Jawa Timur", feature="P.PPL", population=40000),
        PlaceRow("Balun", 33.9, 35.6, country="LB", admin1="Mount Lebanon", feature="P.PPL", population=900),
        PlaceRow("Balyunan", 35.2, 36.7, country="SY", admin1="Hama", feature="P.PPL", population=500),
        PlaceRow("Kansafra", 35.633, 36.483, country="SY", admin1="Idlib", feature="P.PPL", population=5000),
        PlaceRow("Reyhanli", 36.27, 36.57, country="TR", admin1="Hatay", feature="P.PPL", population=60000),
    ])
    db = str(tmp / "places.db")
    with open_store(db) as st:
        st.add_document(Document(doc_id="k", raw=RAW, published=date(2019, 5, 7)))
        st.replace_events("k", [Event(
            event_id="k:0", doc_id="k", event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
            date=date(2019, 5, 6), location=Place("Kansafra", 35.633, 36.483, country="SY", admin1="Idlib"),
            fatalities=3, evidence=[Evidence("k", 15, 21, "struck", "trigger")], sentence=RAW)])
    with app_client(db, n_events=0, gazetteer=gaz) as c:
        yield c
    gaz.close()


def test_the_events_region_and_country_come_first_with_province_and_country(client):
    far = client.get("/api/places", params={"q": "Balun"}).json()["items"]
    assert far[0]["country"] == "ID"  # alone, the most populous exact name wins
    near = client.get("/api/places", params={"q": "Balun", "near_event": "k:0"}).json()["items"]
    first = near[0]
    assert (first["name"], first["admin1"], first["country"]) == ("Balyun", "Idlib", "SY")
    assert first["label"] == "Balyun, Idlib, Syria" and first["near_event"] == "same region"
    assert first["km_from_event"] < 10
    assert {p["country"] for p in near[1:]} == {"ID", "LB"} and near[1]["near_event"] == "elsewhere"
    typed = client.get("/api/places", params={"q": "Baly", "near_event": "k:0"}).json()["items"]
    assert [(p["name"], p["near_event"]) for p in typed] == [("Balyun", "same region"), ("Balyunan", "same country")]
    only = client.get("/api/places", params={"q": "Balun", "country": "lb"}).json()["items"]
    assert [p["country"] for p in only] == ["LB"]
    assert client.get("/api/places", params={"q": "Balun", "near_event": "nope"}).status_code == 404
    assert client.get("/api/places", params={"q": "Balun", "country": "Syria"}).status_code == 422


def test_moving_an_event_far_or_abroad_needs_confirmation(client):
    url = "/api/events/k:0/corrections"
    java = {"name": "Balun", "lat": -7.05, "lon": 112.45}
    r = client.post(url, json={"location": java}, headers=AUTH)
    assert r.status_code == 409
    body = r.json()
    assert body["distance_km"] > 8000 and (body["from"]["country"], body["to"]["country"]) == ("SY", "ID")
    assert "confirm=true" in body["error"]
    assert client.get("/api/events/k:0").json()["event"]["location"]["name"] == "Kansafra"  # nothing written
    # across the border, near: the country alone asks for confirmation
    r = client.post(url, json={"location": {"name": "Reyhanli", "lat": 36.27, "lon": 36.57}}, headers=AUTH)
    assert r.status_code == 409 and r.json()["to"]["country"] == "TR" and r.json()["distance_km"] < 100
    # within the region: saved at once
    r = client.post(url, json={"location": {"name": "Balyun", "lat": 35.686, "lon": 36.514, "country": "SY"}},
                    headers=AUTH)
    assert r.status_code == 201 and r.json()["event"]["location"]["name"] == "Balyun"
    # confirmed: saved
    r = client.post(url, json={"location": java, "confirm": True}, headers=AUTH)
    assert r.status_code == 201 and r.json()["event"]["location"]["name"] == "Balun"
    assert client.post(url, json={"location": java, "confirm": "yes"}, headers=AUTH).status_code == 422
