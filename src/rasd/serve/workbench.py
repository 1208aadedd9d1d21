"""The safe-correction guard (issue 14): a correction that moves an event far, or into another
country, needs the analyst's confirmation. Thresholds in ``serve/data/workbench.yaml``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from ..code import dataload as dl
from ..code.dataload import Key
from ..geodesy import haversine_km
from ..records import Place


@dataclass(frozen=True)
class WorkbenchRules:
    confirm_move_km: float
    country_of_point_km: float

    @classmethod
    def load(cls) -> "WorkbenchRules":
        number = dl.integer
        d = dl.read("workbench.yaml", dl.record({"corrections": Key(dl.record({
            "confirm_move_km": Key(number, True), "country_of_point_km": Key(number, True)}), True)}),
            package="rasd.serve")
        c = d["corrections"]
        return cls(confirm_move_km=float(c["confirm_move_km"]), country_of_point_km=float(c["country_of_point_km"]))


def risky_move(now: Optional[Place], new: Optional[dict[str, Any]], rules: WorkbenchRules,
               country_at: Callable[[float, float], Optional[str]] = lambda lat, lon: None) -> Optional[dict[str, Any]]:
    """Why moving an event from ``now`` to the corrected location ``new`` needs confirmation, or
    None: farther than ``confirm_move_km``, or into another country (a place given by its point
    alone takes the country ``country_at`` finds there)."""
    if now is None or not new:
        return None
    to_country = new.get("country")
    if not to_country and new.get("lat") is not None and new.get("lon") is not None:
        to_country = country_at(new["lat"], new["lon"])
    km = None
    if None not in (now.lat, now.lon, new.get("lat"), new.get("lon")):
        km = haversine_km(now.lat, now.lon, new["lat"], new["lon"])  # type: ignore[arg-type]
    reasons = []
    if km is not None and km > rules.confirm_move_km:
        reasons.append(f"moves the event {km:,.0f} km (more than {rules.confirm_move_km:,.0f} km)")
    if now.country and to_country and now.country.upper() != str(to_country).upper():
        reasons.append(f"moves it from {now.country} to {to_country}")
    if not reasons:
        return None
    return {"error": f"this correction {' and '.join(reasons)}: send it again with confirm=true if it is right",
            "distance_km": round(km, 1) if km is not None else None,
            "from": {"name": now.name, "country": now.country, "admin1": now.admin1, "lat": now.lat, "lon": now.lon},
            "to": {"name": new.get("name"), "country": to_country, "admin1": new.get("admin1"),
                   "lat": new.get("lat"), "lon": new.get("lon")},
            "needs": "confirm"}
