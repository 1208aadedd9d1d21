"""Analyst corrections and the corrected view of events (migration 004).

Corrections are rows of their own table; ``event_overrides`` caches them resolved against
the events now stored, so that filters and paging see corrected values with plain SQL.
A trigger marks a document stale when its events are re-extracted; the next read resolves
its corrections again against the new events (they are anchored by document and span).
"""
from __future__ import annotations

import json
from typing import Any, Iterator, Optional, Sequence

from ... import corrections as corr
from ...records import Event
from ..base import EventRecord
from .dialect import SQLConnection
from .events import field_filters, where

# effective (corrected) value of an events column
_EFF = {c: f"COALESCE(o.{c}, e.{c})" for c in (
    "event_type", "sub_event_type", "actor1", "actor2", "location", "admin1", "lat", "lon", "date", "fatalities")}

# summary columns, in this order (see query_events_summary)
_SUMMARY_EFF = ("event_type", "sub_event_type", "actor1", "actor2", "location", "admin1", "admin1", "date",
                "lat", "lon", "fatalities")

FILTER_KEYS = ("event_type", "sub_event_type", "actor", "place", "country", "bbox", "date_from", "date_to",
               "since", "status", "min_corroboration", "text", "doc_id", "include_rejected")


class CorrectionsMixin(SQLConnection):
    # -- corrections --------------------------------------------------------
    def add_correction(self, event_id: str, changes: dict[str, Any], *, author: Optional[str] = None,
                       note: Optional[str] = None) -> Optional[Event]:
        row = self.conn.execute("SELECT data FROM events WHERE event_id=?", (event_id,)).fetchone()
        if row is None:
            return None
        event = Event.from_dict(json.loads(row["data"]))
        a = corr.anchor_of(event)
        changes = {k: corr.validate(k, v) for k, v in changes.items()}  # CorrectionError on bad values
        with self.transaction():
            for field, value in changes.items():
                self.conn.execute(
                    "INSERT INTO corrections(doc_id, span_start, span_end, sentence_hash, event_id, field, value,"
                    " author, note) VALUES (?,?,?,?,?,?,?,?,?)",
                    (a.doc_id, a.span_start, a.span_end, a.sentence_hash, event_id, field,
                     json.dumps(value, ensure_ascii=False), author, note))
            self._resolve_doc(event.doc_id)
        return self.get_event_view(event_id)

    def corrections_of(self, event_id: str) -> list[dict[str, Any]]:
        row = self.conn.execute("SELECT data FROM events WHERE event_id=?", (event_id,)).fetchone()
        if row is None:
            return []
        event = Event.from_dict(json.loads(row["data"]))
        rows = self._correction_rows(event.doc_id)
        events = [Event.from_dict(json.loads(er["data"]))
                  for er in self.conn.execute("SELECT data FROM events WHERE doc_id=?", (event.doc_id,))]
        out = []
        for r in rows:  # the rows that, alone, resolve onto this event
            if event_id in corr.resolve_document([r], events):
                out.append({k: r[k] for k in ("id", "field", "value", "author", "note", "created_at", "event_id")})
        return out

    def _correction_rows(self, doc_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM corrections WHERE doc_id=? ORDER BY id", (doc_id,)).fetchall()
        return [dict(r, value=json.loads(r["value"]) if r["value"] is not None else None) for r in rows]

    def _resolve_doc(self, doc_id: str) -> None:
        """Rebuild the override cache of one document (inside a transaction)."""
        rows = self._correction_rows(doc_id)
        self.conn.execute("DELETE FROM event_overrides WHERE doc_id=?", (doc_id,))
        self.conn.execute("DELETE FROM corrections_stale WHERE doc_id=?", (doc_id,))
        if not rows:
            return
        events = [Event.from_dict(json.loads(er["data"]))
                  for er in self.conn.execute("SELECT data FROM events WHERE doc_id=?", (doc_id,)).fetchall()]
        for event_id, fields in corr.resolve_document(rows, events).items():
            cols = corr.override_columns(fields)
            names = ["event_id", "doc_id", "fields", *cols]
            self.conn.execute(
                f"INSERT INTO event_overrides({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [event_id, doc_id, json.dumps(fields, ensure_ascii=False), *cols.values()])

    def refresh_overrides(self) -> int:
        """Resolve the corrections of every document whose events changed; return how many."""
        docs = [r[0] for r in self.conn.execute("SELECT doc_id FROM corrections_stale").fetchall()]
        if docs:
            with self.transaction():
                for d in docs:
                    self._resolve_doc(d)
        return len(docs)

    def _fresh(self) -> None:
        if self.conn.execute("SELECT 1 FROM corrections_stale LIMIT 1").fetchone():
            self._write_store().refresh_overrides()

    # -- the corrected view of events ---------------------------------------
    # Two parts, so that indexes serve the common case: events no analyst touched are
    # filtered on their own columns (covering indexes of migration 004); the few with
    # overrides are filtered on their corrected values; the parts merge in Python.
    def get_event_view(self, event_id: str) -> Optional[Event]:
        self._fresh()
        got = self._load([event_id])
        return got[0] if got else None

    def query_events_view(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[Event]:
        """Events with corrections applied, filtered, newest first (date, then id: a stable order)."""
        self._fresh()
        keys = self._keys(filters, limit=offset + limit)
        return self._load([k[1] for k in keys[offset:offset + limit]])

    def query_event_records(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[EventRecord]:
        """As ``query_events_view``, each event as its unparsed record (nothing parsed here)."""
        self._fresh()
        keys = self._keys(filters, limit=offset + limit)
        return self._records([k[1] for k in keys[offset:offset + limit]])

    def query_events_summary(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[dict[str, Any]]:
        """As ``query_events_view``, each event as a short summary read from the indexes alone
        (no evidence, no JSON parsed): what a list or a map needs."""
        self._fresh()
        rows: list[tuple] = []
        d = self.dialect
        for corrected, src in ((False, "events e"), (True, d.overridden)):
            where, args = self._where(filters, corrected=corrected)
            col = (lambda c: _EFF[c]) if corrected else (lambda c: f"e.{c}")
            cols = ", ".join(col(c) for c in _SUMMARY_EFF)
            extra = "o.fields" if corrected else "NULL"
            sql = (f"SELECT {cols}, e.event_id, e.status, e.sentence, {extra} FROM {src} {where}"
                   f" ORDER BY {d.desc(col('date'))}, e.event_id DESC LIMIT ?")
            rows += self.conn.execute(sql, args + [offset + limit]).fetchall()
        rows.sort(key=lambda r: (r[7] is not None, r[7] or "", r[11]), reverse=True)
        out = []
        for r in rows[offset:offset + limit]:
            fields = json.loads(r[14]) if r[14] else {}
            out.append({
                "event_id": r[11], "event_type": r[0], "sub_event_type": r[1], "date": r[7],
                "actor1": {"name": r[2]} if r[2] else None, "actor2": {"name": r[3]} if r[3] else None,
                "location": {"name": r[4], "admin1": r[5], "lat": r[8], "lon": r[9]} if r[4] else None,
                "fatalities": r[10], "status": r[12], "sentence": r[13],
                "corrected": sorted(fields), "rejected": bool(fields.get("rejected")),
            })
        return out

    def iter_events_view(self, batch: int = 1000, **filters: Any) -> Iterator[list[Event]]:
        """Every matching event in batches, by keyset paging: memory stays at one batch."""
        self._fresh()
        where, args = self._where(filters, corrected=False)
        last: Optional[tuple[str, str]] = None
        for dated in (True, False):  # dated rows newest first, then undated ones
            while True:
                cond = ["e.date IS NOT NULL" if dated else "e.date IS NULL"]
                extra: list[Any] = []
                if last is not None:
                    cond.append("(e.date, e.event_id) < (?, ?)" if dated else "e.event_id < ?")
                    extra = list(last) if dated else [last[1]]
                rows = self.conn.execute(
                    f"SELECT e.date, e.event_id FROM events e {_and(where, cond)}"
                    f" ORDER BY {self.dialect.desc('e.date')}, e.event_id DESC LIMIT ?",
                    args + extra + [batch]).fetchall()
                if not rows:
                    break
                last = (rows[-1][0], rows[-1][1])
                yield self._load([r[1] for r in rows])
                if len(rows) < batch:
                    break
            last = None
        where, args = self._where(filters, corrected=True)
        ids = [r[0] for r in self.conn.execute(f"SELECT e.event_id FROM {self.dialect.overridden} {where}", args)]
        for i in range(0, len(ids), batch):
            yield self._load(ids[i:i + batch])

    def count_events_view(self, **filters: Any) -> int:
        self._fresh()
        n = 0
        for corrected, src in ((False, "events e"), (True, self.dialect.overridden)):
            where, args = self._where(filters, corrected=corrected)
            n += self.conn.execute(f"SELECT count(*) FROM {src} {where}", args).fetchone()[0]
        return n

    def event_histogram(self, *, bin: str = "month", **filters: Any) -> list[tuple[str, int]]:
        """Counts of matching events per day, month or year of their (corrected) date."""
        self._fresh()
        width = {"day": 10, "month": 7, "year": 4}[bin]
        counts: dict[str, int] = {}
        for corrected, src in ((False, "events e"), (True, self.dialect.overridden)):
            where, args = self._where(filters, corrected=corrected)
            col = _EFF["date"] if corrected else "e.date"
            sql = (f"SELECT substr({col}, 1, {width}) AS b, count(*) FROM {src}"
                   f" {_and(where, [f'{col} IS NOT NULL'])} GROUP BY b")
            for b, n in self.conn.execute(sql, args):
                counts[b] = counts.get(b, 0) + n
        return sorted(counts.items())

    def event_points(self, *, limit: int = 5000, **filters: Any) -> list[tuple]:
        """(event_id, lat, lon, event_type, date) of matching placed events, for a map layer."""
        self._fresh()
        filters = dict(filters, _placed=True)
        out: list[tuple] = []
        d = self.dialect
        for corrected, src in ((True, d.overridden), (False, "events e")):
            where, args = self._where(filters, corrected=corrected)
            col = (lambda c: _EFF[c]) if corrected else (lambda c: f"e.{c}")
            sql = (f"SELECT e.event_id, {col('lat')}, {col('lon')}, {col('event_type')}, {col('date')} FROM {src}"
                   f" {where} ORDER BY {d.desc('e.date')}, e.event_id DESC LIMIT ?")
            out += [tuple(r) for r in self.conn.execute(sql, args + [limit - len(out)])]
            if len(out) >= limit:
                break
        return out

    def _keys(self, filters: dict[str, Any], limit: int) -> list[tuple]:
        """(sort key, event_id) of the first ``limit`` matching events, in the view's order."""
        out = []
        d = self.dialect
        for corrected, src in ((False, "events e"), (True, d.overridden)):
            where, args = self._where(filters, corrected=corrected)
            col = _EFF["date"] if corrected else "e.date"
            sql = (f"SELECT {col}, e.event_id FROM {src} {where}"
                   f" ORDER BY {d.desc(col)}, e.event_id DESC LIMIT ?")
            out += [((d is not None, d or "", i), i) for d, i in self.conn.execute(sql, args + [limit])]
        out.sort(reverse=True)
        return out[:limit]

    def _load(self, ids: list[str]) -> list[Event]:
        """Events by id, corrections applied, in the order of ``ids``."""
        return [r.event() for r in self._records(ids)]

    def _records(self, ids: list[str]) -> list[EventRecord]:
        """Records of the events by id, in the order of ``ids`` (those that exist)."""
        if not ids:
            return []
        got: dict[str, EventRecord] = {}
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            rows = self.conn.execute(
                f"SELECT e.event_id, e.data, o.fields{self._fused_cols()} FROM events e"
                f" LEFT JOIN event_overrides o ON o.event_id = e.event_id{self._fused_join()}"
                f" WHERE e.event_id IN ({','.join('?' * len(part))})", part).fetchall()
            for r in rows:
                rec = _record(r)
                got[rec.event_id] = rec
        return [got[i] for i in ids if i in got]

    def event_type_pairs(self) -> list[tuple[str, str]]:
        """Distinct (event type, sub-event type) pairs, machine and corrected."""
        rows = self.conn.execute(
            "SELECT event_type, sub_event_type FROM events UNION"
            " SELECT event_type, sub_event_type FROM event_overrides WHERE event_type IS NOT NULL"
            " AND sub_event_type IS NOT NULL ORDER BY 1, 2").fetchall()
        return [(r[0], r[1]) for r in rows]

    # -- helpers ------------------------------------------------------------
    def _fused_join(self) -> str:
        return " LEFT JOIN fused_events f ON f.cluster_id = e.cluster_id" if self._has_table("fused_events") else ""

    def _fused_cols(self) -> str:
        return ", f.corroboration AS corroboration" if self._has_table("fused_events") else ", NULL AS corroboration"

    def _where(self, f: dict[str, Any], *, corrected: bool) -> tuple[str, list[Any]]:
        """WHERE clause over events ``e`` (machine values, events without overrides) or over
        the dialect's ``overridden`` (``o`` joined to ``e``: corrected values)."""
        unknown = set(f) - set(FILTER_KEYS) - {"_placed"}
        if unknown:
            raise TypeError(f"unknown event filters: {sorted(unknown)}")
        col = (lambda c: _EFF[c]) if corrected else (lambda c: f"e.{c}")
        c, a = field_filters(f, col, like=self.dialect.like)
        if not corrected:
            c.insert(0, "e.event_id NOT IN (SELECT event_id FROM event_overrides)")
        status = f.get("status")
        if status == "rejected":
            c.append("o.rejected = 1" if corrected else "1 = 0")
        else:
            if status:
                c.append("e.status = ?"); a.append(status)
            if corrected and not f.get("include_rejected"):
                c.append("o.rejected = 0")
        if f.get("min_corroboration") and int(f["min_corroboration"]) > 1:
            if self._has_table("fused_events"):
                c.append("e.cluster_id IN (SELECT cluster_id FROM fused_events WHERE corroboration >= ?)")
                a.append(int(f["min_corroboration"]))
            else:
                c.append("1 = 0")  # nothing is corroborated without fusion
        return where(c), a


def _record(row: Sequence[Any]) -> EventRecord:
    """A row (event_id, data, fields, corroboration) as a record."""
    event_id, data, fields, corroboration = row
    return EventRecord(event_id, data, json.loads(fields) if fields else None, corroboration)


def _and(where: str, more: list[str]) -> str:
    return (where + " AND " if where else "WHERE ") + " AND ".join(more)
