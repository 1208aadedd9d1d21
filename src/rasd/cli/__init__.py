"""The ``rasd`` command line: thin; arguments in, stages and store called, output written.

Each command group lives in its own module with a ``register(app)`` function.
Heavy libraries (spaCy, trafilatura, FastAPI) are imported inside commands so
that ``rasd --help`` stays fast.

Exit codes: 0 success; 1 some inputs failed (the rest were processed);
2 bad usage; 3 the store or a service could not be used.
"""
from __future__ import annotations

import logging
import sys
from typing import Optional

import typer

from ..config import Settings
from ..errors import RasdError
from . import documents, evaluation, events, fusion, geo, serve, transfer, watch

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_SERVICE = 0, 1, 2, 3

app = typer.Typer(
    name="rasd",
    help="rasd (رصد): conflict news in, a structured, geocoded, deduplicated event database out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", help="Store: a SQLite file path, or a PostgreSQL URL such as postgresql://user@host:5432/dbname "
                            "or postgresql:///dbname (env RASD_DB; default ./rasd.db)."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="More logging (-v info, -vv debug)."),
) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.obj = Settings().replace(db=db)


for _module in (documents, evaluation, events, fusion, geo, serve, transfer, watch):
    _module.register(app)


def main() -> None:
    try:
        app()
    except RasdError as exc:
        typer.echo(f"rasd: {exc}", err=True)
        sys.exit(EXIT_SERVICE)
    except KeyboardInterrupt:
        typer.echo("rasd: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # last resort: one line for the user, the traceback only with -vv
        logging.getLogger("rasd").debug("internal error", exc_info=True)
        typer.echo(f"rasd: internal error: {type(exc).__name__}: {exc} (run with -vv for details)", err=True)
        sys.exit(EXIT_SERVICE)
