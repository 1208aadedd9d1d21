"""The story's country (known from its actors) steers resolution; texts written for these tests."""
from __future__ import annotations

import pytest

from rasd.geo import Geoparser, haversine_km, open_gazetteer
from rasd.records import Document

HOMS = (34.7308, 36.7094)
ALEPPO = (36.2021, 37.1343)


@pytest.fixture(scope="module")
def geo(gazetteer_path):
    g = open_gazetteer(gazetteer_path)
    yield Geoparser(gazetteer=g, nlp=None)
    g.close()


def _tops(geo, text, country=None):
    return {t.text: t.place for t in geo.process([Document(doc_id="h", raw=text)], countries=[country])[0]}


def test_a_village_known_only_abroad_gives_way_to_its_area_in_the_country(geo):
    text = "Rebels captured Modane village in the western countryside of Aleppo on Monday."
    without = _tops(geo, text)
    assert without["Modane"].country == "FR"  # the only Modane the gazetteer knows
    hinted = _tops(geo, text, "SY")["Modane"]
    assert hinted.country == "SY" and hinted.geo_precision == 2
    assert haversine_km(hinted.lat, hinted.lon, *ALEPPO) < 30


def test_a_village_abroad_with_no_area_named_is_left_unplaced(geo):
    place = _tops(geo, "Fighters seized the village of Modane after clashes.", "SY")["Modane"]
    assert place is None


def test_unambiguous_places_outweigh_a_wrong_country_guess(geo):
    tops = _tops(geo, "Hundreds of residents of Kirkuk city protested on Friday.", "TR")
    assert tops["Kirkuk"] is not None and tops["Kirkuk"].country == "IQ"


@pytest.mark.parametrize("text", [
    "Shelling hit Qarqafta village in the southern countryside of Homs.",
    "Shelling hit Qarqafta, in Homs province.",
    "Shelling hit Qarqafta area near Homs.",
    "Shelling hit Qarqafta (Homs).",
])
def test_an_unknown_village_falls_back_to_its_anchor(geo, text):
    tops = _tops(geo, text, "SY")
    place = tops.get("Qarqafta")
    if place is None:  # not recognised as a name at all: the anchor itself must be right
        place = tops["Homs"]
    assert place.country == "SY" and haversine_km(place.lat, place.lon, *HOMS) < 30


@pytest.mark.parametrize("text", [
    "Clashes erupted in Tal Zurqan in the southern countryside of Homs.",
    "Clashes erupted in Abu Damascus village in the countryside of Homs.",
])
def test_part_of_a_longer_name_gives_way_to_the_anchor(geo, text):
    tops = [t for t in geo.process([Document(doc_id="p", raw=text)], countries=["SY"])[0] if t.place is not None]
    assert tops and tops[-1].text == "Homs"
    for t in tops:  # "Tal" and "Damascus" here are pieces of a village's name: they land at Homs
        assert haversine_km(t.place.lat, t.place.lon, *HOMS) < 30, t


def test_a_name_followed_by_a_common_word_is_not_truncated(geo):
    tops = _tops(geo, "Dozens protested outside the Basra Oil Company building.", "IQ")
    basra = tops["Basra"]
    assert basra is not None and basra.country == "IQ"
    assert haversine_km(basra.lat, basra.lon, 30.51, 47.78) < 30
