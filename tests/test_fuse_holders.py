"""Control timelines read in the reports' texts (earlier holder, leading group) and moved by
reached deals; agreement status, clauses, date and place from the sentences that state the deal.
Small synthetic texts: these always run."""
from __future__ import annotations

from datetime import date

from fuse_helpers import GOV, HTS, REBELS, add_doc, event, fuse_doc, st, store_events  # noqa: F401 (st is a fixture)

from rasd.fuse import Fuser
from rasd.fuse.agreements import AgreementBuilder
from rasd.fuse.rules import Rules
from rasd.records import Evidence, Place

TAKEOVER = ("Government forces vacated Homs on Saturday as the insurgents, led by HTS, advanced. "
            "The rebels seized control of Homs.")


def _takeover(doc_id: str, text: str):
    sent = "The rebels seized control of Homs."
    return event(f"{doc_id}:0", doc_id, "Non-state actor overtakes territory", date(2024, 12, 7), "Homs",
                 a1=REBELS, sentence=sent)


def test_takeover_without_a_loser_reads_the_earlier_holder_and_the_leader_in_the_text(st):
    f = Fuser(st)
    fuse_doc(st, f, "h", [_takeover("h", TAKEOVER)], text=TAKEOVER)
    tl = st.control_timeline("Homs")
    assert [(p.start, p.end) for p in tl] == [(None, date(2024, 12, 7)), (date(2024, 12, 7), None)]
    assert tl[0].holder.startswith("Military Forces of Syria")
    assert any("vacated Homs" in e.text for e in tl[0].evidence)  # the sentence that says who left
    assert tl[1].holder == "Rebels" and tl[1].previous == tl[0].holder
    assert tl[1].led_by == "HTS: Hayat Tahrir al Sham"
    assert any("led by HTS" in e.text for e in tl[1].evidence)


def test_the_loser_must_leave_this_place_and_a_named_group_needs_no_leader(st):
    f = Fuser(st)
    text = "Government forces vacated Hama on Friday. HTS seized control of Homs."
    ev = event("k:0", "k", "Non-state actor overtakes territory", date(2024, 12, 7), "Homs", a1=HTS,
               sentence="HTS seized control of Homs.")
    fuse_doc(st, f, "k", [ev], text=text)
    tl = st.control_timeline("Homs")
    assert [(p.holder, p.led_by) for p in tl] == [(HTS.name, None)]


def test_hts_led_rebels_names_the_leader(st):
    f = Fuser(st)
    text = "HTS-led rebels seized control of Homs."
    ev = event("l:0", "l", "Non-state actor overtakes territory", date(2024, 12, 7), "Homs", a1=REBELS, a2=GOV,
               sentence=text)
    fuse_doc(st, f, "l", [ev], text=text)
    tl = st.control_timeline("Homs")
    assert [(p.holder, p.led_by) for p in tl] == [(GOV.name, None), ("Rebels", "HTS: Hayat Tahrir al Sham")]


DEAL = ("Douma\nThe two sides reached a final agreement in Douma on Monday. Under its terms, 300 fighters will "
        "leave the town for Idlib, taking their light weapons.")
TALKS = "Douma\nTalks are ongoing over the evacuation of fighters from Douma to Idlib."


def test_a_reached_evacuation_deal_hands_the_place_to_the_state_party(st):
    f = Fuser(st)
    sent = "The two sides reached a final agreement in Douma on Monday."
    ev = event("d:0", "d", "Agreement", date(2018, 4, 2), "Douma", a1=GOV, a2=HTS, sentence=sent)
    fuse_doc(st, f, "d", [ev], text=DEAL)
    tl = st.control_timeline("Douma")
    assert [(p.holder, p.start, p.end) for p in tl] == [
        (HTS.name, None, date(2018, 4, 2)), (GOV.name, date(2018, 4, 2), None)]
    assert ev.event_id in tl[1].event_ids
    assert any("300 fighters will leave" in e.text for e in tl[1].evidence)


def test_a_deal_whose_texts_do_not_name_its_place_moves_no_line(st):
    f = Fuser(st)
    text = "Douma\nHer husband surrendered to government forces after the deal was reached."
    ev = event("u:0", "u", "Agreement", date(2018, 4, 2), "Douma", a1=GOV, sentence=text.split("\n")[1])
    fuse_doc(st, f, "u", [ev], text=text)
    assert st.query_agreements()[0].status == "reached"
    assert st.control_timeline("Douma") == []


def test_a_negotiated_or_collapsed_deal_changes_no_hands(st):
    f = Fuser(st)
    ev = event("n:0", "n", "Agreement", date(2018, 3, 1), "Douma", a1=GOV, a2=HTS,
               sentence="Talks are ongoing over the evacuation of fighters from Douma to Idlib.")
    fuse_doc(st, f, "n", [ev], text=TALKS)
    assert st.query_agreements()[0].status == "negotiating"
    assert st.control_timeline("Douma") == []
    text = "Douma\nThe deal on the evacuation of fighters from Douma collapsed."
    ev2 = event("c:0", "c", "Agreement", date(2018, 3, 2), "Douma", a1=GOV, a2=HTS, sentence=text.split("\n")[1])
    fuse_doc(st, f, "c", [ev2], text=text, outlet="Other")
    assert [a.status for a in st.query_agreements()] == ["collapsed"]
    assert st.control_timeline("Douma") == []


def test_a_ceasefire_that_moves_nobody_changes_no_hands(st):
    f = Fuser(st)
    text = "A ceasefire agreement was signed on Monday in Douma."
    fuse_doc(st, f, "q", [event("q:0", "q", "Agreement", date(2018, 4, 2), "Douma", a1=GOV, a2=HTS,
                                sentence=text)], text=text)
    assert st.query_agreements()[0].status == "reached"
    assert st.control_timeline("Douma") == []


def test_a_deal_word_in_a_future_or_purpose_clause_is_no_deal_reached():
    b = AgreementBuilder(Rules.load(), lambda _d: None)
    negotiating = [
        "Negotiations are ongoing in the countryside to reach an agreement over the exit of the fighters.",
        "The two sides are aiming at signing a deal next week.",
        "Fighters would leave if the sides agree on guarantees.",
        "There has been no agreement reached yet.",
        "Mediators hope to broker a truce.",
    ]
    for s in negotiating:
        assert b.read_status(s) == "negotiating", s
    for s in ["The two parties reached a final agreement similar to the one reached in another town.",
              "According to the agreement reached on Monday, fighters will leave.",
              "Although talks went on without reaching any agreement, a reporter said the fighters reached a deal."]:
        assert b.read_status(s) == "reached", s
    assert b.read_status("The deal collapsed on Friday.") == "collapsed"


def test_the_sentence_outweighs_the_coders_reached(st):
    f = Fuser(st)
    sent = "Negotiations are ongoing near Douma to reach an agreement over the exit of the fighters."
    ev = event("p:0", "p", "Agreement", date(2018, 3, 1), "Douma", a1=HTS, sentence=sent,
               attrs={"agreement_status": "reached"})
    fuse_doc(st, f, "p", [ev], text=sent)
    (ag,) = st.query_agreements()
    assert ag.status == "negotiating"


def test_a_vaguely_placed_negotiation_continues_the_documents_deal(st):
    f = Fuser(st)
    head = "Negotiations on the evacuation of HTS from Beit Jinn"
    body = "Negotiations are ongoing in the Damascus countryside to reach an agreement over the exit of HTS."
    text = head + "\n\n" + body
    e1 = event("v:0", "v", "Other", date(2017, 12, 28), "Beit Jinn", a1=HTS, sentence=head,
               attrs={"agreement_status": "negotiating"})
    e1.evidence = [Evidence("v", 0, len(head), head, "trigger")]
    e2 = event("v:1", "v", "Agreement", date(2017, 12, 28), None, a1=HTS, sentence=body,
               attrs={"agreement_status": "reached"})
    e2.location = Place("Damascus", 33.5138, 36.2765, country="SY", geo_precision=2)
    e2.evidence = [Evidence("v", len(head) + 2, len(text), body, "trigger")]
    fuse_doc(st, f, "v", [e1, e2], text=text)
    assert e1.cluster_id == e2.cluster_id
    (ag,) = st.query_agreements()
    assert ag.status == "negotiating" and ag.place.name == "Beit Jinn"
    # another outlet's report of the talks at Beit Jinn still joins (the vague place does not veto)
    s3 = "Rebels at Beit Jinn are negotiating a deal with the government to leave for Idlib."
    e3 = event("w:0", "w", "Other", date(2017, 12, 27), "Beit Jinn", a1=REBELS, sentence=s3,
               attrs={"agreement_status": "negotiating"})
    fuse_doc(st, f, "w", [e3], text=s3, outlet="Other")
    assert e3.cluster_id == e1.cluster_id
    assert len(st.query_agreements()) == 1


def test_a_headline_report_merged_with_its_body_sentence_takes_the_bodys_clauses(st):
    """The coder merges a headline and the body sentence on the same talks into one event citing
    both; the terms are read from the body sentence, not lost with the headline."""
    f = Fuser(st)
    head = "Talks on the evacuation of HTS from Beit Jinn"
    body = ("Negotiations are ongoing in the Damascus countryside to reach an agreement over ensuring the exit "
            "of HTS from the region. The plan is to transport them to Idlib province.")
    text = head + "\n\nBeirut - Our Correspondent\n\n" + body  # a byline between them, as captures have
    at = text.index(body)
    ev = event("m:0", "m", "Agreement", date(2017, 12, 28), "Beit Jinn", a1=HTS, sentence=head,
               attrs={"agreement_status": "negotiating"})
    first = body.split(". ")[0] + "."
    ev.evidence = [Evidence("m", 0, len(head), head, "sentence"), Evidence("m", 0, 5, "Talks", "event_type"),
                   Evidence("m", at, at + len(first), first, "sentence")]
    fuse_doc(st, f, "m", [ev], text=text)
    (ag,) = st.query_agreements()
    assert ag.status == "negotiating"
    kinds = {c.kind for c in ag.clauses}
    assert {"who_leaves", "destination"} <= kinds, [(c.kind, c.text) for c in ag.clauses]
    assert all(c.evidence.start > len(head) for c in ag.clauses)  # none from the headline


BACKGROUND = (
    "They call it national reconciliation. Each side describes the exit of opposition forces differently. "
    "At first the regime banned movement and the entry of food items.\n\n"
    "Douma\nRepresentatives met a regime delegation on 26 November. The two parties reached a final agreement.\n"
    "According to the Douma committee, the agreement clauses state that fighters must leave for Idlib.")


def test_clauses_come_from_the_deal_not_from_the_background_and_the_date_from_the_deal(st):
    f = Fuser(st)
    ev = event("b:0", "b", "Agreement", date(2016, 11, 25), "Douma", a1=GOV,
               sentence="They call it national reconciliation.")
    add_doc(st, "b", text=BACKGROUND, published=date(2016, 11, 29))
    store_events(st, "b", [ev])
    f.process([ev])
    (ag,) = st.query_agreements()
    texts = [c.text for c in ag.clauses]
    assert texts and all("fighters must leave" in t for t in texts), texts
    assert ag.date == date(2016, 11, 26)  # "met ... on 26 November. The two parties reached a final agreement."
    assert any("26 November" in e.text for e in ag.evidence)


SUBJECT = (
    "Next towns\nIn contrast, negotiations in Khan Town have been ongoing for a month after it was cut off "
    "from Small Village last October. A reporter said the fighters reached an agreement with the regime for "
    "1500 fighters to leave with their families to Idlib.")


def test_the_deals_place_and_date_come_from_the_best_evidence(st):
    khan = Place("Khan Town", 33.39, 36.08, country="SY")
    looked: list[str] = []

    def places(name, near):
        looked.append(name)
        return khan if name == "Khan Town" else None

    f = Fuser(st, places=places)
    sent = SUBJECT.split(". ", 1)[1]
    ev = event("s:0", "s", "Agreement", date(2016, 10, 15), None, a1=GOV, sentence=sent, precision="month")
    ev.location = Place("Small Village", 33.334, 36.159, country="SY", mention="Small Village")
    add_doc(st, "s", text=SUBJECT, published=date(2016, 11, 29))
    store_events(st, "s", [ev])
    f.process([ev])
    (ag,) = st.query_agreements()
    assert looked == ["Khan Town"]
    assert ag.place.name == "Khan Town"  # the deal's subject, not the village of a side clause
    assert ag.date == date(2016, 11, 29)  # no date stated for the deal: the day it was reported
    assert [c.text for c in ag.clauses if c.kind == "who_leaves"] == [
        "1500 fighters to leave with their families to Idlib"]
    assert [p.holder for p in st.control_timeline("Khan Town")] == [GOV.name]
    assert st.control_timeline("Small Village") == []


def test_a_subject_place_far_away_is_not_taken(st):
    far = Place("Khan Town", 36.2, 37.1, country="SY")
    f = Fuser(st, places=lambda name, near: far)
    sent = SUBJECT.split(". ", 1)[1]
    ev = event("s:0", "s", "Agreement", date(2016, 10, 15), None, a1=GOV, sentence=sent)
    ev.location = Place("Small Village", 33.334, 36.159, country="SY", mention="Small Village")
    fuse_doc(st, f, "s", [ev], text=SUBJECT)
    assert st.query_agreements()[0].place.name == "Small Village"
