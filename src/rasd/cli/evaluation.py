"""`rasd eval ...`: scoring against gold corpora. Each evaluation adds its own command here."""
from __future__ import annotations

import typer

eval_app = typer.Typer(help="Score rasd against gold data (ACLED notes, the seeds, geoparsing corpora).",
                       no_args_is_help=True)


@eval_app.callback()
def _eval() -> None:
    """Score rasd against gold data."""


def register(app: typer.Typer) -> None:
    # modules that add `rasd eval X` commands: each has register_eval(eval_app)
    from . import eval_events, eval_fusion, eval_geo

    for module in (eval_events, eval_fusion, eval_geo):
        module.register_eval(eval_app)
    app.add_typer(eval_app, name="eval")
