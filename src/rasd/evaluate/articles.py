"""Event-level precision and recall on real articles against a hand-made gold (gold/README.md).

A predicted event matches a gold event of the same article when its event type is the
gold's (or one of ``event_type_alternatives``), its point lies within 50 km of the gold
point (150 km when the gold place has precision 3: a province or region) and its date is
within the gold's ``date_tolerance_days``. An event without coordinates or without a date
matches nothing. Matching is one-to-one (maximum bipartite matching per article, the
non-optional gold events served first so that a prediction fitting both kinds counts for
recall). Precision: matched predictions / predictions, a match to an optional gold event
counting as right. Recall: matched non-optional gold events / non-optional gold events.

The gold stores no article text: articles are found in the corpus by content hash, and the
sentences that report an event are cited by offsets into the article's text.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from ..records import Document, Event, content_hash
from .metrics import km

RADIUS_KM = 50.0
REGION_RADIUS_KM = 150.0
_EVENT_KEYS = {"id", "event_type", "event_type_alternatives", "sub_event_type", "sub_event_type_alternatives",
               "actor1", "actor2", "place", "date", "date_tolerance_days", "fatalities", "optional", "sentences",
               "note"}
_ARTICLE_KEYS = {"row", "content_hash", "published", "chars", "events", "doc_id"}


class GoldError(ValueError):
    """The gold file is not a gold of this shape; the message says where."""


@dataclass
class GoldEvent:
    id: str
    types: tuple[str, ...]  # the event type first, then the alternatives
    sub_event_type: str
    lat: float
    lon: float
    precision: int
    place: str
    date: date
    tolerance: int
    optional: bool = False
    sentences: list[tuple[int, int]] = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    @property
    def radius_km(self) -> float:
        return REGION_RADIUS_KM if self.precision >= 3 else RADIUS_KM


@dataclass
class GoldArticle:
    row: int
    content_hash: str
    events: list[GoldEvent]
    published: Optional[str] = None
    doc_id: Optional[str] = None


@dataclass
class Gold:
    articles: list[GoldArticle]
    corpus: dict

    @property
    def events(self) -> list[GoldEvent]:
        return [e for a in self.articles for e in a.events]


def _event(d: dict, where: str) -> GoldEvent:
    unknown = set(d) - _EVENT_KEYS
    if unknown:
        raise GoldError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    try:
        place = d["place"]
        return GoldEvent(
            id=str(d["id"]), types=(d["event_type"], *d.get("event_type_alternatives", [])),
            sub_event_type=d.get("sub_event_type") or "", lat=float(place["lat"]), lon=float(place["lon"]),
            precision=int(place.get("precision", 1)), place=place.get("name") or "",
            date=date.fromisoformat(d["date"]), tolerance=int(d.get("date_tolerance_days", 0)),
            optional=bool(d.get("optional", False)), sentences=[(int(s), int(e)) for s, e in d.get("sentences", [])],
            raw=d)
    except (KeyError, TypeError, ValueError) as exc:
        raise GoldError(f"{where}: bad or missing field ({exc!r})") from exc


def load_gold(path: str) -> Gold:
    """Read and check a gold file; GoldError names the article or event at fault."""
    try:
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)
    except json.JSONDecodeError as exc:
        raise GoldError(f"not JSON ({exc})") from exc
    if not isinstance(d, dict) or not isinstance(d.get("articles"), list):
        raise GoldError("no 'articles' list")
    arts = []
    for i, a in enumerate(d["articles"]):
        where = f"article {i}"
        if not isinstance(a, dict) or "content_hash" not in a or not isinstance(a.get("events"), list):
            raise GoldError(f"{where}: needs 'content_hash' and an 'events' list")
        unknown = set(a) - _ARTICLE_KEYS
        if unknown:
            raise GoldError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        arts.append(GoldArticle(row=int(a.get("row", i)), content_hash=a["content_hash"], published=a.get("published"),
                                doc_id=a.get("doc_id"),
                                events=[_event(e, f"{where} event {j}") for j, e in enumerate(a["events"])]))
    return Gold(articles=arts, corpus=d.get("corpus") or {})


def select_documents(gold: Gold, docs: list[Document]) -> tuple[dict[str, Document], list[GoldArticle]]:
    """The corpus documents of the gold's articles (by content hash), and the articles not found."""
    by_hash = {}
    for doc in docs:
        by_hash.setdefault(doc.content_hash or content_hash(doc.raw), doc)
    found = {a.content_hash: by_hash[a.content_hash] for a in gold.articles if a.content_hash in by_hash}
    return found, [a for a in gold.articles if a.content_hash not in found]


# ---- matching -----------------------------------------------------------------------------------

def why_not(ev: Event, g: GoldEvent) -> Optional[str]:
    """None when ``ev`` matches ``g``; else the first reason it does not."""
    if ev.event_type not in g.types:
        return "type"
    if ev.location is None or ev.location.lat is None or ev.location.lon is None:
        return "no coordinates"
    d = km(ev.location.lat, ev.location.lon, g.lat, g.lon)
    if d > g.radius_km:
        return f"place {d:.0f} km off"
    if ev.date is None:
        return "no date"
    off = abs((ev.date - g.date).days)
    if off > g.tolerance:
        return f"date {off} days off"
    return None


def match(events: list[Event], golds: list[GoldEvent]) -> dict[int, int]:
    """One-to-one matching, prediction index -> gold index: a maximum bipartite matching found
    by augmenting paths, the non-optional gold events served first."""
    cands = {gi: [pi for pi, e in enumerate(events) if why_not(e, g) is None] for gi, g in enumerate(golds)}
    owner: dict[int, int] = {}  # prediction -> gold

    def augment(gi: int, seen: set[int]) -> bool:
        for pi in cands[gi]:
            if pi in seen:
                continue
            seen.add(pi)
            if pi not in owner or augment(owner[pi], seen):
                owner[pi] = gi
                return True
        return False

    for gi in sorted(cands, key=lambda i: golds[i].optional):
        augment(gi, set())
    return owner


def error_kind(ev: Event, golds: list[GoldEvent]) -> str:
    """Why a prediction matched nothing, in words that group well."""
    if not golds:
        return "article reports no event"
    if ev.location is None or ev.location.lat is None:
        return "no coordinates"
    same_type = [gi for gi, g in enumerate(golds) if ev.event_type in g.types]
    if not same_type:
        return "no gold event of this type in the article"
    reasons = {gi: why_not(ev, golds[gi]) for gi in same_type}
    if any(r is None for r in reasons.values()):
        return "a second report of a gold event already matched"
    if all(r.startswith("place") for r in reasons.values()):
        return "type right, place off"
    if any(r.startswith("date") for r in reasons.values()):
        return "type right, date off"
    return "type right, " + sorted(reasons.values())[0]


@dataclass
class ArticleResult:
    article: GoldArticle
    doc: Document
    events: list[Event]
    matched: dict[int, int]  # prediction -> gold

    @property
    def false_positives(self) -> list[int]:
        return [i for i in range(len(self.events)) if i not in self.matched]

    @property
    def missed(self) -> list[GoldEvent]:
        hit = set(self.matched.values())
        return [g for gi, g in enumerate(self.article.events) if gi not in hit and not g.optional]


@dataclass
class ArticleScore:
    results: list[ArticleResult] = field(default_factory=list)

    @property
    def predicted(self) -> int:
        return sum(len(r.events) for r in self.results)

    @property
    def right(self) -> int:
        return sum(len(r.matched) for r in self.results)

    @property
    def required(self) -> int:
        return sum(1 for r in self.results for g in r.article.events if not g.optional)

    @property
    def found(self) -> int:
        return sum(1 for r in self.results for gi in r.matched.values() if not r.article.events[gi].optional)

    def precision(self) -> Optional[float]:
        return self.right / self.predicted if self.predicted else None

    def recall(self) -> Optional[float]:
        return self.found / self.required if self.required else None

    def error_kinds(self) -> Counter:
        c: Counter = Counter()
        for r in self.results:
            for i in r.false_positives:
                c[error_kind(r.events[i], r.article.events)] += 1
        return c

    def as_dict(self) -> dict:
        def ev_dict(e: Event) -> dict:
            loc = e.location
            return {"event_type": e.event_type, "sub_event_type": e.sub_event_type,
                    "date": e.date.isoformat() if e.date else None,
                    "place": None if loc is None else {"name": loc.name, "lat": loc.lat, "lon": loc.lon},
                    "actor1": e.actor1.name if e.actor1 else None, "actor2": e.actor2.name if e.actor2 else None,
                    "fatalities": e.fatalities, "sentence": e.sentence}

        p, r = self.precision(), self.recall()
        return {
            "articles": len(self.results), "predicted": self.predicted, "right": self.right,
            "required": self.required, "found": self.found,
            "precision": None if p is None else round(p, 4), "recall": None if r is None else round(r, 4),
            "articles_without_gold_events_with_predictions": sum(
                1 for x in self.results if not x.article.events and x.events),
            "error_kinds": dict(self.error_kinds().most_common()),
            "false_positives": [
                {"row": x.article.row, "kind": error_kind(x.events[i], x.article.events),
                 **ev_dict(x.events[i])} for x in self.results for i in x.false_positives],
            "missed": [{"row": x.article.row, "id": g.id, "event_type": g.types[0], "place": g.place,
                        "date": g.date.isoformat(), "sentence": sentence_text(x.doc, g)}
                       for x in self.results for g in x.missed],
        }

    def report(self, width: int = 160) -> str:
        d = self.as_dict()

        def fmt(v: Optional[float]) -> str:
            return "-" if v is None else f"{v:.3f}"

        lines = [f"articles: {d['articles']}   predicted events: {d['predicted']}   "
                 f"gold events: {self.required} required + {sum(1 for x in self.results for g in x.article.events if g.optional)} optional",
                 f"precision {fmt(d['precision'])} ({d['right']}/{d['predicted']})   "
                 f"recall {fmt(d['recall'])} ({d['found']}/{d['required']})   "
                 f"articles with no gold event that yielded events: {d['articles_without_gold_events_with_predictions']}"
                 f"/{sum(1 for x in self.results if not x.article.events)}",
                 "", "per article (row: predicted / right; gold required found / required):"]
        for x in self.results:
            req = [gi for gi, g in enumerate(x.article.events) if not g.optional]
            found = sum(1 for gi in x.matched.values() if gi in req)
            lines.append(f"  {x.article.row:>4}: {len(x.events):>3} / {len(x.matched):<3}  gold {found}/{len(req)}"
                         + (f" (+{len(x.article.events) - len(req)} optional)" if len(x.article.events) > len(req) else ""))
        lines += ["", "kinds of false positives:"]
        lines += [f"  {n:>4}  {k}" for k, n in self.error_kinds().most_common()]
        lines += ["", "false positives:"]
        for fp in d["false_positives"]:
            place = fp["place"]
            where = "-" if place is None else f"{place['name']} ({place['lat']}, {place['lon']})" if place["lat"] is not None \
                else f"{place['name']} (no coordinates)"
            lines.append(f"  [{fp['row']}] {fp['kind']}: {fp['event_type']} / {fp['sub_event_type']} @ {where} "
                         f"{fp['date']} a1={fp['actor1']} a2={fp['actor2']} fat={fp['fatalities']}")
            lines.append(f"        {(fp['sentence'] or '').strip()[:width]}")
        lines += ["", "missed gold events:"]
        for m in d["missed"]:
            lines.append(f"  [{m['row']}] {m['id']}: {m['event_type']} @ {m['place']} {m['date']}")
            lines.append(f"        {m['sentence'][:width]}")
        return "\n".join(lines)


def sentence_text(doc: Document, g: GoldEvent) -> str:
    if not g.sentences:
        return ""
    s, e = g.sentences[0]
    return doc.raw[s:e].replace("\n", " ")


def score(gold: Gold, docs: dict[str, Document], events: dict[str, list[Event]]) -> ArticleScore:
    """``docs``: content hash -> document; ``events``: doc_id -> the coder's events of it.
    Articles whose document is missing are left out (the caller reports them)."""
    s = ArticleScore()
    for a in gold.articles:
        doc = docs.get(a.content_hash)
        if doc is None:
            continue
        evs = events.get(doc.doc_id, [])
        s.results.append(ArticleResult(article=a, doc=doc, events=evs, matched=match(evs, a.events)))
    return s
