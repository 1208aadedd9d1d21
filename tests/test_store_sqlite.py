"""The SQLite store: migrations, idempotent documents, FTS, offsets, events round trip."""
from __future__ import annotations

import sqlite3
from datetime import date

from rasd.records import Actor, Document, Event, Evidence, OffsetMap, Place
from rasd.store import open_store


def test_migrations_versioned_and_wal(db):
    with open_store(db) as st:
        assert st.stats()["schema_version"] >= 2
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]
    assert names[:2] == ["001_documents.sql", "002_events.sql"]
    # reopening applies nothing twice
    with open_store(db) as st:
        assert st.stats()["documents"] == 0


def test_same_content_twice_changes_nothing(db):
    doc = Document(doc_id="a", raw="Shelling hit Douma on Monday.", published=date(2018, 2, 19))
    with open_store(db) as st:
        assert st.add_document(doc).status == "new"
        assert st.add_document(Document(doc_id="a", raw=doc.raw)).status == "unchanged"
        assert st.stats()["documents"] == 1
        got = st.get_document("a")
        assert got.published == date(2018, 2, 19) and got.text == doc.raw


def test_full_text_search_and_hostile_query(db):
    with open_store(db) as st:
        st.add_document(Document(doc_id="a", raw="Barrel bombs fell on al-Tal."))
        st.add_document(Document(doc_id="b", raw="Talks in Geneva stalled."))
        assert [r.doc_id for r in st.list_documents("barrel")] == ["a"]
        assert st.list_documents('"unbalanced (quote AND OR') == []


def test_offsets_round_trip(db):
    raw = "HEADLINE\nTT\nBody text here."
    doc = Document(doc_id="x", raw=raw, text="HEADLINE\nBody text here.",
                   offsets=OffsetMap([(0, 0, 9), (9, 12, 15)]))
    with open_store(db) as st:
        st.add_document(doc)
        got = st.get_document("x")
    s = got.text.index("Body")
    rs, re_ = got.raw_span(s, s + 4)
    assert raw[rs:re_] == "Body"


def test_events_replace_and_query(db):
    with open_store(db) as st:
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
