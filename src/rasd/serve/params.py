"""Query parameters of the event endpoints, parsed by hand from one table.

FastAPI's per-parameter validation costs about a millisecond per request on the event
list, the hottest endpoint; this table parses the same parameters directly, gives the same
JSON 422 errors, and documents them in the OpenAPI schema (``openapi(...)``).
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Optional

from fastapi import HTTPException, Request

from ..clock import AGE_PATTERN, SINCE_HELP, parse_since, stamp

STATUSES = ("confirmed", "single-source", "disputed", "rejected")
# a calendar day written YYYY-MM-DD and nothing else (date.fromisoformat also takes 20200101, 2020-W01-1)
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_LON = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)"
_LAT = r"-?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)"
BBOX_PATTERN = f"^{_LON},{_LAT},{_LON},{_LAT}$"
_BBOX_RE = re.compile(BBOX_PATTERN)
NO_NUL_PATTERN = "^[^\\u0000]*$"  # free text: anything but a NUL
_DIGITS_RE = re.compile(r"-?[0-9]{1,12}\Z")  # ASCII digits only ("٣" is refused), at most 12 of them
# a number as JSON writes it (0.5, 1, 1e-05), ASCII digits only
_NUMBER_RE = re.compile(r"-?[0-9]{1,40}(?:\.[0-9]{1,40})?(?:[eE][-+]?[0-9]{1,4})?\Z")

# an age back from now, or a day (ISO times with a zone are accepted too: see clock.parse_since)
SINCE_SCHEMA = {"type": "string", "anyOf": [{"pattern": AGE_PATTERN},
                                             {"format": "date", "pattern": DATE_PATTERN}]}
# name -> (OpenAPI schema, description)
FILTERS: dict[str, tuple[dict, str]] = {
    "type": ({"type": "string", "maxLength": 100}, "ACLED event type"),
    "sub_type": ({"type": "string", "maxLength": 100}, "ACLED sub-event type"),
    "actor": ({"type": "string", "maxLength": 200},
              "part of an actor's name, or a name or alias the actor knowledge base knows (SDF, HTS)"),
    "place": ({"type": "string", "maxLength": 200}, "part of a place or province name"),
    "country": ({"type": "string", "pattern": "^[A-Z]{2}$"}, "ISO 3166-1 alpha-2 code of the place's country"),
    "bbox": ({"type": "string", "pattern": BBOX_PATTERN},
             "west,south,east,north in decimal degrees; a box with south above north matches nothing"),
    "date_from": ({"type": "string", "format": "date", "pattern": DATE_PATTERN}, "YYYY-MM-DD, inclusive"),
    "date_to": ({"type": "string", "format": "date", "pattern": DATE_PATTERN}, "YYYY-MM-DD, inclusive"),
    "since": (SINCE_SCHEMA, "stored (an event) or last revised (a fused event) at or after: " + SINCE_HELP),
    "status": ({"type": "string", "enum": list(STATUSES)}, "fusion status, or 'rejected' by an analyst"),
    "min_corroboration": ({"type": "integer", "minimum": 1, "maximum": 1000}, "independent outlets at least"),
    "min_confidence": ({"type": "number", "minimum": 0, "maximum": 1},
                       "the coder's confidence at least (0-1, as the events show it, to 3 places)"),
    "text": ({"type": "string", "maxLength": 200}, "words in the event's sentence"),
    "doc_id": ({"type": "string", "maxLength": 200}, "events of one document"),
    "include_rejected": ({"type": "boolean", "default": False}, "also list events an analyst rejected"),
}
PAGING: dict[str, tuple[dict, str]] = {
    "limit": ({"type": "integer", "minimum": 1, "maximum": 500, "default": 50}, "page size"),
    "offset": ({"type": "integer", "minimum": 0, "maximum": 10_000_000, "default": 0}, "skip this many"),
}


def openapi(*groups: dict[str, tuple[dict, str]], required: tuple[str, ...] = (),
            **more: tuple[dict, str]) -> dict[str, Any]:
    """The OpenAPI parameters of hand-parsed query parameters (a string is never empty)."""
    params = []
    for group in (*groups, more):
        for name, (schema, desc) in group.items():
            if schema.get("type") == "string" and "enum" not in schema:
                schema = {"minLength": 1, "pattern": NO_NUL_PATTERN, **schema}
            params.append({"name": name, "in": "query", "required": name in required, "schema": schema,
                           "description": desc})
    return {"parameters": params}


# a document id: no slash, backslash or control character, not only dots (it is never a path,
# but it names the document in URLs and exports)
DOC_ID_PATTERN = "^[^/\\\\\\u0000-\\u001f]*[^./\\\\\\u0000-\\u001f][^/\\\\\\u0000-\\u001f]*$"
_DOC_ID_RE = re.compile(DOC_ID_PATTERN)


def doc_id(name: str, v: str) -> str:
    """A client's document id (or file name), or a 422 that says what is wrong with it."""
    checked_text(name, v)
    if any(c in v for c in "/\\"):
        raise bad(name, "holds a slash (/ or \\)")
    if any(ord(c) < 32 for c in v):
        raise bad(name, "holds a control character (a line break, a tab)")
    if not 1 <= len(v) <= 200:
        raise bad(name, "must have 1 to 200 characters")
    if not _DOC_ID_RE.match(v):
        raise bad(name, "must hold something other than dots")
    return v


def bad(name: str, reason: str) -> HTTPException:
    return HTTPException(422, f"bad parameter {name}: {reason}")


def given(q, name: str) -> Optional[str]:
    """The raw value of a parameter, None when absent; an empty value ("date_to=") is refused,
    and so is a NUL or a character that is not text (a lone surrogate)."""
    v = q.get(name)
    if v is None:
        return None
    if v == "":
        raise bad(name, "empty (leave the parameter out instead)")
    return checked_text(name, v)


def checked_text(name: str, v: str) -> str:
    if "\x00" in v:
        raise bad(name, "holds a NUL character")
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise bad(name, "holds a lone surrogate, which is not Unicode text") from None
    return v


def text(q, name: str, max_len: int) -> Optional[str]:
    v = given(q, name)
    if v is not None and len(v) > max_len:
        raise bad(name, f"longer than {max_len} characters")
    return v


def required_text(q, name: str, max_len: int) -> str:
    v = text(q, name, max_len)
    if v is None:
        raise bad(name, "required")
    return v


def integer(q, name: str, default: Optional[int], lo: int, hi: int) -> Optional[int]:
    n = _ranged(q, name, _DIGITS_RE, int, lo, hi, "a whole number written in digits 0-9")
    return default if n is None else n


def number(q, name: str, lo: float, hi: float) -> Optional[float]:
    return _ranged(q, name, _NUMBER_RE, float, lo, hi, "a number written in digits 0-9 (e.g. 0.5)")


def _ranged(q, name: str, pattern: re.Pattern, convert, lo, hi, what: str):
    """A number parameter: None when absent, else written as ``pattern`` says and within [lo, hi]."""
    v = given(q, name)
    if v is None:
        return None
    if not pattern.match(v):
        raise bad(name, f"{v[:40]!r} is not {what}")
    n = convert(v)
    if not lo <= n <= hi:
        raise bad(name, f"{v} is not between {lo:g} and {hi:g}")
    return n


def boolean(q, name: str) -> bool:
    v = given(q, name)
    if v is None:
        return False
    if v.lower() not in ("true", "false", "1", "0", "yes", "no"):
        raise bad(name, f"{v[:40]!r} is not true or false")
    return v.lower() in ("true", "1", "yes")


def choice(q, name: str, options: tuple[str, ...], default: Optional[str] = None) -> Optional[str]:
    v = given(q, name)
    if v is None:
        return default
    if v not in options:
        raise bad(name, f"{v[:40]!r} is not one of {', '.join(options)}")
    return v


def day_value(name: str, v: str) -> str:
    """A YYYY-MM-DD string checked to be a real day (ISO week dates and basic forms are refused)."""
    if not _DATE_RE.match(v):
        raise bad(name, f"{v[:40]!r} is not a YYYY-MM-DD date")
    try:
        return date.fromisoformat(v).isoformat()
    except ValueError:
        raise bad(name, f"{v!r} is not a day of the calendar") from None


def day(q, name: str) -> Optional[str]:
    v = given(q, name)
    return None if v is None else day_value(name, v)


def since(q, name: str = "since") -> Optional[str]:
    """An age (30m, 1h, 7d) or a date/time, as the store's time text (``rasd.clock``)."""
    v = text(q, name, 40)
    if v is None:
        return None
    try:
        return stamp(parse_since(v))
    except ValueError as exc:
        raise bad(name, str(exc)) from None


_COUNTRY_RE = re.compile(r"[A-Z]{2}\Z")


def country(q, name: str = "country") -> Optional[str]:
    v = given(q, name)
    if v is not None and not _COUNTRY_RE.match(v):
        raise bad(name, f"{v[:40]!r} is not an ISO 3166-1 alpha-2 code (two capital letters, e.g. SY)")
    return v


def bbox(q) -> Optional[tuple[float, float, float, float]]:
    v = given(q, "bbox")
    if v is None:
        return None
    if not _BBOX_RE.match(v):
        raise bad("bbox", f"{v[:80]!r} is not 'west,south,east,north' in decimal degrees within range")
    w, s, e, n = (float(x) for x in v.split(","))
    return (w, s, e, n)


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; a 422 naming ``body`` (or the field at fault) when it is not one,
    or when a string in it is not Unicode text (a lone surrogate such as \\ud800)."""
    import json

    raw = await request.body()
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise bad("body", "not a JSON document") from None
    if not isinstance(body, dict):
        raise bad("body", "must be a JSON object")
    _check_strings("body", body)
    return body


def _check_strings(where: str, value: Any, depth: int = 0) -> None:
    if depth > 20:
        raise bad(where, "nested too deep")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise bad(where, "holds a lone surrogate (such as \\ud800), which is not Unicode text") from None
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_strings(k if where == "body" else f"{where}.{k}", k, depth + 1)
            _check_strings(k if where == "body" else f"{where}.{k}", v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _check_strings(where, v, depth + 1)


def json_body_openapi(schema: dict[str, Any], examples: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI request body of an operation that reads its JSON with ``json_body``."""
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": schema, "examples": examples}}}}


async def event_filters(request: Request) -> dict[str, Any]:
    """The event filters of a request, as the store's keyword arguments."""
    q = request.query_params
    status = choice(q, "status", STATUSES)
    f = {
        "event_type": text(q, "type", 100), "sub_event_type": text(q, "sub_type", 100),
        "actor": text(q, "actor", 200), "place": text(q, "place", 200), "country": country(q), "bbox": bbox(q),
        "date_from": day(q, "date_from"), "date_to": day(q, "date_to"), "since": since(q), "status": status,
        "min_corroboration": integer(q, "min_corroboration", None, 1, 1000),
        "min_confidence": number(q, "min_confidence", 0.0, 1.0), "text": text(q, "text", 200),
        "doc_id": text(q, "doc_id", 200), "include_rejected": boolean(q, "include_rejected"),
    }
    actors = request.app.state.actors
    if f["actor"] and actors is not None:
        f["actor"] = actors.names(f["actor"])  # its aliases' canonical names too
    return f


async def paging(request: Request) -> tuple[int, int]:
    q = request.query_params
    return integer(q, "limit", 50, 1, 500), integer(q, "offset", 0, 0, 10_000_000)
