"""The HTTP API and the web page: ``create_app(store, settings, ...)`` (see ``app.py``)."""
from __future__ import annotations


def create_app(*args, **kwargs):
    from .app import create_app as _create

    return _create(*args, **kwargs)


__all__ = ["create_app"]
