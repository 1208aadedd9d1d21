"""Precision rules of the coder (what a careful analyst would not code), on sentences written here."""
from datetime import date

import pytest
from test_code_coder import TinyGeo

from rasd.records import Document


@pytest.fixture(scope="module")
def coder():
    from rasd.code import Coder
    from rasd.nlp import load_nlp

    return Coder(load_nlp(), geoparser=TinyGeo())


def code(coder, text, published=date(2021, 6, 12)):
    return coder.process([Document(doc_id="p1", raw=text, published=published)])[0].events


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
