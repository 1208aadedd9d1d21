"""Events, fused events, corrections, the timeline histogram, map points and exports."""
from __future__ import annotations

import json
from typing import Any, Iterator, Literal, Optional

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse

from .. import corrections as corr
from .. import export
from .app import require_read, require_write
from . import params as P
from .evidence import excerpts
from .params import event_filters, paging
from .records import record_json

router = APIRouter()


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, separators=(",", ":")), status_code=status,
                    media_type="application/json")


def _event_json(e) -> dict[str, Any]:
    return export.event_json(e)


@router.get("/api/meta", dependencies=[Depends(require_read)], tags=["service"],
            summary="What the page needs to start: event types and sub-types, tile URL")
def meta(request: Request):
    types: dict[str, list[str]] = {k: list(v) for k, v in (request.app.state.ontology or {}).items()}
    for t, sub in request.app.state.store.reader().event_type_pairs():
        subs = types.setdefault(t, [])
        if sub not in subs:
            subs.append(sub)
    return _json({"event_types": types, "tiles": request.app.state.tiles})


@router.get("/api/events", dependencies=[Depends(require_read)], tags=["events"],
            summary="Events (one document's report each), corrections applied; newest first",
            openapi_extra=P.openapi(P.FILTERS, P.PAGING, count=(
                {"type": "boolean", "default": False}, "also return the total number matching"), view=(
                {"type": "string", "enum": ["full", "summary"], "default": "full"},
                "full records, or short summaries (no evidence) for lists")))
async def list_events(request: Request, f: dict = Depends(event_filters), page: tuple = Depends(paging)):
    limit, offset = page
    count = P.boolean(request.query_params, "count")
    view = request.query_params.get("view") or "full"
    if view not in ("full", "summary"):
        raise P.bad("view", f"{view!r} is not full or summary")
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
            summary="Matching events per day, month or year (the timeline)", openapi_extra=P.openapi(P.FILTERS))
def histogram(request: Request, f: dict = Depends(event_filters),
              bin: Literal["day", "month", "year"] = Query("month")):
    st = request.app.state.store.reader()
    rows = st.event_histogram(bin=bin, **f)
    return _json({"bin": bin, "bins": [{"bin": b, "count": n} for b, n in rows],
                  "total": st.count_events_view(**f)})


@router.get("/api/events/points", dependencies=[Depends(require_read)], tags=["events"],
            summary="[event_id, lat, lon, event_type, date] of matching placed events, for the map",
            openapi_extra=P.openapi(P.FILTERS))
def points(request: Request, f: dict = Depends(event_filters), limit: int = Query(5000, ge=1, le=50_000)):
    rows = request.app.state.store.reader().event_points(limit=limit, **f)
    return _json({"points": [list(r) for r in rows], "truncated": len(rows) == limit})


@router.get("/api/events/{event_id}", dependencies=[Depends(require_read)], tags=["events"],
            summary="One event with its evidence in context, its reports, corrections and control timeline")
def get_event(request: Request, event_id: str):
    st = request.app.state.store.reader()
    ev = st.get_event_view(event_id)
    if ev is None:
        raise HTTPException(404, f"no event {event_id!r}")
    doc = st.get_document(ev.doc_id)
    out: dict[str, Any] = {"event": _event_json(ev), "corrections": st.corrections_of(event_id)}
    if doc is not None:
        out["document"] = {"doc_id": doc.doc_id, "title": doc.title, "outlet": doc.outlet, "url": doc.url,
                           "published": doc.published.isoformat() if doc.published else None}
        out["excerpts"] = excerpts(doc.raw, ev.evidence, ev.sentence, ev.doc_id)
    fused = st.get_fused_view(ev.cluster_id) if ev.cluster_id else None
    out["fused"] = fused
    out["reports"] = (fused or {}).get("reports") or [
        {"event_id": ev.event_id, "doc_id": ev.doc_id, "outlet": doc.outlet if doc else None, "stance": ev.stance,
         "date": ev.date.isoformat() if ev.date else None, "fatalities": ev.fatalities, "sentence": ev.sentence}]
    out["control"], out["control_support"] = _control(st, ev.location.name if ev.location else None)
    return _json(out)


def _control(st, place: Optional[str]) -> tuple[list[dict[str, Any]], Optional[dict[str, Any]]]:
    """The place's timeline and what it rests on (``rests_on_one_report`` for the panel's caveat)."""
    if not place or not hasattr(st, "control_timeline"):
        return [], None
    from ..fuse.control import timeline_summary

    periods = st.control_timeline(place)
    return [p.to_dict() for p in periods], (timeline_summary(periods) if periods else None)


@router.post("/api/events/{event_id}/corrections", dependencies=[Depends(require_write)], tags=["corrections"],
             summary="Correct an event's type, sub-type, actors, place, date or fatalities, or reject it")
def correct_event(request: Request, event_id: str, body: dict = Body(..., examples=[
        {"location": {"name": "Harasta", "lat": 33.56, "lon": 36.36}, "note": "the town named in the headline"},
        {"rejected": True, "note": "not an event: an anniversary piece"}])):
    changes = {k: v for k, v in body.items() if k not in ("note", "author")}
    if not changes:
        raise HTTPException(422, f"bad parameter body: give at least one of {', '.join(corr.FIELDS)}")
    try:
        clean = {k: corr.validate(k, v, request.app.state.ontology) for k, v in changes.items()}
    except corr.CorrectionError as exc:
        raise HTTPException(422, f"bad correction: {exc}") from None
    note, author = body.get("note"), body.get("author")
    if note is not None and (not isinstance(note, str) or len(note) > 2000):
        raise HTTPException(422, "bad correction: note must be a string of at most 2000 characters")
    if author is not None and (not isinstance(author, str) or len(author) > 200):
        raise HTTPException(422, "bad correction: author must be a string of at most 200 characters")
    ev = request.app.state.store.add_correction(event_id, clean, author=author, note=note)
    if ev is None:
        raise HTTPException(404, f"no event {event_id!r}")
    return _json({"event": _event_json(ev), "corrections": request.app.state.store.corrections_of(event_id)},
                 status=201)


@router.get("/api/events/{event_id}/corrections", dependencies=[Depends(require_read)], tags=["corrections"])
def list_corrections(request: Request, event_id: str):
    return _json({"corrections": request.app.state.store.reader().corrections_of(event_id)})


@router.get("/api/fused", dependencies=[Depends(require_read)], tags=["fused events"],
            summary="Fused events (real-world events, reports across outlets), newest first",
            openapi_extra=P.openapi(P.FILTERS, P.PAGING))
def list_fused(request: Request, f: dict = Depends(event_filters), page: tuple = Depends(paging)):
    limit, offset = page
    f = {k: v for k, v in f.items() if k not in ("doc_id", "include_rejected")}
    if f.get("status") == "rejected":
        f["status"] = None
    items = request.app.state.store.reader().query_fused_view(limit=limit, offset=offset, **f)
    return _json({"items": items, "limit": limit, "offset": offset,
                  "next_offset": offset + limit if len(items) == limit else None})


@router.get("/api/fused/{cluster_id}", dependencies=[Depends(require_read)], tags=["fused events"])
def get_fused(request: Request, cluster_id: str):
    fused = request.app.state.store.reader().get_fused_view(cluster_id)
    if fused is None:
        raise HTTPException(404, f"no fused event {cluster_id!r}")
    return _json(fused)


@router.get("/api/export", dependencies=[Depends(require_read)], tags=["exports"],
            summary="Every matching event as ACLED-column CSV, GeoJSON, JSON Lines or Parquet, streamed",
            openapi_extra=P.openapi(P.FILTERS))
def export_events(request: Request, f: dict = Depends(event_filters),
                  format: Literal["csv", "geojson", "jsonl", "parquet"] = Query("jsonl")):
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
