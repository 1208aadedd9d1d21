"""The event's place among chained and role-bearing toponyms (sentences and places written for these tests)."""
import re
from datetime import date

import pytest

from coder_helpers import coded_events, place_of, table_coder

from rasd.records import Place, Toponym

TOWN = Place("Marwan", 36.50, 37.95, "SY", "Aleppo", feature="P.PPL", score=0.5)
CITY = Place("Halabiya", 36.20, 37.15, "SY", "Aleppo", feature="P.PPLA", score=0.95)
PROVINCE = Place("Halabiya", 36.10, 37.30, "SY", "Aleppo", feature="A.ADM1", geo_precision=3, score=0.9)
IQ_TOWN = Place("Dawraq", 36.19, 44.01, "IQ", "Erbil", feature="P.PPL", score=0.8)
IQ_CITY = Place("Nahrawan", 32.0, 44.3, "IQ", "Najaf", feature="P.PPL", score=0.4)
ABROAD = Place("Korvo", 46.0, 4.0, "FR", "Rhone", feature="P.PPL", score=0.3)
TURKEY = Place("Turkey", 39.0, 35.0, "TR", None, feature="A.PCLI", geo_precision=3, score=0.9)
USA = Place("United States", 39.8, -98.6, "US", None, feature="A.PCLI", geo_precision=3, score=0.9)

# name -> place (None: recognised as a place name, not in the gazetteer)
TABLE = {
    "Tell Qarnawi": None,
    "Marwan": TOWN,
    "Halabiya province": PROVINCE,
    "Halabiya": CITY,
    "Dawraq": IQ_TOWN,
    "Nahrawan": IQ_CITY,
    "Korvo": ABROAD,
    "Turkey": TURKEY,
    "US": USA,
}


class TableGeo:
    """Test-only geo stage over TABLE. Given a country, a town that resolved abroad is left
    unresolved, as the real resolver does. Records the hints it was given."""

    def __init__(self):
        self.hints = []

    def process(self, docs, countries=None):
        self.hints.append(countries)
        out = []
        for k, d in enumerate(docs):
            hint = countries[k] if countries else None
            tops, taken = [], set()
            for name in sorted(TABLE, key=len, reverse=True):
                for m in re.finditer(r"\b" + re.escape(name) + r"\b", d.text):
                    if taken & set(range(m.start(), m.end())):
                        continue
                    taken.update(range(m.start(), m.end()))
                    place = TABLE[name]
                    if hint and place is not None and place.country != hint and not place.feature.startswith("A.PCL"):
                        place = None
                    tops.append(Toponym(d.doc_id, m.start(), m.end(), name, place, place.score if place else 0.0))
            out.append(sorted(tops, key=lambda t: t.start))
        return out


@pytest.fixture(scope="module")
def geo():
    return TableGeo()


@pytest.fixture(scope="module")
def coder(geo):
    return table_coder(geo)


def test_a_village_missing_from_the_gazetteer_is_placed_at_the_town_it_lies_near(coder):
    loc = place_of(coder, "On 3 March, SDF fighters clashed with ISIS militants in Tell Qarnawi village "
                          "in the countryside of Marwan in Halabiya, killing two.")
    assert loc.name == "Marwan" and loc.geo_precision == 2 and loc.mention == "Tell Qarnawi"


def test_a_village_missing_from_the_gazetteer_falls_back_to_its_province(coder):
    loc = place_of(coder, "On 3 March, regime forces shelled Tell Qarnawi, Halabiya province, killing a child.")
    assert loc.name == "Halabiya" and loc.geo_precision == 3


def test_the_head_of_a_chain_beats_the_areas_it_lies_in(coder):
    loc = place_of(coder, "On 3 March, SDF fighters clashed with ISIS militants in Marwan in Halabiya.")
    assert loc.name == "Marwan" and loc.geo_precision == 1


def test_an_origin_loses_to_the_place_of_the_event(coder):
    loc = place_of(coder, "On 3 March, hundreds of protesters from Dawraq protested in Nahrawan against the government.")
    assert loc.name == "Nahrawan"


def test_a_place_inside_the_subject_loses_to_the_place_of_the_event(coder):
    loc = place_of(coder, "On 3 March, dozens of employees of the Dawraq health department protested "
                          "in Nahrawan demanding their salaries.")
    assert loc.name == "Nahrawan"


def test_a_country_in_an_actors_description_is_not_a_place():
    from rasd.code.place import Places

    places = Places()
    affiliation, attributive = places.affiliation, places.attributive

    text = "pro-Turkey factions and Turkey-backed fighters met Turkey's envoy; US forces left Turkey."
    spans = [m.span() for m in re.finditer(r"Turkey|US", text)]
    assert [affiliation(text, a, b) for a, b in spans] == [True, True, False, False, False]
    tops = [Toponym("t", a, b, text[a:b], USA if text[a:b] == "US" else TURKEY) for a, b in spans]
    assert [attributive(text, t) for t in tops] == [False, True, False, True, False]


def test_a_story_whose_places_make_its_country_clear_is_read_again_there(coder, geo):
    loc = place_of(coder, "On 3 March, people from the village of Korvo in Dawraq district protested "
                          "against a ban on building on their land.")
    assert geo.hints[-1] == ["IQ"]
    assert loc.country == "IQ" and loc.name == "Dawraq" and loc.geo_precision == 2


def test_the_owner_of_forces_is_not_the_country_of_the_story(coder):
    loc = place_of(coder, "On 3 March, a roadside bomb targeted a US convoy carrying US contractors "
                          "near Tell Qarnawi south of Nahrawan, causing damage.")
    assert loc.country == "IQ" and loc.name == "Nahrawan"


# ---- dates, commentary and spells before a deal (sentences written for these tests) -----------------------
def events_of(coder, text, published=date(2022, 3, 9)):
    return coded_events(coder, text, published, "seq")


def test_a_date_in_a_background_clause_dates_neither_the_event_nor_the_next_sentence(coder):
    text = ("Talks in Marwan have gone on for a month after it was cut off from Halabiya last January. "
            "A local reporter said the rebels reached an agreement with the regime to leave Marwan.")
    deal = [e for e in events_of(coder, text) if e.sub_event_type == "Agreement"]
    assert deal and deal[0].date is not None and deal[0].date.month == 3


def test_a_sentence_without_a_place_takes_the_best_cued_place_before_it(coder):
    text = ("On 3 March, talks went on in Marwan in Halabiya province after it was cut off from Nahrawan. "
            "The rebels then reached an agreement with the regime.")
    deal = [e for e in events_of(coder, text) if e.sub_event_type == "Agreement"]
    assert deal and deal[0].location.name == "Marwan"


def test_a_toll_summed_over_a_war_is_not_an_event(coder):
    evs = events_of(coder, "He noted that hundreds of thousands of Syrians were killed, tortured and displaced.")
    assert evs == []


def test_violence_a_deal_came_after_is_an_event_of_its_own(coder):
    evs = events_of(coder, "On 3 March, the talks on evacuating Marwan came after weeks of heavy shelling "
                           "and barrel bombing of the town by regime forces.")
    assert "Explosions/Remote violence" in {e.event_type for e in evs}
