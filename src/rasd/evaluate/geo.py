"""Geoparsing corpora and their measures.

Corpora (as distributed by their authors):
- GeoWebNews (Gritta et al. 2019): ``GWN.xml``, articles with typed toponyms; gold toponyms are the
  ones with coordinates (literal, metonymic, modifiers, demonyms...), as in the published evaluations.
- GeoVirus (Gritta et al. 2018): ``GeoVirus.xml``, news about epidemics, every location with coordinates.
- WikToR (Gritta et al. 2017): ``WikToR_texts.jsonl`` + ``wiki_gold.txt``; one place per article
  (its subject, every mention), so only resolution is scored on it.

Measures: accuracy within 161 km (100 miles), mean and median error in km, AUC of the
log-error curve (Gritta et al.: the mean of ln(1+e)/ln(1+20039); 0 is perfect), charging an
unplaced toponym the maximum error of 20,039 km; coverage (share of gold toponyms with a
gazetteer candidate within 161 km of the truth) and accuracy on that covered part; and, end
to end, recognition precision, recall and F1 on exact spans.
"""
from __future__ import annotations

import json
import math
import statistics
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional


MAX_ERROR_KM = 20039.0
ACC_KM = 161.0


@dataclass
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float
    lon: float


@dataclass
class GoldDoc:
    doc_id: str
    text: str
    toponyms: list[GoldToponym] = field(default_factory=list)
    complete: bool = True  # every toponym of the text is annotated (recognition can be scored)


def _f(el: Optional[ET.Element]) -> Optional[float]:
    try:
        return float(el.text) if el is not None and el.text and el.text.strip() else None
    except ValueError:
        return None


def _load_xml(path: Path, prefix: str, loc_tag: str, lat_tag: str, lon_tag: str,
              align: bool) -> Iterator[GoldDoc]:
    root = ET.parse(path).getroot()
    for i, art in enumerate(root.iter("article")):
        text = art.findtext("text") or ""
        doc = GoldDoc(doc_id=f"{prefix}-{art.get('file', i)}", text=text)
        for loc in art.iter(loc_tag):
            lat, lon = _f(loc.find(lat_tag)), _f(loc.find(lon_tag))
            if lat is None or lon is None:
                continue
            s, e = int(loc.findtext("start")), int(loc.findtext("end"))
            if align:
                s, e = _align(text, loc.findtext("name") or "", s, e)
            doc.toponyms.append(GoldToponym(s, e, text[s:e], lat, lon))
        doc.toponyms.sort(key=lambda g: g.start)
        yield doc


def load_geowebnews(path: Path) -> Iterator[GoldDoc]:
    return _load_xml(path, "gwn", "toponym", "latitude", "longitude", align=False)


def load_geovirus(path: Path) -> Iterator[GoldDoc]:
    return _load_xml(path, "geovirus", "location", "lat", "lon", align=True)


def _align(text: str, name: str, start: int, end: int) -> tuple[int, int]:
    """Gold offsets as given, or moved by a few characters onto the name when they miss it
    (GeoVirus offsets are off by one against the distributed text)."""
    if not name or text[start:end] == name:
        return start, end
    for shift in (-1, 1, -2, 2, -3, 3):
        if text[start + shift:start + shift + len(name)] == name:
            return start + shift, start + shift + len(name)
    return start, end


def load_wiktor(folder: Path) -> Iterator[GoldDoc]:
    texts = folder / "WikToR_texts.jsonl"
    gold = folder / "wiki_gold.txt"
    with open(texts, encoding="utf-8") as ft, open(gold, encoding="utf-8") as fg:
        for tline, gline in zip(ft, fg):
            d = json.loads(tline)
            text = d["text"]
            doc = GoldDoc(doc_id=f"wiktor-{d['id']}", text=text, complete=False)
            for item in gline.strip().split("||"):
                parts = item.split(",,")
                if len(parts) < 6:
                    continue
                try:
                    lat, lon, s, e = float(parts[2]), float(parts[3]), int(parts[4]), int(parts[5])
                except ValueError:
                    continue
                doc.toponyms.append(GoldToponym(s, e, text[s:e], lat, lon))
            yield doc


CORPORA = {
    "geowebnews": ("geowebnews/GWN.xml", load_geowebnews),
    "geovirus": ("geovirus/GeoVirus.xml", load_geovirus),
    "wiktor": ("wiktor", load_wiktor),
}


def load_corpus(root: Path, name: str) -> Iterator[GoldDoc]:
    rel, loader = CORPORA[name]
    return loader(root / rel)


@dataclass
class ResolutionScore:
    errors: list[float] = field(default_factory=list)
    covered: list[bool] = field(default_factory=list)

    def add(self, error_km: Optional[float], covered: bool) -> None:
        self.errors.append(MAX_ERROR_KM if error_km is None else min(error_km, MAX_ERROR_KM))
        self.covered.append(covered)

    def summary(self) -> dict:
        n = len(self.errors)
        if not n:
            return {"n": 0}
        hits = [e <= ACC_KM for e in self.errors]
        cov = [h for h, c in zip(hits, self.covered) if c]
        return {
            "n": n,
            "acc161": round(sum(hits) / n, 4),
            "mean_km": round(statistics.fmean(self.errors), 1),
            "median_km": round(statistics.median(self.errors), 1),
            "auc": round(statistics.fmean(math.log(1 + e) / math.log(1 + MAX_ERROR_KM) for e in self.errors), 4),
            "coverage": round(sum(self.covered) / n, 4),
            "acc161_covered": round(sum(cov) / len(cov), 4) if cov else None,
        }


@dataclass
class RecognitionScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[tuple[int, int]], pred: set[tuple[int, int]]) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def summary(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}
