"""`rasd backup`, `rasd restore`, `rasd copy`: a whole store saved, brought back, or moved between
backends (SQLite and PostgreSQL), every table checked by counting its rows on both sides."""
from __future__ import annotations

import sys
from typing import Optional

import typer

from . import common


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("copy")(copy)


def backup(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="The backup file to write (must not exist)."),
    sqlite: bool = typer.Option(False, "--sqlite", help="SQLite's online backup (a copy of the store file, "
                                "written while writers go on) instead of the logical backup; SQLite stores only."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Save the whole store to FILE: a logical backup (gzip JSON Lines, every table; restored by
    `rasd restore` into either backend, no outside tool needed), or with --sqlite a SQLite file."""
    from pathlib import Path

    from ..store.transfer import dump, total_rows

    with common.store(ctx) as st:
        if sqlite:
            if not hasattr(st, "backup_to"):
                _fail("--sqlite backs up a SQLite store; for PostgreSQL use the logical backup "
                      "(or `rasd copy --to FILE.db`)", code=2)
            if Path(file).exists():
                _fail(f"{file} exists: remove it or give another name", code=2)
            st.backup_to(file)
            typer.echo(f"rasd: backed up {common.settings(ctx).db} to {file} (SQLite online backup)")
            return
        health = st.health()
        with _bar(total_rows(st) if progress else None, progress, "backup") as bar:
            counts = dump(st, file, backend=type(st).__name__, schema_version=health["schema_version"],
                          progress=bar.update if bar is not None else None)
    _report(counts, f"backed up to {file}")


def restore(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="A backup of `rasd backup` (logical or --sqlite)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Restore FILE into the store (--db), which must be empty (a new file or database)."""
    from ..store import open_store
    from ..store.transfer import backup_kind, copy_store, load, total_rows

    kind = backup_kind(file)
    with common.store(ctx) as st:
        if kind == "sqlite":
            with open_store(file) as src, _bar(total_rows(src) if progress else None, progress, "restore") as bar:
                counts = copy_store(src, st, progress=bar.update if bar is not None else None)
        else:
            with _bar(None, progress, "restore") as bar:
                counts = load(file, st, progress=bar.update if bar is not None else None)
    _report(counts, f"restored {file}")


def copy(
    ctx: typer.Context,
    source: str = typer.Option(..., "--from", help="The store to copy: a SQLite path or a postgresql:// URL."),
    target: str = typer.Option(..., "--to", help="An empty store to copy into (a new SQLite file, or an empty "
                               "PostgreSQL database)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Copy a whole store into another, of either backend (SQLite <-> PostgreSQL): every table,
    with each table's rows counted on both sides."""
    from ..store import open_store, store_label
    from ..store.transfer import copy_store, total_rows

    with open_store(source) as src, open_store(target) as dst:
        with _bar(total_rows(src) if progress else None, progress, "copy") as bar:
            counts = copy_store(src, dst, progress=bar.update if bar is not None else None)
    _report(counts, f"copied {store_label(source)} to {store_label(target)}")


class _NoBar:
    def __enter__(self):
        return None

    def __exit__(self, *exc: object) -> None:
        pass


def _bar(total: Optional[int], enabled: bool, desc: str):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    # disable=None: a bar only when stderr is a terminal
    return tqdm(total=total, unit="rows", desc=desc, file=sys.stderr, disable=None, dynamic_ncols=True)


def _report(counts, what: str) -> None:
    width = max(len(c.table) for c in counts) if counts else 5
    for c in counts:
        typer.echo(f"{c.table:<{width}}  {c.target:>9}")
    typer.echo(f"rasd: {what}: {len(counts)} tables, {sum(c.target for c in counts)} rows, "
               "every table's count checked", err=True)


def _fail(message: str, code: int = 3) -> None:
    typer.echo(f"rasd: {message}", err=True)
    raise typer.Exit(code)
