"""Control timelines from territorial events, and agreements with clauses read in the text."""
from __future__ import annotations

from datetime import date

from fuse_helpers import GOV, HTS, REBELS, event, fuse_doc, st  # noqa: F401 (st is a fixture)

from rasd.fuse import Fuser
from rasd.fuse.agreements import sentences




def test_takeover_gives_a_timeline_with_the_previous_holder(st):
    f = Fuser(st)
    fuse_doc(st, f, "a", [event("a:0", "a", "Non-state actor overtakes territory", date(2024, 12, 7), "Homs",
                                a1=HTS, a2=GOV, sentence="HTS-led rebels seized control of Homs.")])
    tl = st.control_timeline("Homs")
    assert [(p.holder, p.start, p.end) for p in tl] == [
        (GOV.name, None, date(2024, 12, 7)), (HTS.name, date(2024, 12, 7), None)]
    assert tl[1].evidence[0].text == "HTS-led rebels seized control of Homs."
    assert tl[1].previous == GOV.name
    assert [p.holder for p in st.control_at("2024-12-01")] == [GOV.name]
    assert [p.holder for p in st.control_at("2024-12-08")] == [HTS.name]


def test_withdrawal_hands_over_and_a_recapture_ends_the_period(st):
    f = Fuser(st)
    fuse_doc(st, f, "a", [event("a:0", "a", "Non-violent transfer of territory", date(2015, 5, 20), "Aleppo",
                                a1=GOV, a2=REBELS, sentence="Government troops withdrew from Aleppo.")])
    fuse_doc(st, f, "b", [event("b:0", "b", "Government regains territory", date(2016, 12, 22), "Aleppo",
                                a1=GOV, a2=REBELS, sentence="The army retook Aleppo.")])
    tl = st.control_timeline("aleppo")
    assert [(p.holder, p.start, p.end) for p in tl] == [
        (GOV.name, None, date(2015, 5, 20)),
        ("Rebels", date(2015, 5, 20), date(2016, 12, 22)),
        (GOV.name, date(2016, 12, 22), None)]
    assert [p.holder for p in st.control_at("2016-01-01")] == ["Rebels"]


def test_a_withdrawal_and_a_takeover_on_one_day_leave_no_empty_period(st):
    """The army withdrew and HTS moved in on the same day: the place went from one to the other,
    with no zero-length 'unknown' holder between them."""
    f = Fuser(st)
    fuse_doc(st, f, "w", [event("w:0", "w", "Non-violent transfer of territory", date(2024, 12, 8), "Hama",
                                a1=GOV, sentence="Government troops withdrew from Hama overnight.")])
    fuse_doc(st, f, "t", [event("t:0", "t", "Non-state actor overtakes territory", date(2024, 12, 8), "Hama",
                                a1=HTS, sentence="HTS fighters moved into Hama.")])
    tl = st.control_timeline("Hama")
    assert [(p.holder, p.start, p.end) for p in tl] == [
        (GOV.name, None, date(2024, 12, 8)), (HTS.name, date(2024, 12, 8), None)]
    assert tl[1].previous == GOV.name
    assert any("withdrew" in e.text for e in tl[1].evidence)  # the withdrawal's evidence is kept


def test_denied_takeover_keeps_status_and_evidence_of_the_assertion(st):
    f = Fuser(st)
    fuse_doc(st, f, "a", [event("a:0", "a", "Non-state actor overtakes territory", date(2024, 12, 7), "Homs",
                                a1=HTS, a2=GOV, sentence="Rebels seized Homs.")])
    fuse_doc(st, f, "b", [event("b:0", "b", "Non-state actor overtakes territory", date(2024, 12, 7), "Homs",
                                a1=HTS, stance="denied", sentence="The ministry denied Homs had fallen.")])
    tl = st.control_timeline("Homs")
    assert tl[-1].holder == HTS.name and tl[-1].status == "disputed"
    assert all(e.doc_id == "a" for e in tl[-1].evidence)


def test_non_territorial_events_make_no_timeline(st):
    f = Fuser(st)
    fuse_doc(st, f, "a", [event("a:0", "a", "Armed clash", date(2024, 12, 7), "Homs", a1=HTS, a2=GOV,
                                sentence="Clashes in Homs.")])
    assert st.control_timeline("Homs") == []


DEAL = """Deal in the Valley

Negotiators met on Monday in Zabadani. The two sides reached a final agreement on Monday.
Under its terms, 300 fighters will leave the town for Idlib, taking their light weapons and handing over their heavy weapons.
Wanted men will have a period of three months to settle their status, and the army pledges it will not enter the town.
Civilians keep free movement.

Elsewhere

In another town, fighters will leave for Jarablus.
"""


def test_agreement_record_with_clauses_and_evidence(st):
    f = Fuser(st)
    sent = "The two sides reached a final agreement on Monday."
    ev = event("z:0", "z", "Agreement", date(2016, 8, 1), "Douma", a1=GOV, a2=REBELS, sentence=sent)
    fuse_doc(st, f, "z", [ev], text=DEAL)
    (ag,) = st.query_agreements()
    assert ag.status == "reached" and ag.cluster_id == ev.cluster_id
    assert {p.name for p in ag.parties} == {GOV.name, "Rebels"}
    kinds = {c.kind for c in ag.clauses}
    assert {"who_leaves", "weapons", "destination", "deadline", "guarantee"} <= kinds
    texts = " | ".join(c.text for c in ag.clauses)
    assert "300 fighters will leave the town for Idlib" in texts
    assert "a period of three months to settle their status" in texts
    assert "Jarablus" not in texts  # the window stops at the next heading
    for c in ag.clauses:  # every clause cites its span of the raw text
        assert DEAL[c.evidence.start:c.evidence.end] == c.evidence.text == c.text


def test_the_window_of_clauses_stops_where_the_text_turns_to_another_places_deal(st):
    f = Fuser(st)
    sent = "The two sides reached a final agreement in Douma on Monday."
    text = (sent + " Under its terms, 300 fighters will leave the town for Idlib. "
            "In contrast, negotiations in Zabadani have gone on for a month. "
            "A reporter said 900 fighters agreed to leave for Jarablus.")
    ev = event("w:0", "w", "Agreement", date(2016, 8, 1), "Douma", a1=GOV, a2=REBELS, sentence=sent)
    fuse_doc(st, f, "w", [ev], text=text)
    (ag,) = st.query_agreements()
    texts = " | ".join(c.text for c in ag.clauses)
    assert "300 fighters will leave the town for Idlib" in texts
    assert "Jarablus" not in texts and "900" not in texts  # Zabadani's terms, not Douma's


def test_negotiation_status_and_collapse(st):
    f = Fuser(st)
    text = "Talks are ongoing over the evacuation of fighters from Douma.\nThe deal collapsed on Friday."
    e1 = event("n:0", "n", "Other", date(2018, 3, 1), "Douma", a1=GOV, a2=REBELS,
               sentence="Talks are ongoing over the evacuation of fighters from Douma.")
    fuse_doc(st, f, "n", [e1], text=text)
    (ag,) = st.query_agreements()
    assert ag.status == "negotiating"
    e2 = event("m:0", "m", "Agreement", date(2018, 3, 2), "Douma", a1=GOV, a2=REBELS,
               sentence="The deal on the evacuation of fighters from Douma collapsed.",
               attrs={"agreement_status": "collapsed"})
    fuse_doc(st, f, "m", [e2], text="Douma update\nThe deal on the evacuation of fighters from Douma collapsed.",
             outlet="Other outlet")
    assert e2.cluster_id == e1.cluster_id
    (ag,) = st.query_agreements()
    assert ag.status == "collapsed" and len(ag.event_ids) == 2


def test_other_without_deal_words_is_no_agreement(st):
    f = Fuser(st)
    fuse_doc(st, f, "o", [event("o:0", "o", "Other", date(2018, 3, 1), "Douma", sentence="Assad visited Douma.")])
    assert st.query_agreements() == []


def test_sentences_split_on_lines_and_stops():
    text = "Heading\nOne. Two three.\n\nFour?"
    assert [text[s:e] for s, e in sentences(text)] == ["Heading", "One.", "Two three.", "Four?"]


def test_withdrawal_of_a_non_holder_changes_nothing(st):
    from fuse_helpers import HEZBOLLAH

    f = Fuser(st)
    fuse_doc(st, f, "a", [event("a:0", "a", "Non-state actor overtakes territory", date(2024, 12, 7), "Homs",
                                a1=HTS, a2=GOV, sentence="HTS took Homs.")])
    fuse_doc(st, f, "b", [event("b:0", "b", "Non-violent transfer of territory", date(2024, 12, 8), "Homs",
                                a1=HEZBOLLAH, sentence="Hezbollah told its fighters to withdraw from the Homs area.")])
    assert [p.holder for p in st.control_timeline("Homs")] == [GOV.name, HTS.name]


def test_clause_drops_the_reporting_verb(st):
    f = Fuser(st)
    text = "A local reporter said that 500 fighters will leave the town for Idlib with their families."
    ev = event("k:0", "k", "Agreement", date(2016, 11, 28), "Douma", a1=GOV, sentence=text)
    fuse_doc(st, f, "k", [ev], text=text)
    (ag,) = st.query_agreements()
    who = next(c for c in ag.clauses if c.kind == "who_leaves")
    assert who.text == "500 fighters will leave the town for Idlib with their families"


def test_one_deal_told_over_two_sentences_is_one_agreement(st):
    from rasd.records import Evidence

    f = Fuser(st)
    s1 = "The two parties reached a final agreement on Saturday."
    s2 = "According to the committee, the agreement states that fighters must leave for Idlib."
    text = s1 + " " + s2 + "\n" + "x " * 500 + "\nElsewhere, another agreement was reached in Douma."
    e1 = event("t:0", "t", "Agreement", date(2016, 11, 26), "Douma", a1=GOV, sentence=s1)
    e2 = event("t:1", "t", "Agreement", date(2016, 11, 26), None, sentence=s2)
    e2.evidence = [Evidence("t", len(s1) + 1, len(s1) + 1 + len(s2), s2, "trigger")]
    far = "Elsewhere, another agreement was reached in Douma."
    e3 = event("t:2", "t", "Agreement", date(2016, 11, 26), "Douma", a1=GOV, sentence=far)
    e3.evidence = [Evidence("t", text.index(far), text.index(far) + len(far), far, "trigger")]
    fuse_doc(st, f, "t", [e1, e2, e3], text=text)
    assert e1.cluster_id == e2.cluster_id != e3.cluster_id
    ag = next(a for a in st.query_agreements() if a.cluster_id == e1.cluster_id)
    assert any(c.kind == "who_leaves" and c.text.startswith("fighters must leave") for c in ag.clauses)


def test_clauses_are_also_read_where_the_text_names_the_place_and_the_deal(st):
    f = Fuser(st)
    text = ("Deals around the capital\nThe government calls it reconciliation.\n"
            "Douma\nAfter weeks of shelling, talks began. Elders met officers twice. Nobody spoke to the press. "
            "Days passed. Then more days passed. The weather was cold. Shops stayed shut.\n"
            "According to the Douma committee, the agreement states that fighters must leave for Jarablus.")
    ev = event("d:0", "d", "Agreement", date(2018, 4, 1), "Douma", a1=GOV,
               sentence="The government calls it reconciliation.")
    fuse_doc(st, f, "d", [ev], text=text)
    (ag,) = st.query_agreements()
    assert [c.text for c in ag.clauses if c.kind == "who_leaves"] == ["fighters must leave for Jarablus"]


def test_an_unidentified_group_holds_nothing(st):
    from rasd.records import Actor

    f = Fuser(st)
    anon = Actor("Unidentified Armed Group (Syria)", actor_type="other")
    fuse_doc(st, f, "u", [event("u:0", "u", "Non-state actor overtakes territory", date(2024, 11, 27), "Homs",
                                a1=anon, sentence="Gunmen advanced towards Homs.")])
    assert st.control_timeline("Homs") == []


def test_a_timeline_is_recomputed_only_when_an_event_there_changes_hands(st):
    # a timeline is made of changes of hands alone: another event at the place that moves no line
    # (here the coder doubts it) leaves it as it is, without reading every report there again
    f = Fuser(st)
    fuse_doc(st, f, "a", [event("a:0", "a", "Non-state actor overtakes territory", date(2024, 12, 7), "Homs",
                                a1=HTS, a2=GOV, sentence="HTS-led rebels seized control of Homs.")])
    stored = [p.to_dict() for p in st.control_timeline("Homs")]
    calls = []
    update = f.control.update
    f.control.update = lambda key, place=None: calls.append(key) or update(key, place)
    doubted = fuse_doc(st, f, "b", [event("b:0", "b", "Non-state actor overtakes territory", date(2025, 3, 1),
                                          "Homs", a1=GOV, a2=HTS, confidence=0.3,
                                          sentence="Government forces were said to have retaken parts of Homs.")])
    assert calls == [] and [p.to_dict() for p in st.control_timeline("Homs")] == stored
    # what a full recomputation gives: the same periods
    fe = st.get_fused(doubted[0].cluster_id)
    assert fe.reports[0].event_id == "b:0" and len(fe.reports) == 1
    assert [p.to_dict() for p in update("gn:169577", fe.location)] == stored
    fuse_doc(st, f, "c", [event("c:0", "c", "Government regains territory", date(2025, 6, 1), "Homs",
                                a1=GOV, a2=HTS, sentence="Government forces recaptured Homs.")])
    assert calls == ["gn:169577"]
    assert [p.holder for p in st.control_timeline("Homs")] == [GOV.name, HTS.name, GOV.name]
