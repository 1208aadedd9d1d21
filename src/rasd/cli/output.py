"""Listings on stdout, one way for every listing command: a table with a header (the default),
``--format json`` (one JSON array), ``jsonl`` (one object a line) or ``csv`` (a header, then rows).

A listing is a list of rows (dicts) and the columns to show: (key, header) pairs. The table
cuts long cells to a width; json, jsonl and csv keep every value whole (json and jsonl keep
the row's other keys too).
"""
from __future__ import annotations

import csv
import json
import sys
from typing import Any, Iterable, Optional, Sequence

import typer

FORMATS = ("table", "json", "jsonl", "csv")

FormatOption = typer.Option("table", "--format", "-f", help="table (with a header), json, jsonl or csv.")


def check_format(fmt: str, allowed: Sequence[str] = FORMATS) -> str:
    """Exit 2 with one line when ``--format`` is not one of ``allowed``."""
    if fmt not in allowed:
        typer.echo(f"rasd: --format must be {', '.join(allowed[:-1])} or {allowed[-1]}, not {fmt!r}", err=True)
        raise typer.Exit(2)
    return fmt


def cell(value: Any) -> str:
    """A value as a table or CSV cell: '-' for nothing, lists joined by ', '."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(cell(v) for v in value) or "-"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return " ".join(str(value).split())


def print_rows(rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, str]], fmt: str = "table", *,
               width: int = 40, out=None, empty: Optional[str] = None, indent: str = "") -> int:
    """Write the rows in ``fmt``; return how many. ``empty`` is said on stderr when there are none
    (table only; json prints [], csv its header)."""
    out = out or sys.stdout
    rows = list(rows)
    if fmt == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=1, default=str) + "\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    elif fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow([h for _, h in columns])
        from ..export import csv_cell

        for r in rows:
            w.writerow([csv_cell("" if r.get(k) is None else cell(r.get(k)) if isinstance(r.get(k), (list, dict))
                                 else r.get(k)) for k, _ in columns])
    else:
        if not rows:
            if empty:
                typer.echo(empty, err=True)
            return 0
        table = [[h for _, h in columns]] + [[_cut(cell(r.get(k)), width) for k, _ in columns] for r in rows]
        widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
        for n, line in enumerate(table):
            out.write(indent + "  ".join(v.ljust(widths[i]) for i, v in enumerate(line)).rstrip() + "\n")
            if n == 0:
                out.write(indent + "  ".join("-" * w for w in widths) + "\n")
    out.flush()
    return len(rows)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
