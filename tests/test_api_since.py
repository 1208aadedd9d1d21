"""since= on the API and --since on the CLI (issue 13 part 2): what was stored or revised since."""
from __future__ import annotations

from datetime import date, timedelta

from serve_helpers import app_client

TOMORROW = (date.today() + timedelta(days=2)).isoformat()


def test_the_api_lists_what_was_stored_since_and_refuses_bad_times(tmp_path):
    with app_client(str(tmp_path / "s.db"), n_events=12) as c:
        every = c.get("/api/documents", params={"limit": 500}).json()["items"]
        recent = c.get("/api/documents", params={"since": "1h", "limit": 500}).json()["items"]
        assert len(recent) == len(every) > 0 and all(d["stored_at"] for d in recent)
        assert c.get("/api/documents", params={"since": TOMORROW}).json()["items"] == []
        assert len(c.get("/api/events", params={"since": "30m"}).json()["items"]) == 12
        assert c.get("/api/events", params={"since": TOMORROW}).json()["items"] == []
        assert c.get("/api/events", params={"since": "30m", "country": "IQ"}).json()["items"] == []
        for path in ("/api/documents", "/api/events", "/api/fused", "/api/events/histogram"):
            r = c.get(path, params={"since": "yesterday"})
            assert r.status_code == 422, path
            assert r.json()["error"].startswith("bad parameter since: 'yesterday' is not an age or a date")
        r = c.get("/api/events", params={"country": "Syria"})
        assert r.status_code == 422 and "alpha-2" in r.json()["error"]


def test_the_cli_takes_since_and_names_the_flag_when_it_is_wrong(run_cli):
    assert run_cli("ingest", "-", input="Government forces shelled Douma on Monday.\n",
                   env={"RASD_EVENTS": "0"}).returncode == 0
    out = run_cli("documents", "--since", "1h")
    assert out.returncode == 0 and out.stdout.count("\n") == 1 and "stdin" in out.stdout
    assert run_cli("documents", "--since", TOMORROW).stdout == ""
    bad = run_cli("events", "--fused", "--since", "1 day")
    assert bad.returncode == 2 and bad.stderr.startswith("rasd: --since: '1 day' is not an age or a date")


def test_the_brief_over_http_in_json_markdown_and_html(tmp_path):
    from rasd.fuse import Fuser
    from rasd.store import open_store

    db = str(tmp_path / "b.db")
    with open_store(db) as st:  # the synthetic events, fused
        from rasd.serve.synthetic import fill_store

        fill_store(st, 12)
        Fuser(st, control=False, agreements=False).process(st.query_events(limit=100))
    with app_client(db, n_events=0) as c:
        b = c.get("/api/brief", params={"since": "1h", "per_group": 1}).json()
        assert b["counts"]["fused"] >= 1 and b["counts"]["new"] == b["counts"]["fused"]
        line = b["groups"][0]["items"][0]
        assert line["evidence"]["link"].startswith("http://localhost/#event=")
        assert all(len(g["items"]) == 1 and g["more"] == g["total"] - 1 for g in b["groups"])
        md = c.get("/api/brief", params={"format": "md"})
        assert md.headers["content-type"].startswith("text/markdown") and md.text.startswith("# rasd brief: since")
        page = c.get("/api/brief", params={"format": "html", "country": "SY"})
        assert page.headers["content-type"].startswith("text/html") and "<h1>rasd brief: since" in page.text
        assert c.get("/api/brief", params={"since": TOMORROW}).json()["counts"]["fused"] == 0
        r = c.get("/api/brief", params={"since": "24 h"})
        assert r.status_code == 422 and r.json()["error"].startswith("bad parameter since:")
