"""The geo stage: each story's place names resolved, in the country its record names.

Two steps, each ``process(batch: list[Result]) -> list[Result]``, around the code stage's
``CountryRefiner`` (see docs/architecture.md):

* ``PlaceStage`` resolves every story's toponyms in ``Result.country_hint``;
* ``RereadStage`` resolves them once more, in ``Result.reread_country``, for the stories that
  have one (their places made another country clear than their actors did).

The geoparser is handed in: anything with ``process(docs, countries=[...]) -> list[list[Toponym]]``
(``Geoparser``, or a table of places in tests).
"""
from __future__ import annotations

from typing import Optional, Protocol

from ..records import Document, Result, Toponym


class PlaceResolver(Protocol):
    def process(self, docs: list[Document], *,
                countries: Optional[list[Optional[str]]] = None) -> list[list[Toponym]]: ...


class PlaceStage:
    """Result -> Result with ``toponyms`` resolved in the story's ``country_hint``."""

    name = "geo"

    def __init__(self, geoparser: PlaceResolver):
        self.geoparser = geoparser

    def process(self, batch: list[Result]) -> list[Result]:
        tops = self.geoparser.process([r.document for r in batch], countries=[r.country_hint for r in batch])
        for res, found in zip(batch, tops):
            res.toponyms = found
        return batch


class RereadStage:
    """Result -> Result with ``toponyms`` resolved again where ``reread_country`` is set."""

    name = "reread"

    def __init__(self, geoparser: PlaceResolver):
        self.geoparser = geoparser

    def process(self, batch: list[Result]) -> list[Result]:
        again = [r for r in batch if r.reread_country]
        if again:
            tops = self.geoparser.process([r.document for r in again], countries=[r.reread_country for r in again])
            for res, found in zip(again, tops):
                res.toponyms = found
        return batch
