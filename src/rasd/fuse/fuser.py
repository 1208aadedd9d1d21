"""The fusion stage: attach each new event mention to a fused event in the store, or start one.

Incremental by construction: for each mention the store is asked only for fused events
of a compatible type, in a date window and a bounding box around it (indexed columns),
the best-scoring one above the threshold takes the mention, and only that fused event
(and the control timeline / agreement built on it) is rewritten.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Callable, Iterable, Optional

from ..geodesy import bbox_around
from ..records import Agreement, Document, Event, FusedEvent, Place, Report, Toponym
from ..store.base import CandidateSearch, DocumentStore, FusingStore
from . import merge
from .agreements import PlaceLookup
from .revisions import Revisions
from .rules import Rules, place_key, vague_place

log = logging.getLogger(__name__)

DocLookup = Callable[[str], Optional[Document]]
TEXT_SLACK = 2000  # characters read past the text bound to end the sentence there


class Fuser:
    """``Fuser(store).process(events)`` fuses events into the store and returns them with
    ``cluster_id`` and ``status`` set. Control timelines and agreements follow the fused events."""

    def __init__(self, store: FusingStore, rules: Optional[Rules] = None, *, documents: Optional[DocLookup] = None,
                 control: bool = True, agreements: bool = True, denials: bool = True,
                 places: Optional[PlaceLookup] = None, actors=None, revisions: "Revisions | bool" = True,
                 text_bound: Optional[int] = None):
        """``documents(doc_id)`` finds a report's document (the store's, when it is a
        DocumentStore too); ``places(name, near)`` resolves a place name near a place (the
        geoparser: an agreement's subject place); ``actors`` is the coder's ActorKB (read for
        who held a place before a takeover and who leads its taker; loaded here when None);
        ``revisions`` records what changed in the fused events each ``process`` touched, and so
        queues their alerts (fuse/revisions.py; built here when True, none when False).
        ``text_bound``: fusion reads at most this many characters of a document's text (and a
        little more, to finish the sentence: a denial may follow the last coded claim), the
        pipeline's bound on what it codes (pipeline.DocumentBound); the events lie inside it."""
        from .agreements import AgreementBuilder
        from .context import DenialReader, HolderReader
        from .control import ControlTracker

        self.store = store
        self.rules = rules or Rules.load()
        many = None
        if documents is None:
            if not isinstance(store, DocumentStore):
                raise TypeError("Fuser: give documents= when the store holds no documents")
            documents, many = store.get_document, store.get_documents
        self._lookup: DocLookup = documents
        self._many = many  # several documents in one query (the store's get_documents)
        self.text_bound = text_bound
        self._docs: Optional[dict[str, Optional[Document]]] = None  # while process() runs
        self.documents: DocLookup = self._document
        if control and actors is None:
            from ..code.lexicon import ActorKB

            actors = ActorKB.load()
        self.control = ControlTracker(store, self.rules, self.documents, HolderReader(actors),
                                      warm=self._warm) if control else None
        self.recaller = None
        if control:
            from .recall import RecallReader

            self.recaller = RecallReader(actors, lambda sub: sub in self.rules.territorial)
        self.agreements = AgreementBuilder(self.rules, self.documents, places) if agreements else None
        self.denials = DenialReader() if denials else None
        if revisions is True:
            revisions = Revisions(store, self.documents)
        self.revisions: Optional[Revisions] = revisions or None
        # fused events written since the last revisions were recorded, as written (None: deleted)
        self._touched: dict[str, Optional[FusedEvent]] = {}
        self._left: dict[str, Place] = {}  # places whose territorial fused events moved or changed type
        # while process() runs: each fused event it touched as the store held it before (None: new);
        # a place's timeline is recomputed only when one of them, before or after, changes hands there
        self._before: Optional[dict[str, Optional[FusedEvent]]] = None
        self._of_doc: Optional[dict[str, dict[str, FusedEvent]]] = None  # while process() runs
        # while process() runs: each event's candidate search and what the store answered before
        # the run's first write, and the fused events the run has written
        self._found: Optional[dict[int, tuple[CandidateSearch, Optional[list[FusedEvent]]]]] = None
        self._written: dict[str, FusedEvent] = {}
        # while process() runs: the fused events to write, by cluster (the last version of each),
        # written together before anything reads them back (one round trip, not one each)
        self._pending: Optional[dict[str, tuple[FusedEvent, str, Optional[str]]]] = None

    # -- the stage ------------------------------------------------------------
    def process(self, events: list[Event]) -> list[Event]:
        docs: dict[str, Optional[Document]] = {}
        touched: dict[str, FusedEvent] = {}
        self._left = {}
        # the fused events holding a report of each document seen in this batch, read from the store
        # once and kept up to date as events attach (not decoded again for every event: a long
        # document would cost the square of its events)
        self._of_doc = {}
        self._written = {}
        self._docs = {}
        self._before = {}
        self._pending = {}
        try:
            with self.store.transaction():
                self._prefetch(events)
                for ev in events:
                    if ev.doc_id not in docs:
                        docs[ev.doc_id] = self.documents(ev.doc_id)
                    doc = docs[ev.doc_id]
                    rep = merge.report_of(ev, doc.outlet if doc else None)
                    reps = [rep]
                    denial = self.denials.denial_after(doc, rep) if self.denials else None
                    if denial is not None:
                        reps.append(denial)
                    fe = self._attach(ev, reps)
                    touched[fe.cluster_id] = fe
                self._flush()
                self._follow_up(touched.values(), self._left)
                self.record_revisions()
        finally:
            self._of_doc = None
            self._found = None
            self._written = {}
            self._docs = None
            self._before = None
            self._pending = None
        for ev in events:
            fe = touched.get(ev.cluster_id or "")
            if fe is not None:
                ev.status = fe.status
        return events

    def recall(self, doc: Document, toponyms: Iterable[Toponym], events: Iterable[Event] = ()) -> int:
        """Read a stored document for changes of holder it tells only in recollection (no event is
        made of them: fuse/recall.py), keep them with the document, and recompute the timelines of
        the places they (and the document's earlier ones) are at; returns how many it tells. The
        writer calls it after ``process`` (in its transaction), with the geoparser's toponyms."""
        if self.control is None or self.recaller is None:
            return 0
        found = self.recaller.read(doc, toponyms, events)
        with self.store.transaction():
            old = self.store.replace_recalled(doc.doc_id, found)
            places = {key: ch.place for key, ch in found}
            for key in sorted(set(old) | set(places)):
                self.control.update(key, places.get(key))
        return len(found)

    def record_revisions(self) -> None:
        """Record the revisions of the fused events written since the last call (in the caller's
        transaction): ``process`` ends with it."""
        touched, self._touched = self._touched, {}
        if self.revisions is not None and touched:
            self.revisions.record(touched, known={cid: fe for cid, fe in touched.items() if fe is not None})

    def forget_document(self, doc_id: str) -> int:
        """Take a document's reports out of every fused event (before re-coding it); returns how
        many. What changed is recorded by the next ``process`` (the document's events coded again
        join their fused events before the revisions are compared), or by ``record_revisions``."""
        n = 0
        with self.store.transaction():
            for fe in self.store.fused_for_doc(doc_id):
                keep = [r for r in fe.reports if r.doc_id != doc_id]
                n += len(fe.reports) - len(keep)
                if keep:
                    new = merge.build(fe.cluster_id, keep, self.rules)
                    self._save(new)
                    self._follow_up([self.store.get_fused(fe.cluster_id)],  # type: ignore[list-item]
                                    self._stale(fe, new))
                else:
                    places = self._drop_agreements(fe.cluster_id)
                    self.store.delete_fused(fe.cluster_id)
                    self._touched[fe.cluster_id] = None
                    if self.control is not None:
                        for key, place in {**places, place_key(fe.location): fe.location}.items():
                            self.control.update(key, place)
            if self.control is not None:  # its recollections go with it (the writer reads them again)
                for key in self.store.replace_recalled(doc_id, []):
                    self.control.update(key)
        return n

    def _document(self, doc_id: str) -> Optional[Document]:
        """A report's document, read once per ``process`` (revisions, agreements and control ask
        for it again), its text cut after ``text_bound`` characters."""
        docs = self._docs
        if docs is not None and doc_id in docs:
            return docs[doc_id]
        doc = self._cut(self._lookup(doc_id))
        if docs is not None:
            docs[doc_id] = doc
        return doc

    def _warm(self, doc_ids: Iterable[str]) -> None:
        """While ``process`` runs, read these documents at once (a stage is about to ask for
        them one by one: the control of a place reads the documents of every report there)."""
        docs = self._docs
        if docs is None or self._many is None:
            return
        todo = [d for d in dict.fromkeys(doc_ids) if d not in docs]
        if len(todo) > 1:
            found = self._many(todo)
            docs.update((d, self._cut(found.get(d))) for d in todo)

    def _cut(self, doc: Optional[Document]) -> Optional[Document]:
        """The document with its text cut after ``text_bound`` characters (and the rest of the sentence)."""
        if doc is not None and self.text_bound is not None and len(doc.text) > self.text_bound + TEXT_SLACK:
            end = doc.text.find(". ", self.text_bound, self.text_bound + TEXT_SLACK)
            doc = replace(doc, text=doc.text[:end + 1 if end >= 0 else self.text_bound + TEXT_SLACK])
        return doc

    # -- matching ---------------------------------------------------------------
    def search_for(self, ev: Event) -> Optional[CandidateSearch]:
        """The store search for fused events near this mention in type, time and space (None
        for a mention without a date span: only its own document's fused events are candidates)."""
        span = self.rules.interval(ev)
        if span is None:
            return None
        # a fused event's dates span its reports' days: one farther than the widest gap date_score
        # allows holds no report that could take this mention (it was 15 days, not 4: three times
        # the candidates to read and score on a large store)
        pad = timedelta(days=self.rules.widest_gap())
        subs = sorted({ev.sub_event_type} | {s for f in self.rules.families_of(ev.sub_event_type)
                                             for s in self.rules.families[f]})
        loc = ev.location
        bbox = None
        if loc is not None and loc.lat is not None and loc.lon is not None:
            bbox = bbox_around(loc.lat, loc.lon, max(self.rules.max_km.values() or [80.0]))
        return CandidateSearch(tuple(subs), (span[0] - pad).isoformat(), (span[1] + pad).isoformat(), bbox)

    def _prefetch(self, events: list[Event]) -> None:
        """Every event's candidate search, sent to the store at once (one round trip, not one per
        event); ``candidates`` adds what the run writes after."""
        searches = {id(ev): q for ev in events if (q := self.search_for(ev)) is not None}
        order = list(searches)
        found = self.store.fusion_candidates_many([searches[k] for k in order])
        self._found = {k: (searches[k], fs) for k, fs in zip(order, found)}

    def candidates(self, ev: Event) -> list[FusedEvent]:
        """Fused events the store holds near this mention in type, time and space."""
        cache = self._of_doc
        if cache is None:
            mine = self.store.fused_for_doc(ev.doc_id)
        else:
            if ev.doc_id not in cache:
                # as the run left them (its writes may wait in _pending)
                cache[ev.doc_id] = {fe.cluster_id: self._written.get(fe.cluster_id, fe)
                                    for fe in self.store.fused_for_doc(ev.doc_id)}
                cache[ev.doc_id].update((cid, fe) for cid, fe in self._written.items()
                                        if any(r.doc_id == ev.doc_id for r in fe.reports))
            mine = [cache[ev.doc_id][k] for k in sorted(cache[ev.doc_id])]  # the store's order
        found: dict[str, FusedEvent] = {fe.cluster_id: fe for fe in mine}
        known = self._found.get(id(ev)) if self._found is not None else None
        q = known[0] if known is not None else self.search_for(ev)
        if q is not None:
            written = self._written
            before = known[1] if known is not None else None
            if before is not None and len(before) >= q.limit and (
                    any(fe.cluster_id in written for fe in before) or any(q.admits(fe) for fe in written.values())):
                # the run wrote into a search that hit its limit: a member may have left it, or one
                # from beyond the limit come in: the store is asked again (not when the run's writes
                # are none of its business: the store would answer the same)
                before = None
            if before is not None:
                # what the store answered before the run, with the run's writes as the store has them now
                near = {fe.cluster_id: fe for fe in before if fe.cluster_id not in written}
                near.update((cid, fe) for cid, fe in written.items() if q.admits(fe))
                near_list = sorted(near.values(), key=CandidateSearch.order)[:q.limit]
            else:
                self._flush()
                near_list = self.store.fusion_candidates(sub_event_types=list(q.sub_event_types), date_lo=q.date_lo,
                                                         date_hi=q.date_hi, bbox=q.bbox, limit=q.limit)
            for fe in near_list:
                found.setdefault(fe.cluster_id, fe)
        return list(found.values())

    def score(self, ev: Event, fe: FusedEvent) -> float:
        """How well a mention fits a fused event: its best link to one report, 0 if a rule forbids it."""
        r = self.rules
        if any(rep.event_id == ev.event_id for rep in fe.reports):
            return 1.0
        same_doc = [rep for rep in fe.reports if rep.doc_id == ev.doc_id]
        if any(r.continues_agreement(ev, rep) for rep in same_doc):
            return 1.0
        if same_doc and not any(r.same_doc_ok(ev, rep) for rep in same_doc):
            return 0.0  # the document reports two different events here
        # hard rules (type, place, date) hold against every report; the score is the best link.
        # A report with only a vague place (a region, "near" a city) that joined a report placed
        # exactly does not veto: its place says less than the exact one.
        core = [rep for rep in fe.reports if rep.location is None or not vague_place(rep.location)] or fe.reports
        scores = [r.pair_score(ev, rep) for rep in core]
        if not scores or min(scores) == 0.0:
            return 0.0
        return max(scores)

    def _attach(self, ev: Event, reps: list[Report]) -> FusedEvent:
        best, best_score = None, 0.0
        for fe in self.candidates(ev):
            s = self.score(ev, fe)
            if s > best_score:
                best, best_score = fe, s
        if best is not None and best_score >= self.rules.threshold:
            mine = {r.event_id for r in reps} | {ev.event_id + "~denial"}
            reports = [x for x in best.reports if x.event_id not in mine] + reps
            fe = merge.build(best.cluster_id, reports, self.rules)
            log.debug("%s joins %s (score %.2f)", ev.event_id, fe.cluster_id, best_score)
            if self._before is not None:
                self._before.setdefault(best.cluster_id, best)
            self._left.update(self._stale(best, fe))
        else:
            fe = merge.build(merge.cluster_id_for(ev.event_id), reps, self.rules)
            if self._before is not None:
                self._before.setdefault(fe.cluster_id, None)
        self._save(fe)
        ev.cluster_id = fe.cluster_id
        return fe

    def _save(self, fe: FusedEvent) -> None:
        item = (fe, self.rules.family_key(fe.sub_event_type), place_key(fe.location))
        if self._pending is not None:
            self._pending[fe.cluster_id] = item
        else:
            self.store.save_fused_many([item])
        self._touched[fe.cluster_id] = fe
        if self._found is not None:
            self._written[fe.cluster_id] = fe
        cache = self._of_doc
        for doc_id in {r.doc_id for r in fe.reports} & set(cache or ()):
            cache[doc_id][fe.cluster_id] = fe  # type: ignore[index]

    def _flush(self) -> None:
        """Write the fused events ``process`` has kept back (before the store is read for them)."""
        if self._pending:
            self.store.save_fused_many(list(self._pending.values()))
            self._pending.clear()

    def _drop_agreements(self, cluster_id: str, old: Optional[list[Agreement]] = None) -> dict[str, Place]:
        """Delete a fused event's agreements (``old``: them, when already read); returns the
        places (by key) whose control they fed."""
        if self.agreements is None:
            return {}
        if old is None:
            old = self.store.agreements_of([cluster_id]).get(cluster_id, [])
        if not old:
            return {}
        self.store.delete_agreements(cluster_id)
        return {k: a.place for a in old if a.place is not None and (k := place_key(a.place))}

    def _stale(self, old: FusedEvent, new: FusedEvent) -> dict[str, Place]:
        """The place whose timeline a territorial fused event stops feeding when a report joins or
        leaves it (its type turns to a clash, or its place moves): that timeline is recomputed too."""
        key = place_key(old.location)
        if old.sub_event_type not in self.rules.territorial or old.location is None or key is None:
            return {}
        if new.sub_event_type in self.rules.territorial and place_key(new.location) == key:
            return {}
        return {key: old.location}

    def _follow_up(self, fused: Iterable[FusedEvent], stale: Optional[dict[str, Place]] = None) -> None:
        """Agreements built again on these fused events, and the control timelines of the places
        they (and ``stale``) touch. Inside ``process`` a timeline is recomputed only when a fused
        event or deal there changes hands, before or after (a timeline is made of changes of hands
        alone, ``ControlTracker.update``: recomputing it for any other event there, reading every
        report at the place, gives the same periods)."""
        places: dict[str, Place] = {}
        before = self._before
        control = self.control

        def touch(p: Optional[Place]) -> None:
            if control is not None and p is not None and (p.geo_precision or 1) <= 2:
                key = place_key(p)
                if key:
                    places[key] = p

        fused = list(fused)
        terr = self.rules.territorial
        if control is not None and before is not None:
            for pre in before.values():  # a change of hands the store's timeline holds goes, or moves
                if pre is not None and pre.sub_event_type in terr and control.change_of_fused(pre) is not None:
                    touch(pre.location)
        else:
            for p in (stale or {}).values():
                touch(p)
        # the agreements built on these fused events before, read at once
        old = self.store.agreements_of([fe.cluster_id for fe in fused]) if self.agreements is not None else {}
        for fe in fused:
            if fe.sub_event_type in terr and (control is None or before is None
                                              or control.change_of_fused(fe) is not None):
                touch(fe.location)
            if self.agreements is not None:
                dropped = old.get(fe.cluster_id, [])
                self._drop_agreements(fe.cluster_id, dropped)
                for a in dropped:
                    if control is None or before is None or control.change_of_deal(a) is not None:
                        touch(a.place)
                ag = self.agreements.build(fe)
                if ag is not None:
                    self.store.save_agreement(ag)
                    if control is None or before is None or control.change_of_deal(ag) is not None:
                        touch(ag.place)
        if self.control is not None:
            for key in sorted(places):
                self.control.update(key, places[key])


class BatchFuser:
    """Fusion without a persistent store (``rasd extract``): documents and events are added as
    they come and fused into a private store that ``store_factory()`` opens (an empty one,
    e.g. ``rasd.store.scratch_store``) and ``close`` closes; ``settle`` sets every event's final
    cluster_id/status (a later report can turn an earlier one's event from single-source to
    confirmed or disputed)."""

    def __init__(self, store_factory: Callable[[], FusingStore], rules: Optional[Rules] = None):
        self._docs: dict[str, Document] = {}
        self.store = store_factory()
        self.fuser = Fuser(self.store, rules, documents=self._docs.get, control=False, agreements=False,
                           revisions=False)

    def add(self, docs: Iterable[Document], events: list[Event]) -> list[Event]:
        for d in docs:
            self._docs[d.doc_id] = d
        return self.fuser.process(events)

    def settle(self, events: list[Event]) -> list[Event]:
        status: dict[str, str] = {}
        for ev in events:
            cid = ev.cluster_id or ""
            if cid and cid not in status:
                fe = self.store.get_fused(cid)
                status[cid] = fe.status if fe else ""
            ev.status = status.get(cid) or ev.status
        return events

    def fused(self) -> list[FusedEvent]:
        return self.store.query_fused(limit=10**9)

    def close(self) -> None:
        self.store.close()


def fuse_in_memory(docs: list[Document], events: list[Event], store_factory: Callable[[], FusingStore],
                   rules: Optional[Rules] = None) -> list[FusedEvent]:
    """Fuse one batch in a private store: sets cluster_id/status on ``events``, returns the fused events."""
    bf = BatchFuser(store_factory, rules)
    try:
        bf.add(docs, events)
        bf.settle(events)
        return bf.fused()
    finally:
        bf.close()
