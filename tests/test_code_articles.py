"""Long real articles (issue 10, point 3): what a long report refers to as known, sums up or recalls is
not its news; one happening told over several sentences is one event, two told in one sentence are two.
Sentences written here, coded with the real model and a table of places."""
import pytest
# the table coder and its helper of test_code_news (a module-scoped fixture: one pipeline per module)
from test_code_news import LONG, code, coder  # noqa: F401


def kinds(evs):
    return sorted((e.event_type, e.location.name if e.location else None) for e in evs)


# a long report (at least eight sentences: the first eight of test_code_news's): its lede's strike is the news;
# the sentence under test goes last
LEDE = LONG[:LONG.index("It also asked donors")]
STRIKE = [("Explosions/Remote violence", "Idlib")]


def test_the_long_report_alone_has_its_lede_event(coder):
    assert kinds(code(coder, LEDE)) == STRIKE


def test_a_happening_a_long_report_refers_to_as_known_is_not_its_news(coder):
    # "the army's withdrawal": a possessive noun phrase presupposes the happening, it does not report it
    assert kinds(code(coder, LEDE + "The army's withdrawal from Aleppo left the town exposed.")) == STRIKE
    # told with a day of its own, it is news
    assert ("Strategic developments", "Aleppo") in kinds(code(coder, LEDE + "The army withdrew from Aleppo on Monday."))
    # a noun classifying another ("a withdrawal timetable") names a kind of thing in a long report
    assert kinds(code(coder, LEDE + "On Monday, the army published a withdrawal timetable for Aleppo.")) == STRIKE


@pytest.mark.parametrize("text", [
    "On Monday in Aleppo, two ministers resigned in protest.",                  # "in protest": a manner
    "On Monday, the outlines of a deal between the rebels and the army in Aleppo became discernible.",  # not reached
])
def test_manners_and_outlines_are_not_events(coder, text):
    assert code(coder, text) == []


def test_a_long_report_tells_the_news_of_the_month_before_it(coder):
    old = "Police detained two rebels in Aleppo on 22 April. "
    # in a short note, seven weeks back is still within its reach
    assert kinds(code(coder, old)) == [("Strategic developments", "Aleppo")]
    # in a long article it is recalled, not reported
    assert kinds(code(coder, LEDE + old)) == STRIKE


def test_a_killing_by_a_weapon_is_that_weapons_event(coder):
    [e] = code(coder, "On Sunday, two waves of airstrikes on Idlib killed at least 13 civilians.")
    assert (e.event_type, e.sub_event_type, e.fatalities) == ("Explosions/Remote violence", "Air/drone strike", 13)


def test_victims_told_later_without_an_attacker_belong_to_the_event_before(coder):
    text = ("A suicide bomber struck a restaurant in Idlib on Wednesday. "
            "The town had been calm for weeks. "
            "Officials confirmed that two soldiers were killed.")
    [e] = code(coder, text)
    assert e.sub_event_type == "Suicide bomb" and e.fatalities == 2


def test_parties_referred_back_to_are_those_of_the_sentence_before(coder):
    armed = "Rebel commanders met Syrian army officers in Aleppo on Monday. The two parties reached a final agreement."
    assert ("Strategic developments", "Agreement") in [(e.event_type, e.sub_event_type) for e in code(coder, armed)]
    firms = "Two bakeries met in Aleppo on Monday. The two parties reached a final agreement."
    assert code(coder, firms) == []


def test_two_acts_of_violence_in_two_clauses_with_their_own_places_are_two_events(coder):
    text = "On Monday, government artillery shelled Aleppo while warplanes bombed a market in Idlib."
    assert kinds(code(coder, text)) == [("Explosions/Remote violence", "Aleppo"), ("Explosions/Remote violence", "Idlib")]
