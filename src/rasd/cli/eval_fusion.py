"""`rasd eval fusion`: fusion against the seed gold's clusters (same event, several reports)."""
from __future__ import annotations

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
    from ..evaluate import fusion as fv
    from ..fuse import BatchFuser
    from ..store import scratch_store
    from . import common

    g, results = common.code_seed_articles(ctx, gold, seeds_dir)
    bf = BatchFuser(scratch_store)
    events = []
    for res in results:
        bf.add([res.document], res.events)
        events += res.events
    bf.settle(events)
    if show:
        from .fusion import print_fused

        print_fused([fe for fe in bf.fused() if len(fe.reports) > 1])
    bf.close()
    typer.echo(fv.score(g, events).report())
