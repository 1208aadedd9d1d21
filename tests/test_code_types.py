"""Event types and sub-types of short reports from the codebook's definitions (issue 10, part 2): who the
victims were, what the weapon was, what a crowd did. Sentences written for these tests; a table
geoparser (no gazetteer)."""
from datetime import date

import pytest

from coder_helpers import coded_events, table_coder
from test_code_subtypes import TownTable


@pytest.fixture(scope="module")
def coder():
    return table_coder(TownTable())


def kind(coder, text):
    evs = coded_events(coder, text, published=date(2024, 7, 20))
    assert evs, text
    best = max(evs, key=lambda e: e.confidence or 0.0)
    return best.event_type, best.sub_event_type


def test_guns_fired_from_tanks_or_ships_are_shelling(coder):
    assert kind(coder, "On 14 July, army tanks opened fire on houses in Kharkiv. Casualties unknown.") == \
        ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert kind(coder, "On 12 July, navy warships fired at the coast near Idlib, killing 2 people.") == \
        ("Explosions/Remote violence", "Shelling/artillery/missile attack")


def test_forces_hitting_a_target_is_an_attack_by_its_instrument(coder):
    assert kind(coder, "On 15 July, Russian forces hit with a drone a vehicle near Kharkiv. Casualties unknown.") == \
        ("Explosions/Remote violence", "Air/drone strike")


def test_a_storm_hitting_a_town_is_no_event(coder):
    assert coded_events(coder, "On 15 July, a storm hit Kisumu, destroying roofs.", published=date(2024, 7, 20)) == []


def test_people_gathering_to_make_a_demand_is_a_protest(coder):
    assert kind(coder, "On 14 July, hundreds of street cleaners gathered outside the town hall in Kisumu to demand "
                       "their unpaid wages.") == ("Protests", "Peaceful protest")


def test_a_gathering_for_a_funeral_is_no_protest(coder):
    assert coded_events(coder, "On 14 July, hundreds of mourners gathered in Kisumu for the funeral of a chief.",
                        published=date(2024, 7, 20)) == []


def test_a_threat_to_block_roads_leaves_a_protest_peaceful(coder):
    assert kind(coder, "On 14 July, residents staged a demonstration in Kisumu to demand land titles. The demonstrators "
                       "warned that if their demands were not met they would barricade the roads.") == \
        ("Protests", "Peaceful protest")
    assert kind(coder, "On 14 July, residents staged a demonstration in Kisumu to demand land titles and "
                       "barricaded the roads with burning tyres.") == ("Riots", "Violent demonstration")


def test_an_attack_on_a_vehicle_whose_passengers_were_shot_is_violence_against_civilians(coder):
    assert kind(coder, "On 14 July, militants attacked a pickup near Gao. They shot at the passengers, "
                       "wounding two.")[0] == "Violence against civilians"
