"""`rasd fuse`, `rasd control`, `rasd agreements` through the real CLI."""
from __future__ import annotations

import json
from datetime import date

from fuse_helpers import GOV, HTS, REBELS, add_doc, event, store_events

from rasd.store import open_store

TEXT = "Rebels seized control of Homs.\nThe ministry denied that Homs had fallen.\n"


def _seed(db):
    with open_store(db) as st:
        add_doc(st, "a", text="Rebels seized control of Homs.", outlet="A")
        store_events(st, "a", [event("a:0", "a", "Non-state actor overtakes territory", date(2024, 12, 7), "Homs",
                                     a1=HTS, a2=GOV, sentence="Rebels seized control of Homs.")])
        add_doc(st, "b", text="The ministry denied that Homs had fallen.", outlet="B")
        store_events(st, "b", [event("b:0", "b", "Non-state actor overtakes territory", date(2024, 12, 7), "Homs",
                                     a1=HTS, stance="denied", sentence="The ministry denied that Homs had fallen.")])
        add_doc(st, "c", text="Talks continue on the evacuation of fighters from Douma to Idlib.")
        store_events(st, "c", [event("c:0", "c", "Agreement", date(2018, 3, 20), "Douma", a1=GOV, a2=REBELS,
                                     sentence="Talks continue on the evacuation of fighters from Douma to Idlib.")])


def test_fuse_control_agreements(db, run_cli):
    _seed(db)
    out = run_cli("fuse", check=True)
    assert "fused 3 new events" in out.stdout and "1 disputed" in out.stdout
    again = run_cli("fuse", check=True)
    assert "fused 0 new events" in again.stdout
    with open_store(db) as st:
        evs = st.query_events()
        assert len({e.cluster_id for e in evs}) == 2 and all(e.status for e in evs)

    tl = run_cli("control", "Homs", check=True).stdout.splitlines()
    assert tl[0].startswith("Homs\t… → 2024-12-07\tMilitary Forces of Syria")
    assert any("2024-12-07 → now\tHayat Tahrir al-Sham  [disputed]" in line for line in tl)
    at = run_cli("control", "--at", "2024-12-08", "--json", check=True).stdout.splitlines()
    assert [json.loads(x)["holder"] for x in at] == ["Hayat Tahrir al-Sham"]

    ag = run_cli("agreements", "--json", check=True).stdout.splitlines()
    rec = json.loads(ag[0])
    assert rec["status"] == "negotiating" and rec["place"]["name"] == "Douma"
    assert {c["kind"] for c in rec["clauses"]} >= {"who_leaves", "destination"}


def test_control_finds_a_place_by_another_spelling(db, run_cli, gazetteer_path):
    """The store keeps one spelling of a place; `rasd control` matches others through the gazetteer."""
    _seed(db)
    run_cli("fuse", check=True)
    env = {"RASD_GAZETTEER": gazetteer_path}
    assert run_cli("control", "Emesa", env=env).returncode == 0  # not a substring of any stored name
    tl = run_cli("control", "Emesa", env=env, check=True).stdout.splitlines()
    assert tl[0].startswith("Homs\t") and any("Hayat Tahrir al-Sham" in line for line in tl)
    miss = run_cli("control", "Aleppo", env=env)  # a real place with no timeline stays a miss
    assert miss.returncode == 1 and "no control record" in miss.stderr


def test_bad_usage_exits_2_and_unknown_place_1(db, run_cli):
    bad = run_cli("control", "--at", "yesterday")
    assert bad.returncode == 2 and "not a date" in bad.stderr
    assert run_cli("control").returncode == 2
    assert run_cli("agreements", "--status", "maybe").returncode == 2
    none = run_cli("control", "Nowhere")
    assert none.returncode == 1 and "no control record" in none.stderr
    assert "Traceback" not in none.stderr + bad.stderr


def test_events_fused_lists_reports(db, run_cli):
    _seed(db)
    run_cli("fuse", check=True)
    out = run_cli("events", "--fused", "--status", "disputed", check=True).stdout.splitlines()
    assert out[0].startswith("fe_") and "  disputed  outlets=2 (" in out[0] and out[0].endswith("reports=2")
    assert out[1].split() == ["EVENT_ID", "DOC", "OUTLET", "CLAIMANTS", "STANCE", "DATE", "DEAD", "SENTENCE"]
    assert {line.split()[1] for line in out[3:5]} == {"a", "b"}  # one row per report, its document second
    js = run_cli("events", "--fused", "-f", "jsonl", check=True).stdout.splitlines()
    assert len(js) == 2 and all(json.loads(x)["reports"] for x in js)
