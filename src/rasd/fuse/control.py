"""Territorial control: a timeline per place of who holds it since when, with the evidence.

Built from the fused territorial events at the place (takeovers, government
recaptures, non-violent transfers incl. withdrawals) and from the reached evacuation,
surrender and reconciliation deals there. Each is a *change of hands*: who gains the
place and, when it is known, who loses it. A fused event changes hands only through the
reports of it that tell of the change (fuse/changes.py: a finished act, news not background,
the place named in the sentence, the holder where the taker stands, the coder's confidence).
A loser the event does not name may be read in its reports' texts ("government forces vacated
Homs"); the first loser becomes the holder of an opening period (open start, held until the
change). A country's army holds no place outside its country unless the texts say it is
occupied, and a place does not flip A -> B -> A within days on one outlet's word. Each period
counts the reports (documents) and known outlets behind it. Recomputed for one place at a time
when a fused event or agreement there changes. Rules: docs/fusion.md.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable, Iterable, Optional

from ..geodesy import haversine_km
from ..records import Actor, Agreement, ControlPeriod, Document, Evidence, FusedEvent, Place, RecalledChange, Report
from ..store.base import FusingStore
from .agreements import sentences
from .changes import ChangeReader, Reading, is_foreign
from .merge import NEGATIVE
from .rules import Rules, load_data, norm_name, place_key

log = logging.getLogger(__name__)

UNKNOWN = "unknown (after withdrawal)"


@dataclass
class Change:
    """One change of hands at a place."""

    day: date
    place: Place
    gainer: Optional[str]
    loser: Optional[str]
    event_ids: list[str]
    evidence: list[Evidence]
    status: Optional[str]
    order: str = ""  # tie-break between changes of one day
    loser_evidence: list[Evidence] = field(default_factory=list)
    led_by: Optional[str] = None
    led_by_evidence: list[Evidence] = field(default_factory=list)
    docs: set[str] = field(default_factory=set)  # documents whose reports tell of the change
    outlets: set[str] = field(default_factory=set)  # their known outlets
    loser_docs: set[str] = field(default_factory=set)  # documents that name the loser
    loser_outlets: set[str] = field(default_factory=set)
    basis: str = "takeover"
    precision: Optional[str] = None  # of ``day``, when a recollection alone dates the change ("month")
    recalled_docs: set[str] = field(default_factory=set)  # documents that only recall the change


@dataclass
class Foreign:
    """A country's army outside its country (``country_forces`` names; a coalition is none) holds
    a place only where the texts say the place is occupied (``occupation_words``)."""

    forces: re.Pattern
    occupied: re.Pattern

    @classmethod
    def load(cls, cfg: dict) -> "Foreign":
        return cls(re.compile(cfg.get("country_forces") or r"(?!x)x", re.I),
                   re.compile(cfg.get("occupation_words") or r"(?!x)x", re.I))

    def army_of(self, actor: Optional[Actor]) -> Optional[str]:
        """The country whose army ``actor`` is, or None."""
        if actor is None or not actor.country or not self.forces.search(actor.name or ""):
            return None
        return actor.country.upper()

    def outside(self, actor: Optional[Actor], place: Place) -> bool:
        country = self.army_of(actor)
        return bool(country and place.country and place.country.upper() != country)

    def occupation(self, docs: Iterable[Optional[Document]], place: Place) -> Optional[Evidence]:
        """A sentence of these documents naming the place and saying it is occupied."""
        names = [n for n in {place.mention, place.name} if n and len(n) > 2]
        for doc in docs:
            if doc is None:
                continue
            for s, e in sentences(doc.text):
                text = doc.text[s:e]
                if self.occupied.search(text) and any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text, re.I)
                                                      for n in names):
                    rs, re_ = doc.raw_span(s, e)
                    return Evidence(doc.doc_id, rs, re_, doc.raw[rs:re_], field="control:occupied")
        return None


class ControlTracker:
    """``documents`` and ``reader`` (a context.HolderReader) let the tracker read the reports'
    texts for a loser or a leading group the events do not name; without them it does not."""

    def __init__(self, store: FusingStore, rules: Rules, documents: Optional[Callable[[str], Optional[Document]]] = None,
                 reader=None, warm: Optional[Callable[[Iterable[str]], None]] = None):
        """``warm(doc_ids)``: told which documents a timeline is about to read (the fuser reads
        them in one query)."""
        self.store = store
        self.rules = rules
        self.documents = documents
        self.reader = reader
        self.warm = warm
        cfg = load_data("fusion.yaml").get("control") or {}
        rc = cfg.get("recall") or {}
        self.recall_weight = float(rc.get("weight", 0.5))
        self.recall_merge_days = int(rc.get("merge_days", 31))
        self.recall_slack_days = int(rc.get("slack_days", 7))
        self.handover = re.compile(cfg.get("handover_deal", r"(?!x)x"), re.IGNORECASE)
        self.changes = ChangeReader(cfg.get("report") or {})
        self.foreign = Foreign.load(cfg)
        self.flip_days = int(cfg.get("flip_days", 30))
        self.min_flip_outlets = int(cfg.get("min_flip_outlets", 2))

    def update(self, key: Optional[str], place: Optional[Place] = None) -> list[ControlPeriod]:
        """Recompute and store the timeline of one place; returns it. ``place`` (its name) finds
        the agreements there."""
        if not key:
            return []
        fused = self.store.fused_at_place(key, sorted(self.rules.territorial))
        recalled = self.store.recalled_at(key)
        if place is None:  # the place as its reports or recollections name it (its agreements are found by name)
            place = next((fe.location for fe in fused if fe.location is not None), None) or next(
                (r.place for r in recalled), None)
        if self.warm is not None:
            self.warm(r.doc_id for fe in fused for r in fe.reports if _same_place(r.location, fe.location))
        deals: list[Agreement] = []
        if place is not None and place.name:
            deals = [a for a in self.store.query_agreements(place=place.name, status="reached", limit=10_000)
                     if place_key(a.place) == key]
        changes = [c for c in (self.change_of_fused(fe) for fe in fused) if c is not None]
        changes += [c for c in (self.change_of_deal(a) for a in deals) if c is not None]
        changes = recollect(changes, recalled, self.rules, weight=self.recall_weight,
                            merge_days=self.recall_merge_days, slack_days=self.recall_slack_days)
        periods = periods_of(changes, flip_days=self.flip_days, min_flip_outlets=self.min_flip_outlets)
        self.store.replace_control(key, periods)
        return periods

    def _doc(self, doc_id: str) -> Optional[Document]:
        return self.documents(doc_id) if self.documents is not None else None

    # -- changes of hands ---------------------------------------------------------
    def readings(self, fe: FusedEvent) -> list[tuple[Report, Reading]]:
        """Each report of a territorial fused event, read for a change of hands at its place."""
        out = []
        for rep in fe.reports:
            if not _same_place(rep.location, fe.location):
                out.append((rep, Reading.no("the report is placed elsewhere")))
                continue
            doc = self._doc(rep.doc_id)
            reading = self.changes.read(rep, fe.location, doc.published if doc else None)
            if reading.ok and reading.gainer is not None and self.foreign.outside(reading.gainer, fe.location):  # type: ignore[arg-type]
                occ = self.foreign.occupation([doc], fe.location)  # type: ignore[arg-type]
                if occ is None:
                    reading = Reading.no(f"{reading.gainer.name} is a country's army outside its country and "
                                         "the text does not say the place is occupied")
                else:
                    reading.evidence.append(occ)
            out.append((rep, reading))
        return out

    def change_of_fused(self, fe: FusedEvent) -> Optional[Change]:
        if not fe.date or not fe.location:
            return None
        read = self.readings(fe)
        for rep, r in read:
            if not r.ok:
                log.debug("control at %s: %s (%s) moves no line: %s", fe.location.name, rep.event_id, rep.doc_id,
                          r.reason)
        good = [(rep, r) for rep, r in read if r.ok]
        # reports that tell of the change without naming a recognised taker support it too
        telling = [(rep, r) for rep, r in read if r.tells and not r.ok]
        if not good:
            if not telling:
                return None
            # the change told, its taker not named: no line moves on it, but a recollection that
            # names the taker may join it (``recollect``); its day is the reports'
            days = [rep.date for rep, _ in telling if rep.date is not None and rep.time_precision == "day"]
            return Change(day=min(days) if days else fe.date, place=fe.location, gainer=None, loser=None,
                          event_ids=[rep.event_id for rep, _ in telling],
                          evidence=[r.evidence[0] for _, r in telling if r.evidence][:2], status=fe.status,
                          order=fe.cluster_id, docs={rep.doc_id for rep, _ in telling},
                          outlets=_outlets(rep for rep, _ in telling))
        gains = [_name(r.gainer) for _, r in good]
        gainer = _pick([g for g in gains if g], self.rules)
        losses = [n for _, r in good if (n := _name(r.loser)) and n != gainer]
        loser = _pick(losses, self.rules)
        if gainer is None:
            if loser is None:
                return None
            gainer = UNKNOWN
        backing = [(rep, r) for rep, r in good if gainer == UNKNOWN or _name(r.gainer) == gainer]
        # the day the reports that tell of the change give (to the day), not an earlier report's the
        # fused event also holds ("surrounding Damascus" on Saturday, "took control of Damascus on Sunday")
        days = [rep.date for rep, _ in backing if rep.date is not None and rep.time_precision == "day"]
        ch = Change(day=min(days) if days else fe.date, place=fe.location, gainer=gainer, loser=loser,
                    event_ids=[rep.event_id for rep, _ in backing + telling],
                    evidence=[e for _, r in backing for e in r.evidence][:6] + [r.evidence[0] for _, r in telling][:2],
                    status=fe.status, order=fe.cluster_id,
                    docs={rep.doc_id for rep, _ in backing + telling},
                    outlets=_outlets(rep for rep, _ in backing + telling),
                    basis="withdrawal" if gainer == UNKNOWN or all(r.kind == "withdrawal" for _, r in backing)
                    else "takeover")
        loser_actor: Optional[Actor] = None
        if loser is not None:
            named = [(rep, r) for rep, r in good if _name(r.loser) == loser]
            ch.loser_docs, ch.loser_outlets = {rep.doc_id for rep, _ in named}, _outlets(rep for rep, _ in named)
            loser_actor = named[0][1].loser
        docs = [self._doc(d) for d in dict.fromkeys(rep.doc_id for rep, _ in good)]
        if loser is None and gainer != UNKNOWN and self.reader is not None and self.documents is not None:
            for doc in docs:
                found = self.reader.loser(doc, fe.location, fe.date)
                if found and norm_name(found[0].name) != norm_name(gainer):
                    ch.loser, ch.loser_evidence = found[0].name, [found[1]]
                    ch.loser_docs = {found[1].doc_id}
                    ch.loser_outlets = {o for o in [_outlet_of(doc)] if o}
                    loser_actor = found[0]
                    break
        if ch.loser is not None and self.foreign.outside(loser_actor, fe.location) and \
                self.foreign.occupation(docs, fe.location) is None:
            ch.loser, ch.loser_evidence, ch.loser_docs, ch.loser_outlets = None, [], set(), set()
        if gainer == UNKNOWN and ch.loser is not None and self.reader is not None:
            self._taker_from_text(ch, docs)
        if ch.gainer != UNKNOWN and norm_name(ch.gainer) in self.rules.generic_actors and self.reader is not None \
                and self.documents is not None:
            for doc in docs:
                found = self.reader.leader(doc, fe.date, fe.location.country, self.rules.generic_actors)
                if found:
                    ch.led_by, ch.led_by_evidence = found[0], [found[1]]
                    break
        return ch

    def _taker_from_text(self, ch: Change, docs: list[Optional[Document]]) -> None:
        """A withdrawal whose reports name nobody taking the place: a sentence of the same
        documents where an armed actor takes it, as news ("their rebel proxies swept into Afrin")."""
        for doc in docs:
            if doc is None:
                continue

            def news(text: str, verb: tuple[int, int], doc: Document = doc) -> bool:
                t = self.changes.text_at(text, doc.doc_id, None, verb)
                return not self.changes.background(t, ch.day, "day", doc.published)

            found = self.reader.taker(doc, ch.place, ch.day, news)
            if not found or norm_name(found[0].name) == norm_name(ch.loser) or _name(found[0]) is None:
                continue
            if self.foreign.outside(found[0], ch.place) and self.foreign.occupation([doc], ch.place) is None:
                continue
            ch.gainer, ch.basis = found[0].name, "withdrawal"
            ch.evidence = ch.evidence + [found[1]]
            return

    def change_of_deal(self, ag: Agreement) -> Optional[Change]:
        """A reached evacuation, surrender or reconciliation deal: the fighters leave, the place
        passes to the state party from the deal's date (the other armed party, if named, loses it).
        A deal with no state party, one that moves nobody (a ceasefire), or one whose texts do
        not name its place changes no hands."""
        if ag.status != "reached" or ag.date is None or ag.place is None:
            return None
        words = " ".join([c.text for c in ag.clauses] + [e.text for e in ag.evidence])
        names = {n.lower() for n in (ag.place.mention, ag.place.name) if n and len(n) > 2}
        if not any(n in words.lower() for n in names):
            return None  # a deal whose texts never name the place ("her husband surrendered") moves no line
        docs = sorted({e.doc_id for e in ag.evidence} | {c.evidence.doc_id for c in ag.clauses if c.evidence})
        why = self._deal_not_news(ag, docs)
        if why:
            log.debug("control at %s: deal %s moves no line: %s", ag.place.name, ag.agreement_id, why)
            return None
        if not any(c.kind == "who_leaves" for c in ag.clauses) and not self._handover_sentence(ag):
            return None
        state = [p for p in ag.parties if _is_state(p) and _name(p)]
        state = [p for p in state if not self.foreign.outside(p, ag.place)
                 or self.foreign.occupation([self._doc(d) for d in docs], ag.place) is not None]
        if not state:
            return None
        others = [p for p in ag.parties if not _is_state(p) and _name(p)
                  and norm_name(p.name) not in self.rules.generic_actors]
        evidence = list(ag.evidence[:3]) + [c.evidence for c in ag.clauses if c.evidence][:3]
        outlets = {o for d in docs if (o := _outlet_of(self._doc(d)))}
        return Change(day=ag.date, place=ag.place, gainer=state[0].name, loser=others[0].name if others else None,
                      event_ids=list(ag.event_ids), evidence=evidence, status=None, order=ag.agreement_id,
                      docs=set(docs), outlets=outlets, loser_docs=set(docs) if others else set(),
                      loser_outlets=outlets if others else set(), basis="deal")


    def _deal_not_news(self, ag: Agreement, docs: list[str]) -> str:
        """A deal retold long after it was made, or in a background clause, moves no line (as a report)."""
        pubs = [d.published for d in (self._doc(i) for i in docs) if d is not None and d.published]
        if not pubs or ag.date is None:
            return ""
        first = min(pubs)
        if ag.date < first - timedelta(days=self.changes.news_days):
            return f"dated {ag.date}, long before the article ({first})"
        return ""

    def _handover_sentence(self, ag: Agreement) -> bool:
        """No clause says who leaves: a sentence of the deal must say the place is handed over
        ("the fighters surrendered Douma", "the evacuation of Douma"): a handover word with the
        place named in its clause, as news."""
        assert ag.place is not None
        for e in ag.evidence:
            if len(e.text) < 20:
                continue  # a cited word, not a sentence
            doc = self._doc(e.doc_id)
            for m in self.handover.finditer(e.text):
                t = self.changes.text_at(e.text, e.doc_id, e.start, m.span())
                if self.changes.names_in_clause(t, ag.place) and not self.changes.background(
                        t, ag.date, None, doc.published if doc else None):
                    return True
        return False


def timeline_summary(periods: list[ControlPeriod]) -> dict[str, Any]:
    """What one place's timeline rests on: the documents its evidence cites, their known outlets,
    whether it all rests on one report, and which periods rest on one."""
    docs = sorted({e.doc_id for p in periods for e in p.evidence})
    return {"reports": len(docs), "outlets": sorted({o for p in periods for o in p.outlets}),
            "rests_on_one_report": len(docs) == 1,
            "periods_on_one_report": [i for i, p in enumerate(periods) if (p.reports or len(
                {e.doc_id for e in p.evidence})) == 1]}


def _same_place(a: Optional[Place], b: Optional[Place], km: float = 10.0) -> bool:
    """A report's own place is the fused event's (the same name, or within ``km``)."""
    if a is None or b is None:
        return False
    if norm_name(a.name) == norm_name(b.name) or (a.geonameid and a.geonameid == b.geonameid):
        return True
    if None in (a.lat, a.lon, b.lat, b.lon):
        return False
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= km  # type: ignore[arg-type]


def _outlet_of(doc: Optional[Document]) -> Optional[str]:
    return norm_name(doc.outlet) or None if doc is not None and doc.outlet else None


def _outlets(reports: Iterable[Report]) -> set[str]:
    """Known, distinct outlets (a report with no outlet counts for none)."""
    return {norm_name(r.outlet) for r in reports if r.outlet and norm_name(r.outlet)}


def _is_state(a: Actor) -> bool:
    return "state" in (a.actor_type or "").lower()


def _name(a: Optional[Actor]) -> Optional[str]:
    """A holder must be an actor the coder recognised ("Trump's decision" is no holder) and
    identified (an "unidentified armed group" holds nothing one could name)."""
    if a is None or not a.name or not a.known or norm_name(a.name).startswith("unidentified"):
        return None
    return a.name


def change_of(rep: Report, rules: Rules) -> tuple[Optional[str], Optional[str]]:
    """(gainer, loser) that one report gives by the coder's roles alone."""
    a1, a2 = _name(rep.actor1), _name(rep.actor2)
    if rep.sub_event_type == "Non-violent transfer of territory" and rules.is_withdrawal(rep.sentence):
        return a2, a1
    if rep.attrs.get("kind") in ("withdrawal", "evacuation") and a1:
        return a2, a1
    return a1, a2


def _pick(names: list[str], rules: Rules) -> Optional[str]:
    """The most reported name, preferring a named group to a generic label ("rebels")."""
    if not names:
        return None
    specific = [n for n in names if norm_name(n) not in rules.generic_actors]
    pool = specific or names
    return Counter(pool).most_common(1)[0][0]


def recollect(changes: list[Change], recalled: list[RecalledChange], rules: Rules, *, weight: float = 0.5,
              merge_days: int = 31, slack_days: int = 7) -> list[Change]:
    """The place's changes with its recalled changes joined in (fuse/recall.py). Recollections
    whose dates lie within ``merge_days`` of each other tell one change. Where a report of the
    event lies within their dates (give or take ``slack_days``), they join it: its day stands,
    they add their documents and may name the taker it lacks; where they name another taker,
    each recollection weighs ``weight`` against 1 for each document reporting the event (a tie
    goes to the reports). Alone, they make a change of their own, dated to the first day their
    words allow (the precision kept), basis "recalled"."""
    out = list(changes)
    groups: list[list[RecalledChange]] = []
    for r in sorted(recalled, key=lambda r: (r.day_lo, r.day_hi, r.doc_id)):
        if groups and r.day_lo <= max(x.day_hi for x in groups[-1]) + timedelta(days=merge_days):
            groups[-1].append(r)
        else:
            groups.append([r])
    for g in groups:
        lo, hi = min(r.day_lo for r in g), max(r.day_hi for r in g)
        near = [c for c in out if c.basis != "recalled" and lo - timedelta(days=slack_days) <= c.day
                <= hi + timedelta(days=slack_days)]
        target = min(near, key=lambda c: (_days_outside(c.day, lo, hi), -len(c.docs))) if near else None
        votes: Counter = Counter()
        for name, docs in _by_name(g, "gainer").items():
            votes[name] += weight * len(docs)
        if target is not None and target.gainer not in (None, UNKNOWN):
            votes[target.gainer] += len(target.docs - target.recalled_docs)
        gainer = max(votes, key=lambda n: (votes[n], n == (target.gainer if target else None))) if votes else None
        losers = _by_name(g, "loser")
        loser = max(losers, key=lambda n: len(losers[n])) if losers else None
        backing = [r for r in g if _name(r.gainer) == gainer] if gainer else [r for r in g if _name(r.loser) == loser]
        evidence = [e for r in backing for e in r.evidence][:6] + [
            r.evidence[0] for r in g if r not in backing][:2]
        docs = {r.doc_id for r in g}
        outlets = {r.outlet for r in g if r.outlet}
        if target is not None:
            new_docs = docs - target.docs
            target.recalled_docs |= new_docs
            target.docs |= docs
            target.outlets |= outlets
            target.evidence = target.evidence + evidence
            if gainer is not None and gainer != target.gainer:
                target.gainer = gainer
            if target.loser is None and loser is not None and loser != target.gainer:
                target.loser = loser
                target.loser_docs = set(losers[loser])
                target.loser_outlets = {r.outlet for r in g if r.outlet and _name(r.loser) == loser}
            continue
        if gainer is None and loser is None:
            continue
        los, his = [r.day_lo for r in backing], [r.day_hi for r in backing]
        first = max(los) if max(los) <= min(his) else min(los)  # the days every recollection allows, else the earliest
        precision = min((r for r in backing if r.day_lo == first), key=lambda r: (r.day_hi - r.day_lo)).precision
        out.append(Change(day=first, place=backing[0].place, gainer=gainer or UNKNOWN,
                          loser=loser if loser != gainer else None, event_ids=[], evidence=evidence, status=None,
                          order="recalled:" + min(docs), docs=docs, outlets=outlets,
                          loser_docs=set(losers.get(loser, [])) if loser else set(),
                          loser_outlets={r.outlet for r in g if r.outlet and _name(r.loser) == loser} if loser else set(),
                          basis="recalled", precision=None if precision == "day" else precision,
                          recalled_docs=set(docs)))
    return out


def _days_outside(day: date, lo: date, hi: date) -> int:
    return 0 if lo <= day <= hi else min(abs((day - lo).days), abs((day - hi).days))


def _by_name(group: list[RecalledChange], role: str) -> dict[str, list[str]]:
    """The documents of a group of recollections that name each holder in ``role`` (each document once)."""
    out: dict[str, list[str]] = {}
    for r in group:
        name = _name(getattr(r, role))
        if name and r.doc_id not in out.setdefault(name, []):
            out[name].append(r.doc_id)
    return out


def periods_of(changes: Iterable[Change], flip_days: int = 30, min_flip_outlets: int = 2) -> list[ControlPeriod]:
    """Periods from a place's changes of hands, in date order; a holder that comes and goes
    within ``flip_days`` on fewer than ``min_flip_outlets`` known outlets is dropped."""
    periods: list[ControlPeriod] = []
    support: list[tuple[set[str], set[str], set[str]]] = []  # (documents, outlets, recalling documents) per period

    def add(period: ControlPeriod, docs: set[str], outlets: set[str], recalled: Iterable[str] = ()) -> None:
        periods.append(period)
        support.append((set(docs), set(outlets), set(recalled)))

    for ch in sorted(changes, key=lambda c: (c.day, c.order)):
        gainer, loser = ch.gainer, ch.loser
        if gainer is None:
            continue
        if gainer == UNKNOWN and (loser is None or (periods and norm_name(periods[-1].holder) != norm_name(loser))):
            continue  # someone who did not hold the place (or nobody we may name) left it: no change of hands
        if not periods and loser:
            # the loser held the place until this change (since when, the texts do not say)
            add(ControlPeriod(place=ch.place, holder=loser, start=None, end=ch.day, event_ids=list(ch.event_ids),
                              evidence=ch.loser_evidence + ch.evidence, basis="loser"),
                ch.loser_docs or ch.docs, ch.loser_outlets if ch.loser_docs else ch.outlets,
                (ch.loser_docs or ch.docs) & ch.recalled_docs)
        cur = periods[-1] if periods else None
        gap: list = []
        gap_docs: tuple[set[str], set[str], set[str]] = (set(), set(), set())
        if cur is not None and cur.holder == UNKNOWN and cur.start == ch.day and gainer != UNKNOWN:
            # "the troops withdrew" and "the rebels moved in" on one day: the place went straight
            # to the rebels; the withdrawal's evidence stays with them
            periods.pop()
            gap_docs = support.pop()
            gap = cur.evidence
            cur = periods[-1] if periods else None
            if cur is not None:
                cur.end = None
        if cur is not None and norm_name(cur.holder) == norm_name(gainer):
            cur.event_ids += [i for i in ch.event_ids if i not in cur.event_ids]
            cur.evidence += ch.evidence + gap
            cur.led_by = cur.led_by or ch.led_by
            support[-1][0].update(ch.docs | gap_docs[0])
            support[-1][1].update(ch.outlets | gap_docs[1])
            support[-1][2].update(ch.recalled_docs | gap_docs[2])
            continue
        if cur is not None and cur.end is None:
            cur.end = ch.day
        add(ControlPeriod(place=ch.place, holder=gainer, start=ch.day, end=None, event_ids=list(ch.event_ids),
                          evidence=ch.evidence + ch.led_by_evidence + gap, status=ch.status,
                          previous=loser or (cur.holder if cur else None), led_by=ch.led_by, basis=ch.basis,
                          start_precision=ch.precision),
            ch.docs | gap_docs[0], ch.outlets | gap_docs[1], ch.recalled_docs | gap_docs[2])
    _drop_flips(periods, support, flip_days, min_flip_outlets)
    for p, (docs, outlets, recalled) in zip(periods, support):
        p.reports, p.outlets, p.recalled = len(docs), sorted(outlets), len(recalled & docs)
    return periods


def _drop_flips(periods: list[ControlPeriod], support: list[tuple[set[str], set[str], set[str]]], days: int,
                min_outlets: int) -> None:
    """A -> B -> A with B lasting at most ``days`` on fewer than ``min_outlets`` known outlets: B
    is dropped and A runs on (its evidence and support joined)."""
    i = 1
    while i + 1 < len(periods):
        prev, mid, nxt = periods[i - 1], periods[i], periods[i + 1]
        if (norm_name(prev.holder) == norm_name(nxt.holder) and mid.start is not None and nxt.start is not None
                and nxt.start - mid.start <= timedelta(days=days) and len(support[i][1]) < min_outlets):
            log.debug("control at %s: %s from %s dropped (back to %s within %s days on one outlet)",
                      mid.place.name, mid.holder, mid.start, nxt.holder, days)
            prev.end = nxt.end
            prev.event_ids += [e for e in nxt.event_ids if e not in prev.event_ids]
            prev.evidence += nxt.evidence
            support[i - 1][0].update(support[i + 1][0])
            support[i - 1][1].update(support[i + 1][1])
            support[i - 1][2].update(support[i + 1][2])
            del periods[i:i + 2], support[i:i + 2]
            if i < len(periods):
                periods[i].previous = prev.holder
            continue
        i += 1
