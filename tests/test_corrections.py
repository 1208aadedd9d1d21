"""Analyst corrections: validation of the values (the store's side is in test_store_contract.py:
stored apart, applied on read, anchored to survive re-extraction)."""
from __future__ import annotations

import pytest

from rasd import corrections as corr


@pytest.mark.parametrize("field,value", [
    ("fatalities", -1), ("fatalities", "many"), ("date", "2018-13-01"), ("location", {"lat": 1}),
    ("location", {"name": "X", "lat": 91, "lon": 0}), ("event_type", ""), ("colour", "red"),
    ("rejected", "yes"), ("actor1", ""),
])
def test_bad_corrections_refused(field, value):
    with pytest.raises(corr.CorrectionError):
        corr.validate(field, value)


def test_ontology_checked_when_given():
    onto = {"Battles": ["Armed clash"]}
    assert corr.validate("sub_event_type", "Armed clash", onto) == "Armed clash"
    with pytest.raises(corr.CorrectionError):
        corr.validate("event_type", "Picnic", onto)
