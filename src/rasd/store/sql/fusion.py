"""Fused events, their reports, control timelines and agreements (migration 003), for every SQL backend."""
from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any, Iterable, Optional

from ...geodesy import bbox_around, haversine_km
from ...records import Agreement, ControlPeriod, Event, FusedEvent, RecalledChange
from ..base import CandidateSearch, FusedRevision
from .dialect import SQLConnection

# the filters of the fused view (and of alerts), over fused_events f
FUSED_FILTER_KEYS = ("event_type", "sub_event_type", "status", "actor", "place", "country", "date_from", "date_to",
                     "since", "min_corroboration", "min_confidence", "bbox", "text")
# a fused event's record with its last revision
_VIEW = ("SELECT f.data, c.created_at, c.changed_at, c.revision, c.changes FROM fused_events f"
         " LEFT JOIN fused_changes c ON c.cluster_id = f.cluster_id")


# searches sent in one statement (SQLite allows 500 terms in a compound SELECT)
CANDIDATE_CHUNK = 100


def _iso(d: Any) -> Optional[str]:
    return d.isoformat() if d else None


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for k in range(0, len(ids), size):
        yield ids[k:k + size]


def _marks(values: list[Any]) -> str:
    return ",".join("?" * len(values))


# the classes of a fused event's span (date_hi - date_lo, in days) by their longest span; longer
# ones are class len(SPAN_CLASSES). Migration 008 computes the same for the rows it found.
SPAN_CLASSES = (7, 31, 366)


def span_class(lo: Optional[date], hi: Optional[date]) -> Optional[int]:
    if lo is None or hi is None:
        return None
    days = (hi - lo).days
    return next((c for c, longest in enumerate(SPAN_CLASSES) if days <= longest), len(SPAN_CLASSES))


def _candidate_sql(q: CandidateSearch, index_hint: str = "") -> tuple[str, list[Any]]:
    """One candidate search as a SELECT of (data, date_lo, cluster_id), ordered and limited.

    A fused event meets the window when date_lo <= hi and date_hi >= lo; one of class c (its
    span at most SPAN_CLASSES[c] days) that meets it has date_lo >= lo - SPAN_CLASSES[c], so each
    class is read as a short range of the index fused_window (sub_event_type, span_class,
    date_lo), the last class from its start: the same rows, without reading every older one."""
    subs = list(q.sub_event_types)
    rest = " AND date_hi >= ?"
    rest_args: list[Any] = [q.date_lo]
    if q.bbox is not None:
        w, s, e, n = q.bbox
        rest += " AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"
        rest_args += [s, n, w, e]
    lo = date.fromisoformat(q.date_lo)
    branches, args = [], []
    for c in range(len(SPAN_CLASSES) + 1):
        sql = (f"SELECT data, date_lo, cluster_id FROM fused_events{index_hint}"
               f" WHERE sub_event_type IN ({_marks(subs)}) AND span_class = ? AND date_lo <= ?")
        args += [*subs, c, q.date_hi]
        if c < len(SPAN_CLASSES):
            sql += " AND date_lo >= ?"
            args.append((lo - timedelta(days=SPAN_CLASSES[c])).isoformat())
        branches.append(sql + rest)
        args += rest_args
    return (f"data, date_lo, cluster_id FROM ({' UNION ALL '.join(branches)}) w"
            " ORDER BY date_lo, cluster_id LIMIT ?", args + [q.limit])


class FusionMixin(SQLConnection):

    # -- fused events -------------------------------------------------------
    def fusion_candidates(self, *, sub_event_types: list[str], date_lo: str, date_hi: str,
                          bbox: Optional[tuple[float, float, float, float]] = None,
                          limit: int = 200) -> list[FusedEvent]:
        return self.fusion_candidates_many([CandidateSearch(tuple(sub_event_types), date_lo, date_hi, bbox, limit)])[0]

    def fusion_candidates_many(self, searches: list[CandidateSearch]) -> list[list[FusedEvent]]:
        out: list[list[FusedEvent]] = [[] for _ in searches]
        decoded: dict[str, FusedEvent] = {}
        todo = [(i, q) for i, q in enumerate(searches) if q.sub_event_types]
        for k in range(0, len(todo), CANDIDATE_CHUNK):
            parts, args = [], []
            for i, q in todo[k:k + CANDIDATE_CHUNK]:
                sql, a = _candidate_sql(q, self.dialect.fused_window)
                parts.append(f"SELECT * FROM (SELECT {i} AS q, {sql}) c{i}")
                args += a
            for r in self.conn.execute(" UNION ALL ".join(parts) + " ORDER BY 1, 3, 4", args):
                fe = decoded.get(r[3])
                if fe is None:
                    fe = decoded[r[3]] = FusedEvent.from_dict(json.loads(r[1]))
                out[r[0]].append(fe)
        return out

    def fused_for_doc(self, doc_id: str) -> list[FusedEvent]:
        rows = self.conn.execute(
            "SELECT f.data FROM fused_events f WHERE f.cluster_id IN"
            " (SELECT cluster_id FROM fused_reports WHERE doc_id=?) ORDER BY f.cluster_id", (doc_id,))
        return [FusedEvent.from_dict(json.loads(r[0])) for r in rows]

    def get_fused(self, cluster_id: str) -> Optional[FusedEvent]:
        row = self.conn.execute("SELECT data FROM fused_events WHERE cluster_id=?", (cluster_id,)).fetchone()
        return FusedEvent.from_dict(json.loads(row[0])) if row else None

    def get_fused_many(self, cluster_ids: Iterable[str]) -> dict[str, FusedEvent]:
        out: dict[str, FusedEvent] = {}
        for ids in _chunks(sorted(set(cluster_ids))):
            rows = self.conn.execute(f"SELECT cluster_id, data FROM fused_events WHERE cluster_id IN ({_marks(ids)})",
                                     ids)
            out.update((r[0], FusedEvent.from_dict(json.loads(r[1]))) for r in rows)
        return out

    def save_fused(self, fused: FusedEvent, *, family: str, place_key: Optional[str]) -> None:
        self.save_fused_many([(fused, family, place_key)])

    def save_fused_many(self, items: list[tuple[FusedEvent, str, Optional[str]]]) -> None:
        last = {fused.cluster_id: (fused, family, key) for fused, family, key in items}  # the last of each wins
        if not last:
            return
        rows = []
        for fused, family, key in last.values():
            loc = fused.location
            lo, hi = fused.date_range
            rows.append((
                family, fused.event_type, fused.sub_event_type, _iso(fused.date), _iso(lo), _iso(hi),
                loc.name if loc else None, key, loc.lat if loc else None, loc.lon if loc else None,
                fused.actor1.name if fused.actor1 else None, fused.actor2.name if fused.actor2 else None,
                fused.fatalities, fused.fatalities_range[0], fused.fatalities_range[1], fused.status,
                fused.corroboration, len(fused.reports), json.dumps(fused.to_dict(), ensure_ascii=False),
                loc.country if loc else None, span_class(lo, hi), fused.cluster_id))
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO fused_events(family, event_type, sub_event_type, date, date_lo, date_hi, location,"
                " place_key, lat, lon, actor1, actor2, fatalities, fatalities_min, fatalities_max, status,"
                " corroboration, n_reports, data, country, span_class, cluster_id)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(cluster_id) DO UPDATE SET family=excluded.family, event_type=excluded.event_type,"
                " sub_event_type=excluded.sub_event_type, date=excluded.date, date_lo=excluded.date_lo,"
                " date_hi=excluded.date_hi, location=excluded.location, place_key=excluded.place_key,"
                " lat=excluded.lat, lon=excluded.lon, actor1=excluded.actor1, actor2=excluded.actor2,"
                " fatalities=excluded.fatalities, fatalities_min=excluded.fatalities_min,"
                " fatalities_max=excluded.fatalities_max, status=excluded.status,"
                " corroboration=excluded.corroboration, n_reports=excluded.n_reports, data=excluded.data,"
                " country=excluded.country, span_class=excluded.span_class,"
                f" updated_at={self.dialect.now}",
                rows)
            self.conn.executemany("DELETE FROM fused_reports WHERE cluster_id=?", [(cid,) for cid in last])
            self.conn.executemany(
                "INSERT INTO fused_reports(event_id, cluster_id, doc_id, outlet, stance, date,"
                " fatalities, position) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(event_id) DO UPDATE SET"
                " cluster_id=excluded.cluster_id, doc_id=excluded.doc_id, outlet=excluded.outlet,"
                " stance=excluded.stance, date=excluded.date, fatalities=excluded.fatalities,"
                " position=excluded.position",
                [(r.event_id, fused.cluster_id, r.doc_id, r.outlet, r.stance, _iso(r.date), r.fatalities, i)
                 for fused, _, _ in last.values() for i, r in enumerate(fused.reports)])
            self.conn.executemany(
                f"UPDATE events SET cluster_id=?, status=?, data={self.dialect.set_cluster} WHERE event_id=?",
                [(fused.cluster_id, fused.status, fused.cluster_id, fused.status, r.event_id)
                 for fused, _, _ in last.values() for r in fused.reports])

    def delete_fused(self, cluster_id: str) -> None:
        with self.transaction():
            self.conn.execute(f"UPDATE events SET cluster_id=NULL, status=NULL, data={self.dialect.set_cluster}"
                              " WHERE cluster_id=?", (None, None, cluster_id))
            self.conn.execute("DELETE FROM fused_reports WHERE cluster_id=?", (cluster_id,))
            self.conn.execute("DELETE FROM fused_events WHERE cluster_id=?", (cluster_id,))

    def query_fused(self, *, status: Optional[str] = None, event_type: Optional[str] = None,
                    place: Optional[str] = None, date_from: Optional[str] = None, date_to: Optional[str] = None,
                    min_reports: int = 1, limit: int = 100, offset: int = 0, country: Optional[str] = None,
                    since: Optional[str] = None) -> list[FusedEvent]:
        where: list[str] = ["n_reports >= ?"]
        args: list[Any] = [min_reports]
        if country:
            where.append("country = ?"); args.append(country)
        if since:
            where.append("cluster_id IN (SELECT cluster_id FROM fused_changes WHERE changed_at >= ?)")
            args.append(since)
        if status:
            where.append("status = ?"); args.append(status)
        if event_type:
            where.append("(event_type = ? OR sub_event_type = ?)"); args += [event_type, event_type]
        if place:
            where.append(f"location {self.dialect.like} ?"); args.append(f"%{place}%")
        if date_from:
            where.append("date >= ?"); args.append(date_from)
        if date_to:
            where.append("date <= ?"); args.append(date_to)
        sql = (f"SELECT data FROM fused_events WHERE {' AND '.join(where)}"
               " ORDER BY date IS NULL, date, cluster_id LIMIT ? OFFSET ?")
        return [FusedEvent.from_dict(json.loads(r[0])) for r in self.conn.execute(sql, args + [limit, offset])]

    def unfused_events(self, limit: int = 1000) -> list[Event]:
        rows = self.conn.execute(
            "SELECT e.data FROM events e JOIN documents d ON d.doc_id = e.doc_id"
            " WHERE NOT EXISTS (SELECT 1 FROM fused_reports r WHERE r.event_id = e.event_id)"
            f" ORDER BY d.published IS NULL, d.published, e.doc_id, e.{self.dialect.rowid} LIMIT ?", (limit,))
        return [Event.from_dict(json.loads(r[0])) for r in rows]

    def fused_at_place(self, place_key: str, sub_event_types: list[str]) -> list[FusedEvent]:
        marks = ",".join("?" * len(sub_event_types)) or "''"
        rows = self.conn.execute(
            f"SELECT data FROM fused_events WHERE place_key=? AND sub_event_type IN ({marks})"
            " ORDER BY date IS NULL, date, cluster_id", [place_key, *sub_event_types])
        return [FusedEvent.from_dict(json.loads(r[0])) for r in rows]

    # -- the fused view (the API's; [] or None on a store without migration 003) --
    def query_fused_view(self, *, limit: int = 50, offset: int = 0, **f: Any) -> list[dict[str, Any]]:
        """Fused events (JSON records) matching the filters, newest first; [] without fusion."""
        if not self._has_table("fused_events"):
            return []
        c, a = fused_filters(f, self.dialect.like)
        where = ("WHERE " + " AND ".join(c)) if c else ""
        rows = self.conn.execute(f"{_VIEW} {where} ORDER BY {self.dialect.desc('f.date')}, f.cluster_id DESC"
                                 " LIMIT ? OFFSET ?", a + [limit, offset]).fetchall()
        return [_view(r) for r in rows]

    def get_fused_view(self, cluster_id: str) -> Optional[dict[str, Any]]:
        if not self._has_table("fused_events"):
            return None
        row = self.conn.execute(f"{_VIEW} WHERE f.cluster_id=?", (cluster_id,)).fetchone()
        return _view(row) if row else None

    # -- revisions (migration 007) and the alerts they notify ------------------
    def fused_revision(self, cluster_id: str) -> Optional[FusedRevision]:
        return self.fused_revisions([cluster_id]).get(cluster_id)

    def fused_revisions(self, cluster_ids: Iterable[str]) -> dict[str, FusedRevision]:
        out: dict[str, FusedRevision] = {}
        for ids in _chunks(sorted(set(cluster_ids))):
            for r in self.conn.execute(f"SELECT * FROM fused_changes WHERE cluster_id IN ({_marks(ids)})", ids):
                out[r["cluster_id"]] = FusedRevision(
                    r["cluster_id"], r["revision"], r["created_at"], r["changed_at"], json.loads(r["changes"]),
                    {k: r[k] for k in ("status", "corroboration", "event_type", "sub_event_type", "place",
                                       "fatalities")})
        return out

    def record_revision(self, revision: FusedRevision, payload: Optional[dict[str, Any]]) -> int:
        return self.record_revisions([(revision, payload)])

    def record_revisions(self, items: list[tuple[FusedRevision, Optional[dict[str, Any]]]]) -> int:
        queued = 0
        if not items:
            return 0
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO fused_changes(cluster_id, revision, created_at, changed_at, changes, status, corroboration,"
                " event_type, sub_event_type, place, fatalities) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(cluster_id) DO UPDATE SET revision=excluded.revision, created_at=excluded.created_at,"
                " changed_at=excluded.changed_at, changes=excluded.changes, status=excluded.status,"
                " corroboration=excluded.corroboration, event_type=excluded.event_type,"
                " sub_event_type=excluded.sub_event_type, place=excluded.place, fatalities=excluded.fatalities",
                [(v.cluster_id, v.revision, v.created_at, v.changed_at, json.dumps(v.changes, ensure_ascii=False),
                  v.state.get("status"), v.state.get("corroboration"), v.state.get("event_type"),
                  v.state.get("sub_event_type"), v.state.get("place"), v.state.get("fatalities")) for v, _ in items])
            notify = [(v, payload) for v, payload in items if payload is not None]
            if not notify:
                return 0
            alerts = self.conn.execute("SELECT name, filters FROM alerts ORDER BY name").fetchall()
            for v, payload in notify:
                body = json.dumps(payload, ensure_ascii=False, default=str)
                for name, filters in alerts:
                    c, a = fused_filters(json.loads(filters), self.dialect.like)
                    hit = self.conn.execute(f"SELECT 1 FROM fused_events f WHERE f.cluster_id = ?"
                                            f"{''.join(' AND ' + x for x in c)}", [v.cluster_id, *a]).fetchone()
                    if hit is None:
                        continue
                    cur = self.conn.execute(
                        "INSERT INTO alert_outbox(alert, cluster_id, revision, payload, created_at, next_at)"
                        " VALUES (?,?,?,?,?,?) ON CONFLICT(alert, cluster_id, revision) DO NOTHING",
                        (name, v.cluster_id, v.revision, body, v.changed_at, v.changed_at))
                    queued += cur.rowcount
        return queued

    def forget_revision(self, cluster_id: str) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM fused_changes WHERE cluster_id=?", (cluster_id,))

    # -- control ------------------------------------------------------------
    def replace_control(self, place_key: str, periods: list[ControlPeriod]) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM control_periods WHERE place_key=?", (place_key,))
            self.conn.executemany(
                'INSERT INTO control_periods(place_key, place, lat, lon, holder, start, "end", status, data)'
                " VALUES (?,?,?,?,?,?,?,?,?)",
                [(place_key, p.place.name, p.place.lat, p.place.lon, p.holder, _iso(p.start), _iso(p.end),
                  p.status, json.dumps(p.to_dict(), ensure_ascii=False)) for p in periods])

    def control_timeline(self, place: str) -> list[ControlPeriod]:
        rows = self.conn.execute(
            "SELECT data FROM control_periods WHERE place_key = ? OR lower(place) = lower(?)"
            " ORDER BY place_key, start IS NOT NULL, start, id", (place, place)).fetchall()
        if not rows:
            rows = self.conn.execute(
                f"SELECT data FROM control_periods WHERE place {self.dialect.like} ? ORDER BY place_key, start IS NOT NULL,"
                " start, id", (f"%{place}%",)).fetchall()
        return [ControlPeriod.from_dict(json.loads(r[0])) for r in rows]

    def control_near(self, lat: float, lon: float, km: float) -> list[ControlPeriod]:
        w, south, e, north = bbox_around(lat, lon, km)
        rows = self.conn.execute(
            "SELECT lat, lon, data FROM control_periods WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"
            " ORDER BY place_key, start IS NOT NULL, start, id", (south, north, w, e))
        return [ControlPeriod.from_dict(json.loads(r[2])) for r in rows if haversine_km(lat, lon, r[0], r[1]) <= km]

    def control_at(self, day: str) -> list[ControlPeriod]:
        rows = self.conn.execute(
            'SELECT data FROM control_periods WHERE (start IS NULL OR start <= ?) AND ("end" IS NULL OR "end" > ?)'
            " ORDER BY place, start IS NOT NULL, start", (day, day))
        return [ControlPeriod.from_dict(json.loads(r[0])) for r in rows]

    def control_places(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT place_key FROM control_periods ORDER BY place_key")]

    # -- recalled changes (migration 009) -------------------------------------
    def replace_recalled(self, doc_id: str, changes: list[tuple[str, RecalledChange]]) -> list[str]:
        with self.transaction():
            old = [r[0] for r in self.conn.execute(
                "SELECT DISTINCT place_key FROM recalled_changes WHERE doc_id=? ORDER BY place_key", (doc_id,))]
            self.conn.execute("DELETE FROM recalled_changes WHERE doc_id=?", (doc_id,))
            self.conn.executemany(
                "INSERT INTO recalled_changes(doc_id, place_key, day_lo, day_hi, data) VALUES (?,?,?,?,?)",
                [(doc_id, key, c.day_lo.isoformat(), c.day_hi.isoformat(), json.dumps(c.to_dict(), ensure_ascii=False))
                 for key, c in changes])
        return old

    def recalled_at(self, place_key: str) -> list[RecalledChange]:
        rows = self.conn.execute("SELECT data FROM recalled_changes WHERE place_key=? ORDER BY day_lo, doc_id, id",
                                 (place_key,))
        return [RecalledChange.from_dict(json.loads(r[0])) for r in rows]

    # -- agreements ---------------------------------------------------------
    def save_agreement(self, agreement: Agreement) -> None:
        a, p = agreement, agreement.place
        with self.transaction():
            self.conn.execute("DELETE FROM agreements WHERE agreement_id=?", (a.agreement_id,))
            self.conn.execute(
                "INSERT INTO agreements(agreement_id, cluster_id, place, lat, lon, date, status, data)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (a.agreement_id, a.cluster_id, p.name if p else None, p.lat if p else None, p.lon if p else None,
                 _iso(a.date), a.status, json.dumps(a.to_dict(), ensure_ascii=False)))
            self.conn.executemany(
                'INSERT INTO agreement_clauses(agreement_id, position, kind, text, doc_id, start, "end")'
                " VALUES (?,?,?,?,?,?,?)",
                [(a.agreement_id, i, c.kind, c.text, c.evidence.doc_id if c.evidence else None,
                  c.evidence.start if c.evidence else None, c.evidence.end if c.evidence else None)
                 for i, c in enumerate(a.clauses)])

    def delete_agreements(self, cluster_id: str) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM agreements WHERE cluster_id=?", (cluster_id,))

    def agreements_of(self, cluster_ids: Iterable[str]) -> dict[str, list[Agreement]]:
        out: dict[str, list[Agreement]] = {}
        for ids in _chunks(sorted(set(cluster_ids))):
            rows = self.conn.execute(
                f"SELECT cluster_id, data FROM agreements WHERE cluster_id IN ({_marks(ids)})"
                " ORDER BY cluster_id, date IS NULL, date, agreement_id", ids)
            for r in rows:
                out.setdefault(r[0], []).append(Agreement.from_dict(json.loads(r[1])))
        return out

    def query_agreements(self, *, place: Optional[str] = None, status: Optional[str] = None,
                         limit: int = 100, offset: int = 0, cluster_id: Optional[str] = None) -> list[Agreement]:
        where, args = [], []
        if cluster_id:
            where.append("cluster_id = ?"); args.append(cluster_id)
        if place:
            where.append(f"place {self.dialect.like} ?"); args.append(f"%{place}%")
        if status:
            where.append("status = ?"); args.append(status)
        cond = ("WHERE " + " AND ".join(where)) if where else ""
        rows = self.conn.execute(
            f"SELECT data FROM agreements {cond} ORDER BY date IS NULL, date, agreement_id LIMIT ? OFFSET ?",
            args + [limit, offset])
        return [Agreement.from_dict(json.loads(r[0])) for r in rows]


def fused_filters(f: dict[str, Any], like: str = "LIKE") -> tuple[list[str], list[Any]]:
    """SQL conditions and arguments of the fused view's filters over ``fused_events f`` (the
    API's, and the saved searches of alerts); TypeError on an unknown filter."""
    unknown = sorted(k for k, v in f.items() if k not in FUSED_FILTER_KEYS and v not in (None, False))
    if unknown:
        raise TypeError(f"unknown fused event filters: {unknown}")
    c: list[str] = []
    a: list[Any] = []
    for key in ("event_type", "sub_event_type", "status", "country"):
        if f.get(key):
            c.append(f"f.{key} = ?"); a.append(f[key])
    if f.get("actor"):  # a part of either actor's name, or a list of such parts (aliases), any of which matches
        names = [f["actor"]] if isinstance(f["actor"], str) else [n for n in f["actor"] if n]
        c.append("(" + " OR ".join(f"f.actor1 {like} ? OR f.actor2 {like} ?" for _ in names) + ")")
        a += [f"%{n}%" for n in names for _ in (1, 2)]
    if f.get("place"):
        c.append(f"f.location {like} ?"); a.append(f"%{f['place']}%")
    if f.get("date_from"):
        c.append("f.date >= ?"); a.append(f["date_from"])
    if f.get("date_to"):
        c.append("f.date <= ?"); a.append(f["date_to"])
    if f.get("since"):
        c.append("f.cluster_id IN (SELECT cluster_id FROM fused_changes WHERE changed_at >= ?)"); a.append(f["since"])
    if f.get("min_corroboration"):
        c.append("f.corroboration >= ?"); a.append(int(f["min_corroboration"]))
    if f.get("bbox"):
        w, s_, e, n = f["bbox"]
        c.append("f.lat BETWEEN ? AND ? AND f.lon BETWEEN ? AND ?"); a += [s_, n, w, e]
    if f.get("text"):
        c.append(f"f.data {like} ?"); a.append(f"%{f['text']}%")
    if f.get("min_confidence") is not None:  # a report at least that confident (as shown, 3 places)
        c.append("EXISTS (SELECT 1 FROM events e WHERE e.cluster_id = f.cluster_id"
                 " AND e.confidence >= ?)"); a.append(float(f["min_confidence"]) - 0.0005)
    return c, a


def _view(row: Any) -> dict[str, Any]:
    out = json.loads(row[0])
    out["created_at"], out["changed_at"], out["revision"] = row[1], row[2], row[3]
    out["changes"] = json.loads(row[4]) if row[4] else []
    return out
