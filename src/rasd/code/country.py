"""The story's country, the code stage's part in placing it (see docs/architecture.md).

Two small stages around the geo stage, each ``process(batch: list[Result]) -> list[Result]``:

* ``CountryHint`` sets ``Result.country_hint``: the country whose local actors the story names
  most. The geo stage resolves the story's place names in that country.
* ``CountryRefiner`` sets ``Result.reread_country``: a country the story's resolved places make
  clear and its actors did not give. The geo stage then reads the story once more in it, so a
  village that matched a namesake abroad falls back to the area the text puts it in.
"""
from __future__ import annotations

import re
from typing import Optional

from ..records import Document, Result, Toponym
from .lexicon import ActorKB, norm
from .place import Places

_COUNTRY_WEIGHT = {"rebel group": 2, "political militia": 2, "identity militia": 2, "state forces": 1}
_DEMONYM_END = re.compile(r"(?:ish|ian|ese|i|an)$")


class CountryHint:
    """Result -> Result with ``country_hint`` set from the actor knowledge base."""

    name = "hint"

    def __init__(self, actors: ActorKB):
        self.actors = actors

    def process(self, batch: list[Result]) -> list[Result]:
        for res in batch:
            res.country_hint = actor_country(self.actors, res.document.text) or known_country(res.document)
        return batch


def known_country(doc: Document) -> Optional[str]:
    """The country the document's source is known to cover (``meta["country"]``, ISO alpha-2: a watched
    source's country), the story's country when its own words name none."""
    cc = doc.meta.get("country") if isinstance(doc.meta, dict) else None
    return cc.upper() if isinstance(cc, str) and re.fullmatch(r"[A-Za-z]{2}", cc) else None


class CountryRefiner:
    """Result -> Result with ``reread_country`` set where the resolved places make a country clear."""

    name = "refine"

    def __init__(self, places: Places):
        self.places = places

    def process(self, batch: list[Result]) -> list[Result]:
        for res in batch:
            res.reread_country = refined_country(named_toponyms(res.document, res.toponyms, self.places), res.country_hint)
        return batch


def actor_country(kb: ActorKB, text: str, wide: bool = False) -> Optional[str]:
    """Without places, the country whose local actors the text names most (weighted by type).
    ``wide``: groups that fight in several countries vote for their home one too (a last resort
    for naming actors when no place is known, never a hint to the geo stage)."""
    votes: dict[str, int] = {}
    for a, b, kind, ident in kb.find(text[:20000]):
        if kind != "actor" or kb.ambiguous(text[a:b]):
            continue
        party = kb.crowd_country.get(norm(text[a:b]))
        if party:  # "ODM supporters": a crowd, of the party's country
            votes[party] = votes.get(party, 0) + _COUNTRY_WEIGHT["political militia"]
            continue
        a = kb.actors[ident]
        if len(a.operates_in) > 1 and not wide:
            continue  # JNIM fights in Mali, Burkina Faso and Niger: a clue to none of them
        if a.country and not a.template:
            votes[a.country] = votes.get(a.country, 0) + _COUNTRY_WEIGHT.get(a.actor_type, 0)
        elif len(a.homes) == 1:  # "Dogon militiamen": a people of one country
            votes[a.homes[0]] = votes.get(a.homes[0], 0) + _COUNTRY_WEIGHT.get(a.actor_type, 0)
    for cc, _, _ in kb.clues_in(text[:20000]):  # "after Gbagbo dissolved the government"
        votes[cc] = votes.get(cc, 0) + _COUNTRY_WEIGHT["political militia"]
    best = max(votes.items(), key=lambda kv: kv[1], default=(None, 0))
    return best[0] if best[1] > 0 else None


def people_country(kb: ActorKB, text: str) -> Optional[str]:
    """The last resort for naming a story's actors when neither its places nor its actors give a
    country: the people its words name most ("Iraqi women took to the streets", "Ivorian
    students"), else None. Never a hint to the geo stage: foreigners are named by their people too."""
    votes: dict[str, int] = {}
    for cc, _, _, _ in kb.adjectives_in(text[:20000]):
        votes[cc] = votes.get(cc, 0) + 1
    best = max(votes.items(), key=lambda kv: kv[1], default=(None, 0))
    return best[0] if best[1] > 0 and list(votes.values()).count(best[1]) == 1 else None


def named_toponyms(doc: Document, tops: list[Toponym], places: Places) -> list[Toponym]:
    """The toponyms that name places: names inside actor descriptions ("pro-Turkey", "Iran-backed",
    "US forces") and country adjectives are not; resolved ones carry coordinates."""
    named = [t for t in tops if not places.affiliation(doc.text, t.start, t.end) and not (
        t.place is not None and (t.place.lat is None or demonym_like(doc.text, t) or places.attributive(doc.text, t)))]
    return places.consistent(doc.text, named)


def demonym_like(text: str, t: Toponym) -> bool:
    """'Israeli', 'Turkish': an adjective of a country is not a place of the event."""
    return t.place.is_country() and t.text != t.place.name and bool(_DEMONYM_END.search(t.text))


def place_votes(tops: list[Toponym], by_score: bool = False) -> dict[str, float]:
    """Votes of a document's resolved places for its country (a first-level area counts less than
    a town or a country named; ``by_score``: a confident resolution more than a doubtful one)."""
    votes: dict[str, float] = {}
    for t in tops:
        if t.place.country:
            w = 0.6 if (t.place.feature or "").startswith("A.ADM1") else 1.0
            if by_score:
                w *= 0.5 + (t.place.score or 0.5)
            votes[t.place.country] = votes.get(t.place.country, 0) + w
    return votes


def place_country(tops: list[Toponym], hint: Optional[str] = None) -> Optional[str]:
    """The country most of a document's places are in (ties go to ``hint``, the country of the story's actors)."""
    votes = place_votes(tops)
    if hint in votes:
        votes[hint] += 0.1
    if not votes:
        return None
    best, top = max(votes.items(), key=lambda kv: kv[1])
    if hint and hint not in votes and top < 1.5 * max([v for c, v in votes.items() if c != best] or [0]):
        return hint  # namesakes scattered over several countries outvote nothing: the actors' country stands
    return best


def refined_country(tops: list[Toponym], hint: Optional[str]) -> Optional[str]:
    """A country the document's places make clear and its actors did not give (None when no
    better than ``hint``): the geo stage then reads the story again in that country."""
    votes = place_votes([t for t in tops if t.place is not None and not t.place.is_country()],
                        by_score=True)
    if not votes:
        return None
    best, top = max(votes.items(), key=lambda kv: kv[1])
    if best == hint:
        return None
    # a clear winner only: places scattered over several countries are namesakes, not a country
    clear = top >= 1.5 * max([v for c, v in votes.items() if c != best] or [0])
    if hint is None:
        return best if clear else None
    return best if clear and top >= 1.5 and votes.get(hint, 0.0) == 0.0 else None
