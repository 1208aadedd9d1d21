"""Events table: coded events of each document (migration 002)."""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable, Optional

from ...records import Event


class EventsMixin:
    conn: sqlite3.Connection

    # -- events -----------------------------------------------------------
    def replace_events(self, doc_id: str, events: Iterable[Event]) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM events WHERE doc_id=?", (doc_id,))
            self.conn.executemany(
                "INSERT INTO events(event_id, doc_id, event_type, sub_event_type, date, time_precision,"
                " actor1, actor2, location, lat, lon, country, admin1, geo_precision, fatalities, stance,"
                " confidence, sentence, cluster_id, status, data)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_event_row(e) for e in events])

    def query_events(self, *, event_type: Optional[str] = None, sub_event_type: Optional[str] = None,
                     actor: Optional[str] = None, place: Optional[str] = None,
                     date_from: Optional[str] = None, date_to: Optional[str] = None,
                     text: Optional[str] = None, doc_id: Optional[str] = None,
                     bbox: Optional[tuple[float, float, float, float]] = None,
                     limit: int = 100, offset: int = 0) -> list[Event]:
        where, args = _event_filters(event_type=event_type, sub_event_type=sub_event_type, actor=actor,
                                     place=place, date_from=date_from, date_to=date_to, text=text,
                                     doc_id=doc_id, bbox=bbox)
        sql = (f"SELECT data FROM events {where} ORDER BY date IS NULL, date, event_id LIMIT ? OFFSET ?")
        rows = self.conn.execute(sql, args + [limit, offset]).fetchall()
        return [Event.from_dict(json.loads(r["data"])) for r in rows]


def _event_filters(**f: Any) -> tuple[str, list[Any]]:
    clauses, args = [], []
    if f.get("event_type"):
        clauses.append("event_type = ?"); args.append(f["event_type"])
    if f.get("sub_event_type"):
        clauses.append("sub_event_type = ?"); args.append(f["sub_event_type"])
    if f.get("actor"):
        clauses.append("(actor1 LIKE ? OR actor2 LIKE ?)"); args += [f"%{f['actor']}%"] * 2
    if f.get("place"):
        clauses.append("(location LIKE ? OR admin1 LIKE ?)"); args += [f"%{f['place']}%"] * 2
    if f.get("date_from"):
        clauses.append("date >= ?"); args.append(f["date_from"])
    if f.get("date_to"):
        clauses.append("date <= ?"); args.append(f["date_to"])
    if f.get("text"):
        clauses.append("sentence LIKE ?"); args.append(f"%{f['text']}%")
    if f.get("doc_id"):
        clauses.append("doc_id = ?"); args.append(f["doc_id"])
    if f.get("bbox"):
        w, s, e, n = f["bbox"]
        clauses.append("lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"); args += [s, n, w, e]
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", args


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
