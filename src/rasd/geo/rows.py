"""The row a gazetteer layer is loaded from (built by ``build.py``, ``airports.py``, ``loaders.py``;
stored by ``gazetteer.py``): a module of its own so that the builders need not import the
gazetteer, which builds its default layer with them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass
class PlaceRow:
    """One place to load into a layer, with all its names."""

    name: str
    lat: Optional[float]
    lon: Optional[float]
    country: Optional[str] = None
    admin1: Optional[str] = None
    admin2: Optional[str] = None
    feature: Optional[str] = None
    population: int = 0
    geonameid: Optional[str] = None
    alt_names: tuple[str, ...] = ()
    # extra names of a different kind: ("abbr", "US"), ("demonym", "Syrian")
    extra_names: tuple[tuple[str, str], ...] = ()
    # precomputed name keys (kind, key), in place of computing them from the names
    keys: Optional[list[tuple[str, str]]] = None
