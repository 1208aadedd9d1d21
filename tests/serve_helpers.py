"""The API in-process (no model): an app over a small synthetic store whose ingest pipeline
only cleans, driven by Starlette's TestClient on an allowed host."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def clean_only_pipeline():
    from rasd.pipeline import PipelineConfig, build_pipeline

    return build_pipeline(PipelineConfig(with_events=False))


@contextmanager
def app_client(db: str, n_events: int = 40, **kw) -> Iterator:
    """A TestClient on ``http://localhost`` over a store of ``n_events`` synthetic events."""
    from fastapi.testclient import TestClient

    from rasd.serve.app import create_app
    from rasd.serve.synthetic import fill_store
    from rasd.store import open_store

    st = open_store(db)
    if n_events:
        fill_store(st, n_events)
    kw.setdefault("pipeline_factory", clean_only_pipeline)
    app = create_app(st, token=TOKEN, **kw)
    try:
        with TestClient(app, base_url="http://localhost") as client:
            yield client
    finally:
        st.close()
