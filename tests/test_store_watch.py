"""The store's watcher role (WatchStore, migration 005), for every backend of
conftest.STORE_BACKENDS: sources, reads, items and their outcomes, written so that a crash
keeps an item's outcome and its document together."""
from __future__ import annotations

import pytest

from rasd.records import Document
from rasd.store.base import ListedItem, SourceRead, WatchSource

T0, T1 = "2024-12-01T10:00:00Z", "2024-12-01T10:15:00Z"


@pytest.fixture
def st(store_factory):
    return store_factory()


def test_sources_are_saved_by_name_and_keep_their_state(st):
    st.save_source(WatchSource("a", "http://a.test/feed", every_s=60, country="SY"))
    st.record_read("a", SourceRead("ok", T0, kind="rss20", etag='"v1"', last_modified="Mon"), [ListedItem("http://a.test/1")])
    st.save_source(WatchSource("a", "http://a.test/feed", every_s=120))  # new settings, same state
    a = st.get_source("a")
    assert (a.every_s, a.country, a.etag, a.kind, a.items, a.last_ok_at) == (120, None, '"v1"', "rss20", 1, T0)
    with pytest.raises(ValueError, match="already watched as 'a'"):
        st.save_source(WatchSource("b", "http://a.test/feed"))
    assert st.remove_source("a") and not st.remove_source("a")
    assert st.list_sources() == [] and st.find_item("http://a.test/1") is not None  # the item stays


def test_reads_304_and_errors(st):
    st.save_source(WatchSource("a", "http://a.test/feed"))
    assert st.record_read("a", SourceRead("ok", T0, etag='"v1"'), [ListedItem("http://a.test/1"),
                                                                   ListedItem("http://a.test/2")]) == 2
    assert st.record_read("a", SourceRead("not-modified", T1)) == 0
    assert st.get_source("a").etag == '"v1"'  # a 304 keeps the validators
    st.record_read("a", SourceRead("error", T1, error="HTTP 503"))
    st.record_read("a", SourceRead("error", T1, error="HTTP 503"))
    a = st.get_source("a")
    assert (a.last_status, a.last_error, a.errors, a.etag, a.last_ok_at) == ("error", "HTTP 503", 2, '"v1"', T1)
    assert st.record_read("a", SourceRead("ok", T1, etag='"v2"'), [ListedItem("http://a.test/2")]) == 0
    assert st.get_source("a").errors == 0


def test_items_to_fetch_pending_and_failed_with_attempts_left(st):
    for name in ("a", "b"):
        st.save_source(WatchSource(name, f"http://{name}.test/feed"))
    st.record_read("a", SourceRead("ok", T0), [ListedItem(f"http://x.test/{i}") for i in range(4)])
    st.record_read("b", SourceRead("ok", T0), [ListedItem("http://x.test/0")])  # the same link in b
    st.mark_item("http://x.test/0", "stored", at=T1, doc_id="d0")
    st.mark_item("http://x.test/1", "failed", at=T1, error="HTTP 500")
    st.mark_item("http://x.test/2", "rejected", at=T1, error="HTTP 404")
    todo = st.items_to_fetch(["a"], max_attempts=2)
    assert [i.url for i in todo] == ["http://x.test/1", "http://x.test/3"]
    st.mark_item("http://x.test/1", "failed", at=T1, error="HTTP 500")
    assert [i.url for i in st.items_to_fetch(["a", "b"], max_attempts=2)] == ["http://x.test/3"]
    assert st.items_to_fetch([], max_attempts=2) == []
    assert st.get_source("b").items == 1 and st.get_source("a").failed == 2


def test_find_item_by_declared_canonical_and_outcome_with_its_document(st):
    st.save_source(WatchSource("a", "http://a.test/feed"))
    st.record_read("a", SourceRead("ok", T0), [ListedItem("http://a.test/go/1")])
    with st.transaction():
        st.add_document(Document("d1", "Some text of an article."))
        st.mark_item("http://a.test/go/1", "stored", at=T1, doc_id="d1", canonical="http://a.test/story-1")
    found = st.find_item("http://a.test/story-1")
    assert (found.url, found.doc_id, found.attempts) == ("http://a.test/go/1", "d1", 1)
    with pytest.raises(RuntimeError):
        with st.transaction():  # a crash between the document and its item loses both
            st.add_document(Document("d2", "Another article's text."))
            st.mark_item("http://a.test/2", "stored", at=T1, doc_id="d2")
            raise RuntimeError("killed")
    assert st.get_document("d2") is None and st.find_item("http://a.test/2") is None
    with pytest.raises(ValueError):
        st.mark_item("http://a.test/go/1", "done", at=T1)
