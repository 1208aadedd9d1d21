"""Precision rules of the coder (what a careful analyst would not code), on sentences written here."""
from datetime import date

import pytest
from coder_helpers import coded_events, table_coder
from test_code_coder import TinyGeo


@pytest.fixture(scope="module")
def coder():
    return table_coder(TinyGeo())


def code(coder, text, published=date(2021, 6, 12)):
    return coded_events(coder, text, published, "p1")


def test_habitual_modifier_is_not_an_event(coder):
    assert code(coder, "The militias in Aleppo have been weakened by regular Russian airstrikes.") == []
    # the same strike told as one event is coded
    evs = code(coder, "Russian airstrikes hit a market in Aleppo on Tuesday.")
    assert [e.event_type for e in evs] == ["Explosions/Remote violence"]


def test_plural_trigger_over_a_span_of_time_is_a_pattern(coder):
    assert code(coder, "Turkey has stepped up its drone strikes against Kurdish targets in Syria in recent weeks.") == []
    assert code(coder, "The army carried out raids on villages near Idlib over the past months.") == []
    # a single raid dated within those weeks stays an event
    evs = code(coder, "The army carried out a raid on a village near Idlib on Monday.")
    assert len(evs) == 1


def kills(text):
    from rasd.code.fatalities import FatalityCounter, total

    return total([FatalityCounter().find(text)], "kill")


def test_day_of_the_month_is_not_a_death_toll():
    assert kills("On Mar 14 masked men killed a teacher outside his school.") == 1
    assert kills("On 9 June, 2018 three guards died in the ambush.") == 3
    assert kills("Early on Sept 30 a shepherd was shot dead near the border.") == 1
    # a word that merely starts like a month is no date
    assert kills("The decapitated body of a farmer was found near the river.") == 1


def test_killed_or_wounded_gives_no_figure_for_the_dead():
    assert kills("In total 9 guerrillas were killed or wounded in the raids.") is None
    assert kills("Shelling left 4 people injured or killed in the camp.") is None
    assert kills("Shelling killed 4 people and wounded 7 others.") == 4


def test_one_person_named_by_a_singular_noun_phrase():
    assert kills("A local council employee was stabbed to death in the market.") == 1
    assert kills("The mayor of the town was assassinated by unknown gunmen.") == 1
    assert kills("Masked men stopped the bus and killed a retired judge.") == 1
    assert kills("A teacher was shot and killed at a checkpoint.") == 1
    assert kills("The convoy was attacked near the bridge.") is None


def test_a_bare_toll_is_the_toll_of_the_event_before(coder):
    evs = code(coder, "On Sunday, rebels and army troops clashed near Aleppo. Five civilians were killed.")
    assert len(evs) == 1
    assert evs[0].event_type == "Battles" and evs[0].fatalities == 5
    # a killing with its own place is its own event
    evs = code(coder, "On Sunday, rebels and army troops clashed near Aleppo. In Mosul, gunmen killed five civilians on Monday.")
    assert len(evs) == 2


def test_a_toll_split_by_place_goes_to_the_place_of_the_event():
    from rasd.code.fatalities import FatalityCounter

    allocated_figure = FatalityCounter().allocated_figure

    note = ("Fighting in Kafr Nabl and Maarat Harma left 9 fighters dead. Total fatalities 9 split as follows: "
            "5 to Kafr Nabl and 4 Maarat Harma.")
    assert allocated_figure(note, "Rebels clashed with the army in Maarat Harma near Idlib.").value == 4
    assert allocated_figure(note, "Rebels clashed with the army in Kafr Nabel.").value == 5  # spelling differs
    # a place the list does not name, or no list at all: nothing to allocate
    assert allocated_figure(note, "Rebels clashed with the army in Saraqib.") is None
    assert allocated_figure("Clashes in Saraqib killed 12 fighters.", "Clashes in Saraqib.") is None
    # counts of the dead are not shares: "7 Kurdish fighters were killed ..."
    dead = "7 Kurdish fighters and 3 Arab fighters were killed, with fatalities coded to the battle."
    assert allocated_figure(dead, "Kurdish fighters clashed with Arab fighters.") is None
    # a figure stated for one place wins
    own = note + " Total fatalities in Maarat Harma coded to 6."
    assert allocated_figure(own, "Rebels clashed with the army in Maarat Harma.").value == 6


def test_an_earlier_year_is_background(coder):
    from rasd.code.dates import DateFinder

    f = DateFinder()
    [m] = [d for d in f.find("In 2017, the army retook the town.", date(2021, 6, 12)) if d.value]
    assert (m.value.year, m.precision) == (2017, "year")
    # the report's own year is no finer than its date: not resolved
    assert [d.value for d in f.find("in 2021 the town fell", date(2021, 6, 12)) if d.value] == []
    assert code(coder, "In 2017, Russian airstrikes hit a market in Aleppo.") == []
    assert len(code(coder, "On Tuesday, Russian airstrikes hit a market in Aleppo.")) == 1


def test_hyphenated_article_in_an_armed_actor_name_passes_the_prefilter(coder):
    # "agreement"/"negotiations" are weak triggers: they need an armed actor named in the sentence,
    # and the text writes "al-Sham" where the actor list keeps "al sham"
    text = "Negotiations are under way over the exit of Hayat Tahrir al-Sham from Idlib."
    evs = code(coder, text)
    assert [(e.event_type, e.sub_event_type) for e in evs] == [("Strategic developments", "Other")]
