"""An alert as a user gives it (CLI or API), checked: its name, where it goes, its search."""
from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Any, Optional

from ..store.base import CHANNELS, Alert

# the same rules as patterns, for the API's schema
NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
EMAIL_PATTERN = "^[^@\\s<>,;\"]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*$"
WEBHOOK_PATTERN = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?][^\\s]*)?$"
NAME = re.compile(NAME_PATTERN)
EMAIL = re.compile(EMAIL_PATTERN)
WEBHOOK = re.compile(WEBHOOK_PATTERN)
STATUSES = ("confirmed", "single-source", "disputed")
# the fused view's filters an alert may save (docs/alerts.md), with the CLI flag of each
FILTERS = {"event_type": "--type", "sub_event_type": "--sub-type", "actor": "--actor", "place": "--place",
           "country": "--country", "status": "--status", "min_corroboration": "--min-corroboration",
           "date_from": "--from", "date_to": "--to", "bbox": "--bbox", "text": "--text"}


class AlertError(ValueError):
    """An alert that cannot be saved; the message names the field and the reason."""


def make_alert(name: str, *, webhook: Optional[str] = None, email: Optional[str] = None,
               filters: Optional[dict[str, Any]] = None, secret: Optional[str] = None) -> Alert:
    """A checked alert: one of ``webhook`` (an http(s) URL) or ``email``; ``filters`` among
    FILTERS; a webhook without ``secret`` gets a new random one (to verify its signatures)."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise AlertError(f"name: {str(name)[:70]!r} must be 1-64 letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit")
    if (webhook is None) == (email is None):
        raise AlertError("give exactly one of webhook or email")
    if webhook is not None:
        if not isinstance(webhook, str) or len(webhook) > 2000 or not WEBHOOK.fullmatch(webhook):
            raise AlertError(f"webhook: {str(webhook)[:80]!r} is not an http(s) URL")
        if secret is not None and (not isinstance(secret, str) or not 16 <= len(secret) <= 200):
            raise AlertError("secret: must be 16 to 200 characters")
        return Alert(name, "webhook", webhook, check_filters(filters or {}), secret or secrets.token_urlsafe(32))
    if not isinstance(email, str) or len(email) > 254 or not EMAIL.fullmatch(email):
        raise AlertError(f"email: {str(email)[:80]!r} is not an e-mail address")
    if secret is not None:
        raise AlertError("secret: only a webhook is signed")
    return Alert(name, "email", email, check_filters(filters or {}), None)


def check_filters(f: dict[str, Any]) -> dict[str, Any]:
    """The filters with their values checked (empty ones dropped); AlertError naming the bad one."""
    if not isinstance(f, dict):
        raise AlertError("filters: must be an object")
    out: dict[str, Any] = {}
    for key, v in f.items():
        if key not in FILTERS:
            raise AlertError(f"filters.{key}: not a filter (one of {', '.join(FILTERS)})")
        if v is None or v == "":
            continue
        out[key] = _value(key, v)
    return out  # an inverted date range matches nothing, as in the API's filters


def _value(key: str, v: Any) -> Any:
    where = f"filters.{key}"
    if key == "min_corroboration":
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 1000:
            raise AlertError(f"{where}: {v!r} is not a whole number from 1 to 1000")
        return v
    if key == "bbox":
        if not isinstance(v, (list, tuple)) or len(v) != 4 or \
                not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
            raise AlertError(f"{where}: must be [west, south, east, north] in degrees")
        w, s, e, n = (float(x) for x in v)
        if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= 90 and -90 <= n <= 90):
            raise AlertError(f"{where}: a coordinate is out of range")
        return [w, s, e, n]
    if not isinstance(v, str) or "\x00" in v or len(v) > 200:
        raise AlertError(f"{where}: must be text of at most 200 characters")
    if key == "status" and v not in STATUSES:
        raise AlertError(f"{where}: {v!r} is not one of {', '.join(STATUSES)}")
    if key == "country" and not re.fullmatch(r"[A-Z]{2}", v):
        raise AlertError(f"{where}: {v!r} is not an ISO 3166-1 alpha-2 code (two capital letters)")
    if key in ("date_from", "date_to"):
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v):
                raise ValueError
            date.fromisoformat(v)
        except ValueError:
            raise AlertError(f"{where}: {v!r} is not a YYYY-MM-DD date") from None
    return v


def public(alert: Alert) -> dict[str, Any]:
    """An alert as lists show it: everything but its secret."""
    return {"name": alert.name, "channel": alert.channel, "target": alert.target, "filters": alert.filters,
            "signed": alert.secret is not None, "created_at": alert.created_at,
            "notifications": {"pending": alert.pending, "sent": alert.sent, "failed": alert.failed}}


__all__ = ["AlertError", "CHANNELS", "FILTERS", "check_filters", "make_alert", "public"]
