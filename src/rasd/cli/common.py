"""Helpers the command modules share: opening the store, reporting input errors."""
from __future__ import annotations

import typer

from ..config import Settings
from ..errors import InputError
from ..store import Store, open_store


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()


def store(ctx: typer.Context) -> Store:
    return open_store(settings(ctx).db)


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
