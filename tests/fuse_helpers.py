"""Synthetic documents and events for the fusion tests (no coder needed)."""
from __future__ import annotations

from datetime import date
from typing import Optional

import pytest

from rasd.records import Actor, Document, Event, Evidence, Place
from rasd.store.base import Store

PLACES = {
    "Homs": (34.7308, 36.7094, "gn:169577"),
    "Hama": (35.1318, 36.7578, "gn:170017"),
    "Kiswah": (33.3583, 36.2417, "gn:169389"),
    "Beit Jinn": (33.3136, 35.8897, None),
    "Douma": (33.5711, 36.4019, None),
    "Aleppo": (36.2021, 37.1343, "gn:170063"),
}

GOV = Actor("Military Forces of Syria (2000-2024)", actor_type="State forces", country="SY")
HTS = Actor("Hayat Tahrir al-Sham", actor_type="Rebel group", country="SY")
REBELS = Actor("Rebels", actor_type="Rebel group")
ISRAEL = Actor("Military Forces of Israel (1948-)", actor_type="External forces", country="IL")
HEZBOLLAH = Actor("Hezbollah", actor_type="External forces", country="LB")


def place(name: str) -> Place:
    lat, lon, gid = PLACES[name]
    return Place(name, lat, lon, country="SY", geonameid=gid.split(":")[1] if gid else None)


def event(event_id: str, doc_id: str, sub: str, day: Optional[date], where: Optional[str], *,
          etype: Optional[str] = None, a1: Optional[Actor] = None, a2: Optional[Actor] = None,
          stance: str = "asserted", fatalities: Optional[int] = None, sentence: str = "",
          precision: str = "day", attrs: Optional[dict] = None) -> Event:
    etype = etype or {
        "Armed clash": "Battles", "Government regains territory": "Battles",
        "Non-state actor overtakes territory": "Battles", "Air/drone strike": "Explosions/Remote violence",
        "Shelling/artillery/missile attack": "Explosions/Remote violence", "Peaceful protest": "Protests",
        "Attack": "Violence against civilians",
    }.get(sub, "Strategic developments")
    ev = Event(event_id=event_id, doc_id=doc_id, event_type=etype, sub_event_type=sub, date=day,
               time_precision=precision if day else None, actor1=a1, actor2=a2,
               location=place(where) if where else None, fatalities=fatalities, stance=stance,
               sentence=sentence or None, attrs=dict(attrs or {}))
    if sentence:
        ev.evidence = [Evidence(doc_id, 0, len(sentence), sentence, "trigger")]
    return ev


def add_doc(st: Store, doc_id: str, text: str = "", outlet: Optional[str] = None,
            published: Optional[date] = None) -> Document:
    doc = Document(doc_id=doc_id, raw=text or f"document {doc_id}", outlet=outlet, published=published)
    st.add_document(doc)
    return doc


def store_events(st: Store, doc_id: str, events: list[Event]) -> list[Event]:
    st.replace_events(doc_id, events)
    return events


@pytest.fixture
def st(store_factory):
    """A fresh store of each backend (conftest's store_factory)."""
    return store_factory()


def fuse_doc(st: Store, fuser, doc_id: str, events: list[Event], outlet: Optional[str] = None, text: str = ""):
    """Store a document and its events, then fuse them."""
    add_doc(st, doc_id, text=text, outlet=outlet)
    store_events(st, doc_id, events)
    return fuser.process(events)
