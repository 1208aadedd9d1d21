"""Every kind of bad input gets one clear InputError naming it; the rest of the batch goes on."""
from __future__ import annotations

import builtins
import os
from pathlib import Path

import pytest

from rasd.errors import InputError
from rasd.read import ReadOptions, RowOptions, read_paths
from rasd.records import Document

ARTICLE = "Shelling hit the town of Maarat al-Numan on Monday, the Syrian Observatory said.\n"


def split(items):
    docs = [i for i in items if isinstance(i, Document)]
    errs = [i for i in items if isinstance(i, InputError)]
    return docs, errs


def read(paths, **kw):
    return split(list(read_paths([str(p) for p in paths], ReadOptions(**kw))))


def test_binary_files_are_refused(tmp_path: Path):
    nul = tmp_path / "blob.txt"
    nul.write_bytes(b"some text\x00\x01\x02 more" * 10)
    png = tmp_path / "picture.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    pdf = tmp_path / "report.txt"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE)
    docs, errs = read([nul, png, pdf, good])
    assert [d.doc_id for d in docs] == ["good"]
    by_src = {e.source: e.reason for e in errs}
    assert set(by_src) == {str(nul), str(png), str(pdf)}
    assert "NUL" in by_src[str(nul)] and "PNG" in by_src[str(png)] and "PDF" in by_src[str(pdf)]
    assert all("not a text file" in r for r in by_src.values())


def test_empty_and_blank_files_are_refused(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n\t \n")
    docs, errs = read([empty, blank])
    assert docs == []
    assert [e.source for e in errs] == [str(empty), str(blank)]
    assert all("empty" in e.reason for e in errs)


def test_cp1256_arabic_is_detected_and_recorded(tmp_path: Path):
    text = "قصف الطيران الحربي مدينة إدلب يوم الاثنين وقتل خمسة مدنيين\n"
    f = tmp_path / "arabic.txt"
    f.write_bytes(text.encode("cp1256"))
    with pytest.raises(UnicodeDecodeError):
        f.read_bytes().decode("utf-8")
    docs, errs = read([f])
    assert errs == []
    assert docs[0].raw == text and docs[0].encoding == "cp1256"


def test_latin1_is_the_last_resort_and_recorded(tmp_path: Path):
    text = "Le régime a bombardé Alep; déplacés à Afrin, selon l'Observatoire.\n"
    f = tmp_path / "french.txt"
    f.write_bytes(text.encode("latin-1"))
    docs, errs = read([f])
    assert errs == [] and docs[0].raw == text and docs[0].encoding == "latin-1"


def test_utf8_with_bom_and_utf16(tmp_path: Path):
    a = tmp_path / "bom.txt"
    a.write_bytes("\ufeff" .encode("utf-8") + ARTICLE.encode("utf-8"))
    b = tmp_path / "wide.txt"
    b.write_bytes(ARTICLE.encode("utf-16"))  # with BOM; full of NUL bytes, yet text
    docs, errs = read([a, b])
    assert errs == []
    assert [d.raw for d in docs] == [ARTICLE, ARTICLE]
    assert [d.encoding for d in docs] == ["utf-8", "utf-16"]


def test_declared_html_charset_wins(tmp_path: Path):
    body = "<p>" + "قتل ثلاثة أشخاص في قصف على بلدة سراقب، بحسب الدفاع المدني. " * 3 + "</p>"
    html = f'<html><head><meta charset="windows-1256"><title>سراقب</title></head><body><article>{body}</article></body></html>'
    f = tmp_path / "page.html"
    f.write_bytes(html.encode("cp1256"))
    docs, errs = read([f])
    assert errs == []
    assert docs[0].encoding == "cp1256" and "سراقب" in docs[0].raw


def test_oversized_file_refused_by_configured_limit(tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_text(ARTICLE * 100)
    small = tmp_path / "small.txt"
    small.write_text(ARTICLE)
    docs, errs = read([big, small], max_bytes=1000)
    assert [d.doc_id for d in docs] == ["small"]
    assert errs[0].source == str(big) and "limit" in errs[0].reason


def test_200mb_file_refused_without_being_read(tmp_path: Path, monkeypatch):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:  # sparse: takes no disk space
        fh.truncate(200 * 1024 * 1024)
    real_open = builtins.open

    def guarded_open(file, *a, **kw):
        if str(file) == str(huge):
            raise AssertionError("the oversized file was opened")
        return real_open(file, *a, **kw)

    monkeypatch.setattr(builtins, "open", guarded_open)
    docs, errs = read([huge])  # default limit: 50 MB
    assert docs == [] and len(errs) == 1
    assert "200.0 MB" in errs[0].reason and "50.0 MB" in errs[0].reason


def test_malformed_html_is_handled(tmp_path: Path):
    broken = tmp_path / "broken.html"
    broken.write_text("<html><body><div><p>Government forces shelled the town of Kafr Nabl on Sunday, "
                      "killing four civilians, rescuers said. Residents said the strikes hit a market."
                      "<p>Another paragraph <b>never closed <table><tr><td>cell" + "<!-- cut", encoding="utf-8")
    nothing = tmp_path / "nothing.html"
    nothing.write_text("<html><head><script>var x = 1;</script></head><body><nav>Home</nav></body>")
    garbage = tmp_path / "garbage.html"
    garbage.write_text("<<<>>><</// <html <<p>>> &&&;; <" * 5)
    docs, errs = read([broken, nothing, garbage])
    assert [d.doc_id for d in docs] == ["broken"]
    assert "Kafr Nabl" in docs[0].raw
    assert {e.source for e in errs} == {str(nothing), str(garbage)}
    assert all("HTML" in e.reason for e in errs)


def test_csv_missing_column_is_one_error_for_that_file(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,body\n1,Clashes in Daraa.\n2,Protest in Sweida.\n")
    good = tmp_path / "good.csv"
    good.write_text("id,text\n1,Clashes in Daraa.\n")
    docs, errs = read([bad, good])
    assert [d.doc_id for d in docs] == ["1"]
    assert len(errs) == 1 and errs[0].source == str(bad)
    assert "'text'" in errs[0].reason and "body" in errs[0].reason
    # an explicitly named column that is missing is also one error
    docs, errs = read([good], rows=RowOptions(date_column="published"))
    assert docs == [] and len(errs) == 1 and "'published'" in errs[0].reason


def test_jsonl_broken_line_names_file_and_line(tmp_path: Path):
    f = tmp_path / "feed.jsonl"
    f.write_text('{"id": "a", "text": "Air strike on Ariha."}\n'
                 '{"id": "b", "text": "broken\n'
                 '\n'
                 '[1, 2]\n'
                 '{"id": "c"}\n'
                 '{"id": "d", "text": "Bomb in Azaz.", "published": "2023-01-05"}\n')
    docs, errs = read([f])
    assert [d.doc_id for d in docs] == ["a", "d"]
    assert [e.source for e in errs] == [f"{f}:2", f"{f}:4", f"{f}:5"]
    assert "JSON" in errs[0].reason and "text" in errs[2].reason


def test_missing_path_and_directory_of_mixed_files(tmp_path: Path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "a.txt").write_text(ARTICLE)
    (tmp_path / "d" / "sub" / "b.txt").write_text(ARTICLE + "More.\n")
    (tmp_path / "d" / "sub" / "empty.txt").write_text("")
    (tmp_path / "d" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(100))
    (tmp_path / "d" / ".hidden.txt").write_text(ARTICLE)
    items = list(read_paths([str(tmp_path / "d"), str(tmp_path / "nope.txt")]))
    docs, errs = split(items)
    assert sorted(d.doc_id for d in docs) == ["a", "b"]
    assert sorted(Path(e.source).name for e in errs) == ["empty.txt", "nope.txt"]


def test_windows_1252_quotes_are_not_control_characters(tmp_path: Path):
    text = "\u201cWe will not leave,\u201d a resident of Douma said \u2013 on Monday.\n"
    f = tmp_path / "quotes.txt"
    f.write_bytes(text.encode("cp1252"))
    docs, errs = read([f])
    assert errs == [] and docs[0].raw == text and docs[0].encoding == "cp1252"


def test_random_bytes_never_raise(tmp_path: Path):
    import random

    rng = random.Random(3)
    pieces = [b"<html>", b"<p>", b"{\"id\": ", b"\"text\": \"", b",", b"\n", b"\xd8\xa7", b"\xc7\xe1",
              b"\x93", b"id,text\n", b"\t", b"</", b"word ", b"\x00", b"\xff\xfe"]
    paths = []
    for i in range(60):
        ext = rng.choice([".txt", ".html", ".jsonl", ".csv", ".tsv"])
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 80)))
        p = tmp_path / f"f{i}{ext}"
        p.write_bytes(data)
        paths.append(str(p))
    items = list(read_paths(paths, ReadOptions(max_bytes=10_000)))
    assert all(isinstance(i, (Document, InputError)) for i in items)
    # every file is accounted for: it gave documents, or errors naming it
    sources = {(i.source or "").split(":")[0] for i in items}
    assert sources == set(paths)
