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


def test_property_set_ablaze_is_property_destruction(coder):
    assert kind(coder, "On 14 July, unknown gunmen set ablaze the office of the electoral commission in Gao. "
                       "No casualties were reported.") == ("Strategic developments", "Looting/property destruction")


def test_members_of_a_cartel_fighting_are_an_armed_group_not_a_crowd(coder):
    assert kind(coder, "On 14 July, members of the Northern Cartel clashed with a rival cartel in Gao, leaving 8 dead.") == \
        ("Battles", "Armed clash")


def test_fighters_surrendering_their_weapons_change_their_group(coder):
    assert kind(coder, "On 14 July, about 40 militiamen surrendered their weapons to the army in Gao and joined a "
                       "demobilisation programme.") == ("Strategic developments", "Change to group/activity")


def test_ground_taken_after_a_retreat_under_fire_is_no_peaceful_handover(coder):
    assert kind(coder, "On 14 July, rebel fighters overran the district centre of Gao after government forces retreated "
                       "following heavy fighting.")[0] == "Battles"


def test_a_grenade_dropped_from_a_drone_is_a_drone_strike(coder):
    assert kind(coder, "On 14 July, a drone dropped a grenade on a trench near Kharkiv.") == \
        ("Explosions/Remote violence", "Air/drone strike")


def test_demonstrators_breaking_windows_are_a_violent_demonstration(coder):
    assert kind(coder, "On 14 July, protesters broke windows and spray-painted the facade of the town hall in Kisumu "
                       "during a march.") == ("Riots", "Violent demonstration")


def test_a_curfew_is_an_armed_groups_activity_or_a_states_security_measure(coder):
    assert kind(coder, "On 14 July, rebel fighters imposed a curfew on the residents of Gao.") == \
        ("Strategic developments", "Other")
    assert kind(coder, "On 14 July, the army imposed a curfew in Gao.") == \
        ("Strategic developments", "Change to group/activity")


def test_an_armed_group_naming_a_governor_changes_the_group_a_president_doing_so_is_no_event(coder):
    assert kind(coder, "On 14 July, the rebels appointed a new shadow governor for Gao.") == \
        ("Strategic developments", "Change to group/activity")
    assert coded_events(coder, "On 14 July, the president appointed a new governor for Gao.",
                        published=date(2024, 7, 20)) == []


def test_arrests_told_as_a_sequel_leave_the_violence_the_event(coder):
    assert kind(coder, "On 14 July, two people were killed in clashes between farmers and herders in Gao; eight people "
                       "were also arrested by the police.")[0] == "Battles"
    assert kind(coder, "On 14 July, police arrested eight people in Gao.") == ("Strategic developments", "Arrests")


def test_an_armed_group_seizing_people_abducts_them_unless_they_are_fighters(coder):
    assert kind(coder, "On 14 July, gunmen stopped a bus near Gao. The gunmen apprehended the group of travellers.")[0] \
        == "Violence against civilians"


def test_ground_left_without_fighting_is_a_transfer_and_after_fighting_is_taken(coder):
    assert kind(coder, "On 14 July, the army withdrew from Gao and rebel fighters took over the town without fighting.") \
        == ("Strategic developments", "Non-violent transfer of territory")


def test_unarmed_people_occupying_a_building_is_a_protest(coder):
    assert kind(coder, "On 14 July, students occupied the administration building of the university in Kisumu to "
                       "denounce fee increases.") == ("Protests", "Peaceful protest")
