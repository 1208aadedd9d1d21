"""Control you can believe: which reports move a control line (a finished act reported as news,
with the place named in the sentence as what changed hands and the holder where the taker
stands), a withdrawer never gains, a country's army abroad needs occupation wording, no flip
within days on one outlet, and each period counts its reports and known outlets.
Synthetic documents and events, no model."""
from __future__ import annotations

from datetime import date

import pytest
from fuse_helpers import GOV, HTS, REBELS, cited, event, fuse_doc, st  # noqa: F401 (st is a fixture)

from rasd.fuse import Fuser
from rasd.fuse.changes import ChangeReader
from rasd.fuse.merge import report_of
from rasd.records import Actor, Place

TAKE = "Non-state actor overtakes territory"
MOVE = "Non-violent transfer of territory"
IS = Actor("Islamic State (Syria)", actor_type="rebel group", country="SY")
US = Actor("Military Forces of the United States", actor_type="external forces", country="US")
TURKEY = Actor("Military Forces of Turkey (2016-)", actor_type="state forces", country="TR")
YPG = Actor("YPG: People's Protection Units", actor_type="identity militia", country="SY")
RAQQA = Place("Raqqa", 35.95, 39.01, country="SY", geonameid="172955")
AFRIN = Place("Afrin", 36.51, 36.87, country="SY", geonameid="174186")
DAMASCUS = Place("Damascus", 33.51, 36.29, country="SY", geonameid="170654")
ANTAKYA = Place("Antakya", 36.21, 36.16, country="TR", geonameid="323779")
PUB = date(2018, 3, 19)
READER = ChangeReader()


@pytest.fixture(scope="module")
def kb(coder_data):
    """The coder's actor knowledge base, loaded once per session (the tracker reads takers and
    losers with it)."""
    return coder_data.actors


def _takeover(doc_id: str, text: str, sentence: str, trigger: str, *, a1=REBELS, a1_words="rebels", a2=None,
              a2_words=None, where="Homs", at=None, day=date(2018, 3, 18), sub=TAKE, **kw):
    ev = event(f"{doc_id}:0", doc_id, sub, day, where if at is None else None, a1=a1, a2=a2, sentence=sentence, **kw)
    if at is not None:
        ev.location = at
    words = (at.name if at is not None else where)
    return cited(ev, text, trigger, a1=a1_words, a2=a2_words, where=words if words in text else None)


def _timeline(st, place="Homs"):
    return [(p.holder, p.start, p.end) for p in st.control_timeline(place)]


def _read(sentence: str, trigger: str, published=PUB, **kw):
    ev = _takeover("r", sentence, sentence, trigger, **kw)
    return READER.read(report_of(ev, None), ev.location, published)


def test_a_finished_takeover_moves_the_line_and_a_plan_or_a_process_does_not():
    assert _read("Rebels seized Homs on Sunday.", "seized").ok
    assert _read("Homs was captured by the rebels on Sunday.", "captured").ok
    for sentence, trigger in [("The rebels vowed to seize Homs.", "seize"),
                              ("The rebels are seizing Homs street by street.", "seizing"),
                              ("The capture of Homs by the rebels was celebrated.", "capture"),
                              ("Homs is on the verge of being captured by the rebels.", "captured"),
                              ("The rebels could have seized Homs.", "seized")]:
        r = _read(sentence, trigger)
        assert not r.ok, sentence


def test_background_is_no_report_of_a_change():
    for sentence, trigger in [("Since the rebels seized Homs, its markets have been empty.", "seized"),
                              ("The rebels seized Homs in late 2015 and have held it since.", "seized"),
                              ("The rebels seized Homs two years ago.", "seized")]:
        assert not _read(sentence, trigger).ok, sentence
    # dated by the coder long before the article: retold, not reported
    assert not _read("The rebels seized Homs.", "seized", day=date(2017, 1, 10)).ok
    assert _read("The rebels seized Homs last week.", "seized", day=date(2018, 3, 12)).ok


def test_the_sentence_must_name_the_place_as_what_changed_hands():
    text = "Fighting raged around Homs. Rebels seized the city on Sunday."
    ev = _takeover("c", text, "Rebels seized the city on Sunday.", "seized")
    assert ev.evidence[-1].field == "location" and ev.evidence[-1].start < text.index("Rebels")  # carried over
    assert not READER.read(report_of(ev, None), ev.location, PUB).ok
    for sentence in ["Rebels seized villages near Homs on Sunday.", "Rebels seized two towns in Homs province.",
                     "Rebels advanced on Homs and seized a checkpoint.", "Rebels pushed deep into Homs on Sunday.",
                     "Rebels seized Homs's main hospital on Sunday."]:
        trigger = "seized" if "seized" in sentence else "pushed"
        assert not _read(sentence, trigger).ok, sentence
    # a feature named after the place changed hands, not the place: the airport, not Damascus
    s = "The army and security forces had abandoned Damascus International Airport, a monitor said."
    assert not _read(s, "abandoned", a1=GOV, a1_words="army", at=DAMASCUS, sub=MOVE).ok
    assert _read("The army and security forces had abandoned Damascus on Sunday.", "abandoned", a1=GOV,
                 a1_words="army", at=DAMASCUS, sub=MOVE).ok


def test_a_place_surrounded_is_not_taken_and_the_change_is_dated_by_the_report_that_tells_it(st, kb):
    s = 'Opposition forces had entered the "final stage" of their offensive by surrounding Damascus.'
    assert not _read(s, "entered", a1_words="Opposition forces", at=DAMASCUS, day=date(2024, 12, 7),
                     published=date(2024, 12, 7)).ok
    # one fused event holds both; the line moves on the day of the report that tells of the change
    f = Fuser(st, actors=kb)
    took = "Rebel fighters took control of Damascus on Sunday."
    for doc_id, sent, trig, day in (("s", s, "entered", date(2024, 12, 7)), ("t", took, "took", date(2024, 12, 8))):
        ev = _takeover(doc_id, sent, sent, trig, a1_words="forces" if doc_id == "s" else "Rebel fighters",
                       at=DAMASCUS, day=day)
        ev.cluster_id = None
        fuse_doc(st, f, doc_id, [ev], text=sent, published=day)
    assert [(p.holder, p.start) for p in st.control_timeline("Damascus")] == [(REBELS.name, date(2024, 12, 8))]


def test_the_holder_is_the_one_the_sentence_has_taking_the_place():
    # the coder took the army (named earlier in the sentence) as the taker of "fell to the rebels"
    s = "Homs, long a stronghold of the army, fell to the rebels on Sunday."
    r = _read(s, "fell", a1=GOV, a1_words="army", a2=REBELS, a2_words="rebels")
    assert r.ok and r.gainer == REBELS.__class__(**{**REBELS.__dict__, "mention": "rebels"})
    # the group whose caliphate the city was is not who took it; the backer is not either
    s = "Raqqa, once the capital of the Islamic State, has fallen to forces backed by the US."
    r = _read(s, "fallen", a1=IS, a1_words="Islamic State", a2=US, a2_words="US", at=RAQQA)
    assert not r.ok and r.tells  # it tells of the change, but names no taker we may believe
    s = "Kurdish militias backed by the US took Raqqa on Sunday."
    assert not _read(s, "took", a1=US, a1_words="US", at=RAQQA).ok


def test_a_foreign_force_withdrawing_is_never_the_holder(st, kb):
    f = Fuser(st, actors=kb)
    text = "US troops withdrew from Raqqa on Monday."
    ev = _takeover("w", text, text, "withdrew", a1=IS, a1_words=None, a2=US, a2_words="US troops", at=RAQQA,
                   sub=MOVE)
    fuse_doc(st, f, "w", [ev], text=text, published=PUB)
    assert all(p.holder != US.name for p in st.control_timeline("Raqqa"))
    # nor when the coder's roles are all there is (no words cited): the foreign force is the one leaving
    text2 = "Troops withdrew from Raqqa on Tuesday."
    ev2 = event("x:0", "x", MOVE, date(2018, 3, 20), None, a1=IS, a2=US, sentence=text2)
    ev2.location = RAQQA
    fuse_doc(st, f, "x", [ev2], text=text2, published=PUB)
    assert all(p.holder != US.name for p in st.control_timeline("Raqqa"))


def test_a_withdrawer_that_held_the_place_hands_it_to_the_taker_named_in_the_text(st, kb):
    f = Fuser(st, actors=kb)
    text = ("The YPG withdrew from Afrin on Sunday. Later that day the Free Syrian Army rebels swept into the city "
            "of Afrin, seizing control from the Kurds.")
    ev = _takeover("a", text, "The YPG withdrew from Afrin on Sunday.", "withdrew", a1=YPG, a1_words="YPG",
                   at=AFRIN, sub=MOVE)
    fuse_doc(st, f, "a", [ev], text=text, published=PUB)
    tl = st.control_timeline("Afrin")
    assert [p.holder for p in tl][0] == YPG.name
    assert tl[1].start == date(2018, 3, 18) and tl[1].holder != "unknown (after withdrawal)"
    assert any("swept into" in e.text for e in tl[1].evidence)


def test_a_country_army_holds_no_place_abroad_unless_the_text_says_it_is_occupied(st, kb):
    f = Fuser(st, actors=kb)
    text = "The Syrian army captured Antakya on Sunday."
    ev = _takeover("t", text, text, "captured", a1=GOV, a1_words="Syrian army", at=ANTAKYA)
    fuse_doc(st, f, "t", [ev], text=text, published=PUB)
    assert st.control_timeline("Antakya") == []
    occupied = "Turkish troops captured Afrin on Sunday. Kurds call it the Turkish occupation of Afrin."
    ev2 = _takeover("o", occupied, "Turkish troops captured Afrin on Sunday.", "captured", a1=TURKEY,
                    a1_words="Turkish troops", at=AFRIN)
    fuse_doc(st, f, "o", [ev2], text=occupied, published=PUB)
    tl = st.control_timeline("Afrin")
    assert [p.holder for p in tl] == [TURKEY.name]
    assert any("occupation" in e.text for e in tl[0].evidence)


def test_a_flip_within_days_needs_two_outlets(st, kb):
    f = Fuser(st, actors=kb)

    def report(doc_id, day, who, words, trigger, outlet, sentence):
        ev = _takeover(doc_id, sentence, sentence, trigger, a1=who, a1_words=words, day=day)
        fuse_doc(st, f, doc_id, [ev], text=sentence, outlet=outlet, published=day)

    report("g1", date(2018, 3, 1), GOV, "army", "retook", "Outlet A", "The army retook Homs on Thursday.")
    report("r1", date(2018, 3, 10), HTS, "HTS", "seized", "Outlet A", "HTS seized Homs on Saturday.")
    report("g2", date(2018, 3, 20), GOV, "army", "recaptured", "Outlet A", "The army recaptured Homs on Tuesday.")
    assert [p.holder for p in st.control_timeline("Homs")] == [GOV.name]  # one outlet's HTS week is dropped
    report("r2", date(2018, 3, 10), HTS, "HTS", "captured", "Outlet B", "HTS captured Homs on Saturday.")
    tl = st.control_timeline("Homs")
    assert [p.holder for p in tl] == [GOV.name, HTS.name, GOV.name]  # two outlets: the flip stands
    assert tl[1].outlets == ["outlet a", "outlet b"] and tl[1].reports == 2


def test_each_period_counts_its_reports_and_only_known_distinct_outlets(st, kb):
    f = Fuser(st, actors=kb)
    for doc_id, outlet in (("a", "Outlet A"), ("b", None), ("c", "outlet a")):
        s = f"HTS seized Homs on Saturday, witnesses told {doc_id}."
        ev = _takeover(doc_id, s, s, "seized", a1=HTS, a1_words="HTS")
        fuse_doc(st, f, doc_id, [ev], text=s, outlet=outlet, published=PUB)
    (p,) = st.control_timeline("Homs")
    assert p.reports == 3 and p.outlets == ["outlet a"]
    assert not p.rests_on_one_report and p.to_dict()["rests_on_one_report"] is False


def test_a_low_confidence_report_moves_no_line(st, kb):
    f = Fuser(st, actors=kb)
    s, s2 = "Rebels seized Homs on Sunday.", "Rebels seized Homs on Sunday, a monitor said."
    fuse_doc(st, f, "l", [_takeover("l", s, s, "seized", confidence=0.4)], text=s, published=PUB)
    assert st.control_timeline("Homs") == []
    fuse_doc(st, f, "h", [_takeover("h", s2, s2, "seized", confidence=0.75)], text=s2, published=PUB)
    assert [p.holder for p in st.control_timeline("Homs")] == [REBELS.name]


def test_a_reached_deal_retold_in_a_background_clause_moves_no_line(st, kb):
    f = Fuser(st, actors=kb)
    text = ("The surrender of rebel forces in the south, following the handover of Douma to the army, "
            "was agreed on Friday.")
    ev = event("d:0", "d", "Agreement", date(2018, 7, 20), "Douma", a1=GOV, a2=REBELS, sentence=text,
               attrs={"agreement_status": "reached"})
    fuse_doc(st, f, "d", [ev], text=text, published=date(2018, 7, 21))
    assert st.query_agreements()[0].status == "reached"
    assert st.control_timeline("Douma") == []


def test_a_timeline_follows_a_takeover_that_later_reports_turn_into_a_clash(st, kb):
    f = Fuser(st, actors=kb)
    s = "HTS seized Homs on Sunday."
    fuse_doc(st, f, "t", [_takeover("t", s, s, "seized", a1=HTS, a1_words="HTS")], text=s, published=PUB)
    assert [p.holder for p in st.control_timeline("Homs")] == [HTS.name]
    for i in (1, 2):  # two later reports of the same fighting call it a clash: the fused event is a clash
        c = f"HTS clashed with the army in Homs on Sunday, report {i} said."
        ev = event(f"c{i}:0", f"c{i}", "Armed clash", date(2018, 3, 18), "Homs", a1=HTS, a2=GOV, sentence=c)
        fuse_doc(st, f, f"c{i}", [ev], text=c, published=PUB)
    fused = st.query_fused(limit=10)
    assert len(fused) == 1 and fused[0].sub_event_type == "Armed clash"
    assert st.control_timeline("Homs") == []
