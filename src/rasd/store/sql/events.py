"""Events table: coded events of each document (migration 002), for every SQL backend."""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Optional

from ...clock import stamp
from ...records import Event
from .dialect import SQLConnection


class EventsMixin(SQLConnection):

    # -- events -----------------------------------------------------------
    def replace_events(self, doc_id: str, events: Iterable[Event]) -> None:
        at = stamp()
        with self.transaction():
            self.conn.execute("DELETE FROM events WHERE doc_id=?", (doc_id,))
            self.conn.executemany(
                "INSERT INTO events(event_id, doc_id, event_type, sub_event_type, date, time_precision,"
                " actor1, actor2, location, lat, lon, country, admin1, geo_precision, fatalities, stance,"
                " confidence, sentence, cluster_id, status, data, stored_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_event_row(e) + (at,) for e in events])

    def query_events(self, *, event_type: Optional[str] = None, sub_event_type: Optional[str] = None,
                     actor: Optional[str] = None, place: Optional[str] = None,
                     date_from: Optional[str] = None, date_to: Optional[str] = None,
                     text: Optional[str] = None, doc_id: Optional[str] = None,
                     bbox: Optional[tuple[float, float, float, float]] = None,
                     limit: int = 100, offset: int = 0) -> list[Event]:
        """Machine-coded events as the coder stored them (no analyst corrections: for those, and
        for what users see, read ``query_events_view``), oldest first."""
        c, args = field_filters(dict(event_type=event_type, sub_event_type=sub_event_type, actor=actor,
                                     place=place, date_from=date_from, date_to=date_to, text=text,
                                     doc_id=doc_id, bbox=bbox), like=self.dialect.like,
                                unindexed=self.dialect.unindexed)
        sql = f"SELECT e.data FROM events e {where(c)} ORDER BY e.date IS NULL, e.date, e.event_id LIMIT ? OFFSET ?"
        rows = self.conn.execute(sql, args + [limit, offset]).fetchall()
        return [Event.from_dict(json.loads(r["data"])) for r in rows]


def field_filters(f: dict[str, Any], col: Callable[[str], str] = lambda c: f"e.{c}",
                  like: str = "LIKE", unindexed: str = "+") -> tuple[list[str], list[Any]]:
    """SQL conditions and arguments for the filters on an event's own fields (type, actor, place,
    country, dates, when stored, text, document, box, placed), over the column expression ``col(name)`` gives: the
    machine's columns of ``events e`` by default, or corrected values (see corrections.py);
    ``like`` is the dialect's case-insensitive LIKE, ``unindexed`` its prefix that keeps a column's
    index out of the plan."""
    c: list[str] = []
    a: list[Any] = []
    if f.get("event_type"):
        c.append(f"{col('event_type')} = ?"); a.append(f["event_type"])
    if f.get("sub_event_type"):
        c.append(f"{col('sub_event_type')} = ?"); a.append(f["sub_event_type"])
    if f.get("actor"):  # a name or several (ORed), each a part of either actor's name
        names = [f["actor"]] if isinstance(f["actor"], str) else [n for n in f["actor"] if n]
        c.append("(" + " OR ".join(f"{col('actor1')} {like} ? OR {col('actor2')} {like} ?" for _ in names) + ")")
        a += [f"%{n}%" for n in names for _ in (1, 2)]
    if f.get("place"):
        c.append(f"({col('location')} {like} ? OR {col('admin1')} {like} ?)"); a += [f"%{f['place']}%"] * 2
    if f.get("date_from"):
        c.append(f"{col('date')} >= ?"); a.append(f["date_from"])
    if f.get("date_to"):
        c.append(f"{col('date')} <= ?"); a.append(f["date_to"])
    if f.get("min_confidence") is not None:  # the coder's own figure: analysts do not correct it
        # as shown (to_dict rounds to 3 places): 0.5996 shows as 0.6 and passes min_confidence 0.6
        c.append("e.confidence >= ?"); a.append(float(f["min_confidence"]) - 0.0005)
    if f.get("country"):
        c.append("e.country = ?"); a.append(f["country"])
    if f.get("since"):
        c.append("e.stored_at >= ?"); a.append(f["since"])
    if f.get("text"):
        c.append(f"e.sentence {like} ?"); a.append(f"%{f['text']}%")
    if f.get("doc_id"):
        c.append("e.doc_id = ?"); a.append(f["doc_id"])
    if f.get("bbox"):
        w, s, e, n = f["bbox"]
        # SQLite's '+' keeps the planner on the (date, id) order: a page of a large box is found at once
        c.append(f"{unindexed}{col('lat')} BETWEEN ? AND ? AND {unindexed}{col('lon')} BETWEEN ? AND ?")
        a += [s, n, w, e]
    if f.get("_placed"):
        c.append(f"{col('lat')} IS NOT NULL AND {col('lon')} IS NOT NULL")
    return c, a


def where(clauses: list[str]) -> str:
    return ("WHERE " + " AND ".join(clauses)) if clauses else ""


def _event_row(e: Event) -> tuple:
    loc = e.location
    return (
        e.event_id, e.doc_id, e.event_type, e.sub_event_type, e.date.isoformat() if e.date else None,
        e.time_precision, e.actor1.name if e.actor1 else None, e.actor2.name if e.actor2 else None,
        loc.name if loc else None, loc.lat if loc else None, loc.lon if loc else None,
        loc.country if loc else None, loc.admin1 if loc else None, loc.geo_precision if loc else None,
        e.fatalities, e.stance, e.confidence, e.sentence, e.cluster_id, e.status,
        json.dumps(e.to_dict(), ensure_ascii=False),
    )
