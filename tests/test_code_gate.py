"""The gate (code/gate.py, code/data/gate.yaml): news that is not about political violence, a protest or
a conflict's development yields no event, however often it says "attack", "strike" or "killed".

The stories in data/no_event_news.jsonl are written for this test (economy, health, diplomacy, courts,
sport, disasters): each must yield nothing. `rasd extract tests/data/no_event_news.jsonl` runs the same
check with the real gazetteer."""
import json
from datetime import date
from pathlib import Path

import pytest
from coder_helpers import table_coder
from test_code_coder import TinyGeo

from rasd.records import Document

NO_EVENT = [json.loads(line) for line in (Path(__file__).parent / "data" / "no_event_news.jsonl").open(encoding="utf-8")]


@pytest.fixture(scope="module")
def coder():
    return table_coder(TinyGeo())


def coded(coder, docs):
    return [r.events for r in coder.run_batch(docs)]


def test_stories_without_an_event_yield_none(coder):
    docs = [Document(doc_id=d["id"], raw=d["text"], published=date.fromisoformat(d["published"])) for d in NO_EVENT]
    got = {d.doc_id: [(e.event_type, e.sentence) for e in evs] for d, evs in zip(docs, coded(coder, docs))}
    assert len(got) >= 20
    assert {k: v for k, v in got.items() if v} == {}


def test_violence_in_the_same_kind_of_story_is_still_an_event(coder):
    # a story about the economy that reports a bombing: the sentence names violence itself
    text = ("Markets fall in Aleppo\n\nShares in Aleppo fell on Monday. "
            "On Sunday, a car bomb exploded near the central bank in Aleppo, killing four people. "
            "Economists said the currency could fall further. The central bank said it would act.")
    [evs] = coded(coder, [Document(doc_id="mix", raw=text, published=date(2021, 6, 12))])
    assert [e.event_type for e in evs] == ["Explosions/Remote violence"]


@pytest.mark.parametrize("text, kept", [
    # a court's frame: a charge, not a report; the arrest told in the same sentence stays
    ("On Monday police in Aleppo arrested two men suspected of killing a shopkeeper.", ["Strategic developments"]),
    ("A former soldier was in court in Aleppo on Wednesday accused of having beheaded prisoners.", []),
    # a deal between governments about trade is not a conflict's development; a truce is
    ("On Saturday the two governments agreed in Aleppo to resume trade talks.", []),
    ("On Saturday rebels and the army agreed to a ceasefire in Aleppo.", ["Strategic developments"]),
    # an attack that is not violence
    ("Hackers carried out a cyber-attack on the water company in Aleppo on Monday.", []),
])
def test_sentence_rules(coder, text, kept):
    [evs] = coded(coder, [Document(doc_id="s", raw=text, published=date(2021, 6, 12))])
    assert [e.event_type for e in evs] == kept


@pytest.mark.parametrize("text", [
    "A full-scale assault on Idlib could lead to hundreds of thousands of refugees.",        # a modal's subject
    "Kurdish officials said they are holding captured foreign members of Isis near Aleppo.",  # people captured
    "On Monday the 21-year-old was captured by Kurdish forces near Aleppo.",                 # a person captured
    "While the majority of US attacks in Syria have targeted Isis, some have hit Idlib.",      # a set of attacks
    "Today, the group mainly documents shelling and barrel bombs in Idlib.",                   # a habit
    "There were no reports of clashes in Aleppo on Monday.",                                   # no reports of
    "Erdogan told a rally in Aleppo on Sunday that the campaign would end soon.",               # an audience
    "Analysts studied how the US withdraws from conflicts such as Syria.",                     # the generic present
    "Turkey launched an offensive against the YPG two months ago to clear the group from Aleppo.",
    "On Saturday foreign ministers met in Aleppo and negotiated a deal on Idlib.",             # diplomacy
    "On Monday the army said it needed shells and missiles to repel any attack on Aleppo.",    # weapons as things
    "Turkey received the first parts of a Russian missile system in Aleppo on Friday.",        # a missile system
    "The Kurdistan Liberation Front opened an office in Aleppo on Monday.",                    # a word of a name
    "Aid reached Aleppo, a city under siege, on Monday.",                                       # a condition
    "Ministers discussed the reconstruction of cities destroyed by shelling near Aleppo.",     # what a place went through
])
def test_what_is_not_one_event_that_happened_now(coder, text):
    [evs] = coded(coder, [Document(doc_id="n", raw=text, published=date(2021, 6, 12))])
    assert [(e.event_type, e.sentence) for e in evs] == []


def test_last_month_is_history_in_news_of_late_in_the_month(coder):
    text = "Last month, rebels took over Idlib after weeks of fighting."
    [late] = coded(coder, [Document(doc_id="l", raw=text, published=date(2021, 6, 25))])
    assert late == []


def test_old_killings_found_now_are_news(coder):
    # a finding is news however long ago the killing happened (ACLED codes the mass grave when it is found)
    text = "On 9 June a grave with the bodies of 30 men killed by Isis in 2015 was discovered near Mosul."
    [evs] = coded(coder, [Document(doc_id="g", raw=text, published=date(2021, 6, 12))])
    assert len(evs) == 1


@pytest.mark.parametrize("text", [
    "The paratrooper had previously fought in Afghanistan and near Mosul.",                     # a former time
    "The IS threat near Mosul is not over, despite high-profile captures.",                     # a concessive
    "It takes place against a backdrop of continuing military losses near Aleppo.",              # a setting
    "On Wednesday the president announced a rapid troop withdrawal from Aleppo.",               # a plan
    "Fighting in Aleppo is far from over.",                                                     # a statement (undated)
    "The defence secretary handed in his resignation on Thursday over the war in Aleppo.",      # not a handover
])
def test_statements_settings_and_plans_are_not_events(coder, text):
    [evs] = coded(coder, [Document(doc_id="p", raw=text, published=date(2021, 6, 12))])
    assert [(e.event_type, e.sentence) for e in evs] == []


def test_a_vague_report_and_a_fine_one_of_the_same_event_are_one_event_at_the_fine_place(coder):
    # within a document: "clashes in Syria" and the same clashes "near Aleppo" the same day are one event
    text = ("Rebels clashed with government troops in Syria on Monday, a monitor said. "
            "The rebels clashed with the troops near Aleppo on Monday, killing four soldiers.")
    [evs] = coded(coder, [Document(doc_id="m", raw=text, published=date(2021, 6, 12))])
    assert [(e.event_type, e.location.name) for e in evs] == [("Battles", "Aleppo")]
