"""An analyst's review of a coded event, as data: which fields may be corrected, how a requested
value becomes a record value, and what a stored event looks like with its reviews applied.

Reviews are stored apart from what Rasid computed (`rasid.store.reviews`): the `record` column of
`events` stays Rasid's, and the reviewed record is that record with the corrections laid over it.
A review names its event by the article's content hash and the event's `fingerprint` (where in
the text it was read), so it finds its event again when the same article is analysed anew.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

from rasid.extract.events.kinds import ACLED_EVENT_TYPES
from rasid.text.normalize import normalize_word

REVIEWABLE_FIELDS = (
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "location",
    "date",
    "killed",
    "injured",
)
ACTIONS = {"confirm": "confirmed", "correct": "corrected", "reject": "rejected"}
MAX_NOTE_CHARS = 2000
MAX_NAME_CHARS = 200
_MAX_TOLL = 1_000_000
# Separates the values of a search key (a filter's words never hold it).
KEY_SEPARATOR = "\n"


class ReviewError(ValueError):
    """A review that cannot be stored: unknown event, bad action, bad field or value."""


class UnknownEventError(ReviewError, LookupError):
    """The review names no stored event."""


def fingerprint(record: Mapping[str, Any]) -> str:
    """Where in its article an event was read and where it happened: its evidence and trigger
    offsets and its place (one sentence of a round-up tells of shelling on several villages).
    Computed from what Rasid coded, never from a review. Two events alike in all of these (rare)
    share their reviews."""
    evidence = record.get("evidence") or {}
    triggers = (record.get("spans") or {}).get("trigger") or []
    trigger = triggers[0][0] if triggers and triggers[0] else ""
    loc = record.get("location") or {}
    place = loc.get("place_id") or loc.get("name") or ""
    return f"{_text(evidence.get('start'))}:{_text(evidence.get('end'))}:{_text(trigger)}:{place}"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# --------------------------------------------------------------------------- requested values


def resolve_changes(changes: Mapping[str, Any] | None, record: Mapping[str, Any]) -> dict[str, Any]:
    """The record values of a correction (`changes`: field -> requested value), checked."""
    if not isinstance(changes, Mapping) or not changes:
        raise ReviewError("a correction needs `changes`: an object of field -> new value")
    unknown = sorted(str(k) for k in changes if k not in REVIEWABLE_FIELDS)
    if unknown:
        raise ReviewError(f"cannot correct {', '.join(unknown)}: fields are {', '.join(REVIEWABLE_FIELDS)}")
    out: dict[str, Any] = {}
    day = changes.get("date", record.get("date"))
    for name, value in changes.items():
        if name == "event_type":
            if value not in ACLED_EVENT_TYPES:
                raise ReviewError(f"event_type {value!r}: one of {', '.join(sorted(ACLED_EVENT_TYPES))}")
            out[name] = value
        elif name == "sub_event_type":
            out[name] = _text_value(name, value)
        elif name in ("actor1", "actor2"):
            out[name] = None if value in (None, "") else actor_value(name, value, _day(day))
        elif name == "location":
            out[name] = location_value(value)
        elif name == "date":
            out[name] = _date_value(value)
        else:
            out[name] = toll_value(name, value)
    event_type = out.get("event_type", record.get("event_type"))
    sub = out.get("sub_event_type", record.get("sub_event_type"))
    if ("event_type" in out or "sub_event_type" in out) and sub not in ACLED_EVENT_TYPES.get(
        str(event_type), ()
    ):
        allowed = ", ".join(sorted(ACLED_EVENT_TYPES.get(str(event_type), ())))
        raise ReviewError(f"sub_event_type {sub!r} is not one of {event_type!r}: give one of {allowed}")
    return out


def _text_value(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME_CHARS:
        raise ReviewError(f"{name}: a non-empty text of at most {MAX_NAME_CHARS} characters")
    return value.strip()


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _date_value(value: Any) -> str:
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ReviewError(f"date {value!r}: a day as YYYY-MM-DD") from None


def actor_value(name: str, value: Any, day: dt.date | None = None) -> dict[str, Any]:
    """An actor of the knowledge base named by id, ACLED name or alias; other words are kept as
    an unlinked actor (no id, no side)."""
    from rasid.knowledge.actors import load_actors

    text = _text_value(name, value)
    kb = load_actors()
    actor = None
    if text in kb:
        actor = kb.get(text)
    else:
        actor = kb.actor_by_acled_name(text)
        if actor is None:
            found = kb.lookup(text, day)
            actor = found[0] if found else None
    if actor is None:
        return {"id": None, "text": text, "side": None, "inter": None, "name": text}
    return {
        "id": actor.id,
        "text": text,
        "side": actor.side,
        "inter": actor.inter,
        "name": actor.acled_name or actor.name_en,
    }


def location_value(value: Any) -> dict[str, Any]:
    """A location record from a gazetteer id or name, or from {"name", "lat", "lon"}."""
    from rasid.extract.events.fields import Location
    from rasid.knowledge.places import load_places

    if isinstance(value, Mapping):
        name = _text_value("location name", value.get("name"))
        lat, lon = _coordinate(value.get("lat"), 90, "lat"), _coordinate(value.get("lon"), 180, "lon")
        return Location(None, name, name, None, lat, lon, None, None, 1, None).record()
    text = _text_value("location", value)
    kb = load_places()
    place = kb.get(text)
    if place is None:
        found = kb.lookup(text)
        place = found[0] if found else None
    if place is None:
        raise ReviewError(f"location {text!r}: no such place in Rasid's gazetteer; give {{name, lat, lon}}")
    return Location.of_place(place, text).record()


def _coordinate(value: Any, bound: float, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or abs(value) > bound
    ):
        raise ReviewError(f"location {name}: a number between -{bound:g} and {bound:g}")
    return float(value)


def toll_value(name: str, value: Any) -> dict[str, Any]:
    """A toll record from a number (the total) or {"total": n, "civilians": …}."""
    given = dict(value) if isinstance(value, Mapping) else {"total": value}
    keys = ("total", "civilians", "children", "women")
    unknown = sorted(str(k) for k in given if k not in keys)
    if unknown or "total" not in given:
        raise ReviewError(
            f"{name}: a number, or an object with `total` and optionally civilians, children, women"
        )
    out: dict[str, Any] = {"total": None, "civilians": None, "children": None, "women": None}
    for key, number in given.items():
        if number is None and key != "total":
            continue
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= _MAX_TOLL:
            raise ReviewError(f"{name}.{key}: a whole number from 0 to {_MAX_TOLL}")
        out[key] = number
    total = out["total"]
    out.update(
        {"combatants": [], "bound": "exact", "reported": True, "low": total, "best": total, "high": total}
    )
    return out


# --------------------------------------------------------------------------- reviewed records


def review_state(
    reviews: Iterable[Mapping[str, Any]],
) -> tuple[str, dict[str, Any], Mapping[str, Any]] | None:
    """(status, corrections, latest review) of an event's reviews in the order they were made:
    the latest action gives the status; corrections accumulate (a later confirm keeps them)."""
    status: str | None = None
    merged: dict[str, Any] = {}
    latest: Mapping[str, Any] | None = None
    for review in reviews:
        latest = review
        status = ACTIONS[str(review["action"])]
        if review["action"] == "correct":
            merged.update(review.get("changes") or {})
    if status is None or latest is None:
        return None
    return status, merged, latest


def apply_changes(record: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `record` with corrected values (record form, as `resolve_changes` gives them)."""
    out = copy.deepcopy(record)
    for name, value in changes.items():
        out[name] = copy.deepcopy(value)
    if "date" in changes:
        out["date_precision"] = "day"
    if "event_type" in changes or "sub_event_type" in changes:
        out.pop("plover_type", None)  # (PLOVER's type was read from the computed one)
    return out


def before_values(record: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    return {name: copy.deepcopy(record.get(name)) for name in fields}


def review_summary(
    status: str, changes: Mapping[str, Any], latest: Mapping[str, Any], computed: Mapping[str, Any]
) -> dict[str, Any]:
    """What a reviewed record says of its review: status, who, when, note, corrected values and
    the values Rasid computed for them."""
    return {
        "status": status,
        "by": latest.get("reviewer") or "",
        "at": latest.get("at"),
        "note": latest.get("note") or "",
        "changes": dict(changes),
        "before": before_values(computed, changes),
    }


# --------------------------------------------------------------------------- filter columns


def _fold(value: Any) -> str:
    return " ".join(normalize_word(str(value)).lower().split())


def search_key(values: Iterable[Any]) -> str:
    """The folded values a part-match filter looks in, one per line (see `fold_needle`)."""
    return KEY_SEPARATOR + KEY_SEPARATOR.join(_fold(v) for v in values if v) + KEY_SEPARATOR


def fold_needle(needle: str) -> str:
    """A filter's words folded as `search_key` folds values."""
    return _fold(needle)


def place_values(record: Mapping[str, Any]) -> list[Any]:
    loc = record.get("location") or {}
    return [loc.get("name"), loc.get("name_en"), loc.get("place_id"), loc.get("admin1"), loc.get("admin2")]


def actor_values(record: Mapping[str, Any]) -> list[Any]:
    out: list[Any] = []
    for actor in [record.get("actor1"), record.get("actor2"), *(record.get("assoc_actors") or [])]:
        if actor:
            out += [actor.get("id"), actor.get("text"), actor.get("name"), actor.get("side")]
    return out


def filter_columns(record: Mapping[str, Any]) -> dict[str, Any]:
    """The `events` columns the filters read, from a (reviewed) record."""
    from rasid.extract.events.incident import is_incident

    loc = record.get("location") or {}
    killed = record.get("killed") or {}
    return {
        "event_type": record.get("event_type") or "",
        "sub_event_type": record.get("sub_event_type") or "",
        "event_date": record.get("date"),
        "date_precision": record.get("date_precision"),
        "place_id": loc.get("place_id"),
        "place_name": loc.get("name"),
        "latitude": loc.get("lat"),
        "longitude": loc.get("lon"),
        "actor1": _actor_label(record.get("actor1")),
        "actor2": _actor_label(record.get("actor2")),
        "fatalities": killed.get("total"),
        "incident": int(is_incident(dict(record))),
        "confidence": record.get("confidence"),
        "side1": (record.get("actor1") or {}).get("side"),
        "side2": (record.get("actor2") or {}).get("side"),
        "place_key": search_key(place_values(record)),
        "actor_key": search_key(actor_values(record)),
    }


def _actor_label(actor: Mapping[str, Any] | None) -> str | None:
    if not actor:
        return None
    return actor.get("name") or actor.get("id") or actor.get("text")
