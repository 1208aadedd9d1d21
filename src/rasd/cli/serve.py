"""`rasd serve` (HTTP API and web page) and `rasd export` (events to CSV, GeoJSON, JSONL, Parquet)."""
from __future__ import annotations

import os
import sys
from typing import List, Optional

import typer

from . import common


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("export")(export_cmd)


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", envvar="RASD_HOST", help="Address to listen on."),
    port: int = typer.Option(8765, "--port", envvar="RASD_PORT", help="Port (0: any free port)."),
    token: Optional[str] = typer.Option(None, "--token", envvar="RASD_TOKEN",
                                        help="Token for writes (default: a new one, printed)."),
    require_token_for_reads: bool = typer.Option(False, "--require-token-for-reads",
                                                 envvar="RASD_REQUIRE_TOKEN_FOR_READS",
                                                 help="Reads need the token too (always from non-loopback clients)."),
    gazetteer: Optional[str] = typer.Option(None, "--gazetteer", help="Gazetteer file for place search "
                                            "(env RASD_GAZETTEER; built on first use)."),
    no_gazetteer: bool = typer.Option(False, "--no-gazetteer",
                                      help="Serve without place search (ingested events get no places)."),
    tiles: Optional[str] = typer.Option(None, "--tiles", envvar="RASD_TILES",
                                        help="Tile URL template ({z}/{x}/{y}) drawn over the bundled country outlines."),
    max_body_mb: float = typer.Option(10.0, "--max-body-mb", envvar="RASD_MAX_BODY_MB",
                                      help="Largest request body accepted, in MB."),
    workers: int = typer.Option(1, "--workers", envvar="RASD_SERVE_WORKERS",
                                help="Server processes sharing the port (each opens the store itself)."),
    allowed_host: Optional[List[str]] = typer.Option(
        None, "--allowed-host", help="A host name (or address) the server answers to besides localhost, "
        "127.0.0.1 and [::1]; repeatable (env RASD_ALLOWED_HOSTS, comma-separated). Requests naming "
        "another Host get a 400."),
    watch: bool = typer.Option(False, "--watch", help="Also run `rasd watch` beside the page (a thread of "
                               "the server process) on the sources in the store."),
) -> None:
    """Serve the store as an HTTP API with the web page (map, timeline, events, corrections)."""
    import socket

    from ..serve.app import new_token
    from ..store import store_label

    if workers < 1:
        typer.echo("rasd: --workers must be at least 1", err=True)
        raise typer.Exit(2)
    from ..serve.ingest import remove_stale_uploads

    remove_stale_uploads()  # upload folders that killed servers of earlier versions left behind
    settings = common.settings(ctx)
    token = token or new_token()
    gaz_path = None if no_gazetteer else (gazetteer or settings.gazetteer)
    # a file given with --gazetteer is used as it is; the default one is built on first use
    if gaz_path is not None and gazetteer is None:
        g = _open_gazetteer(gaz_path, build=True)
        if g is not None:
            g.close()
    with common.store(ctx) as st:  # opens (and migrates) the store once, before any worker starts
        events = st.health()["events"]
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)  # connections queue from now on, while the workers start
    except OSError as exc:
        typer.echo(f"rasd: cannot listen on {host}:{port}: {exc.strerror}", err=True)
        raise typer.Exit(3)
    real_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"rasd: serving {events} events from {store_label(settings.db)}" + (f" ({workers} workers)" if workers > 1 else ""))
    typer.echo(f"rasd: open http://{shown}:{real_port}/#token={token}")
    typer.echo(f"rasd: API at http://{shown}:{real_port}/api/docs ; write token: {token}")
    sys.stdout.flush()
    opts = dict(token=token, require_token_for_reads=require_token_for_reads,
                max_body_bytes=int(max_body_mb * 1024 * 1024), tiles=tiles,
                allowed_hosts=_allowed_hosts(host, allowed_host or []))

    if workers == 1:
        watchers = _start_watcher(ctx, gaz_path) if watch else []
        try:
            _run_worker(ctx, sock, gaz_path, opts)
        finally:
            for t in watchers:
                t.stop()
    else:
        _run_workers(ctx, sock, gaz_path, opts, workers, watch)


def _start_watcher(ctx: typer.Context, gaz_path: Optional[str]) -> list:
    """The watcher on a thread of this process, with its own store connection and the same
    ingest pipeline as the HTTP ingest, and the alert dispatcher on another; returns both
    threads (``stop()`` each)."""
    from ..watch import thread
    from .watch import start_dispatcher

    def make(st):
        from ..watch.settings import WatchSettings
        from ..watch.sink import PipelineSink
        from ..watch.watcher import Watcher

        # the HTTP ingest's pipeline, but RASD_EVENTS=0 is obeyed (documents only)
        pipe = _pipeline_factory(common.settings(ctx).pipeline_config(gazetteer=gaz_path))()
        return Watcher(st, PipelineSink(st, pipe), WatchSettings.load(),
                       on_failure=lambda line: typer.echo(f"rasd: watch: {line}", err=True))

    common.quiet_library_loggers()
    t = thread.WatchThread(lambda: common.store(ctx), make,
                           on_pass=lambda report: typer.echo(f"rasd: watch: {report.line()}", err=True))
    t.start()
    alerts = start_dispatcher(ctx, lambda line: typer.echo(f"rasd: alerts: {line}", err=True))
    typer.echo("rasd: watching the store's sources (`rasd sources list`) and delivering alerts (`rasd alerts list`)")
    return [t, alerts]


def _run_worker(ctx: typer.Context, sock, gaz_path: Optional[str], opts: dict) -> None:
    """One server process: its own store connections, gazetteer and pipeline."""
    import uvicorn

    from ..serve.app import create_app

    settings = common.settings(ctx)
    gaz = _open_gazetteer(gaz_path, build=False) if gaz_path else None
    st = common.store(ctx)
    app = create_app(st, settings, gazetteer=gaz, pipeline_factory=_pipeline_factory(
                         settings.pipeline_config(with_events=True, gazetteer=gaz_path)),
                     ontology=_ontology(), actors=_actor_search(), **opts)
    # a stop (SIGTERM, Ctrl-C) waits at most a second for requests in flight; an ingest still
    # running then is dropped with its open transaction (ingest threads are daemons)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           timeout_graceful_shutdown=1))
    try:
        server.run(sockets=[sock])
    finally:
        st.close()


def _run_workers(ctx: typer.Context, sock, gaz_path: Optional[str], opts: dict, n: int, watch: bool = False) -> None:
    """Fork ``n`` workers sharing the listening socket; stop them all on SIGINT or SIGTERM.
    With ``watch`` the parent runs the watcher (started after the fork: no thread is forked)."""
    import signal

    children = []
    for _ in range(n):
        pid = os.fork()
        if pid == 0:  # the worker opens its own connections after the fork
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                _run_worker(ctx, sock, gaz_path, opts)
            finally:
                os._exit(0)
        children.append(pid)

    def stop(signum, frame):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    watchers = _start_watcher(ctx, gaz_path) if watch else []
    try:
        for pid in children:
            os.waitpid(pid, 0)
    finally:
        for t in watchers:
            t.stop()


def _allowed_hosts(host: str, named: List[str]) -> list[str]:
    """Host names the server answers to besides the loopback ones: those named (flags, then
    RASD_ALLOWED_HOSTS), and, when it listens beyond loopback, its address and the machine's names."""
    import ipaddress
    import socket

    out = [h.strip() for h in named if h.strip()]
    out += [h.strip() for h in os.environ.get("RASD_ALLOWED_HOSTS", "").split(",") if h.strip()]
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        wildcard = host in ("0.0.0.0", "::", "")
        if not wildcard:
            out.append(host)
        names = {socket.gethostname(), socket.getfqdn()}
        out += sorted(names)
        if wildcard:
            for name in names:
                try:
                    out += sorted({info[4][0] for info in socket.getaddrinfo(name, None)})
                except OSError:
                    pass
    return out


def _open_gazetteer(path: str, build: bool):
    try:
        from ..geo import open_gazetteer
    except ImportError:
        return None
    try:
        return open_gazetteer(path, build_default=build)
    except Exception as exc:  # place search is optional: say why and serve without it
        typer.echo(f"rasd: gazetteer {path}: {exc}; place search is off", err=True)
        return None


def _actor_search():
    from ..code.actor_search import ActorSearch
    from ..code.lexicon import ActorKB

    return ActorSearch(ActorKB.load())


def _ontology():
    try:
        from ..code.lexicon import Ontology
    except ImportError:
        return None
    return Ontology.load().types


def _pipeline_factory(config):
    """The ingest pipeline with the event coder, coding in a process of its own (started on the
    first ingest: it loads the model), so that a long document stalls neither the server's
    other requests nor its stop; written here. Without a gazetteer (``--no-gazetteer``) events
    are coded without places."""
    def build():
        from ..parallel import PipelineProcess

        return PipelineProcess(config)
    return build


def export_cmd(
    ctx: typer.Context,
    fmt: str = typer.Option("jsonl", "--format", "-f", help="csv (ACLED columns), geojson, jsonl or parquet."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="File to write (default: standard output)."),
    event_type: Optional[str] = typer.Option(None, "--type", help="ACLED event type."),
    sub_type: Optional[str] = typer.Option(None, "--sub-type", help="ACLED sub-event type."),
    actor: Optional[str] = typer.Option(None, "--actor", help="Part of an actor's name."),
    place: Optional[str] = typer.Option(None, "--place", help="Part of a place or province name."),
    date_from: Optional[str] = typer.Option(None, "--from", help="YYYY-MM-DD, inclusive."),
    date_to: Optional[str] = typer.Option(None, "--to", help="YYYY-MM-DD, inclusive."),
    include_rejected: bool = typer.Option(False, "--include-rejected", help="Also events an analyst rejected."),
) -> None:
    """Export events (corrections applied and marked), streamed in batches."""
    from .. import export
    from ..errors import RasdError

    if fmt not in export.FORMATS:
        typer.echo(f"rasd: --format {fmt!r}: one of {', '.join(export.FORMATS)}", err=True)
        raise typer.Exit(2)
    common.check_dates(("--from", date_from), ("--to", date_to))
    if fmt == "parquet" and not output and sys.stdout.isatty():
        typer.echo("rasd: Parquet is binary: give --output FILE", err=True)
        raise typer.Exit(2)
    filters = dict(event_type=event_type, sub_event_type=sub_type, actor=actor, place=place,
                   date_from=date_from, date_to=date_to, include_rejected=include_rejected)
    tmp = f"{output}.part" if output else None
    n = 0
    with common.store(ctx) as st:
        def counted():
            nonlocal n
            for batch in st.iter_events_view(batch=1000, **filters):
                n += len(batch)
                yield batch
        try:
            chunks = export.stream(fmt, counted())
            if output:
                with open(tmp, "wb") as fh:
                    for chunk in chunks:
                        fh.write(chunk)
                os.replace(tmp, output)  # nothing half-written under the real name
            else:
                out = sys.stdout.buffer
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
        except ImportError as exc:
            _cleanup(tmp)
            raise RasdError(f"--format {fmt}: {exc}") from None
        except OSError as exc:
            _cleanup(tmp)
            typer.echo(f"rasd: {output}: {exc.strerror or exc}", err=True)
            raise typer.Exit(1)
    typer.echo(f"rasd: exported {n} events as {fmt}" + (f" to {output}" if output else ""), err=True)


def _cleanup(path: Optional[str]) -> None:
    if path and os.path.exists(path):
        os.remove(path)
