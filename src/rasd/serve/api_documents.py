"""Documents, ingest, gazetteer search, control timelines, agreements and health."""
from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any, Optional

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request

from .api_events import _json
from .app import require_read, require_write
from .ingest import ingest_bytes

router = APIRouter()


@router.get("/health", tags=["service"], summary="Is the service up, and what does its store hold")
async def health(request: Request):
    st = request.app.state.store.reader()
    try:
        store = st.health()
    except Exception as exc:  # the store is gone: say so, with a 503
        return _json({"status": "error", "error": f"store: {exc}"}, status=503)
    return _json({"status": "ok", "store": store, "gazetteer": request.app.state.gazetteer is not None})


@router.get("/api/documents", dependencies=[Depends(require_read)], tags=["documents"],
            summary="Documents in a stable order, or full-text search results (words ANDed)")
def list_documents(request: Request, q: Optional[str] = Query(None, max_length=500),
                   limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=10_000_000)):
    rows = request.app.state.store.reader().list_documents(q, limit=limit, offset=offset)
    return _json({"items": [dataclasses.asdict(r) for r in rows], "limit": limit, "offset": offset,
                  "next_offset": offset + limit if len(rows) == limit else None})


@router.get("/api/documents/{doc_id}", dependencies=[Depends(require_read)], tags=["documents"],
            summary="One document with its clean text (raw text with raw=true)")
def get_document(request: Request, doc_id: str, raw: bool = Query(False)):
    doc = request.app.state.store.reader().get_document(doc_id)
    if doc is None:
        raise HTTPException(404, f"no document {doc_id!r}")
    out: dict[str, Any] = {
        "doc_id": doc.doc_id, "title": doc.title, "outlet": doc.outlet, "url": doc.url, "source": doc.source,
        "published": doc.published.isoformat() if doc.published else None, "content_hash": doc.content_hash,
        "text": doc.text, "meta": doc.meta,
    }
    if raw:
        out["raw"] = doc.raw
    return _json(out)


@router.post("/api/ingest", dependencies=[Depends(require_write)], tags=["ingest"], status_code=201,
             summary="Ingest one document given as text or HTML, through the CLI's pipeline")
def ingest_json(request: Request, body: dict = Body(..., examples=[
        {"text": "Shelling hit Douma on Monday.", "title": "Douma", "published": "2018-02-19", "outlet": "X"},
        {"html": "<html><body><p>Shelling hit Douma.</p></body></html>", "doc_id": "douma-1"}])):
    text, html = body.get("text"), body.get("html")
    if (text is None) == (html is None) or not isinstance(text if text is not None else html, str):
        raise HTTPException(422, "bad parameter body: give exactly one of 'text' or 'html' (a string)")
    meta = _meta(body)
    content = (text if text is not None else html).encode("utf-8")
    return _ingest(request, content, ".txt" if text is not None else ".html", meta)


@router.post("/api/ingest/file", dependencies=[Depends(require_write)], tags=["ingest"], status_code=201,
             summary="Ingest a file sent as the request body; its name's suffix tells the format")
async def ingest_file(request: Request, name: str = Query(..., min_length=1, max_length=200,
                                                          description="file name, e.g. report.html"),
                      published: Optional[date] = Query(None), outlet: Optional[str] = Query(None, max_length=200),
                      title: Optional[str] = Query(None, max_length=500)):
    content = await request.body()
    if not content:
        raise HTTPException(422, "bad parameter body: the file is empty")
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ".txt"
    meta = _meta({"doc_id": name.rsplit(".", 1)[0], "published": published.isoformat() if published else None,
                  "outlet": outlet, "title": title})
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_ingest, request, content, suffix, meta)


def _meta(body: dict) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key in ("doc_id", "title", "outlet", "url"):
        v = body.get(key)
        if v is not None:
            if not isinstance(v, str) or not v.strip() or len(v) > 500:
                raise HTTPException(422, f"bad parameter {key}: a non-empty string of at most 500 characters")
            meta[key] = v.strip()
    if "doc_id" in meta and any(c in meta["doc_id"] for c in "/\\\0"):
        raise HTTPException(422, "bad parameter doc_id: no slashes")
    if body.get("published"):
        try:
            meta["published"] = date.fromisoformat(str(body["published"])).isoformat()
        except ValueError:
            raise HTTPException(422, f"bad parameter published: {body['published']!r} is not YYYY-MM-DD") from None
    return meta


def _ingest(request: Request, content: bytes, suffix: str, meta: dict[str, Any]):
    state = request.app.state
    with state.ingest_lock:  # the pipeline is not re-entrant: one ingest at a time
        if state.pipeline is None:
            state.pipeline = state.pipeline_factory() if state.pipeline_factory else _default_pipeline(state.settings)
        results, errors = ingest_bytes(state.store, state.pipeline, content, suffix, meta,
                                       max_bytes=state.opts.max_body_bytes)
    if errors and not results:
        raise HTTPException(422, "; ".join(errors))
    return _json({"documents": results, "errors": errors}, status=201)


def _default_pipeline(settings):
    from ..pipeline import build_pipeline

    return build_pipeline(settings.pipeline_config())


@router.get("/api/gazetteer", dependencies=[Depends(require_read)], tags=["places"],
            summary="Places whose name matches, most populous first")
async def gazetteer_search(request: Request, q: str = Query(..., min_length=1, max_length=200),
                           limit: int = Query(10, ge=1, le=100)):
    gaz = request.app.state.gazetteer
    if gaz is None:
        raise HTTPException(503, "no gazetteer is configured for this server")
    return _json({"items": [_plain(c) for c in gaz.search(q, limit=limit)]})


def _plain(obj: Any) -> Any:
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if dataclasses.is_dataclass(obj):
        return {k: v for k, v in dataclasses.asdict(obj).items() if not isinstance(v, (bytes, set))}
    return obj


@router.get("/api/control", dependencies=[Depends(require_read)], tags=["control"],
            summary="Who held a place, from when until when, on what evidence")
def control(request: Request, place: str = Query(..., min_length=1, max_length=200)):
    st = request.app.state.store.reader()
    if not hasattr(st, "control_timeline"):
        raise HTTPException(503, "control timelines need the fusion stage, not installed in this build")
    from ..fuse.control import timeline_summary

    periods = st.control_timeline(place)
    return _json({"place": place, "periods": [p.to_dict() for p in periods], **timeline_summary(periods)})


@router.get("/api/agreements", dependencies=[Depends(require_read)], tags=["agreements"],
            summary="Agreements (evacuation, surrender, reconciliation) with their clauses")
def agreements(request: Request, place: Optional[str] = Query(None, max_length=200),
               status: Optional[str] = Query(None, pattern="^(negotiating|reached|collapsed)$"),
               limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)):
    st = request.app.state.store.reader()
    if not hasattr(st, "query_agreements"):
        raise HTTPException(503, "agreements need the fusion stage, not installed in this build")
    items = st.query_agreements(place=place, status=status, limit=limit, offset=offset)
    return _json({"items": [a.to_dict() for a in items], "limit": limit, "offset": offset})


@router.get("/api/stats", dependencies=[Depends(require_read)], tags=["service"])
def stats(request: Request):
    return _json(request.app.state.store.reader().stats())
