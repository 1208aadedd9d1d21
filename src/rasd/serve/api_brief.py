"""The daily brief over HTTP: ``GET /api/brief`` (docs/brief.md)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from . import params as P
from . import responses as R
from .auth import require_read
from .responses import json_response

router = APIRouter()

BRIEF_SCHEMA = {
    "type": "object", "required": ["since", "until", "counts", "groups", "disputed", "control", "agreements"],
    "properties": {
        "since": {"type": "string", "description": "UTC, YYYY-MM-DDTHH:MM:SS.mmmZ"},
        "until": {"type": "string"},
        "filters": {"type": "object", "description": "place and country, when given"},
        "counts": {"type": "object", "description": "fused (new or updated), new, updated, disputed, "
                   "control_changes, agreements; complete=false when more were revised than were read"},
        "groups": {"type": "array", "description": "by country and event type, the largest first: "
                   "{country, event_type, total, items: [line], more}", "items": {"type": "object"}},
        "disputed": {"type": "array", "items": {"type": "object"},
                     "description": "lines with sides: [{field, sides: [{side, reports, more}]}]"},
        "control": {"type": "array", "items": {"type": "object"}},
        "agreements": {"type": "array", "items": {"type": "object"}},
    },
}


@router.get("/api/brief", dependencies=[Depends(require_read)], tags=["brief"],
            summary="What is new since a time: new and updated fused events by country and type, disputes with "
                    "both sides, control changes, agreements; each line with its evidence and sources",
            openapi_extra={**P.openapi(
                since=(P.SINCE_SCHEMA, "revised at or after (default 24h): " + P.SINCE_HELP),
                place=P.FILTERS["place"], country=P.FILTERS["country"],
                per_group=({"type": "integer", "minimum": 1, "maximum": 100, "default": 5},
                           "lines per country and event type (the rest counted)"),
                format=({"type": "string", "enum": ["json", "md", "html"], "default": "json"},
                        "JSON (for the page), Markdown or an HTML page")),
                "responses": {"200": {"description": "The brief", "content": {
                    "application/json": {"schema": BRIEF_SCHEMA},
                    "text/markdown": {"schema": {"type": "string"}},
                    "text/html": {"schema": {"type": "string"}}}}}},
            responses=R.responses(401, 422))
def get_brief(request: Request):
    from ..brief import BriefLimits, build_brief, render_html, render_markdown

    q = request.query_params
    since = P.since(q) or P.since({"since": "24h"})
    place, country = P.text(q, "place", 200), P.country(q)
    per_group = P.integer(q, "per_group", 5, 1, 100)
    fmt = P.choice(q, "format", ("json", "md", "html"), "json")
    base = str(request.base_url)

    def link(event_id: str) -> str:
        from urllib.parse import quote

        return f"{base}#event={quote(event_id, safe='')}"

    b = build_brief(request.app.state.store.reader(), since=since, place=place, country=country, link=link,
                    limits=BriefLimits(per_group=per_group))
    if fmt == "md":
        return Response(render_markdown(b), media_type="text/markdown; charset=utf-8")
    if fmt == "html":
        return HTMLResponse(render_html(b))
    return json_response(b)
