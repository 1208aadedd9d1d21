"""`rasd watch` (follow sources, store new articles) and `rasd sources add|list|remove`."""
from __future__ import annotations

import json
from typing import List, Optional

import typer

from . import common, output

sources_app = typer.Typer(help="The sources `rasd watch` follows (kept in the store).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("watch")(watch)
    app.add_typer(sources_app, name="sources")


def _usage(msg: str) -> None:
    typer.echo(f"rasd: {msg}", err=True)
    raise typer.Exit(2)


def start_dispatcher(ctx: typer.Context, failure):
    """The alert dispatcher on a thread with its own store connection (``stop()`` ends it)."""
    from ..alerts.dispatch import DispatchThread
    from .alerts import alert_settings

    t = DispatchThread(lambda: common.store(ctx), alert_settings(), on_failure=failure)
    t.start()
    return t


def deliver_now(st, failure) -> None:
    """One round of the alert dispatcher on this connection."""
    from ..alerts.dispatch import Dispatcher
    from ..alerts.send import senders
    from .alerts import alert_settings

    settings = alert_settings()
    d = Dispatcher(st, settings, senders(settings), on_failure=failure)
    try:
        d.deliver_due()
        d.release()
    finally:
        d.close()


def _settings(**overrides):
    from ..errors import RasdError
    from ..watch.settings import WatchSettings

    try:
        return WatchSettings.load(**overrides)
    except RasdError as exc:
        _usage(str(exc))


@sources_app.command("add")
def sources_add(
    ctx: typer.Context,
    url: str = typer.Argument(..., help="A feed (RSS, Atom, JSON Feed) or a page that lists articles."),
    name: Optional[str] = typer.Option(None, "--name", help="Short name (default: from the URL)."),
    every: Optional[str] = typer.Option(None, "--every", help="How often to read it: 30s, 15m, 2h, 1d (default 15m)."),
    country: Optional[str] = typer.Option(None, "--country", help="ISO 3166-1 alpha-2 code kept with its documents (SY)."),
    pattern: Optional[str] = typer.Option(None, "--pattern", help="Read the URL as a page listing articles: the "
                                          "links matching this regular expression are the articles."),
) -> None:
    """Follow a source (a second add of the same name changes its settings)."""
    from ..watch.sources import make_source

    settings = _settings()
    with common.store(ctx) as st:
        existing = {s.name: s for s in st.list_sources()}
        same_url = next((s for s in existing.values() if s.url == url.strip()), None)
        if name is None and same_url is not None:
            name = same_url.name  # re-adding a URL changes that source's settings
        was = existing.get(name) if name else None
        if was is not None:  # settings not given are kept
            every = every if every is not None else f"{was.every_s:g}s"
            country = country if country is not None else was.country
            pattern = pattern if pattern is not None else was.pattern
        try:
            src = make_source(url, name=name, every=every, country=country, pattern=pattern,
                              default_every=settings.every_s, taken=existing)
            st.save_source(src)
        except ValueError as exc:
            _usage(str(exc))
    from ..watch.settings import format_duration

    verb = "updated" if src.name in existing else "added"
    typer.echo(f"{verb} source {src.name}: {src.url} every {format_duration(src.every_s)}"
               + (f", country {src.country}" if src.country else "")
               + (f", links matching {src.pattern!r}" if src.pattern else ""))


@sources_app.command("list")
def sources_list(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="JSON Lines (the same as --format jsonl)."),
    fmt: str = output.FormatOption,
) -> None:
    """The sources with their last read, items and errors."""
    from dataclasses import asdict

    from ..watch.settings import format_duration

    output.check_format(fmt)
    with common.store(ctx) as st:
        rows = st.list_sources()
    fmt = "jsonl" if as_json else fmt
    if fmt != "table":
        output.print_rows([asdict(s) for s in rows], SOURCE_COLUMNS, fmt)
        return
    output.print_rows([{**asdict(s), "every": format_duration(s.every_s)} for s in rows],
                      [("name", "NAME"), ("url", "URL"), ("every", "EVERY"), ("kind", "KIND"),
                       ("last_fetch_at", "LAST_READ"), ("last_status", "STATUS"), ("items", "ITEMS"),
                       ("stored", "STORED"), ("failed", "FAILED"), ("country", "CC"), ("last_error", "LAST_ERROR")],
                      "table", width=60, empty="no sources: add one with `rasd sources add URL`")


SOURCE_COLUMNS = [(k, k) for k in ("name", "url", "every_s", "country", "pattern", "origin", "added_at", "kind",
                                   "last_fetch_at", "last_ok_at", "last_status", "last_error", "errors", "items",
                                   "stored", "failed")]


@sources_app.command("remove")
def sources_remove(
    ctx: typer.Context,
    names: List[str] = typer.Argument(..., help="Names (or URLs) of sources to stop following."),
) -> None:
    """Stop following sources (what they brought stays in the store)."""
    missing = 0
    with common.store(ctx) as st:
        by_url = {s.url: s.name for s in st.list_sources()}
        for n in names:
            if st.remove_source(by_url.get(n, n)):
                typer.echo(f"removed source {by_url.get(n, n)}")
            else:
                typer.echo(f"rasd: no source {n!r}", err=True)
                missing += 1
    raise typer.Exit(1 if missing else 0)


def watch(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="One pass over every source, then exit (for cron): "
                              "exit 0 when all were read, 1 when some failed."),
    sources_file: Optional[str] = typer.Option(None, "--sources", help="Watch the sources listed in this file "
                                               "(YAML, or one URL a line); they are saved in the store."),
    only: Optional[List[str]] = typer.Option(None, "--source", help="Only this source (repeatable)."),
    rate: Optional[float] = typer.Option(None, "--rate", help="Requests a second per host (env RASD_WATCH_RATE; default 1)."),
    host_concurrency: Optional[int] = typer.Option(None, "--host-concurrency",
                                                   help="Requests in flight per host (default 2)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", help="Seconds to connect or wait for data (default 20)."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", help="Largest answer read (default 10 MB)."),
) -> None:
    """Follow the sources: read each as it falls due, fetch and store the new articles.

    Runs until stopped (Ctrl-C, SIGTERM) unless --once. State (last reads, ETags, errors,
    articles seen) is kept in the store: a watcher started again goes on where it stopped.
    """
    import asyncio
    import signal
    import sys

    from ..errors import InputError
    from ..watch.sink import build_sink
    from ..watch.sources import load_sources_file
    from ..watch.watcher import Watcher

    settings = _settings(host_rate=rate, host_concurrency=host_concurrency, timeout_s=timeout, max_bytes=max_bytes)
    common.quiet_library_loggers()
    with common.store(ctx) as st:
        names = list(only) if only else None
        if sources_file:
            try:
                listed = load_sources_file(sources_file, default_every=settings.every_s,
                                           known={s.url: s.name for s in st.list_sources()})
            except InputError as exc:
                _usage(str(exc))
            for src in listed:
                try:
                    st.save_source(src)
                except ValueError as exc:
                    _usage(f"{sources_file}: {exc}")
            names = [s.name for s in listed] if names is None else names
        known = {s.name for s in st.list_sources()}
        if not known or (names is not None and not set(names) & known):
            _usage("no sources to watch: add one with `rasd sources add URL` or give --sources FILE")
        if names is not None:
            unknown = sorted(set(names) - known)
            if unknown:
                _usage(f"no source named {', '.join(unknown)}")

        def failure(line: str) -> None:
            typer.echo(f"rasd: {line}", err=True)

        def summary(report) -> None:
            typer.echo(report.line())
            sys.stdout.flush()

        watcher = Watcher(st, build_sink(st, common.settings(ctx).pipeline_config()), settings, on_failure=failure)
        # alerts are delivered beside the passes (one dispatcher per store: the others wait)
        alerts = start_dispatcher(ctx, failure)

        async def main():
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            report = await watcher.run(stop, once=once, names=names, on_pass=summary)
            return report, stop.is_set()

        try:
            report, stopped = asyncio.run(main())
        finally:
            alerts.stop()
        if once and not stopped:  # what this pass queued is delivered before exiting (for cron)
            deliver_now(st, failure)
    if stopped:
        typer.echo("rasd: watcher stopped", err=True)
        raise typer.Exit(130 if once else 0)
    raise typer.Exit(0 if report is None or report.ok else 1)

