"""`rasd eval acled`: every export layout read by one reader, the acceptance scoring rule,
sampling per country, place coverage; rows written here in each layout (none copied)."""
import csv
import json
from datetime import date

import pytest

from rasd.evaluate import acled
from rasd.records import Actor, Event, Place

# the older layout (data_id first, numeric iso, iso3 last) and the newer one (disorder_type, tags)
OLD = ["data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision", "event_type",
       "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
       "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
       "source", "source_scale", "notes", "fatalities", "timestamp", "iso3"]
NEW = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
       "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
       "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
       "source", "source_scale", "notes", "fatalities", "tags", "timestamp"]
MONADIC = [c for c in OLD if c not in ("actor2", "assoc_actor_2", "inter2")]


def _write(path, columns, rows, newline="\n"):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator=newline, restval="")
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return str(path)


def _row(ident, when, country="Kenya", **kw):
    base = {"event_id_cnty": ident, "event_date": when, "event_type": "Protests", "sub_event_type": "Peaceful protest",
            "actor1": f"Protesters ({country})", "country": country, "location": "Nakuru", "latitude": "-0.28",
            "longitude": "36.07", "fatalities": "0", "timestamp": "1600000000",
            "notes": f"On some day, traders protested in Nakuru over market fees ({ident})."}
    base.update(kw)
    return base


@pytest.mark.parametrize("text,order,want", [
    ("29-Feb-20", "dmy", date(2020, 2, 29)),
    ("9-May-20", "dmy", date(2020, 5, 9)),
    ("02 November 2019", "dmy", date(2019, 11, 2)),
    ("21 March 2020", "dmy", date(2020, 3, 21)),
    ("19-January-1997", "dmy", date(1997, 1, 19)),
    ("31-12-19", "dmy", date(2019, 12, 31)),
    ("03-04-05", "dmy", date(2005, 4, 3)),
    ("03-04-05", "mdy", date(2005, 3, 4)),
    ("14/08/2020 00:00:00", "dmy", date(2020, 8, 14)),
    ("2021-01-02T00:00:00Z", "dmy", date(2021, 1, 2)),
    ("2025-04-01", "dmy", date(2025, 4, 1)),
    ("March 21, 2020", "dmy", date(2020, 3, 21)),
    ("31-02-20", "dmy", None),
    ("sometime in spring", "dmy", None),
])
def test_every_date_form_of_the_exports(text, order, want):
    assert acled.parse_date(text, order) == want


def test_numeric_date_order_is_read_from_the_file():
    assert acled.numeric_date_order(["01-02-19", "31-12-19"]) == "dmy"
    assert acled.numeric_date_order(["01/02/2019 00:00:00", "12/31/2019 00:00:00"]) == "mdy"
    assert acled.numeric_date_order(["01-02-19", "9-May-20"]) == "dmy"


def test_old_and_new_layouts_read_alike(tmp_path):
    old = _write(tmp_path / "old.csv", OLD, [
        _row("KEN1", "31-12-19", data_id="1", iso="404", actor2="Police Forces of Kenya (2013-)"),
        _row("KEN2", "01-11-19", data_id="2", iso="404", actor2="", notes="")])  # no notes: skipped
    new = _write(tmp_path / "new.csv", NEW, [
        _row("BEN1", "2022-12-28", country="Benin", iso="204", actor2="NA", fatalities="3")], newline="\r\n")
    rows, rep = acled.read_rows(old)
    assert [r.ident for r in rows] == ["KEN1"] and rep.no_notes == 1
    assert rows[0].event_date == date(2019, 12, 31) and rows[0].actor2 == "Police Forces of Kenya (2013-)"
    assert rows[0].published == date(2020, 9, 13) and rows[0].lat == -0.28
    rows, rep = acled.read_rows(new)
    assert rows[0].country == "Benin" and rows[0].actor2 == "" and rows[0].fatalities == 3
    assert rows[0].event_date == date(2022, 12, 28) and not rep.monadic


def test_monadic_rows_fold_into_one_event_with_two_actors(tmp_path):
    path = _write(tmp_path / "mono.csv", MONADIC, [
        _row("MLI1", "9-May-20", country="Mali", event_type="Violence against civilians", sub_event_type="Attack",
             actor1="Dan Na Ambassagou"),
        _row("MLI1", "9-May-20", country="Mali", event_type="Violence against civilians", sub_event_type="Attack",
             actor1="Civilians (Mali)"),
        _row("MLI2", "10-May-20", country="Mali")])
    rows, rep = acled.read_rows(path)
    assert rep.monadic and len(rows) == 2
    assert (rows[0].actor1, rows[0].actor2) == ("Dan Na Ambassagou", "Civilians (Mali)")
    assert rows[1].actor2 == ""


def test_a_file_that_is_not_an_export_is_refused(tmp_path):
    path = _write(tmp_path / "x.csv", ["a", "b"], [{"a": "1", "b": "2"}])
    with pytest.raises(ValueError, match="notes"):
        acled.read_rows(path)


def test_directories_and_globs_expand_once(tmp_path):
    (tmp_path / "d").mkdir()
    a = _write(tmp_path / "d" / "a.csv", NEW, [])
    b = _write(tmp_path / "d" / "b.csv", NEW, [])
    files, empty = acled.expand_inputs([str(tmp_path / "d"), str(tmp_path / "d" / "*.csv"), str(tmp_path / "none*")])
    assert files == [a, b] and empty == [str(tmp_path / "none*")]


def test_sample_per_country_is_deterministic_and_per_country():
    rows = [acled.AcledRow(ident=f"{c}{i}", notes="n", country=c, event_type="Protests",
                           sub_event_type="Peaceful protest", actor1="x") for c in ("A", "B") for i in range(30)]
    one = acled.sample_per_country(rows, 5, seed=1)
    assert [r.ident for r in one] == [r.ident for r in acled.sample_per_country(rows, 5, seed=1)]
    assert sum(r.country == "A" for r in one) == 5 and sum(r.country == "B" for r in one) == 5
    # country A's sample does not depend on what else was read
    only_a = acled.sample_per_country([r for r in rows if r.country == "A"], 5, seed=1)
    assert [r.ident for r in only_a] == [r.ident for r in one if r.country == "A"]
    assert [r.ident for r in acled.sample_per_country(rows, 5, seed=2)] != [r.ident for r in one]


def test_actor_names_match_without_years_only():
    assert acled.same_actor("Military Forces of Syria (2000-)", Actor("military forces of syria"))
    assert acled.same_actor("Government of Sudan (2019-2021)", Actor("Government of Sudan (2021-)"))
    assert not acled.same_actor("Hayat Tahrir al Sham", Actor("HTS"))  # an alias earns nothing
    assert not acled.same_actor("Protesters (Israel)", Actor("Protesters (Palestine)"))
    assert not acled.same_actor("Protesters (Israel)", Actor("Protesters"))
    assert acled.same_actor("", None) and not acled.same_actor("", Actor("Civilians (Kenya)"))


def _event(**kw):
    base = dict(event_id="e", doc_id="d", event_type="Protests", sub_event_type="Peaceful protest",
                actor1=Actor("Protesters (Kenya)"), location=Place("Nakuru", -0.3, 36.08), date=date(2019, 12, 31),
                confidence=0.5)
    base.update(kw)
    return Event(**base)


def test_the_most_confident_event_is_scored_and_coverage_splits_place():
    row = acled.AcledRow(ident="K1", notes="n", country="Kenya", event_type="Protests",
                         sub_event_type="Peaceful protest", actor1="Protesters (Kenya)",
                         event_date=date(2019, 12, 31), location="Nakuru", lat=-0.28, lon=36.07)
    far = acled.AcledRow(**{**row.__dict__, "ident": "K2", "location": "Kamukunji", "lat": -1.28, "lon": 36.84})
    cov = acled.PlaceCoverage()
    cov.add(["Nakuru", "Nakuru Town"], -0.30, 36.07)
    cov.add(["Kamukunji"], 3.0, 36.8)  # a namesake 470 km away does not cover the row
    weak = _event(event_type="Battles", sub_event_type="Armed clash", confidence=0.3)
    s = acled.score([row, far], [[weak, _event(confidence=0.9)], [_event()]], cov)
    d = s.as_dict()
    assert d["event_type"] == 1.0 and d["actor1"] == 1.0 and d["actor2"] == 1.0 and d["date"] == 1.0
    assert d["location_25km"] == 0.5 and d["location_25km_covered"] == 1.0 and d["coverage"] == 0.5
    assert d["by_country"]["Kenya"]["rows"] == 2 and d["confusion"]["Protests"] == {"Protests": 2}
    assert "Kenya" in s.report() and "overall: 2 rows" in s.report()
    s = acled.score([row], [[]], cov)
    assert s.as_dict()["no_event"] == 1 and s.as_dict()["event_type"] == 0.0


def test_coverage_of_town_quarter_names_and_of_a_country_table():
    cov = acled.PlaceCoverage()
    cov.add(["Gaza"], 31.50, 34.47)
    cov.add(["Hakora"], 35.61, 36.32, country="SY")
    assert cov.covered("Gaza - Ash Shati", 31.53, 34.45)
    assert cov.covered("Hakora", 35.61, 36.33, "SY") and not cov.covered("Hakora", 35.61, 36.33, "TR")
    assert not cov.covered("Rafah", 31.29, 34.25)


def test_eval_acled_cli_reads_a_directory_of_layouts(run_cli, tmp_path, gazetteer_path):
    d = tmp_path / "exports"
    d.mkdir()
    _write(d / "iraq.csv", OLD, [
        _row("IRQ1", "05 March 2021", country="Iraq", iso="368", location="Basra", latitude="30.51",
             longitude="47.81", actor1="Protesters (Iraq)", timestamp="1615507200",
             notes="On 5 March 2021, hundreds of teachers protested in Basra demanding unpaid salaries."),
        _row("IRQ2", "4-Mar-21", country="Iraq", iso="368", event_type="Battles", sub_event_type="Armed clash",
             actor1="Islamic State (Iraq)", actor2="Military Forces of Iraq (2018-)", location="Tikrit",
             latitude="34.6", longitude="43.68", fatalities="3", timestamp="1615507200",
             notes="On 4 March 2021, IS militants clashed with Iraqi army troops near Tikrit, killing three soldiers.")])
    _write(d / "kenya_monadic.csv", MONADIC, [
        _row("KEN9", "03-02-21", timestamp="1612828800",
             notes="On 3 February 2021, traders protested in Nakuru town over new market fees.")])
    (d / "broken.csv").write_text("just,a,table\n1,2,3\n", encoding="utf-8")
    out = run_cli("eval", "acled", str(d), "--format", "json", "--per-country", "1", "--no-progress",
                  env={"RASD_GAZETTEER": gazetteer_path})
    assert out.returncode == 1 and "broken.csv" in out.stderr  # the bad file is named, the others scored
    got = json.loads(out.stdout)
    assert got["rows"] == 2 and set(got["by_country"]) == {"Iraq", "Kenya"}
    assert got["by_country"]["Kenya"]["event_type"] == 1.0 and got["by_country"]["Kenya"]["date"] == 1.0
    assert got["coverage"] is not None and "Protests" in got["by_event_type"]


def test_a_re_stamped_timestamp_gives_way_to_the_event_date_plus_the_usual_lag():
    row = acled.AcledRow(ident="K1", notes="n", country="Kenya", event_type="Protests", sub_event_type="Peaceful protest",
                         actor1="x", event_date=date(2008, 1, 8), published=date(2008, 1, 12))
    assert acled.reference_date(row) == (date(2008, 1, 12), False)
    stale = acled.AcledRow(**{**row.__dict__, "published": date(2020, 1, 8)})
    assert acled.reference_date(stale) == (date(2008, 1, 13), True)
    assert acled.row_document(stale).published == date(2008, 1, 13)
    assert acled.score([row, stale], [[], []]).as_dict()["reference_reconstructed"] == 1
