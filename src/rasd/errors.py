"""Errors that reach the user as one clear line, never as a traceback."""
from __future__ import annotations


class RasdError(Exception):
    """Base class: the message is meant for the user."""


class InputError(RasdError):
    """One input (file, row, line, URL) could not be read; the rest of the batch goes on."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class StoreError(RasdError):
    """The store cannot be opened or written."""


class EngineError(RasdError):
    """The engine that runs the stages (a Dask scheduler, its workers) cannot be used."""
