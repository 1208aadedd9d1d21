"""`rasd eval geo`: geoparsing scored on GeoWebNews, GeoVirus and WikToR."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from . import common


def register_eval(eval_app: typer.Typer) -> None:
    eval_app.command("geo")(eval_geo)


def eval_geo(
    ctx: typer.Context,
    data: str = typer.Option("../shared/data/dev/geo", "--data", help="Folder holding the corpora."),
    corpus: str = typer.Option("geowebnews,geovirus,wiktor", "--corpus",
                               help="Comma-separated: geowebnews, geovirus, wiktor."),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most this many documents per corpus."),
    no_ner: bool = typer.Option(False, "--no-ner", help="Recognition without spaCy (gazetteer only)."),
    no_recognition: bool = typer.Option(False, "--no-recognition", help="Score resolution with gold spans only."),
    errors: Optional[str] = typer.Option(None, "--errors", help="Write every misplaced toponym to this JSONL."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
    gazetteer: Optional[str] = typer.Option(None, "--gazetteer", "-g", help="Gazetteer file."),
) -> None:
    """Resolution with gold spans (acc@161 km, mean/median error, AUC, coverage) and recognition P/R/F1."""
    from tqdm import tqdm

    from ..evaluate.geo import ACC_KM, CORPORA, RecognitionScore, ResolutionScore, load_corpus
    from ..geo import Geoparser, open_gazetteer
    from ..geo import haversine_km as haversine
    from ..records import Document

    root = Path(data)
    names = [c.strip() for c in corpus.split(",") if c.strip()]
    bad = [c for c in names if c not in CORPORA]
    if bad:
        typer.echo(f"rasd: unknown corpus {bad[0]!r} (known: {', '.join(CORPORA)})", err=True)
        raise typer.Exit(2)
    if not root.is_dir():
        typer.echo(f"rasd: {data}: no such folder", err=True)
        raise typer.Exit(1)
    gaz = open_gazetteer(gazetteer or common.settings(ctx).gazetteer)
    nlp = None
    if not no_ner and not no_recognition:
        from ..nlp.model import GEO_DISABLE, load_nlp

        nlp = load_nlp(disable=GEO_DISABLE)
    geo = Geoparser(gazetteer=gaz, nlp=nlp)
    err_fh = open(errors, "w", encoding="utf-8") if errors else None
    results = {}
    cache: dict = {}
    for name in names:
        try:
            docs = list(load_corpus(root, name))
        except (OSError, ValueError) as exc:
            typer.echo(f"rasd: {name}: cannot read the corpus: {exc}", err=True)
            continue
        if limit:
            docs = docs[:limit]
        res, rec = ResolutionScore(), RecognitionScore()
        for gd in tqdm(docs, desc=f"geo {name}", unit="doc", leave=False):
            doc = Document(doc_id=gd.doc_id, raw=gd.text)
            spans = [(g.start, g.end) for g in gd.toponyms]
            placed = geo.process_spans(doc, spans)
            for g, t in zip(gd.toponyms, placed):
                p = t.place
                err = haversine(g.lat, g.lon, p.lat, p.lon) if p and p.lat is not None else None
                cands = geo.resolver.candidates(g.text, cache)
                covered = any(haversine(g.lat, g.lon, c.lat, c.lon) <= ACC_KM for c in cands)
                res.add(err, covered)
                if err_fh and (err is None or err > ACC_KM):
                    err_fh.write(json.dumps({"corpus": name, "doc_id": gd.doc_id, "text": g.text,
                                             "gold": [g.lat, g.lon], "got": p.to_dict() if p else None,
                                             "error_km": round(err, 1) if err is not None else None,
                                             "covered": covered,
                                             "context": gd.text[max(0, g.start - 60):g.end + 60]},
                                            ensure_ascii=False) + "\n")
            if gd.complete and not no_recognition:
                found = geo.process([doc])[0]
                rec.add({(g.start, g.end) for g in gd.toponyms}, {(t.start, t.end) for t in found})
        results[name] = {"resolution_gold_spans": res.summary()}
        if docs and docs[0].complete and not no_recognition:
            results[name]["recognition"] = rec.summary()
    if err_fh:
        err_fh.close()
    gaz.close()
    if as_json:
        typer.echo(json.dumps(results, indent=1))
        return
    for name, r in results.items():
        s = r["resolution_gold_spans"]
        if not s.get("n"):
            typer.echo(f"{name}: no gold toponyms")
            continue
        typer.echo(f"{name}: n={s['n']} acc@161={s['acc161']:.3f} mean={s['mean_km']:.0f}km "
                   f"median={s['median_km']:.0f}km AUC={s['auc']:.3f} coverage={s['coverage']:.3f} "
                   f"acc@161(covered)={s['acc161_covered']}")
        if "recognition" in r:
            q = r["recognition"]
            typer.echo(f"{name}: recognition P={q['precision']:.3f} R={q['recall']:.3f} F1={q['f1']:.3f} "
                       f"(tp={q['tp']} fp={q['fp']} fn={q['fn']})")
