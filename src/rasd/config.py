"""Settings from flags and environment variables (flags win), and the pipeline's share of them.

Every setting has an environment variable ``RASD_<NAME>``; the CLI passes flags in. This is
the one module that reads the environment: stages get a ``PipelineConfig`` built from here.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _env_bool(name: str, default: bool) -> bool:
    val = os.environ.get(name)
    if val is None:
        return default
    return val.strip().lower() not in ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    db: str = field(default_factory=lambda: os.environ.get("RASD_DB", "rasd.db"))
    max_file_bytes: int = field(default_factory=lambda: _env_int("RASD_MAX_FILE_BYTES", 50 * 1024 * 1024))
    gazetteer: str = field(default_factory=lambda: os.environ.get(
        "RASD_GAZETTEER", str(Path(os.environ.get("RASD_HOME", Path.home() / ".rasd")) / "gazetteer.db")))
    # worker processes of `rasd extract` and `rasd ingest` (RASD_WORKERS); 0: one per available core
    workers: int = field(default_factory=lambda: max(0, _env_int("RASD_WORKERS", 0)))
    # where the stages run (rasd.engine): "local" (this process or --workers processes) or "dask"
    engine: str = field(default_factory=lambda: os.environ.get("RASD_ENGINE", "local"))
    # the Dask scheduler to use (tcp://HOST:8786); none: a local cluster of --workers processes
    scheduler: Optional[str] = field(default_factory=lambda: os.environ.get("RASD_SCHEDULER") or None)
    # `rasd ingest` codes events (RASD_EVENTS=0: store documents only)
    events: bool = field(default_factory=lambda: _env_bool("RASD_EVENTS", True))
    # spaCy's NER joins the gazetteer in finding place names (RASD_GEO_NER=1): over whole
    # documents it costs more than the whole coder, so it is off unless asked for
    geo_ner: bool = field(default_factory=lambda: _env_bool("RASD_GEO_NER", False))
    # threads that answer requests in each `rasd serve` process (RASD_SERVE_THREADS), and so the
    # store connections it opens at most: each thread reads through a connection of its own
    serve_threads: int = field(default_factory=lambda: max(1, _env_int("RASD_SERVE_THREADS", 16)))
    # the bound on the work one document may cost: the coder and geoparser read at most this many
    # characters of its clean text (the longest article of the Guardian dev sample has 58,265), and
    # keep at most this many of its events (fusion compares the events of one document pairwise);
    # the rest of a longer document is stored, not coded, and the document carries a warning
    max_code_chars: int = field(default_factory=lambda: _env_int("RASD_MAX_CODE_CHARS", 100_000))
    max_events_per_doc: int = field(default_factory=lambda: _env_int("RASD_MAX_EVENTS_PER_DOC", 200))
    # the sub-type layer (code/neighbours.py: sentence embeddings beside the rules' sub-type, and events
    # the rules miss in short reports) runs when RASD_SUBTYPE_LAYER=1; figures in docs/coder.md
    subtype_layer: bool = field(default_factory=lambda: _env_bool("RASD_SUBTYPE_LAYER", False))

    def replace(self, **kw) -> "Settings":
        vals = {k: getattr(self, k) for k in self.__dataclass_fields__}
        vals.update({k: v for k, v in kw.items() if v is not None})
        return Settings(**vals)

    def pipeline_config(self, **overrides) -> "PipelineConfig":
        """The pipeline's settings; ``overrides`` name PipelineConfig fields (a misspelt one is a TypeError)."""
        return PipelineConfig.from_settings(self, **overrides)


@dataclass(frozen=True)
class PipelineConfig:
    """Everything the stages need to be built (``pipeline.build_pipeline``), and nothing that
    cannot cross a process boundary: frozen and picklable, so a worker process (or a Dask
    worker) builds the same pipeline from it."""

    # gazetteer file the geo stage resolves place names in; None: no geo stage (events get no places)
    gazetteer: Optional[str] = None
    with_events: bool = True  # False: clean and store documents only
    geo_ner: bool = False  # spaCy's NER spans join the gazetteer's matches (see Settings.geo_ner)
    clean: bool = True  # False: documents come already clean (ACLED notes, test sentences)
    batch_size: int = 16  # documents per batch through the stages (`rasd extract`, worker chunks)
    parse_batch: int = 256  # sentences per spaCy nlp.pipe batch
    # the bound on one document's work (Settings.max_code_chars, Settings.max_events_per_doc)
    max_code_chars: int = 100_000
    max_events_per_doc: int = 200
    subtype_layer: bool = False  # Settings.subtype_layer

    def __post_init__(self) -> None:
        for name in ("batch_size", "parse_batch", "max_code_chars", "max_events_per_doc"):
            val = getattr(self, name)
            if not isinstance(val, int) or isinstance(val, bool) or val < 1:
                raise ValueError(f"PipelineConfig.{name} must be a positive integer, not {val!r}")

    @classmethod
    def from_settings(cls, settings: Settings, **overrides) -> "PipelineConfig":
        base = cls(gazetteer=settings.gazetteer, with_events=settings.events, geo_ner=settings.geo_ner,
                   max_code_chars=settings.max_code_chars, max_events_per_doc=settings.max_events_per_doc,
                   subtype_layer=settings.subtype_layer)
        return dataclasses.replace(base, **overrides)
