"""The gazetteer: layers of places in one SQLite file.

Tables: ``places`` (one row per place, its layer, coordinates, country, admin1,
feature, population), ``names`` (every name of a place under its normalised key
and its looser skeleton key, both indexed), ``places_rtree`` (an R*Tree on the
coordinates) and ``layers``. The default layer is built from the packaged data
(see ``build.py``) the first time a gazetteer file is opened; later layers come
from ``rasd gazetteer add`` or ``download``.

Recognition asks, for every word run of a text, whether it is a name here: ``known_keys``
answers from a hash index over every normalised name (``NameIndex``: the CRC-32 of each key,
sorted), built once when a layer is added or removed and kept in the file's ``meta`` table, so
that only the runs that may be names reach SQLite (one query per text, not one per word).
"""
from __future__ import annotations

import logging
import os
import sqlite3
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Optional

from ..errors import StoreError
from ..geodesy import bbox_around, haversine_km  # noqa: F401 (haversine_km is re-exported)
from ..records import COUNTRY_FEATURE, Place, is_country_feature, is_country_or_continent
from .normalize import name_key, skeleton_key, skeleton_of_key
from .rows import PlaceRow  # noqa: F401 (re-exported)

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
DEFAULT_LAYER = "default"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS layers(
  name TEXT PRIMARY KEY, source TEXT, places INTEGER NOT NULL DEFAULT 0, added TEXT);
CREATE TABLE IF NOT EXISTS places(
  id INTEGER PRIMARY KEY, layer TEXT NOT NULL, name TEXT NOT NULL, lat REAL, lon REAL,
  country TEXT, admin1 TEXT, admin2 TEXT, feature TEXT, population INTEGER NOT NULL DEFAULT 0,
  geonameid TEXT);
CREATE TABLE IF NOT EXISTS names(
  key TEXT NOT NULL, skel TEXT NOT NULL, place_id INTEGER NOT NULL, kind TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS places_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);
"""
# created after the bulk load of the default layer (faster than keeping them up to date row by row)
_INDEXES = """
CREATE INDEX IF NOT EXISTS places_layer ON places(layer);
CREATE INDEX IF NOT EXISTS places_admin ON places(country, admin1, feature);
CREATE INDEX IF NOT EXISTS names_key ON names(key);
CREATE INDEX IF NOT EXISTS names_skel ON names(skel);
CREATE INDEX IF NOT EXISTS names_place ON names(place_id);
CREATE INDEX IF NOT EXISTS places_population ON places(population);
"""

@dataclass
class Candidate:
    """A place that a name may refer to, as read from the gazetteer."""

    id: int
    layer: str
    name: str
    lat: Optional[float]
    lon: Optional[float]
    country: Optional[str]
    admin1: Optional[str]
    admin2: Optional[str]
    feature: Optional[str]
    population: int
    geonameid: Optional[str]
    kind: str = "name"  # how the name matched: name, alt, abbr, demonym
    match: str = "key"  # key, skeleton, fuzzy
    similarity: float = 1.0

    @property
    def feature_class(self) -> str:
        return (self.feature or "P").split(".")[0]

    def is_country(self) -> bool:
        return is_country_feature(self.feature)

    def is_admin(self) -> bool:
        f = self.feature or ""
        return f.startswith("A.ADM") or is_country_feature(f)

    def to_place(self, mention: Optional[str] = None, precision: Optional[int] = None,
                 score: Optional[float] = None) -> Place:
        if precision is None:
            precision = default_precision(self.feature)
        return Place(name=self.name, lat=self.lat, lon=self.lon, country=self.country, admin1=self.admin1,
                     admin2=self.admin2, feature=self.feature, geonameid=self.geonameid,
                     geo_precision=precision, mention=mention, score=score)


def default_precision(feature: Optional[str]) -> int:
    """ACLED geo_precision from a feature code: populated places and spots 1, regions 3."""
    f = feature or ""
    if is_country_or_continent(f) or f.startswith(("A.ADM1", "L.RGN")):
        return 3
    if f.startswith("A.ADM") or f.startswith("L.") or f.startswith("H.") or f.startswith("T."):
        return 2
    return 1


_COLS = "p.id, p.layer, p.name, p.lat, p.lon, p.country, p.admin1, p.admin2, p.feature, p.population, p.geonameid"


class NameIndex:
    """Which normalised keys may be names: the sorted CRC-32 of every key in ``names``. A key
    that is a name is always let through; a key that is not is dropped except on a hash
    collision (about one key in five thousand with the default layer), which costs only a
    look-up that finds nothing."""

    META_KEY, STAMP_KEY = "name_index", "name_index_stamp"

    def __init__(self, hashes):
        import numpy as np

        self.hashes = np.asarray(hashes, dtype="<u4")

    @staticmethod
    def hash(key: str) -> int:
        return zlib.crc32(key.encode("utf-8"))

    @classmethod
    def of(cls, conn: sqlite3.Connection) -> "NameIndex":
        import numpy as np

        keys = [r[0] for r in conn.execute("SELECT DISTINCT key FROM names")]
        return cls(np.unique(np.fromiter(map(cls.hash, keys), dtype="<u4", count=len(keys))))

    @staticmethod
    def stamp(conn: sqlite3.Connection) -> str:
        """What the index was built for: the layers (name, size, when added) and the last name row."""
        layers = conn.execute("SELECT group_concat(name || '|' || places || '|' || added, ';') "
                              "FROM (SELECT * FROM layers ORDER BY name)").fetchone()[0]
        last = conn.execute("SELECT max(rowid) FROM names").fetchone()[0]
        return f"{layers or ''}#{last or 0}"

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Optional["NameIndex"]:
        """The index kept in the file, when it was built for the layers the file holds now."""
        import numpy as np

        rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (cls.META_KEY, cls.STAMP_KEY)))
        if not isinstance(rows.get(cls.META_KEY), bytes) or rows.get(cls.STAMP_KEY) != cls.stamp(conn):
            return None
        return cls(np.frombuffer(rows[cls.META_KEY], dtype="<u4"))

    def save(self, conn: sqlite3.Connection) -> None:
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (self.META_KEY, self.hashes.tobytes()))
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (self.STAMP_KEY, self.stamp(conn)))

    def known(self, keys: Iterable[str]) -> list[str]:
        """The keys (in their order) whose hash is in the index."""
        import numpy as np

        keys = list(keys)
        if not keys or not len(self.hashes):
            return []
        hashes = np.fromiter(map(self.hash, keys), dtype="<u4", count=len(keys))
        at = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        return [k for k, hit in zip(keys, self.hashes[at] == hashes) if hit]


class Gazetteer:
    """Read and extend a gazetteer file. Build with :func:`open_gazetteer`."""

    def __init__(self, conn: sqlite3.Connection, path: str):
        self.conn = conn
        self.path = path
        self._names: Optional[NameIndex] = None

    # ---- the name index ------------------------------------------------
    @property
    def names(self) -> NameIndex:
        """The hash index of every name key: read from the file, or built (and kept there) when
        the file has none for its present layers."""
        if self._names is None:
            index = NameIndex.load(self.conn)
            if index is None:
                log.info("indexing the names of gazetteer %s (once per change of its layers)", self.path)
                index = NameIndex.of(self.conn)
                try:
                    index.save(self.conn)
                except sqlite3.Error as exc:  # a read-only file: the index lives in memory only
                    log.info("gazetteer %s: name index not saved (%s)", self.path, exc)
            self._names = index
        return self._names

    def known_keys(self, keys: Iterable[str]) -> list[str]:
        """The keys that may be names here (all that are, a rare few that are not): filter a
        text's candidate names with this before ``by_keys``."""
        return self.names.known(keys)

    def _reindex(self) -> None:
        self._names = NameIndex.of(self.conn)
        self._names.save(self.conn)

    # ---- reading -------------------------------------------------------
    def _rows(self, sql: str, params: Iterable) -> list[Candidate]:
        return [Candidate(*row[:11], kind=row[11]) for row in self.conn.execute(sql, tuple(params))]

    def by_keys(self, keys: Iterable[str]) -> dict[str, list[Candidate]]:
        """Exact normalised-key look-up of many keys at once."""
        out: dict[str, list[Candidate]] = {}
        keys = list(dict.fromkeys(k for k in keys if k))
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            sql = (f"SELECT {_COLS}, n.kind, n.key FROM names n JOIN places p ON p.id = n.place_id "
                   f"WHERE n.key IN ({marks})")
            for row in self.conn.execute(sql, chunk):
                cand = Candidate(*row[:11], kind=row[11])
                out.setdefault(row[12], []).append(cand)
        return {k: _dedupe(v) for k, v in out.items()}

    def by_skeleton(self, name: str, min_similarity: float = 80.0) -> list[Candidate]:
        """Names with the same consonant skeleton whose key is also close in spelling."""
        from rapidfuzz import fuzz

        skel, key = skeleton_key(name), name_key(name)
        if len(skel) < 4:
            return []
        out = []
        for row in self.conn.execute(f"SELECT {_COLS}, n.kind, n.key FROM names n JOIN places p ON p.id = n.place_id "
                                     "WHERE n.skel = ?", (skel,)):
            sim = fuzz.ratio(key, row[12])
            if sim >= min_similarity:
                out.append(Candidate(*row[:11], kind=row[11], match="skeleton", similarity=sim / 100.0))
        return _dedupe(out)

    def fuzzy(self, name: str, threshold: float = 88.0, limit: int = 20) -> list[Candidate]:
        """rapidfuzz over the names that share the key's first three letters."""
        from rapidfuzz import fuzz, process

        key = name_key(name)
        if len(key) < 4:
            return []
        prefix = key[:3]
        keys = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT key FROM names WHERE key >= ? AND key < ? LIMIT 20000", (prefix, prefix + "\uffff"))]
        hits = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=threshold, limit=limit)
        out: list[Candidate] = []
        found = self.by_keys([h[0] for h in hits])
        for hit_key, sim, _ in hits:
            for c in found.get(hit_key, []):
                c.match, c.similarity = "fuzzy", sim / 100.0
                out.append(c)
        if out:
            log.info("fuzzy match for %r: %s (%.0f)", name, out[0].name, hits[0][1])
        else:
            log.info("no fuzzy match for %r at threshold %.0f", name, threshold)
        return _dedupe(out)

    def by_prefix(self, name: str, limit: int = 50) -> list[Candidate]:
        """Places with a name whose key starts with this name's key (what a search box types)."""
        key = name_key(name)
        if len(key) < 3:
            return []
        rows = self.conn.execute(
            f"SELECT {_COLS}, n.kind FROM names n JOIN places p ON p.id = n.place_id WHERE n.key >= ? AND n.key < ?"
            " ORDER BY p.population DESC LIMIT ?", (key, key + "\uffff", limit)).fetchall()
        return _dedupe([Candidate(*r[:11], kind=r[11], match="prefix") for r in rows])

    def lookup(self, name: str, fuzzy: bool = True) -> list[Candidate]:
        """Candidates for a name: exact key, then skeleton key, then fuzzy (each logged)."""
        key = name_key(name)
        cands = self.by_keys([key]).get(key, [])
        if cands:
            return cands
        cands = self.by_skeleton(name)
        if cands:
            log.info("transliteration match for %r: %s", name, cands[0].name)
            return cands
        return self.fuzzy(name) if fuzzy else []

    def get(self, place_id: int) -> Optional[Candidate]:
        rows = self._rows(f"SELECT {_COLS}, 'name' FROM places p WHERE p.id = ?", (place_id,))
        return rows[0] if rows else None

    def admin_area(self, country: str, admin1: str) -> Optional[Candidate]:
        """The first-level area a place belongs to (for falling back to a coarser place)."""
        rows = self._rows(f"SELECT {_COLS}, 'name' FROM places p WHERE p.country = ? AND p.admin1 = ? "
                          "AND p.feature LIKE 'A.ADM1%' ORDER BY p.population DESC LIMIT 1", (country, admin1))
        return rows[0] if rows else None

    def seat(self, country: str, admin1: str, names: Iterable[str] = ()) -> Optional[Candidate]:
        """The town that stands for a first-level area: the most populous town in it bearing one of
        ``names`` (the area's own: "Kidal", "Gedaref" for Al Qadarif), else its most populous town
        (the packaged gazetteer marks no provincial capitals; the largest town mostly is one)."""
        keys = sorted({k for k in (name_key(n) for n in names) if k})
        if keys:
            marks = ",".join("?" * len(keys))
            rows = self._rows(f"SELECT {_COLS}, n.kind FROM names n JOIN places p ON p.id = n.place_id "
                              f"WHERE n.key IN ({marks}) AND p.country = ? AND p.admin1 = ? AND p.feature LIKE 'P.%' "
                              "AND p.lat IS NOT NULL ORDER BY p.population DESC LIMIT 1", (*keys, country, admin1))
            if rows:
                return rows[0]
        rows = self._rows(f"SELECT {_COLS}, 'name' FROM places p WHERE p.country = ? AND p.admin1 = ? "
                          "AND p.feature LIKE 'P.%' AND p.lat IS NOT NULL ORDER BY p.population DESC LIMIT 1",
                          (country, admin1))
        return rows[0] if rows else None

    def country(self, code: str) -> Optional[Candidate]:
        rows = self._rows(f"SELECT {_COLS}, 'name' FROM places p WHERE p.country = ? AND p.feature LIKE '{COUNTRY_FEATURE}%' "
                          "ORDER BY p.population DESC LIMIT 1", (code,))
        return rows[0] if rows else None

    def near(self, lat: float, lon: float, km: float, limit: int = 50) -> list[tuple[float, Candidate]]:
        """Places within ``km`` of a point, nearest first (R*Tree box, then exact distance)."""
        w, south, e, north = bbox_around(lat, lon, km)
        rows = self._rows(
            f"SELECT {_COLS}, 'name' FROM places_rtree r JOIN places p ON p.id = r.id "
            "WHERE r.min_lat <= ? AND r.max_lat >= ? AND r.min_lon <= ? AND r.max_lon >= ?",
            (north, south, e, w))
        out = [(haversine_km(lat, lon, c.lat, c.lon), c) for c in rows if c.lat is not None]
        out = [x for x in out if x[0] <= km]
        out.sort(key=lambda x: x[0])
        return out[:limit]

    def towns_in(self, west: float, south: float, east: float, north: float, limit: int = 60) -> list[Candidate]:
        """The most populous populated places (feature class P) inside a box, most populous first:
        the labels of the page's offline base map."""
        if (east - west) * (north - south) > 400:
            # a large box holds many places: walk them most populous first and stop at ``limit``
            return self._rows(
                f"SELECT {_COLS}, 'name' FROM places p INDEXED BY places_population "
                "WHERE p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ? AND p.feature LIKE 'P.%' "
                "ORDER BY p.population DESC LIMIT ?", (south, north, west, east, limit))
        return self._rows(
            f"SELECT {_COLS}, 'name' FROM places_rtree r JOIN places p ON p.id = r.id "
            "WHERE r.min_lat <= ? AND r.max_lat >= ? AND r.min_lon <= ? AND r.max_lon >= ? "
            "AND p.feature LIKE 'P.%' AND p.lat IS NOT NULL ORDER BY p.population DESC LIMIT ?",
            (north, south, east, west, limit))

    def search(self, name: str, limit: int = 20) -> list[Candidate]:
        cands = self.lookup(name)
        cands.sort(key=lambda c: -(c.population or 0))
        return cands[:limit]

    def layers(self) -> list[dict]:
        return [dict(zip(("name", "source", "places", "added"), r))
                for r in self.conn.execute("SELECT name, source, places, added FROM layers ORDER BY added")]

    def meta(self, key: str) -> Optional[str]:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # ---- writing -------------------------------------------------------
    def add_layer(self, layer: str, rows: Iterable[PlaceRow], source: str = "", replace: bool = True) -> int:
        """Load places as a layer in one transaction; a layer of the same name is replaced."""
        conn = self.conn
        n = 0
        try:
            conn.execute("BEGIN")
            if replace:
                self._drop_layer(layer)
            n = _insert_rows(conn, layer, rows)
            conn.execute("INSERT OR REPLACE INTO layers(name, source, places, added) VALUES (?, ?, ?, ?)",
                         (layer, source, n, datetime.now(timezone.utc).isoformat(timespec="seconds")))
            self._reindex()  # in the same transaction: the file never holds a stale index
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return n

    def _drop_layer(self, layer: str) -> None:
        ids = "SELECT id FROM places WHERE layer = ?"
        self.conn.execute(f"DELETE FROM names WHERE place_id IN ({ids})", (layer,))
        self.conn.execute(f"DELETE FROM places_rtree WHERE id IN ({ids})", (layer,))
        self.conn.execute("DELETE FROM places WHERE layer = ?", (layer,))
        self.conn.execute("DELETE FROM layers WHERE name = ?", (layer,))

    def remove_layer(self, layer: str) -> bool:
        if not any(r["name"] == layer for r in self.layers()):
            return False
        with self.conn:
            self._drop_layer(layer)
            self._reindex()
        return True

    def close(self) -> None:
        self.conn.close()

    def reopen(self) -> None:
        """A connection of this process's own, in a process forked after the file was opened
        (SQLite connections must not cross a fork). The inherited one is kept, never used nor
        closed: closing it here could checkpoint and remove the WAL the parent still uses."""
        self._inherited = getattr(self, "_inherited", []) + [self.conn]
        try:
            self.conn = _connect(self.path)
        except sqlite3.Error as exc:
            raise StoreError(f"gazetteer {self.path}: {exc}") from exc

    def __enter__(self) -> "Gazetteer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    """One candidate per place, keeping the best way it matched."""
    rank = {"name": 0, "abbr": 1, "alt": 2, "demonym": 3}
    best: dict[int, Candidate] = {}
    for c in cands:
        old = best.get(c.id)
        if old is None or rank.get(c.kind, 9) < rank.get(old.kind, 9):
            best[c.id] = c
    return list(best.values())


def _insert_rows(conn: sqlite3.Connection, layer: str, rows: Iterable[PlaceRow]) -> int:
    n = 0
    cur = conn.cursor()
    pid = (cur.execute("SELECT MAX(id) FROM places").fetchone()[0] or 0)
    places: list[tuple] = []
    boxes: list[tuple] = []
    names_batch: list[tuple] = []
    skel_cache: dict[str, str] = {}

    def flush() -> None:
        cur.executemany("INSERT INTO places(id, layer, name, lat, lon, country, admin1, admin2, feature, "
                        "population, geonameid) VALUES (?,?,?,?,?,?,?,?,?,?,?)", places)
        cur.executemany("INSERT INTO places_rtree VALUES (?,?,?,?,?)", boxes)
        cur.executemany("INSERT INTO names VALUES (?,?,?,?)", names_batch)
        places.clear()
        boxes.clear()
        names_batch.clear()

    for row in rows:
        pid += 1
        places.append((pid, layer, row.name, row.lat, row.lon, row.country, row.admin1, row.admin2, row.feature,
                       int(row.population or 0), row.geonameid))
        if row.lat is not None and row.lon is not None:
            boxes.append((pid, row.lat, row.lat, row.lon, row.lon))
        keys = row.keys
        if keys is None:
            keys = [(kind, name_key(nm)) for kind, nm in
                    [("name", row.name)] + [("alt", a) for a in row.alt_names] + list(row.extra_names)]
        seen: set[str] = set()
        for kind, key in keys:
            if not key or key in seen:
                continue
            seen.add(key)
            skel = skel_cache.get(key)
            if skel is None:
                skel = skel_cache[key] = skeleton_of_key(key)
            names_batch.append((key, skel, pid, kind))
        n += 1
        if len(names_batch) > 50000:
            flush()
    flush()
    return n


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(_SCHEMA)
    conn.executescript(_INDEXES)
    return conn


def open_gazetteer(path: Optional[str] = None, build_default: bool = True) -> Gazetteer:
    """Open (and on first use build) a gazetteer file.

    ``path`` defaults to ``Settings().gazetteer`` (``RASD_GAZETTEER``, ``~/.rasd/gazetteer.db``).
    The default layer is built into a temporary file renamed into place, so a
    build that is interrupted leaves nothing half-written.
    """
    from ..config import Settings

    path = str(path or Settings().gazetteer)
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if build_default and not _has_default(path):
            _build_file(path)
        conn = _connect(path)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"gazetteer {path}: {exc}") from exc
    return Gazetteer(conn, path)


def _has_default(path: str) -> bool:
    if not os.path.exists(path):
        return False
    try:
        conn = sqlite3.connect(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'default_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    from .build import DEFAULT_VERSION

    return bool(row) and row[0] == DEFAULT_VERSION


def _build_file(path: str) -> None:
    from .build import DEFAULT_SOURCES, DEFAULT_VERSION, default_rows

    log.warning("building the default gazetteer layer in %s (once)", path)
    if os.path.exists(path):
        # keep the user's layers: rebuild the default layer in place
        conn = _connect(path)
        gaz = Gazetteer(conn, path)
        gaz.add_layer(DEFAULT_LAYER, default_rows(), source=DEFAULT_SOURCES)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('default_version', ?)", (DEFAULT_VERSION,))
        conn.close()
        return
    tmp = f"{path}.tmp{os.getpid()}"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(tmp + suffix):
            os.remove(tmp + suffix)
    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.executescript(_SCHEMA)
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
    gaz = Gazetteer(conn, tmp)
    gaz.add_layer(DEFAULT_LAYER, default_rows(), source=DEFAULT_SOURCES)
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('default_version', ?)", (DEFAULT_VERSION,))
    conn.executescript(_INDEXES)
    conn.execute("ANALYZE")
    conn.close()
    os.replace(tmp, path)
