"""ACLED's unit of record: one event per place, day and event type (docs/CODING-GUIDE.md).

Rasid's record keeps every incident an article tells where the article tells it: a car bomb in
al-Zafaraniya and another in al-Bayaa, both in Baghdad on one day, are two events, each with its
toll, so that a story can compare what outlets say of each. ACLED codes them as one event in
Baghdad with the deaths added up, and so does the ACLED export: `one_per_place_day` rolls up the
reportable incidents of one article that share an event type, a day and a place (the quarters of
a city count as the city), unless their attackers are two different named parties.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from rasid.extract.events.fields import Location
from rasid.knowledge.places import Place, km_between, load_places

# Place types that are parts of a city, and the types a city has.
_QUARTERS = frozenset({"neighbourhood"})
_CITIES = frozenset({"city"})
# How many levels of containers a quarter may sit under before its city.
_MAX_LEVELS = 3
_TOLL_KEYS = ("total", "low", "best", "high", "civilians", "children", "women")


def _unit_of(location: dict[str, Any] | None) -> tuple[str, Place | None] | None:
    """The place an event counts at (a quarter's city, else its own place), and the city when the
    location is a quarter of it."""
    place_id = (location or {}).get("place_id")
    if not place_id:
        return None
    kb = load_places()
    place = kb.get(str(place_id))
    if place is None:
        return None
    if place.type not in _QUARTERS:
        return place.id, None
    parent = place.parent
    for _ in range(_MAX_LEVELS):
        container = kb.get(parent) if parent else None
        if container is None:
            break
        if container.type in _CITIES:
            return container.id, container
        parent = container.parent
    # (the gazetteer may file a quarter under its governorate: the city it lies in is the nearest)
    city = _nearest_city(place)
    return (city.id, city) if city is not None else (place.id, None)


# A quarter filed under no city belongs to the nearest city within this distance.
_QUARTER_KM = 25.0


@lru_cache(maxsize=4096)
def _nearest_city(place: Place) -> Place | None:
    best: tuple[float, Place] | None = None
    for city in _cities():
        if city.country != place.country:
            continue
        km = km_between(place.lat, place.lon, city.lat, city.lon)
        if km <= _QUARTER_KM and (best is None or km < best[0]):
            best = (km, city)
    return best[1] if best else None


@lru_cache(maxsize=1)
def _cities() -> tuple[Place, ...]:
    return tuple(p for p in load_places().all() if p.type in _CITIES)




# An attacker no one named does not tell two events apart.
_UNNAMED = frozenset({"unidentified_armed_group"})


def _attacker(record: dict[str, Any]) -> str | None:
    """The named party that acted (its ACLED name), None when the text names none."""
    actor = record.get("actor1") or {}
    if not actor.get("id") or actor.get("id") in _UNNAMED:
        return None
    return str(actor.get("name") or actor.get("id"))


def one_per_place_day(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records with each article's incidents of one type, day and place rolled up into the
    first of them (records that are no reportable incident, or have no place or date, pass as they are)."""
    out: list[dict[str, Any]] = []
    groups: dict[tuple[Any, ...], int] = {}
    for record in records:
        unit = _unit_of(record.get("location")) if not record.get("special") and record.get("date") else None
        if unit is None:
            out.append(record)
            continue
        article = (record.get("article") or {}).get("id")
        key = (article, record.get("event_type"), str(record["date"])[:10], unit[0])
        at = groups.get(key)
        if at is not None and _attacker(out[at]) and _attacker(record) and _attacker(out[at]) != _attacker(record):
            at = None  # two named attackers: two events
        if at is None:
            groups[key] = len(out)
            out.append(record)  # (alone, a quarter keeps its own place)
            continue
        out[at] = _added(out[at], record, unit[1])
    return out


def rolled_up_in_order(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """`one_per_place_day` of records that come day by day with each article's events of a day
    together (as `rasid.api.events.iter_events` gives them: by event day, then by row, an article's
    rows having consecutive ids), holding only one article's events of one day at a time."""
    chunk: list[dict[str, Any]] = []
    key: tuple[str, Any] | None = None
    for record in records:
        here = (str(record.get("date") or "")[:10], (record.get("article") or {}).get("id"))
        if chunk and here != key:
            yield from one_per_place_day(chunk)
            chunk = []
        key = here
        chunk.append(record)
    if chunk:
        yield from one_per_place_day(chunk)


def _add_tolls(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any] | None:
    if not a or not b:
        return a or b
    out = dict(a)
    for key in _TOLL_KEYS:
        if a.get(key) is not None or b.get(key) is not None:
            out[key] = (a.get(key) or 0) + (b.get(key) or 0)
    for key in ("best", "high"):
        if a.get(key) is None or b.get(key) is None:
            out[key] = None  # (a sum with an open end is open)
    return out


def _added(first: dict[str, Any], other: dict[str, Any], city: Place | None) -> dict[str, Any]:
    """`first` with `other` (same article, type, day and place) rolled into it."""
    out = dict(first)
    for key in ("killed", "injured"):
        out[key] = _add_tolls(first.get(key), other.get(key))
    for key in ("actor1", "actor2"):
        if not out.get(key) and other.get(key):
            out[key] = other[key]
    if city is not None:
        texts = [str((r.get("location") or {}).get("text") or "") for r in (first, other)]
        out["location"] = Location.of_place(city, "، ".join(dict.fromkeys(t for t in texts if t))).record()
    evidence = dict(first.get("evidence") or {})
    evidence["text"] = " / ".join(
        t for t in dict.fromkeys([str(evidence.get("text") or ""), str((other.get("evidence") or {}).get("text") or "")]) if t
    )
    out["evidence"] = evidence
    out["rolled_up"] = int(first.get("rolled_up") or 1) + int(other.get("rolled_up") or 1)
    return out
