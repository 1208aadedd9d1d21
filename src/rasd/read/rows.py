"""Row formats: JSONL (one JSON object a line) and CSV/TSV (one document a row).

A broken JSONL line yields an InputError naming ``file:line`` and the other lines go on.
A CSV whose header lacks a required column yields one InputError for the whole file.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Union

from ..errors import InputError
from ..records import Document
from .meta import apply_meta, meta_for, parse_date

Item = Union[Document, InputError]

# JSONL keys / CSV columns looked up when no column is named explicitly
_ID_KEYS = ("id", "doc_id")
_DATE_KEYS = ("published", "date")
_OUTLET_KEYS = ("outlet", "source")


@dataclass
class RowOptions:
    text_column: Optional[str] = None
    id_column: Optional[str] = None
    date_column: Optional[str] = None
    delimiter: Optional[str] = None


def _first(row: dict, keys: tuple[str, ...]) -> Optional[str]:
    for k in keys:
        v = row.get(k)
        if v not in (None, ""):
            return str(v)
    return None


def _make_doc(row: dict, *, text_key: str, id_key: Optional[str], date_keys: tuple[str, ...],
              stem: str, n: int, source: str, encoding: str, meta: dict[str, dict]) -> Item:
    text = row.get(text_key)
    if text is None or (isinstance(text, str) and not text.strip()):
        return InputError(source, f"no text (the {text_key!r} field is missing or empty)")
    if not isinstance(text, str):
        return InputError(source, f"the {text_key!r} field is not a string")
    raw_id = row.get(id_key) if id_key is not None else _first(row, _ID_KEYS)
    doc_id = str(raw_id).strip() if raw_id not in (None, "") else f"{stem}-{n}"
    raw_date = _first(row, date_keys)
    published = parse_date(raw_date)
    doc = Document(doc_id=doc_id, raw=text.replace("\r\n", "\n").replace("\r", "\n"),
                   title=_first(row, ("title", "headline")), published=published,
                   outlet=_first(row, _OUTLET_KEYS), url=_first(row, ("url", "link")),
                   source=source, encoding=encoding)
    if raw_date and published is None:
        doc.meta["published_raw"] = raw_date
    return apply_meta(doc, meta_for(meta, doc_id))


def _noop(_: int) -> None:
    pass


def read_jsonl(text: str, *, label: str, stem: str, encoding: str, opts: RowOptions,
               meta: dict[str, dict], advance: Optional[Callable[[int], None]] = None) -> Iterator[Item]:
    advance = advance or _noop
    text_key = opts.text_column or "text"
    date_keys = (opts.date_column,) if opts.date_column else _DATE_KEYS
    any_line = False
    for n, line in enumerate(text.split("\n"), start=1):
        advance(len(line) + 1)
        if not line.strip():
            continue
        any_line = True
        where = f"{label}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"broken JSON line ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(row, dict):
            yield InputError(where, "a JSONL line must be a JSON object")
            continue
        yield _make_doc(row, text_key=text_key, id_key=opts.id_column, date_keys=date_keys,
                        stem=stem, n=n, source=where, encoding=encoding, meta=meta)
    if not any_line:
        yield InputError(label, "empty file (no JSON lines)")


def read_table(text: str, *, label: str, stem: str, encoding: str, delimiter: str, opts: RowOptions,
               meta: dict[str, dict], advance: Optional[Callable[[int], None]] = None) -> Iterator[Item]:
    advance = advance or _noop
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        yield InputError(label, "empty file (no header row)")
        return
    except csv.Error as exc:
        yield InputError(label, f"unreadable CSV header ({exc})")
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    text_key = opts.text_column or "text"
    missing = [c for c in (text_key, opts.id_column, opts.date_column) if c is not None and c not in header]
    if missing:
        shown = ", ".join(repr(h) for h in header[:12])
        flag = "--text-column" if text_key in missing else "--id-column/--date-column"
        yield InputError(label, f"no column {missing[0]!r} in the header (columns: {shown}); "
                                f"name the right one with {flag}")
        return
    date_keys = (opts.date_column,) if opts.date_column else _DATE_KEYS
    id_key = opts.id_column if opts.id_column is not None else next((k for k in _ID_KEYS if k in header), None)
    n = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield InputError(f"{label}:{reader.line_num}", f"unreadable CSV row ({exc})")
            break
        n += 1
        advance(sum(len(v) for v in values) + len(values) * 3)
        if not any(v.strip() for v in values):
            continue
        where = f"{label}:{reader.line_num}"
        if len(values) != len(header):
            yield InputError(where, f"row has {len(values)} fields, the header has {len(header)}")
            continue
        row = dict(zip(header, values))
        yield _make_doc(row, text_key=text_key, id_key=id_key, date_keys=date_keys, stem=stem,
                        n=n - 1, source=where, encoding=encoding, meta=meta)
    if n == 1:
        yield InputError(label, "no data rows after the header")
