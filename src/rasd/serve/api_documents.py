"""Documents, ingest, gazetteer search, control timelines, agreements and health."""
from __future__ import annotations

import asyncio
import dataclasses
import functools
import os
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request

from . import params as P
from . import responses as R
from .auth import require_read, require_write, token_ok
from .evidence import text_marks
from .ingest import format_for, ingest_bytes
from .responses import json_response as _json

router = APIRouter()


@router.get("/health", tags=["service"], summary="Is the service up (with the token: what its store holds)",
            responses=R.responses(503))
async def health(request: Request):
    st = request.app.state.store.reader()
    try:
        store = st.health()
    except Exception as exc:  # the store is gone: say so, with a 503
        return _json({"status": "error", "error": f"store: {exc}"}, status=503)
    out: dict[str, Any] = {"status": "ok", "gazetteer": request.app.state.gazetteer is not None}
    if token_ok(request):  # what the store holds is for those who hold the token
        out["store"] = store
    return _json(out)


@router.get("/api/documents", dependencies=[Depends(require_read)], tags=["documents"],
            summary="Documents in a stable order, or full-text search results (words ANDed), or those stored since",
            openapi_extra=P.openapi(P.PAGING, q=({"type": "string", "maxLength": 500}, "words to search for"),
                                    since=(P.SINCE_SCHEMA, "stored at or after: " + P.SINCE_HELP)),
            responses=R.responses(401, 422))
def list_documents(request: Request):
    q = request.query_params
    query = P.text(q, "q", 500)
    since = P.since(q)
    limit, offset = P.integer(q, "limit", 50, 1, 500), P.integer(q, "offset", 0, 0, 10_000_000)
    rows = request.app.state.store.reader().list_documents(query, limit=limit, offset=offset, since=since)
    return _json({"items": [dataclasses.asdict(r) for r in rows], "limit": limit, "offset": offset,
                  "next_offset": offset + limit if len(rows) == limit else None})


@router.get("/api/documents/{doc_id}", dependencies=[Depends(require_read)], tags=["documents"],
            summary="One document with its clean text (raw text with raw=true; an event's evidence marked with event=)",
            openapi_extra=P.openapi(raw=({"type": "boolean", "default": False}, "also the raw text"), event=(
                {"type": "string", "maxLength": 200},
                "an event of this document: also `marks`, its evidence spans as offsets of the clean text")),
            responses=R.responses(401, 404, 422))
def get_document(request: Request, doc_id: str):
    raw = P.boolean(request.query_params, "raw")
    event_id = P.text(request.query_params, "event", 200)
    st = request.app.state.store.reader()
    doc = st.get_document(P.checked_text("doc_id", doc_id))
    if doc is None:
        raise HTTPException(404, f"no document {doc_id!r}")
    out: dict[str, Any] = {
        "doc_id": doc.doc_id, "title": doc.title, "outlet": doc.outlet, "url": doc.url, "source": doc.source,
        "published": doc.published.isoformat() if doc.published else None, "content_hash": doc.content_hash,
        "text": doc.text, "meta": doc.meta, "language": language_of(request, doc),
        "warnings": list(doc.meta.get("warnings") or []),
    }
    if raw:
        out["raw"] = doc.raw
    if event_id is not None:
        ev = st.get_event_view(event_id)
        if ev is None or ev.doc_id != doc.doc_id:
            raise HTTPException(404, f"no event {event_id!r} in document {doc.doc_id!r}")
        out["marks"] = text_marks(doc, ev.evidence)
    return _json(out)


def language_of(request: Request, doc) -> dict[str, Any]:
    """The document's language as the language stage found it (code, script, direction, coded),
    or found now for a document stored before that stage; ``warning`` when rasd does not code it."""
    from ..code.language import Language

    got = doc.meta.get("language")
    lang = Language(**got) if isinstance(got, dict) and set(got) == {"code", "script", "direction", "coded"} \
        else request.app.state.language.detect(doc.text)
    return {**lang.to_dict(), "warning": lang.warning()}


_TEXT = {"type": "string", "minLength": 1, "pattern": P.NO_NUL_PATTERN}
_LABEL = {"type": ["string", "null"], "maxLength": 500, "pattern": P.NO_NUL_PATTERN}
INGEST_BODY = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "text": {**_TEXT, "description": "the document as plain text"},
        "html": {**_TEXT, "description": "the document as an HTML page (its main text is extracted)"},
        "doc_id": {"type": ["string", "null"], "minLength": 1, "maxLength": 200, "pattern": P.DOC_ID_PATTERN,
                   "description": "the document's id; without one it is named by its content hash, "
                                  "and only a document given the same id replaces it"},
        "title": _LABEL, "outlet": _LABEL, "url": _LABEL,
        "published": {"type": ["string", "null"], "format": "date", "pattern": P.DATE_PATTERN},
    },
    "oneOf": [{"required": ["text"]}, {"required": ["html"]}],
}


@router.post("/api/ingest", dependencies=[Depends(require_write)], tags=["ingest"], status_code=201,
             summary="Ingest one document given as text or HTML, through the CLI's pipeline",
             openapi_extra=P.json_body_openapi(INGEST_BODY, {
                 "text": {"summary": "a short report as text", "value": {
                     "text": "Shelling hit Douma on Monday.", "title": "Douma", "published": "2018-02-19",
                     "outlet": "X"}},
                 "html": {"summary": "an HTML page with its id", "value": {
                     "html": "<html><body><article><p>Government forces shelled the town of Douma on Monday, "
                             "killing four civilians, a monitor said.</p></article></body></html>",
                     "doc_id": "douma-1"}}}),
             responses=R.responses(201, 401, 413, 422))
async def ingest_json(request: Request):
    body = await P.json_body(request)
    unknown = sorted(set(body) - set(INGEST_BODY["properties"]))
    if unknown:
        raise P.bad(unknown[0], "not a field of an ingest (text or html, doc_id, title, outlet, url, published)")
    if ("text" in body) == ("html" in body):
        raise P.bad("body", "give exactly one of 'text' or 'html'")
    key = "text" if "text" in body else "html"
    content = body[key]
    if not isinstance(content, str) or not content:
        raise P.bad(key, "a non-empty string")
    P.checked_text(key, content)
    meta = _meta(body)
    return await _ingest(request, content.encode("utf-8"), "text" if key == "text" else "html", meta,
                         name=meta.get("doc_id") or "upload")


@router.post("/api/ingest/file", dependencies=[Depends(require_write)], tags=["ingest"], status_code=201,
             summary="Ingest a file sent as the request body; its name's suffix tells the format",
             openapi_extra={**P.openapi(
                 {"name": ({"type": "string", "maxLength": 200, "pattern": P.DOC_ID_PATTERN},
                           "file name, e.g. report.html: its suffix tells the format (.txt, .html, .jsonl, "
                           ".csv, .tsv) and the rest is the document's id; never a path"),
                  "published": ({"type": "string", "format": "date", "pattern": P.DATE_PATTERN}, "YYYY-MM-DD"),
                  "outlet": ({"type": "string", "maxLength": 200}, "the outlet that published it"),
                  "title": ({"type": "string", "maxLength": 500}, "its headline")}, required=("name",)),
                 "requestBody": {"required": True, "content": {
                     "application/octet-stream": {"schema": {"type": "string", "format": "binary", "minLength": 1}},
                     "text/plain": {"schema": {"type": "string", "minLength": 1}}}}},
             responses=R.responses(201, 401, 413, 422))
async def ingest_file(request: Request):
    q = request.query_params
    name = P.doc_id("name", P.required_text(q, "name", 200))
    published, outlet, title = P.day(q, "published"), P.text(q, "outlet", 200), P.text(q, "title", 500)
    content = await request.body()
    if not content:
        raise P.bad("body", "the file is empty")
    stem = os.path.splitext(name)[0] or name
    meta = _meta({"doc_id": stem, "published": published, "outlet": outlet, "title": title})
    return await _ingest(request, content, format_for(name), meta, name=name)


def _meta(body: dict) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key in ("doc_id", "title", "outlet", "url"):
        v = body.get(key)
        if v is None:
            continue
        if not isinstance(v, str) or len(v) > 500:
            raise P.bad(key, "a string of at most 500 characters")
        v = P.checked_text(key, v).strip()
        if key == "doc_id":
            meta[key] = P.doc_id(key, v)
        elif v:
            meta[key] = v
    if body.get("published") is not None:
        if not isinstance(body["published"], str):
            raise P.bad("published", "a YYYY-MM-DD string")
        meta["published"] = P.day_value("published", body["published"])
    return meta


async def _ingest(request: Request, content: bytes, fmt: str, meta: dict[str, Any], name: str):
    state = request.app.state
    job = functools.partial(_run_ingest, state.store, content, fmt, meta, state.opts.max_body_bytes, name)
    results, errors = await asyncio.wrap_future(state.ingest_workers.submit(job))
    if errors and not results:
        raise HTTPException(422, "; ".join(errors))
    return _json({"documents": results, "errors": errors}, status=201)


def _run_ingest(store, content: bytes, fmt: str, meta: dict[str, Any], max_bytes: int, name: str, pipeline):
    return ingest_bytes(store, pipeline, content, fmt, meta, max_bytes=max_bytes, name=name)


def default_pipeline(settings):
    from ..pipeline import build_pipeline

    return build_pipeline(settings.pipeline_config())


@router.get("/api/gazetteer", dependencies=[Depends(require_read)], tags=["places"],
            summary="Places whose name matches, most populous first",
            openapi_extra=P.openapi(
                {"q": ({"type": "string", "maxLength": 200}, "a place name, or its start")},
                limit=({"type": "integer", "minimum": 1, "maximum": 100, "default": 10}, "at most this many"),
                required=("q",)),
            responses=R.responses(401, 422, 503))
def gazetteer_search(request: Request):
    q = request.query_params
    name, limit = P.required_text(q, "q", 200), P.integer(q, "limit", 10, 1, 100)
    gaz = request.app.state.gazetteer
    if gaz is None:
        raise HTTPException(503, "no gazetteer is configured for this server")
    return _json({"items": [_plain(c) for c in gaz.search(name, limit=limit)]})


@router.get("/api/gazetteer/towns", dependencies=[Depends(require_read)], tags=["places"],
            summary="The most populous towns inside a box, most populous first (the map's place labels)",
            openapi_extra=P.openapi(
                {"bbox": P.FILTERS["bbox"]},
                limit=({"type": "integer", "minimum": 1, "maximum": 500, "default": 60}, "at most this many"),
                required=("bbox",)),
            responses=R.responses(401, 422, 503))
def gazetteer_towns(request: Request):
    box, limit = P.bbox(request.query_params), P.integer(request.query_params, "limit", 60, 1, 500)
    if box is None:
        raise P.bad("bbox", "required")
    gaz = request.app.state.gazetteer
    if gaz is None:
        raise HTTPException(503, "no gazetteer is configured for this server")
    return _json({"items": [{"name": c.name, "lat": c.lat, "lon": c.lon, "country": c.country,
                             "population": c.population} for c in gaz.towns_in(*box, limit=limit)],
                  "credit": "GeoNames (CC BY 4.0)"})


def _plain(obj: Any) -> Any:
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if dataclasses.is_dataclass(obj):
        return {k: v for k, v in dataclasses.asdict(obj).items() if not isinstance(v, (bytes, set))}
    return obj


@router.get("/api/control", dependencies=[Depends(require_read)], tags=["control"],
            summary="Who held a place, from when until when, on what evidence",
            openapi_extra=P.openapi({"place": ({"type": "string", "maxLength": 200}, "a place name")},
                                    required=("place",)),
            responses=R.responses(401, 422))
def control(request: Request):
    place = P.required_text(request.query_params, "place", 200)
    st = request.app.state.store.reader()
    from ..fuse.control import timeline_summary

    periods = st.control_timeline(place)
    return _json({"place": place, "periods": [p.to_dict() for p in periods], **timeline_summary(periods)})


@router.get("/api/control/at", dependencies=[Depends(require_read)], tags=["control"],
            summary="Every placed control period covering one day: who held which place (the map's control layer)",
            openapi_extra=P.openapi({"date": ({"type": "string", "format": "date", "pattern": P.DATE_PATTERN},
                                              "YYYY-MM-DD")}, required=("date",)),
            responses=R.responses(401, 422))
def control_at(request: Request):
    day = P.day(request.query_params, "date")
    if day is None:
        raise P.bad("date", "required")
    items = []
    for p in request.app.state.store.reader().control_at(day):
        if p.place.lat is None or p.place.lon is None:
            continue
        items.append({"place": p.place.name, "lat": p.place.lat, "lon": p.place.lon, "country": p.place.country,
                      "holder": p.holder, "start": p.start.isoformat() if p.start else None,
                      "end": p.end.isoformat() if p.end else None, "status": p.status, "reports": p.reports,
                      "outlets": list(p.outlets), "rests_on_one_report": p.rests_on_one_report})
    return _json({"date": day, "items": items})


SOURCE_FIELDS = ("name", "url", "kind", "every_s", "country", "added_at", "last_fetch_at", "last_ok_at", "last_status",
                 "last_error", "errors", "items", "stored", "failed")


@router.get("/api/sources", dependencies=[Depends(require_read)], tags=["watch"],
            summary="The sources rasd watch follows: each one's last fetch, items and errors (the page's sources panel)",
            responses=R.responses(401))
def sources(request: Request):
    st = request.app.state.store.reader()
    items = st.list_sources() if hasattr(st, "list_sources") else []
    return _json({"items": [{k: getattr(s, k, None) for k in SOURCE_FIELDS} for s in items]})


AGREEMENT_STATUSES = ("negotiating", "reached", "collapsed")


@router.get("/api/agreements", dependencies=[Depends(require_read)], tags=["agreements"],
            summary="Agreements (evacuation, surrender, reconciliation) with their clauses",
            openapi_extra=P.openapi(
                {"place": ({"type": "string", "maxLength": 200}, "part of the place's name"),
                 "status": ({"type": "string", "enum": list(AGREEMENT_STATUSES)}, "the agreement's state")},
                P.PAGING),
            responses=R.responses(401, 422))
def agreements(request: Request):
    q = request.query_params
    place, status = P.text(q, "place", 200), P.choice(q, "status", AGREEMENT_STATUSES)
    limit, offset = P.integer(q, "limit", 50, 1, 500), P.integer(q, "offset", 0, 0, 10_000_000)
    items = request.app.state.store.reader().query_agreements(place=place, status=status, limit=limit,
                                                              offset=offset)
    return _json({"items": [a.to_dict() for a in items], "limit": limit, "offset": offset})


@router.get("/api/stats", dependencies=[Depends(require_read)], tags=["service"],
            summary="Counts of documents and events by outlet and type", responses=R.responses(401))
def stats(request: Request):
    return _json(request.app.state.store.reader().stats())
