"""The alert dispatcher's settings: ``data/alerts.yaml`` read by the strict data loader, then
``RASD_*`` environment variables (each wins over the file)."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any, Optional

from ..code import dataload as dl
from ..errors import RasdError

ENV = {
    "attempts": "RASD_ALERT_ATTEMPTS", "backoff_s": "RASD_ALERT_BACKOFF", "backoff_max_s": "RASD_ALERT_BACKOFF_MAX",
    "timeout_s": "RASD_ALERT_TIMEOUT", "lease_s": "RASD_ALERT_LEASE", "poll_s": "RASD_ALERT_POLL",
    "smtp_host": "RASD_SMTP_HOST", "smtp_port": "RASD_SMTP_PORT", "smtp_from": "RASD_SMTP_FROM",
    "smtp_starttls": "RASD_SMTP_STARTTLS", "smtp_user": "RASD_SMTP_USER",
}


def _number(v: Any, w: dl.Where) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
        raise w.fail(f"expected a number of at least 0, got {v!r}")
    return float(v)


def _any_text(v: Any, w: dl.Where) -> str:
    if not isinstance(v, str):
        raise w.fail(f"expected text, got {v!r}")
    return v


SCHEMA = dl.record({
    "attempts": dl.Key(dl.integer, True), "backoff_s": dl.Key(_number, True), "backoff_max_s": dl.Key(_number, True),
    "timeout_s": dl.Key(_number, True), "lease_s": dl.Key(_number, True), "poll_s": dl.Key(_number, True),
    "batch": dl.Key(dl.integer, True), "user_agent": dl.Key(dl.text, True), "smtp_host": dl.Key(dl.text, True),
    "smtp_port": dl.Key(dl.integer, True), "smtp_from": dl.Key(dl.text, True), "smtp_starttls": dl.Key(dl.flag, True),
    "smtp_user": dl.Key(_any_text, True),
})


@dataclass(frozen=True)
class AlertSettings:
    attempts: int
    backoff_s: float
    backoff_max_s: float
    timeout_s: float
    lease_s: float
    poll_s: float
    batch: int
    user_agent: str
    smtp_host: str
    smtp_port: int
    smtp_from: str
    smtp_starttls: bool
    smtp_user: str
    smtp_password: Optional[str] = None  # RASD_SMTP_PASSWORD only

    @classmethod
    def load(cls, *, env: bool = True, **overrides: Any) -> "AlertSettings":
        """The data file, then the environment (unless ``env=False``), then ``overrides``.
        RasdError naming the file or the variable and the reason when a value is bad."""
        try:
            values = dl.read("alerts.yaml", SCHEMA, package="rasd.alerts")
        except dl.DataError as exc:
            raise RasdError(str(exc)) from None
        if env:
            for key, var in ENV.items():
                raw = os.environ.get(var)
                if raw:
                    values[key] = _from_env(var, type(values[key]), raw)
            values["smtp_password"] = os.environ.get("RASD_SMTP_PASSWORD") or None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values).checked()

    def checked(self) -> "AlertSettings":
        for name in ("attempts", "timeout_s", "lease_s", "poll_s", "batch", "smtp_port"):
            if getattr(self, name) <= 0:
                raise RasdError(f"alert setting {name} must be positive, not {getattr(self, name)}")
        if self.lease_s <= self.timeout_s:
            raise RasdError(f"alert setting lease_s ({self.lease_s}) must be longer than timeout_s ({self.timeout_s})")
        return self

    def but(self, **kw: Any) -> "AlertSettings":
        """A copy with some values changed (tests and the bench)."""
        unknown = set(kw) - {f.name for f in fields(self)}
        if unknown:
            raise TypeError(f"unknown alert settings {sorted(unknown)}")
        return replace(self, **kw).checked()


def _from_env(var: str, typ: type, raw: str) -> Any:
    try:
        if typ is bool:
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError("expected true or false")
            return raw.lower() in ("1", "true", "yes")
        return typ(raw)
    except ValueError as exc:
        raise RasdError(f"{var}: bad value {raw!r} ({exc})") from None
