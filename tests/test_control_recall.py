"""Control learns a change of holder told only in recollection ("Last month, HTS took control of
Saraqib"): dated by its own words against the article's date, the place named in the sentence,
no event made of it, less weight than a report of the event, and still under the believability
rules. Synthetic documents, the coder's actor knowledge base, no model."""
from __future__ import annotations

from datetime import date

import pytest
from fuse_helpers import GOV, HTS, cited, event, fuse_doc, st  # noqa: F401 (st is a fixture)

from rasd.fuse import Fuser
from rasd.fuse.recall import RecallReader
from rasd.records import Actor, Document, Place, Toponym

SARAQIB = Place("Saraqib", 35.86, 36.80, country="SY", geonameid="163345", feature="P.PPL")
RAQQA = Place("Raqqa", 35.95, 39.01, country="SY", geonameid="172955", feature="P.PPLA")
IS = Actor("Islamic State (Syria)", actor_type="rebel group", country="SY")
US = Actor("Military Forces of the United States", actor_type="external forces", country="US")
TAKE = "Non-state actor overtakes territory"
MARCH = date(2019, 3, 10)


@pytest.fixture(scope="module")
def kb(coder_data):
    return coder_data.actors


@pytest.fixture(scope="module")
def reader(kb):
    return RecallReader(kb, lambda sub: sub == TAKE)


def _doc(doc_id: str, text: str, published: date = MARCH, outlet: str = "Outlet A") -> Document:
    return Document(doc_id=doc_id, raw=text, published=published, outlet=outlet)


def _toponyms(doc: Document, place: Place = SARAQIB, name: str = "Saraqib") -> list[Toponym]:
    at, out = 0, []
    while (at := doc.text.find(name, at)) >= 0:
        out.append(Toponym(doc.doc_id, at, at + len(name), name, place=place))
        at += len(name)
    return out


def _recall(st, kb, doc: Document, place: Place = SARAQIB, name: str = "Saraqib") -> int:
    st.add_document(doc)
    return Fuser(st, actors=kb).recall(doc, _toponyms(doc, place, name))


def _read(reader, sentence: str, published: date = MARCH):
    doc = _doc("r", sentence, published)
    return [c for _, c in reader.read(doc, _toponyms(doc))]


def test_a_takeover_recalled_last_month_changes_the_holder_from_that_month_and_makes_no_event(st, kb):
    text = ("Residents are returning to Saraqib. Last month, Hayat Tahrir al-Sham took control of Saraqib after "
            "a week of fighting.")
    assert _recall(st, kb, _doc("m", text)) == 1
    (p,) = st.control_timeline("Saraqib")
    assert "Tahrir" in p.holder and p.start == date(2019, 2, 1) and p.end is None
    assert (p.start_precision, p.basis, p.reports, p.recalled, p.outlets) == ("month", "recalled", 1, 1, ["outlet a"])
    assert any(e.field == "control:recalled_date" and e.text == "Last month" for e in p.evidence)  # what dates it
    assert any(e.field == "sentence" and "took control of Saraqib" in e.text for e in p.evidence)
    assert st.query_events() == [] and st.query_fused(limit=5) == []


@pytest.mark.parametrize("sentence", [
    "Last month, Hayat Tahrir al-Sham fighters took part in the battle for Saraqib.",  # "take" without the place
    "Hayat Tahrir al-Sham vowed last month to seize Saraqib.",  # a plan
    "Hayat Tahrir al-Sham took control of Saraqib, a monitor said.",  # no date of its own
    "Hayat Tahrir al-Sham took control of Saraqib in 2018.",  # a year: months away from the change
    "Hayat Tahrir al-Sham took control of Saraqib in March 2015.",  # long past: history
    "Hayat Tahrir al-Sham took control of villages near Saraqib last month.",  # a point of reference
    "Hayat Tahrir al-Sham took control of Saraqib's hospital last month.",  # a thing of the place
    "Hayat Tahrir al-Sham reportedly took control of Saraqib last month.",  # hedged: below the threshold
    "The Turkish army took control of Saraqib last month.",  # a country's army abroad, no occupation said
])
def test_what_is_no_recalled_change(reader, sentence):
    assert _read(reader, sentence) == [], sentence


def test_the_place_a_which_clause_is_about_and_an_aside_between_dashes(reader):
    (c,) = _read(reader, "Saraqib, which Hayat Tahrir al-Sham – an alliance of jihadist factions – seized "
                         "last week, is quiet again.")
    assert "Tahrir" in c.gainer.name and c.precision == "week" and c.day_lo <= date(2019, 3, 3) <= c.day_hi


def test_a_sentence_the_coder_reported_is_a_report_not_a_recollection(reader):
    text = "Hayat Tahrir al-Sham took control of Saraqib last month."
    doc = _doc("c", text)
    ev = event("c:0", "c", TAKE, date(2019, 2, 15), None, a1=HTS, sentence=text)
    ev.location = SARAQIB
    cited(ev, text, "took", a1="Hayat Tahrir al-Sham", where="Saraqib")
    assert reader.read(doc, _toponyms(doc), [ev]) == []
    assert len(reader.read(doc, _toponyms(doc), [])) == 1


def test_a_recollection_names_the_taker_a_report_of_the_event_lacks_and_the_report_gives_the_day(st, kb):
    f = Fuser(st, actors=kb)
    s = "Raqqa, once the capital of the Islamic State, has fallen to forces backed by the US on Sunday."
    ev = cited(event("n:0", "n", TAKE, date(2017, 10, 15), None, a1=IS, a2=US, sentence=s), s, "fallen",
               a1="Islamic State", a2="US")
    ev.location = RAQQA
    fuse_doc(st, f, "n", [ev], text=s, outlet="Outlet A", published=date(2017, 10, 17))
    assert st.control_timeline("Raqqa") == []  # it tells of the fall, but names no taker we may believe
    text = "Last month, the Syrian Democratic Forces took over Raqqa after a long siege."
    assert _recall(st, kb, _doc("m", text, date(2017, 11, 28), "Outlet B"), RAQQA, "Raqqa") == 1
    (p,) = st.control_timeline("Raqqa")
    assert "Syrian Democratic Forces" in p.holder and p.start == date(2017, 10, 15) and p.start_precision is None
    assert (p.reports, p.recalled, p.outlets) == (2, 1, ["outlet a", "outlet b"])


def test_a_recollection_weighs_less_than_a_report_of_the_event(st, kb):
    f = Fuser(st, actors=kb)
    s = "Hayat Tahrir al-Sham seized Saraqib on Sunday."
    ev = cited(event("a:0", "a", TAKE, date(2019, 2, 10), None, a1=HTS, sentence=s), s, "seized",
               a1="Hayat Tahrir al-Sham", where="Saraqib")
    ev.location = SARAQIB
    fuse_doc(st, f, "a", [ev], text=s, published=date(2019, 2, 11))
    _recall(st, kb, _doc("b", "Last month, the Syrian army took control of Saraqib."))
    (p,) = st.control_timeline("Saraqib")
    assert "Tahrir" in p.holder and p.start == date(2019, 2, 10) and (p.reports, p.recalled) == (2, 1)
    for doc_id in ("c", "d"):  # three recollections (0.5 each) outweigh one report of the event
        _recall(st, kb, _doc(doc_id, "The Syrian army took control of Saraqib last month, residents said."))
    (p,) = st.control_timeline("Saraqib")
    assert p.holder == GOV.name and p.start == date(2019, 2, 10) and (p.reports, p.recalled) == (4, 3)


def test_a_recalled_flip_within_days_on_one_outlet_is_dropped(st, kb):
    f = Fuser(st, actors=kb)
    for doc_id, day, trigger, s in (
            ("g1", date(2019, 2, 1), "retook", "The Syrian army retook Saraqib on Friday."),
            ("g2", date(2019, 3, 5), "recaptured", "The Syrian army recaptured Saraqib on Tuesday.")):
        ev = cited(event(f"{doc_id}:0", doc_id, "Government regains territory", day, None, a1=GOV, sentence=s), s,
                   trigger, a1="Syrian army", where="Saraqib")
        ev.location = SARAQIB
        fuse_doc(st, f, doc_id, [ev], text=s, outlet="Outlet A", published=day)
    _recall(st, kb, _doc("h", "Hayat Tahrir al-Sham seized Saraqib last week, a commander said.", date(2019, 2, 20)))
    assert [p.holder for p in st.control_timeline("Saraqib")] == [GOV.name]  # HTS for days, on one outlet


def test_recalled_changes_go_with_their_document(st, kb):
    text = "Last month, Hayat Tahrir al-Sham took control of Saraqib."
    _recall(st, kb, _doc("m", text))
    assert len(st.recalled_at("gn:163345")) == 1 and st.control_timeline("Saraqib")
    Fuser(st, actors=kb).forget_document("m")
    assert st.recalled_at("gn:163345") == [] and st.control_timeline("Saraqib") == []


def test_the_cli_prints_a_start_known_to_the_month_and_the_recalled_reports():
    from rasd.cli.fusion import start_text, support_text
    from rasd.records import ControlPeriod

    p = ControlPeriod(SARAQIB, HTS.name, date(2019, 2, 1), reports=3, recalled=2, outlets=["outlet a"],
                      start_precision="month")
    assert (start_text(p), support_text(p)) == ("2019-02", "3 reports (2 recalled), outlets: outlet a")
    p.start_precision, p.recalled = None, 0
    assert (start_text(p), support_text(p)) == ("2019-02-01", "3 reports, outlets: outlet a")
    assert ControlPeriod.from_dict(ControlPeriod(SARAQIB, "x", None, recalled=1, start_precision="week").to_dict()
                                   ).start_precision == "week"


def test_a_recollection_weight_missing_or_misspelt_in_the_data_is_refused(kb):
    from rasd.fuse.rules import load_data

    cfg = load_data("fusion.yaml")["control"]
    conf = cfg["recall"]["confidence"]
    conf["hedge"] = conf.pop("hedged")
    with pytest.raises(ValueError, match="control.recall.confidence"):
        RecallReader(kb, lambda sub: sub == TAKE, cfg)
