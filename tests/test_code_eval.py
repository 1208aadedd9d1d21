"""Scoring: ACLED-style rows written for this test, the seed match rule, the CLI on ../shared."""
import csv
import json
from datetime import date

import pytest

from rasd.code.lexicon import ActorKB
from rasd.evaluate import acled, seeds
from rasd.records import Actor, Event, Place

@pytest.fixture(scope="module")
def gaz(tmp_path_factory):
    """A gazetteer file of this test session (built on first use), not the user's."""
    return {"RASD_GAZETTEER": str(tmp_path_factory.getbasetemp() / "code-gazetteer.db")}


COLUMNS = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "latitude",
           "longitude", "notes", "fatalities", "timestamp"]


def _event(**kw):
    base = dict(event_id="e", doc_id="d1", event_type="Battles", sub_event_type="Armed clash")
    base.update(kw)
    return Event(**base)


def test_acled_scoring_uses_the_actor_kb_and_25_km():
    kb = ActorKB.load()
    rows = [{"event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "HTS: Hayat Tahrir al Sham",
             "actor2": "", "latitude": "35.93", "longitude": "36.63", "event_date": "02 November 2019",
             "fatalities": "0", "notes": "n"}]
    good = _event(actor1=Actor("Hayat Tahrir al-Sham", "HTS"), location=Place("Idlib", 35.95, 36.70),
                  date=date(2019, 11, 2))
    s = acled.score(rows, [[good]], kb)
    assert all(s.tally.rate(f) == 1.0 for f in acled.FIELDS)
    far = _event(actor1=Actor("Free Syrian Army"), location=Place("Aleppo", 36.2, 37.16), date=date(2019, 11, 3),
                 fatalities=2)
    s = acled.score(rows, [[far]], kb)
    assert s.tally.rate("event_type") == 1.0
    assert s.tally.rate("actor1") == s.tally.rate("location_25km") == s.tally.rate("date") == 0.0
    assert s.tally.rate("fatalities") == 0.0
    assert "Battles" in s.report()


def test_seed_match_rule():
    gold = {"events": [
        {"doc_id": "d1", "id": "g1", "event_type": ["Battles"], "location": {"lat": 33.5, "lon": 36.3},
         "date": "2020-01-10", "date_tolerance_days": 3, "optional": False},
        {"doc_id": "d1", "id": "g2", "event_type": ["Protests"], "location": {"lat": 33.5, "lon": 36.3},
         "date": "2020-01-10", "date_tolerance_days": 1, "optional": True}]}
    hit = _event(location=Place("x", 33.6, 36.35), date=date(2020, 1, 12))
    late = _event(location=Place("x", 33.6, 36.35), date=date(2020, 1, 20))
    far = _event(location=Place("x", 34.5, 36.3), date=date(2020, 1, 10))
    s = seeds.score(gold, [hit, late, far])
    assert (s.found, s.required) == (1, 1)
    assert s.extras == {"d1": 2}


def test_eval_acled_cli_on_rows_written_here(run_cli, tmp_path, gaz):
    path = tmp_path / "rows.csv"
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerow({"event_id_cnty": "T1", "event_date": "05 March 2021", "event_type": "Protests",
                    "sub_event_type": "Peaceful protest", "actor1": "Protesters (Iraq)", "actor2": "",
                    "latitude": "30.5", "longitude": "47.8", "fatalities": "0", "timestamp": "1615507200",
                    "notes": "On 5 March 2021, hundreds of teachers protested in Basra demanding unpaid salaries."})
        w.writerow({"event_id_cnty": "T2", "event_date": "04 March 2021", "event_type": "Battles",
                    "sub_event_type": "Armed clash", "actor1": "Islamic State (Iraq)", "actor2": "Military Forces of Iraq (2018-)",
                    "latitude": "34.6", "longitude": "43.7", "fatalities": "3", "timestamp": "1615507200",
                    "notes": "On 4 March 2021, IS militants clashed with Iraqi army troops near Tikrit, killing three soldiers."})
    out = run_cli("eval", "acled", str(path), "--json", "--no-progress", env=gaz, check=True)
    got = json.loads(out.stdout)
    assert got["rows"] == 2
    assert got["event_type"] == 1.0 and got["date"] == 1.0 and got["fatalities"] == 1.0


def test_eval_seeds_cli_when_shared_present(run_cli, shared, gaz):
    out = run_cli("eval", "seeds", "--json", "--gold", str(shared / "gold" / "seeds.json"),
                  "--seeds", str(shared / "seeds"), env=gaz, check=True)
    got = json.loads(out.stdout)
    assert got["required"] > 0 and 0.0 <= got["found_share"] <= 1.0
