"""Synthetic documents and events for the fusion tests (no coder needed)."""
from __future__ import annotations

from dataclasses import replace
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
          precision: str = "day", attrs: Optional[dict] = None, confidence: float = 0.8) -> Event:
    etype = etype or {
        "Armed clash": "Battles", "Government regains territory": "Battles",
        "Non-state actor overtakes territory": "Battles", "Air/drone strike": "Explosions/Remote violence",
        "Shelling/artillery/missile attack": "Explosions/Remote violence", "Peaceful protest": "Protests",
        "Attack": "Violence against civilians",
    }.get(sub, "Strategic developments")
    ev = Event(event_id=event_id, doc_id=doc_id, event_type=etype, sub_event_type=sub, date=day,
               time_precision=precision if day else None, actor1=a1, actor2=a2,
               location=place(where) if where else None, fatalities=fatalities, stance=stance,
               sentence=sentence or None, attrs=dict(attrs or {}), confidence=confidence)
    if sentence:
        ev.evidence = [Evidence(doc_id, 0, len(sentence), sentence, "trigger")]
    return ev


def cited(ev: Event, text: str, trigger: str, *, a1: Optional[str] = None, a2: Optional[str] = None,
          where: Optional[str] = None) -> Event:
    """Give a synthetic event the evidence spans the coder cites, read in ``text`` (the document):
    its sentence (``ev.sentence``), trigger word, the actors' words and the place's words (each
    the first occurrence inside the sentence; ``where`` may lie outside it: a carried place)."""
    s0 = text.index(ev.sentence or "")
    sent = ev.sentence or ""

    def span(words: str, fld: str) -> Evidence:  # case-insensitive: "rebels" cites "Rebels"
        low = words.lower()
        at = s0 + sent.lower().index(low) if low in sent.lower() else text.lower().index(low)
        return Evidence(ev.doc_id, at, at + len(words), text[at:at + len(words)], fld)

    ev.evidence = [Evidence(ev.doc_id, s0, s0 + len(sent), sent, "sentence"), span(trigger, "event_type"),
                   span(trigger, "sub_event_type")]
    ev.attrs["trigger"] = trigger
    for fld, words in (("actor1", a1), ("actor2", a2)):
        if words:
            ev.evidence.append(span(words, fld))
            actor = getattr(ev, fld)
            if actor is not None:
                setattr(ev, fld, replace(actor, mention=words))
    if where:
        ev.evidence.append(span(where, "location"))
        if ev.location is not None:
            ev.location = replace(ev.location, mention=where)
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


def fuse_doc(st: Store, fuser, doc_id: str, events: list[Event], outlet: Optional[str] = None, text: str = "",
             published: Optional[date] = None):
    """Store a document and its events, then fuse them."""
    add_doc(st, doc_id, text=text, outlet=outlet, published=published)
    store_events(st, doc_id, events)
    return fuser.process(events)
