"""The actor filter through the knowledge base (issue 14): "SDF" or "HTS" finds the events of
the Syrian Democratic Forces or Hayat Tahrir al-Sham, whose stored names are the canonical ones;
and suggestions as an analyst types. Built once with the actor knowledge base (``ActorKB``)."""
from __future__ import annotations

import re
from typing import Any, Optional

from .lexicon import ActorEntry, ActorKB, norm

_TEMPLATE = re.compile(r"\s*\(?\{country\}\)?")
_PREFIX = re.compile(r"^[A-Z]{2,6}:\s*")  # ACLED's "QSD: Syrian Democratic Forces"


class ActorSearch:
    def __init__(self, kb: ActorKB):
        self.kb = kb

    def names(self, query: str) -> list[str]:
        """What to look for in stored actor names when a user asks for ``query``: the query itself
        and, when the knowledge base knows it (a name, an alias, an old name), that actor's names.
        A template actor ("Military Forces of {country}") gives its fixed part."""
        out = [query.strip()]
        ident = self.kb.lookup(query)
        if ident is not None and ident in self.kb.actors:
            a = self.kb.actors[ident]
            # its names, and its aliases of several words: a store coded before a rename holds the
            # old spelling ("Hayat Tahrir al-Sham" before "HTS: Hayat Tahrir al Sham")
            out += self._names_of(a) + [x for x in a.aliases if " " in x.strip() and not a.template]
        seen: dict[str, str] = {}
        for n in out:
            if n and len(n) >= 2:
                seen.setdefault(n.lower(), n)
        return list(seen.values())

    def suggest(self, query: str, limit: int = 10) -> list[dict[str, Any]]:
        """Actors of the knowledge base a typed text may mean: a name or alias starting with it
        first, then containing it; each with the alias that matched."""
        q = norm(query)
        if not q:
            return []
        hits: list[tuple[int, int, str, dict[str, Any]]] = []
        for a in self.kb.actors.values():
            if a.template:
                continue
            best: Optional[tuple[int, str]] = None
            for alias in [a.name, *a.aliases, *(n["name"] for n in a.names)]:
                k = norm(alias)
                rank = 0 if k == q else 1 if k.startswith(q) else 2 if q in k else None
                if rank is not None and (best is None or rank < best[0]):
                    best = (rank, alias)
            if best is not None:
                hits.append((best[0], len(a.name), a.name, {
                    "name": self._names_of(a)[0], "matched": best[1], "aliases": list(a.aliases),
                    "type": a.actor_type, "country": a.country}))
        hits.sort(key=lambda h: h[:3])
        return [h[3] for h in hits[:limit]]

    @staticmethod
    def _names_of(a: ActorEntry) -> list[str]:
        """Its canonical and former names, each also without ACLED's acronym prefix: the names
        stored events carry (the coder writes canonical names, never aliases)."""
        names = [_TEMPLATE.sub("", a.name).strip()] + [n["name"] for n in a.names]
        names += [_PREFIX.sub("", n) for n in names if _PREFIX.match(n)]
        return list(dict.fromkeys(n for n in names if n))
