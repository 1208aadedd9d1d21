"""The geoparsing stage: recognise place names in documents, then resolve them."""
from __future__ import annotations

import logging
from typing import Any, Optional

from ..records import Document, Place, Toponym
from .gazetteer import Gazetteer
from .recognize import Recognizer, Span
from .resolve import Mention, Resolver

log = logging.getLogger(__name__)

_RECENT = 256  # texts whose spans are kept (a batch's worth, and more)


class Geoparser:
    """``Geoparser(gazetteer=gaz, nlp=None).process(docs) -> list[list[Toponym]]``.

    ``nlp`` is a loaded spaCy ``Language`` (its NER spans join the gazetteer's
    matches) or None for gazetteer-only recognition. A caller that has already
    parsed the documents with spaCy passes the parsed ``Doc`` objects as
    ``parsed`` so the text is not parsed twice.
    """

    def __init__(self, gazetteer: Gazetteer, nlp=None, fuzzy_threshold: float = 88.0):
        self.gazetteer = gazetteer
        self.nlp = nlp
        self.recognizer = Recognizer(gazetteer, nlp)
        self.resolver = Resolver(gazetteer, fuzzy_threshold=fuzzy_threshold)
        # the spans found in the last texts: a story read again in another country (the reread
        # stage) is resolved again, not recognised again
        self._found: dict[tuple[str, Optional[tuple]], list[Span]] = {}

    def process(self, docs: list[Document], parsed: Optional[list[Any]] = None,
                countries: Optional[list[Optional[str]]] = None) -> list[list[Toponym]]:
        """``countries``: per document, the country its story is known to be about (from its
        actors, say) or None; places there are preferred and a place abroad gives way to the
        area the text puts it in."""
        out: list[list[Toponym]] = []
        for i, doc in enumerate(docs):
            ents = None
            if parsed is not None and parsed[i] is not None:
                ents = [(e.start_char, e.end_char, e.label_) for e in parsed[i].ents]
            try:
                spans = self._find(doc.text, ents)
                hint = countries[i] if countries is not None and i < len(countries) else None
                out.append(self._resolve(doc, spans, hint))
            except Exception as exc:  # one bad document must not stop the batch
                log.warning("%s: geoparsing failed: %s", doc.doc_id, exc)
                out.append([])
        return out

    def _find(self, text: str, ents: Optional[list[tuple[int, int, str]]]) -> list[Span]:
        key = (text, tuple(ents) if ents is not None else None)
        spans = self._found.get(key)
        if spans is None:
            spans = self.recognizer.find(text, ents)
            if len(self._found) >= _RECENT:
                self._found.pop(next(iter(self._found)))
            self._found[key] = spans
        return spans

    def process_spans(self, doc: Document, spans: list[tuple[int, int]], context: bool = True) -> list[Toponym]:
        """Resolve given spans only (gold spans: scores resolution apart from recognition).

        With ``context`` the other place names of the text (gazetteer recognition, no NER) are
        resolved alongside as context, as a reader would use them; only the given spans are returned."""
        given = [Span(s, e, doc.text[s:e], "given") for s, e in spans]
        for sp in given:
            sp.cue = self._cue(doc.text, sp.start, sp.end)
        extra: list[Span] = []
        if context:
            extra = [sp for sp in self.recognizer.find(doc.text, ents=[])
                     if not any(sp.start < g.end and g.start < sp.end for g in given)]
        # resolved in text order (fallbacks read the next names), returned in the given order
        order = sorted(range(len(given) + len(extra)), key=lambda k: (given + extra)[k].start)
        resolved = self._resolve(doc, [(given + extra)[k] for k in order])
        by_index = {k: t for k, t in zip(order, resolved)}
        return [by_index[k] for k in range(len(given))]

    def _cue(self, text: str, start: int, end: int) -> Optional[str]:
        from .recognize import WORD_RE

        before = [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text[max(0, start - 40):start])]
        after = [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text[end:end + 30])]
        return self.recognizer.cue_before(before, len(before)) or self.recognizer.cue_after(after, 0)

    def _resolve(self, doc: Document, spans: list[Span], country: Optional[str] = None) -> list[Toponym]:
        mentions = [Mention(s.start, s.end, s.text, s.cue) for s in spans]
        places = self.resolver.resolve_mentions(doc.text, mentions, country=country)
        return [Toponym(doc_id=doc.doc_id, start=s.start, end=s.end, text=s.text, place=p,
                        score=(p.score or 0.0) if p else 0.0, source=s.source)
                for s, p in zip(spans, places)]

    def seat(self, area: Place) -> Optional[Place]:
        """The town standing for a first-level area (``Gazetteer.seat``: the one bearing the area's
        name, else its largest), as a place of the area's precision; None for anything else."""
        if not (area.feature or "").startswith("A.ADM1") or not area.country or not area.admin1:
            return None
        try:
            town = self.gazetteer.seat(area.country, area.admin1, [n for n in (area.name, area.mention) if n])
        except Exception as exc:  # a failed look-up leaves the area where it is
            log.warning("seat of %s failed: %s", area.name, exc)
            return None
        return None if town is None else town.to_place(mention=area.mention, precision=max(3, area.geo_precision or 3),
                                                       score=area.score)

    def resolve_name(self, name: str, context: Optional[list[Toponym]] = None) -> Optional[Place]:
        """The best place for one name, in the context of a document's other toponyms."""
        ctx = [t.place for t in context or [] if t.place is not None]
        return self.resolver.resolve_mentions(name, [Mention(0, len(name), name)], ctx)[0]
