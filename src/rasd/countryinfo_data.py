"""countryinfo's per-country records (ISO 3166 alpha-2 -> the package's JSON record: centroid,
alternative spellings, demonym, population), read from the pinned package's data files. Shared
by the geo side (country centroids and names) and the code side (adjectives of every people)."""
from __future__ import annotations

import json
from importlib import resources


def countryinfo_records() -> dict[str, dict]:
    """countryinfo's per-country JSON files, keyed by ISO alpha-2 (unreadable files skipped)."""
    out: dict[str, dict] = {}
    root = resources.files("countryinfo").joinpath("data")
    for entry in root.iterdir():
        if not entry.name.endswith(".json"):
            continue
        try:
            d = json.loads(entry.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            continue
        iso = (d.get("ISO") or {}).get("alpha2")
        if iso:
            out[iso] = d
    return out
