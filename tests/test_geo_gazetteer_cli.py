"""`rasd gazetteer add|download|list|search|remove` on files and a local HTTP server made by the tests."""
from __future__ import annotations

import http.server
import shutil
import threading
import zipfile
from pathlib import Path

import pytest

from rasd.geo import open_gazetteer


def _dump_line(gid, name, alts, lat, lon, fcode, cc, a1, pop):
    cols = [str(gid), name, name, ",".join(alts), str(lat), str(lon), fcode[0], fcode[2:], cc, "", a1, "", "", "",
            str(pop), "", "500", "Asia/Damascus", "2020-01-01"]
    assert len(cols) == 19
    return "\t".join(cols)


DUMP = "\n".join([
    _dump_line(9000001, "Tall Zuhur", ["Tell Zouhour", "Tal al-Zuhur"], 33.70, 36.40, "P.PPL", "SY", "08", 1200),
    _dump_line(9000002, "Kafr Wardat", ["Kfar Wardeh"], 33.80, 36.50, "P.PPL", "SY", "08", 300),
    "this line is broken",
]) + "\n"


@pytest.fixture
def gaz_copy(gazetteer_path, tmp_path) -> str:
    """A private copy of the session gazetteer: these tests add layers to it."""
    dst = tmp_path / "gaz.db"
    shutil.copyfile(gazetteer_path, dst)
    return str(dst)


def test_add_geonames_dump_txt_and_zip(run_cli, gaz_copy, tmp_path):
    txt = tmp_path / "XX.txt"
    txt.write_text(DUMP, encoding="utf-8")
    proc = run_cli("gazetteer", "add", str(txt), "-g", gaz_copy)
    assert proc.returncode == 0, proc.stderr
    assert "layer XX: 2 places" in proc.stdout
    z = tmp_path / "YY.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "about")
        zf.writestr("YY.txt", DUMP)
    proc = run_cli("gazetteer", "add", str(z), "-g", gaz_copy)
    assert "layer YY: 2 places" in proc.stdout
    listing = run_cli("gazetteer", "list", "-g", gaz_copy, check=True).stdout
    rows = {line.split()[0]: line.split()[1] for line in listing.splitlines()[2:]}
    assert listing.split()[:2] == ["LAYER", "PLACES"] and "default" in rows and rows["XX"] == rows["YY"] == "2"
    found = run_cli("gazetteer", "search", "Tal Zouhour", "-g", gaz_copy, check=True).stdout
    assert "Tall Zuhur" in found
    gaz = open_gazetteer(gaz_copy)
    try:
        hits = [c for c in gaz.lookup("Kfar Wardeh") if c.layer == "XX"]
        assert hits and hits[0].lat == pytest.approx(33.8) and hits[0].feature == "P.PPL"
    finally:
        gaz.close()


def test_add_csv_with_mapped_columns(run_cli, gaz_copy, tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text("place,other,y,x,cc\nQaryat Nahr,Nahr Village;Qaryet en-Nahr,34.1,36.9,SY\n"
                 "No Coordinates,,,,SY\n", encoding="utf-8")
    proc = run_cli("gazetteer", "add", str(f), "--columns", "name=place,alt_names=other,lat=y,lon=x,country=cc",
                   "-g", gaz_copy)
    assert proc.returncode == 0, proc.stderr
    assert "layer mine: 1 places" in proc.stdout
    out = run_cli("gazetteer", "search", "Qaryet an Nahr", "-g", gaz_copy, check=True).stdout
    assert "Qaryat Nahr" in out and "mine" in out


def test_add_bad_inputs_give_one_line(run_cli, gaz_copy, tmp_path):
    proc = run_cli("gazetteer", "add", str(tmp_path / "absent.txt"), "-g", gaz_copy)
    assert proc.returncode == 1 and "no such file" in proc.stderr and "Traceback" not in proc.stderr
    f = tmp_path / "cols.csv"
    f.write_text("a,b\n1,2\n")
    proc = run_cli("gazetteer", "add", str(f), "--columns", "name=zzz", "-g", gaz_copy)
    assert proc.returncode == 1 and "zzz" in proc.stderr and "Traceback" not in proc.stderr


def test_add_ocha_admin_csvs(run_cli, gaz_copy, shared):
    folder = shared / "data" / "dev" / "gazetteer" / "ocha_syria_admin"
    files = sorted(folder.glob("*.csv"))
    if not files:
        pytest.skip("no OCHA CSVs")
    for f in files:
        proc = run_cli("gazetteer", "add", str(f), "-g", gaz_copy)
        assert proc.returncode == 0, proc.stderr
        assert int(proc.stdout.split(":")[1].split()[0]) > 10
    gaz = open_gazetteer(gaz_copy)
    try:
        adm2 = [c for c in gaz.lookup("Al-Hasakeh") if c.layer.startswith("syr_adm1")]
        assert adm2 and adm2[0].feature == "A.ADM1" and adm2[0].country == "SY"
        assert 35 < adm2[0].lat < 38
    finally:
        gaz.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def dump_server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    with zipfile.ZipFile(root / "ZZ.zip", "w") as zf:
        zf.writestr("ZZ.txt", DUMP)

    def handler(*args, **kw):
        return _Quiet(*args, directory=str(root), **kw)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_download_from_a_local_server(run_cli, gaz_copy, dump_server):
    proc = run_cli("gazetteer", "download", "zz", "--url", dump_server + "/{cc}.zip", "-g", gaz_copy)
    assert proc.returncode == 0, proc.stderr
    assert "layer geonames-ZZ: 2 places" in proc.stdout
    proc = run_cli("gazetteer", "download", "QQ", "-g", gaz_copy, env={"RASD_GEONAMES_URL": dump_server + "/{cc}.zip"})
    assert proc.returncode == 3 and "404" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("gazetteer", "download", "ZZZ", "-g", gaz_copy)
    assert proc.returncode == 2
    assert run_cli("gazetteer", "remove", "geonames-ZZ", "-g", gaz_copy).returncode == 0
    assert "geonames-ZZ" not in run_cli("gazetteer", "list", "-g", gaz_copy).stdout


def test_reopening_does_not_rebuild(gaz_copy, monkeypatch):
    """The session fixture built the default layer on first use; opening the file again reuses it."""
    from rasd.geo import gazetteer as g

    def no_build(path):
        raise AssertionError("rebuilt")

    monkeypatch.setattr(g, "_build_file", no_build)
    gaz = open_gazetteer(gaz_copy)
    try:
        layers = {layer["name"]: layer["places"] for layer in gaz.layers()}
        assert layers["default"] > 200000
        assert gaz.meta("default_version")
    finally:
        gaz.close()
    assert not list(Path(gaz_copy).parent.glob("*.tmp*"))
