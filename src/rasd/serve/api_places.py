"""Searches that help analysts (issue 14): places ranked around the event being corrected, and
actor names as they type."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from ..geo.search import Near
from . import params as P
from . import responses as R
from .auth import require_read
from .responses import json_response as _json

router = APIRouter()


@router.get("/api/places", dependencies=[Depends(require_read)], tags=["places"],
            summary="Places for a correction: the event's region and country first, each with its "
                    "province and country",
            openapi_extra=P.openapi(
                {"q": ({"type": "string", "maxLength": 200}, "a place name, or its start"),
                 "country": ({"type": "string", "pattern": "^[A-Za-z]{2}$"},
                             "only places in this country (ISO 3166 alpha-2)"),
                 "near_event": ({"type": "string", "maxLength": 200},
                                "an event id: its region, then its country, rank first, nearer places "
                                "before farther ones")},
                limit=({"type": "integer", "minimum": 1, "maximum": 50, "default": 10}, "at most this many"),
                required=("q",)),
            responses=R.responses(401, 404, 422, 503))
def places(request: Request):
    q = request.query_params
    name = P.required_text(q, "q", 200)
    country = P.text(q, "country", 2)
    if country is not None and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise P.bad("country", f"{country!r} is not a two-letter country code")
    event_id = P.text(q, "near_event", 200)
    limit = P.integer(q, "limit", 10, 1, 50)
    search = request.app.state.place_search
    if search is None:
        raise HTTPException(503, "no gazetteer is configured for this server")
    near = Near()
    if event_id is not None:
        ev = request.app.state.store.reader().get_event_view(event_id)
        if ev is None:
            raise HTTPException(404, f"no event {event_id!r}")
        loc = ev.location
        if loc is not None:
            near = Near(country=loc.country, admin1=loc.admin1, lat=loc.lat, lon=loc.lon)
    items = search.search(name, near=near, country=country, limit=limit)
    return _json({"items": items, "near": {"country": near.country, "admin1": near.admin1, "lat": near.lat,
                                           "lon": near.lon} if event_id else None})


@router.get("/api/actors", dependencies=[Depends(require_read)], tags=["actors"],
            summary="Actors for the actor filter as you type: the knowledge base's actors whose name or "
                    "alias matches, then the names stored events carry",
            openapi_extra=P.openapi(
                {"q": ({"type": "string", "maxLength": 200}, "what was typed (a name, an alias: SDF, HTS)")},
                limit=({"type": "integer", "minimum": 1, "maximum": 50, "default": 10}, "at most this many of each"),
                required=("q",)),
            responses=R.responses(401, 422))
def actors(request: Request):
    q = request.query_params
    text, limit = P.required_text(q, "q", 200), P.integer(q, "limit", 10, 1, 50)
    search = request.app.state.actors
    known = search.suggest(text, limit=limit) if search is not None else []
    stored = request.app.state.store.reader().actor_names(text, limit=limit)
    return _json({"items": [{**k, "kind": "known"} for k in known]
                  + [{"name": n, "events": c, "kind": "stored"} for n, c in stored],
                  "matches": search.names(text) if search is not None else [text]})
