"""What is new: when documents, events and fused events were stored or revised (issue 13 part 2),
read with --since / since= (clock.parse_since), and the revisions of fused events."""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import pytest
from fuse_helpers import GOV, HTS, event, fuse_doc, st  # noqa: F401 (st is a fixture)

from rasd.clock import parse_since, stamp
from rasd.fuse import Fuser
from rasd.fuse.revisions import RevisionRules
from rasd.records import Document

AT = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
D = date(2024, 12, 7)


@pytest.mark.parametrize("text, want", [
    ("30m", AT - timedelta(minutes=30)), ("1h", AT - timedelta(hours=1)), ("7d", AT - timedelta(days=7)),
    ("2w", AT - timedelta(weeks=2)), ("2026-11-28", datetime(2026, 11, 28, tzinfo=timezone.utc)),
    ("2026-11-28T06:30", datetime(2026, 11, 28, 6, 30, tzinfo=timezone.utc)),
    ("2026-11-28T06:30:00+03:00", datetime(2026, 11, 28, 3, 30, tzinfo=timezone.utc)),
    ("2026-11-28T06:30:00Z", datetime(2026, 11, 28, 6, 30, tzinfo=timezone.utc)),
])
def test_since_reads_ages_days_and_times(text, want):
    assert parse_since(text, AT) == want


@pytest.mark.parametrize("text, says", [
    ("", "empty"), ("0h", "at least 1"), ("10y", "units m, h, d, w"), ("12345d", "at most 4 digits"),
    ("yesterday", "not an age or a date"), ("2026-02-30", "not a day of the calendar"),
    ("٣h", "ASCII"), (" 1h", "not an age or a date"), ("2026-11-28 06:30", "not an age or a date"),
    ("2026-11-28T25:00", "not a time of the calendar"),
])
def test_since_refuses_what_it_cannot_read_and_says_why(text, says):
    with pytest.raises(ValueError, match=says):
        parse_since(text, AT)


def test_store_times_compare_as_text_in_time_order():
    a = datetime(2026, 1, 2, 3, 4, 5, 6000, tzinfo=timezone.utc)
    b = a + timedelta(milliseconds=1)
    assert stamp(a) == "2026-01-02T03:04:05.006Z" and stamp(a) < stamp(b)
    assert stamp(datetime(2026, 1, 2, 6, 4, 5, 6000, tzinfo=timezone(timedelta(hours=3)))) == stamp(a)


def _tick() -> str:
    """A store time strictly after what was stored before, and before what is stored next."""
    time.sleep(0.003)
    t = stamp()
    time.sleep(0.003)
    return t


def test_documents_and_events_since_they_were_stored(store_factory):
    s = store_factory()
    s.add_document(Document(doc_id="old", raw="Shelling hit Douma."))
    s.replace_events("old", [event("old:0", "old", "Armed clash", D, "Hama", a1=GOV, a2=HTS)])
    t = _tick()
    s.add_document(Document(doc_id="new", raw="Clashes in Homs."))
    s.replace_events("new", [event("new:0", "new", "Armed clash", D, "Homs", a1=GOV, a2=HTS)])
    assert [d.doc_id for d in s.list_documents(since=t)] == ["new"]
    assert s.list_documents(since=t)[0].stored_at > t
    assert [d.doc_id for d in s.list_documents()] == ["new", "old"]  # without since: by id
    assert [e.event_id for e in s.query_events_view(since=t)] == ["new:0"]
    assert s.count_events_view(since=t) == 1 and s.count_events_view() == 2
    # the same content again is not stored again, so it is not new
    t2 = _tick()
    assert s.add_document(Document(doc_id="old", raw="Shelling hit Douma.")).status == "unchanged"
    assert s.list_documents(since=t2) == []
    # new content under the same id is stored again, and its events coded again
    assert s.add_document(Document(doc_id="old", raw="Shelling hit Douma again.")).status == "updated"
    s.replace_events("old", [event("old:0", "old", "Armed clash", D, "Hama", a1=GOV, a2=HTS)])
    assert [d.doc_id for d in s.list_documents(since=t2)] == ["old"]
    assert [e.event_id for e in s.query_events_view(since=t2)] == ["old:0"]


def _clash(i: str, where: str = "Hama", fatalities=None):
    return [event(f"{i}:0", i, "Armed clash", D, where, a1=GOV, a2=HTS, fatalities=fatalities,
                  sentence=f"Clashes between the army and HTS in {where}.")]


def test_a_fused_event_is_revised_on_news_only(st):
    f = Fuser(st)
    cid = fuse_doc(st, f, "a", _clash("a"), outlet="SANA")[0].cluster_id
    first = st.fused_revision(cid)
    assert first.revision == 1 and first.changes == [{"field": "new"}] and first.created_at == first.changed_at
    assert first.state["status"] == "single-source" and first.state["corroboration"] == 1
    # the same events fused again: no news
    f.process(_clash("a"))
    assert st.fused_revision(cid).revision == 1
    # another report by the same outlet: rewritten, but no news either
    fuse_doc(st, f, "a2", _clash("a2"), outlet="SANA")
    assert len(st.get_fused(cid).reports) == 2 and st.fused_revision(cid).revision == 1
    # another outlet: confirmed, corroboration up
    t = _tick()
    fuse_doc(st, f, "b", _clash("b"), outlet="Reuters")
    second = st.fused_revision(cid)
    assert second.revision == 2 and second.created_at == first.created_at and second.changed_at > t
    assert {c["field"]: (c["from"], c["to"]) for c in second.changes} == {
        "status": ("single-source", "confirmed"), "corroboration": (1, 2)}
    view = st.get_fused_view(cid)
    assert (view["revision"], view["changed_at"], view["created_at"]) == (2, second.changed_at, first.created_at)
    assert [x["cluster_id"] for x in st.query_fused_view(since=t)] == [cid]
    assert [x.cluster_id for x in st.query_fused(since=t, country="SY")] == [cid]
    assert st.query_fused(country="IQ") == [] and st.query_fused_view(since=_tick()) == []


def test_a_document_read_again_is_no_news_and_a_removed_report_lowers_the_bar(st):
    f = Fuser(st)
    cid = fuse_doc(st, f, "a", _clash("a"), outlet="SANA")[0].cluster_id
    fuse_doc(st, f, "b", _clash("b"), outlet="Reuters")
    assert st.fused_revision(cid).revision == 2
    # b re-read (its reports leave, then join again) in one transaction: nothing changed
    with st.transaction():
        f.forget_document("b")
        f.process(_clash("b"))
    assert st.fused_revision(cid).revision == 2
    # b's report leaves for good: corroboration falls (no news), the status changes (news)
    with st.transaction():
        f.forget_document("b")
        f.record_revisions()
    rev = st.fused_revision(cid)
    assert rev.revision == 3 and [c["field"] for c in rev.changes] == ["status"]
    assert rev.state["corroboration"] == 1
    # a fused event whose only document is gone forgets its revisions
    with st.transaction():
        f.forget_document("a")
        f.record_revisions()
    assert st.get_fused(cid) is None and st.fused_revision(cid) is None


def test_revision_rules_are_read_strictly(tmp_path):
    rules = RevisionRules.load()
    assert "status" in rules.changed and rules.rises == ("corroboration",)
    assert rules.compare({"corroboration": 3}, {"corroboration": 2}) == []
    bad = tmp_path / "r.yaml"
    bad.write_text("changed: [status, colour]\n")
    with pytest.raises(ValueError, match="changed must be a list of fields"):
        RevisionRules.load(str(bad))
    bad.write_text("changed: [status]\nrise: [corroboration]\n")
    with pytest.raises(ValueError, match="unknown key 'rise'"):
        RevisionRules.load(str(bad))
