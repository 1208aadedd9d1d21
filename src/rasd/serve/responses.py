"""JSON responses and what the OpenAPI document says about them, in one place.

Every error the API gives is ``{"error": "..."}`` (bad parameters also list ``problems``);
``responses(...)`` documents the status codes an operation can answer with that shape, so
that the document tells a generated client every status it will meet.
"""
from __future__ import annotations

import json
from typing import Any

from fastapi.responses import Response

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "what went wrong, naming the parameter at fault"},
        "problems": {"type": "array", "items": {"type": "object", "properties": {
            "param": {"type": "string"}, "reason": {"type": "string"}}}},
    },
}
WHY = {
    201: "Created",
    400: "The Host header is not one this server answers to (see --allowed-host)",
    401: "The token is missing or wrong (writes always need it; reads when the server asks for it)",
    403: "An analyst's token writes under its own name: the body's author names someone else",
    404: "No such record",
    409: "The change needs confirmation (give confirm=true): the error says why",
    405: "Method not allowed",
    413: "The request body is over the server's limit (--max-body-mb)",
    422: "A parameter or the body is not acceptable; the error names it",
    503: "A service this operation needs is not available (the store, or no gazetteer configured)",
}


def json_response(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, separators=(",", ":")), status_code=status,
                    media_type="application/json")


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI response objects for the given status codes (201: a JSON object; others: an error)."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        if code < 300:
            out[code] = {"description": WHY.get(code, "OK"),
                         "content": {"application/json": {"schema": {"type": "object"}}}}
        else:
            out[code] = {"description": WHY[code], "content": {"application/json": {"schema": ERROR_SCHEMA}}}
    return out
