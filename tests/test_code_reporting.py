"""What a news story reports as having happened, and what it only names (issue 10 §3): kinds given as
examples, spells summed up, warnings against an act, fights against a decision, quotations whose
source is the speaker, people described by a participle, tolls "in their thousands", a verb's
lemma under a word list of forms, dates at the start of a year. Sentences written for this test;
each rule is checked beside the report it must leave alone."""
from datetime import date

import pytest
from coder_helpers import coded_events, table_coder
from test_code_coder import TinyGeo


@pytest.fixture(scope="module")
def coder():
    return table_coder(TinyGeo())


def types(coder, text, published=date(2021, 6, 12)):
    return [e.event_type for e in coded_events(coder, text, published, "r1")]


def test_an_act_given_as_an_example_of_a_kind_is_not_an_event(coder):
    assert types(coder, "Officials accused of abuses such as the shelling of markets in Aleppo should face trial.") == []
    assert types(coder, "On Monday government forces shelled a market in Aleppo.") == ["Explosions/Remote violence"]


def test_weeks_of_fighting_summed_up_is_not_one_event(coder):
    assert types(coder, "Life returned to the streets of Aleppo on Monday after more than seven weeks of clashes.") == []
    # the clashes told as what happened that day stay an event
    assert types(coder, "Rebels clashed with the army in Aleppo on Monday.") == ["Battles"]


def test_a_spell_a_deal_came_after_is_still_an_event_of_its_own(coder):
    evs = types(coder, "On Monday the truce in Aleppo came after weeks of shelling by government forces.")
    assert sorted(evs) == ["Explosions/Remote violence", "Strategic developments"]


def test_a_warning_against_an_act_is_not_the_act(coder):
    assert types(coder, "On Sunday the governor warned students in Aleppo against staging protests.") == []
    assert types(coder, "On Sunday the army deterred the militants from attacking Aleppo.") == []
    assert types(coder, "On Sunday students staged protests in Aleppo.") == ["Protests"]


def test_fighting_a_decision_is_opposing_it_not_combat(coder):
    assert types(coder, "On Monday the coalition in Aleppo fought the council's attempt to close the port.") == []
    assert types(coder, "On Monday the coalition fought Islamic State fighters in Aleppo.") == ["Battles"]


def test_a_source_named_inside_a_quotation_does_not_pass_it_on(coder):
    text = ("Aleppo\n\nRescuers worked through the night in Aleppo on Monday. "
            "“We, the Civil Defence, have said for years that the airstrikes only led to the killing of more "
            "civilians in Aleppo.” Rescuers said they would go on working.")
    assert types(coder, text) == []
    # a quotation a monitor passes on, outside the quotes, is reported
    sourced = "“Government airstrikes killed four civilians in Aleppo on Monday,” the Syrian Observatory for Human Rights said."
    assert types(coder, sourced) == ["Explosions/Remote violence"]


def test_people_described_by_a_participle_are_no_event(coder):
    assert types(coder, "On Monday aid reached Aleppo, days after it was taken over by advancing rebels.") != [
        "Battles", "Battles"]
    assert types(coder, "On Monday the town council of Aleppo thanked the retreating soldiers.") == []


def test_killings_in_their_thousands_without_a_day_or_a_place_of_their_own_are_a_toll(coder):
    text = ("Aleppo fighting\n\nOn Monday rebels attacked an army post in Aleppo. "
            "Prisoners have been tortured and murdered in their thousands.")
    assert types(coder, text) == ["Battles"]


def test_an_announced_withdrawal_is_a_plan_whatever_the_verb_form(coder):
    for verb in ("announced", "has announced", "announces"):
        assert types(coder, f"The president {verb} a rapid troop withdrawal from Aleppo.") == [], verb
    assert types(coder, "On Monday government troops withdrew from Aleppo.") == ["Strategic developments"]


def test_the_start_of_this_year_dates_a_happening_months_ago():
    from rasd.code.dates import DateFinder
    from rasd.code.rules import Rules

    find = DateFinder(Rules.load().dates).find
    [m] = find("He was captured at the start of this year by Kurdish forces.", date(2018, 4, 13))
    assert (m.value, m.precision) == (date(2018, 1, 15), "month")
    [m] = find("Talks stalled at the end of last year.", date(2018, 4, 13))
    assert (m.value, m.precision) == (date(2017, 12, 15), "month")


def test_a_capture_at_the_start_of_the_year_is_background_in_an_april_story(coder):
    text = "A militant who was captured at the start of this year by Kurdish forces near Aleppo is alleged to be a leader."
    assert types(coder, text, date(2018, 4, 13)) == []
    assert types(coder, "Kurdish forces captured the town of Aleppo on Monday.", date(2018, 4, 13)) == ["Battles"]


def test_an_inflected_verb_takes_its_stem_before_a_listed_form():
    from rasd.nlp.morph import Morph

    m = Morph(["announce", "announced", "report"])
    assert m.lemma("announced", "VBD") == "announce"
    assert m.lemma("announced", "VBN") == "announce"
    assert m.lemma("reported", "VBD") == "report"
    # a form not derived from a known stem stays as it was listed
    assert Morph(["announced"]).lemma("announced", "VBD") == "announced"


def test_a_siege_named_as_a_subject_is_a_condition_not_an_event(coder):
    assert types(coder, "Even as the siege of Aleppo closed in, residents had access to food.") == []
    assert types(coder, "Government forces besieged Aleppo on Monday.") == ["Battles"]


def test_an_air_blitz_is_an_air_strike(coder):
    evs = coded_events(coder, "On Wednesday a Russian air blitz on rebel-held Idlib entered its second week.",
                       date(2021, 6, 12), "b1")
    assert [(e.event_type, e.sub_event_type) for e in evs] == [("Explosions/Remote violence", "Air/drone strike")]


def test_happenings_counted_in_the_present_perfect_are_a_running_total(coder):
    assert types(coder, "There have been dozens of US airstrikes on Idlib, which went unreported.") == []
    assert types(coder, "Dozens of airstrikes hit Idlib on Monday.") == ["Explosions/Remote violence"]


def test_what_a_participle_says_people_went_through_is_no_event_even_beside_a_day(coder):
    assert types(coder, "On Friday the army, battered by the long fight, was placed on high alert in Aleppo.") == []
    # a day inside the participle's own phrase dates what the place went through
    assert types(coder, "Doctors treated the wounded at a hospital in Aleppo damaged in airstrikes on Friday.") == [
        "Explosions/Remote violence"]


def test_what_a_verb_of_judging_characterises_is_no_report(coder):
    assert types(coder, "Some see it as a diversion from a campaign by the government against Idlib.") == []


def test_a_participle_of_taking_that_takes_nothing_is_no_capture(coder):
    assert types(coder, "Taken together, the gains near Aleppo leave no room for doubt.") == []
    assert types(coder, "Rebels took the town of Idlib on Monday.") == ["Battles"]


def test_a_happening_named_as_the_subject_of_its_consequences_is_assessed(coder):
    assert types(coder, "Peace talks on Aleppo have gone nowhere.") == []  # ("go" is a trigger only with "off")
    assert types(coder, "Its surrender removed any threat to Aleppo.") == []
    # the trigger verb that tells the event keeps it
    assert types(coder, "On Monday airstrikes have killed 12 people in Idlib.") == ["Explosions/Remote violence"]


def test_what_is_going_on_now_is_dated_by_the_report(coder):
    text = ("Rebels attacked Aleppo on 2 June. Government troops shelled the rebels. Aid came. Talks stalled. "
            "Prices rose. Schools shut. Roads closed. But battles between rebels and troops continue near Idlib.")
    evs = coded_events(coder, text, date(2021, 6, 12), "o1")
    assert [(e.location.name, e.date) for e in evs if e.location.name == "Idlib"] == [("Idlib", date(2021, 6, 12))]


def test_a_happening_referred_to_again_is_the_event_already_told(coder):
    text = ("On Monday Turkish forces launched an assault on Idlib. "
            "The attack has displaced 5,000 people and killed dozens of civilians in Idlib.")
    assert types(coder, text) == ["Battles"]
    text = ("Rebels withdrew from Idlib on Sunday. "
            "The fall of Idlib, two days after it was surrounded by the army, surprised many.")
    assert types(coder, text) == ["Strategic developments"]
    # a deal is never the protest told before it, at the same place and day
    text = ("On Monday residents protested in Idlib against the army. The agreement reached between rebels and the "
            "army in Idlib on Monday lets fighters leave.")
    assert types(coder, text) == ["Protests", "Strategic developments"]
    # another event, elsewhere, is not absorbed
    text = "On Monday Turkish forces launched an assault on Idlib. On Tuesday gunmen killed two civilians in Aleppo."
    assert types(coder, text) == ["Battles", "Violence against civilians"]


def test_a_report_told_in_sequence_is_part_of_a_recounted_story(coder):
    # (past a long story's lede of 600 characters, with no day stated in the six sentences before)
    head = ("Rebels attacked Aleppo on 2 June. Government troops shelled the rebels the same day. "
            "Aid convoys came to the city from the north and the west, carrying food, blankets and medicine. "
            "Talks on the future of the city stalled again, and both sides blamed each other for the delay. "
            "Prices of bread and fuel rose in the markets, and many families said they could no longer pay. "
            "Schools shut their doors, and teachers said they did not know when they would open them again. "
            "Roads out of the city closed one after another, leaving farmers unable to bring their crops in. "
            "The man grew up in Basra, studied engineering there and moved abroad in his twenties to find work. ")
    told = head + "He was later reported by his family to have been killed in airstrikes near Idlib."
    assert "Idlib" not in [e.location.name for e in coded_events(coder, told, date(2021, 6, 12), "s1")]
    news = head + "His family reported that airstrikes killed him near Idlib."
    assert "Idlib" in [e.location.name for e in coded_events(coder, news, date(2021, 6, 12), "s2")]


def test_what_people_on_the_spot_said_in_a_long_story_is_news_without_a_day(coder):
    # (past a long story's lede, with no day stated in the six sentences before: see the recounted story above)
    head = ("Rebels attacked Aleppo on 2 June. Government troops shelled the rebels the same day. "
            "Aid convoys came to the city from the north and the west, carrying food, blankets and medicine. "
            "Talks on the future of the city stalled again, and both sides blamed each other for the delay. "
            "Prices of bread and fuel rose in the markets, and many families said they could no longer pay. "
            "Schools shut their doors, and teachers said they did not know when they would open them again. "
            "Roads out of the city closed one after another, leaving farmers unable to bring their crops in. "
            "The man grew up in Basra, studied engineering there and moved abroad in his twenties to find work. ")
    said = head + "Government artillery also shelled the outskirts of Idlib, rebels said."
    assert "Idlib" in [e.location.name for e in coded_events(coder, said, date(2021, 6, 12), "a1")]
    # a story told with a pronoun is not a party's report
    told = head + "Government artillery also shelled the outskirts of Idlib, he said."
    assert "Idlib" not in [e.location.name for e in coded_events(coder, told, date(2021, 6, 12), "a2")]


def test_an_infinitive_of_a_causative_is_a_proposal_not_a_killing(coder):
    assert types(coder, "On Monday the minister said the only way of dealing with the fighters in Aleppo is to "
                        "have them killed.") == []
    assert types(coder, "On Monday the militia had two men killed in Aleppo.") == ["Violence against civilians"]


def test_what_is_sent_in_to_attack_gives_the_attack_its_means(coder):
    evs = coded_events(coder, "On Monday Russia sent in aircraft to attack rebel-held Idlib in its first major "
                              "assault for months.", date(2021, 6, 12), "d1")
    assert [(e.event_type, e.sub_event_type) for e in evs] == [("Explosions/Remote violence", "Air/drone strike")]


def test_a_witness_who_was_present_when_it_happened_recalls_it(coder):
    assert types(coder, "A former teacher from Aleppo, he was present when 46 civilians were killed by an "
                        "airstrike on a mosque in Aleppo.") == []


def test_a_trigger_inside_a_subject_that_is_a_set_is_no_event(coder):
    assert types(coder, "Many official accounts of civilian deaths in coalition airstrikes on Aleppo later came "
                        "from rescuers.") == []
    assert types(coder, "Many civilians were killed in coalition airstrikes on Aleppo on Monday.") == [
        "Explosions/Remote violence"]


def test_a_lede_with_no_day_takes_the_day_of_the_sentence_continuing_it(coder):
    text = ("A soldier who was killed by a roadside bomb near Aleppo has been named. "
            "The 33-year-old died during an operation near Aleppo on Thursday.")
    assert [e.date for e in coded_events(coder, text, date(2021, 6, 12), "c1")] == [date(2021, 6, 10)]
    # a year of his life is no day of the event
    text = "A soldier who was killed by a roadside bomb near Aleppo has been named. He had joined the army in 2015."
    assert [e.date for e in coded_events(coder, text, date(2021, 6, 12), "c2")] == [date(2021, 6, 12)]


def test_the_fight_with_nothing_to_single_it_out_is_the_whole_campaign(coder):
    assert types(coder, "Smuggled weapons and money kept the militants in Aleppo in the fight.") == []
    assert types(coder, "On Monday the fight for the airport of Aleppo left ten soldiers dead.") == ["Battles"]


def test_an_attack_that_is_the_object_of_an_infinitive_has_not_happened(coder):
    assert types(coder, "Without the weapons to combat them, or numbers to counter attack, the rebel groups in "
                        "Aleppo said they would hold on.") == []
    assert types(coder, "The rebels in Aleppo managed to repel an attack on Monday.") == ["Battles"]
    assert types(coder, "On Monday rebels went on to launch an attack on Aleppo.") == ["Battles"]


def test_a_charge_of_responsibility_frames_the_attacks_whichever_word_the_parser_hangs_them_on(coder):
    assert types(coder, "The jihadis committed crimes in Aleppo and were responsible, directly or indirectly, for "
                        "murderous attacks in Idlib.") == []
    # a frame of another clause leaves the event alone
    assert types(coder, "On Monday villagers in Aleppo set upon two men accused of stealing a motorcycle and beat "
                        "them to death.") == ["Riots"]
