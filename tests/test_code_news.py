"""What a report states as news, and what it only recalls, expects, quotes or sums up (issue 10, point 3):
sentences written here, coded with the real model and a table of places."""
from datetime import date

import pytest
from coder_helpers import coded_events, table_coder
from test_code_coder import TinyGeo


@pytest.fixture(scope="module")
def coder():
    return table_coder(TinyGeo())


def code(coder, text, published=date(2021, 6, 12)):
    return coded_events(coder, text, published, "n1")


# one sentence that is news, to show each rule leaves the plain report alone
NEWS = "On Tuesday, Russian airstrikes hit a market in Idlib, killing four civilians."


def test_the_plain_report_is_an_event(coder):
    [e] = code(coder, NEWS)
    assert e.event_type == "Explosions/Remote violence" and e.fatalities == 4


@pytest.mark.parametrize("text", [
    "The president reserved the right to respond to any attack on his troops.",   # a capability, any attack
    "Ankara pledged $3bn to buy missiles from Washington.",                       # a pledge, a purchase
    "Analysts said Isis could regroup in Syria within months and retake territory near Aleppo.",  # modal over a conjunct
    "Ahead of an offensive expected within two weeks, aid agencies warned of an exodus from Idlib.",  # expected
    "The minister has long advocated air strikes against the militants in Idlib.",  # stance
    "Troops were sent to the front to recapture the town of Idlib.",              # a purpose
    "Be careful with the bombardment.",                                           # an order
    "Will the army shell Idlib again?",                                           # a question
])
def test_intent_capability_and_the_unreal_are_not_events(coder, text):
    assert code(coder, text) == []


def test_managed_to_is_an_event_to_is_not(coder):
    assert len(code(coder, "On Monday, the rebels managed to capture the town of Aleppo.")) == 1
    assert code(coder, "On Monday, the rebels gathered near Aleppo to capture the town.") == []


def test_a_trend_is_not_an_event(coder):
    assert code(coder, "In Idlib, car bombings have increased sharply.") == []
    assert len(code(coder, "In Idlib, a car bombing killed three people on Sunday.")) == 1


@pytest.mark.parametrize("text", [
    "Since the regime took over Aleppo in late 2016, few have questioned its recovery.",
    "Rebels captured Aleppo in the 1990s, a veteran recalled.",
    "The failed 2016 offensive on Aleppo left the army exhausted.",
    "Last year's offensive on Idlib displaced thousands of families.",
    "A resident said up to 500 civilians had been killed in Idlib since 2013.",
    "More than 500,000 people have been killed in Syria.",
])
def test_history_and_running_totals_are_not_events(coder, text):
    assert code(coder, text) == []


def test_direct_speech_is_not_the_reports_account(coder):
    quoted = "“They will bomb Idlib until nothing is left,” a commander told reporters on Tuesday."
    assert code(coder, quoted) == []
    # the same words as the report's own account, and a quotation after the report, keep the event
    assert len(code(coder, NEWS + " “It was terrifying,” a resident said.")) == 1


def test_history_years_are_dated():
    from rasd.code.dates import DateFinder

    f = DateFinder()
    ref = date(2021, 6, 12)

    def years(text):
        return [(d.value.year, d.precision) for d in f.find(text, ref) if d.value]

    assert years("since late 2016") == [(2016, "year")]
    assert years("in early 2019 the town fell") == [(2019, "year")]
    assert years("in the 1990s") == [(1990, "year")]
    assert years("the failed 2016 coup") == [(2016, "year")]
    assert years("last year's offensive") == [(2020, "year")]
    # the report's own year and figures that are not years stay undated
    assert years("in 2021 the town fell") == []
    assert years("2,000 troops and 2019 fighters") == []
    [d] = [d for d in f.find("earlier this year", ref) if d.value]
    assert date(2021, 1, 1) < d.value < ref
