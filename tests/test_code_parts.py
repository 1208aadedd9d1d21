"""Model-free parts of the coder: sentence splitting, prefilter, dates, fatalities, actor KB."""
from datetime import date

from rasd.code.dates import DateFinder
from rasd.code.fatalities import FatalityCounter, total
from rasd.code.lexicon import ActorKB, Ontology, TriggerLexicon
from rasd.nlp import Prefilter, split_sentences


def test_split_sentences_keeps_offsets_and_abbreviations():
    text = "Gen. Ali spoke on Monday. Shelling hit the town!\n\nA second paragraph follows"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["Gen. Ali spoke on Monday.", "Shelling hit the town!",
                                             "A second paragraph follows"]


def test_prefilter_matches_word_starts_only():
    pf = Prefilter(["clash", "clashes", "shelling"])
    text = "The talks went well. Heavy clashes erupted. Eggshells broke."
    spans = split_sentences(text)
    assert pf.promising(text, spans) == [1]
    weak = Prefilter(["clashes"], weak=["took"], companions=["rebels"])
    t2 = "She took a photo. The rebels took the town."
    assert weak.promising(t2, split_sentences(t2)) == [1]


def test_dates_relative_to_publication():
    f = DateFinder()
    ref = date(2017, 12, 28)  # a Thursday

    def one(s):
        d = f.find(s, ref)[0]
        return d.value, d.precision

    assert one("fighting resumed on Saturday") == (date(2017, 12, 23), "day")
    assert one("they left earlier this week")[1] == "week"
    assert one("a deal struck last July") == (date(2017, 7, 15), "month")
    assert one("the raid on 25 November") == (date(2017, 11, 25), "day")
    assert one("talks began early this month") == (date(2017, 12, 5), "month")
    assert one("On 3 March, 2015, gunmen") == (date(2015, 3, 3), "day")


def test_dates_without_reference_need_a_year():
    f = DateFinder()
    assert [d.value for d in f.find("on Saturday and on 4 May 2012", None) if d.value] == [date(2012, 5, 4)]


def test_fatalities_killed_and_wounded_apart():
    c = FatalityCounter()
    counts = c.find("At least twenty-one soldiers were killed and dozens of people were wounded.")
    assert total([counts], "kill") == 21
    assert total([counts], "hurt") == 12
    assert total([c.find("Hundreds died in the fighting.")], "kill") == 100
    assert total([c.find("No casualties were reported.")], "kill") == 0
    assert total([c.find("A mortar round hit the market.")], "kill") is None
    assert c.parse_number("forty-two") == 42


def test_trigger_classes_match_the_ontology():
    onto = Ontology.load()
    lex = TriggerLexicon.load(onto)
    assert len(onto.types) == 6 and sum(len(v) for v in onto.types.values()) == 25
    strong, weak = lex.prefilter_keys()
    assert {"shelling", "airstrikes", "protested"} <= set(strong)
    assert {"clash", "clashes", "clashed", "took"} <= set(weak)


def test_actor_kb_names_over_time_and_acronyms():
    kb = ActorKB.load()
    hts = kb.lookup("Jabhat Fateh al-Sham")
    assert hts == kb.lookup("HTS") == kb.lookup("Nusra Front")
    assert kb.actor(hts, "Nusra", date(2014, 5, 1), "SY").name == "Jabhat al Nusra"
    assert kb.actor(hts, "HTS", date(2019, 5, 1), "SY").name == "HTS: Hayat Tahrir al Sham"
    assert kb.lookup("Hizbollah") == kb.lookup("Hezbollah")
    army = kb.lookup("Syrian army")
    # a new regime starts a new name: Syria's forces after 8 December 2024 are not the Assad-era ones
    assert kb.actor(army, None, date(2019, 10, 9), "SY").name == "Military Forces of Syria (2000-2024)"
    assert kb.actor(army, None, date(2024, 12, 7), "SY").name == "Military Forces of Syria (2000-2024)"
    assert kb.actor(army, None, date(2024, 12, 8), "SY").name == "Military Forces of Syria (2024-)"
    assert kb.actor(army, None, None, "SY").name == "Military Forces of Syria (2024-)"
    # "IS" only as an acronym in capitals, never the verb
    found = [m[3] for m in kb.find("This is where IS fighters attacked") if m[2] == "actor"]
    assert found == ["is"]
    assert kb.actor("civilians", None, None, "IQ").name == "Civilians (Iraq)"
    # the Observatory is a source, not an actor
    assert [m[2] for m in kb.find("according to the Syrian Observatory for Human Rights")] == ["source"]
