"""Settings from flags and environment variables (flags win).

Every setting has an environment variable ``RASD_<NAME>``; the CLI passes flags in.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    db: str = field(default_factory=lambda: os.environ.get("RASD_DB", "rasd.db"))
    max_file_bytes: int = field(default_factory=lambda: _env_int("RASD_MAX_FILE_BYTES", 50 * 1024 * 1024))
    gazetteer: str = field(default_factory=lambda: os.environ.get(
        "RASD_GAZETTEER", str(Path(os.environ.get("RASD_HOME", Path.home() / ".rasd")) / "gazetteer.db")))
    workers: int = field(default_factory=lambda: _env_int("RASD_WORKERS", 1))
    # the bound on the work one document may cost: the coder and geoparser read at most this many
    # characters of its clean text (the longest article of the Guardian dev sample has 58,265), and
    # keep at most this many of its events (fusion compares the events of one document pairwise);
    # the rest of a longer document is stored, not coded, and the document carries a warning
    max_code_chars: int = field(default_factory=lambda: _env_int("RASD_MAX_CODE_CHARS", 100_000))
    max_events_per_doc: int = field(default_factory=lambda: _env_int("RASD_MAX_EVENTS_PER_DOC", 200))

    def replace(self, **kw) -> "Settings":
        vals = {k: getattr(self, k) for k in self.__dataclass_fields__}
        vals.update({k: v for k, v in kw.items() if v is not None})
        return Settings(**vals)
