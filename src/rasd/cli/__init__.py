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
from typing import Any, Optional

import typer
from typer.core import TyperGroup

from ..config import Settings
from ..errors import RasdError
from . import alerts, brief, documents, evaluation, events, fusion, geo, serve, tokens, watch

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_SERVICE = 0, 1, 2, 3


class GlobalOptionsAnywhere(TyperGroup):
    """The root group: its own options (``--db``, ``-v``) are taken after the command too
    (``rasd serve --db x.db -v`` as ``rasd --db x.db -v serve``), unless that command has an
    option of the same name. The arguments are walked with each command's own options, so a
    value such as ``--text -v`` stays the command's."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(self, ctx, list(args)))


def hoist_global_options(root, ctx, args: list[str]) -> list[str]:
    """``args`` with the root's options that follow a command moved before it."""
    globals_ = _options(root)
    front: list[str] = []
    kept: list[str] = []
    cmd = root
    at = None  # where the first command is in ``kept``: hoisted options go just before it
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            kept += args[i:]
            break
        own = _options(cmd)
        name, _, inline = a.partition("=")
        if a.startswith("-") and a != "-":
            if cmd is not root and name not in own and (name in globals_ or _repeated_short(a, globals_)):
                takes_value = name in globals_ and _takes_value(globals_[name])
                if takes_value and not inline:
                    front += args[i:i + 2]
                    i += 2
                else:
                    front.append(a)
                    i += 1
                continue
            opt = own.get(name)
            kept.append(a)
            if opt is not None and _takes_value(opt) and not inline and i + 1 < len(args):
                kept.append(args[i + 1])
                i += 1
        else:
            if hasattr(cmd, "get_command"):  # a group (typer may bring its own copy of click: no isinstance)
                sub = cmd.get_command(ctx, a)
                if sub is not None:
                    if cmd is root:
                        at = len(kept)
                    cmd = sub
            kept.append(a)
        i += 1
    if at is None:
        return front + kept
    return kept[:at] + front + kept[at:]  # after the root's own options: the later --db wins


def _options(cmd) -> dict[str, Any]:
    """A command's options by each of their names."""
    return {o: p for p in cmd.params if getattr(p, "param_type_name", "") == "option"
            for o in p.opts + p.secondary_opts}


def _takes_value(opt) -> bool:
    return not opt.is_flag and not opt.count


def _repeated_short(arg: str, globals_: dict[str, Any]) -> bool:
    """``-vv``: a counted short option of the root, repeated."""
    return len(arg) > 2 and arg[0] == "-" and arg[1] != "-" and len(set(arg[1:])) == 1 \
        and f"-{arg[1]}" in globals_ and bool(globals_[f"-{arg[1]}"].count)


app = typer.Typer(
    cls=GlobalOptionsAnywhere,
    name="rasd",
    help="rasd (رصد): conflict news in, a structured, geocoded, deduplicated event database out. "
         "The options below (--db, -v) may also follow the command: rasd serve --db x.db -v.",
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


for _module in (documents, evaluation, events, fusion, geo, serve, tokens, watch, brief, alerts):
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
