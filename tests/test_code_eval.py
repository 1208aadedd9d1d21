"""Scoring: the seed match rule, the seeds CLI on ../shared (ACLED scoring: test_eval_acled.py)."""
import json
from datetime import date

import pytest

from rasd.evaluate import seeds
from rasd.records import Event, Place

@pytest.fixture(scope="module")
def gaz(gazetteer_path):
    """The test session's gazetteer (conftest: built once, in this process), not the user's."""
    return {"RASD_GAZETTEER": gazetteer_path}


def _event(**kw):
    base = dict(event_id="e", doc_id="d1", event_type="Battles", sub_event_type="Armed clash")
    base.update(kw)
    return Event(**base)


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


def test_eval_seeds_cli_when_shared_present(run_cli, shared, gaz):
    out = run_cli("eval", "seeds", "--json", "--gold", str(shared / "gold" / "seeds.json"),
                  "--seeds", str(shared / "seeds"), env=gaz, check=True)
    got = json.loads(out.stdout)
    assert got["required"] > 0 and 0.0 <= got["found_share"] <= 1.0
