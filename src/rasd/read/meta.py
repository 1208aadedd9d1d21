"""Per-document metadata (``--meta FILE.jsonl``) and publication dates."""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Optional

from ..errors import InputError
from ..records import Document

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\s*$")
_D_MON_Y = re.compile(r"^\s*(?:\w+,\s*)?(\d{1,2})\s+([A-Za-z]{3,})\.?,?\s+(\d{4})")
_MON_D_Y = re.compile(r"^\s*(?:\w+,\s*)?([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})")


def parse_date(value: Any) -> Optional[date]:
    """A publication date from ISO (``2019-04-10``, with or without a time), ``10/04/2019``
    (day first), ``10 April 2019`` or ``April 10, 2019``; None when it is none of these."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    try:
        if m := _ISO.match(s):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(s):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _D_MON_Y.match(s):
            mon = _MONTHS.get(m[2][:3].lower())
            return date(int(m[3]), mon, int(m[1])) if mon else None
        if m := _MON_D_Y.match(s):
            mon = _MONTHS.get(m[1][:3].lower())
            return date(int(m[3]), mon, int(m[2])) if mon else None
    except ValueError:
        return None
    return None


def load_meta(path: str) -> dict[str, dict]:
    """Rows of a metadata JSONL file by their ``doc_id`` and by their ``file``.

    Raises InputError (naming file:line) when the file cannot be read or a line is not
    a JSON object: metadata applies to the whole run, so a broken file stops it.
    """
    out: dict[str, dict] = {}
    try:
        fh = open(path, encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(path, f"cannot read the metadata file ({exc.strerror or exc})") from None
    with fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}", f"metadata line is not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise InputError(f"{path}:{n}", "metadata line is not a JSON object")
            if row.get("published") and parse_date(row["published"]) is None:
                raise InputError(f"{path}:{n}", f"unreadable published date {row['published']!r}")
            keys = [row.get("doc_id"), row.get("file")]
            if not any(keys):
                raise InputError(f"{path}:{n}", "metadata line has neither 'doc_id' nor 'file'")
            for key in keys:
                if key:
                    out[str(key)] = row
    return out


def meta_for(meta: dict[str, dict], doc_id: str, path: Optional[Path] = None) -> dict:
    """The metadata row for a document: by doc_id, else by file name or path."""
    if doc_id in meta:
        return meta[doc_id]
    if path is not None:
        for key in (path.name, str(path), path.as_posix()):
            if key in meta:
                return meta[key]
    return {}


def apply_meta(doc: Document, row: dict) -> Document:
    """Metadata given by the user wins over what the input itself says."""
    if not row:
        return doc
    if row.get("doc_id"):
        doc.doc_id = str(row["doc_id"])
    if row.get("published"):
        doc.published = parse_date(row["published"])
    for key in ("outlet", "title", "url"):
        if row.get(key):
            setattr(doc, key, str(row[key]))
    extra = {k: v for k, v in row.items()
             if k not in ("doc_id", "file", "published", "outlet", "title", "url") and v is not None}
    if extra:
        doc.meta.update(extra)
    return doc
