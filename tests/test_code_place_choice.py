"""Which of a sentence's places the coder gives an event (sentences written for these tests)."""
import re
from dataclasses import replace

import pytest

from coder_helpers import coded_events, place_of, table_coder

from rasd.records import Place, Toponym

PLACES = {
    "Tal Hamis": Place("Tal Hamis", 36.64, 41.28, "SY", "Al-Hasakah", feature="P.PPL"),
    "Qamishli": Place("Qamishli", 37.05, 41.22, "SY", "Al-Hasakah", feature="P.PPL"),
    "Hasakah province": Place("Al-Hasakah", 36.2, 40.9, "SY", "Al-Hasakah", feature="A.ADM1", geo_precision=3),
    "Lima": Place("Lima", -12.04, -77.03, "PE", "Lima", feature="P.PPLC"),
    "Sulaymaniyah": Place("Sulaymaniyah", 35.56, 45.43, "IQ", "Sulaymaniyah", feature="P.PPLA"),
    "Israel": Place("Israel", 31.5, 34.75, "IL", None, feature="A.PCLI", geo_precision=3),
    "Damascus": Place("Damascus", 33.51, 36.29, "SY", "Dimashq", feature="P.PPLC"),
    "Gela": Place("Gela", 37.07, 14.25, "IT", "Sicily", feature="P.PPL"),
    "London": Place("London", 51.51, -0.13, "GB", "England", feature="P.PPLC"),
    "Nyala": Place("Nyala", 12.05, 24.88, "SD", "South Darfur", feature="P.PPLA"),
    "Gedaref": Place("Gedaref", 14.03, 35.38, "SD", "Al Qadarif", feature="P.PPLA"),
}


# the towns standing for the table's provinces (Geoparser.seat on the gazetteer)
SEATS = {"Al-Hasakah": Place("Al-Hasakah", 36.50, 40.75, "SY", "Al-Hasakah", feature="P.PPL")}


class HintedGeo:
    """Test-only geo stage: a fixed table of names; records the country hints it was given."""

    def __init__(self):
        self.hints = []

    def seat(self, area):
        town = SEATS.get(area.name) if (area.feature or "").startswith("A.ADM1") else None
        return replace(town, geo_precision=3, mention=area.mention) if town else None

    def process(self, docs, countries=None):
        self.hints.append(countries)
        out = []
        for d in docs:
            tops = []
            for name, place in PLACES.items():
                for m in re.finditer(re.escape(name), d.text):
                    tops.append(Toponym(d.doc_id, m.start(), m.end(), name, place, 0.9))
            out.append(sorted(tops, key=lambda t: t.start))
        return out


@pytest.fixture(scope="module")
def geo():
    return HintedGeo()


@pytest.fixture(scope="module")
def coder(geo):
    return table_coder(geo)


def test_a_town_named_beats_the_province_that_contains_it(coder):
    loc = place_of(coder, "On 3 March, SDF fighters clashed with ISIS militants in the area between "
                          "Tal Hamis and Qamishli in Hasakah province, killing two.")
    assert loc.name in ("Tal Hamis", "Qamishli")


def test_a_place_abroad_never_beats_a_place_at_home(coder):
    loc = place_of(coder, "On 3 March, Turkish drones struck a PKK hideout in the village of Lima, killing two "
                          "militants, Sulaymaniyah officials said. Officials in Sulaymaniyah condemned it.")
    assert loc.name == "Sulaymaniyah"


def test_a_tie_between_countries_goes_to_the_actors_country(coder):
    loc = place_of(coder, "On 3 March, Iraqi police arrested two ISIS suspects in Gela district of Sulaymaniyah.")
    assert loc.country == "IQ"


def test_the_geo_stage_hears_the_country_of_the_actors(coder, geo):
    place_of(coder, "On 3 March, SDF fighters shelled Qamishli, killing two.")
    assert geo.hints[-1] == ["SY"]


def test_a_sentence_naming_only_an_actors_country_takes_the_place_named_before(coder):
    text = ("Qamishli was quiet on 1 March, and Qamishli markets opened. Iran is building a base outside Damascus, "
            "officials said on 2 March. On 3 March an airstrike attributed to Israel hit a compound in that area.")
    evs = coded_events(coder, text, doc_id="pc")
    strike = [e for e in evs if e.event_type == "Explosions/Remote violence"]
    assert strike and strike[0].location.name == "Damascus"


def test_where_people_are_sent_is_not_where_the_deal_was_made(coder):
    text = ("Talks have gone on in Qamishli for weeks. The fighters reached an agreement with the government "
            "on 3 March to leave with their families for Damascus.")
    evs = coded_events(coder, text, doc_id="pc")
    deal = [e for e in evs if e.sub_event_type == "Agreement"]
    assert deal and deal[0].location.name == "Qamishli"


def test_an_event_known_only_to_a_province_is_put_at_its_seat_with_precision_3(coder):
    loc = place_of(coder, "On 3 March, ISIS militants attacked an army checkpoint in Hasakah province, killing two soldiers.")
    assert (loc.lat, loc.lon, loc.feature) == (36.50, 40.75, "P.PPL")
    assert loc.geo_precision == 3


def test_a_town_named_in_a_province_keeps_its_own_point(coder):
    loc = place_of(coder, "On 3 March, ISIS militants attacked an army checkpoint in Tal Hamis in Hasakah province.")
    assert loc.name == "Tal Hamis" and loc.geo_precision == 1


def test_a_protest_without_a_place_carries_a_town_abroad_named_before(coder):
    """A crowd protests where it lives: in a story about Syria, 'a similar protest' after one in London is in London."""
    text = ("On 3 March, SDF fighters shelled Qamishli and Tal Hamis, killing two. Kurdish protesters marched in "
            "London on 4 March against the shelling. A similar protest was staged on 4 March outside a railway station.")
    protests = [e for e in coded_events(coder, text, doc_id="pc") if e.event_type == "Protests"]
    assert protests and all(e.location.name == "London" for e in protests)


def test_the_place_a_protest_is_about_is_not_where_the_crowd_stood(coder):
    loc = place_of(coder, "On 3 March, teachers protested at the university of Qamishli over the closure of schools "
                          "in Tal Hamis.")
    assert loc.name == "Qamishli"


def test_a_protest_naming_only_what_it_is_about_takes_the_place_named_before(coder):
    """'... to raise awareness of attacks on Tal Hamis': the crowd stood in London, named before."""
    text = ("On 4 March, about 200 Kurds marched in London. The protest was held to raise awareness of attacks on "
            "Tal Hamis.")
    protests = [e for e in coded_events(coder, text, doc_id="pt") if e.event_type == "Protests"]
    assert protests and all(e.location.name == "London" for e in protests), [e.location for e in protests]


def test_a_name_read_as_a_town_far_from_the_town_the_text_puts_it_in_is_not_the_place(coder):
    """'Nyala (Gedaref)': a quarter named like a town 1,000 km away lies in Gedaref, not that town."""
    loc = place_of(coder, "On 3 March, police beat teachers in Nyala (Gedaref) and wounded two.")
    assert loc.name == "Gedaref", loc


def test_where_a_convoy_was_heading_is_not_where_it_was_attacked(coder):
    loc = place_of(coder, "On 3 March, a bus leaving the village of Tal Hamis for the town of Qamishli was ambushed "
                          "by gunmen, killing two.")
    assert loc.name == "Tal Hamis"


def test_a_clause_set_against_the_event_by_while_is_another_event(nlp, coder_data):
    """'..., while in Y 59 civilians died' is another event's clause; 'killed while fighting in Y' is not."""
    places = coder_data.places
    doc = nlp("Fighters were killed near the base, while in the town 59 civilians died.")
    assert places.contrast(next(t for t in doc if t.text == "died"))
    doc = nlp("A soldier was killed while fighting in the town.")
    assert not places.contrast(next(t for t in doc if t.text == "fighting"))


def test_a_countryside_named_around_a_town_only_contains_the_event(coder):
    loc = place_of(coder, "On 3 March, warplanes carried out airstrikes on Tal Hamis and surrounding areas in the "
                          "northern Qamishli countryside, killing two.")
    assert loc.name == "Tal Hamis"
