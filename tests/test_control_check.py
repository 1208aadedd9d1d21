"""`rasd control --check`: each rule flags a synthetic timeline it must find implausible, and
lets a plausible one pass. Synthetic periods, no model."""
from __future__ import annotations

import json
from datetime import date

from rasd.fuse.checks import TimelineCheck
from rasd.records import ControlPeriod, Evidence, Place
from rasd.store import open_store

SY_ARMY = "Military Forces of Syria (2000-)"
US_ARMY = "Military Forces of the United States"
RAQQA = Place("Raqqa", 35.95, 39.01, country="SY")
ANTAKYA = Place("Antakya", 36.21, 36.16, country="TR")


def period(holder, start, end, *, place=RAQQA, reports=2, outlets=("a", "b"), evidence=(), basis="takeover"):
    return ControlPeriod(place=place, holder=holder, start=start, end=end, reports=reports, outlets=list(outlets),
                         evidence=list(evidence), basis=basis, event_ids=[f"{holder}:{start}"])


def armies(name):
    return {SY_ARMY: "SY", US_ARMY: "US"}.get(name)


def rules(findings):
    return sorted({f.rule for f in findings})


def test_a_plausible_timeline_passes():
    tl = [period("Islamic State", None, date(2017, 10, 17), basis="loser"),
          period("SDF", date(2017, 10, 17), None)]
    check = TimelineCheck(army_country=armies, events_of=lambda _n: [], last_report=lambda _p: date(2018, 6, 1))
    assert check.check(tl) == []


def test_a_flip_within_days_on_one_outlet_is_flagged():
    tl = [period("SDF", None, date(2018, 1, 1), basis="loser"),
          period("Islamic State", date(2018, 1, 1), date(2018, 1, 9), outlets=["a"]),
          period("SDF", date(2018, 1, 9), None)]
    (f,) = TimelineCheck().check(tl)
    assert f.rule == "flip" and f.holder == "Islamic State" and "8 days" in f.detail
    tl[1].outlets = ["a", "b"]  # two outlets report the week: it may be true
    assert TimelineCheck().check(tl) == []


def test_a_country_army_outside_its_country_without_occupation_wording_is_flagged():
    ev = Evidence("d", 0, 40, "The Syrian army captured Antakya on Sunday.", "sentence")
    tl = [period(SY_ARMY, date(2018, 3, 1), None, place=ANTAKYA, evidence=[ev])]
    assert rules(TimelineCheck(army_country=armies).check(tl)) == ["foreign-army"]
    tl[0].evidence.append(Evidence("d", 50, 90, "Turks call it the Syrian occupation of Antakya.", "control:occupied"))
    assert TimelineCheck(army_country=armies).check(tl) == []
    # a coalition or a rebel group is no country's army
    assert TimelineCheck(army_country=armies).check([period("Global Coalition", date(2018, 3, 1), None,
                                                            place=ANTAKYA)]) == []


def test_a_holder_its_own_sentence_has_withdrawing_is_flagged():
    s = "US troops withdrew from Raqqa on Monday."
    tl = [period(US_ARMY, date(2019, 2, 5), None, evidence=[
        Evidence("d", 100, 100 + len(s), s, "sentence"), Evidence("d", 100, 109, "US troops", "control:holder")])]
    assert rules(TimelineCheck().check(tl)) == ["withdrawal-holder"]
    # a period stored without the holder's words: its known aliases are looked for
    old = [period(US_ARMY, date(2019, 2, 5), None, evidence=[
        Evidence("d", 0, 120, "He responded to Trump's decision to withdraw US troops from Syria, a move "
                              "that infuriated the UK military.")])]
    assert rules(TimelineCheck(aliases=lambda n: ["US troops"] if n == US_ARMY else []).check(old)) == \
        ["withdrawal-holder"]
    took = "US troops took Raqqa on Monday."
    fine = [period(US_ARMY, date(2019, 2, 5), None, evidence=[
        Evidence("d", 0, len(took), took, "sentence"), Evidence("d", 0, 9, "US troops", "control:holder")])]
    assert TimelineCheck().check(fine) == []


def test_a_period_resting_on_one_report_over_a_long_span_is_flagged():
    tl = [period("SDF", date(2017, 10, 17), date(2019, 3, 1), reports=1, outlets=["a"])]
    (f,) = TimelineCheck().check(tl)
    assert f.rule == "one-report" and "500 days" in f.detail
    tl[0].reports = 3
    assert TimelineCheck().check(tl) == []
    # an open period is measured to the latest report about its place
    open_ = [period("SDF", date(2017, 10, 17), None, reports=1)]
    assert TimelineCheck(last_report=lambda _p: date(2017, 12, 1)).check(open_) == []
    assert rules(TimelineCheck(last_report=lambda _p: date(2019, 1, 1)).check(open_)) == ["one-report"]


def test_an_army_far_from_all_its_other_events_is_flagged():
    tl = [period(US_ARMY, date(2019, 1, 6), None, place=Place("Damascus", 33.51, 36.29, country="SY"),
                 evidence=[Evidence("d", 0, 60, "The Americans occupied the capital, Damascus, on Sunday.")])]
    far = TimelineCheck(army_country=armies, events_of=lambda _n: [(36.53, 37.95, "e1"), (33.51, 36.29, f"{US_ARMY}:2019-01-06")])
    (f,) = far.check(tl)  # Manbij, 390 km away; the period's own event does not count
    assert f.rule == "army-far" and "km" in f.detail
    near = TimelineCheck(army_country=armies, events_of=lambda _n: [(33.45, 36.35, "e2")])
    assert near.check(tl) == []


def test_a_zero_length_period_is_flagged():
    tl = [period("Islamic State", None, date(2019, 2, 17), basis="loser"),
          period("Civilians", date(2019, 2, 17), date(2019, 2, 17)),
          period("SDF", date(2019, 2, 17), None)]
    assert "zero-length" in rules(TimelineCheck().check(tl))


def test_the_cli_check_exits_1_on_an_implausible_timeline_and_0_on_a_clean_store(db, run_cli):
    ev = Evidence("d", 0, 45, "The SDF took Raqqa from Isis on Tuesday, it said.", "sentence")
    with open_store(db) as st:
        st.replace_control("raqqa|SY", [period("SDF", date(2017, 10, 17), None, reports=1, outlets=["a"],
                                               evidence=[ev])])
    clean = run_cli("control", "--check")
    assert clean.returncode == 0 and "0 implausible in 1 timelines" in clean.stderr
    shown = run_cli("control", "Raqqa", check=True).stdout  # the reader is told what it rests on
    assert "\t1 report, outlets: a" in shown and "note: the timeline of Raqqa rests on one report" in shown
    with open_store(db) as st:
        st.replace_control("antakya|TR", [period(SY_ARMY, date(2018, 3, 1), date(2018, 3, 1), place=ANTAKYA)])
    bad = run_cli("control", "--check", "--json")
    assert bad.returncode == 1
    found = [json.loads(line) for line in bad.stdout.splitlines()]
    # the store holds no event of the Syrian army at all, so it is far from all of them too
    assert {(f["place"], f["rule"]) for f in found} == {("Antakya", "foreign-army"), ("Antakya", "zero-length"),
                                                        ("Antakya", "army-far")}
