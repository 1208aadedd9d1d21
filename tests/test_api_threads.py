"""How the server shares its time between requests: the event list is read on a thread of its
own (a slow read does not hold up the other requests of the process), and at most
``serve_threads`` threads answer at once (each reads through a store connection of its own)."""
from __future__ import annotations

import asyncio
import threading

import httpx

from rasd.config import Settings
from rasd.serve.app import create_app
from rasd.serve.synthetic import fill_store
from rasd.store import open_store
from rasd.store.sqlite import SQLiteStore

TOKEN = "test-token-0123456789"


def test_a_slow_event_list_does_not_hold_up_the_others(tmp_path, monkeypatch):
    st = open_store(str(tmp_path / "t.db"))
    fill_store(st, 8)
    both = threading.Barrier(2, timeout=10)  # each read waits until the other one is under way
    read = SQLiteStore.query_events_summary

    def slow(self, **kw):
        both.wait()
        return read(self, **kw)

    monkeypatch.setattr(SQLiteStore, "query_events_summary", slow)
    app = create_app(st, token=TOKEN)

    async def two_at_once():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
            return await asyncio.gather(*(c.get("/api/events", params={"view": "summary", "type": t})
                                          for t in ("Battles", "Protests")))

    try:
        got = asyncio.run(two_at_once())
    finally:
        st.close()
    assert [r.status_code for r in got] == [200, 200]
    assert all(e["event_type"] == "Battles" for e in got[0].json()["items"])


def test_at_most_serve_threads_threads_answer_at_once(tmp_path):
    from fastapi.testclient import TestClient

    st = open_store(str(tmp_path / "t.db"))
    app = create_app(st, Settings(db=str(tmp_path / "t.db"), serve_threads=3), token=TOKEN)

    @app.get("/_threads")
    async def threads():
        import anyio.to_thread

        return {"tokens": anyio.to_thread.current_default_thread_limiter().total_tokens}

    try:
        with TestClient(app, base_url="http://localhost") as client:
            assert client.get("/_threads").json() == {"tokens": 3}
    finally:
        st.close()
    assert Settings().serve_threads == 16
