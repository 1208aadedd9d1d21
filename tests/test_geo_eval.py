"""`rasd eval geo` measures and loaders, on a tiny corpus written by the test."""
from __future__ import annotations

import json
import math

import pytest

from rasd.evaluate.geo import MAX_ERROR_KM, RecognitionScore, ResolutionScore, load_corpus

GWN = """<?xml version="1.0" ?>
<articles>
  <article file="0">
    <title>t</title>
    <text>{text}</text>
    <toponyms>
      <toponym><extractedName>Homs</extractedName><type>Literal</type><start>{h0}</start><end>{h1}</end>
        <latitude>34.72</latitude><longitude>36.72</longitude></toponym>
      <toponym><extractedName>Aleppo</extractedName><type>Literal</type><start>{a0}</start><end>{a1}</end>
        <latitude>36.20</latitude><longitude>37.16</longitude></toponym>
      <toponym><extractedName>people</extractedName><type>Non_Toponym</type><start>0</start><end>6</end></toponym>
    </toponyms>
  </article>
</articles>
"""


def test_resolution_measures():
    score = ResolutionScore()
    score.add(0.0, True)
    score.add(200.0, True)
    score.add(None, False)  # not placed: charged the maximum error
    s = score.summary()
    assert s["n"] == 3 and s["acc161"] == pytest.approx(1 / 3, abs=1e-4)
    assert s["median_km"] == 200.0 and s["mean_km"] == pytest.approx((200 + MAX_ERROR_KM) / 3, abs=0.1)
    auc = (0 + math.log(201) / math.log(1 + MAX_ERROR_KM) + 1) / 3
    assert s["auc"] == pytest.approx(auc, abs=1e-4)
    assert s["coverage"] == pytest.approx(2 / 3, abs=1e-4) and s["acc161_covered"] == 0.5


def test_recognition_measures():
    rec = RecognitionScore()
    rec.add({(0, 4), (10, 16)}, {(0, 4), (20, 25)})
    s = rec.summary()
    assert (s["tp"], s["fp"], s["fn"]) == (1, 1, 1) and s["f1"] == 0.5


@pytest.fixture
def tiny_corpus(tmp_path):
    text = "People fled Homs for Aleppo on Monday."
    xml = GWN.format(text=text, h0=text.index("Homs"), h1=text.index("Homs") + 4,
                     a0=text.index("Aleppo"), a1=text.index("Aleppo") + 6)
    (tmp_path / "geowebnews").mkdir()
    (tmp_path / "geowebnews" / "GWN.xml").write_text(xml, encoding="utf-8")
    return tmp_path


def test_loader_keeps_toponyms_with_coordinates(tiny_corpus):
    docs = list(load_corpus(tiny_corpus, "geowebnews"))
    assert [g.text for g in docs[0].toponyms] == ["Homs", "Aleppo"]


def test_eval_geo_cli(run_cli, gazetteer_path, tiny_corpus, tmp_path):
    errors = tmp_path / "errors.jsonl"
    proc = run_cli("eval", "geo", "--data", str(tiny_corpus), "--corpus", "geowebnews", "--no-ner", "--json",
                   "--errors", str(errors), env={"RASD_GAZETTEER": gazetteer_path}, check=True)
    out = json.loads(proc.stdout)["geowebnews"]
    assert out["resolution_gold_spans"]["n"] == 2
    assert out["resolution_gold_spans"]["acc161"] == 1.0
    assert out["recognition"]["tp"] == 2 and out["recognition"]["fn"] == 0
    assert errors.read_text() == ""
    bad = run_cli("eval", "geo", "--data", str(tiny_corpus), "--corpus", "nonesuch",
                  env={"RASD_GAZETTEER": gazetteer_path})
    assert bad.returncode == 2 and "nonesuch" in bad.stderr
