"""Readers: text, HTML metadata, JSONL, CSV/TSV options, stdin, --meta, doc_id rules."""
from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

from rasd.errors import InputError
from rasd.read import ReadOptions, RowOptions, load_meta, parse_date, read_paths
from rasd.records import Document

ROOT = Path(__file__).resolve().parents[1]


def docs_of(paths, **kw):
    items = list(read_paths([str(p) for p in paths], ReadOptions(**kw)))
    errs = [i for i in items if isinstance(i, InputError)]
    assert errs == [], errs
    return [i for i in items if isinstance(i, Document)]


def test_text_file_doc_id_and_meta_by_file(tmp_path: Path):
    f = tmp_path / "000_abc.txt"
    f.write_text("Headline\r\n\r\nBody line one.\r\n")
    m = tmp_path / "m.jsonl"
    m.write_text(json.dumps({"file": "000_abc.txt", "published": "2017-12-28", "outlet": "Asharq Al-Awsat"}) + "\n")
    [d] = docs_of([f], meta=load_meta(str(m)))
    assert d.doc_id == "000_abc" and d.raw == "Headline\n\nBody line one.\n"
    assert d.published == date(2017, 12, 28) and d.outlet == "Asharq Al-Awsat" and d.source == str(f)


def test_meta_can_rename_a_file_document(tmp_path: Path):
    f = tmp_path / "capture.txt"
    f.write_text("A report.")
    m = tmp_path / "m.jsonl"
    m.write_text(json.dumps({"file": "capture.txt", "doc_id": "report-7"}) + "\n")
    assert [d.doc_id for d in docs_of([f], meta=load_meta(str(m)))] == ["report-7"]


def test_html_metadata_from_trafilatura(tmp_path: Path):
    f = tmp_path / "page.html"
    f.write_text("""<html><head><title>Strike on Shayrat | Example News</title>
<meta property="og:title" content="Strike on Shayrat">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2017-04-07T08:00:00Z">
<link rel="canonical" href="https://news.example.org/shayrat"></head>
<body><nav><a href="/">Home</a> <a href="/w">World</a></nav><article><h1>Strike on Shayrat</h1>
<p>The United States fired cruise missiles at the Shayrat air base near Homs early on Friday, officials said.</p>
<p>State media said six people were killed in the strike on the base.</p></article>
<footer>Copyright Example News</footer></body></html>""")
    [d] = docs_of([f])
    assert d.doc_id == "page" and d.meta["format"] == "html"
    assert d.title == "Strike on Shayrat" and d.outlet == "Example News"
    assert d.published == date(2017, 4, 7) and d.url == "https://news.example.org/shayrat"
    assert d.raw.startswith("Strike on Shayrat\n\n") and "six people were killed" in d.raw
    assert "Home" not in d.raw and "Copyright" not in d.raw


def test_jsonl_rows_and_outlet_from_source(tmp_path: Path):
    f = tmp_path / "feed.jsonl"
    rows = [{"id": "x1", "text": "Clashes near Tal Abyad.", "published": "2019-10-10T06:00:00Z",
             "url": "https://e.org/1", "title": "Clashes", "source": "Wire"},
            {"text": "No id here."}]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    a, b = docs_of([f])
    assert (a.doc_id, a.published, a.outlet, a.url, a.title) == ("x1", date(2019, 10, 10), "Wire", "https://e.org/1", "Clashes")
    assert a.source == f"{f}:1"
    assert b.doc_id == "feed-2"


def test_csv_default_columns_and_unnamed_index(tmp_path: Path):
    f = tmp_path / "sample.csv"
    f.write_text('"","date","text","source"\n"3",2019-04-10,"Talks on detainees, in Baghdad.","guardian"\n'
                 '"7",2019-04-11,"Second ""quoted"" row\nwith a newline.","guardian"\n')
    a, b = docs_of([f])
    assert (a.doc_id, a.published, a.outlet) == ("sample-1", date(2019, 4, 10), "guardian")
    assert b.raw == 'Second "quoted" row\nwith a newline.'
    [c, _] = docs_of([f], rows=RowOptions(id_column=""))
    assert c.doc_id == "3"


def test_csv_named_columns_tsv_and_delimiter(tmp_path: Path):
    f = tmp_path / "a.tsv"
    f.write_text("key\twhen\tbody\nk1\t05/03/2020\tCeasefire agreed in Moscow.\n")
    [d] = docs_of([f], rows=RowOptions(text_column="body", id_column="key", date_column="when"))
    assert (d.doc_id, d.published, d.raw) == ("k1", date(2020, 3, 5), "Ceasefire agreed in Moscow.")
    g = tmp_path / "b.txt"
    g.write_text("id;text\nz;Protest in Sweida; hundreds gathered.\n")
    [e] = list(read_paths([str(g)], ReadOptions(rows=RowOptions(delimiter=";"))))
    assert isinstance(e, InputError) and e.source == f"{g}:2" and "3 fields" in e.reason
    h = tmp_path / "c.csv"
    h.write_text('id;text\nq;"Protest in Sweida; hundreds gathered."\n')
    [q] = docs_of([h], rows=RowOptions(delimiter=";"))
    assert q.raw == "Protest in Sweida; hundreds gathered."


def test_stdin_text_html_and_jsonl():
    opts = ReadOptions(stdin=io.BytesIO(b"Air strikes hit Ariha on Tuesday.\n"))
    [d] = list(read_paths(["-"], opts))
    assert d.doc_id.startswith("stdin-") and d.source == "<stdin>" and "Ariha" in d.raw
    opts = ReadOptions(stdin=io.BytesIO(b'{"id": "s1", "text": "Bomb in Azaz."}\n{"id": "s2", "text": "Raid in Idlib."}\n'))
    assert [x.doc_id for x in read_paths(["-"], opts)] == ["s1", "s2"]
    page = (b"<!DOCTYPE html><html><body><article><p>" + b"Rebels entered the city of Hama on Thursday. " * 4
            + b"</p></article></body></html>")
    [h] = list(read_paths(["-"], ReadOptions(stdin=io.BytesIO(page))))
    assert isinstance(h, Document) and h.meta["format"] == "html" and "<p>" not in h.raw
    [err] = list(read_paths(["-"], ReadOptions(stdin=io.BytesIO(b"x" * 2000), max_bytes=100)))
    assert isinstance(err, InputError) and err.source == "<stdin>"


def test_same_doc_id_from_two_files_is_an_error(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "r.txt").write_text("One report.")
    (tmp_path / "b" / "r.txt").write_text("Another report.")
    items = list(read_paths([str(tmp_path)]))
    assert isinstance(items[0], Document) and isinstance(items[1], InputError)
    assert "already read" in items[1].reason


def test_parse_date_forms():
    assert parse_date("2019-03-23") == date(2019, 3, 23)
    assert parse_date("2019-03-23T10:00:00+02:00") == date(2019, 3, 23)
    assert parse_date("23/03/2019") == date(2019, 3, 23)
    assert parse_date("23 March 2019") == date(2019, 3, 23)
    assert parse_date("March 23, 2019") == date(2019, 3, 23)
    assert parse_date("Saturday, 23 Mar 2019") == date(2019, 3, 23)
    assert parse_date("yesterday") is None and parse_date("2019-02-30") is None


def test_examples_read_with_every_format():
    items = list(read_paths([str(ROOT / "examples")],
                            ReadOptions(meta=load_meta(str(ROOT / "examples" / "meta.jsonl")))))
    assert all(isinstance(i, Document) for i in items), [i for i in items if isinstance(i, InputError)]
    assert len(items) == 23
    kinds = {i.meta.get("format", "text") if not i.source.split(":")[-1].isdigit() else "jsonl" for i in items}
    assert kinds == {"text", "html", "jsonl"}
    assert all(i.published and i.outlet in ("rasd examples", "rasd wire desk") for i in items)
    hama = next(i for i in items if "hama" in i.doc_id)
    assert hama.encoding == "cp1256" and "حماة" in hama.raw
