"""Alerts over HTTP (docs/alerts.md): list, add (or replace), remove, queue a test, and each
alert's notifications with their outcomes. Writes need the token, as every write does."""
from __future__ import annotations

from typing import Any, Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from ..alerts.model import EMAIL_PATTERN, NAME_PATTERN, WEBHOOK_PATTERN
from . import params as P
from . import responses as R
from .auth import require_read, require_write
from .responses import json_response

router = APIRouter()

_TEXT = dict(min_length=1, max_length=200, pattern=r"^[^\x00]*$")


class AlertFilters(BaseModel):
    """The fused view's filters an alert saves (every one optional; all must match)."""
    model_config = ConfigDict(extra="forbid")
    event_type: Optional[str] = Field(None, **_TEXT, description="ACLED event type")
    sub_event_type: Optional[str] = Field(None, **_TEXT, description="ACLED sub-event type")
    actor: Optional[str] = Field(None, **_TEXT, description="part of an actor's name")
    place: Optional[str] = Field(None, **_TEXT, description="part of the place's name")
    country: Optional[str] = Field(None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    status: Optional[Literal["confirmed", "single-source", "disputed"]] = None
    min_corroboration: Optional[int] = Field(None, ge=1, le=1000, description="independent outlets at least")
    date_from: Optional[str] = Field(None, pattern=P.DATE_PATTERN, json_schema_extra={"format": "date"})
    date_to: Optional[str] = Field(None, pattern=P.DATE_PATTERN, json_schema_extra={"format": "date"})
    bbox: Optional[tuple[float, float, float, float]] = Field(
        None, description="[west, south, east, north] in degrees")
    text: Optional[str] = Field(None, **_TEXT, description="words in the fused event's record")


class AlertIn(BaseModel):
    """An alert: a name, exactly one of ``webhook`` and ``email``, and its filters."""
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "idlib-confirmed", "webhook": "https://hooks.example.org/rasd",
         "filters": {"place": "Idlib", "status": "confirmed", "min_corroboration": 2}},
        {"name": "sy-strikes", "email": "analyst@example.org",
         "filters": {"country": "SY", "sub_event_type": "Air/drone strike"}}]})
    name: str = Field(..., pattern=NAME_PATTERN, description="letters, digits, '.', '_', '-'")
    webhook: Optional[str] = Field(None, max_length=2000, pattern=WEBHOOK_PATTERN,
                                   description="POST each notification here (JSON, signed)")
    email: Optional[str] = Field(None, max_length=254, pattern=EMAIL_PATTERN, description="or e-mail it here")
    secret: Optional[str] = Field(None, min_length=16, max_length=200,
                                  description="the webhook's HMAC-SHA256 key (default: a new random one, "
                                              "returned once)")
    filters: AlertFilters = Field(default_factory=AlertFilters)


class AlertOut(BaseModel):
    name: str
    channel: Literal["webhook", "email"]
    target: str
    filters: dict[str, Any]
    signed: bool
    created_at: Optional[str]
    notifications: dict[str, int] = Field(description="pending, sent, failed")


class AlertList(BaseModel):
    items: list[AlertOut]


class AlertCreated(BaseModel):
    alert: AlertOut
    secret: Optional[str] = Field(None, description="the webhook's signing key: only in this answer")
    replaced: bool


class NotificationOut(BaseModel):
    id: int
    alert: str
    cluster_id: str
    revision: int
    status: Literal["pending", "sent", "failed"]
    attempts: int
    created_at: str
    next_at: Optional[str]
    sent_at: Optional[str]
    last_error: Optional[str]
    payload: dict[str, Any]


class NotificationList(BaseModel):
    items: list[NotificationOut]


class TestQueued(BaseModel):
    queued: int = Field(description="the test notification's id: GET .../notifications shows its outcome")


# an alert's name in a path (FastAPI checks it: a 422 naming it)
NamePath = Path(..., pattern=NAME_PATTERN, max_length=64, description="the alert's name")


def _alert(request: Request, name: str):
    alert = request.app.state.store.reader().get_alert(name)
    if alert is None:
        raise HTTPException(404, f"no alert {name!r}")
    return alert


@router.get("/api/alerts", dependencies=[Depends(require_read)], tags=["alerts"], response_model=AlertList,
            summary="The alerts, with how many notifications are pending, sent and failed (never the secrets)",
            responses=R.responses(401))
def list_alerts(request: Request):
    from ..alerts.model import public

    return json_response({"items": [public(a) for a in request.app.state.store.reader().list_alerts()]})


@router.post("/api/alerts", dependencies=[Depends(require_write)], tags=["alerts"], status_code=201,
             response_model=AlertCreated,
             summary="Save an alert (the same name replaces it): notify on each new or changed fused event it matches",
             responses=R.responses(401, 413, 422))
def add_alert(request: Request, body: AlertIn):
    from ..alerts.model import AlertError, make_alert, public

    try:
        alert = make_alert(body.name, webhook=body.webhook, email=body.email, secret=body.secret,
                           filters=body.filters.model_dump(exclude_none=True))
    except AlertError as exc:
        field = str(exc).split(":", 1)[0]
        raise P.bad(field if " " not in field else "body", str(exc).split(": ", 1)[-1]) from None
    store = request.app.state.store
    replaced = store.get_alert(alert.name) is not None
    store.save_alert(alert)
    saved = store.get_alert(alert.name)
    return json_response({"alert": public(saved), "replaced": replaced,
                          "secret": alert.secret if alert.channel == "webhook" and body.secret is None else None},
                         status=201)


@router.delete("/api/alerts/{name}", dependencies=[Depends(require_write)], tags=["alerts"],
               summary="Delete an alert and its queued notifications", responses=R.responses(401, 404, 422))
def remove_alert(request: Request, name: str = NamePath):
    if not request.app.state.store.remove_alert(name):
        raise HTTPException(404, f"no alert {name!r}")
    return json_response({"removed": name})


@router.post("/api/alerts/{name}/test", dependencies=[Depends(require_write)], tags=["alerts"], status_code=201,
             response_model=TestQueued,
             summary="Queue a test notification (kind 'test': the newest fused event it matches); the dispatcher "
                     "of `rasd serve --watch` or `rasd alerts deliver` sends it",
             responses=R.responses(201, 401, 404, 422))
def test_alert(request: Request, name: str = NamePath):
    from ..alerts.dispatch import newest_match
    from ..clock import stamp

    alert = _alert(request, name)
    store = request.app.state.store
    at = stamp()
    payload = {"kind": "test", "cluster_id": f"test:{at}", "revision": 0, "at": at, "changes": [],
               "event": newest_match(store, alert)}
    n = store.queue_notification(alert.name, f"test:{at}", 0, payload, at)
    if n is None:
        raise HTTPException(409, "a test of this alert was queued this very millisecond; try again")
    return json_response({"queued": n}, status=201)


@router.get("/api/alerts/{name}/notifications", dependencies=[Depends(require_read)], tags=["alerts"],
            response_model=NotificationList,
            summary="An alert's newest notifications: what was sent, what waits for a retry, what failed and why",
            openapi_extra=P.openapi(limit=({"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
                                           "at most this many")),
            responses=R.responses(401, 404, 422))
def alert_notifications(request: Request, name: str = NamePath):
    alert = _alert(request, name)
    limit = P.integer(request.query_params, "limit", 50, 1, 500)
    rows = request.app.state.store.reader().notifications(alert.name, limit=limit)
    return json_response({"items": [n.__dict__ for n in rows]})
