"""Builds the stages from settings and runs them over batches of documents.

Every stage is a small class built once with the services it needs (model,
gazetteer, store) and called with ``stage.process(batch)`` on a list of records,
returning a list of records. No stage reaches for a global: this module wires them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Protocol, TypeVar

from .records import Document, Event

In = TypeVar("In", contravariant=True)
Out = TypeVar("Out", covariant=True)


class Stage(Protocol[In, Out]):
    def process(self, batch: list[In]) -> list[Out]: ...


@dataclass
class Result:
    document: Document
    events: list[Event] = field(default_factory=list)


class Pipeline:
    """clean -> (code -> geo -> fuse, as later stages land)."""

    def __init__(self, cleaner: Stage[Document, Document], coder: "Stage[Document, Result] | None" = None):
        self.cleaner = cleaner
        self.coder = coder

    @classmethod
    def for_ingest(cls, *, with_events: bool = False, **services) -> "Pipeline":
        from .clean import Cleaner

        return cls(cleaner=Cleaner())

    def clean(self, docs: list[Document]) -> list[Document]:
        return self.cleaner.process(docs)

    def run(self, docs: Iterable[Document], batch_size: int = 16) -> Iterator[Result]:
        batch: list[Document] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, batch: list[Document]) -> list[Result]:
        cleaned = self.cleaner.process(batch)
        if self.coder is None:
            return [Result(d) for d in cleaned]
        return self.coder.process(cleaned)
