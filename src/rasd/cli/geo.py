"""`rasd gazetteer ...` and `rasd geoparse`: the gazetteer's layers, and place names in documents."""
from __future__ import annotations

import json
import sys
from typing import List, Optional

import typer

from ..errors import InputError
from . import common, output

gaz_app = typer.Typer(help="The gazetteer: list, search and add layers (GeoNames dumps, CSV).",
                      no_args_is_help=True)

EXIT_INPUT, EXIT_USAGE, EXIT_SERVICE = 1, 2, 3


def register(app: typer.Typer) -> None:
    gaz_app.command("list")(list_layers)
    gaz_app.command("search")(search)
    gaz_app.command("add")(add)
    gaz_app.command("download")(download)
    gaz_app.command("remove")(remove)
    app.add_typer(gaz_app, name="gazetteer")
    app.command("geoparse")(geoparse)


def _gazetteer_option() -> Optional[str]:
    return typer.Option(None, "--gazetteer", "-g",
                        help="Gazetteer file (env RASD_GAZETTEER; default ~/.rasd/gazetteer.db).")


def _open(ctx: typer.Context, path: Optional[str]):
    from ..geo import open_gazetteer

    return open_gazetteer(path or common.settings(ctx).gazetteer)


def list_layers(ctx: typer.Context, gazetteer: Optional[str] = _gazetteer_option(),
                fmt: str = output.FormatOption) -> None:
    """List the gazetteer's layers with their sizes."""
    output.check_format(fmt)
    with _open(ctx, gazetteer) as gaz:
        layers = gaz.layers()
    output.print_rows(layers, [("name", "LAYER"), ("places", "PLACES"), ("added", "ADDED"), ("source", "SOURCE")],
                      fmt, width=70, empty="rasd: the gazetteer has no layers")


def search(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A place name, in any usual spelling."),
    limit: int = typer.Option(10, help="At most this many places."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines (the same as --format jsonl)."),
    gazetteer: Optional[str] = _gazetteer_option(),
    fmt: str = output.FormatOption,
) -> None:
    """Places a name may refer to, most populous first."""
    output.check_format(fmt)
    with _open(ctx, gazetteer) as gaz:
        cands = gaz.search(name, limit=limit)
    if not cands:
        typer.echo(f"rasd: no place named {name!r}", err=True)
        raise typer.Exit(EXIT_INPUT)
    rows = [{"name": c.name, "lat": c.lat, "lon": c.lon, "country": c.country, "admin1": c.admin1,
             "feature": c.feature, "population": c.population, "geonameid": c.geonameid, "layer": c.layer,
             "match": c.match} for c in cands]
    output.print_rows(rows, [("name", "NAME"), ("lat", "LAT"), ("lon", "LON"), ("country", "CC"),
                             ("admin1", "ADMIN1"), ("feature", "FEATURE"), ("population", "POPULATION"),
                             ("layer", "LAYER"), ("match", "MATCH"), ("geonameid", "GEONAMEID")],
                      "jsonl" if as_json else fmt)


def add(
    ctx: typer.Context,
    path: str = typer.Argument(..., help="GeoNames dump (.txt or .zip, 19 columns) or CSV file."),
    layer: Optional[str] = typer.Option(None, "--layer", help="Layer name (default: the file's name)."),
    fmt: str = typer.Option("auto", "--format", help="auto, geonames or csv."),
    columns: Optional[str] = typer.Option(
        None, "--columns",
        help="CSV column mapping, e.g. 'name=admin3Name_en,lat=centroid_lat,lon=centroid_lon,alt_names="
             "admin3RefName|admin3AltName1_en'. Fields: name, alt_names, lat, lon, country, admin1, admin2, "
             "feature, population, id. Preset: --columns ocha (OCHA admin and neighbourhood CSVs)."),
    gazetteer: Optional[str] = _gazetteer_option(),
) -> None:
    """Load a GeoNames dump or a CSV as a gazetteer layer (a layer of the same name is replaced)."""
    from ..geo.loaders import load_file

    try:
        with _open(ctx, gazetteer) as gaz:
            name, n = load_file(gaz, path, layer=layer, fmt=fmt, columns=columns)
    except InputError as err:
        common.report_error(err)
        raise typer.Exit(EXIT_INPUT)
    typer.echo(f"layer {name}: {n} places")


def download(
    ctx: typer.Context,
    country: str = typer.Argument(..., help="ISO 3166 alpha-2 country code, e.g. SY."),
    url: Optional[str] = typer.Option(None, "--url", help="Dump URL pattern with {cc} (env RASD_GEONAMES_URL; "
                                      "default https://download.geonames.org/export/dump/{cc}.zip)."),
    gazetteer: Optional[str] = _gazetteer_option(),
) -> None:
    """Fetch a country's GeoNames dump and load it as layer geonames-CC (needs internet)."""
    from ..geo.loaders import download_country

    if len(country) != 2 or not country.isalpha():
        typer.echo(f"rasd: {country!r}: not a two-letter country code", err=True)
        raise typer.Exit(EXIT_USAGE)
    try:
        with _open(ctx, gazetteer) as gaz:
            name, n = download_country(gaz, country.upper(), url)
    except InputError as err:
        common.report_error(err)
        raise typer.Exit(EXIT_SERVICE)
    typer.echo(f"layer {name}: {n} places")


def remove(ctx: typer.Context, layer: str = typer.Argument(..., help="Layer name."),
           gazetteer: Optional[str] = _gazetteer_option()) -> None:
    """Remove a layer."""
    with _open(ctx, gazetteer) as gaz:
        if not gaz.remove_layer(layer):
            typer.echo(f"rasd: no layer {layer!r}", err=True)
            raise typer.Exit(EXIT_INPUT)
    typer.echo(f"removed layer {layer}")


def geoparse(
    ctx: typer.Context,
    paths: List[str] = typer.Argument(None, help="Files or directories to read ('-' for stdin)."),
    spans: Optional[str] = typer.Option(None, "--spans", help="JSONL of {doc_id, text, spans:[{start,end}]}: "
                                        "resolve these spans only."),
    no_ner: bool = typer.Option(False, "--no-ner", help="Gazetteer-only recognition (no spaCy model)."),
    gazetteer: Optional[str] = _gazetteer_option(),
) -> None:
    """Find and place the toponyms of documents: one JSON line per document."""
    from ..geo import Geoparser

    if not paths and not spans:
        typer.echo("rasd: give PATH... or --spans FILE.jsonl", err=True)
        raise typer.Exit(EXIT_USAGE)
    failed = 0
    with _open(ctx, gazetteer) as gaz:
        nlp = None
        if not no_ner and not spans:
            from ..nlp.model import GEO_DISABLE, load_nlp

            nlp = load_nlp(disable=GEO_DISABLE)
        geo = Geoparser(gazetteer=gaz, nlp=nlp)
        if spans:
            for item in _read_spans(spans):
                if isinstance(item, InputError):
                    common.report_error(item)
                    failed += 1
                    continue
                doc, given = item
                _emit(doc.doc_id, geo.process_spans(doc, given))
        if paths:
            from ..clean import Cleaner
            from ..read import ReadOptions, read_paths

            cleaner = Cleaner()
            for item in read_paths(paths, ReadOptions()):
                if isinstance(item, InputError):
                    common.report_error(item)
                    failed += 1
                    continue
                doc = cleaner.process([item])[0]
                _emit(doc.doc_id, geo.process([doc])[0])
    raise typer.Exit(EXIT_INPUT if failed else 0)


def _read_spans(path: str):
    from ..records import Document

    try:
        fh = sys.stdin if path == "-" else open(path, encoding="utf-8")
    except OSError as exc:
        yield InputError(path, exc.strerror or str(exc))
        return
    with fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                text = d["text"]
                given = [(int(s["start"]), int(s["end"])) for s in d.get("spans") or []]
                if any(not (0 <= s < e <= len(text)) for s, e in given):
                    raise ValueError("a span lies outside the text")
                doc_id = str(d.get("doc_id") or f"{path}:{lineno}")
            except (ValueError, KeyError, TypeError) as exc:
                yield InputError(f"{path}:{lineno}", f"bad spans line: {exc}")
                continue
            yield Document(doc_id=doc_id, raw=text), given


def _emit(doc_id: str, toponyms) -> None:
    out = []
    for t in toponyms:
        p = t.place
        out.append({"start": t.start, "end": t.end, "text": t.text,
                    "lat": p.lat if p else None, "lon": p.lon if p else None, "name": p.name if p else None,
                    "country": p.country if p else None, "admin1": p.admin1 if p else None,
                    "feature": p.feature if p else None, "geonameid": p.geonameid if p else None,
                    "geo_precision": p.geo_precision if p else None, "score": round(t.score, 3),
                    "source": t.source, **({"fallback": p.fallback} if p and p.fallback else {})})
    typer.echo(json.dumps({"doc_id": doc_id, "toponyms": out}, ensure_ascii=False))
