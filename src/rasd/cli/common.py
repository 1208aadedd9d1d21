"""Helpers the command modules share: opening the store, reporting input errors, the options
of row-shaped inputs (CSV / TSV / JSONL) that `rasd ingest` and `rasd extract` both take."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..config import Settings
from ..errors import InputError
from ..store import Store, open_store


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()


def store(ctx: typer.Context) -> Store:
    return open_store(settings(ctx).db)


def quiet_library_loggers() -> None:
    """trafilatura and its helpers warn about every page they trim, httpx logs every request;
    rasd's own lines are enough (-vv shows theirs)."""
    import logging

    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        for name in ("trafilatura", "htmldate", "courlan", "justext", "httpx", "httpcore"):
            logging.getLogger(name).setLevel(logging.ERROR)


def report_error(err: InputError) -> None:
    typer.echo(f"rasd: {err.source}: {err.reason}", err=True)


def check_dates(*flags: tuple[str, "str | None"]) -> None:
    """Exit 2 with one line when a date flag is not YYYY-MM-DD: check_dates(("--from", value), ...)."""
    from datetime import date

    for label, val in flags:
        if val:
            try:
                date.fromisoformat(val)
            except ValueError:
                typer.echo(f"rasd: {label} must be a date YYYY-MM-DD, not {val!r}", err=True)
                raise typer.Exit(2)


SINCE_HELP = "Stored since: 30m, 1h, 7d, 2w ago, a day YYYY-MM-DD (UTC) or a time YYYY-MM-DDTHH:MM[Z|+HH:MM]."


def since(value: "str | None", flag: str = "--since") -> "str | None":
    """A --since value as the store's time text, or exit 2 with one line naming the flag."""
    from ..clock import since_stamp

    try:
        return since_stamp(value)
    except ValueError as exc:
        typer.echo(f"rasd: {flag}: {exc}", err=True)
        raise typer.Exit(2)


def country(value: "str | None", flag: str = "--country") -> "str | None":
    """An ISO 3166-1 alpha-2 code (upper-cased), or exit 2 with one line naming the flag."""
    if value is None:
        return None
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        typer.echo(f"rasd: {flag}: {value!r} is not an ISO 3166-1 alpha-2 code (two letters, e.g. SY)", err=True)
        raise typer.Exit(2)
    return value.upper()


def shared_dir():
    """../shared, or RASD_SHARED: where the seeds and their gold live."""
    import os
    from pathlib import Path

    return Path(os.environ.get("RASD_SHARED", "../shared"))


def code_seed_articles(ctx: typer.Context, gold: "str | None", seeds_dir: "str | None"):
    """Read the seed gold and code the seed articles; yields (gold, results) once.

    Exits with code 2 and a one-line message when the gold file cannot be read.
    """
    import json
    from pathlib import Path

    from ..pipeline import build_pipeline
    from ..read import ReadOptions, load_meta, read_paths

    gold_path = Path(gold) if gold else shared_dir() / "gold" / "seeds.json"
    sdir = Path(seeds_dir) if seeds_dir else shared_dir() / "seeds"
    try:
        g = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        typer.echo(f"rasd: {gold_path}: cannot read gold ({exc})", err=True)
        raise typer.Exit(2)
    meta = sdir / "meta.jsonl"
    opts = ReadOptions(meta=load_meta(str(meta)) if meta.exists() else {}, skip={str(meta.resolve())})
    pipe = build_pipeline(settings(ctx).pipeline_config(with_events=True))
    results = []
    for item in read_paths([str(sdir)], opts):
        if isinstance(item, InputError):
            report_error(item)
            continue
        results.extend(pipe.run([item]))
    return g, results


def code_documents(ctx: typer.Context, docs: list, desc: str, progress: bool = True, *, clean: bool = False,
                   batch: int = 64) -> list:
    """The events of each document through the pipeline (a list per document, in order), with
    a progress bar on stderr; ``clean`` runs the cleaner first (articles), not for ACLED notes.
    A document that fails is reported on stderr and counts as yielding no event."""
    import sys

    from tqdm import tqdm

    from ..pipeline import build_pipeline

    pipe = build_pipeline(settings(ctx).pipeline_config(with_events=True, clean=clean))
    events = []
    with tqdm(total=len(docs), desc=desc, unit="doc", disable=not progress, file=sys.stderr) as bar:
        for i in range(0, len(docs), batch):
            for res in pipe.run_safe(docs[i:i + batch]):
                if res.error:
                    typer.echo(f"rasd: {res.document.doc_id}: {res.error}", err=True)
                events.append(res.events)
            bar.update(len(docs[i:i + batch]))
    return events


# ---- options of row-shaped inputs, shared by ingest and extract --------------------------------
DelimiterOption = Annotated[Optional[str], typer.Option(
    "--delimiter", help="Field delimiter of CSV/TSV input (e.g. ';' or 'tab').")]
TextColumnOption = Annotated[Optional[str], typer.Option(
    "--text-column", help="CSV column / JSONL key of the text (default: text).")]
IdColumnOption = Annotated[Optional[str], typer.Option(
    "--id-column", help="CSV column / JSONL key of the document id (default: id).")]
DateColumnOption = Annotated[Optional[str], typer.Option(
    "--date-column", help="CSV column / JSONL key of the publication date (default: published, then date).")]

_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def row_options(text_column: Optional[str], id_column: Optional[str], date_column: Optional[str],
                delimiter: Optional[str]):
    """The RowOptions of those flags; exits 2 with one line on a bad delimiter."""
    from ..read import RowOptions

    if delimiter is not None:
        delimiter = _DELIMITER_NAMES.get(delimiter, delimiter)
        if len(delimiter) != 1:
            typer.echo("rasd: --delimiter must be one character (or 'tab')", err=True)
            raise typer.Exit(2)
    return RowOptions(text_column=text_column, id_column=id_column, date_column=date_column, delimiter=delimiter)


# ---- where the stages run, shared by ingest and extract ----------------------------------------
EngineOption = Annotated[Optional[str], typer.Option(
    "--engine", help="Where the stages run: local (this process or --workers processes) or dask "
                     "(a Dask cluster: a local one, or --scheduler) (env RASD_ENGINE; default local).")]
SchedulerOption = Annotated[Optional[str], typer.Option(
    "--scheduler", help="With --engine dask: the scheduler's address, tcp://HOST:8786 (env RASD_SCHEDULER; "
                        "default: a local cluster of --workers processes).")]
WorkersOption = Annotated[Optional[int], typer.Option(
    "--workers", "-j", min=1, help="Worker processes, each loading the model once (env RASD_WORKERS; default: "
                                   "one per available core; an input of one batch stays in one process).")]


def open_engine(ctx: typer.Context, config, engine: Optional[str], scheduler: Optional[str],
                workers: Optional[int]):
    """The engine those flags (or RASD_ENGINE, RASD_SCHEDULER, RASD_WORKERS) ask for; exits 2 on
    an unknown engine or a scheduler without the Dask engine. EngineError (exit 3) when it
    cannot be started or reached."""
    from ..engine import ENGINES
    from ..engine import open_engine as open_

    s = settings(ctx)
    name = engine or s.engine
    where = scheduler or s.scheduler
    if name not in ENGINES:
        typer.echo(f"rasd: --engine must be one of {', '.join(ENGINES)}, not {name!r}", err=True)
        raise typer.Exit(2)
    if where and name != "dask":
        if scheduler:  # an address in RASD_SCHEDULER alone does not turn the engine on
            typer.echo("rasd: --scheduler needs --engine dask", err=True)
            raise typer.Exit(2)
        where = None
    from ..parallel import worker_count

    return open_(name, config, workers=worker_count(workers or s.workers), scheduler=where)
