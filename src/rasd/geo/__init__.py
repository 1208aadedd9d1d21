"""Geoparsing: gazetteer layers in SQLite, name normalisation, toponym recognition and resolution.

    from rasd.geo import open_gazetteer, Geoparser
    gaz = open_gazetteer()                  # builds the default layer on first use
    geo = Geoparser(gazetteer=gaz, nlp=None)
    geo.process(docs)                       # -> list[list[Toponym]]
    geo.resolve_name("Beit Jinn")           # -> Place | None
"""
from .gazetteer import Candidate, Gazetteer, PlaceRow, haversine_km, open_gazetteer
from .normalize import name_key, skeleton_key
from .parser import Geoparser

__all__ = ["Candidate", "Gazetteer", "Geoparser", "PlaceRow", "haversine_km", "name_key", "open_gazetteer",
           "skeleton_key"]
