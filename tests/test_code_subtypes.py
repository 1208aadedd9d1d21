"""Sub-event types from the codebook's definitions and roles by clause (issue 10, part 2), on
sentences written for these tests, with a table geoparser (no gazetteer)."""
from datetime import date
from pathlib import Path

import pytest
import yaml

from coder_helpers import PlaceTable, coded_events, table_coder

from rasd.code import dataload as dl
from rasd.code.lexicon import Ontology
from rasd.code.subtypes import SubtypeRules
from rasd.records import Place


class TownTable(PlaceTable):
    """Test-only stand-in for the geo stage: a few towns of several countries."""

    PLACES = {
        "Kisumu": Place("Kisumu", -0.10, 34.76, "KE", "Kisumu", feature="P.PPLA"),
        "Comilla": Place("Comilla", 23.46, 91.18, "BD", "Chittagong", feature="P.PPLA"),
        "Gao": Place("Gao", 16.27, -0.04, "ML", "Gao", feature="P.PPLA"),
        "Kharkiv": Place("Kharkiv", 49.99, 36.23, "UA", "Kharkiv", feature="P.PPLA"),
        "Idlib": Place("Idlib", 35.93, 36.63, "SY", "Idlib", feature="P.PPLA"),
    }


@pytest.fixture(scope="module")
def coder():
    return table_coder(TownTable())


def one(coder, text):
    evs = coded_events(coder, text, published=date(2024, 7, 20))
    assert len(evs) == 1, (text, evs)
    return evs[0]


def test_a_crowds_violence_is_a_riot(coder):
    e = one(coder, "On 14 July, two rival groups clashed with sticks and machetes over a land dispute in Kisumu, injuring six.")
    assert (e.event_type, e.sub_event_type) == ("Riots", "Mob violence")
    assert e.actor1.name == "Rioters (Kenya)"
    e = one(coder, "On 9 July, supporters of the ruling party and police clashed in Comilla during a demonstration against arrests.")
    assert (e.event_type, e.sub_event_type) == ("Riots", "Violent demonstration")
    assert e.actor1.name == "Rioters (Bangladesh)"


def test_armed_villagers_shooting_are_not_rioters(coder):
    e = one(coder, "On 14 July, villagers armed with guns clashed with bandits near Kisumu, killing three.")
    assert e.event_type == "Battles"


def test_weapons_seized_and_drones_shot_down_are_disrupted_weapons_use(coder):
    e = one(coder, "On 12 July, soldiers seized a large cache of weapons and ammunition in Gao.")
    assert (e.event_type, e.sub_event_type) == ("Strategic developments", "Disrupted weapons use")
    assert e.actor1.name.startswith("Military Forces of Mali")
    e = one(coder, "On 16 July, Ukrainian forces shot down two Russian drones over Kharkiv.")
    assert e.sub_event_type == "Disrupted weapons use"
    assert e.actor1.name.startswith("Military Forces of Ukraine")
    # a town seized stays a battle over ground
    e = one(coder, "On 12 July, rebels seized the town of Gao after heavy fighting.")
    assert e.event_type == "Battles"


def test_the_victims_of_a_passive_are_not_the_attacker(coder):
    e = one(coder, "On 14 July, at least 33 Turkish soldiers were killed in an air strike in Idlib.")
    assert e.sub_event_type == "Air/drone strike"
    assert "Turkey" not in e.actor1.name  # the clause names no attacker
    e = one(coder, "On 14 July, three civilians were killed by Turkish drones in Idlib.")
    assert e.actor1.name.startswith("Military Forces of Turkey")


def test_subtype_file_is_read_strictly():
    good = {"crowd": {"types": ["rioters"], "from_types": ["Battles"], "keeps": ["Sexual violence"]},
            "en": {"crowd": {k: ["x"] for k in ("agent_words", "firearms", "demonstration", "street_weapons", "mob", "communal", "deaths")},
                   "weapons_objects": ["arms"], "base_objects": ["base"], "goods_objects": ["cattle"], "ground_objects": ["town"],
                   "handed_over": ["withdrew"], "premature": ["while planting"], "made_safe": ["defused"],
                   "targets": {"civilian": ["farmers"], "armed": ["soldiers"], "unarmed": ["off-duty"], "response": ["repelled"], "ground_fight": ["clashed"]},
                   "instrument_preps": ["with"], "dispatch_verbs": ["send"], "killing_verbs": ["kill"], "protest": {"grievance": ["demanding"], "self_dispersal": ["crowd dispersed"], "crowd_violence": ["rioters"],
                               "symbolic": ["flag"], "crowd_control": ["tear gas"],
                               "unforced": ["through unspecified means"], "road_blocking": r"\bblocked the road\b"},
                   "harm": {k: r"\bx\b" for k in ("civilian", "armed", "hurt", "unhurt", "possessive", "crowd_fight")}}}
    rules = SubtypeRules.load(raw=good)
    assert rules.seizes_weapons("a cache of arms") and not rules.seizes_weapons("the town")
    with pytest.raises(dl.DataError, match="unknown key"):
        SubtypeRules.load(raw={**good, "mob_rules": {}})
    with pytest.raises(dl.DataError, match="no section for language"):
        SubtypeRules.load("fr", raw=good)
    bad = {**good, "en": {**good["en"], "harm": {**good["en"]["harm"], "armed": "(soldiers"}}}
    with pytest.raises(dl.DataError, match="harm.*not a valid pattern"):
        SubtypeRules.load(raw=bad)


SNIPPET_BAR = 0.95
SNIPPETS = Path(__file__).resolve().parents[1] / "gold" / "subtype_snippets.yaml"


def snippet_results(coder):
    """(sub-type expected or None, sub-type coded or None, text) for each snippet of gold/subtype_snippets.yaml."""
    rows = yaml.safe_load(SNIPPETS.read_text(encoding="utf-8"))["snippets"]
    out = []
    for k, row in enumerate(rows):
        evs = coded_events(coder, row["text"], published=date(2024, 7, 20), doc_id=f"snip-{k}")
        best = max(evs, key=lambda e: e.confidence) if evs else None
        out.append((None if row.get("none") else row["sub"], best.sub_event_type if best else None, row["text"]))
    return out


def test_labelled_snippets_of_every_sub_type(coder):
    """The snippets written for every sub-type of the codebook (gold/subtype_snippets.yaml): each of the
    25 sub-types is there, and the coder gives most of them their sub-type (the bar is what it scored
    when they were written, rounded down; every miss is listed)."""
    got = snippet_results(coder)
    labelled = [g for g in got if g[0] is not None]
    assert {g[0] for g in labelled} == {s for t in Ontology.load().types.values() for s in t}
    right = sum(want == pred for want, pred, _ in got)
    misses = "\n".join(f"  want {w!r} got {p!r}: {t}" for w, p, t in got if w != p)
    assert right / len(got) >= SNIPPET_BAR, f"{right}/{len(got)}\n{misses}"


# ---- issue 10 §2: cues and precedence written from the codebook (sentences written for these tests)

def test_weapons_found_intercepted_or_made_safe_are_disrupted_weapons_use(coder):
    for text in ("On 11 July, troops found an improvised explosive device on the road to Gao.",
                 "On 8 July, air defences intercepted a missile over Kharkiv.",
                 "On 4 July, a bomb disposal team detonated a device left near the market in Kisumu.",
                 "On 3 July, police seized a consignment of rifles and grenades in Comilla.",
                 "On 2 July, soldiers uncovered a cache of mortar rounds in a house in Gao."):
        e = one(coder, text)
        assert (e.event_type, e.sub_event_type) == ("Strategic developments", "Disrupted weapons use"), text
    # a device that goes off where people are is still an explosion
    e = one(coder, "On 9 July, a bomb went off at a bus stop in Kisumu, wounding four people.")
    assert e.sub_event_type == "Remote explosive/landmine/IED"


def test_arrests_at_a_demonstration_are_its_intervention(coder):
    e = one(coder, "On 5 July, police detained ten students when they dispersed a rally against fees in Comilla.")
    assert (e.event_type, e.sub_event_type) == ("Protests", "Protest with intervention")
    e = one(coder, "On 6 July, riot police broke up a march of nurses in Kisumu with batons.")
    assert e.sub_event_type == "Protest with intervention"
    # arrests with no demonstration stay arrests
    e = one(coder, "On 6 July, police arrested three traders in Comilla.")
    assert e.sub_event_type == "Arrests"


def test_a_notes_opening_label_names_its_development(coder):
    e = one(coder, "Movement of forces: On 10 July, about 50 militants were seen near Gao.")
    assert (e.event_type, e.sub_event_type) == ("Strategic developments", "Change to group/activity")
    e = one(coder, "Property destruction: On 9 July, soldiers blew up three empty houses in Idlib.")
    assert e.sub_event_type == "Looting/property destruction"


def test_a_short_report_in_the_present_is_a_headline(coder):
    e = one(coder, "Herders kill two farmers near Gao.")
    assert e.event_type == "Violence against civilians"
    # an irregular past the tagger may take for a present is the past
    e = one(coder, "Ukrainian forces retook Kharkiv on 6 July after Russian troops were pushed back.")
    assert e.sub_event_type == "Government regains territory"


def test_precedence_and_labels_name_known_classes():
    from rasd.code.lexicon import TriggerLexicon

    raw = yaml.safe_load((Path(__file__).resolve().parents[1] / "src/rasd/code/data/triggers.yaml").read_text())
    lex = TriggerLexicon.load(raw=raw)
    assert lex.label_class("Movement of forces: On 2 May ...").name == "group"
    # a label is the text's whole opening words before a colon
    assert lex.label_class("Police said: looting went on") is None
    assert lex.label_class("On 2 May, looting: shops were emptied") is None
    bad = {**raw, "precedence": [{"prefer": "protest", "over": ["arrests"], "where": "sentence"}]}
    with pytest.raises(dl.DataError, match="not a class"):
        TriggerLexicon.load(raw=bad)
    bad = {**raw, "precedence": [{"prefer": "protest", "over": ["arrest"], "where": "paragraph"}]}
    with pytest.raises(dl.DataError, match="precedence"):
        TriggerLexicon.load(raw=bad)
    bad = {**raw, "en": {**raw["en"], "labels": {"looted": ["looting"]}}}
    with pytest.raises(dl.DataError, match="not a class"):
        TriggerLexicon.load(raw=bad)


def test_what_demonstrators_denounce_is_their_grievance(coder):
    e = one(coder, "On 5 July, hundreds marched in Kisumu to protest against the killing of a student by police.")
    assert (e.event_type, e.sub_event_type) == ("Protests", "Peaceful protest")
    # a flag or an effigy burnt is a sign, not violence
    e = one(coder, "On 5 July, protesters burned an effigy of the governor in Kisumu.")
    assert e.sub_event_type == "Peaceful protest"


def test_forces_using_tear_gas_on_a_crowd_met_a_protest(coder):
    e = one(coder, "On 8 July, police fired tear gas at traders gathered outside the county offices in Kisumu.")
    assert (e.event_type, e.sub_event_type) == ("Protests", "Protest with intervention")
    assert e.actor1.name == "Protesters (Kenya)" and e.actor2.name.startswith("Police Forces of Kenya")


def test_party_factions_fighting_are_rioters(coder):
    e = one(coder, "On 5 July, two factions of the ruling party engaged in a clash in Comilla, injuring ten people.")
    assert (e.event_type, e.sub_event_type) == ("Riots", "Mob violence")
    assert e.actor1.name == "Rioters (Bangladesh)"


def test_a_crowd_blocking_a_road_is_a_violent_demonstration(coder):
    e = one(coder, "On 10 July, traders blocked the Kakamega road in Kisumu in protest over market fees.")
    assert (e.event_type, e.sub_event_type) == ("Riots", "Violent demonstration")
    # a road closed by the crowd's presence alone, as a note may say, is not violence
    e = one(coder, "On 10 July, residents blocked the main road (through unspecified means) in Kisumu to denounce the killings.")
    assert (e.event_type, e.sub_event_type) == ("Protests", "Peaceful protest")


# one sentence, the sub-type the codebook gives it (each case named by the behaviour it checks)
CODEBOOK_CASES = [
    pytest.param("On 6 July, militants attacked an army post near Gao, leaving two soldiers dead.",
                 "Armed clash", id="an-attack-leaving-people-dead-is-not-a-withdrawal"),
    pytest.param("On 7 July, the militia pulled out of Gao and the army entered without a shot being fired.",
                 "Non-violent transfer of territory", id="ground-given-up-without-a-fight-stays-a-transfer"),
    pytest.param("On 13 July, gunmen broke into a warehouse in Gao and made off with sacks of grain.",
                 "Looting/property destruction", id="a-building-broken-into-is-looted-not-taken"),
    pytest.param("On 6 July, gunmen looted shops and killed two traders near Gao.",
                 "Attack", id="looting-in-an-attack-that-kills-is-the-attack"),
    pytest.param("On 7 July, herders raped a woman near Gao.",
                 "Sexual violence", id="a-crowds-rape-keeps-its-sub-type"),
    pytest.param("On 12 July, gunmen seized three aid workers near Gao.",
                 "Abduction/forced disappearance", id="people-seized-are-abducted-not-ground-taken"),
    pytest.param("On 12 July, the rebels set up a base in a captured school in Gao.",
                 "Headquarters or base established", id="a-participle-before-a-noun-describes-it"),
    pytest.param("On 10 July, anti-riot police fired tear gas to disperse students protesting in Comilla.",
                 "Protest with intervention", id="anti-riot-police-are-no-riot"),
    pytest.param("On 9 July, gunmen stormed a funeral near Gao and shot dead five mourners.",
                 "Attack", id="storming-a-gathering-is-an-attack-on-the-people-there"),
    pytest.param("On 6 July, medics said victims of an attack on Idlib showed symptoms of sarin poisoning.",
                 "Chemical weapon", id="a-chemical-named-with-an-attack-makes-it-a-chemical-weapon"),
    pytest.param("On 10 July, air defence units destroyed nine attack drones over Kharkiv.",
                 "Disrupted weapons use", id="drones-destroyed-in-the-air-are-disrupted-weapons-use"),
    pytest.param("On 4 July, the Malian army drove the rebels out of Gao.",
                 "Government regains territory", id="ground-regained-by-driving-the-enemy-out"),
    pytest.param("On 3 July, gunmen attacked and wounded two Fulani herders near Gao.",
                 "Attack", id="a-fronted-date-is-not-whom-the-attack-was-on"),
    pytest.param("On 10 July, a man on a motorbike threw a homemade bomb at a bank in Kisumu.",
                 "Grenade", id="a-bomb-thrown-by-hand-is-a-grenade"),
    pytest.param("On 11 July, a mob burnt down a house in Kisumu.",
                 "Mob violence", id="a-mob-burning-down-a-house-is-mob-violence"),
    pytest.param("On 12 July, the house of an off-duty officer in Gao was hit by a shell.",
                 "Shelling/artillery/missile attack", id="hit-by-a-shell"),
]


@pytest.mark.parametrize("text, sub", CODEBOOK_CASES)
def test_codebook_sub_types_of_single_sentences(coder, text, sub):
    e = one(coder, text)
    assert (e.event_type, e.sub_event_type) == (Ontology.load().type_of(sub), sub)
