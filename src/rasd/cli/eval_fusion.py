"""`rasd eval fusion`: fusion against the seed gold's clusters (same event, several reports)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import typer


def register_eval(eval_app: typer.Typer) -> None:
    eval_app.command("fusion")(fusion)


def fusion(
    ctx: typer.Context,
    gold: Optional[str] = typer.Option(None, "--gold", help="Gold file (default ../shared/gold/seeds.json, env RASD_SHARED)."),
    seeds_dir: Optional[str] = typer.Option(None, "--seeds", help="Seed articles (default ../shared/seeds)."),
    show: bool = typer.Option(False, "--show", help="Also print every fused event with two or more reports."),
) -> None:
    """Code and fuse the seed articles; say which gold clusters became one fused event."""
    from ..errors import InputError
    from ..evaluate import fusion as fv
    from ..fuse import BatchFuser
    from ..pipeline import Pipeline
    from ..read import ReadOptions, load_meta, read_paths
    from . import common

    shared = Path(os.environ.get("RASD_SHARED", "../shared"))
    gold_path = Path(gold) if gold else shared / "gold" / "seeds.json"
    sdir = Path(seeds_dir) if seeds_dir else shared / "seeds"
    try:
        g = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        typer.echo(f"rasd: {gold_path}: cannot read gold ({exc})", err=True)
        raise typer.Exit(2)
    meta = sdir / "meta.jsonl"
    opts = ReadOptions(meta=load_meta(str(meta)) if meta.exists() else {}, skip={str(meta.resolve())})
    pipe = Pipeline.for_ingest(with_events=True, gazetteer=common.settings(ctx).gazetteer)
    bf = BatchFuser()
    events = []
    for item in read_paths([str(sdir)], opts):
        if isinstance(item, InputError):
            common.report_error(item)
            continue
        for res in pipe.run([item]):
            bf.add([res.document], res.events)
            events += res.events
    bf.settle(events)
    if show:
        from .fusion import print_fused

        print_fused([fe for fe in bf.fused() if len(fe.reports) > 1])
    bf.close()
    typer.echo(fv.score(g, events).report())
