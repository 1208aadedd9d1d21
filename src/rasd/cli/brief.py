"""`rasd brief`: what is new since a time, for a person to read in two minutes (docs/brief.md)."""
from __future__ import annotations

from typing import Optional

import typer

from . import common

DEFAULT_PAGE = "http://127.0.0.1:8765/"


def register(app: typer.Typer) -> None:
    app.command("brief")(brief)


def event_link(page: str):
    """The address of an event's panel on the page (its evidence highlighted), or None."""
    from urllib.parse import quote

    if not page:
        return None
    base = page if page.endswith("/") else page + "/"
    return lambda event_id: f"{base}#event={quote(event_id, safe='')}"


def brief(
    ctx: typer.Context,
    since: str = typer.Option("24h", "--since", help=common.SINCE_HELP[:-1] + " (default 24h)."),
    place: Optional[str] = typer.Option(None, "--place", "-p", help="Only fused events whose place name contains this."),
    country: Optional[str] = typer.Option(None, "--country", help="Only fused events in this country (ISO alpha-2, e.g. SY)."),
    fmt: str = typer.Option("md", "--format", "-f", help="md (Markdown), html (a page) or json."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    page: str = typer.Option(DEFAULT_PAGE, "--page", help="The address of `rasd serve`'s page, for the evidence "
                             "links ('' for none)."),
    per_group: int = typer.Option(5, "--per-group", min=1, max=100, help="Lines per country and event type "
                                  "(the rest counted: 'and 4 more')."),
) -> None:
    """New and updated fused events since a time, by country and type; the disputed ones with
    both sides; control changes and agreements; each line with its evidence and sources."""
    import json

    from ..brief import BriefLimits, build_brief, render_html, render_markdown

    if fmt not in ("md", "html", "json"):
        typer.echo(f"rasd: --format must be md, html or json, not {fmt!r}", err=True)
        raise typer.Exit(2)
    since_at = common.since(since)
    country = common.country(country)
    with common.store(ctx) as st:
        b = build_brief(st, since=since_at, place=place, country=country, link=event_link(page),
                        limits=BriefLimits(per_group=per_group))
    text = render_markdown(b) if fmt == "md" else render_html(b) if fmt == "html" else \
        json.dumps(b, ensure_ascii=False, indent=2) + "\n"
    if output:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            typer.echo(f"rasd: {output}: cannot write ({exc.strerror or exc})", err=True)
            raise typer.Exit(1)
    else:
        typer.echo(text, nl=False)
