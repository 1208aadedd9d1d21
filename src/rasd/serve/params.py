"""Query parameters of the event endpoints, parsed by hand from one table.

FastAPI's per-parameter validation costs about a millisecond per request on the event
list, the hottest endpoint; this table parses the same parameters directly, gives the same
JSON 422 errors, and documents them in the OpenAPI schema (``openapi(...)``).
"""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from fastapi import HTTPException, Request

STATUSES = ("confirmed", "single-source", "disputed", "rejected")

# name -> (OpenAPI schema, description)
FILTERS: dict[str, tuple[dict, str]] = {
    "type": ({"type": "string", "maxLength": 100}, "ACLED event type"),
    "sub_type": ({"type": "string", "maxLength": 100}, "ACLED sub-event type"),
    "actor": ({"type": "string", "maxLength": 200}, "part of an actor's name"),
    "place": ({"type": "string", "maxLength": 200}, "part of a place or province name"),
    "bbox": ({"type": "string"}, "west,south,east,north in degrees"),
    "date_from": ({"type": "string", "format": "date"}, "YYYY-MM-DD, inclusive"),
    "date_to": ({"type": "string", "format": "date"}, "YYYY-MM-DD, inclusive"),
    "status": ({"type": "string", "enum": list(STATUSES)}, "fusion status, or 'rejected' by an analyst"),
    "min_corroboration": ({"type": "integer", "minimum": 1, "maximum": 1000}, "independent outlets at least"),
    "text": ({"type": "string", "maxLength": 200}, "words in the event's sentence"),
    "doc_id": ({"type": "string", "maxLength": 200}, "events of one document"),
    "include_rejected": ({"type": "boolean", "default": False}, "also list events an analyst rejected"),
}
PAGING: dict[str, tuple[dict, str]] = {
    "limit": ({"type": "integer", "minimum": 1, "maximum": 500, "default": 50}, "page size"),
    "offset": ({"type": "integer", "minimum": 0, "maximum": 10_000_000, "default": 0}, "skip this many"),
}


def openapi(*groups: dict[str, tuple[dict, str]], **more: tuple[dict, str]) -> dict[str, Any]:
    params = []
    for group in (*groups, more):
        for name, (schema, desc) in group.items():
            params.append({"name": name, "in": "query", "required": False, "schema": schema, "description": desc})
    return {"parameters": params}


def bad(name: str, reason: str) -> HTTPException:
    return HTTPException(422, f"bad parameter {name}: {reason}")


def text(q, name: str, max_len: int) -> Optional[str]:
    v = q.get(name)
    if v is None or v == "":
        return None
    if len(v) > max_len:
        raise bad(name, f"longer than {max_len} characters")
    return v


def integer(q, name: str, default: Optional[int], lo: int, hi: int) -> Optional[int]:
    v = q.get(name)
    if v is None or v == "":
        return default
    try:
        n = int(v)
    except ValueError:
        raise bad(name, f"{v!r} is not a whole number") from None
    if not lo <= n <= hi:
        raise bad(name, f"{n} is not between {lo} and {hi}")
    return n


def boolean(q, name: str) -> bool:
    v = (q.get(name) or "false").lower()
    if v not in ("true", "false", "1", "0", "yes", "no"):
        raise bad(name, f"{v!r} is not true or false")
    return v in ("true", "1", "yes")


def day(q, name: str) -> Optional[str]:
    v = q.get(name)
    if not v:
        return None
    try:
        return date.fromisoformat(v).isoformat()
    except ValueError:
        raise bad(name, f"{v!r} is not a YYYY-MM-DD date") from None


def bbox(q) -> Optional[tuple[float, float, float, float]]:
    v = q.get("bbox")
    if not v:
        return None
    try:
        w, s, e, n = (float(x) for x in v.split(","))
    except ValueError:
        raise bad("bbox", f"{v!r} is not 'west,south,east,north'") from None
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= n <= 90 and w <= e):
        raise bad("bbox", f"{v!r} is out of range or inverted")
    return (w, s, e, n)


async def event_filters(request: Request) -> dict[str, Any]:
    """The event filters of a request, as the store's keyword arguments."""
    q = request.query_params
    status = q.get("status") or None
    if status is not None and status not in STATUSES:
        raise bad("status", f"{status!r} is not one of {', '.join(STATUSES)}")
    f = {
        "event_type": text(q, "type", 100), "sub_event_type": text(q, "sub_type", 100),
        "actor": text(q, "actor", 200), "place": text(q, "place", 200), "bbox": bbox(q),
        "date_from": day(q, "date_from"), "date_to": day(q, "date_to"), "status": status,
        "min_corroboration": integer(q, "min_corroboration", None, 1, 1000), "text": text(q, "text", 200),
        "doc_id": text(q, "doc_id", 200), "include_rejected": boolean(q, "include_rejected"),
    }
    if f["date_from"] and f["date_to"] and f["date_from"] > f["date_to"]:
        raise bad("date_from", "after date_to")
    return f


async def paging(request: Request) -> tuple[int, int]:
    q = request.query_params
    return integer(q, "limit", 50, 1, 500), integer(q, "offset", 0, 0, 10_000_000)
