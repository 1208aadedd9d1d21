"""Reading stage: inputs (files, directories, stdin) -> Documents, or InputErrors.

``read_paths`` never raises for one bad input: it yields an ``InputError`` for it
and goes on. Formats, by file extension (``--format`` overrides):

- ``.txt``/``.text``/``.md`` and unknown extensions of named files: one document;
  doc_id is the file name without extension. Content that starts like HTML is read as HTML.
- ``.html``/``.htm``/``.xhtml``: main text and metadata through trafilatura (read/html.py).
- ``.jsonl``/``.ndjson``: one document a line (read/rows.py); doc_id from ``id``.
- ``.csv``/``.tsv`` (or ``--delimiter``): one document a row; doc_id from the id column.
- ``-``: standard input, sniffed (HTML, JSONL, else text); doc_id ``stdin-<hash>``.

Directories are walked recursively in name order; hidden entries, files named
``meta.jsonl`` and files of other extensions are skipped (counted in ``skipped``).
"""
from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Optional, Union

from ..errors import InputError
from ..records import Document, content_hash
from .decode import bytes_to_text, read_limited, read_stream_limited
from .meta import apply_meta, load_meta, meta_for, parse_date
from .rows import RowOptions, read_jsonl, read_table

Item = Union[Document, InputError]
log = logging.getLogger(__name__)

TEXT_EXT = {".txt", ".text", ".md"}
HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_EXT = {".jsonl", ".ndjson"}
CSV_EXT = {".csv"}
TSV_EXT = {".tsv", ".tab"}
KNOWN_EXT = TEXT_EXT | HTML_EXT | JSONL_EXT | CSV_EXT | TSV_EXT
FORMATS = ("auto", "text", "html", "jsonl", "csv", "tsv")


@dataclass
class ReadOptions:
    meta: dict[str, dict] = field(default_factory=dict)  # doc_id or file name -> metadata
    max_bytes: int = 50 * 1024 * 1024
    format: str = "auto"
    rows: RowOptions = field(default_factory=RowOptions)
    skip: set[str] = field(default_factory=set)  # resolved paths not to read (the --meta file)
    stdin: Optional[BinaryIO] = None  # defaults to sys.stdin.buffer
    # what standard input is called in doc ids: "<name>-<content hash>", rows without an id "<name>-<n>"
    stdin_name: str = "stdin"
    progress: Optional[Callable[[int], None]] = None  # called with bytes consumed, as reading goes


@dataclass
class ReadStats:
    skipped: list[str] = field(default_factory=list)  # files a directory walk passed over


class Reader:
    """Built once per run; holds the HTML extractor (built on first use)."""

    def __init__(self, options: Optional[ReadOptions] = None):
        self.options = options or ReadOptions()
        self.stats = ReadStats()
        self._html = None
        self._seen: dict[str, str] = {}  # doc_id -> the input it came from, in this run

    # -- public -----------------------------------------------------------
    def read_paths(self, paths: list[str]) -> Iterator[Item]:
        for item in self._read_all(paths):
            if isinstance(item, Document):
                first = self._seen.setdefault(item.doc_id, item.source or "")
                if first != item.source:
                    yield InputError(item.source or item.doc_id,
                                     f"doc_id {item.doc_id!r} was already read from {first} in this run; "
                                     "give the inputs distinct ids (file names, id column or --meta)")
                    continue
            yield item

    def read_page(self, data: bytes, *, url: str, doc_id: str, charset: Optional[str] = None) -> Document:
        """A web page fetched from ``url`` -> Document, read as an HTML file is (trafilatura);
        ``charset`` is the one its HTTP answer declared. Raises InputError."""
        from .html import looks_like_html

        text, enc = bytes_to_text(url, data, html=True, charset=charset)
        if not looks_like_html(text):
            raise InputError(url, "not an HTML page")
        return self._html_doc(text, label=url, stem=doc_id, enc=enc, path=None, doc_id=doc_id)

    def _read_all(self, paths: list[str]) -> Iterator[Item]:
        for p in paths:
            if p == "-":
                yield from self._guard("<stdin>", self._read_stdin)
                continue
            path = Path(p)
            if path.is_dir():
                for f in self._walk(path):
                    yield from self._guard(str(f), lambda f=f: self._read_file(f))
            elif path.exists():
                yield from self._guard(str(path), lambda: self._read_file(path))
            else:
                yield InputError(p, "no such file or directory")

    # -- walking ----------------------------------------------------------
    def _walk(self, root: Path) -> Iterator[Path]:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                f = Path(dirpath) / name
                if name.startswith(".") or name == "meta.jsonl" or self._skipped(f):
                    continue
                if f.suffix.lower() not in KNOWN_EXT and self.options.format == "auto":
                    self.stats.skipped.append(str(f))
                    continue
                yield f

    def _skipped(self, f: Path) -> bool:
        try:
            return str(f.resolve()) in self.options.skip
        except OSError:
            return False

    def _guard(self, label: str, fn) -> Iterator[Item]:
        """Whatever goes wrong with one input becomes an InputError for it."""
        try:
            yield from fn()
        except InputError as exc:
            yield exc
        except Exception as exc:  # any other failure is still this input's, not the run's
            log.debug("reading %s failed", label, exc_info=True)
            yield InputError(label, f"cannot read ({type(exc).__name__}: {exc})")

    # -- formats ----------------------------------------------------------
    def _format_of(self, path: Path) -> str:
        if self.options.format != "auto":
            return self.options.format
        ext = path.suffix.lower()
        if ext in HTML_EXT:
            return "html"
        if ext in JSONL_EXT:
            return "jsonl"
        if ext in CSV_EXT:
            return "tsv" if self.options.rows.delimiter == "\t" else "csv"
        if ext in TSV_EXT:
            return "tsv"
        if self.options.rows.delimiter:
            return "csv"
        return "text"

    def input_bytes(self, paths: list[str]) -> Optional[int]:
        """Total size of the inputs under ``paths`` (None when stdin is one): a progress bar's total."""
        total = 0
        for p in paths:
            if p == "-":
                return None
            path = Path(p)
            files = self._walk(path) if path.is_dir() else [path]
            for f in files:
                try:
                    total += f.stat().st_size
                except OSError:
                    pass
        self.stats.skipped.clear()
        return total

    def _read_file(self, path: Path) -> Iterator[Item]:
        label = str(path)
        if not path.is_file():
            raise InputError(label, "not a regular file")
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        done = 0

        def advance(chars: int) -> None:  # rows of a CSV/JSONL file, in characters
            nonlocal done
            step = min(int(chars * ratio), size - done)
            if step > 0 and self.options.progress:
                done += step
                self.options.progress(step)

        ratio = 1.0
        try:
            data = read_limited(label, str(path), self.options.max_bytes)
            ratio = len(data) / max(1, len(data.decode("utf-8", "replace")))
            yield from self._read_bytes(data, label=label, stem=path.stem, fmt=self._format_of(path),
                                        path=path, advance=advance)
        finally:
            if self.options.progress and size > done:
                self.options.progress(size - done)

    def _read_stdin(self) -> Iterator[Item]:
        stream = self.options.stdin or sys.stdin.buffer
        data = read_stream_limited("<stdin>", stream, self.options.max_bytes)
        fmt = self.options.format
        if fmt == "auto":
            fmt = "jsonl" if _looks_jsonl(data) else "text"
        yield from self._read_bytes(data, label="<stdin>", stem=self.options.stdin_name, fmt=fmt, path=None)

    def _read_bytes(self, data: bytes, *, label: str, stem: str, fmt: str, path: Optional[Path],
                    advance: Optional[Callable[[int], None]] = None) -> Iterator[Item]:
        from .html import looks_like_html

        text, enc = bytes_to_text(label, data, html=fmt in ("html", "text"))
        if fmt in ("csv", "tsv"):
            delim = self.options.rows.delimiter or ("\t" if fmt == "tsv" else ",")
            yield from read_table(text, label=label, stem=stem, encoding=enc, delimiter=delim,
                                  opts=self.options.rows, meta=self.options.meta, advance=advance)
            return
        if fmt == "jsonl":
            yield from read_jsonl(text, label=label, stem=stem, encoding=enc, opts=self.options.rows,
                                  meta=self.options.meta, advance=advance)
            return
        if fmt == "html" or (fmt == "text" and looks_like_html(text)):
            yield self._html_doc(text, label=label, stem=stem, enc=enc, path=path)
            return
        doc_id = stem if path is not None else f"{stem}-{content_hash(text)[:12]}"
        doc = Document(doc_id=doc_id, raw=text, source=label, encoding=enc)
        yield apply_meta(doc, meta_for(self.options.meta, doc_id, path))

    def _html_doc(self, html: str, *, label: str, stem: str, enc: str, path: Optional[Path],
                  doc_id: Optional[str] = None) -> Document:
        if self._html is None:
            from .html import HtmlExtractor

            self._html = HtmlExtractor()
        got = self._html.extract(html, label)
        raw = got["text"]
        title = got["title"]
        if title and not raw.lstrip().startswith(title.strip()):
            raw = f"{title.strip()}\n\n{raw}"  # the headline is part of what the article says
        doc_id = doc_id or (stem if path is not None else f"{stem}-{content_hash(raw)[:12]}")
        doc = Document(doc_id=doc_id, raw=raw, title=title, published=got["published"], url=got["url"],
                       outlet=got["sitename"], source=label, encoding=enc)
        doc.meta["format"] = "html"
        return apply_meta(doc, meta_for(self.options.meta, doc_id, path))


def _looks_jsonl(data: bytes) -> bool:
    lines = [ln.strip() for ln in data[:65536].splitlines() if ln.strip()]
    return bool(lines) and all(ln.startswith(b"{") for ln in lines[:20])


def read_paths(paths: list[str], options: Optional[ReadOptions] = None) -> Iterator[Item]:
    """Documents or InputErrors for every input under ``paths``; never raises for one bad input."""
    return Reader(options).read_paths(paths)


__all__ = ["FORMATS", "ReadOptions", "Reader", "RowOptions", "load_meta", "parse_date", "read_paths"]
