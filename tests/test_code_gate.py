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
    assert len(got) >= 12
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
