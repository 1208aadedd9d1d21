"""The actor knowledge base of every country: state actors generated from the country list and
the naming periods, adjectives of every people, generic actors with ACLED's country names, the
named groups of the theatres (issue 10, part 1). Sentences written for these tests; no model."""
from datetime import date

import pytest

from rasd.code import dataload as dl
from rasd.code.lexicon import ActorKB
from rasd.code.states import Countries


@pytest.fixture(scope="module")
def kb(coder_data):
    """``ActorKB.load()``, as the session's coder data loaded it."""
    assert isinstance(coder_data.actors, ActorKB)
    return coder_data.actors


def _actors(kb, text):
    return [(text[a:b], ident) for a, b, kind, ident in kb.find(text) if kind == "actor"]


def test_every_country_has_its_state_actors(kb):
    for cc in ("KE", "NE", "YE", "BR", "MM", "FJ", "IS"):
        for role in ("military", "police", "government"):
            assert kb.states[(cc, role)].country == cc
    assert kb.actor("ne-military", None, date(2022, 3, 1), None).name == "Military Forces of Niger (2021-2023)"
    assert kb.actor("ne-military", None, date(2024, 3, 1), None).name == "Military Forces of Niger (2023-)"
    assert kb.actor("fj-police", None, date(2024, 3, 1), None).name == "Police Forces of Fiji"  # no period known


def test_adjectives_of_every_people_name_their_forces(kb):
    text = "Yemeni troops, Nigerien soldiers and Kenyan police met Burkinabe gendarmes and Brazilian federal police."
    got = dict(_actors(kb, text))
    assert got["Yemeni troops"] == "ye-military"
    assert got["Nigerien soldiers"] == "ne-military"  # not Nigeria's
    assert got["Kenyan police"] == "ke-police"
    assert got["Burkinabe gendarmes"] == "bf-police"
    assert "ng-military" not in got.values()
    # the longest adjective wins: South Sudanese is not Sudanese
    assert _actors(kb, "South Sudanese soldiers") == [("South Sudanese soldiers", "ss-military")]
    # the country's name used as an adjective, and its possessive
    assert _actors(kb, "Mali troops and Ethiopia's army") == [("Mali troops", "ml-military"), ("Ethiopia's army", "et-military")]


def test_state_names_take_acled_spelling_and_article(kb):
    assert kb.actor("ci-military", None, date(2005, 1, 1), None).name == "Military Forces of the Ivory Coast (2000-2011)"
    assert kb.actor("protesters", None, None, "CI").name == "Protesters (Ivory Coast)"
    assert kb.actor("state-police", None, date(2016, 1, 1), "KE").name == "Police Forces of Kenya (2013-2022)"
    assert kb.actor("civilians", None, None, "CD").name == "Civilians (Democratic Republic of Congo)"
    assert kb.actor("us-military", None, date(2019, 5, 1), None).name == "Military Forces of the United States (2017-2021)"


def test_hand_written_aliases_beat_generated_ones(kb):
    # "Syrian" + "national army" would be Syria's military; the SNA is a rebel coalition
    assert _actors(kb, "Syrian National Army fighters") == [("Syrian National Army", "sna")]


def test_units_and_renamed_groups_follow_their_periods(kb):
    rsf = kb.lookup("Rapid Support Forces")
    assert kb.actor(rsf, None, date(2022, 6, 1), None).name == "Military Forces of Sudan (2019-) Rapid Support Forces"
    assert kb.actor(rsf, None, date(2023, 6, 1), None).name == "RSF: Rapid Support Forces"
    pmf = kb.lookup("Hashd al-Shaabi")
    assert kb.actor(pmf, None, date(2019, 1, 1), None).name == "Military Forces of Iraq (2018-2020) Popular Mobilization Forces"


def test_named_groups_of_the_theatres(kb):
    cases = {
        "Al-Shabaab militants stormed a base": "al-shabaab",
        "JNIM fighters ambushed a convoy": "jnim",
        "ISWAP fighters raided the town": "iswap",
        "Fano militiamen clashed with federal forces": "fano",
        "Pokot raiders drove away cattle": "pokot-ethnic-militia",
        "Fulani herdsmen attacked farmers": "fulani-ethnic-militia",
    }
    for text, ident in cases.items():
        assert _actors(kb, text)[0][1] == ident, text
    assert kb.actor("pokot-ethnic-militia", None, None, "KE").name == "Pokot Ethnic Militia (Kenya)"


def test_country_file_is_read_strictly():
    good = {"names": {}, "article": [], "adjectives": {}, "periods": {"KE": ["2013-04-09"]},
            "roles": {"military": {"name": "Military Forces of {state}", "type": "state forces", "nouns": ["army"]}}}
    assert Countries.load(good).periods["KE"] == [date(2013, 4, 9)]
    with pytest.raises(dl.DataError, match="periods"):
        Countries.load({**good, "periods": {"KE": ["2013-13-09"]}})
    with pytest.raises(dl.DataError, match="unknown key"):
        Countries.load({**good, "regimes": {}})
    with pytest.raises(dl.DataError, match="not a country"):
        Countries.load({**good, "periods": {"QQ": ["2013"]}})
