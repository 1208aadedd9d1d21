"""Extra gazetteer layers: GeoNames dumps (txt or zip), CSV files, and GeoNames country downloads.

GeoNames dump columns (tab-separated, 19): geonameid, name, asciiname,
alternatenames, latitude, longitude, feature class, feature code, country code,
cc2, admin1 code, admin2 code, admin3 code, admin4 code, population, elevation,
dem, timezone, modification date.

CSV columns are mapped with ``name=COL,lat=COL,...`` (``alt_names`` may list
several columns joined by ``|``; cells may hold several names separated by
``;`` or ``|``). The preset ``ocha`` maps the OCHA common operational dataset
admin and neighbourhood CSVs (``admin3Name_en``, ``centroid_lat``, ...), whose
level is read from the header.
"""
from __future__ import annotations

import csv
import io
import logging
import os
import re
import zipfile
from pathlib import Path
from typing import Iterator, Optional

from ..errors import InputError
from .gazetteer import Gazetteer, PlaceRow

log = logging.getLogger(__name__)

GEONAMES_URL = "https://download.geonames.org/export/dump/{cc}.zip"
FIELDS = ("name", "alt_names", "lat", "lon", "country", "admin1", "admin2", "feature", "population", "id")
_DEFAULT_CSV = {f: f for f in FIELDS}
_OCHA_LEVELS = (("neighborhood", "S.NBHD"), ("admin4", "P.PPL"), ("admin3", "A.ADM3"), ("admin2", "A.ADM2"),
                ("admin1", "A.ADM1"))


def parse_columns(spec: Optional[str], header: list[str]) -> dict[str, list[str]]:
    """Field -> CSV columns. ``spec`` is None (columns named like the fields), 'ocha', or 'f=col,...'."""
    if spec is None:
        spec = "ocha" if any(h.endswith("Name_en") for h in header) else None
    if spec == "ocha":
        return _ocha_columns(header)
    mapping = {f: [c] for f, c in _DEFAULT_CSV.items() if c in header}
    if spec:
        for part in spec.split(","):
            if "=" not in part:
                raise ValueError(f"bad column mapping {part!r} (want field=column)")
            field, cols = (x.strip() for x in part.split("=", 1))
            if field not in FIELDS:
                raise ValueError(f"unknown field {field!r} (fields: {', '.join(FIELDS)})")
            mapping[field] = [c.strip() for c in cols.split("|") if c.strip()]
    missing = [c for cols in mapping.values() for c in cols if c not in header]
    if missing:
        raise ValueError(f"no column {missing[0]!r} in the header")
    for need in ("name", "lat", "lon"):
        if need not in mapping:
            raise ValueError(f"no column for {need!r}: map it with --columns {need}=COLUMN")
    return mapping


def _ocha_columns(header: list[str]) -> dict[str, list[str]]:
    for level, _ in _OCHA_LEVELS:
        if f"{level}Name_en" in header:
            break
    else:
        raise ValueError("not an OCHA admin CSV: no *Name_en column")
    alts = [h for h in header if h.startswith(level) and ("AltName" in h or "RefName" in h) and not h.endswith("_ar")]
    mapping = {"name": [f"{level}Name_en"], "alt_names": alts, "lat": ["centroid_lat"], "lon": ["centroid_lon"],
               "country": ["admin0Pcode"], "id": [f"{level}Pcode"]}
    if level != "admin1" and "admin1Name_en" in header:
        mapping["admin1"] = ["admin1Name_en"]
    if level not in ("admin1", "admin2") and "admin2Name_en" in header:
        mapping["admin2"] = ["admin2Name_en"]
    if "rep_point_lat" in header:  # a point inside the area: better than a centroid for odd shapes
        mapping["lat"], mapping["lon"] = ["rep_point_lat"], ["rep_point_lon"]
    mapping["_feature"] = [dict(_OCHA_LEVELS)[level]]
    return mapping


def csv_rows(fh, source: str, columns: Optional[str] = None) -> Iterator[PlaceRow]:
    sample = fh.read(4096)
    fh.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(fh, dialect=dialect)
    header = [h.strip() for h in reader.fieldnames or []]
    try:
        mapping = parse_columns(columns, header)
    except ValueError as exc:
        raise InputError(source, str(exc)) from exc
    fixed_feature = mapping.pop("_feature", [None])[0]

    def cell(row: dict, field: str) -> str:
        for col in mapping.get(field, []):
            v = (row.get(col) or "").strip()
            if v:
                return v
        return ""

    bad = 0
    for lineno, row in enumerate(reader, 2):
        name = cell(row, "name")
        try:
            lat, lon = float(cell(row, "lat")), float(cell(row, "lon"))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError("coordinates out of range")
        except ValueError:
            bad += 1
            log.warning("%s:%d: no usable coordinates, row skipped", source, lineno)
            continue
        if not name:
            bad += 1
            continue
        alts: list[str] = []
        for col in mapping.get("alt_names", []):
            alts += [a.strip() for a in re.split(r"[;|]", row.get(col) or "") if a.strip()]
        country = cell(row, "country")[:2].upper() or None
        pop = cell(row, "population")
        yield PlaceRow(name=name, lat=lat, lon=lon, country=country, admin1=cell(row, "admin1") or None,
                       admin2=cell(row, "admin2") or None, feature=cell(row, "feature") or fixed_feature or "P.PPL",
                       population=int(float(pop)) if pop.replace(".", "", 1).isdigit() else 0,
                       geonameid=cell(row, "id") or None, alt_names=tuple(alts))
    if bad:
        log.warning("%s: %d rows skipped", source, bad)


def geonames_rows(lines, source: str, admin1_names: Optional[dict[str, str]] = None) -> Iterator[PlaceRow]:
    """Rows of a GeoNames dump. Lines that do not have 19 columns are reported and skipped."""
    bad = 0
    for lineno, line in enumerate(lines, 1):
        if isinstance(line, bytes):
            line = line.decode("utf-8", errors="replace")
        line = line.rstrip("\n\r")
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 19:
            bad += 1
            if bad <= 3:
                log.warning("%s:%d: %d columns, not 19: skipped", source, lineno, len(cols))
            continue
        try:
            lat, lon = float(cols[4]), float(cols[5])
        except ValueError:
            bad += 1
            continue
        fclass, fcode, cc, a1 = cols[6], cols[7], cols[8], cols[10]
        alts = tuple(a for a in cols[3].split(",") if a) + ((cols[2],) if cols[2] and cols[2] != cols[1] else ())
        a1name = (admin1_names or {}).get(f"{cc}.{a1}", a1) if a1 else None
        yield PlaceRow(name=cols[1], lat=lat, lon=lon, country=cc or None, admin1=a1name, admin2=cols[11] or None,
                       feature=f"{fclass}.{fcode}" if fclass else None,
                       population=int(cols[14]) if cols[14].isdigit() else 0, geonameid=cols[0],
                       alt_names=alts)
    if bad:
        log.warning("%s: %d malformed lines skipped", source, bad)
    if bad and bad == lineno:
        raise InputError(source, "not a GeoNames dump (no line has 19 tab-separated columns)")


def _sniff_geonames(first_line: str) -> bool:
    cols = first_line.rstrip("\n").split("\t")
    return len(cols) == 19 and cols[0].isdigit()


def load_file(gaz: Gazetteer, path: str, layer: Optional[str] = None, fmt: str = "auto",
              columns: Optional[str] = None) -> tuple[str, int]:
    """Load a file as a layer; returns (layer name, places loaded)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(path, "no such file")
    layer = layer or re.sub(r"\.(txt|csv|zip|tsv)$", "", p.name, flags=re.I)
    try:
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as zf:
                members = [m for m in zf.namelist() if m.endswith(".txt") and not m.lower().startswith("readme")]
                if not members:
                    raise InputError(path, "the zip holds no .txt dump")
                with zf.open(members[0]) as fh:
                    rows = list(geonames_rows(fh, f"{path}:{members[0]}"))
        else:
            with open(p, encoding="utf-8-sig", newline="") as fh:
                first = fh.readline()
                fh.seek(0)
                if fmt == "geonames" or (fmt == "auto" and _sniff_geonames(first)):
                    rows = list(geonames_rows(fh, path))
                elif fmt in ("csv", "auto"):
                    rows = list(csv_rows(fh, path, columns))
                else:
                    raise InputError(path, f"unknown format {fmt!r} (auto, geonames, csv)")
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile, csv.Error) as exc:
        raise InputError(path, str(exc)) from exc
    if not rows:
        raise InputError(path, "no places could be read")
    n = gaz.add_layer(layer, rows, source=os.path.abspath(path))
    return layer, n


def download_country(gaz: Gazetteer, cc: str, url: Optional[str] = None, timeout: float = 120.0) -> tuple[str, int]:
    """Fetch a GeoNames country dump (zip or txt) and load it as layer ``geonames-CC``."""
    import httpx

    pattern = url or os.environ.get("RASD_GEONAMES_URL") or GEONAMES_URL
    target = pattern.format(cc=cc, CC=cc)
    try:
        resp = httpx.get(target, timeout=timeout, follow_redirects=True)
        resp.raise_for_status()
    except httpx.HTTPError as exc:
        raise InputError(target, f"download failed: {exc}") from exc
    data = resp.content
    source = target
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [m for m in zf.namelist() if m.upper().startswith(cc) and m.endswith(".txt")] or \
                [m for m in zf.namelist() if m.endswith(".txt") and not m.lower().startswith("readme")]
            if not members:
                raise InputError(target, "the zip holds no .txt dump")
            rows = list(geonames_rows(zf.read(members[0]).decode("utf-8", "replace").splitlines(), source))
    else:
        rows = list(geonames_rows(data.decode("utf-8", "replace").splitlines(), source))
    if not rows:
        raise InputError(target, "no places in the download")
    layer = f"geonames-{cc}"
    return layer, gaz.add_layer(layer, rows, source=target)
