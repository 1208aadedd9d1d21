"""Dates and tolls (issue 10 §4): sentences written for these tests, no model load."""
from datetime import date

import pytest

from rasd.code.dates import DateFinder
from rasd.code.fatalities import FatalityCounter, total


@pytest.fixture(scope="module")
def counter():
    return FatalityCounter()


@pytest.fixture(scope="module")
def finder():
    return DateFinder()


def kills(counter, text):
    return total([counter.find(text)], "kill")


def test_a_year_before_a_comma_is_no_count(counter):
    assert kills(counter, "On 3 May 2021, at least four people were killed in the raid.") == 4
    assert kills(counter, "On 3 May 2021, 1,200 people were killed.") == 1200


def test_days_and_years_are_no_share_of_an_allocated_toll(counter):
    text = ("On 14 October 2024, artillery shelled the eastern outskirts, coded to Northtown - Old Quarter "
            "(Northtown, Central). Casualties unknown.")
    assert counter.allocated_figure(text, text) is None
    text = "Total fatalities 9 allocated as follows: 5 Harbor, 4 Hilltop."
    assert counter.allocated_figure(text, "Shelling hit Hilltop.").value == 4


@pytest.mark.parametrize("text, n", [
    ("Soldiers shot and killed 4 herders near the well.", 4),                      # any noun after a count
    ("The raid killed 3 guards and 2 drivers, and wounded five others.", 5),       # coordinated victims
    ("Twelve villagers (mostly women) were killed in the raid.", 12),              # an aside before the verb
    ("A crowd beat a suspected burglar to death.", 1),
    ("Gunmen killed the mayor of the town.", 1),
    ("Nine bodies were recovered from the river.", 9),
    ("Raiders killed 40 goats and 3 camels.", None),                               # animals are no toll
    ("Residents protested against the killing of two teachers.", None),            # the grievance, not the toll
    ("A mob lynched a man accused of killing three children.", 1),                 # an accusation is no toll
    ("At least 8 people were killed; some sources put the toll at 30.", 8),        # the conservative figure
    ("As many as 50 people may have been killed.", 50),
    ("Six soldiers were killed: four in the raid and two in an ambush.", 6),       # a total and its parts
    ("Seven people were killed, including three who died of their wounds.", 7),
    ("Two fighters were killed and injured in the clash.", None),                  # killed and injured: no figure
    ("The patrol came under fire, killing 2 soldiers.", 2),
    ("A blast hit the market, killing 11 people, nine of them traders.", 11),      # a breakdown, not more dead
])
def test_counts(counter, text, n):
    assert kills(counter, text) == n


@pytest.mark.parametrize("text, n", [
    ("Unknown number of fatalities coded as 3.", 3),
    ("Fatalities coded as at least 4.", 4),
    ("Total fatalities 17.", 17),
    ("A total of 9 fatalities were reported.", 9),
    ("2 fatalities coded to this event.", 2),
    ("12 fatalities split across 3 events and coded as 4 for this event.", 4),
    ("29 fatalities split across 5 events.", 6),                                   # rounded share
    ("Unknown fatalities coded as 10 and split, 5 each, between the two locations.", 5),
    ("Unspecified fatalities coded to 3. Another strike killed 2. Total fatalities coded to 5.", 5),  # the last
    ("Fatality coded to 4 November 2019.", None),                                  # a day is no figure
])
def test_stated_figures(counter, text, n):
    fig = counter.stated_figure(text)
    assert (fig.value if fig else None) == n


def test_a_split_without_its_total_splits_the_counted_toll(counter):
    assert counter.stated_figure("Around thirty were killed. Fatalities split across four events.", 30).value == 8


def test_killed_or_injured_inside_the_phrase_gives_no_figure(counter):
    assert kills(counter, "The blast left 6 people injured or killed.") is None


REF = date(2020, 2, 20)


@pytest.mark.parametrize("text, value, precision", [
    ("Gunmen attacked the market on 3 February.", date(2020, 2, 3), "day"),
    ("Gunmen attacked the market on 3 March.", date(2019, 3, 3), "day"),       # after publication: the year before
    ("Fighting was reported between 11 and 15 February.", date(2020, 2, 13), "week"),  # some day within: the middle
    ("Students staged sit-ins on 23 and 24 January.", date(2020, 1, 23), "day"),      # each day: the first
    ("From 10 to 14 January, rioters blocked roads.", date(2020, 1, 10), "day"),
    ("Clashes on January 7-9 left two dead.", date(2020, 1, 7), "day"),
    ("Between 28 January and 2 February, villages were burned.", date(2020, 1, 30), "week"),
    ("A few days before 12 February, fighters detained a commander.", date(2020, 2, 9), "week"),
    ("Two days after 3 February, the body was found.", date(2020, 2, 5), "day"),
    ("Around 17 January 2020 (week of), militiamen killed a herder.", date(2020, 1, 17), "week"),
    ("Around 9 January 2020 (month of), a hostage was killed.", date(2020, 1, 9), "month"),
    ("As reported on 8 February 2020, gunmen attacked a depot.", date(2020, 2, 8), "week"),
    ("On or around 5 February, gunmen attacked a depot.", date(2020, 2, 5), "week"),
    ("The body was discovered in a ditch on 20/01.", date(2020, 1, 20), "day"),       # day first
    ("Overnight between 14 and 15 February, soldiers raided the camp.", date(2020, 2, 14), "day"),
    ("Police dispersed the crowd on Tuesday.", date(2020, 2, 18), "day"),              # the last Tuesday
])
def test_event_dates(finder, text, value, precision):
    from rasd.code import link

    d = link.event_date(finder.find(text, REF), REF)
    assert (d.value, d.precision) == (value, precision)


@pytest.mark.parametrize("text, n", [
    ("One soldier and two assailants were killed in the ambush.", 3),              # coordinated subjects
    ("Four guards and a cook were killed.", 5),
    ("Gunmen attacked the post in Kora, two gendarmes were killed.", 2),          # a place before is no victim
    ("The attackers killed the two drivers and burned the truck.", 2),
    ("A militant blew himself up at the checkpoint.", 1),
    ("The bodies of three herders were found near the river.", 3),
    ("Police gunned down three suspects.", 3),
    ("Protesters marched in memory of a student who was killed last year.", None),
])
def test_more_counts(counter, text, n):
    assert kills(counter, text) == n


def test_a_share_stated_after_a_split(counter):
    assert counter.stated_figure("Three men were killed. Fatalities are split across three events (1).").value == 1


@pytest.mark.parametrize("text, n", [
    ("Between 10 and 20 militants were killed in the strikes.", 10),               # a range: its lowest figure
    ("The clashes killed 5-7 people.", 5),
    ("Twenty-two fighters were killed.", 22),                                      # a compound number is no range
    ("At least 15-16 men assaulted and killed a trader.", 1),                      # the attackers are no victims
    ("Two suspected rebels were taken from their homes and killed.", 2),
    ("A father of three was beaten to death by police.", 1),
    ("Soldiers shot and killed Sergeant Lemma Dawit.", 1),
    ("Two people are shot and killed by raiders.", 2),
    ("Three Fulani and three farmers were killed.", 6),                            # victims named by any noun
    ("Two military trucks hit landmines and 20 soldiers died.", 20),               # things are no victims
    ("The clash left 3 militia and 2 rebels dead.", 5),
    ("Locals protested against the prior killing of a trader.", None),
    ("Soldiers killed about 58 oxen belonging to herders.", None),
    ("Gunmen killed and mutilated a farmer.", 1),
    ("The body of a former fighter who had joined the army was found near the town.", 1),
    ("About ten militants were 'neutralized' in the raid.", 10),
    ("3 QSD and/or YPG fighters were killed.", 3),
])
def test_ranges_passives_victims_and_things(counter, text, n):
    assert kills(counter, text) == n


def test_a_named_victim_and_the_ones_listed_after(counter):
    assert kills(counter, "The militants killed a councilman and two other residents.") == 3
