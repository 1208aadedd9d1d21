"""/api/alerts (issue 13 part 4): writes need the token, secrets are shown once, a test is queued
and its outcome listed."""
from __future__ import annotations

from serve_helpers import AUTH, app_client


def test_alerts_over_http(tmp_path):
    with app_client(str(tmp_path / "a.db"), n_events=0) as c:
        body = {"name": "idlib", "webhook": "http://127.0.0.1:9/hook",
                "filters": {"place": "Idlib", "status": "confirmed", "min_corroboration": 2}}
        assert c.post("/api/alerts", json=body).status_code == 401  # a write needs the token
        r = c.post("/api/alerts", json=body, headers=AUTH)
        assert r.status_code == 201 and len(r.json()["secret"]) >= 32 and r.json()["replaced"] is False
        assert r.json()["alert"]["filters"] == body["filters"] and r.json()["alert"]["signed"] is True
        mail = {"name": "sy", "email": "analyst@example.org", "filters": {"country": "SY"}}
        assert c.post("/api/alerts", json=mail, headers=AUTH).json()["secret"] is None
        items = c.get("/api/alerts").json()["items"]
        assert [a["name"] for a in items] == ["idlib", "sy"] and all("secret" not in a for a in items)
        # what cannot be saved is a 422 naming the field
        for bad, field in (({**body, "email": "a@b.org"}, "body"), ({**body, "filters": {"colour": 1}}, "filters"),
                           ({**body, "webhook": "ftp://x"}, "webhook"), ({**mail, "filters": {"status": "maybe"}},
                                                                          "filters")):
            r = c.post("/api/alerts", json=bad, headers=AUTH)
            assert r.status_code == 422 and r.json()["error"].startswith(f"bad parameter {field}"), r.json()
        # a test is queued for the dispatcher, and listed with its outcome
        assert c.post("/api/alerts/idlib/test").status_code == 401
        r = c.post("/api/alerts/idlib/test", headers=AUTH)
        assert r.status_code == 201
        (n,) = c.get("/api/alerts/idlib/notifications").json()["items"]
        assert (n["id"], n["status"], n["payload"]["kind"], n["revision"]) == (r.json()["queued"], "pending", "test", 0)
        assert c.post("/api/alerts/nope/test", headers=AUTH).status_code == 404
        assert c.get("/api/alerts/bad name/notifications").status_code == 422
        assert c.delete("/api/alerts/idlib").status_code == 401
        assert c.delete("/api/alerts/idlib", headers=AUTH).json() == {"removed": "idlib"}
        assert c.delete("/api/alerts/idlib", headers=AUTH).status_code == 404
        assert [a["name"] for a in c.get("/api/alerts").json()["items"]] == ["sy"]
