"""The state actors of every country, generated from ``code/data/countries.yaml`` and the
country list (pycountry: ISO 3166) with the adjectives of its people (countryinfo's demonyms).

Each country gets one actor per role of the file (military, police, government), named in
ACLED's style with the naming period of the event's date ("Military Forces of Kenya
(2013-2022)"), with the role's nouns after each adjective of the country as aliases ("Kenyan
police", "Kenya police", "Kenya's police"). The module returns plain records; the actor
knowledge base (``lexicon.ActorKB``) turns them into its entries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from ..countryinfo_data import countryinfo_records
from . import dataload as dl
from .dataload import Key

_CC = dl.pattern(r"[A-Z]{2}", "an ISO 3166 alpha-2 code (two capital letters)")
_WORDS = dl.list_of(dl.text)
_ROLE = dl.record({"name": Key(dl.text, True), "type": Key(dl.text, True), "nouns": Key(_WORDS, True)})
_FILE = dl.record({
    "names": Key(dl.mapping(_CC, dl.text), True),
    "extra_countries": Key(dl.mapping(_CC, dl.record({"name": Key(dl.text, True), "adjectives": Key(_WORDS, True)}))),
    "article": Key(dl.list_of(_CC), True),
    "adjectives": Key(dl.mapping(_CC, _WORDS), True),
    "adjective_owner": Key(dl.mapping(dl.text, _CC)),
    "periods": Key(dl.mapping(_CC, dl.list_of(dl.day)), True),
    "roles": Key(dl.mapping(dl.one_of("military", "police", "government"), _ROLE), True),
    "clues": Key(dl.mapping(_CC, _WORDS)),
})


@dataclass
class Countries:
    """Every country's ACLED name, its adjectives and its naming periods."""

    names: dict[str, str]  # alpha-2 -> ACLED's name ("Ivory Coast")
    article: set[str]
    adjectives: dict[str, list[str]]  # alpha-2 -> adjectives of its people, the owner's only
    periods: dict[str, list[date]]
    roles: dict[str, dict]
    population: dict[str, int] = field(default_factory=dict)
    clues: dict[str, list[str]] = field(default_factory=dict)  # alpha-2 -> names that point to it (its leaders)

    @classmethod
    def load(cls, raw: Optional[dict] = None) -> "Countries":
        d = dl.read("countries.yaml", _FILE) if raw is None else _FILE(raw, dl.Where("countries.yaml"))
        import pycountry

        info = _countryinfo()
        names: dict[str, str] = {}
        adjectives: dict[str, list[str]] = {}
        for c in pycountry.countries:
            cc = c.alpha_2
            names[cc] = d["names"].get(cc) or getattr(c, "common_name", None) or c.name
            demonyms = [x.strip() for x in str(info.get(cc, {}).get("demonym") or "").split(",")]
            adjectives[cc] = _unique(demonyms + d["adjectives"].get(cc, []))
        for cc, extra in (d.get("extra_countries") or {}).items():
            names[cc] = extra["name"]
            adjectives[cc] = _unique(extra["adjectives"] + d["adjectives"].get(cc, []))
        population = {cc: int(info.get(cc, {}).get("population") or 0) for cc in names}
        # an adjective of several countries belongs to one: the file's choice, else the most populous
        owners: dict[str, str] = {}
        for cc in sorted(names, key=lambda c: -population.get(c, 0)):
            for adj in adjectives[cc]:
                owners.setdefault(adj.lower(), cc)
        owners.update({k.lower(): v for k, v in (d.get("adjective_owner") or {}).items()})
        adjectives = {cc: [a for a in adjs if owners[a.lower()] == cc] for cc, adjs in adjectives.items()}
        for cc in list(d["periods"]) + list(d["article"]) + list(d.get("clues") or {}):
            if cc not in names:
                raise dl.Where("countries.yaml", cc).fail("not a country of ISO 3166 nor of extra_countries")
        return cls(names, set(d["article"]), adjectives, {k: sorted(v) for k, v in d["periods"].items()},
                   d["roles"], population, dict(d.get("clues") or {}))

    def name(self, cc: Optional[str]) -> Optional[str]:
        return self.names.get(cc) if cc else None

    def state(self, cc: str) -> str:
        """The country's name as a state actor's names write it ("the United States")."""
        return ("the " if cc in self.article else "") + self.names[cc]

    def period_names(self, base: str, cc: str) -> list[dict]:
        """``base`` named per naming period: [{name, from, to}] (the last open-ended)."""
        days = self.periods.get(cc) or []
        out = []
        for i, start in enumerate(days):
            end = days[i + 1] if i + 1 < len(days) else None
            years = f"{start.year}-{end.year}" if end else f"{start.year}-"
            out.append({"name": f"{base} ({years})", "from": start if i else None, "to": end})
        return out

    def state_actors(self) -> list[dict]:
        """One record per country and role: id ``<cc>-<role>``, name, period names, type, country,
        aliases (the role's nouns after every adjective of the country, its ACLED names) and, for
        the military, the country's name as a place alias (its forces only as an event's agent)."""
        out = []
        for cc in sorted(self.names):
            name = self.names[cc]
            adjs = self.adjectives.get(cc, [])
            forms = adjs + [name, f"{name}'s"]
            for role, spec in self.roles.items():
                base = spec["name"].replace("{state}", self.state(cc))
                plain = spec["name"].replace("{state}", name)
                aliases = _unique([base, plain] + [f"{f} {noun}" for f in forms for noun in spec["nouns"]])
                names = self.period_names(base, cc)
                out.append({"id": f"{cc.lower()}-{role}", "name": names[-1]["name"] if names else base,
                            "names": names, "type": spec["type"], "country": cc, "aliases": aliases,
                            "place_aliases": [name] if role == "military" else [], "state_role": None})
        return out


def _unique(words: list[str]) -> list[str]:
    seen, out = set(), []
    for w in words:
        k = w.strip().lower()
        if k and k not in seen:
            seen.add(k)
            out.append(w.strip())
    return out


def _countryinfo() -> dict[str, dict]:
    """countryinfo's demonym and population of every country, keyed by ISO alpha-2."""
    return {cc: {"demonym": d.get("demonym"), "population": d.get("population")} for cc, d in countryinfo_records().items()}
