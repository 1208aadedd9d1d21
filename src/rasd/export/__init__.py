"""Exports of events: ACLED-column CSV, GeoJSON, JSON Lines, Parquet.

Every writer takes an iterator of event *batches* (``Store.iter_events_view``) and yields
bytes, so that a CLI can write them to a file and the server can stream them: at most one
batch (and, for Parquet, one row group) is in memory at a time. Corrected events carry the
names of their corrected fields (``corrected``); rejected ones are marked ``rejected``.
"""
from __future__ import annotations

import json
from typing import Callable, Iterable, Iterator, Optional

from ..records import Event
from .acled_csv import FORMULA_START, csv_cell  # noqa: F401 (re-exported)

FORMATS = ("csv", "geojson", "jsonl", "parquet")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
}
SUFFIX = {"csv": ".csv", "geojson": ".geojson", "jsonl": ".jsonl", "parquet": ".parquet"}


def fatalities_text(n: Optional[int], at_least: bool = False) -> Optional[str]:
    """A figure as reported: "1", "100+" (a minimum: "hundreds", "more than 100"), or None."""
    if n is None:
        return None
    return f"{n}+" if at_least else str(n)


PROVENANCE = ("outlet", "url", "outlets")  # kept by the store's view in attrs, written at the top level


def event_json(event: Event) -> dict:
    """An event as exported: its record, plus the correction marks and its provenance at the top
    level: ``outlet`` and ``url`` of its document, ``outlets`` (the known, distinct outlets of its
    fused event's reports); ``sources`` holds the claimants its text names, never outlets."""
    d = event.to_dict()
    for key in PROVENANCE:
        d["attrs"].pop(key, None)
    d["outlet"] = event.attrs.get("outlet")
    d["url"] = event.attrs.get("url")
    d["outlets"] = list(event.attrs.get("outlets") or ([event.attrs["outlet"]] if event.attrs.get("outlet") else []))
    d["corrected"] = list(event.attrs.get("corrected") or [])
    d["rejected"] = bool(event.attrs.get("rejected"))
    d["review"] = event.attrs.get("review")  # an analyst's decision: accepted, rejected, or None (not reviewed)
    if "corroboration" in event.attrs:
        d["corroboration"] = event.attrs["corroboration"]
    return d


def write_jsonl(batches: Iterable[list[Event]]) -> Iterator[bytes]:
    for batch in batches:
        yield "".join(json.dumps(event_json(e), ensure_ascii=False) + "\n" for e in batch).encode("utf-8")


def write_geojson(batches: Iterable[list[Event]]) -> Iterator[bytes]:
    """A FeatureCollection; events without coordinates have a null geometry."""
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for batch in batches:
        parts = []
        for e in batch:
            props = event_json(e)
            loc = e.location
            geom = ({"type": "Point", "coordinates": [loc.lon, loc.lat]}
                    if loc and loc.lat is not None and loc.lon is not None else None)
            feat = {"type": "Feature", "id": e.event_id, "geometry": geom, "properties": props}
            parts.append(("" if first else ",") + json.dumps(feat, ensure_ascii=False))
            first = False
        if parts:
            yield "".join(parts).encode("utf-8")
    yield b"]}\n"


def write_csv(batches: Iterable[list[Event]]) -> Iterator[bytes]:
    """ACLED's columns (the mapping lives in ``acled_csv``), then rasd's correction marks; text
    cells that a spreadsheet would run as formulas are defused (``csv_cell``)."""
    import csv
    import io

    from .acled_csv import CSV_COLUMNS, event_to_row

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180; a carriage return inside a cell is then quoted
    w.writerow([*CSV_COLUMNS, "rasd_event_id", "rasd_corrected", "rasd_rejected"])
    for batch in batches:
        for e in batch:
            row = event_to_row(e)
            w.writerow([csv_cell(v) for v in (*(row.get(c, "") for c in CSV_COLUMNS), e.event_id,
                        ";".join(e.attrs.get("corrected") or []), "1" if e.attrs.get("rejected") else "")])
        yield buf.getvalue().encode("utf-8")
        buf.seek(0)
        buf.truncate()
    if buf.tell():
        yield buf.getvalue().encode("utf-8")


def _parquet_schema():
    import pyarrow as pa

    s, f, i = pa.string(), pa.float64(), pa.int64()
    return pa.schema([
        ("event_id", s), ("doc_id", s), ("event_type", s), ("sub_event_type", s), ("date", pa.date32()),
        ("time_precision", s), ("actor1", s), ("actor2", s), ("location", s), ("lat", f), ("lon", f),
        ("country", s), ("admin1", s), ("geo_precision", i), ("fatalities", i), ("stance", s),
        ("confidence", f), ("status", s), ("corroboration", i), ("sentence", s), ("evidence", s),
        ("corrected", s), ("rejected", pa.bool_()), ("outlet", s), ("url", s), ("outlets", s), ("claimants", s),
    ])


def _parquet_row(e: Event) -> dict:
    loc = e.location
    return {
        "event_id": e.event_id, "doc_id": e.doc_id, "event_type": e.event_type,
        "sub_event_type": e.sub_event_type, "date": e.date, "time_precision": e.time_precision,
        "actor1": e.actor1.name if e.actor1 else None, "actor2": e.actor2.name if e.actor2 else None,
        "location": loc.name if loc else None, "lat": loc.lat if loc else None, "lon": loc.lon if loc else None,
        "country": loc.country if loc else None, "admin1": loc.admin1 if loc else None,
        "geo_precision": loc.geo_precision if loc else None, "fatalities": e.fatalities, "stance": e.stance,
        "confidence": float(e.confidence), "status": e.status, "corroboration": e.attrs.get("corroboration"),
        "sentence": e.sentence, "evidence": json.dumps([x.to_dict() for x in e.evidence], ensure_ascii=False),
        "corrected": ";".join(e.attrs.get("corrected") or []) or None, "rejected": bool(e.attrs.get("rejected")),
        "outlet": e.attrs.get("outlet"), "url": e.attrs.get("url"),
        "outlets": "; ".join(e.attrs.get("outlets") or []) or None, "claimants": "; ".join(e.sources) or None,
    }


class _Drain:
    """A write-only file object whose written bytes are taken out after each row group."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.pos = 0
        self.closed = False

    def write(self, data) -> int:
        b = bytes(data)
        self.chunks.append(b)
        self.pos += len(b)
        return len(b)

    def tell(self) -> int:
        return self.pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks = []
        return out


def write_parquet(batches: Iterable[list[Event]]) -> Iterator[bytes]:
    """One row group per batch, written out as soon as it is complete."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema()
    sink = _Drain()
    writer = pq.ParquetWriter(sink, schema, compression="zstd")
    try:
        for batch in batches:
            if batch:
                writer.write_table(pa.Table.from_pylist([_parquet_row(e) for e in batch], schema=schema))
                yield sink.take()
    finally:
        writer.close()
    yield sink.take()


WRITERS: dict[str, Callable[[Iterable[list[Event]]], Iterator[bytes]]] = {
    "csv": write_csv, "geojson": write_geojson, "jsonl": write_jsonl, "parquet": write_parquet,
}


def stream(fmt: str, batches: Iterable[list[Event]]) -> Iterator[bytes]:
    if fmt not in WRITERS:
        raise ValueError(f"format {fmt!r}: one of {', '.join(FORMATS)}")
    return WRITERS[fmt](batches)
