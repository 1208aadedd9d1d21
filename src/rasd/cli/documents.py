"""Commands on documents: ingest, documents, show, stats."""
from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import InputError
from . import common, output

log = logging.getLogger(__name__)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("documents")(documents)
    app.command("show")(show)
    app.command("stats")(stats)


def ingest(
    ctx: typer.Context,
    paths: List[str] = typer.Argument(
        ..., help="Files or directories (read recursively) to ingest; '-' reads stdin; "
                  "http(s) URLs are fetched (politely, as `rasd watch` does)."),
    meta: Optional[str] = typer.Option(
        None, "--meta", help="JSONL of per-document metadata: doc_id or file, published, outlet."),
    fmt: str = typer.Option("auto", "--format", help="auto (by extension), text, html, jsonl, csv or tsv."),
    delimiter: common.DelimiterOption = None,
    text_column: common.TextColumnOption = None,
    id_column: common.IdColumnOption = None,
    date_column: common.DateColumnOption = None,
    max_bytes: Optional[int] = typer.Option(
        None, "--max-bytes", help="Refuse files larger than this (env RASD_MAX_FILE_BYTES; default 50 MB)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
    batch_size: int = typer.Option(32, "--batch-size", min=1,
                                   help="Documents processed together (one partition sent to a worker)."),
    engine: common.EngineOption = None,
    scheduler: common.SchedulerOption = None,
    workers: common.WorkersOption = None,
) -> None:
    """Read, clean and store documents (files, stdin or web pages). Same content twice changes nothing.

    The stages run here, in --workers processes, or on a Dask cluster (--engine dask); the
    documents are written here, each with its events in one transaction, in input order. A run
    stopped part-way and started again skips what it stored (docs/scale.md).

    Exit code 1 when any input failed (the others are stored), 2 on bad usage, 3 when the
    store or the engine cannot be used.
    """
    from ..engine import already_stored
    from ..pipeline import store_results
    from ..read import FORMATS, Reader, ReadOptions, load_meta

    if fmt not in FORMATS:
        _usage(f"--format must be one of {', '.join(FORMATS)}")
    rows = common.row_options(text_column, id_column, date_column, delimiter)
    settings = common.settings(ctx)
    limit = max_bytes if max_bytes is not None else settings.max_file_bytes
    if limit <= 0:
        _usage("--max-bytes must be positive")
    try:
        meta_rows = load_meta(meta) if meta else {}
    except InputError as exc:
        _usage(str(exc))
    skip = {str(Path(meta).resolve())} if meta else set()
    opts = ReadOptions(meta=meta_rows, max_bytes=limit, format=fmt, skip=skip, rows=rows)
    common.quiet_library_loggers()
    from ..watch.urls import is_web_url

    urls = [p for p in paths if is_web_url(p)]
    paths = [p for p in paths if not is_web_url(p)]
    reader = Reader(opts)
    bar = _progress_bar(reader.input_bytes(paths) if progress and not urls else None, enabled=progress)
    if bar is not None:
        opts.progress = bar.update
    counts = {"new": 0, "updated": 0, "unchanged": 0, "duplicate": 0}
    failed = 0

    def fail(err: "InputError | str") -> None:
        nonlocal failed
        failed += 1
        if bar is not None:
            bar.clear()
        if isinstance(err, InputError):
            common.report_error(err)
        else:
            typer.echo(f"rasd: {err}", err=True)

    def write(results: list) -> None:
        """One input's Results (a glued input gives several), written in one transaction; an
        input the stages failed on is reported and left out."""
        kept = []
        for r in results:
            if r.error is not None:
                fail(r.error)
                continue
            for warning in r.document.meta.get("warnings") or []:
                if bar is not None:
                    bar.clear()
                typer.echo(f"rasd: warning: {r.document.source or r.document.doc_id}: {warning}", err=True)
            if r.document.text.strip():
                kept.append(r)
            else:
                fail(InputError(r.document.source or r.document.doc_id,
                                f"no article text left in {r.document.doc_id!r} after removing boilerplate"))
        # one transaction per input: each document with its events (and every part of a split
        # input) is written whole, and a crash loses nothing committed before
        for out in store_results(st, pipe, fuser, kept):
            counts[out.status] += 1

    def todo(st):
        """The inputs to code: read errors reported, inputs stored already (a resumed run) counted."""
        for item in _inputs(reader, paths, urls, max_bytes):
            if isinstance(item, InputError):
                fail(item)
            elif already_stored(st, item):
                counts["unchanged"] += 1
            else:
                yield item

    config = settings.pipeline_config(batch_size=batch_size)
    with common.open_engine(ctx, config, engine, scheduler, workers) as eng, common.store(ctx) as st:
        t0 = time.perf_counter()
        pipe = fuser = None
        for _part, per_input in eng.run(todo(st)):
            if pipe is None:  # built when there is something to write: stored content loads nothing
                pipe = eng.writer()
                # events, when coded, are fused as each document is stored (no events: nothing to fuse)
                fuser = pipe.fuser_for(st)
            for results in per_input:
                write(results)
            if bar is not None:
                done = sum(counts.values())
                rate = done / max(1e-6, time.perf_counter() - t0)
                bar.set_postfix_str(f"{done} docs, {rate:.0f} docs/s, {failed} failed", refresh=False)
    if bar is not None:
        bar.close()
    secs = time.perf_counter() - t0
    total = sum(counts.values())
    if reader.stats.skipped:
        exts = sorted({Path(p).suffix or "(none)" for p in reader.stats.skipped})
        typer.echo(f"rasd: skipped {len(reader.stats.skipped)} file(s) of other types ({', '.join(exts[:8])}); "
                   "name them explicitly or use --format to read them", err=True)
    typer.echo(f"stored {counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged"
               + (f", {counts['duplicate']} duplicate" if counts["duplicate"] else "")
               + f"; {failed} failed ({total} documents in {secs:.1f} s, {total / secs if secs else 0:.0f} docs/s)")
    raise typer.Exit(1 if failed else 0)


def _inputs(reader, paths: list, urls: list, max_bytes: Optional[int]):
    """Documents or InputErrors: the files' first, then the fetched pages'."""
    if paths:
        yield from reader.read_paths(paths)
    if urls:
        from ..watch.pages import fetch_documents
        from ..watch.settings import WatchSettings

        yield from fetch_documents(urls, reader, WatchSettings.load(max_bytes=max_bytes))


def _usage(msg: str) -> None:
    typer.echo(f"rasd: {msg}", err=True)
    raise typer.Exit(2)


def _progress_bar(total: Optional[int], enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    # disable=None: a bar only when stderr is a terminal (no noise in logs and pipes)
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc="ingest",
                file=sys.stderr, disable=None, dynamic_ncols=True)


def documents(
    ctx: typer.Context,
    search: Optional[str] = typer.Option(None, "--search", "-s",
                                         help="Full-text search: words (all must occur), \"quoted phrases\", prefix*."),
    since: Optional[str] = typer.Option(None, "--since", help=common.SINCE_HELP[:-1] + " (newest first)."),
    limit: int = typer.Option(50, help="At most this many."),
    offset: int = typer.Option(0, help="Skip this many."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines (the same as --format jsonl)."),
    fmt: str = output.FormatOption,
) -> None:
    """List stored documents, or search them (full text, FTS5), or those stored since a time."""
    output.check_format(fmt)
    if limit < 0 or offset < 0:
        _usage("--limit and --offset must not be negative")
    since_at = common.since(since)
    with common.store(ctx) as st:
        rows = st.list_documents(search, limit=limit, offset=offset, since=since_at)
    fmt = "jsonl" if as_json else fmt
    cols = ([("stored_at", "STORED")] if since_at else []) + [
        ("doc_id", "DOC_ID"), ("published", "PUBLISHED"), ("outlet", "OUTLET"), ("chars", "CHARS"),
        ("title", "TITLE")] + ([("snippet", "MATCH")] if search else [])
    output.print_rows([r.__dict__ for r in rows], cols, fmt, width=60,
                      empty="no documents" + (f" match {search!r}" if search else "")
                      + (f" stored since {since_at}" if since_at else ""))


def show(
    ctx: typer.Context,
    doc_id: str = typer.Argument(..., help="The document's id."),
    offsets: bool = typer.Option(False, "--offsets", help="Each paragraph with its span in the raw text."),
    raw: bool = typer.Option(False, "--raw", help="The raw text as read, not the cleaned text."),
    as_json: bool = typer.Option(False, "--json", help="The document as JSON (text, raw, metadata, offsets)."),
) -> None:
    """Print a document's clean text with its metadata."""
    with common.store(ctx) as st:
        doc = st.get_document(doc_id)
    if doc is None:
        typer.echo(f"rasd: no document {doc_id!r}", err=True)
        raise typer.Exit(1)
    if as_json:
        typer.echo(json.dumps({
            "doc_id": doc.doc_id, "title": doc.title, "published": doc.published.isoformat() if doc.published else None,
            "outlet": doc.outlet, "url": doc.url, "source": doc.source, "encoding": doc.encoding,
            "content_hash": doc.content_hash, "meta": doc.meta, "text": doc.text, "raw": doc.raw,
            "offsets": doc.offsets.to_list()}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"# {doc.doc_id}  published={doc.published or '-'}  outlet={doc.outlet or '-'}  "
               f"encoding={doc.encoding or '-'}  chars={len(doc.text)} (raw {len(doc.raw)})")
    if doc.title:
        typer.echo(f"# title: {doc.title}")
    if raw:
        sys.stdout.write(doc.raw + "\n")
        return
    if not offsets:
        sys.stdout.write(doc.text + "\n")
        return
    typer.echo("# clean_start-clean_end  raw_start-raw_end  text")
    pos = 0
    for line in doc.text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        rs, re_ = doc.raw_span(start, end)
        typer.echo(f"{start:>6}-{end:<6} {rs:>6}-{re_:<6} {line}")


def stats(ctx: typer.Context) -> None:
    """Counts of what the store holds (JSON)."""
    with common.store(ctx) as st:
        typer.echo(json.dumps(st.stats(), indent=2, ensure_ascii=False))
