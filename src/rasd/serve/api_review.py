"""The review queue and each event's history (issue 14): analysts accept or reject events,
each decision carrying its author (the name of the token that made it)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request

from .. import corrections as corr
from . import params as P
from . import responses as R
from .api_events import event_or_404, note_and_author
from .auth import require_read, require_write
from .params import event_filters, paging
from .responses import json_response as _json

router = APIRouter()

ORDERS = ("confidence", "reports")


@router.get("/api/review", dependencies=[Depends(require_read)], tags=["review"],
            summary="The review queue: events no analyst accepted or rejected yet, lowest confidence "
                    "or most reports first",
            openapi_extra=P.openapi(
                {k: v for k, v in P.FILTERS.items() if k not in ("status", "include_rejected")}, P.PAGING,
                order=({"type": "string", "enum": list(ORDERS), "default": "confidence"},
                       "confidence: lowest first; reports: most reports first (then lowest confidence)"),
                count=({"type": "boolean", "default": False}, "also return how many events wait for review")),
            responses=R.responses(401, 422))
def review_queue(request: Request, f: dict = Depends(event_filters), page: tuple = Depends(paging)):
    limit, offset = page
    q = request.query_params
    order = P.choice(q, "order", ORDERS, "confidence")
    count = P.boolean(q, "count")
    f = {k: v for k, v in f.items() if k not in ("status", "include_rejected")}
    st = request.app.state.store.reader()
    items = st.review_queue(order=order, limit=limit, offset=offset, **f)
    out: dict[str, Any] = {"items": items, "order": order, "limit": limit, "offset": offset,
                           "next_offset": offset + limit if len(items) == limit else None}
    if count:
        out["total"] = st.count_events_view(reviewed=False, **f)
    return _json(out)


REVIEW_BODY: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["decision"],
    "properties": {
        "decision": {"type": "string", "enum": list(corr.DECISIONS),
                     "description": "accepted: the event is right as shown; rejected: it is not an event"},
        "note": {"type": "string", "maxLength": 2000},
        "author": {"type": "string", "maxLength": 200,
                   "description": "only with the server's own token; an analyst's token writes under its name"},
    },
}


@router.post("/api/events/{event_id}/review", dependencies=[Depends(require_write)], tags=["review"],
             summary="Accept or reject an event (a review decision, stored with its author)", status_code=201,
             openapi_extra=P.json_body_openapi(REVIEW_BODY, {
                 "accept": {"summary": "right as shown", "value": {"decision": "accepted"}},
                 "reject": {"summary": "not an event", "value": {"decision": "rejected",
                                                                  "note": "an anniversary piece"}}}),
             responses=R.responses(201, 401, 403, 404, 413, 422))
async def review_event(request: Request, event_id: str):
    body = await P.json_body(request)
    P.checked_text("event_id", event_id)
    unknown = sorted(set(body) - set(REVIEW_BODY["properties"]))
    if unknown:
        raise P.bad(unknown[0], "not a field of a review (decision, note, author)")
    decision = body.get("decision")
    if decision not in corr.DECISIONS:
        raise P.bad("decision", f"one of {', '.join(corr.DECISIONS)}")
    note, author = note_and_author(request, body)
    from starlette.concurrency import run_in_threadpool

    store = request.app.state.store
    ev = await run_in_threadpool(_review, store, event_id, decision, author, note)
    if ev is None:
        raise HTTPException(404, f"no event {event_id!r}")
    return _json({"event": _event_json(ev), "history": corr.history(store.corrections_of(event_id))}, status=201)


def _review(store, event_id: str, decision: str, author: str, note):
    with store.transaction():
        now = store.get_event_view(event_id)
        if now is None:
            return None
        changes = corr.review_changes(decision, bool(now.attrs.get("rejected")))
        return store.add_correction(event_id, changes, author=author, note=note)


@router.get("/api/events/{event_id}/history", dependencies=[Depends(require_read)], tags=["review"],
            summary="What analysts did to an event, oldest first: corrections and review decisions, "
                    "each with its author, time and note",
            responses=R.responses(401, 404, 422))
def history(request: Request, event_id: str):
    st, ev = event_or_404(request, event_id)
    return _json({"event_id": event_id, "review": ev.attrs.get("review"), "rejected": bool(ev.attrs.get("rejected")),
                  "corrected": list(ev.attrs.get("corrected") or []), "confidence": round(float(ev.confidence), 3),
                  "history": corr.history(st.corrections_of(event_id))})


def _event_json(ev) -> dict[str, Any]:
    from ..export import event_json

    return event_json(ev)
