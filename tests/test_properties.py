"""Property-based tests (hypothesis) of the parsers that read what strangers send: reading,
cleaning, dates, fatalities and toponym recognition. Whatever the input: no uncaught
exception, offsets inside the text, the raw text under a clean span is the same text.

Example counts come from a hypothesis profile: "ci" (small, the default for `make test`) or
"bench" (10,000 per parser, bench/bench_parsers.py): HYPOTHESIS_PROFILE=bench.
"""
from __future__ import annotations

import io
import os
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("bench", max_examples=int(os.environ.get("RASD_BENCH_EXAMPLES", "10000")), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# words of news text, place names with Arabic articles, figures, dates and the marks between them
WORDS = ["Government", "forces", "shelled", "Douma", "al-Tal", "Deir ez-Zor", "on", "Monday", "killing", "at",
         "least", "12", "civilians", "wounded", "dozens", "of", "rebels", "in", "the", "town", "north", "Aleppo",
         "Idlib", "province", "countryside", "'", "’s", "said", "3 March 2017", "last week", "2019-05-07",
         "seven", "hundreds", "Homs", "Syria", "U.S.", "Beit Jinn", "Saraqib", "\n", "\n\n", ",", ".", "—",
         "“", "”", "(", ")", "-", "Share this", "Photo:", "AFP", "حمص", "Ḥamāh", "Ölüdeniz"]
text_like = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=120).map(
    lambda ws: " ".join(ws))
any_text = st.one_of(text_like, st.text(max_size=400))


def _inside(start: int, end: int, text: str) -> bool:
    return 0 <= start <= end <= len(text)


# -- reading ------------------------------------------------------------------------------
@given(data=st.one_of(st.binary(max_size=600), any_text.map(lambda t: t.encode("utf-8", "surrogatepass"))),
       fmt=st.sampled_from(["auto", "text", "jsonl", "csv", "tsv", "html"]))
def test_reading_any_bytes_gives_documents_or_one_error_each(data, fmt):
    from rasd.errors import InputError
    from rasd.read import ReadOptions, read_paths
    from rasd.records import Document

    for item in read_paths(["-"], ReadOptions(stdin=io.BytesIO(data), format=fmt, max_bytes=1 << 20)):
        assert isinstance(item, (Document, InputError))
        if isinstance(item, Document):
            assert isinstance(item.raw, str) and item.doc_id


# -- cleaning -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cleaner():
    from rasd.clean import Cleaner

    return Cleaner()


@given(raw=any_text, cut=st.tuples(st.integers(0, 500), st.integers(0, 40)))
def test_cleaning_keeps_every_clean_span_verbatim_in_the_raw_text(cleaner, raw, cut):
    from rasd.records import Document

    for doc in cleaner.process([Document(doc_id="p", raw=raw)]):
        for c0, r0, n in doc.offsets.segments:
            assert _inside(c0, c0 + n, doc.text) and _inside(r0, r0 + n, doc.raw)
            assert doc.text[c0:c0 + n] == doc.raw[r0:r0 + n]
            # any span inside one segment: raw[raw_span] == text[span]
            s = c0 + min(cut[0], n)
            e = min(c0 + n, s + cut[1])
            rs, re_ = doc.raw_span(s, e)
            assert doc.raw[rs:re_] == doc.text[s:e]
        for pos in range(0, len(doc.text) + 1, max(1, len(doc.text) // 7)):
            assert 0 <= doc.offsets.to_raw(pos) <= len(doc.raw)


# -- dates ------------------------------------------------------------------------------------
@given(text=any_text, ref=st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2100, 12, 31))),
       base=st.integers(0, 1000))
def test_dates_lie_inside_the_text(text, ref, base):
    from rasd.code.dates import DateFinder

    for m in DateFinder().find(text, ref, base=base):
        assert _inside(m.start - base, m.end - base, text)
        assert text[m.start - base:m.end - base] == m.text
        assert m.value is None or isinstance(m.value, date)


# -- fatalities -------------------------------------------------------------------------------
@given(text=any_text, base=st.integers(0, 1000))
def test_fatality_counts_lie_inside_the_text(text, base):
    from rasd.code.fatalities import FatalityCounter

    counter = FatalityCounter()
    for c in counter.find(text, base=base):
        assert _inside(c.start - base, c.end - base, text) and c.value >= 0
    for c in (counter.stated_figure(text), counter.allocated_figure(text, text[:80])):
        if c is not None:
            assert _inside(c.start, c.end, text) and c.value >= 0


# -- toponyms -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def recognizer(gaz):
    from rasd.geo.recognize import Recognizer

    return Recognizer(gaz)


@given(text=any_text)
def test_toponyms_are_disjoint_spans_of_the_text(recognizer, text):
    spans = recognizer.find(text)
    last = 0
    for sp in spans:
        assert _inside(sp.start, sp.end, text) and text[sp.start:sp.end] == sp.text
        assert sp.start >= last  # sorted, no two overlap
        last = sp.end
