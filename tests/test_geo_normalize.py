"""Name keys that survive transliteration, and a small hand-made gazetteer layer."""
from __future__ import annotations

import logging

import pytest

from rasd.geo import PlaceRow, name_key, open_gazetteer, skeleton_key


@pytest.mark.parametrize("a,b", [
    ("Beit Jin", "Bayt Jin"),
    ("al-Tal", "At Tall"),
    ("al-Tal", "Tall"),
    ("Kiswah", "El-Kiswah"),
    ("Kiswah", "Al Kiswah"),
    ("Deir ez-Zor", "Dayr az Zor"),
    ("Tell Abyad", "Tal Abyad"),
    ("Kafr Nabl", "Kfar Nabl"),
    ("Jisr al-Shughur", "Jisr ash-Shughur"),
    ("Ain al-Arab", "Ayn al Arab"),
    ("Ma‘arrat al-Nu‘man", "Maarrat al Numan"),
    ("Ma'arrat al-Nu'man", "Maʿarrat an-Nuʿman"),
    ("Hamah", "Hama"),
    ("Ḩamāh", "Hama"),
    ("Khan  al-Shih", "Khan ash-Shih"),
])
def test_variants_share_a_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a,b", [("Beit Jinn", "Beit Jin"), ("Idleb", "Idlib"), ("Yabroud", "Yabrud")])
def test_looser_spellings_share_a_skeleton(a, b):
    assert skeleton_key(a) == skeleton_key(b)


@pytest.mark.parametrize("a,b", [("Homs", "Hama"), ("Beit Jin", "Beit Sahour"), ("Aleppo", "Idlib")])
def test_different_places_keep_different_keys(a, b):
    assert name_key(a) != name_key(b)
    assert skeleton_key(a) != skeleton_key(b)


@pytest.fixture
def small_gaz(tmp_path):
    gaz = open_gazetteer(str(tmp_path / "g.db"), build_default=False)
    gaz.add_layer("test", [
        PlaceRow("Qaryat Zahra", 34.0, 36.0, country="SY", feature="P.PPL", population=3000,
                 alt_names=("Qaryet ez-Zahra",)),
        PlaceRow("Zahra", 10.0, 10.0, country="NG", feature="P.PPL", population=90000),
        PlaceRow("Wadi Nour", 34.2, 36.1, country="SY", feature="P.PPL", population=800),
    ], source="hand-made")
    yield gaz
    gaz.close()


def test_layer_lookup_by_any_spelling(small_gaz):
    hits = small_gaz.lookup("Qaryat al-Zahra")
    assert [h.name for h in hits] == ["Qaryat Zahra"]
    assert small_gaz.lookup("Qaryet ez Zahra")[0].match == "key"
    assert small_gaz.layers()[0]["places"] == 3


def test_fuzzy_fallback_is_logged(small_gaz, caplog):
    with caplog.at_level(logging.INFO, logger="rasd.geo"):
        hits = small_gaz.lookup("Wadi Nourr")
    assert hits and hits[0].name == "Wadi Nour"
    assert hits[0].match in ("skeleton", "fuzzy")
    assert any("Wadi Nour" in r.getMessage() for r in caplog.records)


def test_no_match_below_threshold(small_gaz, caplog):
    with caplog.at_level(logging.INFO, logger="rasd.geo"):
        assert small_gaz.lookup("Completely Elsewhere") == []
    assert any("no fuzzy match" in r.getMessage() for r in caplog.records)


def test_near_uses_the_rtree(small_gaz):
    near = small_gaz.near(34.0, 36.0, 30)
    assert [c.name for _, c in near] == ["Qaryat Zahra", "Wadi Nour"]
    assert near[1][0] == pytest.approx(23.9, abs=1.0)


def test_replacing_a_layer_does_not_duplicate(small_gaz):
    small_gaz.add_layer("test", [PlaceRow("Only One", 1.0, 1.0)])
    assert small_gaz.layers()[0]["places"] == 1
    assert small_gaz.lookup("Qaryat Zahra", fuzzy=False) == []
