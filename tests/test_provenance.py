"""Provenance (issue 14): outlets and claimants apart, known outlets only, reports cited for a
side-by-side comparison, figures as reported, exports that cite their source."""
from __future__ import annotations

import csv
import io
from datetime import date

from rasd.export import fatalities_text, write_csv
from rasd.records import Actor, Event, Place
from rasd.serve.provenance import fused_answer
from rasd.store.base import DocumentSummary


def _report(event_id, doc_id, outlet, fatalities, at_least=False, sources=(), stance="asserted", conf=0.6):
    return {"event_id": event_id, "doc_id": doc_id, "outlet": outlet, "stance": stance, "date": "2019-05-06",
            "fatalities": fatalities, "sources": list(sources), "event_type": "Battles",
            "sub_event_type": "Armed clash", "actor1": {"name": "Military Forces of Syria"}, "actor2": None,
            "location": {"name": "Kafr Nabudah", "admin1": "Hama", "country": "SY"},
            "attrs": {"fatalities_at_least": True} if at_least else {}, "confidence": conf}


def test_reports_are_cited_and_compared_field_by_field():
    fused = {"cluster_id": "c1", "fatalities": 1, "fatalities_range": [1, 100], "reports": [
        _report("a:0", "a", None, 1, sources=["SOHR"]),
        _report("b:0", "b", "Reuters", 100, at_least=True, sources=["the defence ministry"], conf=0.8),
        _report("c:0", "c", None, None)]}
    docs = {"a": DocumentSummary("a", "Clashes in Hama", "2019-05-07", "Enab Baladi", 900, None, "https://e.org/a"),
            "b": DocumentSummary("b", "Syria: fighting", "2019-05-07", "Reuters", 800, None, "https://r.org/b")}
    out = fused_answer(fused, docs)
    a, b, c = out["reports"]
    assert (a["outlet"], a["title"], a["url"], a["claimants"]) == ("Enab Baladi", "Clashes in Hama",
                                                                   "https://e.org/a", ["SOHR"])
    assert (b["outlet"], b["fatalities_text"]) == ("Reuters", "100+") and c["outlet"] is None and c["title"] is None
    assert out["outlets"] == ["Enab Baladi", "Reuters"] and out["reports_count"] == 3
    assert out["fatalities_text"] == "1 / 100+" and out["confidence"] == 0.8  # not "1 (1-100)"
    by_field = {x["field"]: x for x in out["comparison"]}
    assert [v["value"] for v in by_field["fatalities"]["values"]] == ["1", "100+", None]
    assert not by_field["fatalities"]["agree"] and by_field["sub_event_type"]["agree"]
    assert [v["outlet"] for v in by_field["claimants"]["values"]] == ["Enab Baladi", "Reuters", None]
    assert fused_answer({**fused, "reports": fused["reports"][:1]}, docs)["fatalities_text"] == "1"
    assert fatalities_text(None) is None and fatalities_text(12, True) == "12+"


def test_the_csv_export_cites_outlet_document_and_address_and_keeps_claimants_apart():
    ev = Event(event_id="a:0", doc_id="a", event_type="Battles", sub_event_type="Armed clash",
               date=date(2019, 5, 6), actor1=Actor("Military Forces of Syria"),
               location=Place("Kafr Nabudah", 35.4, 36.5, country="SY"), sources=["SOHR"],
               attrs={"outlet": "Enab Baladi", "url": "https://e.org/a", "outlets": ["Enab Baladi", "Reuters"]})
    rows = list(csv.DictReader(io.StringIO(b"".join(write_csv([[ev]])).decode())))
    assert rows[0]["source"] == "Enab Baladi; Reuters" and rows[0]["rasd_claimants"] == "SOHR"
    assert (rows[0]["rasd_doc_id"], rows[0]["rasd_outlet"], rows[0]["rasd_url"]) == ("a", "Enab Baladi", "https://e.org/a")
