"""A toponym the gazetteer lacks is placed at the place the text puts it in, the town a
facility lies in, or the story's dominant place: marked, logged, less precise (texts written
for these tests; the made-up names are in no gazetteer)."""
from __future__ import annotations

import logging

import pytest

from rasd.geo import Geoparser, haversine_km, open_gazetteer
from rasd.geo.fallback import ANCHOR_GAP, facility_like
from rasd.records import Document, Event, Place

HOMS = (34.7308, 36.7094)
DOHUK = (36.87, 42.99)
LEEDS = (53.7965, -1.5478)


@pytest.fixture(scope="module")
def geo(gazetteer_path):
    g = open_gazetteer(gazetteer_path)
    yield Geoparser(gazetteer=g, nlp=None)
    g.close()


def _place(geo, text: str, name: str):
    start = text.index(name)
    return geo.process_spans(Document(doc_id="t", raw=text), [(start, start + len(name))])[0].place


def test_anchor_across_a_parenthesised_other_name(geo, caplog):
    text = "Turkish jets struck Darkuza village (Kurdish name) in Dohuk province on Monday."
    with caplog.at_level(logging.INFO, logger="rasd.geo"):
        p = _place(geo, text, "Darkuza")
    assert p is not None and p.fallback == "anchor" and p.geo_precision >= 2
    assert haversine_km(p.lat, p.lon, *DOHUK) < 80
    assert any("Darkuza" in r.getMessage() and "anchor" in r.getMessage() for r in caplog.records)


def test_anchor_gap_words():
    assert ANCHOR_GAP.fullmatch(" village (Kurdish name) in ")
    assert ANCHOR_GAP.fullmatch(") in the ")
    assert ANCHOR_GAP.fullmatch(" district of ")
    assert not ANCHOR_GAP.fullmatch(" and then went to ")


def test_facility_at_the_town_of_its_paragraph(geo, caplog):
    text = ("Police in Leeds said a man was stabbed on Friday night.\n"
            "He was taken to Brindleford General Hospital, where he died.")
    with caplog.at_level(logging.INFO, logger="rasd.geo"):
        p = _place(geo, text, "Brindleford General Hospital")
    assert p is not None and p.fallback == "facility" and p.geo_precision == 2
    assert haversine_km(p.lat, p.lon, *LEEDS) < 30
    assert any("Brindleford General Hospital" in r.getMessage() for r in caplog.records)


def test_facility_like_names():
    text = "a crash on the A120 near Harnwick Road and the Zqr neighbourhood"
    assert facility_like(text, 0, 0, "Harnwick Road")
    assert facility_like(text, 0, 0, "A120")
    start = text.index("Zqr")
    assert facility_like(text, start, start + 3, "Zqr")
    assert not facility_like(text, 0, 0, "Wxyqar")


def test_story_with_a_dominant_place(geo):
    text = ("Shelling hit Homs on Monday. Residents of Homs fled to Talbiseh and Rastan. "
            "In Wxyqar, three people died.")
    p = _place(geo, text, "Wxyqar")
    assert p is not None and p.fallback == "document" and p.geo_precision >= 2
    assert haversine_km(p.lat, p.lon, *HOMS) < 100


def test_story_without_a_dominant_place_leaves_it_unplaced(geo):
    text = "Ministers met in Paris, then in Tokyo and Lima. In Wxyqar, nothing happened."
    assert _place(geo, text, "Wxyqar") is None


def test_a_sea_never_takes_a_towns_point(geo):
    text = "Shelling hit Homs on Monday. Residents of Homs fled to Talbiseh and Rastan, far from the Qarthenian Sea."
    assert _place(geo, text, "Qarthenian Sea") is None


def test_one_failed_name_leaves_the_others(geo):
    text = "Clashes in Qzlwrt and in Homs."
    tops = geo.process_spans(Document(doc_id="t", raw=text), [(10, 16), (text.index("Homs"), len(text) - 1)])
    assert tops[1].place is not None and haversine_km(tops[1].place.lat, tops[1].place.lon, *HOMS) < 30


def test_person_name_is_not_a_place(geo):
    text = "Women marched in Kut in defiance of cleric Muqtada al Sadr's calls."
    names = [t.text for t in geo.process([Document(doc_id="t", raw=text)])[0]]
    assert "Kut" in names and not any("Sadr" in n for n in names)


def test_fallback_marker_round_trips_in_event_json():
    ev = Event(event_id="e", doc_id="d", event_type="Battles", sub_event_type="Armed clash",
               location=Place(name="Homs", lat=34.7, lon=36.7, geo_precision=2, fallback="document"))
    assert ev.to_dict()["location"]["fallback"] == "document"
    assert Event.from_dict(ev.to_dict()).location.fallback == "document"


def test_the_coder_and_the_geoparser_share_one_anchor_gap():
    from rasd.code.rules import PlaceRules

    rules_gap = PlaceRules.load().anchor_gap  # nlp/data/anchors.yaml: the same pattern for both
    assert (rules_gap.pattern, rules_gap.flags) == (ANCHOR_GAP.pattern, ANCHOR_GAP.flags)
    assert ANCHOR_GAP.fullmatch(", 10 km north of ") and ANCHOR_GAP.fullmatch(" governorate, in ")
