"""Commands on events: `rasd extract` (code documents, print events) and `rasd events` (query the store)."""
from __future__ import annotations

import json
import sys
from typing import List, Optional

import typer

from ..errors import InputError
from . import common


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)
    app.command("events")(events)


def extract(
    ctx: typer.Context,
    paths: List[str] = typer.Argument(..., help="Files or directories to read ('-' for stdin), as for ingest."),
    meta: Optional[str] = typer.Option(None, "--meta", help="JSONL of per-document metadata (doc_id or file, published, outlet)."),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl (one event per line) or csv (ACLED column names)."),
    delimiter: common.DelimiterOption = None,
    text_column: common.TextColumnOption = None,
    id_column: common.IdColumnOption = None,
    date_column: common.DateColumnOption = None,
    workers: common.WorkersOption = None,
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
    engine: common.EngineOption = None,
    scheduler: common.SchedulerOption = None,
) -> None:
    """Code documents into events and write them to stdout (nothing is stored).

    The stages run here, in --workers processes, or on a Dask cluster (--engine dask); the
    output is the same, in input order."""
    if fmt not in ("jsonl", "csv"):
        typer.echo(f"rasd: --format must be jsonl or csv, not {fmt!r}", err=True)
        raise typer.Exit(2)
    from tqdm import tqdm

    from ..read import ReadOptions, load_meta, read_paths

    rows = common.row_options(text_column, id_column, date_column, delimiter)
    try:
        opts = ReadOptions(meta=load_meta(meta) if meta else {}, rows=rows)
    except (OSError, ValueError) as exc:
        typer.echo(f"rasd: {meta}: cannot read metadata ({exc})", err=True)
        raise typer.Exit(2)
    failed = 0
    state = {"header": True, "events": 0}

    def docs():
        nonlocal failed
        for item in read_paths(paths, opts):
            if isinstance(item, InputError):
                common.report_error(item)
                failed += 1
                continue
            yield item

    bar = tqdm(desc="extract", unit="doc", disable=not progress, file=sys.stderr)
    from ..fuse import BatchFuser
    from ..store import scratch_store

    fusion = BatchFuser(scratch_store)  # events are fused across the whole run, then written with cluster_id/status
    coded: list = []

    def _fuse(results) -> None:
        nonlocal failed
        good = []
        for r in results:
            if r.error is not None:  # one line naming the input; the others go on
                typer.echo(f"rasd: {r.error}", err=True)
                failed += 1
            else:
                for warning in r.document.meta.get("warnings") or []:  # e.g. a language rasd does not code
                    typer.echo(f"rasd: warning: {r.document.source or r.document.doc_id}: {warning}", err=True)
                good.append(r)
        fusion.add([r.document for r in good], [e for r in good for e in r.events])
        coded.extend(good)
    config = common.settings(ctx).pipeline_config(with_events=True)
    with common.open_engine(ctx, config, engine, scheduler, workers) as eng:
        for chunk, per_input in eng.run(docs()):
            _fuse([r for results in per_input for r in results])
            bar.update(len(chunk))
    bar.close()
    fusion.settle([e for r in coded for e in r.events])
    fusion.close()
    _write(coded, fmt, state)
    typer.echo(f"extracted {state['events']} events; {failed} inputs failed", err=True)
    raise typer.Exit(1 if failed else 0)


def _write(results, fmt: str, state: dict) -> None:
    evs = [e for r in results for e in r.events]
    state["events"] += len(evs)
    if fmt == "csv":
        from ..export.acled_csv import write_csv

        for r in results:  # the columns that cite the event: its document's outlet and address
            for e in r.events:
                e.attrs.setdefault("outlet", r.document.outlet)
                e.attrs.setdefault("url", r.document.url)
        write_csv(evs, sys.stdout, header=state["header"])
        state["header"] = False
    else:
        for e in evs:
            sys.stdout.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def events(
    ctx: typer.Context,
    event_type: Optional[str] = typer.Option(None, "--type", "-t", help="Event type or sub-event type (exact)."),
    actor: Optional[str] = typer.Option(None, "--actor", "-a", help="Actor name contains this, or a name or alias "
                                                                   "the knowledge base knows (SDF, HTS)."),
    place: Optional[str] = typer.Option(None, "--place", "-p", help="Location or admin1 contains this."),
    country: Optional[str] = typer.Option(None, "--country", help="The place's country (ISO 3166-1 alpha-2, e.g. SY)."),
    date_from: Optional[str] = typer.Option(None, "--from", help="On or after this date (YYYY-MM-DD)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="On or before this date (YYYY-MM-DD)."),
    since: Optional[str] = typer.Option(None, "--since", help=common.SINCE_HELP[:-1]
                                        + " (with --fused: new or changed since, see docs/brief.md)."),
    text: Optional[str] = typer.Option(None, "--text", help="The event's sentence contains this."),
    min_confidence: Optional[float] = typer.Option(None, "--min-confidence", min=0.0, max=1.0,
                                                   help="The coder's confidence at least (0-1)."),
    limit: int = typer.Option(100, help="At most this many."),
    offset: int = typer.Option(0, help="Skip this many."),
    fmt: str = typer.Option("table", "--format", "-f", help="table (with a header), json, jsonl or csv (ACLED columns)."),
    fused: bool = typer.Option(False, "--fused", help="Fused events (one per real-world event) with their reports."),
    status: Optional[str] = typer.Option(None, "--status", help="With --fused: confirmed, single-source or disputed."),
) -> None:
    """Query the events in the store, newest first, with analysts' corrections applied
    (rejected events left out), as the HTTP API and `rasd export` show them."""
    from . import output

    common.check_dates(("--from", date_from), ("--to", date_to))
    output.check_format(fmt)
    since_at = common.since(since)
    country = common.country(country)
    if fused:
        from .fusion import print_fused

        if fmt == "csv":
            typer.echo("rasd: --fused prints table, json or jsonl", err=True)
            raise typer.Exit(2)
        with common.store(ctx) as st:
            rows_f = st.query_fused(status=status, event_type=event_type, place=place, date_from=date_from,
                                    date_to=date_to, limit=limit, offset=offset, country=country, since=since_at)
            docs = st.document_summaries(r.doc_id for fe in rows_f for r in fe.reports)
        print_fused(rows_f, as_json=fmt in ("json", "jsonl"), docs=docs)
        return
    # what the API, the page and `rasd export` show: analysts' corrections applied, rejections left out
    kw = dict(actor=_actor_names(actor) if actor else None, place=place, date_from=date_from, date_to=date_to, text=text,
              min_confidence=min_confidence, limit=limit, offset=offset, country=country, since=since_at)
    with common.store(ctx) as st:
        rows = st.query_events_view(event_type=event_type, **kw)
        if event_type and not rows:
            rows = st.query_events_view(sub_event_type=event_type, **kw)
    if fmt == "csv":
        from ..export.acled_csv import write_csv

        write_csv(rows, sys.stdout)
        return
    if fmt in ("json", "jsonl"):
        from ..export import event_json

        output.print_rows([event_json(e) for e in rows], [], fmt)
        return
    output.print_rows([event_row(e) for e in rows], EVENT_COLUMNS, fmt, width=32,
                      empty="rasd: no events match")


def _actor_names(actor: str) -> list[str]:
    """The actor filter through the knowledge base: "SDF" also finds "Syrian Democratic Forces"."""
    from ..code.actor_search import ActorSearch
    from ..code.lexicon import ActorKB

    return ActorSearch(ActorKB.load()).names(actor)


EVENT_COLUMNS = [("event_id", "EVENT_ID"), ("date", "DATE"), ("sub_event_type", "SUB_EVENT_TYPE"),
                 ("actor1", "ACTOR1"), ("actor2", "ACTOR2"), ("location", "PLACE"), ("country", "CC"),
                 ("fatalities", "DEAD"), ("confidence", "CONF"), ("stance", "STANCE"), ("review", "REVIEW"),
                 ("doc_id", "DOC")]


def event_row(e) -> dict:
    """An event as a row of the events table."""
    return {"event_id": e.event_id, "date": e.date.isoformat() if e.date else None,
            "sub_event_type": e.sub_event_type, "actor1": e.actor1.name if e.actor1 else None,
            "actor2": e.actor2.name if e.actor2 else None, "location": e.location.name if e.location else None,
            "country": e.location.country if e.location else None, "fatalities": e.fatalities,
            "confidence": round(float(e.confidence), 2), "stance": e.stance,
            "review": e.attrs.get("review"), "doc_id": e.doc_id}
