"""Analyst corrections and the corrected view of events (migration 004).

Corrections are rows of their own table; ``event_overrides`` caches them resolved against
the events now stored, so that filters and paging see corrected values with plain SQL.
A trigger marks a document stale when its events are re-extracted; the next read resolves
its corrections again against the new events (they are anchored by document and span).
"""
from __future__ import annotations

import json
import sqlite3
import threading
from typing import Any, Iterator, Optional

from ... import corrections as corr
from ...records import Event

# effective (corrected) value of an events column
_EFF = {c: f"COALESCE(o.{c}, e.{c})" for c in (
    "event_type", "sub_event_type", "actor1", "actor2", "location", "admin1", "lat", "lon", "date", "fatalities")}

FILTER_KEYS = ("event_type", "sub_event_type", "actor", "place", "bbox", "date_from", "date_to", "status",
               "min_corroboration", "text", "doc_id", "include_rejected")


class CorrectionsMixin:
    conn: sqlite3.Connection
    path: str

    # -- readers ----------------------------------------------------------
    def reader(self, own: bool = False):
        """A store for reads on the calling thread (its own connection, WAL snapshot reads);
        ``own=True`` opens a new one for the caller alone (close it when done)."""
        if self.path == ":memory:":
            return self
        if own:
            r = type(self)(self.path, readonly=True)
            r._writer = self
            return r
        local = self.__dict__.setdefault("_readers", threading.local())
        r = getattr(local, "store", None)
        if r is None:
            r = type(self)(self.path, readonly=True)
            r._writer = self
            local.store = r
        return r

    def _write_store(self):
        return self.__dict__.get("_writer") or self

    def _has_table(self, name: str) -> bool:
        cache = self.__dict__.setdefault("_tables", {})
        if name not in cache:
            cache[name] = self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None
        return cache[name]

    # -- corrections --------------------------------------------------------
    def add_correction(self, event_id: str, changes: dict[str, Any], *, author: Optional[str] = None,
                       note: Optional[str] = None) -> Optional[Event]:
        row = self.conn.execute("SELECT data FROM events WHERE event_id=?", (event_id,)).fetchone()
        if row is None:
            return None
        event = Event.from_dict(json.loads(row["data"]))
        a = corr.anchor_of(event)
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
    def get_event_view(self, event_id: str) -> Optional[Event]:
        self._fresh()
        row = self.conn.execute(
            f"SELECT e.data, o.fields{self._fused_cols()} FROM events e"
            f" LEFT JOIN event_overrides o ON o.event_id = e.event_id{self._fused_join()}"
            " WHERE e.event_id=?", (event_id,)).fetchone()
        return self._row_event(row) if row else None

    def query_events_view(self, *, limit: int = 50, offset: int = 0, **filters: Any) -> list[Event]:
        """Events with corrections applied, filtered, newest first (date, then id: a stable order)."""
        self._fresh()
        where, args = self._view_where(filters)
        sql = (f"SELECT e.data, o.fields{self._fused_cols()} FROM events e"
               f" LEFT JOIN event_overrides o ON o.event_id = e.event_id{self._fused_join()}"
               f" {where} ORDER BY e.date DESC, e.event_id DESC LIMIT ? OFFSET ?")
        return [self._row_event(r) for r in self.conn.execute(sql, args + [limit, offset])]

    def iter_events_view(self, batch: int = 1000, **filters: Any) -> Iterator[list[Event]]:
        """Every matching event in batches, by keyset paging: memory stays at one batch."""
        self._fresh()
        where, args = self._view_where(filters)
        base = (f"SELECT e.data, o.fields, e.date AS k_date, e.event_id AS k_id{self._fused_cols()} FROM events e"
                f" LEFT JOIN event_overrides o ON o.event_id = e.event_id{self._fused_join()} {where}")
        glue = " AND " if where else " WHERE "
        last: Optional[tuple[str, str]] = None
        for dated in (True, False):  # dated rows newest first, then undated ones
            while True:
                cond, extra = ("e.date IS NOT NULL", []) if dated else ("e.date IS NULL", [])
                if last is not None:
                    cond += " AND (e.date, e.event_id) < (?, ?)" if dated else " AND e.event_id < ?"
                    extra = list(last) if dated else [last[1]]
                rows = self.conn.execute(f"{base}{glue}{cond} ORDER BY e.date DESC, e.event_id DESC LIMIT ?",
                                         args + extra + [batch]).fetchall()
                if not rows:
                    break
                last = (rows[-1]["k_date"], rows[-1]["k_id"])
                yield [self._row_event(r) for r in rows]
                if len(rows) < batch:
                    break
            last = None

    def count_events_view(self, **filters: Any) -> int:
        self._fresh()
        where, args = self._view_where(filters)
        return self.conn.execute(
            f"SELECT count(*) FROM events e LEFT JOIN event_overrides o ON o.event_id = e.event_id"
            f"{self._fused_join()} {where}", args).fetchone()[0]

    def event_histogram(self, *, bin: str = "month", **filters: Any) -> list[tuple[str, int]]:
        """Counts of matching events per day or month of their (corrected) date."""
        self._fresh()
        width = {"day": 10, "month": 7, "year": 4}[bin]
        where, args = self._view_where(filters)
        glue = " AND " if where else " WHERE "
        sql = (f"SELECT substr({_EFF['date']}, 1, {width}) AS b, count(*) FROM events e"
               f" LEFT JOIN event_overrides o ON o.event_id = e.event_id{self._fused_join()}"
               f" {where}{glue}{_EFF['date']} IS NOT NULL GROUP BY b ORDER BY b")
        return [(r[0], r[1]) for r in self.conn.execute(sql, args)]

    def event_points(self, *, limit: int = 5000, **filters: Any) -> list[tuple]:
        """(event_id, lat, lon, event_type, date) of matching placed events, for a map layer."""
        self._fresh()
        filters = dict(filters, _placed=True)
        where, args = self._view_where(filters)
        sql = (f"SELECT e.event_id, {_EFF['lat']}, {_EFF['lon']}, {_EFF['event_type']}, {_EFF['date']}"
               f" FROM events e LEFT JOIN event_overrides o ON o.event_id = e.event_id{self._fused_join()}"
               f" {where} ORDER BY e.date DESC, e.event_id DESC LIMIT ?")
        return [tuple(r) for r in self.conn.execute(sql, args + [limit])]

    def event_type_pairs(self) -> list[tuple[str, str]]:
        """Distinct (event type, sub-event type) pairs, machine and corrected."""
        rows = self.conn.execute(
            "SELECT event_type, sub_event_type FROM events UNION"
            " SELECT event_type, sub_event_type FROM event_overrides WHERE event_type IS NOT NULL"
            " AND sub_event_type IS NOT NULL ORDER BY 1, 2").fetchall()
        return [(r[0], r[1]) for r in rows]

    # -- fused events (tables of migration 003, when fusion is installed) -----
    def query_fused_view(self, *, limit: int = 50, offset: int = 0, **f: Any) -> list[dict[str, Any]]:
        """Fused events (JSON records) matching the filters, newest first; [] without fusion."""
        if not self._has_table("fused_events"):
            return []
        c: list[str] = []
        a: list[Any] = []
        for key, col in (("event_type", "event_type"), ("sub_event_type", "sub_event_type"), ("status", "status")):
            if f.get(key):
                c.append(f"{col} = ?"); a.append(f[key])
        if f.get("actor"):
            c.append("(actor1 LIKE ? OR actor2 LIKE ?)"); a += [f"%{f['actor']}%"] * 2
        if f.get("place"):
            c.append("location LIKE ?"); a.append(f"%{f['place']}%")
        if f.get("date_from"):
            c.append("date >= ?"); a.append(f["date_from"])
        if f.get("date_to"):
            c.append("date <= ?"); a.append(f["date_to"])
        if f.get("min_corroboration"):
            c.append("corroboration >= ?"); a.append(int(f["min_corroboration"]))
        if f.get("bbox"):
            w, s_, e, n = f["bbox"]
            c.append("lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"); a += [s_, n, w, e]
        if f.get("text"):
            c.append("data LIKE ?"); a.append(f"%{f['text']}%")
        where = ("WHERE " + " AND ".join(c)) if c else ""
        rows = self.conn.execute(f"SELECT data FROM fused_events {where} ORDER BY date DESC, cluster_id DESC"
                                 " LIMIT ? OFFSET ?", a + [limit, offset]).fetchall()
        return [json.loads(r[0]) for r in rows]

    def get_fused_view(self, cluster_id: str) -> Optional[dict[str, Any]]:
        if not self._has_table("fused_events"):
            return None
        row = self.conn.execute("SELECT data FROM fused_events WHERE cluster_id=?", (cluster_id,)).fetchone()
        return json.loads(row[0]) if row else None

    # -- helpers ------------------------------------------------------------
    def _fused_join(self) -> str:
        return " LEFT JOIN fused_events f ON f.cluster_id = e.cluster_id" if self._has_table("fused_events") else ""

    def _fused_cols(self) -> str:
        return ", f.corroboration AS corroboration" if self._has_table("fused_events") else ", NULL AS corroboration"

    def _view_where(self, f: dict[str, Any]) -> tuple[str, list[Any]]:
        unknown = set(f) - set(FILTER_KEYS) - {"_placed"}
        if unknown:
            raise TypeError(f"unknown event filters: {sorted(unknown)}")
        c: list[str] = []
        a: list[Any] = []
        if f.get("event_type"):
            c.append(f"{_EFF['event_type']} = ?"); a.append(f["event_type"])
        if f.get("sub_event_type"):
            c.append(f"{_EFF['sub_event_type']} = ?"); a.append(f["sub_event_type"])
        if f.get("actor"):
            c.append(f"({_EFF['actor1']} LIKE ? OR {_EFF['actor2']} LIKE ?)"); a += [f"%{f['actor']}%"] * 2
        if f.get("place"):
            c.append(f"({_EFF['location']} LIKE ? OR {_EFF['admin1']} LIKE ?)"); a += [f"%{f['place']}%"] * 2
        if f.get("date_from"):
            c.append(f"{_EFF['date']} >= ?"); a.append(f["date_from"])
        if f.get("date_to"):
            c.append(f"{_EFF['date']} <= ?"); a.append(f["date_to"])
        if f.get("text"):
            c.append("e.sentence LIKE ?"); a.append(f"%{f['text']}%")
        if f.get("doc_id"):
            c.append("e.doc_id = ?"); a.append(f["doc_id"])
        if f.get("bbox"):
            w, s, e, n = f["bbox"]
            c.append(f"{_EFF['lat']} BETWEEN ? AND ? AND {_EFF['lon']} BETWEEN ? AND ?"); a += [s, n, w, e]
        if f.get("_placed"):
            c.append(f"{_EFF['lat']} IS NOT NULL AND {_EFF['lon']} IS NOT NULL")
        status = f.get("status")
        if status == "rejected":
            c.append("o.rejected = 1")
        else:
            if status:
                c.append("e.status = ?"); a.append(status)
            if not f.get("include_rejected"):
                c.append("(o.rejected IS NULL OR o.rejected = 0)")
        if f.get("min_corroboration") and int(f["min_corroboration"]) > 1:
            if self._has_table("fused_events"):
                c.append("f.corroboration >= ?"); a.append(int(f["min_corroboration"]))
            else:
                c.append("0")  # nothing is corroborated without fusion
        return ("WHERE " + " AND ".join(c)) if c else "", a

    def _row_event(self, row: sqlite3.Row) -> Event:
        event = Event.from_dict(json.loads(row["data"]))
        if row["fields"]:
            corr.apply(event, json.loads(row["fields"]))
        if row["corroboration"] is not None:
            event.attrs["corroboration"] = row["corroboration"]
        return event
