"""`rasd eval acled` and `rasd eval seeds`: the event coder against gold data."""
from __future__ import annotations

import csv
import json
from typing import List, Optional

import typer


def register_eval(eval_app: typer.Typer) -> None:
    eval_app.command("acled")(acled)
    eval_app.command("seeds")(seeds)
    eval_app.command("articles")(articles)


def acled(
    ctx: typer.Context,
    inputs: List[str] = typer.Argument(..., help="ACLED export CSV files, directories of them, or glob patterns."),
    per_country: Optional[int] = typer.Option(None, "--per-country", min=1,
                                              help="Score at most N rows of each country, drawn with --seed."),
    seed: int = typer.Option(0, "--seed", help="Seed of the --per-country sample (the same rows for the same seed)."),
    admin_tables: Optional[List[str]] = typer.Option(
        None, "--admin-tables", help="Directory of OCHA-style admin CSVs whose places count as covered in their "
                                     "country (default: ../shared/data/dev/gazetteer/ocha_syria_admin when present)."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
    as_json: bool = typer.Option(False, "--json", hidden=True, help="Same as --format json."),
    misses: int = typer.Option(0, "--misses", help="Also print this many rows whose sub-event type was missed."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Run the coder on the notes of ACLED rows and print accuracy per field, per country and
    per event type, with the event-type confusion table (scoring: see rasd.evaluate.acled)."""
    from ..evaluate import acled as ev
    from . import common

    if fmt not in ("text", "json"):
        typer.echo(f"rasd: --format must be text or json, not {fmt!r}", err=True)
        raise typer.Exit(2)
    files, empty = ev.expand_inputs(inputs)
    failed = bool(empty)
    for spec in empty:
        typer.echo(f"rasd: {spec}: no CSV file there", err=True)
    rows: list = []
    for f in files:
        try:
            got, rep = ev.read_rows(f)
        except (OSError, ValueError, UnicodeDecodeError, csv.Error) as exc:
            typer.echo(f"rasd: {f}: cannot read ACLED rows ({exc})", err=True)
            failed = True
            continue
        for w in rep.warnings():
            typer.echo(f"rasd: {f}: {w}", err=True)
        rows += got
    if not rows:
        typer.echo("rasd: no ACLED rows to score", err=True)
        raise typer.Exit(1)
    if per_country:
        rows = ev.sample_per_country(rows, per_country, seed)
    if admin_tables is None:
        default = common.shared_dir() / "data" / "dev" / "gazetteer" / "ocha_syria_admin"
        admin_tables = [str(default)] if default.is_dir() else []
    coverage = ev.PlaceCoverage.load(admin_tables)
    events = common.code_documents(ctx, [ev.row_document(r) for r in rows], "eval acled", progress)
    score = ev.score(rows, events, coverage)
    if as_json or fmt == "json":
        typer.echo(json.dumps(score.as_dict(), indent=2))
    else:
        typer.echo(score.report())
    for m in score.misses[:misses]:
        typer.echo(f"- [{m['country']}] gold {m['gold']!r} pred {m['pred']!r}: {m['notes']}")
    if failed:
        raise typer.Exit(1)


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


def articles(
    ctx: typer.Context,
    gold_path: str = typer.Argument(..., metavar="GOLD", help="Article gold JSON (e.g. gold/guardian_sdf.json)."),
    corpus: Optional[str] = typer.Option(None, "--corpus", help="The corpus file the gold was made on (default: the "
                                                                "gold's corpus.file under ../shared, env RASD_SHARED)."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Event-level precision and recall of the coder on real articles against a hand-made gold,
    with the false positives (sentence and fields) and the missed gold events."""
    from pathlib import Path

    from ..errors import InputError
    from ..evaluate import articles as av
    from ..read import read_paths
    from . import common

    if fmt not in ("text", "json"):
        typer.echo(f"rasd: --format must be text or json, not {fmt!r}", err=True)
        raise typer.Exit(2)
    try:
        gold = av.load_gold(gold_path)
    except (OSError, av.GoldError) as exc:
        typer.echo(f"rasd: {gold_path}: cannot read the gold ({exc})", err=True)
        raise typer.Exit(2)
    if corpus is None:
        rel = gold.corpus.get("file")
        if not rel:
            typer.echo(f"rasd: {gold_path}: the gold names no corpus file; give --corpus", err=True)
            raise typer.Exit(2)
        corpus = str(common.shared_dir() / rel) if gold.corpus.get("root") == "shared" else str(Path(gold_path).parent / rel)
    docs = []
    for item in read_paths([corpus]):
        if isinstance(item, InputError):
            common.report_error(item)
        else:
            docs.append(item)
    found, missing = av.select_documents(gold, docs)
    for a in missing:
        typer.echo(f"rasd: {corpus}: gold article of row {a.row} not found (content hash {a.content_hash})", err=True)
    if not found:
        typer.echo(f"rasd: {corpus}: none of the gold's articles is there", err=True)
        raise typer.Exit(1)
    chosen = list(found.values())
    coded = common.code_documents(ctx, chosen, "eval articles", progress, clean=True, batch=8)
    score = av.score(gold, found, {d.doc_id: evs for d, evs in zip(chosen, coded)})
    typer.echo(json.dumps(score.as_dict(), indent=2, ensure_ascii=False) if fmt == "json" else score.report())
    if missing:
        raise typer.Exit(1)
