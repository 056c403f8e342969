"""PLOVER/POLECAT-style JSON records from event records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def _actor(actor: dict[str, Any] | None) -> dict[str, Any] | None:
    if not actor:
        return None
    return {
        "actor": actor.get("name") or actor.get("text"),
        "actor_id": actor.get("id"),
        "text": actor.get("text"),
        "sector": actor.get("side"),
        "inter": actor.get("inter"),
        "country": "SYR" if actor.get("side") in ("government", "pro_government", "opposition", "civilian") else None,
    }


def _words_target(words: dict[str, Any] | None) -> dict[str, Any] | None:
    """A target named only by the text's words (victims, what a protest is against)."""
    if not words or not words.get("text"):
        return None
    out = {"actor": words["text"], "actor_id": None, "text": words["text"], "sector": None, "inter": None, "country": None}
    if words.get("category"):
        out["victims"] = words["category"]
    return out


def plover_target(record: Mapping[str, Any]) -> dict[str, Any] | None:
    """PLOVER's target: actor2, else the people the event was done to ("أشخاص", "رجل"), else what a
    protest was against."""
    return (
        _actor(record.get("actor2"))
        or _words_target(record.get("victims"))
        or _words_target(record.get("protest_target"))
    )


def plover_record(record: dict[str, Any]) -> dict[str, Any]:
    loc = record.get("location") or {}
    article = record.get("article") or {}
    killed = record.get("killed") or {}
    injured = record.get("injured") or {}
    return {
        "event_id": record.get("id"),
        "event_date": record.get("date"),
        "date_precision": record.get("date_precision"),
        "story_date": article.get("published"),
        "event_type": record.get("plover_type"),
        "event_mode": record.get("plover_mode"),
        "event_text": record.get("trigger"),
        "context": [record.get("event_type"), record.get("sub_event_type")],
        "source": _actor(record.get("actor1")),
        "target": plover_target(record),
        "location": {
            "placename": loc.get("name"),
            "name_en": loc.get("name_en"),
            "lat": loc.get("lat"),
            "lon": loc.get("lon"),
            "admin1": loc.get("admin1"),
            "admin2": loc.get("admin2"),
            "country": "SYR",
            "geo_precision": loc.get("geo_precision"),
        }
        if loc
        else None,
        "fatalities": killed.get("total"),
        "injuries": injured.get("total"),
        "attributed_to": [x.get("text") for x in record.get("attributed_to") or []],
        "hedged": record.get("hedged", False),
        "hedge_kind": record.get("hedge_kind"),
        "denied_by": [x.get("name") or x.get("text") for x in record.get("denied_by") or []],
        "sentence": (record.get("evidence") or {}).get("text"),
        "story_id": article.get("id"),
        "story_source": article.get("source"),
        "language": "ar",
        "confidence": record.get("confidence"),
    }


def plover_records(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [plover_record(r) for r in records]
