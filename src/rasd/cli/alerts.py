"""`rasd alerts add|list|remove|test|deliver`: saved searches that notify (docs/alerts.md)."""
from __future__ import annotations

import json
from typing import Optional

import typer

from . import common

alerts_app = typer.Typer(help="Alerts: saved searches over fused events, notified by webhook or e-mail "
                              "on each new or changed event they match.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")


def _usage(msg: str) -> None:
    typer.echo(f"rasd: {msg}", err=True)
    raise typer.Exit(2)


def alert_settings():
    """The alert settings (data file and RASD_* variables), or exit 2 naming the bad value."""
    from ..alerts.settings import AlertSettings
    from ..errors import RasdError

    try:
        return AlertSettings.load()
    except RasdError as exc:
        _usage(str(exc))


@alerts_app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The alert's name (letters, digits, '.', '_', '-')."),
    webhook: Optional[str] = typer.Option(None, "--webhook", help="POST each notification (JSON, signed) to this URL."),
    email: Optional[str] = typer.Option(None, "--email", help="Send each notification to this address (SMTP: "
                                        "RASD_SMTP_HOST, ...; see docs/alerts.md)."),
    secret: Optional[str] = typer.Option(None, "--secret", help="The webhook's HMAC key (default: a new random one, "
                                         "printed once)."),
    event_type: Optional[str] = typer.Option(None, "--type", "-t", help="ACLED event type."),
    sub_type: Optional[str] = typer.Option(None, "--sub-type", help="ACLED sub-event type."),
    actor: Optional[str] = typer.Option(None, "--actor", "-a", help="An actor's name contains this."),
    place: Optional[str] = typer.Option(None, "--place", "-p", help="The place's name contains this."),
    country: Optional[str] = typer.Option(None, "--country", help="The place's country (ISO alpha-2, e.g. SY)."),
    status: Optional[str] = typer.Option(None, "--status", help="confirmed, single-source or disputed."),
    min_corroboration: Optional[int] = typer.Option(None, "--min-corroboration", help="At least this many outlets."),
    date_from: Optional[str] = typer.Option(None, "--from", help="Events on or after this date (YYYY-MM-DD)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Events on or before this date (YYYY-MM-DD)."),
    bbox: Optional[str] = typer.Option(None, "--bbox", help="west,south,east,north in degrees."),
    text: Optional[str] = typer.Option(None, "--text", help="Words in the event's record."),
) -> None:
    """Save an alert (the same name again replaces it): notify on each new or changed fused event
    matching the filters (a new status, a higher corroboration, another type, place or figure)."""
    from ..alerts.model import AlertError, make_alert

    box = None
    if bbox is not None:
        try:
            box = [float(x) for x in bbox.split(",")]
        except ValueError:
            _usage(f"--bbox: {bbox!r} is not west,south,east,north in degrees")
    filters = {"event_type": event_type, "sub_event_type": sub_type, "actor": actor, "place": place,
               "country": common.country(country), "status": status, "min_corroboration": min_corroboration,
               "date_from": date_from, "date_to": date_to, "bbox": box, "text": text}
    try:
        alert = make_alert(name, webhook=webhook, email=email, filters=filters, secret=secret)
    except AlertError as exc:
        _usage(_flag_words(str(exc)))
    with common.store(ctx) as st:
        replaced = st.get_alert(name) is not None
        st.save_alert(alert)
    typer.echo(f"{'replaced' if replaced else 'added'} alert {alert.name}: {alert.channel} {alert.target}"
               + (f" when {json.dumps(alert.filters, ensure_ascii=False)}" if alert.filters else " on every fused event"))
    if alert.channel == "webhook" and secret is None:
        typer.echo(f"signing secret (X-Rasd-Signature = sha256 HMAC of the body; shown once): {alert.secret}")


def _flag_words(msg: str) -> str:
    """An AlertError's field named as the flag that sets it (filters.event_type -> --type)."""
    from ..alerts.model import FILTERS

    for key, flag in FILTERS.items():
        if msg.startswith(f"filters.{key}:"):
            return flag + msg[len(f"filters.{key}"):]
    for word in ("webhook", "email", "secret"):
        if msg.startswith(f"{word}:"):
            return f"--{msg}"
    return msg


@alerts_app.command("list")
def list_(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of a table."),
    notifications: Optional[str] = typer.Option(None, "--notifications", help="The last notifications of this "
                                                "alert (what was sent, what failed and why)."),
    limit: int = typer.Option(20, "--limit", min=1, max=10_000, help="With --notifications: at most this many."),
) -> None:
    """The alerts, with how many notifications are pending, sent and failed."""
    from ..alerts.model import public

    with common.store(ctx) as st:
        if notifications is not None:
            if st.get_alert(notifications) is None:
                typer.echo(f"rasd: no alert {notifications!r}", err=True)
                raise typer.Exit(1)
            for n in st.notifications(notifications, limit=limit):
                if as_json:
                    typer.echo(json.dumps(n.__dict__, ensure_ascii=False))
                else:
                    typer.echo("\t".join([str(n.id), n.created_at, f"{n.cluster_id}#{n.revision}", n.status,
                                          f"attempts={n.attempts}", n.sent_at or n.next_at or "-", n.last_error or ""]))
            return
        rows = st.list_alerts()
    if not rows and not as_json:
        typer.echo("no alerts (add one with `rasd alerts add NAME --webhook URL`)", err=True)
    for a in rows:
        if as_json:
            typer.echo(json.dumps(public(a), ensure_ascii=False))
        else:
            typer.echo("\t".join([a.name, a.channel, a.target, json.dumps(a.filters, ensure_ascii=False),
                                  f"pending={a.pending}", f"sent={a.sent}", f"failed={a.failed}"]))


@alerts_app.command("remove")
def remove(ctx: typer.Context, names: list[str] = typer.Argument(..., help="Alerts to delete (their queued "
                                                                        "notifications go with them).")) -> None:
    """Delete alerts."""
    missing = 0
    with common.store(ctx) as st:
        for n in names:
            if st.remove_alert(n):
                typer.echo(f"removed alert {n}")
            else:
                typer.echo(f"rasd: no alert {n!r}", err=True)
                missing += 1
    raise typer.Exit(1 if missing else 0)


@alerts_app.command("test")
def test(ctx: typer.Context, name: str = typer.Argument(..., help="The alert to test.")) -> None:
    """Send a test notification now (kind "test", the newest fused event it matches, if any):
    exit 0 when it was delivered, 1 with the reason when not."""
    from ..alerts.dispatch import Dispatcher, newest_match
    from ..alerts.send import senders

    settings = alert_settings()
    with common.store(ctx) as st:
        alert = st.get_alert(name)
        if alert is None:
            typer.echo(f"rasd: no alert {name!r}", err=True)
            raise typer.Exit(1)
        event = newest_match(st, alert)
        d = Dispatcher(st, settings, senders(settings))
        try:
            error = d.test(alert, event)
        finally:
            d.close()
    if error:
        typer.echo(f"rasd: alert {name}: {alert.target}: {error}", err=True)
        raise typer.Exit(1)
    typer.echo(f"sent a test notification to {alert.target}")


@alerts_app.command("deliver")
def deliver(ctx: typer.Context) -> None:
    """Deliver the notifications now due, once (for cron; `rasd watch` and `rasd serve --watch`
    deliver as they go): exit 0 when every one was sent, 1 when some failed or wait for a retry."""
    from ..alerts.dispatch import Dispatcher
    from ..alerts.send import senders

    settings = alert_settings()
    with common.store(ctx) as st:
        d = Dispatcher(st, settings, senders(settings), on_failure=lambda line: typer.echo(f"rasd: {line}", err=True))
        try:
            report = d.deliver_due()
            d.release()
        finally:
            d.close()
    if not report.held:
        typer.echo("rasd: another dispatcher holds this store's alert lease; it delivers", err=True)
        raise typer.Exit(0)
    typer.echo(f"{report.sent} sent, {report.retrying} to retry, {report.failed} failed")
    raise typer.Exit(1 if report.retrying or report.failed else 0)
