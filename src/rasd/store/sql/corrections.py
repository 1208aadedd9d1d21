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
               "since", "status", "min_corroboration", "min_confidence", "reviewed", "text", "doc_id",
               "include_rejected")
REVIEW_ORDERS = ("confidence", "reports")
# whether a document's events changed since its corrections were resolved (see _fresh)
_STALE = "SELECT 1 FROM corrections_stale LIMIT 1"


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
            request = self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM corrections").fetchone()[0]
            for field, value in changes.items():
                self.conn.execute(
                    "INSERT INTO corrections(doc_id, span_start, span_end, sentence_hash, event_id, field, value,"
                    " author, note, request) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (a.doc_id, a.span_start, a.span_end, a.sentence_hash, event_id, field,
                     json.dumps(value, ensure_ascii=False), author, note, request))
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
                out.append({k: r[k] for k in ("id", "field", "value", "author", "note", "created_at", "event_id",
                                              "request")})
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
        if self.conn.execute(_STALE).fetchone():
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
        return self._summaries(filters, limit, offset,
                               order=lambda col: f"{self.dialect.desc(col('date'))}, e.event_id DESC",
                               key=lambda r: (r[7] is not None, r[7] or "", r[11]), reverse=True, fresh=True)

    def review_queue(self, *, order: str = "confidence", limit: int = 50, offset: int = 0,
                     **filters: Any) -> list[dict[str, Any]]:
        """Events not yet reviewed, lowest confidence first, or most reports first."""
        if order not in REVIEW_ORDERS:
            raise ValueError(f"order {order!r}: one of {', '.join(REVIEW_ORDERS)}")
        self._fresh()
        filters = {**filters, "reviewed": False, "include_rejected": False}
        if filters.get("status") == "rejected":
            return []
        if order == "confidence":
            return self._summaries(filters, limit, offset, order=lambda col: "e.confidence, e.event_id",
                                   key=lambda r: (r[15] if r[15] is not None else 0.0, r[11]))
        # most reports first: the events of fused events with several reports (few), then the
        # others by confidence (the confidence index's order), merged
        key = lambda r: (-(r[16] or 1), r[15] if r[15] is not None else 0.0, r[11])  # noqa: E731
        many = self._summaries({**filters, "_reports": "many"}, limit, offset, key=key,
                               order=lambda col: "n_reports DESC, e.confidence, e.event_id")
        one = self._summaries({**filters, "_reports": "one"}, limit, offset, key=key,
                              order=lambda col: "e.confidence, e.event_id")
        return sorted(many + one, key=lambda d: (-d["reports"], d["confidence"] or 0.0, d["event_id"]))[
            offset:offset + limit]

    def _summaries(self, filters: dict[str, Any], limit: int, offset: int, *, order, key,
                   reverse: bool = False, fresh: bool = False) -> list[dict[str, Any]]:
        """Summaries of the first ``offset + limit`` matching events of each part (untouched,
        corrected) in ``order`` (SQL, over ``col``), merged by ``key`` over the row. ``fresh``:
        first bring the overrides up to date (``_fresh``), asking in the same batch."""
        statements: list[tuple[str, list[Any]]] = []
        d = self.dialect
        fused = self._has_table("fused_events")
        reports = "COALESCE(f.n_reports, 1)" if fused else "1"
        join = " LEFT JOIN fused_events f ON f.cluster_id = e.cluster_id" if fused else ""
        for corrected, src in ((False, "events e"), (True, d.overridden)):
            where, args = self._where(filters, corrected=corrected)
            col = (lambda c: _EFF[c]) if corrected else (lambda c: f"e.{c}")
            cols = ", ".join(col(c) for c in _SUMMARY_EFF)
            extra = "o.fields" if corrected else "NULL"
            sql = (f"SELECT {cols}, e.event_id, e.status, e.sentence, {extra}, e.confidence, {reports} AS n_reports"
                   f" FROM {src}{join} {where} ORDER BY {order(col)} LIMIT ?")
            statements.append((sql, args + [offset + limit]))
        if fresh:  # one batch: whether corrections are stale, and both parts (stale is rare: asked again)
            stale, *parts = self.fetch_batch([(_STALE, []), *statements])
            if stale:
                self._write_store().refresh_overrides()
                parts = self.fetch_batch(statements)
        else:
            parts = self.fetch_batch(statements)
        rows: list[Any] = [r for part in parts for r in part]
        rows.sort(key=key, reverse=reverse)
        # a part of a merge (``_reports``) gives its first offset + limit rows; the merge pages
        page = rows[:offset + limit] if filters.get("_reports") else rows[offset:offset + limit]
        out = []
        for r in page:
            fields = json.loads(r[14]) if r[14] else {}
            out.append({
                "event_id": r[11], "event_type": r[0], "sub_event_type": r[1], "date": r[7],
                "actor1": {"name": r[2]} if r[2] else None, "actor2": {"name": r[3]} if r[3] else None,
                "location": {"name": r[4], "admin1": r[5], "lat": r[8], "lon": r[9]} if r[4] else None,
                "fatalities": r[10], "status": r[12], "sentence": r[13],
                "confidence": round(float(r[15]), 3) if r[15] is not None else None, "reports": r[16],
                "corrected": corr.corrected_fields(fields), "rejected": bool(fields.get("rejected")),
                "review": fields.get(corr.REVIEW),
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
                f"SELECT e.event_id, e.data, o.fields{self._fused_cols()}, d.outlet, d.url, e.cluster_id"
                f" FROM events e LEFT JOIN event_overrides o ON o.event_id = e.event_id{self._fused_join()}"
                f" LEFT JOIN documents d ON d.doc_id = e.doc_id"
                f" WHERE e.event_id IN ({','.join('?' * len(part))})", part).fetchall()
            outlets = self._report_outlets({r[6] for r in rows if r[6]})
            for r in rows:
                rec = _record(r, outlets)
                got[rec.event_id] = rec
        return [got[i] for i in ids if i in got]

    def actor_names(self, part: str, limit: int = 20) -> list[tuple[str, int]]:
        """Actor names containing ``part``, most events first (machine and corrected names):
        untouched events from the covering index of the event list, corrected ones through
        their (few) overrides."""
        like, d = f"%{part}%", self.dialect
        untouched = " AND e.event_id NOT IN (SELECT event_id FROM event_overrides)"
        parts = [f"SELECT e.{c} AS name, count(*) AS n FROM events e WHERE e.{c} {d.like} ?{untouched}"
                 f" GROUP BY e.{c}" for c in ("actor1", "actor2")]
        parts += [f"SELECT {_EFF[c]} AS name, count(*) AS n FROM {d.overridden} WHERE {_EFF[c]} {d.like} ?"
                  f" GROUP BY {_EFF[c]}" for c in ("actor1", "actor2")]
        rows = self.conn.execute(f"SELECT name, sum(n) FROM ({' UNION ALL '.join(parts)}) AS names GROUP BY name"
                                 " ORDER BY 2 DESC, 1 LIMIT ?", [like] * 4 + [limit]).fetchall()
        return [(r[0], r[1]) for r in rows]

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

    def _report_outlets(self, clusters: set[str]) -> dict[str, list[str]]:
        """The outlets of the reports of these fused events, by cluster id, in report order."""
        if not clusters or not self._has_table("fused_reports"):
            return {}
        ids = sorted(clusters)
        out: dict[str, list[str]] = {}
        for r in self.conn.execute(
                f"SELECT cluster_id, outlet FROM fused_reports WHERE cluster_id IN ({','.join('?' * len(ids))})"
                " AND outlet IS NOT NULL ORDER BY cluster_id, position", ids).fetchall():
            if r[1] not in out.setdefault(r[0], []):
                out[r[0]].append(r[1])
        return out

    def _fused_cols(self) -> str:
        return ", f.corroboration AS corroboration" if self._has_table("fused_events") else ", NULL AS corroboration"

    def _where(self, f: dict[str, Any], *, corrected: bool) -> tuple[str, list[Any]]:
        """WHERE clause over events ``e`` (machine values, events without overrides) or over
        the dialect's ``overridden`` (``o`` joined to ``e``: corrected values)."""
        unknown = set(f) - set(FILTER_KEYS) - {"_placed", "_reports"}
        if unknown:
            raise TypeError(f"unknown event filters: {sorted(unknown)}")
        col = (lambda c: _EFF[c]) if corrected else (lambda c: f"e.{c}")
        c, a = field_filters(f, col, like=self.dialect.like, unindexed=self.dialect.unindexed)
        if not corrected:
            c.insert(0, "e.event_id NOT IN (SELECT event_id FROM event_overrides)")
        if f.get("_reports"):  # events of fused events with several reports, or the others
            many = "e.cluster_id IN (SELECT cluster_id FROM fused_events WHERE n_reports > 1)" \
                if self._has_table("fused_events") else "1 = 0"
            c.append(many if f["_reports"] == "many" else f"(e.cluster_id IS NULL OR NOT ({many}))")
        if f.get("reviewed") is not None:  # untouched events are not reviewed
            c.append(("o.review IS NOT NULL" if f["reviewed"] else "o.review IS NULL") if corrected
                     else ("1 = 0" if f["reviewed"] else "1 = 1"))
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


def _record(row: Sequence[Any], outlets: dict[str, list[str]]) -> EventRecord:
    """A row (event_id, data, fields, corroboration, outlet, url, cluster_id) as a record, with the
    known outlets of its fused event's reports (``outlets`` by cluster id)."""
    event_id, data, fields, corroboration, outlet, url, cluster_id = row
    names = outlets.get(cluster_id) if cluster_id else None
    return EventRecord(event_id, data, json.loads(fields) if fields else None, corroboration, outlet, url,
                       json.dumps(names, ensure_ascii=False) if names else None)


def _and(where: str, more: list[str]) -> str:
    return (where + " AND " if where else "WHERE ") + " AND ".join(more)
