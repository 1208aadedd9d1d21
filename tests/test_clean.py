"""Cleaner: boilerplate out by general rules, glued articles split, offsets exact."""
from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest

from rasd.clean import Cleaner
from rasd.read import ReadOptions, load_meta, read_paths
from rasd.records import Document

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


def assert_offsets_exact(doc: Document) -> None:
    covered = 0
    last_clean = -1
    for cs, rs, n in doc.offsets.segments:
        assert cs > last_clean
        assert doc.raw[rs:rs + n] == doc.text[cs:cs + n], (doc.doc_id, cs, rs, n)
        covered += n
        last_clean = cs
    # whatever no segment covers is only joining white space
    assert len(doc.text) - covered == sum(1 for c in doc.text if c == "\n") - sum(
        doc.text[cs:cs + n].count("\n") for cs, _, n in doc.offsets.segments)
    # and every word of the clean text can be cited in the raw text
    for word_start in range(0, len(doc.text), 97):
        end = min(len(doc.text), word_start + 5)
        piece = doc.text[word_start:end]
        if "\n" in piece or not piece.strip():
            continue
        rs, re_ = doc.raw_span(word_start, end)
        assert doc.raw[rs:re_] == piece


def test_clean_article_is_untouched(cleaner):
    raw = "Headline of a report\n\nFirst paragraph, with a date: 5 March.\nSecond line.\n\n\nLast paragraph.\n"
    [d] = cleaner.process([Document("x", raw)])
    assert d.text == "Headline of a report\n\nFirst paragraph, with a date: 5 March.\nSecond line.\n\nLast paragraph."
    assert d.offsets.segments == [(0, 0, 73), (75, 76, 15)]
    assert d.title == "Headline of a report"
    assert_offsets_exact(d)


def test_rules_are_general_not_tied_to_one_capture(cleaner):
    raw = ("Shelling kills five in Ariha\n\n"
           "Smoke rises over Ariha after shelling, in a photo taken on 3 May 2019. (Photographer)\n"
           "Smoke rises over Ariha after shelling, in a photo taken on 3 May 2019. (Photographer)\n"
           "AB\n7\n\n"
           "Shelling kills five in Ariha\n\n"
           "Five civilians were killed when government artillery hit a market in Ariha on Friday, rescuers said.\n\n"
           "Residents said the town had been shelled for a week and that families were leaving for the border.\n\n"
           "Share on Facebook\nFollow us on Telegram\nالنسخة العربية\nشارك على فيسبوك\nتابعونا على تلغرام\n\n"
           "More stories\n- Another unrelated headline about markets\n- Weather warning for the coast\n"
           "- A long related headline that reads like a sentence about the war in the north of Syria.\n"
           "We need your support to keep reporting.\n")
    [d] = cleaner.process([Document("g", raw)])
    for gone in ("AB", "\n7\n", "Share on", "Telegram", "النسخة", "شارك", "تابعونا", "More stories", "unrelated", "Weather",
                 "support"):
        assert gone not in d.text, gone
    assert d.text.count("Shelling kills five in Ariha") == 1
    assert d.text.count("Smoke rises over Ariha") == 1
    assert "Five civilians were killed" in d.text and d.text.rstrip().endswith("leaving for the border.")
    assert_offsets_exact(d)


def test_glued_article_is_split_with_its_own_raw_and_offsets(cleaner):
    head1 = "Rebels agree to leave Beit Jin pocket"
    cap1 = "Fighters stand near a checkpoint in the countryside of Damascus. (Reuters)"
    head2 = "Envoy urges accountability for violence on the coast"
    cap2 = "The envoy speaks at a news conference in Geneva on March 7, 2025. (AFP)"
    body1 = "\n\n".join(f"Paragraph {i} of the first report tells what happened near the border." for i in range(8))
    body2 = "\n\n".join(f"Paragraph {i} of the second report quotes the envoy at length." for i in range(6))
    raw = (f"{head1}\n\n{cap1}\n{cap1}\nTT\n20\n\n{head1}\n\n{cap1}\n{cap1}\n\n{body1}\n\n\n\n"
           f"{head2}\n\n{cap2}\n{cap2}\nTT\n20\n\n{head2}\n\n{cap2}\n{cap2}\n\n{body2}\n")
    parent = Document("000_x", raw, outlet="Outlet")
    a, b = cleaner.process([parent])
    assert (a.doc_id, b.doc_id) == ("000_x", "000_x#2")
    assert a.text.startswith(head1) and head2 not in a.text and "second report" not in a.text
    assert b.text.startswith(head2) and "first report" not in b.text
    assert a.raw + b.raw == raw and b.meta["raw_offset"] == len(a.raw)
    assert b.meta["split_from"] == "000_x" and b.outlet == "Outlet"
    assert b.published is not None and b.published.isoformat() == "2025-03-07"  # the caption's date
    assert a.content_hash != b.content_hash
    # the one copy kept of each repeated caption is marked, so later stages can weigh it
    assert [a.text[s:e] for s, e in a.meta["caption_spans"]] == [cap1]
    assert [b.text[s:e] for s, e in b.meta["caption_spans"]] == [cap2]
    for d in (a, b):
        assert "TT" not in d.text and "\n20\n" not in d.text
        assert_offsets_exact(d)


def test_repeated_header_without_body_before_does_not_split(cleaner):
    raw = "Title of the story here\n\nTitle of the story here\n\nShort body.\n\nTitle of the story here\n"
    docs = cleaner.process([Document("t", raw)])
    assert len(docs) == 1 and docs[0].text == "Title of the story here\n\nShort body."


def test_a_short_quoted_appeal_in_an_article_is_kept(cleaner):
    raw = ("Aid groups warn of shortages in Idlib\n\n"
           "\"We need help now,\" a doctor in the town said.\n\n"
           "The mayor said the town would support our neighbours in the camps.\n\n"
           "Related fighting was reported near Saraqeb on Monday, according to activists in the area.\n")
    [d] = cleaner.process([Document("q", raw)])
    assert d.text == raw.strip()


LINES = [
    "Government forces shelled the town on Monday, killing three civilians, the monitor said.",
    "Turkish-backed factions said on Sunday that they had repelled an attack near the Tishreen dam.",
    "  indented paragraph with trailing spaces   ",
    "Share this Post", "TT", "20", "Related Articles", "1. A related headline",
    "You might also like", "- another headline", "Source link", "قتل خمسة مدنيين في قصف على البلدة",
    "A caption repeated (AFP)", "\u00a0", "\t", "", "",
]


@pytest.mark.parametrize("seed", range(200))
def test_offsets_exact_on_generated_inputs(cleaner, seed):
    rng = random.Random(seed)
    parts = [rng.choice(LINES) for _ in range(rng.randint(0, 60))]
    raw = rng.choice(["\n", "\r\n", "\n\n"]).join(parts).replace("\r\n", "\n")
    docs = cleaner.process([Document(f"g{seed}", raw)]) if raw.strip() else []
    kept_prose = {ln.strip() for ln in parts if ln.startswith(("Government", "Turkish"))}
    for d in docs:
        assert_offsets_exact(d)
        assert d.text == d.text.strip()
    if docs:
        joined = "\n".join(d.text for d in docs)
        for p in kept_prose:  # long prose lines always survive, once
            assert p in joined


def test_seeds_cleaned(cleaner, shared):
    seeds = shared / "seeds"
    items = list(read_paths([str(seeds)], ReadOptions(meta=load_meta(str(seeds / "meta.jsonl")))))
    docs = cleaner.process(items)
    ids = [d.doc_id for d in docs]
    assert len(docs) == 6 and sum(1 for i in ids if i.endswith("#2")) == 1
    split = next(d for d in docs if d.doc_id.endswith("#2"))
    parent = next(d for d in docs if d.doc_id == split.meta["split_from"])
    assert parent.doc_id.startswith("000_")
    allt = "\n".join(d.text for d in docs)
    lines = {ln.strip() for ln in allt.split("\n")}
    for gone in ("TT", "20", "Share this Post", "Source link", "Related Articles", "You might also like",
                 "Click here to support", "world"):
        assert gone not in lines, gone
    for phrase in ("a month makes a difference", "Post category", "النسخة العربية", "We need your support"):
        assert phrase not in allt, phrase
    # the seeds' only lists are lists of links to other stories: none is left
    list_item = re.compile(r"^\s*(?:[-•]|\d{1,2}\.)\s")
    assert [ln for ln in allt.split("\n") if list_item.match(ln)] == []
    for d in docs:
        assert_offsets_exact(d)
        heads = [ln for ln in d.text.split("\n") if ln.strip()]
        assert len(heads) == len(set(heads)), f"{d.doc_id} still has repeated lines"
    # the two glued articles do not share text
    assert split.text.split("\n")[0] not in parent.text


def test_examples_lose_only_their_boilerplate(cleaner):
    planted = {
        "2017-04-05_khan_sheikhoun_chemical_attack": {
            "Rescue workers carry a child at a field hospital in Idlib province. (rasd archive)", "TT", "20",
            "Independent reporting from Syria needs you. Support our journalism today.",
            "$5 a month makes a difference.", "Click here to support", "Share this article"},
        "2024-12-08_assad_falls_damascus": {
            "Assad flees as rebels take Damascus", "• Category: Middle East", "Share this Post", "Tweet",
            "Related Articles", "1. Rebels claim capture of Homs as army pulls back",
            "2. What we know about the groups advancing on Damascus",
            "3. Timeline: thirteen years of war in Syria", "Source link"},
    }
    for f in sorted((ROOT / "examples").glob("*.txt")):
        dropped = {line for line, _ in cleaner.dropped_lines(f.read_text(encoding="utf-8"))}
        assert dropped == planted.get(f.stem, set()), f.name


def test_real_articles_are_not_damaged(cleaner, shared):
    path = shared / "data" / "dev" / "corpus" / "guardian_syria_sdf" / "Guardian_SDF_sample.csv"
    if not path.exists():
        pytest.skip("Guardian sample not present")
    with open(path, encoding="utf-8", newline="") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)]
    assert len(texts) > 200
    changed = []
    for i, t in enumerate(texts):
        [d] = cleaner.process([Document(str(i), t)])
        if d.text != t.strip():
            changed.append((i, cleaner.dropped_lines(t)))
    assert changed == []


def test_html_and_jsonl_examples_lose_nothing(cleaner):
    items = list(read_paths([str(p) for p in sorted((ROOT / "examples").iterdir())
                             if p.suffix in (".html", ".jsonl") and p.name != "meta.jsonl"]))
    assert len(items) == 7 and all(isinstance(i, Document) for i in items)
    for doc in items:
        assert cleaner.dropped_lines(doc.raw) == [], doc.doc_id
        [d] = cleaner.process([doc])
        assert d.text == d.raw.strip()


def test_related_block_then_glued_article(cleaner):
    body1 = "\n\n".join(f"Sentence {i} of the first story describes the fighting around the town in detail."
                       for i in range(6))
    head2 = "Second story headline about aid convoys"
    raw = (f"First story headline about the fighting\n\n{body1}\n\nRelated Articles\n\n"
           "1. Some other story\n2. Yet another story\n\n"
           f"{head2}\n\nA convoy waits at the crossing. (AP)\nA convoy waits at the crossing. (AP)\n\n{head2}\n\n"
           "The convoy of forty trucks entered the province on Tuesday, the United Nations said in a statement.\n")
    a, b = cleaner.process([Document("r", raw)])
    assert "Related Articles" not in a.text and "Some other story" not in a.text
    assert a.text.endswith("in detail.")
    assert b.doc_id == "r#2" and b.text.startswith(head2) and b.text.count(head2) == 1
    assert b.published is None  # no date in its captions
    assert b.text.endswith("in a statement.")
    for d in (a, b):
        assert_offsets_exact(d)
