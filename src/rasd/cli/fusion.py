"""Commands on fused events: fuse, control, agreements."""
from __future__ import annotations

import json
from datetime import date
from typing import Optional

import typer

from . import common, output


def register(app: typer.Typer) -> None:
    app.command("fuse")(fuse)
    app.command("control")(control)
    app.command("agreements")(agreements)


def fuse(
    ctx: typer.Context,
    batch: int = typer.Option(500, "--batch", min=1, help="Events fused per transaction."),
) -> None:
    """Fuse every stored event not yet in a fused event (incremental: fused ones are left alone)."""
    from tqdm import tqdm

    from ..fuse import Fuser
    from ..fuse.agreements import geo_lookup

    with common.store(ctx) as st:
        fuser = Fuser(st, places=_lazy_places(geo_lookup))
        done = 0
        with tqdm(desc="fusing", unit="event", disable=None) as bar:
            while True:
                events = st.unfused_events(limit=batch)
                if not events:
                    break
                fuser.process(events)
                done += len(events)
                bar.update(len(events))
        fused = st.query_fused(limit=1_000_000)
    by_status: dict[str, int] = {}
    for fe in fused:
        by_status[fe.status] = by_status.get(fe.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
    typer.echo(f"fused {done} new events; the store holds {len(fused)} fused events ({summary or 'none'})")


def _lazy_places(make):
    """A place lookup that opens the gazetteer (no NER) only when an agreement first needs it."""
    box: list = []

    def look(name, near):
        if not box:
            try:
                from ..geo import Geoparser, open_gazetteer

                box.append(make(Geoparser(gazetteer=open_gazetteer(), nlp=None)))
            except Exception as exc:  # no gazetteer: agreements keep their events' places
                typer.echo(f"rasd: no gazetteer for agreement places ({exc})", err=True)
                box.append(lambda _n, _p: None)
        return box[0](name, near)

    return look


def _by_other_spelling(st, place: str) -> list:
    """Timelines of the places the gazetteer knows by this name, however the store spells them
    ("Quneitra" finds "Al Qunaytirah"): the gazetteer's candidates, matched by distance."""
    try:
        from ..geo import open_gazetteer

        with open_gazetteer() as gaz:
            cands = sorted(gaz.lookup(place), key=lambda c: -(c.population or 0))[:20]
    except Exception as exc:  # no gazetteer: only the names as stored can be matched
        typer.echo(f"rasd: no gazetteer to match other spellings of {place!r} ({exc})", err=True)
        return []
    seen: set[tuple] = set()
    out = []
    for c in cands:
        if c.lat is None:
            continue
        km = 10.0 if (c.feature or "").startswith("P") else 30.0
        for p in st.control_near(c.lat, c.lon, km):
            key = (p.place.name, p.holder, p.start, p.end)
            if key not in seen:
                seen.add(key)
                out.append(p)
    names = sorted({p.place.name for p in out})
    if names:  # say so: a nearby place is not necessarily the one asked for
        typer.echo(f"rasd: no timeline stored as {place!r}; the gazetteer's {place!r} is within a few km of: "
                   + ", ".join(names), err=True)
    return out


def _check_date(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def control(
    ctx: typer.Context,
    place: Optional[str] = typer.Argument(None, help="A place name: print who held it since when."),
    at: Optional[str] = typer.Option(None, "--at", help="A date (YYYY-MM-DD): list every place's holder then."),
    check: bool = typer.Option(False, "--check", help="List implausible timelines (exit code 1 when there are any)."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of text."),
    fmt: str = typer.Option("text", "--format", "-f", help="text (each period with its evidence), json, jsonl "
                                                            "or csv (one row a period)."),
) -> None:
    """Territorial control: a place's timeline (`rasd control Homs`), all holders on a date (`--at`),
    or the implausible timelines (`--check`). Each period says how many reports (documents) and
    known outlets support it, and a timeline resting on one report says so."""
    output.check_format(fmt, ("text", "json", "jsonl", "csv"))
    as_json = as_json or fmt == "jsonl"
    day = _check_date(at)
    if check:
        _check(ctx, place, as_json)
        return
    if not place and not day:
        raise typer.BadParameter("give a PLACE, --at DATE or --check")
    with common.store(ctx) as st:
        periods = st.control_timeline(place) if place else st.control_at(day)  # type: ignore[arg-type]
        if place and not periods:
            periods = _by_other_spelling(st, place)
        if place and day:
            periods = [p for p in periods if (p.start is None or p.start.isoformat() <= day)
                       and (p.end is None or p.end.isoformat() > day)]
    if not periods:
        typer.echo(f"rasd: no control record for {place or 'any place'}{' on ' + day if day else ''}", err=True)
        raise typer.Exit(1)
    if fmt in ("json", "csv"):
        rows = [{"place": p.place.name, "holder": p.holder, "led_by": p.led_by,
                 "start": p.start.isoformat() if p.start else None, "end": p.end.isoformat() if p.end else None,
                 "status": p.status, "reports": p.reports, "outlets": p.outlets, "basis": p.basis}
                for p in periods]
        output.print_rows(rows if fmt == "csv" else [p.to_dict() for p in periods],
                          [(k, k) for k in rows[0]], fmt)
        return
    for p in periods:
        if as_json:
            typer.echo(json.dumps(p.to_dict(), ensure_ascii=False))
            continue
        since = start_text(p)
        until = p.end.isoformat() if p.end else "now"
        flag = f"  [{p.status}]" if p.status == "disputed" else ""
        led = f", led by {p.led_by}" if p.led_by else ""
        typer.echo(f"{p.place.name}\t{since} → {until}\t{p.holder}{led}{flag}\t{support_text(p)}")
        for e in [e for e in p.evidence if len(e.text) > 40][:3]:  # sentences, not the cited words
            typer.echo(f"    {e.doc_id}:{e.start}-{e.end}  {e.text[:110]}")
    if not as_json and place:
        for name, note in sorted(one_report_notes(periods).items()):
            typer.echo(f"note: the timeline of {name} {note}")


def support_text(p) -> str:
    """"2 reports, outlets: guardian, reuters" / "1 report, no known outlet" / "3 reports (2
    recalled), ..."."""
    if not p.reports:
        return "(support not counted)"
    outlets = f"outlets: {', '.join(p.outlets)}" if p.outlets else "no known outlet"
    recalled = f" ({p.recalled} recalled)" if p.recalled else ""
    return f"{p.reports} report{'s' if p.reports != 1 else ''}{recalled}, {outlets}"


def start_text(p) -> str:
    """A period's start as precisely as it is known: "2017-10-15", "2017-10" (a month), "…"."""
    if p.start is None:
        return "…"
    cut = {"month": 7, "year": 4}.get(p.start_precision or "")
    return p.start.isoformat()[:cut] if cut else p.start.isoformat()


def one_report_notes(periods) -> dict[str, str]:
    """Per place: a note when its whole timeline rests on one report, or which periods do."""
    from ..fuse.control import timeline_summary

    by_place: dict[str, list] = {}
    for p in periods:
        by_place.setdefault(p.place.name, []).append(p)
    notes = {}
    for name, ps in by_place.items():
        summary = timeline_summary(ps)
        if summary["rests_on_one_report"]:
            notes[name] = "rests on one report"
        elif summary["periods_on_one_report"]:
            which = [f"{ps[i].start or '…'} → {ps[i].end or 'now'}" for i in summary["periods_on_one_report"]]
            notes[name] = "has periods resting on one report: " + "; ".join(which)
    return notes


def _check(ctx: typer.Context, place: Optional[str], as_json: bool) -> None:
    from ..fuse.checks import TimelineCheck

    with common.store(ctx) as st:
        kb = _actor_kb()
        keys = st.control_places()
        checker = TimelineCheck(army_country=_army_country(kb), events_of=_events_of(st),
                                last_report=_last_report(st), aliases=_aliases(kb))
        findings = []
        for key in keys:
            periods = st.control_timeline(key)
            if place and not any(place.lower() in p.place.name.lower() for p in periods):
                continue
            findings += checker.check(periods)
    for f in findings:
        if as_json:
            typer.echo(json.dumps(f.to_dict(), ensure_ascii=False))
        else:
            typer.echo(f"{f.place}\t{f.rule}\t{f.start or '…'} → {f.end or 'now'}\t{f.holder}\t{f.detail}")
    if not as_json:
        typer.echo(f"{len(findings)} implausible in {len(keys)} timelines", err=True)
    if findings:
        raise typer.Exit(1)


def _actor_kb():
    from ..code.lexicon import ActorKB

    return ActorKB.load()


def _army_country(kb):
    def country(name: str) -> Optional[str]:
        ident = kb.lookup(name)
        return kb.actors[ident].country if ident else None

    return country


def _aliases(kb):
    def aliases(name: str) -> list[str]:
        ident = kb.lookup(name)
        return [kb.actors[ident].name] + list(kb.actors[ident].aliases) if ident else []

    return aliases


def _events_of(st):
    def events(name: str):
        return [(e.location.lat, e.location.lon, e.event_id) for e in st.query_events(actor=name, limit=100_000)
                if e.location is not None]

    return events


def _last_report(st):
    """The latest event within 10 km of a period's place (the store's last word about it)."""
    from ..geodesy import bbox_around

    def last(p):
        if p.place.lat is None or p.place.lon is None:
            return None
        days = [e.date for e in st.query_events(bbox=bbox_around(p.place.lat, p.place.lon, 10.0),
                                                date_from=p.start.isoformat() if p.start else None, limit=100_000)
                if e.date is not None]
        return max(days) if days else None

    return last


def agreements(
    ctx: typer.Context,
    place: Optional[str] = typer.Option(None, "--place", help="Only agreements at places matching this."),
    status: Optional[str] = typer.Option(None, "--status", help="negotiating, reached or collapsed."),
    limit: int = typer.Option(100, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines (the same as --format jsonl)."),
    fmt: str = output.FormatOption,
) -> None:
    """Evacuation, surrender and reconciliation deals with their clauses and evidence."""
    output.check_format(fmt)
    if status and status not in ("negotiating", "reached", "collapsed"):
        raise typer.BadParameter(f"{status!r}: status is negotiating, reached or collapsed")
    with common.store(ctx) as st:
        rows = st.query_agreements(place=place, status=status, limit=limit)
    fmt = "jsonl" if as_json else fmt
    if fmt in ("json", "jsonl"):
        output.print_rows([a.to_dict() for a in rows], [], fmt)
        return
    table = [{"agreement_id": a.agreement_id, "date": a.date, "place": a.place.name if a.place else None,
              "status": a.status, "parties": [p.name for p in a.parties],
              "clauses": [c.kind for c in a.clauses]} for a in rows]
    output.print_rows(table, [("agreement_id", "AGREEMENT_ID"), ("date", "DATE"), ("place", "PLACE"),
                              ("status", "STATUS"), ("parties", "PARTIES"), ("clauses", "CLAUSES")], fmt,
                      width=50, empty="rasd: no agreements match")
    if fmt == "table":
        for a in rows:  # each clause with the words it rests on
            for c in a.clauses:
                cite = f"{c.evidence.doc_id}:{c.evidence.start}-{c.evidence.end}" if c.evidence else ""
                typer.echo(f"{a.agreement_id}  {c.kind:<11} {c.text[:100]}  [{cite}]")


REPORT_COLUMNS = [("event_id", "EVENT_ID"), ("doc_id", "DOC"), ("outlet", "OUTLET"), ("claimants", "CLAIMANTS"),
                  ("stance", "STANCE"), ("date", "DATE"), ("fatalities_text", "DEAD"), ("sentence", "SENTENCE")]


def print_fused(rows, as_json: bool = False, docs: Optional[dict] = None) -> None:
    """Fused events, each with a table of its reports (``rasd events --fused``): the outlet that
    published a report and the claimants its text names stay in columns of their own; figures
    are shown as reported ("1 / 100+"), not as a range."""
    from ..serve.provenance import fused_answer
    from . import output

    for fe in rows:
        d = fused_answer(fe.to_dict(), docs or {}, compare=False)
        if as_json:
            typer.echo(json.dumps(d, ensure_ascii=False))
            continue
        outlets = f"outlets={len(d['outlets'])}" + (f" ({', '.join(d['outlets'])})" if d["outlets"] else "")
        typer.echo("  ".join([fe.cluster_id, fe.date.isoformat() if fe.date else "-", fe.sub_event_type,
                              fe.actor1.name if fe.actor1 else "-", fe.location.name if fe.location else "-",
                              f"dead={d['fatalities_text'] or '-'}", fe.status, outlets,
                              f"reports={len(fe.reports)}"]))
        output.print_rows(d["reports"], REPORT_COLUMNS, "table", width=60, indent="    ")
        for x in fe.disputes:
            typer.echo(f"    dispute on {x['field']}")
