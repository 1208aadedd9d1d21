"""Scoring the coder against ACLED exports: the coder reads each row's ``notes``.

Reference date: ACLED notes state their day and month but often not the year ("On Feb 7
..."). The coder gets as publication date the row's ``timestamp`` (when ACLED published
the record, always on or after the event), never the event date itself, so the date
score measures the coder's own reading of the note.

Fields: event_type, sub_event_type (exact); actor1, actor2 (same knowledge-base actor
when the gold name is known to the KB, else the same name); location (within 25 km);
date (exact); fatalities (exact, "not reported" read as 0 as ACLED codes it).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterable, Optional

from ..records import Document, Event
from .metrics import Tally, confusion_table, km

FIELDS = ("event_type", "sub_event_type", "actor1", "actor2", "location_25km", "date", "fatalities")


def _parse_date(s: str) -> Optional[date]:
    for fmt in ("%d %B %Y", "%d-%b-%y", "%Y-%m-%d", "%d %b %Y"):
        try:
            return datetime.strptime(s.strip(), fmt).date()
        except ValueError:
            continue
    return None


def load_rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if rows and "notes" not in rows[0]:
        raise ValueError("no 'notes' column")
    return rows


def row_document(row: dict, i: int) -> Document:
    pub = None
    ts = (row.get("timestamp") or "").strip()
    if ts.isdigit():
        pub = datetime.fromtimestamp(int(ts), tz=timezone.utc).date()
    ident = row.get("event_id_cnty") or row.get("data_id") or str(i)
    return Document(doc_id=f"acled-{ident}", raw=row.get("notes") or "", published=pub)


@dataclass
class AcledScore:
    tally: Tally = field(default_factory=Tally)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    rows: int = 0
    no_event: int = 0
    misses: list[dict] = field(default_factory=list)

    def report(self) -> str:
        lines = [f"rows: {self.rows}   rows with no event coded: {self.no_event}"]
        for f in FIELDS:
            r = self.tally.rate(f)
            lines.append(f"{f:<16}{'-' if r is None else f'{r:.3f}'}  ({self.tally.ok[f]}/{self.tally.n[f]})")
        lines.append("")
        lines.append("event types (rows gold, columns predicted):")
        lines.append(confusion_table(self.pairs))
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {"rows": self.rows, "no_event": self.no_event,
                **{f: self.tally.rate(f) for f in FIELDS}}


def same_actor(kb, gold: str, pred) -> bool:
    gold = (gold or "").strip()
    if not gold:
        return pred is None
    if pred is None:
        return False
    g = kb.lookup(gold)
    p = kb.lookup(pred.name) or kb.lookup(pred.mention or "")
    if g is not None and p is not None:
        return g == p
    return gold.lower() == pred.name.lower()


def score(rows: list[dict], events: Iterable[list[Event]], kb) -> AcledScore:
    s = AcledScore()
    for row, evs in zip(rows, events):
        s.rows += 1
        ev = evs[0] if evs else None
        if ev is None:
            s.no_event += 1
        t = s.tally
        t.add("event_type", ev is not None and ev.event_type == row["event_type"])
        t.add("sub_event_type", ev is not None and ev.sub_event_type == row["sub_event_type"])
        t.add("actor1", ev is not None and same_actor(kb, row.get("actor1", ""), ev.actor1))
        t.add("actor2", ev is not None and same_actor(kb, row.get("actor2", ""), ev.actor2))
        ok_loc = False
        if ev is not None and ev.location and ev.location.lat is not None and row.get("latitude"):
            ok_loc = km(ev.location.lat, ev.location.lon, float(row["latitude"]), float(row["longitude"])) <= 25.0
        t.add("location_25km", ok_loc)
        gd = _parse_date(row.get("event_date", ""))
        t.add("date", ev is not None and ev.date == gd)
        gf = int(row["fatalities"]) if (row.get("fatalities") or "").strip().isdigit() else 0
        t.add("fatalities", ev is not None and (ev.fatalities or 0) == gf)
        s.pairs.append((row["event_type"], ev.event_type if ev else "(none)"))
        if ev is None or ev.sub_event_type != row["sub_event_type"]:
            s.misses.append({"notes": row.get("notes"), "gold": row["sub_event_type"], "pred": ev.sub_event_type if ev else None})
    return s
