"""Events, fused events, corrections, the timeline histogram, map points and exports."""
from __future__ import annotations

import json
import time
from typing import Any, Iterator, Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from .. import corrections as corr
from .. import export
from ..analysts import OWNER
from ..export import fatalities_text
from . import params as P
from . import responses as R
from .auth import require_read, require_write
from .evidence import excerpts
from .params import event_filters, paging
from .provenance import fused_answer
from .records import record_json
from .responses import json_response as _json

router = APIRouter()


def _event_json(e) -> dict[str, Any]:
    return export.event_json(e)


@router.get("/api/meta", dependencies=[Depends(require_read)], tags=["service"],
            summary="What the page needs to start: event types and sub-types, tile URL, whether places can be searched",
            responses=R.responses(401))
def meta(request: Request):
    types: dict[str, list[str]] = {k: list(v) for k, v in (request.app.state.ontology or {}).items()}
    for t, sub in _type_pairs(request):
        subs = types.setdefault(t, [])
        if sub not in subs:
            subs.append(sub)
    return _json({"event_types": types, "tiles": request.app.state.tiles,
                  "gazetteer": request.app.state.gazetteer is not None})


_PAIRS_SECONDS = 30.0


def _type_pairs(request: Request) -> list[tuple[str, str]]:
    """The store's (type, sub-type) pairs, read at most every 30 s: reading them scans every event
    (0.3 s on 100,000), and every page that opens asks for them; a type new to the store reaches
    the type filter within 30 s."""
    cached = getattr(request.app.state, "type_pairs", None)
    now = time.monotonic()
    if cached is None or now - cached[0] > _PAIRS_SECONDS:
        cached = (now, request.app.state.store.reader().event_type_pairs())
        request.app.state.type_pairs = cached
    return cached[1]


@router.get("/api/events", dependencies=[Depends(require_read)], tags=["events"],
            summary="Events (one document's report each), corrections applied; newest first",
            openapi_extra=P.openapi(P.FILTERS, P.PAGING, count=(
                {"type": "boolean", "default": False}, "also return the total number matching"), view=(
                {"type": "string", "enum": ["full", "summary"], "default": "full"},
                "full records, or short summaries (no evidence) for lists")), responses=R.responses(401, 422))
def list_events(request: Request, f: dict = Depends(event_filters), page: tuple = Depends(paging)):
    limit, offset = page
    count = P.boolean(request.query_params, "count")
    view = P.choice(request.query_params, "view", ("full", "summary"), "full")
    st = request.app.state.store.reader()
    if view == "summary":
        out: dict[str, Any] = {"items": st.query_events_summary(limit=limit, offset=offset, **f)}
        out.update(limit=limit, offset=offset,
                   next_offset=offset + limit if len(out["items"]) == limit else None)
        if count:
            out["total"] = st.count_events_view(**f)
        return _json(out)
    items = [record_json(r) for r in st.query_event_records(limit=limit, offset=offset, **f)]
    tail: dict[str, Any] = {"limit": limit, "offset": offset,
                            "next_offset": offset + limit if len(items) == limit else None}
    if count:
        tail["total"] = st.count_events_view(**f)
    body = '{"items":[' + ",".join(items) + "]," + json.dumps(tail, separators=(",", ":"))[1:]
    return Response(body, media_type="application/json")


@router.get("/api/events/histogram", dependencies=[Depends(require_read)], tags=["events"],
            summary="Matching events per day, month or year (the timeline)",
            openapi_extra=P.openapi(P.FILTERS, bin=({"type": "string", "enum": ["day", "month", "year"],
                                                      "default": "month"}, "the width of a bar")),
            responses=R.responses(401, 422))
def histogram(request: Request, f: dict = Depends(event_filters)):
    bin = P.choice(request.query_params, "bin", ("day", "month", "year"), "month")
    st = request.app.state.store.reader()
    rows = st.event_histogram(bin=bin, **f)
    return _json({"bin": bin, "bins": [{"bin": b, "count": n} for b, n in rows],
                  "total": st.count_events_view(**f)})


@router.get("/api/events/points", dependencies=[Depends(require_read)], tags=["events"],
            summary="[event_id, lat, lon, event_type, date] of matching placed events, for the map "
                    "(coordinates to 5 decimals, about a metre)",
            openapi_extra=P.openapi(P.FILTERS, limit=({"type": "integer", "minimum": 1, "maximum": 50_000,
                                                       "default": 5000}, "at most this many points")),
            responses=R.responses(401, 422))
def points(request: Request, f: dict = Depends(event_filters)):
    limit = P.integer(request.query_params, "limit", 5000, 1, 50_000)
    rows = request.app.state.store.reader().event_points(limit=limit, **f)
    # a metre is finer than any place the coder gives; a third less to send and parse
    pts = [[i, round(lat, 5), round(lon, 5), t, d] for i, lat, lon, t, d in rows]
    return _json({"points": pts, "truncated": len(rows) == limit})


@router.get("/api/events/{event_id}", dependencies=[Depends(require_read)], tags=["events"],
            summary="One event with its evidence in context, its reports, corrections and control timeline",
            responses=R.responses(401, 404, 422))
def get_event(request: Request, event_id: str):
    st, ev = event_or_404(request, event_id)
    doc = st.get_document(ev.doc_id)
    out: dict[str, Any] = {"event": _event_json(ev), "corrections": st.corrections_of(event_id)}
    if doc is not None:
        from .api_documents import language_of

        out["document"] = {"doc_id": doc.doc_id, "title": doc.title, "outlet": doc.outlet, "url": doc.url,
                           "published": doc.published.isoformat() if doc.published else None,
                           "language": language_of(request, doc)}
        out["excerpts"] = excerpts(doc.raw, ev.evidence, ev.sentence, ev.doc_id)
    fused = st.get_fused_view(ev.cluster_id) if ev.cluster_id else None
    if fused is not None:
        fused = fused_answer(fused, st.document_summaries(r["doc_id"] for r in fused.get("reports") or []))
    out["fused"] = fused
    out["reports"] = (fused or {}).get("reports") or [
        {"event_id": ev.event_id, "doc_id": ev.doc_id, "outlet": doc.outlet if doc else None, "stance": ev.stance,
         "date": ev.date.isoformat() if ev.date else None, "fatalities": ev.fatalities,
         "fatalities_text": fatalities_text(ev.fatalities, bool(ev.attrs.get("fatalities_at_least"))),
         "sentence": ev.sentence, "claimants": list(ev.sources), "title": doc.title if doc else None,
         "url": doc.url if doc else None,
         "published": doc.published.isoformat() if doc and doc.published else None}]
    out["control"], out["control_support"] = _control(st, ev.location.name if ev.location else None)
    return _json(out)


def _risky_move(request: Request, event_id: str, new: dict[str, Any]) -> Optional[dict[str, Any]]:
    """Why this new location needs the analyst's confirmation (see serve/workbench.py), or None."""
    from .workbench import risky_move

    now = request.app.state.store.reader().get_event_view(event_id)
    if now is None:
        return None  # the write answers 404
    rules = request.app.state.workbench
    search = request.app.state.place_search
    at = (lambda lat, lon: search.country_at(lat, lon, rules.country_of_point_km)) if search else (lambda lat, lon: None)
    return risky_move(now.location, new, rules, at)


def note_and_author(request: Request, body: dict[str, Any]) -> tuple[Optional[str], str]:
    """The ``note`` of a write's body, checked, and its author (see ``writer``)."""
    note, author = body.get("note"), body.get("author")
    if note is not None and (not isinstance(note, str) or len(note) > 2000):
        raise P.bad("note", "a string of at most 2000 characters")
    if author is not None and (not isinstance(author, str) or len(author) > 200):
        raise P.bad("author", "a string of at most 200 characters")
    return note, writer(request, author)


def writer(request: Request, claimed: Optional[str]) -> str:
    """The author of a write: the analyst's token's name; with the server's own token, the
    body's ``author`` when given (as before analysts had tokens), else ``owner``."""
    author = getattr(request.state, "author", None) or OWNER
    if author == OWNER:
        return claimed if claimed and claimed.strip() else OWNER
    if claimed is not None and claimed != author:
        raise HTTPException(403, f"bad author: this token writes as {author!r}, not {claimed[:60]!r} "
                                 "(leave author out)")
    return author


def event_or_404(request: Request, event_id: str):
    """(a reader, the event with its corrections) of a path's event id; 404 when there is none."""
    P.checked_text("event_id", event_id)
    st = request.app.state.store.reader()
    ev = st.get_event_view(event_id)
    if ev is None:
        raise HTTPException(404, f"no event {event_id!r}")
    return st, ev


def _control(st, place: Optional[str]) -> tuple[list[dict[str, Any]], Optional[dict[str, Any]]]:
    """The place's timeline and what it rests on (``rests_on_one_report`` for the panel's caveat)."""
    if not place or not hasattr(st, "control_timeline"):
        return [], None
    from ..fuse.control import timeline_summary

    periods = st.control_timeline(place)
    return [p.to_dict() for p in periods], (timeline_summary(periods) if periods else None)


_NAME = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"}
_ACTOR = {"oneOf": [_NAME, {"type": "object", "required": ["name"], "properties": {"name": _NAME},
                            "additionalProperties": False}]}
CORRECTION_BODY: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "event_type": {**_NAME, "maxLength": 100, "description": "an ACLED event type"},
        "sub_event_type": {**_NAME, "maxLength": 100, "description": "an ACLED sub-event type"},
        "actor1": _ACTOR, "actor2": {"oneOf": [_ACTOR, {"type": "null"}]},
        "location": {"oneOf": [{"type": "null"}, _NAME, {
            "type": "object", "required": ["name"], "dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
            "additionalProperties": False,
            "properties": {"name": _NAME, "lat": {"type": "number", "minimum": -90, "maximum": 90},
                           "lon": {"type": "number", "minimum": -180, "maximum": 180},
                           "country": {"type": "string", "maxLength": 100},
                           "admin1": {"type": "string", "maxLength": 100}}}]},
        "date": {"oneOf": [{"type": "null"}, {"type": "string", "format": "date", "pattern": P.DATE_PATTERN}]},
        "fatalities": {"oneOf": [{"type": "null"}, {"type": "integer", "minimum": 0, "maximum": 1_000_000}]},
        "rejected": {"type": "boolean"},
        "note": {"type": "string", "maxLength": 2000}, "author": {"type": "string", "maxLength": 200},
        "confirm": {"type": "boolean", "description": "yes, move the event more than 100 km or to another "
                                                      "country (without it such a move answers 409)"},
    },
    "anyOf": [{"required": [f]} for f in corr.FIELDS],
}


@router.post("/api/events/{event_id}/corrections", dependencies=[Depends(require_write)], tags=["corrections"],
             summary="Correct an event's type, sub-type, actors, place, date or fatalities, or reject it",
             status_code=201, openapi_extra=P.json_body_openapi(CORRECTION_BODY, {
                 "place": {"summary": "the place named in the headline (confirmed: it may be far from the "
                                      "machine's place)", "value": {
                     "location": {"name": "Harasta", "lat": 33.56, "lon": 36.36}, "confirm": True,
                     "note": "the town named in the headline"}},
                 "reject": {"summary": "not an event", "value": {
                     "rejected": True, "note": "not an event: an anniversary piece"}}}),
             responses=R.responses(201, 401, 403, 404, 409, 413, 422))
async def correct_event(request: Request, event_id: str):
    body = await P.json_body(request)
    P.checked_text("event_id", event_id)
    unknown = sorted(set(body) - set(CORRECTION_BODY["properties"]))
    if unknown:
        raise P.bad(unknown[0], f"not a correctable field (one of {', '.join(corr.FIELDS)}, note, author, confirm)")
    confirm = body.get("confirm", False)
    if not isinstance(confirm, bool):
        raise P.bad("confirm", "true or false")
    confirm = confirm or P.boolean(request.query_params, "confirm")
    changes = {k: v for k, v in body.items() if k not in ("note", "author", "confirm")}
    if not changes:
        raise P.bad("body", f"give at least one of {', '.join(corr.FIELDS)}")
    if isinstance(changes.get("date"), str):
        P.day_value("date", changes["date"])
    if isinstance(changes.get("fatalities"), float) and changes["fatalities"].is_integer():
        changes["fatalities"] = int(changes["fatalities"])  # JSON's 12.0 is the whole number 12
    try:
        clean = {k: corr.validate(k, v, request.app.state.ontology) for k, v in changes.items()}
    except corr.CorrectionError as exc:
        raise HTTPException(422, f"bad correction: {exc}") from None
    note, author = note_and_author(request, body)
    from starlette.concurrency import run_in_threadpool

    store = request.app.state.store
    if clean.get("location") and not confirm:
        risk = await run_in_threadpool(_risky_move, request, event_id, clean["location"])
        if risk is not None:
            return _json(risk, status=409)
    ev = await run_in_threadpool(store.add_correction, event_id, clean, author=author, note=note)
    if ev is None:
        raise HTTPException(404, f"no event {event_id!r}")
    return _json({"event": _event_json(ev), "corrections": store.corrections_of(event_id)}, status=201)


@router.get("/api/events/{event_id}/corrections", dependencies=[Depends(require_read)], tags=["corrections"],
            summary="The corrections of one event, oldest first", responses=R.responses(401, 422))
def list_corrections(request: Request, event_id: str):
    P.checked_text("event_id", event_id)
    return _json({"corrections": request.app.state.store.reader().corrections_of(event_id)})


@router.get("/api/fused", dependencies=[Depends(require_read)], tags=["fused events"],
            summary="Fused events (real-world events, reports across outlets), newest first",
            openapi_extra=P.openapi(P.FILTERS, P.PAGING), responses=R.responses(401, 422))
def list_fused(request: Request, f: dict = Depends(event_filters), page: tuple = Depends(paging)):
    limit, offset = page
    f = {k: v for k, v in f.items() if k not in ("doc_id", "include_rejected")}
    if f.get("status") == "rejected":
        f["status"] = None
    st = request.app.state.store.reader()
    items = st.query_fused_view(limit=limit, offset=offset, **f)
    docs = st.document_summaries(r["doc_id"] for x in items for r in x.get("reports") or [])
    items = [fused_answer(x, docs, compare=False) for x in items]
    return _json({"items": items, "limit": limit, "offset": offset,
                  "next_offset": offset + limit if len(items) == limit else None})


@router.get("/api/fused/{cluster_id}", dependencies=[Depends(require_read)], tags=["fused events"],
            summary="One fused event with its reports (each with outlet, title, date, url, claimants) and "
                    "a field-by-field comparison of what they say", responses=R.responses(401, 404, 422))
def get_fused(request: Request, cluster_id: str):
    P.checked_text("cluster_id", cluster_id)
    st = request.app.state.store.reader()
    fused = st.get_fused_view(cluster_id)
    if fused is None:
        raise HTTPException(404, f"no fused event {cluster_id!r}")
    return _json(fused_answer(fused, st.document_summaries(r["doc_id"] for r in fused.get("reports") or [])))


@router.get("/api/export", dependencies=[Depends(require_read)], tags=["exports"],
            summary="Every matching event as ACLED-column CSV, GeoJSON, JSON Lines or Parquet, streamed",
            openapi_extra=P.openapi(P.FILTERS, format=({"type": "string", "enum": list(export.FORMATS),
                                                        "default": "jsonl"}, "the file format")),
            responses={200: {"description": "The events, streamed in the format asked for", "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/geo+json": {"schema": {"type": "object", "required": ["type", "features"]}},
                "application/x-ndjson": {"schema": {"type": "string"}},
                "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}}}},
                **R.responses(401, 422)})
def export_events(request: Request, f: dict = Depends(event_filters)):
    format = P.choice(request.query_params, "format", export.FORMATS, "jsonl")
    store = request.app.state.store
    if format == "csv":
        try:
            from ..export import acled_csv  # noqa: F401
        except ImportError:
            raise HTTPException(501, "CSV export needs the ACLED column mapping (rasd.export.acled_csv)") from None

    def body() -> Iterator[bytes]:
        st = store.reader(own=True)  # its own connection: the iterator may move between threads
        try:
            yield from export.stream(format, st.iter_events_view(batch=1000, **f))
        finally:
            if st is not store:
                st.close()

    name = f"rasd-events{export.SUFFIX[format]}"
    return StreamingResponse(body(), media_type=export.MEDIA_TYPES[format],
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})
