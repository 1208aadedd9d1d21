"""Distances on the globe, shared by the geoparser, fusion and the store (no dependencies)."""
from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bbox_around(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a box holding every point within ``km`` of (lat, lon): a
    cheap index filter to run before ``haversine_km``."""
    dlat = km / 111.0
    dlon = km / max(1e-6, 111.0 * math.cos(math.radians(max(-89.0, min(89.0, lat)))))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat
