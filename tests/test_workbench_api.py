"""The analysts' workbench through the API (issue 14): confidence, the review queue, analysts'
tokens and authors, each event's history. In-process over a small synthetic store."""
from __future__ import annotations

import pytest

from serve_helpers import AUTH, app_client


@pytest.fixture(scope="module")
def client(tmp_path_factory, coder_data):
    from rasd.code.actor_search import ActorSearch

    with app_client(str(tmp_path_factory.mktemp("wb") / "wb.db"), n_events=60,
                    actors=ActorSearch(coder_data.actors)) as c:
        yield c


def _analyst(client, name):
    """A token of analyst ``name``, made as `rasd tokens add` makes it."""
    from rasd.analysts import hash_token, new_token

    token = new_token()
    client.app.state.store.add_token(name, hash_token(token))
    return {"Authorization": f"Bearer {token}"}


def test_every_event_row_has_its_confidence_and_the_list_filters_on_it(client):
    full = client.get("/api/events", params={"limit": 500}).json()["items"]
    summary = client.get("/api/events", params={"limit": 500, "view": "summary"}).json()["items"]
    assert all(isinstance(e["confidence"], float) for e in full + summary)
    cut = sorted(e["confidence"] for e in full)[len(full) // 2]
    got = client.get("/api/events", params={"min_confidence": cut, "limit": 500, "count": "true"}).json()
    assert got["total"] == sum(e["confidence"] >= cut for e in full) == len(got["items"])
    assert all(e["confidence"] >= cut for e in got["items"])
    bad = client.get("/api/events", params={"min_confidence": "high"})
    assert bad.status_code == 422 and "min_confidence" in bad.json()["error"]
    assert client.get("/api/events", params={"min_confidence": "1.5"}).status_code == 422


def test_the_review_queue_is_lowest_confidence_first_or_most_reports_first(client):
    q = client.get("/api/review", params={"limit": 500, "count": "true"}).json()
    confs = [e["confidence"] for e in q["items"]]
    assert confs == sorted(confs) and q["total"] == len(q["items"]) > 0 and q["order"] == "confidence"
    by_reports = client.get("/api/review", params={"order": "reports", "limit": 500}).json()["items"]
    keys = [(-e["reports"], e["confidence"]) for e in by_reports]
    assert keys == sorted(keys)
    assert client.get("/api/review", params={"order": "date"}).status_code == 422


def test_review_decisions_carry_the_analysts_name_and_leave_the_queue(client):
    ana = _analyst(client, "ana")
    first, second = client.get("/api/review", params={"limit": 2}).json()["items"]
    r = client.post(f"/api/events/{first['event_id']}/review", json={"decision": "accepted"}, headers=ana)
    assert r.status_code == 201 and r.json()["event"]["review"] == "accepted"
    r = client.post(f"/api/events/{second['event_id']}/review", json={"decision": "rejected", "note": "an obituary"},
                    headers=ana)
    assert r.status_code == 201 and r.json()["event"]["rejected"] is True
    queue = [e["event_id"] for e in client.get("/api/review", params={"limit": 500}).json()["items"]]
    assert first["event_id"] not in queue and second["event_id"] not in queue
    # the rejected event is out of the list; accepting it brings it back, in the history too
    listed = {e["event_id"] for e in client.get("/api/events", params={"limit": 500}).json()["items"]}
    assert second["event_id"] not in listed
    bo = _analyst(client, "bo")
    assert client.post(f"/api/events/{second['event_id']}/review", json={"decision": "accepted"},
                       headers=bo).status_code == 201
    h = client.get(f"/api/events/{second['event_id']}/history").json()
    assert [(x["action"], x["decision"], x["author"]) for x in h["history"]] == [
        ("review", "rejected", "ana"), ("review", "accepted", "bo")]
    assert h["history"][0]["note"] == "an obituary" and h["history"][1]["changes"]["rejected"] is False
    assert h["review"] == "accepted" and h["rejected"] is False


def test_a_correction_carries_its_authors_name_and_shows_in_the_history(client):
    ev = client.get("/api/events", params={"limit": 1}).json()["items"][0]
    cy = _analyst(client, "cy")
    r = client.post(f"/api/events/{ev['event_id']}/corrections", json={"fatalities": 7, "note": "the headline"},
                    headers=cy)
    assert r.status_code == 201
    # an analyst's token cannot write under another name
    r = client.post(f"/api/events/{ev['event_id']}/corrections", json={"fatalities": 8, "author": "ana"}, headers=cy)
    assert r.status_code == 403 and "'cy'" in r.json()["error"]
    # the server's own token writes as the body's author, else as "owner"
    assert client.post(f"/api/events/{ev['event_id']}/corrections", json={"fatalities": 9}, headers=AUTH).status_code == 201
    h = client.get(f"/api/events/{ev['event_id']}/history").json()["history"]
    assert [(x["action"], x["author"], x["changes"]) for x in h] == [
        ("correction", "cy", {"fatalities": 7}), ("correction", "owner", {"fatalities": 9})]
    assert client.get("/api/events/nope/history").status_code == 404


def test_a_revoked_or_unknown_token_cannot_write(client):
    dee = _analyst(client, "dee")
    ev = client.get("/api/events", params={"limit": 1}).json()["items"][0]
    url = f"/api/events/{ev['event_id']}/review"
    assert client.post(url, json={"decision": "accepted"}, headers=dee).status_code == 201
    client.app.state.store.revoke_token("dee")
    assert client.post(url, json={"decision": "accepted"}, headers=dee).status_code == 401
    assert client.post(url, json={"decision": "accepted"}, headers={"Authorization": "Bearer guess"}).status_code == 401
    assert client.post(url, json={"decision": "maybe"}, headers=AUTH).status_code == 422
    assert client.post("/api/events/nope/review", json={"decision": "accepted"}, headers=AUTH).status_code == 404


def test_the_actor_filter_knows_aliases_and_suggests_as_you_type(client):
    def names(params):
        items = client.get("/api/events", params={**params, "limit": 500}).json()["items"]
        return {(e["actor1"] or {}).get("name") for e in items} | {(e["actor2"] or {}).get("name") for e in items}

    by_alias = client.get("/api/events", params={"actor": "SDF", "limit": 500, "count": "true"}).json()
    by_name = client.get("/api/events", params={"actor": "Syrian Democratic Forces", "count": "true"}).json()
    assert by_alias["total"] == by_name["total"] > 0
    assert all("Syrian Democratic Forces" in (e["actor1"]["name"], (e["actor2"] or {}).get("name"))
               for e in by_alias["items"])
    assert client.get("/api/events", params={"actor": "HTS", "count": "true"}).json()["total"] > 0
    assert client.get("/api/review", params={"actor": "SDF", "count": "true"}).json()["total"] > 0
    sugg = client.get("/api/actors", params={"q": "SD"}).json()
    known = [x for x in sugg["items"] if x["kind"] == "known"]
    assert known[0]["matched"] == "SDF" and "Syrian Democratic Forces" in known[0]["name"]
    stored = client.get("/api/actors", params={"q": "democratic"}).json()["items"]
    assert {"name": "Syrian Democratic Forces", "kind": "stored"}.items() <= \
        next(x for x in stored if x["kind"] == "stored").items()
    assert client.get("/api/actors").status_code == 422
