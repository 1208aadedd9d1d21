"""Analyst corrections: stored apart, applied on read, anchored to survive re-extraction."""
from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from rasd import corrections as corr
from rasd.records import Actor, Document, Event, Evidence, Place
from rasd.store import open_store

RAW = "Government forces shelled Douma on Monday, killing 4 people. Rebels denied it."


def _event(event_id="d1:0", start=18, end=25, etype="Explosions/Remote violence", day=date(2018, 2, 19)):
    return Event(event_id=event_id, doc_id="d1", event_type=etype,
                 sub_event_type="Shelling/artillery/missile attack", date=day,
                 actor1=Actor("Military Forces of Syria", mention="Government forces"),
                 location=Place("Douma", 33.57, 36.40, country="SY", admin1="Rif Dimashq"), fatalities=4,
                 evidence=[Evidence("d1", start, end, RAW[start:end], "trigger"),
                           Evidence("d1", 26, 31, "Douma", "location")],
                 sentence=RAW[:60])


@pytest.fixture
def st(db):
    s = open_store(db)
    s.add_document(Document(doc_id="d1", raw=RAW, published=date(2018, 2, 20)))
    s.replace_events("d1", [_event()])
    yield s
    s.close()


def test_correction_stored_apart_and_applied_on_read(st, db):
    got = st.add_correction("d1:0", {"location": {"name": "Harasta", "lat": 33.56, "lon": 36.36},
                                     "fatalities": 5}, author="analyst")
    assert got.location.name == "Harasta" and got.fatalities == 5
    assert got.attrs["corrected"] == ["fatalities", "location"]
    assert got.attrs["machine"]["location"]["name"] == "Douma"
    # machine output untouched
    raw = sqlite3.connect(db).execute("SELECT location, fatalities, data FROM events").fetchone()
    assert raw[0] == "Douma" and raw[1] == 4 and json.loads(raw[2])["location"]["name"] == "Douma"
    # filters see the corrected values
    assert [e.event_id for e in st.query_events_view(place="Harasta")] == ["d1:0"]
    assert st.query_events_view(place="Douma") == []
    assert st.count_events_view(bbox=(36.3, 33.5, 36.38, 33.6)) == 1
    assert len(st.corrections_of("d1:0")) == 2


def test_correction_survives_reextraction_with_new_ids(st):
    st.add_correction("d1:0", {"event_type": "Battles"})
    # re-extraction: new id, trigger span a little wider, still the same words
    st.replace_events("d1", [_event(event_id="d1:new", start=18, end=31)])
    got = st.get_event_view("d1:new")
    assert got.event_type == "Battles" and got.attrs["corrected"] == ["event_type"]
    assert [e.event_id for e in st.query_events_view(event_type="Battles")] == ["d1:new"]
    # a different event elsewhere in the document is not touched
    st.replace_events("d1", [_event(event_id="d1:a"), _event(event_id="d1:b", start=62, end=68)])
    assert st.get_event_view("d1:b").event_type == "Explosions/Remote violence"
    assert st.get_event_view("d1:a").event_type == "Battles"


def test_reader_sees_corrections_after_reextraction(st):
    reader = st.reader()
    st.add_correction("d1:0", {"date": "2018-02-18"})
    assert reader.get_event_view("d1:0").date == date(2018, 2, 18)
    st.replace_events("d1", [_event(event_id="d1:x")])
    assert reader.get_event_view("d1:x").date == date(2018, 2, 18)


def test_rejected_hidden_unless_asked(st):
    st.add_correction("d1:0", {"rejected": True})
    assert st.query_events_view() == []
    assert [e.attrs.get("rejected") for e in st.query_events_view(include_rejected=True)] == [True]
    assert len(st.query_events_view(status="rejected")) == 1
    st.add_correction("d1:0", {"rejected": False})  # newest wins
    assert len(st.query_events_view()) == 1


@pytest.mark.parametrize("field,value", [
    ("fatalities", -1), ("fatalities", "many"), ("date", "2018-13-01"), ("location", {"lat": 1}),
    ("location", {"name": "X", "lat": 91, "lon": 0}), ("event_type", ""), ("colour", "red"),
    ("rejected", "yes"), ("actor1", ""),
])
def test_bad_corrections_refused(field, value):
    with pytest.raises(corr.CorrectionError):
        corr.validate(field, value)


def test_ontology_checked_when_given():
    onto = {"Battles": ["Armed clash"]}
    assert corr.validate("sub_event_type", "Armed clash", onto) == "Armed clash"
    with pytest.raises(corr.CorrectionError):
        corr.validate("event_type", "Picnic", onto)


def test_keyset_iteration_covers_everything_once(db):
    with open_store(db) as s:
        s.add_document(Document(doc_id="d1", raw=RAW))
        evs = [_event(event_id=f"d1:{i:03d}", start=i, end=i + 1,
                      day=None if i % 7 == 0 else date(2018, 1, 1 + i % 28)) for i in range(250)]
        s.replace_events("d1", evs)
        seen = [e.event_id for b in s.iter_events_view(batch=40) for e in b]
        assert sorted(seen) == sorted(e.event_id for e in evs) and len(seen) == 250
        hist = dict(s.event_histogram(bin="day"))
        assert sum(hist.values()) == 250 - len([e for e in evs if e.date is None])


def _coded(event_id, trig, sent_start=0, sent_end=60):
    """An event as the coder writes it: a 'sentence' span and the trigger as 'event_type'."""
    return Event(event_id=event_id, doc_id="d1", event_type="Explosions/Remote violence",
                 sub_event_type="Shelling/artillery/missile attack", date=date(2018, 2, 19),
                 evidence=[Evidence("d1", sent_start, sent_end, RAW[sent_start:sent_end], "sentence"),
                           Evidence("d1", trig[0], trig[1], RAW[trig[0]:trig[1]], "event_type")],
                 sentence=RAW[sent_start:sent_end])


def test_coder_style_evidence_and_trigger_moved_in_same_sentence(db):
    with open_store(db) as s:
        s.add_document(Document(doc_id="d1", raw=RAW))
        s.replace_events("d1", [_coded("a", (18, 25)), _coded("b", (62, 68), 61, len(RAW))])
        assert corr.anchor_of(s.get_event_view("a")).span_start == 18  # the trigger, not the sentence
        s.add_correction("a", {"fatalities": 5})
        # the new coder cites "killing" as the trigger: no overlap, same sentence, one event there
        s.replace_events("d1", [_coded("a2", (43, 50)), _coded("b2", (62, 68), 61, len(RAW))])
        assert s.get_event_view("a2").fatalities == 5
        assert s.get_event_view("b2").fatalities is None
        assert [c["field"] for c in s.corrections_of("a2")] == ["fatalities"]


def test_json_fast_path_matches_the_parsed_view(st):
    from rasd.export import event_json

    st.add_document(Document(doc_id="d2", raw=RAW + " More."))
    other = _event(event_id="d2:0")
    other.doc_id = "d2"
    for ev in other.evidence:
        ev.doc_id = "d2"
    st.replace_events("d2", [other])
    st.add_correction("d1:0", {"actor2": "Rebels"})
    from rasd.serve.records import record_json

    fast = [json.loads(record_json(r)) for r in st.query_event_records(limit=10)]
    slow = [event_json(e) for e in st.query_events_view(limit=10)]
    assert fast == slow and {tuple(f["corrected"]) for f in fast} == {("actor2",), ()}


def test_summaries_agree_with_full_records(st):
    st.add_document(Document(doc_id="d3", raw=RAW + " Again."))
    ev = _event(event_id="d3:0", day=date(2018, 3, 1))
    ev.doc_id = "d3"
    for x in ev.evidence:
        x.doc_id = "d3"
    st.replace_events("d3", [ev])
    st.add_correction("d1:0", {"location": {"name": "Harasta", "lat": 33.5, "lon": 36.3}, "date": "2019-01-01"})
    for f in ({}, {"place": "Harasta"}, {"date_to": "2018-12-31"}):
        full = st.query_events_view(limit=10, **f)
        summ = st.query_events_summary(limit=10, **f)
        assert [s["event_id"] for s in summ] == [e.event_id for e in full]
        for s, e in zip(summ, full):
            assert (s["date"], s["location"]["name"], s["fatalities"], s["event_type"]) == (
                e.date.isoformat(), e.location.name, e.fatalities, e.event_type)
            assert s["corrected"] == list(e.attrs.get("corrected") or [])


def test_cli_events_show_what_analysts_corrected(st, db, run_cli):
    """`rasd events` prints the corrected view, as the API and exports do, and hides rejections."""
    st.add_correction("d1:0", {"location": {"name": "Harasta", "lat": 33.56, "lon": 36.36}, "fatalities": 5})
    st.close()
    row = json.loads(run_cli("--db", db, "events", "-f", "jsonl").stdout)
    assert row["location"]["name"] == "Harasta" and row["fatalities"] == 5
    assert run_cli("--db", db, "events", "--place", "Harasta").stdout.count("Harasta") == 1
    assert run_cli("--db", db, "events", "--place", "Douma").stdout == ""
    with open_store(db) as s:
        s.add_correction("d1:0", {"rejected": True})
        # the machine's own record is still there for those who ask the store for it
        assert [e.location.name for e in s.query_events()] == ["Douma"]
    assert run_cli("--db", db, "events").stdout == ""


def test_machine_query_shares_the_view_filters(st):
    """query_events (machine values) and the corrected view filter alike on untouched events."""
    for f in ({"place": "Douma"}, {"actor": "Military"}, {"date_from": "2018-02-19", "date_to": "2018-02-19"},
              {"text": "shelled"}, {"bbox": (36.3, 33.5, 36.5, 33.6)}, {"event_type": "Explosions/Remote violence"}):
        assert [e.event_id for e in st.query_events(**f)] == [e.event_id for e in st.query_events_view(**f)] == ["d1:0"]
    for f in ({"place": "Aleppo"}, {"date_from": "2018-02-20"}, {"text": "bombed"}, {"bbox": (0.0, 0.0, 1.0, 1.0)}):
        assert st.query_events(**f) == st.query_events_view(**f) == []
