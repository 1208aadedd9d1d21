"""`rasd eval acled` and `rasd eval seeds`: the event coder against gold data."""
from __future__ import annotations

import json
import sys
from typing import List, Optional

import typer


def register_eval(eval_app: typer.Typer) -> None:
    eval_app.command("acled")(acled)
    eval_app.command("seeds")(seeds)


def acled(
    ctx: typer.Context,
    files: List[str] = typer.Argument(..., help="ACLED export CSV files (with notes, event_date, timestamp ...)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    misses: int = typer.Option(0, "--misses", help="Also print this many rows whose sub-event type was missed."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Run the coder on the notes of ACLED rows and print accuracy per field."""
    from tqdm import tqdm

    from ..evaluate import acled as ev
    from ..pipeline import build_pipeline
    from . import common

    rows = []
    for f in files:
        try:
            rows += ev.load_rows(f)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            typer.echo(f"rasd: {f}: cannot read ACLED rows ({exc})", err=True)
            raise typer.Exit(1)
    # ACLED notes are clean already: the stages after cleaning
    pipe = build_pipeline(common.settings(ctx).pipeline_config(with_events=True, clean=False))
    docs = [ev.row_document(r, i) for i, r in enumerate(rows)]
    events = []
    bar = tqdm(total=len(docs), desc="eval acled", unit="row", disable=not progress, file=sys.stderr)
    for i in range(0, len(docs), 64):
        for res in pipe.run_batch(docs[i:i + 64]):
            events.append(res.events)
        bar.update(len(docs[i:i + 64]))
    bar.close()
    score = ev.score(rows, events, pipe.actors)
    if as_json:
        typer.echo(json.dumps(score.as_dict(), indent=2))
    else:
        typer.echo(score.report())
    for m in score.misses[:misses]:
        typer.echo(f"- gold {m['gold']!r} pred {m['pred']!r}: {m['notes']}")


def seeds(
    ctx: typer.Context,
    gold: Optional[str] = typer.Option(None, "--gold", help="Gold file (default ../shared/gold/seeds.json, env RASD_SHARED)."),
    seeds_dir: Optional[str] = typer.Option(None, "--seeds", help="Seed articles (default ../shared/seeds)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    show: bool = typer.Option(False, "--show", help="Also print every predicted event."),
) -> None:
    """Score the coder on the seed articles against the seed gold."""
    from ..evaluate import seeds as sv
    from . import common

    g, results = common.code_seed_articles(ctx, gold, seeds_dir)
    events = [e for res in results for e in res.events]
    score = sv.score(g, events)
    if show:
        for e in events:
            loc = e.location.name if e.location else "-"
            typer.echo(f"{e.doc_id[:12]} {e.date} {e.event_type}/{e.sub_event_type} @ {loc} :: {(e.sentence or '')[:90]}")
    typer.echo(json.dumps(score.as_dict(), indent=2) if as_json else score.report())
