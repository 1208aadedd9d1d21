"""Revisions of fused events: what their readers are told changed.

A fused event is rewritten each time a report joins or leaves it; a *revision* is a rewrite
that changed something a reader follows (fuse/data/revisions.yaml: a new status, a higher
corroboration, another type, place or fatality figure), or its first appearance. Revisions are
numbered per fused event (1 when it appears) and recorded in the transaction of the fusion that
made them (``FusionStore.record_revision``); the store queues there, in the same transaction,
one notification for every alert whose search the fused event matches. Comparing with the state
at the last revision, not with the previous rewrite, makes the record idempotent: fusing the
same document again, or rewriting a fused event without news, records nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

from ..clock import stamp
from ..records import Document, FusedEvent
from ..store.base import FusedRevision, FusionStore
from .rules import load_data, place_key

FIELDS = ("status", "corroboration", "event_type", "sub_event_type", "place", "fatalities")


@dataclass(frozen=True)
class RevisionRules:
    changed: tuple[str, ...]  # news when they change
    rises: tuple[str, ...]    # news when they rise

    @classmethod
    def load(cls, path: Optional[str] = None) -> "RevisionRules":
        """The rules of ``fuse/data/revisions.yaml`` (or the file at ``path``); ValueError naming
        the file and the key when it holds an unknown key or field."""
        where = path or "fuse/data/revisions.yaml"
        data = load_data("revisions.yaml", path)
        unknown = sorted(set(data) - {"changed", "rises"})
        if unknown:
            raise ValueError(f"{where}: unknown key {unknown[0]!r} (changed, rises)")
        out = {}
        for key in ("changed", "rises"):
            vals = data.get(key) or []
            if not isinstance(vals, list) or any(v not in FIELDS for v in vals):
                raise ValueError(f"{where}: {key} must be a list of fields among {', '.join(FIELDS)}")
            out[key] = tuple(vals)
        both = set(out["changed"]) & set(out["rises"])
        if both:
            raise ValueError(f"{where}: {sorted(both)[0]!r} is under both changed and rises")
        return cls(**out)

    def compare(self, old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
        """What is news between two states: [{"field", "from", "to"}], in FIELDS order."""
        out = []
        for f in FIELDS:
            a, b = old.get(f), new.get(f)
            if f in self.changed and a != b:
                out.append({"field": f, "from": a, "to": b})
            elif f in self.rises and b is not None and (a is None or b > a):
                out.append({"field": f, "from": a, "to": b})
        return out


def state_of(fe: FusedEvent) -> dict[str, Any]:
    """The fields a revision compares, of a fused event as it is now."""
    return {"status": fe.status, "corroboration": fe.corroboration, "event_type": fe.event_type,
            "sub_event_type": fe.sub_event_type,
            "place": place_key(fe.location) or (fe.location.name if fe.location else None),
            "fatalities": fe.fatalities}


def event_summary(fe: FusedEvent, documents: Callable[[str], Optional[Document]]) -> dict[str, Any]:
    """A fused event in a notification: its fields and each report with its outlet and URL."""
    loc = fe.location
    reports = []
    urls: dict[str, Optional[str]] = {}
    for r in fe.reports:
        if r.doc_id not in urls:
            doc = documents(r.doc_id)
            urls[r.doc_id] = doc.url if doc else None
        reports.append({"event_id": r.event_id, "doc_id": r.doc_id, "outlet": r.outlet, "url": urls[r.doc_id],
                        "stance": r.stance, "sentence": r.sentence})
    return {
        "cluster_id": fe.cluster_id, "event_type": fe.event_type, "sub_event_type": fe.sub_event_type,
        "date": fe.date.isoformat() if fe.date else None,
        "location": {"name": loc.name, "country": loc.country, "admin1": loc.admin1, "lat": loc.lat,
                     "lon": loc.lon} if loc else None,
        "actor1": fe.actor1.name if fe.actor1 else None, "actor2": fe.actor2.name if fe.actor2 else None,
        "fatalities": fe.fatalities, "status": fe.status, "corroboration": fe.corroboration,
        "reports": reports,
    }


class Revisions:
    """``Revisions(store, documents).record(cluster_ids)``: a revision for each of these fused
    events that has news since its last one (inside the caller's transaction)."""

    def __init__(self, store: FusionStore, documents: Callable[[str], Optional[Document]],
                 rules: Optional[RevisionRules] = None):
        self.store = store
        self.documents = documents
        self.rules = rules or RevisionRules.load()

    def record(self, cluster_ids: Iterable[str], at: Optional[str] = None,
               known: Optional[dict[str, FusedEvent]] = None) -> list[FusedRevision]:
        """``known``: fused events as just saved in this transaction (not read again)."""
        at = at or stamp()
        out = []
        ids = sorted(set(cluster_ids))
        with self.store.transaction():
            fused = {cid: fe for cid, fe in (known or {}).items() if cid in ids}
            if len(fused) < len(ids):
                fused.update(self.store.get_fused_many([cid for cid in ids if cid not in fused]))
            lasts = self.store.fused_revisions(ids)
            writes: list[tuple[FusedRevision, Optional[dict[str, Any]]]] = []
            for cid in ids:
                rev = self._revise(cid, at, fused.get(cid), lasts.get(cid), writes)
                if rev is not None:
                    out.append(rev)
            self.store.record_revisions(writes)
        return out

    def _revise(self, cid: str, at: str, fe: Optional[FusedEvent], last: Optional[FusedRevision],
                writes: list[tuple[FusedRevision, Optional[dict[str, Any]]]]) -> Optional[FusedRevision]:
        """The news of one fused event since ``last``; what to record is appended to ``writes``."""
        if fe is None:  # gone (its only document re-read into other events)
            if last is not None:
                self.store.forget_revision(cid)
            return None
        state = state_of(fe)
        if last is None:
            rev = FusedRevision(cid, 1, at, at, [{"field": "new"}], state)
        else:
            changes = self.rules.compare(last.state, state)
            if not changes:
                if state != last.state:  # e.g. corroboration fell: the next rise counts from here
                    writes.append((FusedRevision(cid, last.revision, last.created_at, last.changed_at,
                                                 last.changes, state), None))
                return None
            rev = FusedRevision(cid, last.revision + 1, last.created_at, at, changes, state)
        payload = {"kind": "new" if rev.revision == 1 else "changed", "cluster_id": cid, "revision": rev.revision,
                   "at": at, "changes": rev.changes, "event": event_summary(fe, self.documents)}
        writes.append((rev, payload))
        return rev
