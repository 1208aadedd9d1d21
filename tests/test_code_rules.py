"""The coder's rule files (code/data/*.yaml) and their strict loader: every file loads, a mistake in
one fails with a message naming the file, the entry and the key, and a second language is data."""
import copy
from datetime import date
from importlib import resources

import pytest
import yaml

from rasd.code.dataload import DataError
from rasd.code.dates import DateFinder
from rasd.code.lexicon import Ontology, TriggerLexicon
from rasd.code.rules import CoderRules, DateRules, DetectorRules, FatalityRules, PlaceRules, Rules


def raw(name):
    return yaml.safe_load(resources.files("rasd.code").joinpath("data", name).read_text(encoding="utf-8"))


def test_every_rule_file_loads_and_compiles_its_patterns():
    r = Rules.load("en")
    assert r.coder.background.search("as it has been since the start of the war")
    assert r.places.weights["strong_cue"] > r.places.weights["weak_cue"]
    assert [k for k, _ in r.dates.patterns][0] == "iso"
    assert r.fatalities.units["twelve"] == 12
    assert "would" in r.detector.modal_auxiliaries


def test_an_unknown_key_names_the_file_the_section_and_the_key():
    d = raw("coder.yaml")
    d["en"]["backgrund"] = "typo"
    with pytest.raises(DataError, match=r"coder\.yaml: entry 'en': key 'backgrund': unknown key"):
        CoderRules.load("en", d)
    d = raw("places.yaml")
    d["weights"]["strong_clue"] = 2.0
    with pytest.raises(DataError, match=r"places\.yaml: entry 'weights': key 'strong_clue': unknown key"):
        PlaceRules.load("en", d)


def test_a_missing_key_is_an_error():
    d = raw("coder.yaml")
    del d["windows"]["merge_days"]
    with pytest.raises(DataError, match=r"coder\.yaml: entry 'windows': key 'merge_days': missing"):
        CoderRules.load("en", d)


def test_a_malformed_pattern_names_its_key():
    d = raw("places.yaml")
    d["en"]["weak_cue"] = r"\b(?:of|from"
    with pytest.raises(DataError, match=r"places\.yaml: entry 'en': key 'weak_cue': not a valid pattern"):
        PlaceRules.load("en", d)


def test_a_pattern_using_an_unknown_fragment_is_an_error():
    d = raw("fatalities.yaml")
    d["en"]["victim"] = "%{victims}"
    with pytest.raises(DataError, match=r"fatalities\.yaml: entry 'en': key 'victim': unknown fragment %\{victims\}"):
        FatalityRules.load("en", d)


def test_a_date_pattern_must_hold_the_groups_its_kind_reads():
    d = raw("dates.yaml")
    i = [p["kind"] for p in d["en"]["patterns"]].index("dmy")
    d["en"]["patterns"][i]["re"] = r"\b(?P<day>\d+) (?P<mon>may)\b"  # dmy reads a year group too
    with pytest.raises(DataError, match=rf"dates\.yaml: entry 'dmy #{i + 1}': key 'en\.patterns\.re': .*group\(s\) year"):
        DateRules.load("en", d)


def test_a_yaml_boolean_where_a_word_is_expected_names_the_trigger():
    # unquoted `on` is read by YAML as true: a particle that can never match
    d = yaml.safe_load("classes: {kill: {event_type: Violence against civilians, sub_event_type: Attack, priority: 40, "
                       "resolve: target}}\nen: {triggers: [{lemma: fire, class: kill, particle: on}], weapon_cues: [], "
                       "protest_cues: {violent: [], excessive: [], intervention: []}, modality: {hypothetical_governors: [], "
                       "attempt_governors: [], negators: [], uncertain: [], denial: [], claim_verbs: [], "
                       "subordinating_preps: []}, companion_words: [], rule_lemmas: []}")
    with pytest.raises(DataError, match=r"triggers\.yaml: entry 'fire #1': key 'en\.triggers\.particle': expected text, got bool"):
        TriggerLexicon.load(None, "en", d)
    d["en"]["triggers"][0]["particle"] = "on"
    assert TriggerLexicon.load(None, "en", d).by_lemma["fire"][0].particle == "on"


def test_a_trigger_of_an_unknown_class_is_an_error():
    d = raw("triggers.yaml")
    d["en"]["triggers"][0]["class"] = "capture"
    with pytest.raises(DataError, match=r"entry 'capture #1': key 'en\.triggers\.class': 'capture' is not a class"):
        TriggerLexicon.load(Ontology.load(), "en", d)


def test_a_language_without_a_section_is_an_error():
    with pytest.raises(DataError, match=r"detector\.yaml: no section for language 'fr' \(has: en\)"):
        DetectorRules.load("fr")


def test_a_second_language_is_added_as_data():
    # a made-up language "xx" whose word for yesterday is "hier" and whose months are written in capitals
    d = raw("dates.yaml")
    d["xx"] = copy.deepcopy(d["en"])
    d["xx"]["day_offsets"] = {"hier": 1, "aujourd'hui": 0}
    d["xx"]["prefilter"] = r"\b(?:hier|aujourd'hui|\d)"
    d["xx"]["patterns"] = [p for p in d["xx"]["patterns"] if p["kind"] != "yesterday"] + \
        [{"kind": "yesterday", "re": r"\b(?P<w>hier|aujourd'hui)\b"}]
    finder = DateFinder(DateRules.load("xx", d))
    ref = date(2020, 2, 28)
    assert [(m.text, m.value) for m in finder.find("Les combats ont repris hier.", ref)] == [("hier", date(2020, 2, 27))]
    assert DateFinder(DateRules.load("en", d)).find("Les combats ont repris hier.", ref) == []
