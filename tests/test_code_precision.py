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
