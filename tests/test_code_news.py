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


# a long report: a lede with its day, then background past its first 600 characters; written here
LONG = ("Russian jets bombed a market in Idlib on Tuesday, killing four civilians. "
        "Rescue workers pulled bodies from the rubble. "
        "The market had been busy before the holiday. "
        "Many families fled north. "
        "Aid groups warned of shortages of food. "
        "Diplomats met in Geneva. "
        "They issued a statement. "
        "The statement called on all parties to respect the laws of war and to protect hospitals and schools. "
        "It also asked donors to fund the winter appeal for the families who live in tents along the border. "
        "Several governments said they would consider the request at a meeting planned for next month. "
        "Aid workers said the camps were already full and that more tents would be needed before the snow. "
        "The town of Aleppo fell to the army after a long siege. "
        "Rebel fighters are still fighting the army near Mosul.")


def test_past_the_lede_an_undated_sentence_is_background(coder):
    evs = code(coder, LONG)
    # the lede's strike, and the fighting going on now; not the undated fall of Aleppo
    assert ("Explosions/Remote violence", "Idlib") in [(e.event_type, e.location.name) for e in evs]
    assert any(e.sub_event_type == "Armed clash" for e in evs)
    assert not any(e.sub_event_type == "Government regains territory" for e in evs)
    # the same fall of Aleppo with its day is news
    dated = LONG.replace("after a long siege", "on Monday after a long siege")
    assert any(e.sub_event_type == "Government regains territory" for e in code(coder, dated))


def test_recent_days_date_an_event():
    from rasd.code.dates import DateFinder

    ref = date(2021, 6, 12)
    [d] = [d for d in DateFinder().find("in the past three days alone", ref) if d.value]
    assert (d.value, d.precision) == (date(2021, 6, 11), "week")
    [d] = [d for d in DateFinder().find("In recent days, jets struck", ref) if d.value]
    assert ref - d.value <= __import__("datetime").timedelta(days=3) and d.precision == "week"


def test_the_place_of_an_event_is_not_where_its_speaker_is(coder):
    [e] = code(coder, "On Tuesday, rebels shelled a market in Idlib, the governor of Aleppo told reporters.")
    assert e.location.name == "Idlib"
    # residents and witnesses speak from where it happened
    [e] = code(coder, "Aleppo residents said warplanes struck a market on Tuesday.")
    assert e.location.name == "Aleppo"
    [e] = code(coder, "Speaking in Mosul on Tuesday, the minister said rebels had shelled Idlib.")
    assert e.location.name == "Idlib"
    # a speaker's place is no fallback either: the event has no place
    [e] = code(coder, "On Tuesday, 12 soldiers were killed in an air strike, the governor of Aleppo said.")
    assert e.location is None
    # the place of the report's own words stays
    [e] = code(coder, "The governor said rebels shelled Aleppo on Tuesday.")
    assert e.location.name == "Aleppo"


def test_a_day_and_month_without_year_take_the_publication_year():
    from rasd.code.dates import DateFinder

    f = DateFinder()

    def day(text, ref):
        return [d.value for d in f.find(text, ref) if d.value][0]

    assert day("on 2 January", date(2020, 12, 30)) == date(2020, 1, 2)
    assert day("on 28 December", date(2021, 1, 3)) == date(2020, 12, 28)  # after publication: the year before
    assert day("on 3 March", date(2021, 6, 12)) == date(2021, 3, 3)


def test_a_clipped_wire_brief_is_english_and_a_foreign_report_is_not_coded(coder):
    brief = ("Two bombs fixed to an army truck exploded in Idlib on Friday, killing 9 soldiers, state media "
             "reported. Five people were wounded in the blasts near the main square. No claim of responsibility.")
    assert len(code(coder, brief)) == 1
    # the language stage warns that rasd codes English only, and nothing is coded from it
    spanish = ("Dos bombas colocadas en un camión del ejército explotaron en Idlib el viernes y mataron a nueve "
               "soldados, según los medios estatales. Cinco personas resultaron heridas cerca de la plaza principal "
               "de la ciudad, y nadie reivindicó el ataque.")
    assert code(coder, spanish) == []
