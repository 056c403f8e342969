"""A GeoJSON FeatureCollection (RFC 7946) of located events, for maps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasid.export.acled import fatalities_of, review_status


def to_geojson(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Point features for events with coordinates; events without a location are left out."""
    return {"type": "FeatureCollection", "features": [f for f in map(feature, records) if f is not None]}


def feature(r: dict[str, Any]) -> dict[str, Any] | None:
    """The point feature of an event, None when it has no coordinates."""
    loc = r.get("location") or {}
    lat, lon = loc.get("lat"), loc.get("lon")
    if lat is None or lon is None:
        return None
    killed = r.get("killed") or {}
    return {
        "type": "Feature",
        # GeoJSON positions are [longitude, latitude].
        "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
        "properties": {
            "id": r.get("id"),
            "event_type": r.get("event_type"),
            "sub_event_type": r.get("sub_event_type"),
            "plover_type": r.get("plover_type"),
            "date": r.get("date"),
            "place": loc.get("name"),
            "place_id": loc.get("place_id"),
            "country": loc.get("country"),
            "geo_precision": loc.get("geo_precision"),
            "actor1": (r.get("actor1") or {}).get("name") or (r.get("actor1") or {}).get("text"),
            "actor2": (r.get("actor2") or {}).get("name") or (r.get("actor2") or {}).get("text"),
            "fatalities": fatalities_of(killed) if killed else None,
            # UCDP GED's range: low/best/high (None where the text gives no such figure)
            "fatalities_low": killed.get("low", killed.get("total")),
            "fatalities_best": killed.get("best", killed.get("total")),
            "fatalities_high": killed.get("high", killed.get("total")),
            "hedged": r.get("hedged", False),
            "reviewed": review_status(r) or None,
            "article": (r.get("article") or {}).get("path"),
        },
    }
