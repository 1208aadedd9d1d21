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
    with pytest.raises(dl.DataError, match="not a country"):
        Countries.load({**good, "clues": {"QQ": ["Somebody"]}})
    assert Countries.load({**good, "clues": {"KE": ["Somebody"]}}).clues == {"KE": ["Somebody"]}


def _names(kb, text, country=None, when=date(2023, 6, 1)):
    from rasd.code import link

    return [(m.text, kb.actor(m.ident, m.text, when, country).name) for m in link.actor_mentions(kb, text, [], country)[0]]


def test_groups_named_by_a_pattern_take_their_own_name_and_the_events_country(kb):
    got = _names(kb, "Suspected Kordofan communal militia attacked a lorry, and the Tonzang PDF ambushed a convoy.", "SD")
    assert ("Kordofan communal militia", "Kordofan Communal Militia (Sudan)") in got
    assert ("Tonzang PDF", "People's Defense Force - Tonzang") in got
    assert _names(kb, "The local PDF groups said so.")[0][1] == "People's Defense Force - Local Group"
    # a known group's alias wins over the pattern; Somali sub-clans carry their line of descent
    assert _names(kb, "Fulani ethnic militia raided the market.", "ML")[0][1] == "Fulani Ethnic Militia (Mali)"
    assert _names(kb, "Marehan clan militia and Abgaal militiamen fought.", "SO") == [
        ("Marehan clan militia", "Darod-Marehan Sub-Clan Militia (Somalia)"),
        ("Abgaal militiamen", "Hawiye-Abgal Sub-Clan Militia (Somalia)")]
    assert _names(kb, "In the morning The clan militia left.", "SO")[0][1] == "Unidentified Clan Militia (Somalia)"


def test_a_generic_mention_takes_the_name_in_brackets_after_it(kb):
    got = _names(kb, "Security forces (NISA) raided a house while gunmen (assumed Kordofan communal militia) fled.", "SO")
    assert got[0] == ("Security forces", "Military Forces of Somalia (2022-) National Intelligence and Security Agency")
    assert got[1][1] == "Kordofan Communal Militia (Somalia)"
    assert len(got) == 2


def test_a_name_inside_a_compound_or_after_anti_is_not_a_party(kb):
    assert _names(kb, "Rebels burned a military-owned telecom tower.", "MM") == [("Rebels", "Opposition Rebels (Myanmar)")]
    assert _names(kb, "Houthi-held districts saw anti-Houthi forces advance.", "YE") == [
        ("anti-Houthi forces", "Military Forces of Yemen (2022-)")]


def test_a_bombs_target_is_not_the_one_who_laid_it(kb):
    from rasd.code import link

    def roles(text, first):
        ms = link.actor_mentions(kb, text, [], "ML")[0]
        a1 = next(m for m in ms if m.text == first)
        got = link.bomb_roles(kb, ms, text, a1, None)
        return tuple(m.text if m else None for m in got)

    assert roles("A police patrol hit a landmine near the town.", "police patrol") == (None, "police patrol")
    assert roles("A bomb exploded at the police station.", "police") == (None, "police")
    assert roles("A bomb planted by Al Shabaab exploded, wounding two soldiers.", "soldiers") == ("Al Shabaab", "soldiers")
    assert roles("Soldiers detonated a mine in the field.", "Soldiers") == ("Soldiers", None)


def test_a_states_air_strikes_go_to_its_air_arm_where_acled_names_it(kb):
    from rasd.code import link

    m = link.ActorMention(0, 14, "ru-military", "Russian forces")
    assert kb.actor(link.air_arm(kb, "Air/drone strike", m, "UA").ident, None, date(2023, 1, 1), "UA").name == \
        "Military Forces of Russia (2000-) Air Force"
    assert link.air_arm(kb, "Air/drone strike", m, "SY").ident == "ru-military"
    assert link.air_arm(kb, "Shelling/artillery/missile attack", m, "UA").ident == "ru-military"


def test_a_groups_name_and_its_members_noun_are_one_mention(kb):
    from rasd.code import link

    ms = link.actor_mentions(kb, "TNLA troops and presumed Katiba Macina (JNIM) militants", None, "MM")[0]
    assert [(m.text, m.ident) for m in ms] == [("TNLA troops", "tnla"), ("Katiba Macina (JNIM) militants", "katiba-macina")]
    # a generic noun after "and" is another side
    ms = link.actor_mentions(kb, "the Arakan Army and government troops", None, "MM")[0]
    assert [m.ident for m in ms] == ["arakan-army", "state-military"]


def test_an_actors_words_are_a_noun_phrase_never_a_date(kb):
    from rasd.code.link import noun_phrase

    assert noun_phrase(kb, "15 February 2020 pro-Houthi forces") == "pro-Houthi forces"
    assert noun_phrase(kb, "On May 3, 2021, unknown men") == "unknown men"
    assert noun_phrase(kb, "Monday morning") == ""


def test_people_adjectives_crowd_police_and_tribes(kb):
    from rasd.code import link

    got = _names(kb, "Turkish and pro-Turkish faction fighters clashed with the SDF.", "SY")
    assert got[0] == ("Turkish", "Military Forces of Turkey (2016-)")
    ms = link.actor_mentions(kb, "Security forces dispersed the crowd.", [], "ML")[0]
    assert kb.actor(link.crowd_police(kb, "Protests", ms[0]).ident, None, date(2023, 1, 1), "ML").name.startswith("Police Forces of Mali")
    assert link.crowd_police(kb, "Battles", ms[0]).ident == ms[0].ident
    assert _names(kb, "Armed tribesmen and Bani Hushaish tribesmen blocked the road.", "YE") == [
        ("Armed tribesmen", "Unidentified Tribal Militia (Yemen)"), ("Bani Hushaish tribesmen", "Bani Hushaish Tribal Militia (Yemen)")]


def test_who_a_blast_or_a_mob_harms_when_no_one_is_named(coder_data, kb):
    from types import SimpleNamespace

    from rasd.code.link import harms_civilians

    lex = coder_data.lexicon  # the words: subtypes.yaml, harm
    cand = SimpleNamespace(between=[], entry=SimpleNamespace(cls=SimpleNamespace(name="kill")))
    boom = "Explosions/Remote violence"
    assert harms_civilians(lex, kb, cand, boom, "Air/drone strike", "Warplanes struck a house in the camp, wounding two children.")
    assert not harms_civilians(lex, kb, cand, boom, "Air/drone strike", "Warplanes struck an army convoy.")
    assert not harms_civilians(lex, kb, cand, boom, "Remote explosive/landmine/IED", "The People's Defense Force bombed a tower.")
    assert harms_civilians(lex, kb, cand, "Riots", "Mob violence", "A mob lynched a suspected thief.")
    assert not harms_civilians(lex, kb, cand, "Riots", "Mob violence", "Supporters of two candidates clashed with sticks.")
    # property struck with no one hurt names no victims; with the toll unknown it may have
    assert not harms_civilians(lex, kb, cand, boom, "Air/drone strike", "Jets struck two houses. There were no casualties.")
    assert harms_civilians(lex, kb, cand, boom, "Air/drone strike", "Jets struck two houses. Casualties unknown.")


def test_protested_things_and_backers_are_not_parties_and_protests_take_the_police(kb):
    from rasd.code import link

    ms = link.actor_mentions(kb, "Crowds denounced the military coup. Police fired tear gas.", [], "SD")[0]
    assert [m.text for m in ms] == ["Crowds", "Police"]  # not "military"
    two = link.actor_mentions(kb, "Soldiers and police dispersed the march.", [], "SD")[0]
    assert kb.actors[link.protest_actors(kb, "Protests", "Protest with intervention", two)[1]].state_role == "police"
    assert kb.role_rx["support_before"].search("Rizeigat militia, supported by ")


def test_party_supporters_are_a_crowd_of_the_partys_country(kb):
    from rasd.code.country import actor_country

    assert actor_country(kb, "ODM supporters marched in the town.") == "KE"
    assert _names(kb, "ODM supporters marched.", "KE")[0][1] == "Rioters (Kenya)"
    assert actor_country(kb, "Government security forces (SNA) clashed with gunmen.") is None  # SNA: Syria's or Somalia's


def test_coordinated_groups_share_the_kind_of_the_last(kb):
    got = _names(kb, "Somali and Afar ethnic militias clashed, and Habar Jeclo and Habar Yoonis clan militia met.", "ET")
    assert ("Somali", "Somali Ethnic Militia (Ethiopia)") in got
    assert ("Afar ethnic militias", "Afar Ethnic Militia (Ethiopia)") in got
    assert ("Habar Jeclo", "Isaaq-Habar Jeclo Sub-Clan Militia (Ethiopia)") in got
    assert ("Somali", "Military Forces of Somalia (2022-)") not in got  # an ethnic militia is no state's army


def test_a_named_group_keeps_its_name_before_its_short_name_in_brackets(kb):
    got = _names(kb, "A local people's defense forces (PDF) unit and Katiba Macina (JNIM) fighters fought.", "MM")
    assert [n for _, n in got] == ["People's Defense Force - Local Group", "Katiba Macina"]


def test_a_following_sentence_may_name_who_laid_the_bomb(kb):
    from rasd.code import link

    text = "A bomb exploded at the police station. The local PDF groups claimed responsibility for it."
    m = link.claimed_layer(kb, text, 0, [(39, len(text))], "MM")
    assert kb.actor(m.ident, m.text, None, "MM").name == "People's Defense Force - Local Group" and m.start == 43
    assert link.claimed_layer(kb, "A bomb exploded. Police arrived later.", 0, [(17, 38)], "MM") is None


def test_a_group_fighting_in_several_countries_is_no_clue_to_one(kb):
    from rasd.code.country import actor_country

    assert actor_country(kb, "Presumed JNIM militants killed a farmer.") is None
    assert actor_country(kb, "FAMa soldiers and JNIM militants clashed.") == "ML"


def test_leaders_and_peoples_of_one_country_are_clues_to_the_storys_country(kb):
    from rasd.code.country import actor_country

    # a head of state, possessive or not, and a people that lives in one country point to it
    assert actor_country(kb, "Riots broke out in the capital after Kibaki's victory was announced.") == "KE"
    assert actor_country(kb, "Youths protested after Gbagbos speech.") == "CI"
    assert actor_country(kb, "Gunmen attacked a village of the Dogon community at night.") == "ML"
    assert actor_country(kb, "Turkana raiders drove away goats.") == "KE"
    # a people of several countries is no clue; neither is a word that only looks like a name
    assert actor_country(kb, "Fulani herders attacked farmers near the river.") is None
    assert actor_country(kb, "Somali traders closed their shops.") is None
    assert actor_country(kb, "The kibaki fruit was sold.") is None


def _story(text):
    from coder_helpers import coded_events, table_coder

    from rasd.records import Place, Toponym

    class OneTown:
        """A geo stage that knows one town."""

        def process(self, docs, countries=None):
            place = Place("Mosul", 36.34, 43.13, "IQ", "Ninawa", feature="P.PPLA")
            return [[Toponym(d.doc_id, d.text.index("Mosul"), d.text.index("Mosul") + 5, "Mosul", place, 1.0)]
                    if "Mosul" in d.text else [] for d in docs]

    evs = coded_events(table_coder(OneTown()), text, date(2021, 6, 12))
    assert evs, text
    return evs[0]


def test_a_fight_with_no_doer_has_the_countrys_own_forces_first():
    e = _story("On Saturday, fighting broke out between Islamic State militants and Iraqi soldiers near Mosul.")
    assert (e.actor1.name, e.actor2.name) == ("Military Forces of Iraq (2020-2022)", "Islamic State (Iraq)")
    # a side that attacked the other keeps its place
    e = _story("On Saturday, Islamic State militants attacked Iraqi soldiers at a checkpoint near Mosul.")
    assert e.actor1.name == "Islamic State (Iraq)"


def test_forces_operating_under_an_operation_are_the_operation_whoever_they_are():
    e = _story("On Monday, Turkish forces and allied factions, which operate under Operation Peace Spring, "
               "clashed with the SDF near Mosul.")
    assert e.actor1.name == "Operation Peace Spring"
    assert e.actor2 is not None and e.actor2.name == "QSD: Syrian Democratic Forces"


def test_an_operation_named_after_the_second_side_is_the_second_sides():
    e = _story("On Monday, Iraqi troops clashed with Turkish forces operating as part of Operation Peace Spring near Mosul.")
    assert e.actor1.name == "Military Forces of Iraq (2020-2022)"
    assert e.actor2 is not None and e.actor2.name == "Operation Peace Spring"
    # an operation told of the whole fight makes no state's forces its members
    e = _story("On Monday, clashes took place between Turkish forces and the YPG as part of Operation Peace Spring near Mosul.")
    assert e.actor1.name == "Military Forces of Turkey (2016-)"


def test_people_of_a_community_taking_up_arms_are_a_communal_militia():
    e = _story("On Monday, armed villagers attacked a police post near Mosul, wounding two policemen.")
    assert e.actor1.name == "Unidentified Communal Militia (Iraq)"
    # one unknown person is no community
    e = _story("On Monday, an unidentified person attacked worshippers with a knife near Mosul.")
    assert e.actor1.name == "Unidentified Armed Group (Iraq)"


def test_an_attack_given_to_one_of_two_groups_is_their_joint_actor(kb):
    got = _names(kb, "Suspected JNIM or ISGS militants killed a trader.", "BF", date(2020, 7, 15))
    assert got[0] == ("JNIM or ISGS militants",
                    "JNIM: Group for Support of Islam and Muslims and/or Islamic State (West Africa) - Greater Sahara Faction")
    assert _names(kb, "IS Sahel or JNIM kidnapped a man.", "BJ", date(2022, 7, 24))[0][1] == \
        "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Sahel)"


def test_a_mines_target_is_its_second_party_whatever_word_tells_the_blast():
    e = _story("On Monday, an Iraqi army vehicle struck an IED near Mosul. The device was planted by Islamic State militants.")
    assert (e.actor1.name, e.actor2.name) == ("Islamic State (Iraq)", "Military Forces of Iraq (2020-2022)")
    e = _story("On Monday, a mine exploded near Mosul while Iraqi troops were passing through the area.")
    assert (e.actor1.name, e.actor2.name) == ("Unidentified Armed Group (Iraq)", "Military Forces of Iraq (2020-2022)")


def test_who_laid_a_bomb_does_not_hide_the_civilians_it_hurt():
    e = _story("On Monday, two IEDs planted by Islamic State militants exploded near Mosul, injuring six civilians.")
    assert e.actor1.name == "Islamic State (Iraq)"
    assert e.actor2 is not None and e.actor2.name == "Civilians (Iraq)"


def test_property_destroyed_or_looted_is_the_civilians():
    e = _story("On Monday, Islamic State militants burned farmland and looted shops in a village near Mosul.")
    assert e.sub_event_type == "Looting/property destruction"
    assert e.actor2 is not None and e.actor2.name == "Civilians (Iraq)"


def test_naming_periods_follow_governments_and_regimes(kb):
    # Israel's forces are named by its government of the day
    assert kb.actor("il-military", None, date(2024, 3, 1), None).name == "Military Forces of Israel (2022-)"
    assert kb.actor("il-military", None, date(2021, 9, 1), None).name == "Military Forces of Israel (2021-2022)"
    # a leader's death within one ruling party's regime starts no new period
    assert kb.actor("et-military", None, date(2015, 3, 1), None).name == "Military Forces of Ethiopia (1995-2018)"
    assert kb.actor("fr-military", None, date(2019, 3, 1), None).name == "Military Forces of France (2017-)"


def test_a_lineage_or_a_spelling_of_a_clan_names_its_sub_clan(kb):
    got = _names(kb, "Habar Gedir Saleban clan militia clashed with a Gaaljacel clan militia.", "SO")
    assert [n for _, n in got] == ["Hawiye-Habar Gedir-Saleban Sub-Clan Militia (Somalia)",
                                   "Hawiye-Gaaljecel Sub-Clan Militia (Somalia)"]
    # a people that is an ethnic group in one country and a sub-clan in another keeps each kind's name
    assert _names(kb, "Garre militia raided a village.", "KE")[0][1] == "Garre Ethnic Militia (Kenya)"
    assert _names(kb, "Garre sub-clan militia raided a village.", "SO")[0][1] == "Rahanweyn-Digil-Garre Sub-Clan Militia (Somalia)"


def test_factions_are_named_apart_from_their_movement(kb):
    assert _names(kb, "SPLM-N-Agar fighters abducted a herder.", "SD")[0][1] == \
        "SPLM-N-Agar: Sudan People's Liberation Movement (North) (Malik Agar faction)"
    assert _names(kb, "SLA-AW fighters clashed.", "SD")[0][1] == "SLM/A-Nur: Sudan Liberation Movement/Army (Abdul Wahid al-Nur Faction)"
    assert _names(kb, "SLA fighters clashed.", "SD")[0][1] == "SLM/A: Sudan Liberation Movement/Army"


def test_a_fight_hung_on_another_verb_still_has_the_home_forces_first():
    e = _story("On Monday, clashes continued between Islamic State militants and Iraqi soldiers near Mosul.")
    assert (e.actor1.name, e.actor2.name) == ("Military Forces of Iraq (2020-2022)", "Islamic State (Iraq)")


def test_a_story_with_no_known_place_takes_the_people_it_names_last(kb):
    from rasd.code.country import people_country

    assert people_country(kb, "Hundreds of Iraqi women took to the streets.") == "IQ"
    assert people_country(kb, "Protesters marched to the square.") is None
    assert people_country(kb, "Malian and Nigerien traders closed shops.") is None  # a tie names no country


def test_resistance_forces_and_sub_clans_of_one_country(kb):
    from rasd.code.country import actor_country

    assert _names(kb, "KNDF fighters bombed a convoy.", "MM")[0][1] == "KNDF: Karenni Nationalities Defense Force"
    assert _names(kb, "The Karenni Army shelled a post.", "MM")[0][1] == "KNPP/KA: Karenni National Progressive Party/Karenni Army"
    # a sub-clan of Somalia alone points to it; one living across its borders does not
    assert actor_country(kb, "Two Abgal clan militias clashed over land.") == "SO"
    assert actor_country(kb, "Ogaden clan militia clashed over land.") is None


def test_named_groups_of_theatres_beyond_the_dev_rows(kb):
    from rasd.code import link

    def names(text, cc):
        return [kb.actor(m.ident, m.text, date(2023, 5, 1), cc).name for m in link.actor_mentions(kb, text, None, cc)[0]]

    # (the Taliban are Afghanistan's forces since August 2021)
    assert names("Afghanistan Freedom Front fighters ambushed a Taliban checkpoint.", "AF") == [
        "AFF: Afghanistan Freedom Front", "Military Forces of Afghanistan (2021-)"]
    assert names("Gunmen of Los Viagras clashed with Carteles Unidos in Michoacan.", "MX")[-2:] == [
        "Los Viagras", "Carteles Unidos"]
    assert names("Clashes between Hutus and Tutsis", "CD") == [
        "Hutu Ethnic Militia (Democratic Republic of Congo)", "Tutsi Ethnic Militia (Democratic Republic of Congo)"]
