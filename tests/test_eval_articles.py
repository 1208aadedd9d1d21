"""`rasd eval articles`: the match rule of the article gold, on a tiny gold and events written here."""
import csv
import json
from datetime import date

import pytest

from rasd.evaluate import articles as av
from rasd.records import Document, Event, Place, content_hash

TEXT_A = "Jets struck the market of Kafr Nabl on Monday, killing four people. Talks on a truce resumed in Geneva."
TEXT_B = "The minister spoke about the economy and promised new roads."


def _gold_dict(**over):
    ev = {"id": "0-1", "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
          "place": {"name": "Kafr Nabl", "lat": 35.61, "lon": 36.56, "precision": 1}, "date": "2020-02-03",
          "date_tolerance_days": 1, "optional": False, "sentences": [[0, 67]]}
    ev.update(over)
    return ev


def _gold(*events, empty_article=True):
    arts = [{"row": 0, "content_hash": content_hash(TEXT_A), "events": list(events)}]
    if empty_article:
        arts.append({"row": 6, "content_hash": content_hash(TEXT_B), "events": []})
    return {"corpus": {"file": "corpus.csv"}, "articles": arts}


def _load(tmp_path, gold):
    p = tmp_path / "gold.json"
    p.write_text(json.dumps(gold), encoding="utf-8")
    return av.load_gold(str(p))


def _ev(etype="Explosions/Remote violence", lat=35.62, lon=36.55, day=date(2020, 2, 3), doc="a"):
    return Event(event_id="e", doc_id=doc, event_type=etype, sub_event_type="x",
                 location=None if lat is None else Place("p", lat, lon), date=day)


def _score(gold, evs_a, evs_b=()):
    docs = {content_hash(TEXT_A): Document("a", TEXT_A), content_hash(TEXT_B): Document("b", TEXT_B)}
    return av.score(gold, docs, {"a": list(evs_a), "b": list(evs_b)})


def test_type_place_and_date_decide_a_match(tmp_path):
    g = _load(tmp_path, _gold(_gold_dict()))
    ge = g.articles[0].events[0]
    assert av.why_not(_ev(), ge) is None
    assert av.why_not(_ev(etype="Battles"), ge) == "type"
    assert av.why_not(_ev(lat=36.2, lon=37.16), ge).startswith("place")  # Aleppo, 70 km away
    assert av.why_not(_ev(day=date(2020, 2, 5)), ge) == "date 2 days off"
    assert av.why_not(_ev(lat=None), ge) == "no coordinates"


def test_a_region_gets_150_km_and_alternatives_count(tmp_path):
    g = _load(tmp_path, _gold(_gold_dict(place={"name": "Idlib province", "lat": 35.9, "lon": 36.6, "precision": 3},
                                         event_type_alternatives=["Battles"])))
    ge = g.articles[0].events[0]
    assert av.why_not(_ev(lat=36.2, lon=37.16), ge) is None  # 60 km: inside the region's 150 km
    assert av.why_not(_ev(etype="Battles"), ge) is None
    assert av.why_not(_ev(lat=33.51, lon=36.29), ge).startswith("place")  # Damascus, 270 km


def test_matching_is_one_to_one_and_serves_required_events_first(tmp_path):
    g = _load(tmp_path, _gold(_gold_dict(id="opt", optional=True, date_tolerance_days=5),
                              _gold_dict(id="req")))
    # one prediction fits both gold events: it counts for the required one
    s = _score(g, [_ev()])
    assert (s.found, s.required, s.right, s.predicted) == (1, 1, 1, 1)
    # two predictions: both gold events are taken, the optional one counting for precision only
    s = _score(g, [_ev(), _ev(day=date(2020, 2, 6))])
    assert (s.right, s.predicted, s.found) == (2, 2, 1)
    # a third report of the same strike is a false positive of its own kind
    s = _score(g, [_ev(), _ev(), _ev()])
    assert s.right == 2 and s.error_kinds() == {"a second report of a gold event already matched": 1}


def test_precision_recall_and_the_kinds_of_error(tmp_path):
    g = _load(tmp_path, _gold(_gold_dict()))
    s = _score(g, [_ev(lat=36.2, lon=37.16), _ev(etype="Protests")], [_ev(doc="b")])
    assert s.precision() == 0.0 and s.recall() == 0.0
    assert s.error_kinds() == {"type right, place off": 1, "no gold event of this type in the article": 1,
                               "article reports no event": 1}
    d = s.as_dict()
    assert d["articles_without_gold_events_with_predictions"] == 1
    assert d["missed"][0]["sentence"] == TEXT_A[:67]
    assert "missed gold events" in s.report() and "Kafr Nabl" in s.report()
    s = _score(g, [_ev()])
    assert s.precision() == 1.0 and s.recall() == 1.0


def test_a_gold_with_unknown_keys_or_bad_fields_is_refused(tmp_path):
    with pytest.raises(av.GoldError, match="unknown key"):
        _load(tmp_path, _gold(_gold_dict(colour="red")))
    with pytest.raises(av.GoldError, match="article 0 event 0"):
        _load(tmp_path, _gold(_gold_dict(date="3 Feb")))


def test_eval_articles_cli_codes_the_corpus_and_names_a_missing_article(run_cli, tmp_path, gazetteer_path):
    with open(tmp_path / "corpus.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "date", "text"])
        w.writerow(["a", "2020-02-04", TEXT_A])
        w.writerow(["b", "2020-02-04", TEXT_B])
    gold = _gold(_gold_dict())
    gold["articles"].append({"row": 9, "content_hash": "0" * 32, "events": []})
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    out = run_cli("eval", "articles", str(tmp_path / "gold.json"), "--format", "json", "--no-progress",
                  env={"RASD_GAZETTEER": gazetteer_path})
    assert out.returncode == 1 and "row 9 not found" in out.stderr
    got = json.loads(out.stdout)
    assert got["articles"] == 2 and got["required"] == 1
    assert got["right"] <= got["predicted"] and got["found"] <= 1
    assert len(got["false_positives"]) == got["predicted"] - got["right"]


GOLD = __import__("pathlib").Path(__file__).resolve().parents[1] / "gold" / "guardian_sdf.json"


def test_the_guardian_gold_loads_and_covers_every_sixth_row():
    g = av.load_gold(str(GOLD))
    assert [a.row for a in g.articles] == list(range(0, 249, 6))
    ids = [e.id for e in g.events]
    assert len(ids) == len(set(ids))
    assert all(e.types[0] in {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests",
                              "Riots", "Strategic developments"} for e in g.events)


def test_the_guardian_gold_matches_its_corpus(shared):
    from rasd.read import read_paths

    g = av.load_gold(str(GOLD))
    docs = [d for d in read_paths([str(shared / g.corpus["file"])]) if isinstance(d, Document)]
    found, missing = av.select_documents(g, docs)
    assert not missing
    for a in g.articles:
        doc = found[a.content_hash]
        assert doc.doc_id == a.doc_id
        for e in a.events:
            for s, end in e.sentences:
                assert 0 <= s < end <= len(doc.raw) and doc.raw[end - 1] in ".!?”’\")"
