"""The watcher's settings: ``data/watch.yaml`` read by one strict loader, then environment
variables, then flags (each later one wins)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields, replace
from importlib import resources
from typing import Any, Optional

from ..errors import RasdError

# setting -> environment variable
ENV = {
    "user_agent": "RASD_USER_AGENT",
    "timeout_s": "RASD_WATCH_TIMEOUT",
    "max_bytes": "RASD_WATCH_MAX_BYTES",
    "max_redirects": "RASD_WATCH_MAX_REDIRECTS",
    "retries": "RASD_WATCH_RETRIES",
    "backoff_s": "RASD_WATCH_BACKOFF",
    "backoff_max_s": "RASD_WATCH_BACKOFF_MAX",
    "host_rate": "RASD_WATCH_RATE",
    "host_concurrency": "RASD_WATCH_HOST_CONCURRENCY",
    "total_concurrency": "RASD_WATCH_CONCURRENCY",
    "robots_ttl_s": "RASD_WATCH_ROBOTS_TTL",
    "item_attempts": "RASD_WATCH_ATTEMPTS",
}


@dataclass(frozen=True)
class WatchSettings:
    user_agent: str
    robots_agent: str
    timeout_s: float
    max_bytes: int
    max_redirects: int
    retries: int
    backoff_s: float
    backoff_max_s: float
    host_rate: float
    host_concurrency: int
    total_concurrency: int
    robots_ttl_s: float
    every_s: float
    item_attempts: int
    tracking_params: tuple[str, ...]

    @classmethod
    def load(cls, path: Optional[str] = None, *, env: bool = True, **overrides: Any) -> "WatchSettings":
        """The data file (or ``path``), then ``RASD_*`` variables (unless ``env=False``), then
        ``overrides`` that are not None. Raises RasdError naming the bad key or value."""
        import yaml

        label = path or "rasd/watch/data/watch.yaml"
        text = open(path, encoding="utf-8").read() if path else \
            resources.files("rasd.watch").joinpath("data", "watch.yaml").read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
        if not isinstance(data, dict):
            raise RasdError(f"{label}: expected a mapping of settings")
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise RasdError(f"{label}: unknown setting(s) {', '.join(unknown)}")
        missing = sorted(set(known) - set(data))
        if missing:
            raise RasdError(f"{label}: missing setting(s) {', '.join(missing)}")
        values = {k: _coerce(label, k, known[k].type, v) for k, v in data.items()}
        if env:
            for key, var in ENV.items():
                if os.environ.get(var):
                    values[key] = _coerce(var, key, known[key].type, os.environ[var])
        for key, val in overrides.items():
            if key not in known:
                raise TypeError(f"unknown watch setting {key!r}")
            if val is not None:
                values[key] = _coerce(f"--{key}", key, known[key].type, val)
        return cls(**values).checked()

    def checked(self) -> "WatchSettings":
        for name in ("timeout_s", "max_bytes", "host_rate", "host_concurrency", "total_concurrency",
                     "item_attempts"):
            if getattr(self, name) <= 0:
                raise RasdError(f"watch setting {name} must be positive, not {getattr(self, name)}")
        for name in ("retries", "backoff_s", "backoff_max_s", "max_redirects", "robots_ttl_s"):
            if getattr(self, name) < 0:
                raise RasdError(f"watch setting {name} must not be negative, not {getattr(self, name)}")
        return self

    def but(self, **kw: Any) -> "WatchSettings":
        """A copy with some values changed (tests and the bench)."""
        return replace(self, **kw).checked()


def _coerce(label: str, key: str, typ: Any, value: Any) -> Any:
    typ = str(typ)
    try:
        if typ.startswith("tuple"):
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ValueError("expected a list of strings")
            return tuple(value)
        if typ == "int":
            if isinstance(value, float) and not value.is_integer():
                raise ValueError("expected a whole number")
            return int(value)
        if typ == "float":
            return float(value)
        if typ == "str":
            if not isinstance(value, str) or not value.strip():
                raise ValueError("expected a non-empty string")
            return value
    except (TypeError, ValueError) as exc:
        raise RasdError(f"{label}: {key}: bad value {value!r} ({exc})") from None
    raise TypeError(f"unhandled setting type {typ}")


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.I)
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds of ``30s``, ``15m``, ``2h``, ``1d`` (a bare number is seconds). ValueError if bad."""
    m = _DURATION.match(str(text))
    if not m:
        raise ValueError(f"not a duration: {text!r} (e.g. 30s, 15m, 2h, 1d)")
    secs = float(m.group(1)) * _UNIT[(m.group(2) or "s").lower()]
    if secs <= 0:
        raise ValueError(f"a duration must be positive: {text!r}")
    return secs


def format_duration(secs: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= size and secs % size == 0:
            return f"{int(secs // size)}{unit}"
    return f"{secs:g}s"
