"""Synthetic documents and events for load tests, API tests and screenshots.

Made-up sentences built from templates (no real article text); each event cites the
exact spans of its own document that its trigger, actor and place rest on.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import islice
from typing import Iterator, Optional

from ..records import Actor, Document, Event, Evidence, Place

PLACES = [  # name, lat, lon, admin1 (approximate town centres)
    ("Douma", 33.572, 36.402, "Rif Dimashq"), ("Harasta", 33.558, 36.365, "Rif Dimashq"),
    ("Aleppo", 36.202, 37.134, "Aleppo"), ("Idlib", 35.931, 36.634, "Idlib"),
    ("Homs", 34.731, 36.709, "Homs"), ("Raqqa", 35.952, 39.009, "Ar-Raqqa"),
    ("Deir ez-Zor", 35.336, 40.141, "Deir ez-Zor"), ("Daraa", 32.625, 36.106, "Daraa"),
    ("Hama", 35.132, 36.755, "Hama"), ("Manbij", 36.528, 37.955, "Aleppo"),
    ("Afrin", 36.512, 36.869, "Aleppo"), ("Qamishli", 37.052, 41.231, "Al-Hasakah"),
]
ACTORS = ["Military Forces of Syria", "Hayat Tahrir al-Sham", "Islamic State", "Syrian Democratic Forces",
          "Military Forces of Russia", "Free Syrian Army", "Civilians (Syria)", "Protesters (Syria)"]
KINDS = [  # event type, sub-event type, trigger word, template
    ("Explosions/Remote violence", "Air/drone strike", "airstrikes",
     "{a} carried out airstrikes on {p} on {d}, killing {n} people."),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "shelled",
     "{a} shelled {p} on {d}; {n} people were killed."),
    ("Battles", "Armed clash", "clashed", "{a} clashed with {b} near {p} on {d}, leaving {n} fighters dead."),
    ("Violence against civilians", "Attack", "attacked", "{a} attacked villagers in {p} on {d}, killing {n}."),
    ("Protests", "Peaceful protest", "protested", "Hundreds protested in {p} on {d} against {a}."),
    ("Battles", "Government regains territory", "recaptured", "{a} recaptured {p} from {b} on {d}."),
]
OUTLETS = ["Northern Wire", "Levant Daily", "Desert Courier", "Valley Post"]


def make_documents(n_events: int, *, seed: int = 7, per_doc: int = 4, start: date = date(2017, 1, 1),
                   days: int = 730, hostile: Optional[str] = None) -> list[tuple[Document, list[Event]]]:
    """``n_events`` events in documents of ``per_doc`` sentences each, dates spread over ``days``."""
    return list(iter_documents(n_events, seed=seed, per_doc=per_doc, start=start, days=days, hostile=hostile))


def iter_documents(n_events: int, *, seed: int = 7, per_doc: int = 4, start: date = date(2017, 1, 1),
                   days: int = 730, hostile: Optional[str] = None) -> Iterator[tuple[Document, list[Event]]]:
    """``make_documents``'s documents one at a time (a million events need not be held at once)."""
    rng = random.Random(seed)
    made = 0
    d_i = 0
    while made < n_events:
        doc_id = f"syn{d_i:06d}"
        pub = start + timedelta(days=rng.randrange(days))
        text = ""
        pending = []
        for k in range(min(per_doc, n_events - made)):
            etype, sub, trig, tmpl = rng.choice(KINDS)
            pname, lat, lon, adm = rng.choice(PLACES)
            a, b = rng.sample(ACTORS, 2)
            n = rng.randrange(0, 30)
            day = pub - timedelta(days=rng.randrange(3))
            sent = tmpl.format(a=a, b=b, p=pname, d=day.strftime("%d %B %Y"), n=n)
            base = len(text)
            text += sent + " "
            ev_spans = []
            ev_spans.append(Evidence(doc_id, base, base + len(sent), sent, "sentence"))
            for word, fld in ((trig, "event_type"), (a, "actor1"), (pname, "location")):
                i = sent.find(word)
                if i >= 0:
                    ev_spans.append(Evidence(doc_id, base + i, base + i + len(word), word, fld))
            pending.append(Event(
                event_id=f"{doc_id}:{k}", doc_id=doc_id, event_type=etype, sub_event_type=sub, date=day,
                time_precision="day", actor1=Actor(a, mention=a), actor2=Actor(b, mention=b) if "{b}" in tmpl else None,
                location=Place(pname, lat + rng.uniform(-0.01, 0.01), lon + rng.uniform(-0.01, 0.01), country="SY",
                               admin1=adm),
                fatalities=None if etype == "Protests" else n, stance="asserted", evidence=ev_spans,
                confidence=round(rng.uniform(0.5, 0.95), 2), sentence=sent,
                status=rng.choice(["single-source", "confirmed", "disputed"])))
            made += 1
        if hostile and d_i == 0:
            text += hostile
        doc = Document(doc_id=doc_id, raw=text.strip(), title=f"Report {d_i} from {pending[0].location.name}",
                       published=pub, outlet=rng.choice(OUTLETS))
        yield doc, pending
        d_i += 1


def fill_store(store, n_events: int, **kw) -> int:
    """Write synthetic documents and events into ``store``; returns the number of events."""
    total = 0
    docs = iter_documents(n_events, **kw)
    while True:
        chunk = list(islice(docs, 500))
        if not chunk:
            return total
        with store.transaction():
            for doc, events in chunk:
                store.add_document(doc)
                store.replace_events(doc.doc_id, events)
                total += len(events)
