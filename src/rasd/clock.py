"""Times the store records (when a document, an event or a change of a fused event was stored)
and the ``--since`` / ``since=`` bound users give on them.

Every such time is written as one text form, UTC to the millisecond (``stamp``:
``2026-11-29T05:40:12.123Z``), so that comparing two of them as text compares the times, in
every backend. ``parse_since`` reads what a user may give: an age (``30m``, ``1h``, ``7d``,
``2w``) counted back from now, a day (``2026-11-28``, its midnight UTC) or an ISO time
(``2026-11-28T06:00``, ``2026-11-28T06:00:00+03:00``; without a zone it is UTC).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Optional

_AGE = re.compile(r"([0-9]{1,4})(m|h|d|w)\Z")
AGE_PATTERN = "^[1-9][0-9]{0,3}[mhdw]$"  # the same, for schemas (at most 9999 units)
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
                   r"(?:Z|[+-][0-9]{2}:[0-9]{2})?\Z")
SINCE_HELP = "30m, 1h, 7d, 2w (ago), a day YYYY-MM-DD (UTC) or a time YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]"


def now() -> datetime:
    return datetime.now(timezone.utc)


def stamp(t: Optional[datetime] = None) -> str:
    """``t`` (default now) as the store's time text: UTC, milliseconds, ``Z``."""
    t = (t or now()).astimezone(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def parse_stamp(text: str) -> datetime:
    """A time the store recorded (``stamp``'s form, or an ISO time) as an aware datetime."""
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def parse_since(text: str, at: Optional[datetime] = None) -> datetime:
    """The moment ``text`` names (see the module's doc), as an aware UTC datetime; ``at`` is
    "now" for ages. ValueError with a message saying what is wrong and what is accepted."""
    v = text
    if not isinstance(v, str) or not v:
        raise ValueError(f"empty; give {SINCE_HELP}")
    if not v.isascii():
        raise ValueError(f"{text[:40]!r} holds characters other than ASCII digits, letters and signs; "
                         f"give {SINCE_HELP}")
    m = _AGE.match(v)
    if m:
        n = int(m.group(1))
        if n == 0:
            raise ValueError(f"{v!r} is no time ago; give a number of at least 1")
        return (at or now()) - _UNITS[m.group(2)] * n
    if v[:-1].isdigit() and v[-1:].isalpha():
        raise ValueError(f"{v[:40]!r}: an age is at most 4 digits and one of the units m, h, d, w")
    if _DAY.match(v):
        try:
            d = date.fromisoformat(v)
        except ValueError:
            raise ValueError(f"{v!r} is not a day of the calendar") from None
        return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)
    if _TIME.match(v):
        try:
            t = datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{v!r} is not a time of the calendar") from None
        return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    raise ValueError(f"{v[:40]!r} is not an age or a date; give {SINCE_HELP}")


def since_stamp(text: Optional[str], at: Optional[datetime] = None) -> Optional[str]:
    """``parse_since`` as the store's time text (None stays None): what store filters take."""
    return None if text is None else stamp(parse_since(text, at))
