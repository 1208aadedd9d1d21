"""The store contract: what every backend does, asserted through the ``Store`` roles alone.

Runs once per backend of conftest.STORE_BACKENDS (``store_factory`` / ``store_url``); checks
of one backend's internals (pragmas, WAL, FTS5, user_version) live in its own file
(tests/test_store_sqlite.py).
"""
from __future__ import annotations

import json
from datetime import date

import pytest

from rasd import corrections as corr
from rasd.records import (Actor, Agreement, Clause, ControlPeriod, Document, Event, Evidence, FusedEvent,
                          OffsetMap, Place, Report)
from rasd.clock import stamp
from rasd.store import (AlertStore, AnalystStore, BaseStore, ControlStore, CorrectionStore, DocumentStore, EventStore, FusingStore,
                        FusionStore, Store, WatchStore)
from rasd.store.base import Alert, CandidateSearch, FusedRevision
from rasd.store.migrations import package_migrations

RAW = "Government forces shelled Douma on Monday, killing 4 people. Rebels denied it."


def _event(event_id="d1:0", start=18, end=25, etype="Explosions/Remote violence", day=date(2018, 2, 19)):
    return Event(event_id=event_id, doc_id="d1", event_type=etype,
                 sub_event_type="Shelling/artillery/missile attack", date=day,
                 actor1=Actor("Military Forces of Syria", mention="Government forces"),
                 location=Place("Douma", 33.57, 36.40, country="SY", admin1="Rif Dimashq"), fatalities=4,
                 evidence=[Evidence("d1", start, end, RAW[start:end], "trigger"),
                           Evidence("d1", 26, 31, "Douma", "location")],
                 sentence=RAW[:60])


def _coded(event_id, trig, sent_start=0, sent_end=60):
    """An event as the coder writes it: a 'sentence' span and the trigger as 'event_type'."""
    return Event(event_id=event_id, doc_id="d1", event_type="Explosions/Remote violence",
                 sub_event_type="Shelling/artillery/missile attack", date=date(2018, 2, 19),
                 evidence=[Evidence("d1", sent_start, sent_end, RAW[sent_start:sent_end], "sentence"),
                           Evidence("d1", trig[0], trig[1], RAW[trig[0]:trig[1]], "event_type")],
                 sentence=RAW[sent_start:sent_end])


def _moved(ev: Event, doc_id: str) -> Event:
    """The event as reported by another document."""
    ev.doc_id = doc_id
    for x in ev.evidence:
        x.doc_id = doc_id
    return ev


@pytest.fixture
def st(store_factory):
    """A store holding document d1 and its one event d1:0 (shelling of Douma, 4 dead)."""
    s = store_factory()
    s.add_document(Document(doc_id="d1", raw=RAW, published=date(2018, 2, 20)))
    s.replace_events("d1", [_event()])
    return s


# -- the base role ---------------------------------------------------------------------------
def test_a_backend_implements_every_role(store_factory):
    s = store_factory()
    for role in (BaseStore, DocumentStore, EventStore, CorrectionStore, FusionStore, ControlStore, FusingStore,
                 WatchStore, AnalystStore, AlertStore, Store):
        assert isinstance(s, role), role.__name__


def test_reopening_keeps_everything_and_reports_the_schema_version(store_factory):
    with store_factory() as s:
        s.add_document(Document(doc_id="a", raw="Shelling hit Douma on Monday."))
    s = store_factory()  # a second open applies no migration twice and loses nothing
    assert s.get_document("a").raw == "Shelling hit Douma on Monday."
    # every backend has the same numbered migrations (docs/schema.md)
    version = len(package_migrations("rasd.store.sqlite.migrations", ".sql"))
    assert s.stats()["schema_version"] == s.health()["schema_version"] == version
    s.close()
    s.close()  # closing twice is harmless


def test_a_failed_transaction_writes_nothing_and_nested_ones_commit_with_the_outer(store_factory):
    s = store_factory()
    with pytest.raises(RuntimeError):
        with s.transaction():
            s.add_document(Document(doc_id="a", raw="Shelling hit Douma."))
            s.replace_events("a", [_moved(_event(event_id="a:0"), "a")])
            raise RuntimeError("the batch failed")
    assert s.get_document("a") is None and s.query_events() == [] and s.stats()["documents"] == 0
    with s.transaction():
        with s.transaction():
            s.add_document(Document(doc_id="b", raw="Talks in Geneva stalled."))
        s.replace_events("b", [_moved(_event(event_id="b:0"), "b")])
    other = store_factory()  # another connection sees both writes
    assert other.get_document("b") is not None and [e.event_id for e in other.query_events()] == ["b:0"]


def test_health_and_stats_count_what_is_stored(st):
    st.add_correction("d1:0", {"fatalities": 5})
    h = st.health()
    assert (h["documents"], h["events"], h["corrections"]) == (1, 1, 1)
    s = st.stats()
    assert (s["documents"], s["events"]) == (1, 1)
    assert s["events_by_type"] == {"Explosions/Remote violence": 1}


def test_a_reader_sees_what_the_writer_committed(st):
    reader = st.reader()
    own = st.reader(own=True)
    try:
        st.add_document(Document(doc_id="d2", raw="Talks in Geneva stalled."))
        assert reader.get_document("d2") is not None and own.get_document("d2") is not None
        assert reader.reader() is reader or isinstance(reader.reader(), Store)
    finally:
        if own is not st:
            own.close()


# -- documents -------------------------------------------------------------------------------
def test_same_content_twice_changes_nothing(store_factory):
    doc = Document(doc_id="a", raw="Shelling hit Douma on Monday.", published=date(2018, 2, 19))
    with store_factory() as st:
        assert st.add_document(doc).status == "new"
        assert st.add_document(Document(doc_id="a", raw=doc.raw)).status == "unchanged"
        assert st.stats()["documents"] == 1
        got = st.get_document("a")
        assert got.published == date(2018, 2, 19) and got.text == doc.raw


def test_new_content_updates_and_the_same_content_elsewhere_is_a_duplicate(store_factory):
    st = store_factory()
    first = Document(doc_id="a", raw="Shelling hit Douma on Monday.", outlet="A")
    st.add_document(first)
    assert st.has_content(first.content_hash) and not st.has_content("0" * 32)
    assert st.add_document(Document(doc_id="b", raw=first.raw)).status == "duplicate"
    assert st.get_document("b") is None
    second = Document(doc_id="a", raw="Shelling hit Harasta on Tuesday.")
    assert st.add_document(second).status == "updated"
    got = st.get_document("a")
    assert got.raw == second.raw and got.content_hash == second.content_hash
    assert not st.has_content(first.content_hash) and st.stats()["documents"] == 1
    # a new reading of the same content that leaves a field empty keeps the stored value
    assert st.add_document(Document(doc_id="a", raw=second.raw, title="Harasta")).status == "updated"
    assert st.get_document("a").title == "Harasta"


def test_documents_listed_and_iterated_by_id(store_factory):
    st = store_factory()
    for i in (3, 1, 2, 0):
        st.add_document(Document(doc_id=f"doc{i}", raw=f"Report number {i} from the front."))
    assert [d.doc_id for d in st.iter_documents()] == ["doc0", "doc1", "doc2", "doc3"]
    assert [r.doc_id for r in st.list_documents(limit=2)] == ["doc0", "doc1"]
    page = st.list_documents(limit=2, offset=2)
    assert [r.doc_id for r in page] == ["doc2", "doc3"]
    assert page[0].chars == len("Report number 2 from the front.") and page[0].snippet is None


def test_full_text_search_and_hostile_query(store_factory):
    with store_factory() as st:
        st.add_document(Document(doc_id="a", raw="Barrel bombs fell on al-Tal."))
        st.add_document(Document(doc_id="b", raw="Talks in Geneva stalled."))
        assert [r.doc_id for r in st.list_documents("barrel")] == ["a"]
        assert st.list_documents('"unbalanced (quote AND OR') == []


def test_full_text_search_folds_case_and_accents_without_stemming(store_factory):
    st = store_factory()
    st.add_document(Document(doc_id="a", raw="Barrel bombs fell on the Café of al-Tal.", title="Raids on Tal"))
    st.add_document(Document(doc_id="b", raw="Talks in Geneva stalled.", title="Geneva"))
    found = lambda q: [r.doc_id for r in st.list_documents(q)]  # noqa: E731
    assert found("BARREL") == found("cafe") == found("café") == ["a"]
    assert found("bomb") == [] and found("bombs") == ["a"]  # whole words: no stemming
    assert found("raids") == ["a"]  # the title is searched too
    assert found("geneva talks") == ["b"] and found("barrel geneva") == []  # words ANDed
    assert found("al-Tal") == ["a"]
    (hit,) = st.list_documents("barrel")
    assert "[Barrel]" in hit.snippet  # the snippet marks the words found


def test_full_text_phrases_and_prefixes(store_factory):
    st = store_factory()
    st.add_document(Document(doc_id="a", raw="Government forces shelled the old market of Douma."))
    st.add_document(Document(doc_id="b", raw="The market was shelled; government forces denied it."))
    found = lambda q: sorted(r.doc_id for r in st.list_documents(q))  # noqa: E731
    assert found('"government forces shelled"') == ["a"]  # the words next to each other, in order
    assert found("government forces shelled") == ["a", "b"]  # anywhere
    assert found('"forces government"') == []
    assert found("shell*") == ["a", "b"] and found("shell") == []  # a prefix, or a whole word
    assert found('"old mark*"') == ["a"]  # a phrase ending in a prefix
    assert found("*") == [] and found('""') == [] and found("AND OR NOT") == []


def test_offsets_round_trip(store_factory):
    raw = "HEADLINE\nTT\nBody text here."
    doc = Document(doc_id="x", raw=raw, text="HEADLINE\nBody text here.",
                   offsets=OffsetMap([(0, 0, 9), (9, 12, 15)]))
    with store_factory() as st:
        st.add_document(doc)
        got = st.get_document("x")
    s = got.text.index("Body")
    rs, re_ = got.raw_span(s, s + 4)
    assert raw[rs:re_] == "Body"


def test_document_fields_round_trip(store_factory):
    doc = Document(doc_id="x", raw="Shelling hit Douma.", title="Douma", published=date(2018, 2, 19),
                   outlet="Outlet", url="https://example.org/a", source="in/a.txt", encoding="utf-8",
                   meta={"format": "html", "parts": 2})
    st = store_factory()
    st.add_document(doc)
    got = st.get_document("x")
    assert (got.title, got.published, got.outlet, got.url, got.source, got.encoding, got.meta, got.content_hash) == (
        doc.title, doc.published, doc.outlet, doc.url, doc.source, doc.encoding, doc.meta, doc.content_hash)


# -- events ----------------------------------------------------------------------------------
def test_events_replace_and_query(store_factory):
    with store_factory() as st:
        st.add_document(Document(doc_id="d", raw="Israeli jets struck a base near Kiswah."))
        ev = Event(event_id="d:0", doc_id="d", event_type="Explosions/Remote violence",
                   sub_event_type="Air/drone strike", date=date(2017, 12, 2), time_precision="month",
                   actor1=Actor("Military Forces of Israel (1948-)", mention="Israeli jets"),
                   location=Place("Al Kiswah", 33.36, 36.24, country="SY", admin1="Rif Dimashq"),
                   evidence=[Evidence("d", 0, 12, "Israeli jets", "actor1")], sentence="Israeli jets struck")
        st.replace_events("d", [ev])
        st.replace_events("d", [ev])  # a second run replaces, does not duplicate
        got = st.query_events(event_type="Explosions/Remote violence", bbox=(36.0, 33.0, 36.5, 33.5))
        assert len(got) == 1 and got[0].actor1.mention == "Israeli jets"
        assert got[0].evidence[0].field == "actor1"
        assert st.query_events(date_from="2018-01-01") == []


def test_replacing_one_documents_events_leaves_the_others_and_machine_order_is_oldest_first(st):
    st.add_document(Document(doc_id="d2", raw=RAW + " More."))
    st.replace_events("d2", [_moved(_event(event_id="d2:0", day=None), "d2"),
                             _moved(_event(event_id="d2:1", day=date(2017, 1, 1)), "d2")])
    st.replace_events("d1", [_event(event_id="d1:1", day=date(2019, 1, 1))])
    assert [e.event_id for e in st.query_events()] == ["d2:1", "d1:1", "d2:0"]  # undated last
    assert [e.event_id for e in st.query_events(limit=1, offset=1)] == ["d1:1"]
    assert [e.event_id for e in st.query_events(doc_id="d2")] == ["d2:1", "d2:0"]


def test_machine_query_shares_the_view_filters(st):
    """query_events (machine values) and the corrected view filter alike on untouched events."""
    for f in ({"place": "Douma"}, {"actor": "Military"}, {"date_from": "2018-02-19", "date_to": "2018-02-19"},
              {"text": "shelled"}, {"bbox": (36.3, 33.5, 36.5, 33.6)}, {"event_type": "Explosions/Remote violence"}):
        assert [e.event_id for e in st.query_events(**f)] == [e.event_id for e in st.query_events_view(**f)] == ["d1:0"]
    for f in ({"place": "Aleppo"}, {"date_from": "2018-02-20"}, {"text": "bombed"}, {"bbox": (0.0, 0.0, 1.0, 1.0)}):
        assert st.query_events(**f) == st.query_events_view(**f) == []


def test_view_is_newest_first_undated_last_and_pages_cleanly(store_factory):
    s = store_factory()
    s.add_document(Document(doc_id="d1", raw=RAW))
    days = [date(2018, 1, 5), None, date(2018, 3, 1), date(2018, 1, 5), None, date(2017, 6, 1)]
    s.replace_events("d1", [_event(event_id=f"d1:{i}", start=i, end=i + 1, day=d) for i, d in enumerate(days)])
    s.add_correction("d1:5", {"date": "2019-01-01"})  # a corrected date sorts by its new value
    full = [e.event_id for e in s.query_events_view(limit=10)]
    assert full == ["d1:5", "d1:2", "d1:3", "d1:0", "d1:4", "d1:1"]
    pages = [e.event_id for off in range(0, 6, 2) for e in s.query_events_view(limit=2, offset=off)]
    assert pages == full
    assert [r.event_id for r in s.query_event_records(limit=3, offset=1)] == full[1:4]
    assert [x["event_id"] for x in s.query_events_summary(limit=4)] == full[:4]
    assert s.count_events_view() == 6 and s.count_events_view(date_from="2018-01-01") == 4


def test_histogram_points_and_type_pairs_see_corrections(st):
    st.add_document(Document(doc_id="d2", raw=RAW + " Again."))
    st.replace_events("d2", [_moved(_event(event_id="d2:0", day=date(2018, 3, 9)), "d2")])
    st.add_document(Document(doc_id="d3", raw=RAW + " Unplaced."))
    unplaced = _moved(_event(event_id="d3:0", day=None), "d3")
    unplaced.location = None
    st.replace_events("d3", [unplaced])
    st.add_correction("d2:0", {"event_type": "Battles", "sub_event_type": "Armed clash", "date": "2019-05-02"})
    assert st.event_histogram(bin="month") == [("2018-02", 1), ("2019-05", 1)]
    assert st.event_histogram(bin="year") == [("2018", 1), ("2019", 1)]
    assert st.event_histogram(bin="day", event_type="Battles") == [("2019-05-02", 1)]
    points = st.event_points()
    assert sorted(p[0] for p in points) == ["d1:0", "d2:0"]  # placed events only
    assert {p[0]: (p[3], p[4]) for p in points}["d2:0"] == ("Battles", "2019-05-02")
    assert len(st.event_points(limit=1)) == 1
    assert st.event_type_pairs() == [("Battles", "Armed clash"),
                                     ("Explosions/Remote violence", "Shelling/artillery/missile attack")]


def test_unknown_filters_are_refused(st):
    with pytest.raises(TypeError):
        st.query_events_view(colour="red")


# -- corrections and the corrected view ----------------------------------------------------------
def test_correction_stored_apart_and_applied_on_read(st):
    got = st.add_correction("d1:0", {"location": {"name": "Harasta", "lat": 33.56, "lon": 36.36},
                                     "fatalities": 5}, author="analyst")
    assert got.location.name == "Harasta" and got.fatalities == 5
    assert got.attrs["corrected"] == ["fatalities", "location"]
    assert got.attrs["machine"]["location"]["name"] == "Douma"
    # machine output untouched
    (machine,) = st.query_events()
    assert machine.location.name == "Douma" and machine.fatalities == 4
    # filters see the corrected values
    assert [e.event_id for e in st.query_events_view(place="Harasta")] == ["d1:0"]
    assert st.query_events_view(place="Douma") == []
    assert st.count_events_view(bbox=(36.3, 33.5, 36.38, 33.6)) == 1
    assert len(st.corrections_of("d1:0")) == 2


def test_a_correction_keeps_its_author_note_and_order(st):
    assert st.add_correction("nope", {"fatalities": 1}) is None
    st.add_correction("d1:0", {"fatalities": 5}, author="ana", note="the headline says five")
    st.add_correction("d1:0", {"fatalities": 6}, author="bo")
    trail = st.corrections_of("d1:0")
    assert [(c["field"], c["value"], c["author"], c["note"]) for c in trail] == [
        ("fatalities", 5, "ana", "the headline says five"), ("fatalities", 6, "bo", None)]
    assert all(c["id"] is not None and c["created_at"] and c["event_id"] == "d1:0" for c in trail)
    assert st.get_event_view("d1:0").fatalities == 6  # the newest wins
    assert st.corrections_of("nope") == []


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


def test_the_first_summary_read_after_reextraction_shows_the_correction(st):
    # the list asks whether corrections are stale in the same batch as its two parts: a stale
    # document is resolved, and the parts read again
    reader = st.reader()
    st.add_correction("d1:0", {"event_type": "Battles"})
    st.replace_events("d1", [_event(event_id="d1:x")])
    got = reader.query_events_summary(limit=5)
    assert [(s["event_id"], s["event_type"], s["corrected"]) for s in got] == [("d1:x", "Battles", ["event_type"])]
    assert reader.query_events_summary(limit=5, event_type="Battles")[0]["event_id"] == "d1:x"


def test_rejected_hidden_unless_asked(st):
    st.add_correction("d1:0", {"rejected": True})
    assert st.query_events_view() == []
    assert [e.attrs.get("rejected") for e in st.query_events_view(include_rejected=True)] == [True]
    assert len(st.query_events_view(status="rejected")) == 1
    st.add_correction("d1:0", {"rejected": False})  # newest wins
    assert len(st.query_events_view()) == 1


def test_keyset_iteration_covers_everything_once(store_factory):
    with store_factory() as s:
        s.add_document(Document(doc_id="d1", raw=RAW))
        evs = [_event(event_id=f"d1:{i:03d}", start=i, end=i + 1,
                      day=None if i % 7 == 0 else date(2018, 1, 1 + i % 28)) for i in range(250)]
        s.replace_events("d1", evs)
        seen = [e.event_id for b in s.iter_events_view(batch=40) for e in b]
        assert sorted(seen) == sorted(e.event_id for e in evs) and len(seen) == 250
        hist = dict(s.event_histogram(bin="day"))
        assert sum(hist.values()) == 250 - len([e for e in evs if e.date is None])


def test_iteration_gives_corrected_events_and_honours_filters(st):
    st.add_document(Document(doc_id="d2", raw=RAW + " More."))
    st.replace_events("d2", [_moved(_event(event_id="d2:0"), "d2")])
    st.add_correction("d1:0", {"location": {"name": "Harasta"}})
    got = {e.event_id: e for b in st.iter_events_view(batch=1) for e in b}
    assert set(got) == {"d1:0", "d2:0"} and got["d1:0"].location.name == "Harasta"
    assert [e.event_id for b in st.iter_events_view(place="Harasta") for e in b] == ["d1:0"]


def test_coder_style_evidence_and_trigger_moved_in_same_sentence(store_factory):
    with store_factory() as s:
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
    from rasd.serve.records import record_json

    st.add_document(Document(doc_id="d2", raw=RAW + " More."))
    other = _event(event_id="d2:0")
    other.doc_id = "d2"
    for ev in other.evidence:
        ev.doc_id = "d2"
    st.replace_events("d2", [other])
    st.add_correction("d1:0", {"actor2": "Rebels"})
    fast = [json.loads(record_json(r)) for r in st.query_event_records(limit=10)]
    slow = [event_json(e) for e in st.query_events_view(limit=10)]
    assert fast == slow and {tuple(f["corrected"]) for f in fast} == {("actor2",), ()}
    assert [event_json(r.event()) for r in st.query_event_records(limit=10)] == slow


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


def test_cli_events_show_what_analysts_corrected(st, store_url, run_cli):
    """`rasd events` prints the corrected view, as the API and exports do, and hides rejections."""
    st.add_correction("d1:0", {"location": {"name": "Harasta", "lat": 33.56, "lon": 36.36}, "fatalities": 5})
    st.close()
    db = store_url
    row = json.loads(run_cli("--db", db, "events", "-f", "jsonl").stdout)
    assert row["location"]["name"] == "Harasta" and row["fatalities"] == 5
    assert run_cli("--db", db, "events", "--place", "Harasta").stdout.count("Harasta") == 1
    assert run_cli("--db", db, "events", "--place", "Douma").stdout == ""
    from rasd.store import open_store

    with open_store(db) as s:
        s.add_correction("d1:0", {"rejected": True})
        # the machine's own record is still there for those who ask the store for it
        assert [e.location.name for e in s.query_events()] == ["Douma"]
    assert run_cli("--db", db, "events").stdout == ""


# -- the workbench: confidence, review decisions, analysts' tokens (migration 006) -----------------
def _with_three_events(st):
    """d1:0 (confidence 0.5, in a fused event of 3 reports), d2:0 (0.9), d3:0 (0.2)."""
    for doc, conf, day in (("d2", 0.9, date(2019, 1, 1)), ("d3", 0.2, date(2020, 1, 1))):
        st.add_document(Document(doc_id=doc, raw=RAW + f" ({doc})"))
        ev = _moved(_event(event_id=f"{doc}:0", day=day), doc)
        ev.confidence = conf
        st.replace_events(doc, [ev])
    fe = FusedEvent(cluster_id="c1", event_type="Explosions/Remote violence",
                    sub_event_type="Shelling/artillery/missile attack", date=date(2018, 2, 19),
                    reports=[Report(event_id=f"x{i}", doc_id=f"x{i}", outlet=None, stance="asserted",
                                    date=None, fatalities=None) for i in range(2)]
                    + [Report(event_id="d1:0", doc_id="d1", outlet=None, stance="asserted", date=None, fatalities=None)])
    st.save_fused(fe, family="explosions", place_key="douma")


def test_the_view_filters_on_the_coders_confidence_as_shown(st):
    _with_three_events(st)
    assert {e.event_id for e in st.query_events_view(min_confidence=0.5)} == {"d1:0", "d2:0"}
    assert st.count_events_view(min_confidence=0.9) == 1
    assert st.count_events_view(min_confidence=0.0) == 3
    # a confidence shown rounded to 0.9 passes min_confidence 0.9
    ev = st.query_events(doc_id="d2")[0]
    ev.confidence = 0.8996
    st.replace_events("d2", [ev])
    assert [e.event_id for e in st.query_events_view(min_confidence=0.9)] == ["d2:0"]
    summary = {s["event_id"]: s for s in st.query_events_summary()}
    assert summary["d3:0"]["confidence"] == 0.2 and summary["d1:0"]["reports"] == 3


def test_the_review_queue_orders_by_confidence_or_reports_and_drops_reviewed_events(st):
    _with_three_events(st)
    assert [s["event_id"] for s in st.review_queue()] == ["d3:0", "d1:0", "d2:0"]  # lowest confidence first
    assert [s["event_id"] for s in st.review_queue(order="reports")] == ["d1:0", "d3:0", "d2:0"]
    assert [s["event_id"] for s in st.review_queue(limit=1, offset=1)] == ["d1:0"]
    assert [s["event_id"] for s in st.review_queue(order="reports", limit=2, offset=1)] == ["d3:0", "d2:0"]
    assert [s["event_id"] for s in st.review_queue(min_confidence=0.5)] == ["d1:0", "d2:0"]
    with pytest.raises(ValueError):
        st.review_queue(order="colour")
    st.add_correction("d3:0", {corr.REVIEW: "accepted"}, author="ana")
    st.add_correction("d1:0", {corr.REVIEW: "rejected", "rejected": True}, author="bo", note="not an event")
    assert [s["event_id"] for s in st.review_queue()] == ["d2:0"]
    assert st.count_events_view(reviewed=False) == 1
    assert st.count_events_view(reviewed=True) == 1  # the rejected one is out of the view unless asked
    assert st.count_events_view(reviewed=True, include_rejected=True) == 2
    accepted = st.get_event_view("d3:0")
    assert accepted.attrs["review"] == "accepted" and accepted.attrs["corrected"] == []  # a decision is no change
    trail = st.corrections_of("d1:0")
    assert [(c["field"], c["value"], c["author"], c["note"]) for c in trail] == [
        ("review", "rejected", "bo", "not an event"), ("rejected", True, "bo", "not an event")]
    # a correction of a reviewed event keeps it reviewed
    st.add_correction("d3:0", {"fatalities": 9}, author="ana")
    assert st.get_event_view("d3:0").attrs["review"] == "accepted"
    assert [s["event_id"] for s in st.review_queue()] == ["d2:0"]


def test_analyst_tokens_keep_only_hashes_and_names_are_never_given_twice(store_factory):
    st = store_factory()
    made = st.add_token("ana", "h1")
    assert (made.name, made.token_hash, made.revoked_at) == ("ana", "h1", None) and made.created_at
    st.add_token("bo", "h2")
    assert st.token_author("h1") == "ana" and st.token_author("h2") == "bo" and st.token_author("h3") is None
    with pytest.raises(ValueError):
        st.add_token("ana", "h4")
    assert st.revoke_token("ana") is True
    assert st.revoke_token("ana") is False and st.revoke_token("nobody") is False
    assert st.token_author("h1") is None
    assert [(t.name, t.revoked_at is not None) for t in st.list_tokens()] == [("ana", True), ("bo", False)]
    with pytest.raises(ValueError):
        st.add_token("ana", "h5")  # a revoked name stays taken


# -- fused events --------------------------------------------------------------------------------
HOMS = Place("Homs", 34.73, 36.71, country="SY", geonameid="169577")
HAMA = Place("Hama", 35.13, 36.76, country="SY", geonameid="170017")


def _fused(cid: str, reports: list[tuple[str, str, str]], day, *, sub="Armed clash", etype="Battles",
           where=HOMS, status="single-source", corroboration=1, actor="Military Forces of Syria") -> FusedEvent:
    """A fused event of (event_id, doc_id, outlet) reports, spanning ``day`` to the day after."""
    lo = day
    hi = date.fromordinal(day.toordinal() + 1) if day else None
    return FusedEvent(cluster_id=cid, event_type=etype, sub_event_type=sub, date=day, date_range=(lo, hi),
                      actor1=Actor(actor), location=where, status=status, corroboration=corroboration,
                      fatalities=3, fatalities_range=(2, 4),
                      reports=[Report(event_id=e, doc_id=d, outlet=o, stance="asserted", date=day)
                               for e, d, o in reports])


@pytest.fixture
def fst(store_factory):
    """A store with documents a (2018-01-02), b (2018-01-01) and c (undated), two events each."""
    s = store_factory()
    for doc_id, day in (("a", date(2018, 1, 2)), ("b", date(2018, 1, 1)), ("c", None)):
        s.add_document(Document(doc_id=doc_id, raw=f"{RAW} ({doc_id})", published=day, outlet=doc_id.upper()))
        s.replace_events(doc_id, [_moved(_event(event_id=f"{doc_id}:{i}", start=18 + i, end=25 + i), doc_id)
                                  for i in (1, 0)])
    return s


def test_fused_events_saved_read_replaced_and_deleted(fst):
    fe = _fused("c1", [("a:0", "a", "A"), ("b:0", "b", "B")], date(2018, 2, 19), status="confirmed", corroboration=2)
    fst.save_fused(fe, family="battle", place_key="gn:169577")
    assert fst.get_fused("c1").to_dict() == fe.to_dict() and fst.get_fused("nope") is None
    assert [f.cluster_id for f in fst.fused_for_doc("a")] == ["c1"] and fst.fused_for_doc("c") == []
    marks = {e.event_id: (e.cluster_id, e.status) for e in fst.query_events()}
    assert marks["a:0"] == marks["b:0"] == ("c1", "confirmed") and marks["a:1"] == (None, None)
    assert fst.get_fused_view("c1")["reports"][1]["doc_id"] == "b" and fst.get_fused_view("nope") is None
    # saved again with one report fewer: replaced, and the dropped report's event is free again
    fe2 = _fused("c1", [("a:0", "a", "A")], date(2018, 2, 19))
    fst.save_fused(fe2, family="battle", place_key="gn:169577")
    assert len(fst.get_fused("c1").reports) == 1 and fst.fused_for_doc("b") == []
    assert len(fst.query_fused()) == 1
    fst.delete_fused("c1")
    assert fst.get_fused("c1") is None and fst.query_fused() == []
    assert {(e.cluster_id, e.status) for e in fst.query_events()} == {(None, None)}


def test_unfused_events_oldest_document_first_in_stored_order(fst):
    assert [e.event_id for e in fst.unfused_events()] == ["b:1", "b:0", "a:1", "a:0", "c:1", "c:0"]
    fst.save_fused(_fused("c1", [("b:1", "b", "B")], date(2018, 1, 1)), family="battle", place_key=None)
    assert [e.event_id for e in fst.unfused_events(limit=3)] == ["b:0", "a:1", "a:0"]


def test_fusion_candidates_by_type_date_overlap_and_box(fst):
    for cid, day, sub, where in (("k1", date(2018, 1, 10), "Armed clash", HOMS),
                                 ("k2", date(2018, 1, 20), "Armed clash", HAMA),
                                 ("k3", date(2018, 1, 12), "Air/drone strike", HOMS),
                                 ("k4", date(2018, 3, 1), "Armed clash", HOMS)):
        fst.save_fused(_fused(cid, [(f"{cid}:e", "a", "A")], day, sub=sub, where=where),
                       family="x", place_key=None)
    got = lambda **kw: [f.cluster_id for f in fst.fusion_candidates(**kw)]  # noqa: E731
    assert got(sub_event_types=["Armed clash"], date_lo="2018-01-01", date_hi="2018-01-31") == ["k1", "k2"]
    # a span that only touches k1's last day still meets it
    assert got(sub_event_types=["Armed clash"], date_lo="2018-01-11", date_hi="2018-01-15") == ["k1"]
    assert got(sub_event_types=["Armed clash", "Air/drone strike"], date_lo="2018-01-01", date_hi="2018-01-31",
               bbox=(36.5, 34.5, 37.0, 35.0)) == ["k1", "k3"]
    assert got(sub_event_types=["Armed clash"], date_lo="2018-01-01", date_hi="2018-12-31", limit=2) == ["k1", "k2"]
    assert got(sub_event_types=[], date_lo="2018-01-01", date_hi="2018-12-31") == []


def test_batched_reads_and_writes_of_fusion_agree_with_one_at_a_time(fst):
    """Fusion's round-trip savers: several candidate searches in one, many fused events saved,
    read and revised at once, agreements of many clusters; CandidateSearch.admits is the
    store's own test."""
    saved = [_fused(cid, [(f"{cid}:e", "a", "A")], day, sub=sub, where=where)
             for cid, day, sub, where in (("k1", date(2018, 1, 10), "Armed clash", HOMS),
                                          ("k2", date(2018, 1, 20), "Armed clash", HAMA),
                                          ("k3", date(2018, 1, 12), "Air/drone strike", HOMS),
                                          ("k0", date(2018, 1, 10), "Armed clash", HOMS),
                                          ("k4", date(2018, 3, 1), "Armed clash", HOMS))]
    first = _fused("k1", [("k1:old", "b", "B")], date(2017, 1, 1))
    fst.save_fused_many([(first, "x", None)] + [(fe, "x", None) for fe in saved])  # the last k1 wins
    assert [r.event_id for r in fst.get_fused("k1").reports] == ["k1:e"] and fst.fused_for_doc("b") == []
    searches = [CandidateSearch(("Armed clash",), "2018-01-01", "2018-01-31"),
                CandidateSearch(("Armed clash", "Air/drone strike"), "2018-01-01", "2018-01-31",
                                bbox=(36.5, 34.5, 37.0, 35.0)),
                CandidateSearch(("Armed clash",), "2018-01-01", "2018-12-31", limit=2),
                CandidateSearch((), "2018-01-01", "2018-12-31")]
    many = [[f.cluster_id for f in fs] for fs in fst.fusion_candidates_many(searches)]
    one = [[f.cluster_id for f in fst.fusion_candidates(sub_event_types=list(q.sub_event_types), date_lo=q.date_lo,
                                                        date_hi=q.date_hi, bbox=q.bbox, limit=q.limit)]
           for q in searches]
    assert many == one == [["k0", "k1", "k2"], ["k0", "k1", "k3"], ["k0", "k1"], []]  # ties by cluster id
    for q in searches[:2]:
        assert sorted(fe.cluster_id for fe in saved if q.admits(fe)) == sorted(many[searches.index(q)])
    assert sorted(fst.get_fused_many(["k1", "k3", "nope"])) == ["k1", "k3"]
    assert fst.agreements_of(["k1"]) == {}


def test_query_fused_filters_and_order(fst):
    rows = (("f1", date(2018, 1, 10), "Armed clash", "Battles", HOMS, "confirmed", 2),
            ("f2", None, "Armed clash", "Battles", HAMA, "single-source", 1),
            ("f3", date(2017, 5, 1), "Air/drone strike", "Explosions/Remote violence", HAMA, "disputed", 1))
    for cid, day, sub, etype, where, status, n in rows:
        reps = [(f"{cid}:{i}", "a", "A") for i in range(n)]
        fst.save_fused(_fused(cid, reps, day, sub=sub, etype=etype, where=where, status=status, corroboration=n),
                       family="x", place_key=f"gn:{where.geonameid}")
    ids = lambda fs: [f.cluster_id for f in fs]  # noqa: E731
    assert ids(fst.query_fused()) == ["f3", "f1", "f2"]  # oldest first, undated last
    assert ids(fst.query_fused(status="disputed")) == ["f3"]
    assert ids(fst.query_fused(event_type="Battles")) == ids(fst.query_fused(event_type="Armed clash")) == ["f1", "f2"]
    assert ids(fst.query_fused(place="hama")) == ["f3", "f2"]
    assert ids(fst.query_fused(date_from="2018-01-01")) == ["f1"]
    assert ids(fst.query_fused(date_to="2017-12-31")) == ["f3"]
    assert ids(fst.query_fused(min_reports=2)) == ["f1"]
    assert ids(fst.query_fused(limit=1, offset=1)) == ["f1"]
    assert ids(fst.fused_at_place("gn:170017", ["Armed clash", "Air/drone strike"])) == ["f3", "f2"]
    assert ids(fst.fused_at_place("gn:170017", ["Armed clash"])) == ["f2"]
    # the API's view: newest first, undated last; the view's filters
    view = lambda **f: [d["cluster_id"] for d in fst.query_fused_view(**f)]  # noqa: E731
    assert view() == ["f1", "f3", "f2"]
    assert view(min_corroboration=2) == ["f1"] and view(sub_event_type="Air/drone strike") == ["f3"]
    assert view(event_type="Battles", status="single-source") == ["f2"]
    assert view(bbox=(36.5, 34.5, 37.0, 35.0)) == ["f1"] and view(place="Homs") == ["f1"]
    assert view(actor="military forces") == ["f1", "f3", "f2"] and view(actor="Rebels") == []
    assert view(date_from="2017-01-01", date_to="2017-12-31") == ["f3"]
    assert view(limit=1, offset=1) == ["f3"]


def test_corroboration_of_fused_events_reaches_the_event_view(fst):
    fst.save_fused(_fused("c1", [("a:0", "a", "A"), ("b:0", "b", "B")], date(2018, 2, 19), status="confirmed",
                          corroboration=2), family="battle", place_key=None)
    assert sorted(e.event_id for e in fst.query_events_view(min_corroboration=2)) == ["a:0", "b:0"]
    assert fst.count_events_view(min_corroboration=2) == 2
    assert fst.get_event_view("a:0").attrs["corroboration"] == 2
    assert {r.event_id: r.corroboration for r in fst.query_event_records(limit=10)}["b:0"] == 2
    assert [e.event_id for e in fst.query_events_view(status="confirmed")] == ["b:0", "a:0"]  # same day: id desc


# -- control timelines and agreements ----------------------------------------------------------------
def _period(place: Place, holder: str, start, end=None) -> ControlPeriod:
    return ControlPeriod(place=place, holder=holder, start=start, end=end, event_ids=[f"{holder}:e"],
                         evidence=[Evidence("a", 0, 5, "taken", "trigger")])


def test_control_timelines_by_name_key_distance_and_day(store_factory):
    s = store_factory()
    homs = [_period(HOMS, "Rebels", date(2012, 2, 1), date(2014, 5, 9)),
            _period(HOMS, "Military Forces of Syria", date(2014, 5, 9)),
            _period(HOMS, "Unknown", None, date(2012, 2, 1))]
    s.replace_control("gn:169577", homs)
    s.replace_control("gn:170017", [_period(HAMA, "Military Forces of Syria", date(2011, 1, 1))])
    holders = lambda ps: [p.holder for p in ps]  # noqa: E731
    by_name = s.control_timeline("homs")
    assert holders(by_name) == ["Unknown", "Rebels", "Military Forces of Syria"]  # undated start first
    assert by_name[1].to_dict() == homs[0].to_dict()
    assert holders(s.control_timeline("gn:169577")) == holders(by_name)
    assert holders(s.control_timeline("Hom")) == holders(by_name)  # a part of the name, when nothing else
    assert s.control_timeline("Aleppo") == []
    assert {p.place.name for p in s.control_near(34.75, 36.70, 10)} == {"Homs"}
    assert {p.place.name for p in s.control_near(34.9, 36.7, 60)} == {"Homs", "Hama"}
    assert holders(s.control_at("2013-01-01")) == ["Military Forces of Syria", "Rebels"]  # Hama, then Homs
    assert holders(s.control_at("2014-05-09")) == ["Military Forces of Syria", "Military Forces of Syria"]
    assert holders(s.control_at("2010-01-01")) == ["Unknown"]
    s.replace_control("gn:169577", homs[:1])  # replaced, not added to
    assert holders(s.control_timeline("Homs")) == ["Rebels"]


def test_agreements_saved_replaced_queried_and_deleted(store_factory):
    s = store_factory()
    douma = Place("Douma", 33.57, 36.40, country="SY")
    deal = Agreement("ag1", [Actor("Jaysh al-Islam"), Actor("Military Forces of Russia")], douma, date(2018, 4, 8),
                     "reached", [Clause("who_leaves", "fighters leave for Jarabulus",
                                        Evidence("a", 10, 40, "fighters leave for Jarabulus", "clause"))],
                     event_ids=["a:0"], cluster_id="c1")
    s.save_agreement(deal)
    talks = Agreement("ag2", [Actor("Rebels")], HOMS, date(2018, 3, 1), "negotiating", cluster_id="c2")
    s.save_agreement(talks)
    s.save_agreement(Agreement("ag3", [], None, None, "collapsed", cluster_id="c1"))
    ids = lambda ags: [a.agreement_id for a in ags]  # noqa: E731
    assert ids(s.query_agreements()) == ["ag2", "ag1", "ag3"]  # oldest first, undated last
    assert s.query_agreements(place="douma")[0].to_dict() == deal.to_dict()
    assert ids(s.query_agreements(status="negotiating")) == ["ag2"]
    assert ids(s.query_agreements(cluster_id="c1")) == ["ag1", "ag3"]
    assert ids(s.query_agreements(limit=1, offset=1)) == ["ag1"]
    s.save_agreement(Agreement("ag2", [Actor("Rebels")], HOMS, date(2018, 3, 2), "collapsed", cluster_id="c2"))
    assert [(a.agreement_id, a.status) for a in s.query_agreements(place="Homs")] == [("ag2", "collapsed")]
    s.delete_agreements("c1")
    assert ids(s.query_agreements()) == ["ag2"]


def test_the_actor_filter_takes_several_names_and_suggests_stored_ones(st):
    _with_three_events(st)
    ev = st.query_events(doc_id="d2")[0]
    ev.actor1 = Actor("Syrian Democratic Forces")
    st.replace_events("d2", [ev])
    assert {e.event_id for e in st.query_events_view(actor=["QSD: nothing", "Democratic Forces"])} == {"d2:0"}
    assert st.count_events_view(actor=["Democratic", "Military Forces of Syria"]) == 3
    assert st.count_events_view(actor="Democratic") == 1  # one name, as before
    assert st.actor_names("forces") == [("Military Forces of Syria", 2), ("Syrian Democratic Forces", 1)]
    st.add_correction("d3:0", {"actor1": "Syrian Democratic Forces"})
    assert st.actor_names("DEMOCRATIC") == [("Syrian Democratic Forces", 2)]


def test_the_rows_of_one_correction_share_their_request(st):
    st.add_correction("d1:0", {corr.REVIEW: "rejected", "rejected": True}, author="ana")
    st.add_correction("d1:0", {corr.REVIEW: "accepted", "rejected": False}, author="ana")
    rows = st.corrections_of("d1:0")
    assert [r["request"] for r in rows][0] == rows[1]["request"] != rows[2]["request"] == rows[3]["request"]
    h = corr.history(rows)
    assert [(x["decision"], x["changes"]["rejected"]) for x in h] == [("rejected", True), ("accepted", False)]


def test_fused_events_filter_on_their_reports_confidence(st):
    _with_three_events(st)  # c1 holds d1:0, of confidence 0.5
    assert [f["cluster_id"] for f in st.query_fused_view(min_confidence=0.5)] == ["c1"]
    assert st.query_fused_view(min_confidence=0.6) == []


def test_events_carry_their_documents_outlet_and_address(store_factory):
    s = store_factory()
    s.add_document(Document(doc_id="d1", raw=RAW, outlet="Enab Baladi", url="https://example.org/a"))
    s.replace_events("d1", [_event()])
    (rec,) = s.query_event_records()
    assert (rec.outlet, rec.url, rec.outlet_list()) == ("Enab Baladi", "https://example.org/a", ["Enab Baladi"])
    ev = s.get_event_view("d1:0")
    assert (ev.attrs["outlet"], ev.attrs["url"], ev.attrs["outlets"]) == (
        "Enab Baladi", "https://example.org/a", ["Enab Baladi"])
    got = s.document_summaries(["d1", "nope"])
    assert list(got) == ["d1"] and (got["d1"].outlet, got["d1"].url) == ("Enab Baladi", "https://example.org/a")
# -- what is new, revisions and alerts (migration 007) -------------
def _later(t: str) -> str:
    """A store time a millisecond after ``t``."""
    from datetime import datetime, timedelta

    return stamp(datetime.fromisoformat(t.replace("Z", "+00:00")) + timedelta(milliseconds=1))


def test_documents_and_events_record_when_they_were_stored(store_factory):
    import time

    s = store_factory()
    s.add_document(Document(doc_id="a", raw=RAW))
    s.replace_events("a", [_moved(_event("a:0"), "a")])
    time.sleep(0.003)
    t = stamp()
    time.sleep(0.003)
    s.add_document(Document(doc_id="b", raw=RAW + " b"))
    s.replace_events("b", [_moved(_event("b:0"), "b")])
    (b,) = s.list_documents(since=t)
    assert b.doc_id == "b" and b.stored_at > t and s.list_documents(since=_later(b.stored_at)) == []
    assert [d.doc_id for d in s.list_documents("Douma", since=t)] == ["b"]  # with a search too
    assert [e.event_id for e in s.query_events_view(since=t)] == ["b:0"] and s.count_events_view(since=t) == 1
    assert [e.event_id for e in s.query_events_view(country="SY")] == ["b:0", "a:0"]
    assert s.query_events_view(country="IQ") == []


def test_revisions_of_fused_events_are_kept_and_read_by_since(fst):
    fe = _fused("c1", [("a:0", "a", "A")], date(2018, 2, 19))
    fst.save_fused(fe, family="battle", place_key="gn:169577")
    assert fst.fused_revision("c1") is None and fst.get_fused_view("c1")["revision"] is None
    t1 = stamp()
    state = {"status": "single-source", "corroboration": 1, "event_type": "Battles", "sub_event_type": "Armed clash",
             "place": "gn:169577", "fatalities": 3}
    assert fst.record_revision(FusedRevision("c1", 1, t1, t1, [{"field": "new"}], state), None) == 0
    t2 = _later(t1)
    changes = [{"field": "corroboration", "from": 1, "to": 2}]
    fst.record_revision(FusedRevision("c1", 2, t1, t2, changes, dict(state, corroboration=2)), None)
    rev = fst.fused_revision("c1")
    assert (rev.revision, rev.created_at, rev.changed_at, rev.changes, rev.state["corroboration"]) == \
        (2, t1, t2, changes, 2)
    view = fst.get_fused_view("c1")
    assert (view["revision"], view["created_at"], view["changed_at"], view["changes"]) == (2, t1, t2, changes)
    assert [x["cluster_id"] for x in fst.query_fused_view(since=t2)] == ["c1"]
    assert fst.query_fused_view(since=_later(t2)) == [] and fst.query_fused(since=_later(t2)) == []
    assert [x.cluster_id for x in fst.query_fused(since=t1, country="SY")] == ["c1"]
    assert fst.query_fused_view(country="IQ") == []
    fst.delete_fused("c1")  # the revision outlives the fused event until forgotten
    assert fst.fused_revision("c1").revision == 2
    fst.forget_revision("c1")
    assert fst.fused_revision("c1") is None


def test_alerts_saved_listed_replaced_and_removed(store_factory):
    s = store_factory()
    s.save_alert(Alert("b", "email", "a@example.org", {"country": "SY"}))
    s.save_alert(Alert("a", "webhook", "http://127.0.0.1:9/h", {"place": "Homs", "min_corroboration": 2}, "s" * 20))
    got = s.list_alerts()
    assert [(a.name, a.channel, a.filters, a.secret) for a in got] == [
        ("a", "webhook", {"place": "Homs", "min_corroboration": 2}, "s" * 20), ("b", "email", {"country": "SY"}, None)]
    assert got[0].created_at and (got[0].pending, got[0].sent, got[0].failed) == (0, 0, 0)
    s.save_alert(Alert("b", "email", "c@example.org", {}))
    assert s.get_alert("b").target == "c@example.org" and s.get_alert("b").filters == {} and s.get_alert("x") is None
    assert s.remove_alert("b") and not s.remove_alert("b") and [a.name for a in s.list_alerts()] == ["a"]


def test_a_revision_queues_one_notification_per_matching_alert_once(fst):
    fst.save_fused(_fused("c1", [("a:0", "a", "A"), ("b:0", "b", "B")], date(2018, 2, 19), status="confirmed",
                          corroboration=2), family="battle", place_key="gn:169577")
    fst.save_alert(Alert("homs", "webhook", "http://127.0.0.1:9/h", {"place": "Homs", "min_corroboration": 2}))
    fst.save_alert(Alert("disputed", "webhook", "http://127.0.0.1:9/h", {"status": "disputed"}))
    fst.save_alert(Alert("sy", "email", "a@example.org", {"country": "SY", "bbox": [36, 34, 37, 35]}))
    t = stamp()
    rev = FusedRevision("c1", 1, t, t, [{"field": "new"}], {"status": "confirmed"})
    with fst.transaction():
        assert fst.record_revision(rev, {"kind": "new", "cluster_id": "c1"}) == 2
    assert fst.record_revision(rev, {"kind": "new", "cluster_id": "c1"}) == 0  # queued once
    (n,) = fst.notifications("homs")
    assert (n.alert, n.cluster_id, n.revision, n.payload, n.status, n.attempts) == \
        ("homs", "c1", 1, {"kind": "new", "cluster_id": "c1"}, "pending", 0)
    assert fst.notifications("disputed") == [] and len(fst.notifications()) == 2
    # a transaction that fails queues nothing
    with pytest.raises(RuntimeError):
        with fst.transaction():
            fst.record_revision(FusedRevision("c1", 2, t, t, [], {}), {"kind": "changed"})
            raise RuntimeError("the fusion failed")
    assert len(fst.notifications()) == 2 and fst.fused_revision("c1").revision == 1
    assert [a.pending for a in fst.list_alerts()] == [0, 1, 1]


def test_notifications_due_marked_and_queued_by_hand(store_factory):
    s = store_factory()
    s.save_alert(Alert("a", "webhook", "http://127.0.0.1:9/h"))
    t = stamp()
    first = s.queue_notification("a", "test:1", 0, {"kind": "test"}, t)
    assert first is not None and s.queue_notification("a", "test:1", 0, {"kind": "test"}, t) is None
    second = s.queue_notification("a", "test:2", 0, {"kind": "test"}, _later(t))
    assert [n.id for n in s.due_notifications(t)] == [first]
    assert [n.id for n in s.due_notifications(_later(t))] == [first, second]
    later = _later(_later(t))
    s.mark_notification(first, status="pending", at=t, error="HTTP 503", next_at=later)
    s.mark_notification(second, status="sent", at=_later(t))
    assert [n.id for n in s.due_notifications(_later(t))] == []
    (n,) = s.due_notifications(later)
    assert (n.attempts, n.last_error, n.next_at) == (1, "HTTP 503", later)
    s.mark_notification(first, status="failed", at=later, error="HTTP 404")
    by_id = {n.id: n for n in s.notifications("a")}
    assert (by_id[first].status, by_id[first].attempts, by_id[first].last_error) == ("failed", 2, "HTTP 404")
    assert (by_id[second].status, by_id[second].sent_at) == ("sent", _later(t))
    assert (s.get_alert("a").sent, s.get_alert("a").failed) == (1, 1)
    s.remove_alert("a")
    assert s.notifications() == []


def test_a_lease_has_one_holder_until_it_expires_or_is_released(store_factory):
    s1, s2 = store_factory(), store_factory()
    t0 = stamp()
    t1, t2 = _later(t0), _later(_later(t0))
    assert s1.acquire_lease("alerts", "one", now=t0, until=t2)
    assert not s2.acquire_lease("alerts", "two", now=t1, until=t2)  # held, not expired
    assert s1.acquire_lease("alerts", "one", now=t1, until=_later(t2))  # renewed by its holder
    assert s2.acquire_lease("other", "two", now=t1, until=t2)  # another name, another lease
    assert s2.acquire_lease("alerts", "two", now=_later(_later(t2)), until=_later(_later(_later(t2))))  # expired
    assert not s1.acquire_lease("alerts", "one", now=_later(_later(t2)), until=_later(_later(_later(t2))))
    s1.release_lease("alerts", "one")  # not its holder: nothing happens
    assert not s1.acquire_lease("alerts", "one", now=_later(_later(t2)), until=_later(_later(_later(t2))))
    s2.release_lease("alerts", "two")
    assert s1.acquire_lease("alerts", "one", now=_later(_later(t2)), until=_later(_later(_later(t2))))
