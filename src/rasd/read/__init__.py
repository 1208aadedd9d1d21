"""Reading stage: inputs (files, directories, stdin) -> Documents, or InputErrors.

``read_paths`` never raises for one bad input: it yields an ``InputError`` for it and goes on.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterator, Optional, Union

from ..errors import InputError
from ..records import Document


@dataclass
class ReadOptions:
    meta: dict[str, dict] = field(default_factory=dict)  # doc_id or file name -> metadata
    max_bytes: int = 50 * 1024 * 1024


def load_meta(path: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                for key in (row.get("doc_id"), row.get("file")):
                    if key:
                        out[key] = row
    return out


def read_paths(paths: list[str], options: Optional[ReadOptions] = None) -> Iterator[Union[Document, InputError]]:
    options = options or ReadOptions()
    for p in paths:
        path = Path(p)
        files = sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path]
        for f in files:
            if f.suffix in (".jsonl",) and f.name == "meta.jsonl":
                continue
            try:
                raw = f.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                yield InputError(str(f), str(exc))
                continue
            meta = options.meta.get(f.stem) or options.meta.get(f.name) or {}
            pub = meta.get("published")
            yield Document(doc_id=f.stem, raw=raw, source=str(f), encoding="utf-8",
                           published=date.fromisoformat(pub) if pub else None, outlet=meta.get("outlet"))
