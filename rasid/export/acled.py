"""ACLED-style CSV rows from event records (as returned by `load_events` or `event_record`)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, TextIO

ACLED_COLUMNS = (
    "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso",
    "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities",
)  # fmt: skip

_DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Riots": "Political violence",
    "Protests": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
# ACLED time_precision: 1 = the day is known, 2 = within a week, 3 = within a month.
_TIME_PRECISION = {"day": 1, "week": 2, "unknown": 2, "month": 3, "year": 3}
_SYRIA_ISO = 760
# An unlinked attribution is worth naming when it is a kind of media ("وسائل إعلام تركية",
# "شبكة حي الزهراء بحلب"); anonymous people ("مصادر محلية", "ناشطون") and bare titles ("النقيب")
# add nothing the outlet does not already say.
_MEDIA = re.compile(r"^(?:ال)?(?:وسائل|وكال|شبك|صحيف|صحف|قنا|موقع|مواقع|تلفزيون|إذاع|اذاع)")


_HEDGE_LABELS = {"denial": "denied", "rumour": "rumoured", "uncertain": "unconfirmed", "disputed": "disputed"}


def _actor_name(actor: dict[str, Any] | None) -> str:
    if not actor:
        return ""
    return str(actor.get("name") or actor.get("text") or actor.get("id") or "")


def _inter(actor: dict[str, Any] | None) -> str:
    value = (actor or {}).get("inter")
    return str(value) if value not in (None, "") else ""


@lru_cache(maxsize=1)
def _english_outlet_names() -> dict[str, str]:
    """Outlet canonical Arabic name -> English name (built once, not per exported row)."""
    from rasid.knowledge.actors import load_outlets

    return {o.name_ar: o.name_en for o in load_outlets().all()}


def _source_names(record: dict[str, Any]) -> list[str]:
    """ACLED's `source`: the outlets and named sources behind a report, by their English names.

    A linked quoted source (the Civil Defence, SOHR) and the outlet it spoke to are named by
    their English names; unlinked media keep their Arabic words.
    """
    from rasid.knowledge.actors import load_outlets
    from rasid.knowledge.outlet_names import canonical_outlet

    outlets = load_outlets()
    names: list[str] = []
    for item in record.get("attributed_to") or []:
        actor = item.get("source_actor") or {}
        if actor.get("id"):
            names.append(str(actor.get("name") or actor.get("text") or actor["id"]))
        outlet_id = item.get("outlet")
        if outlet_id:
            try:
                names.append(outlets.get(str(outlet_id)).name_en)
            except KeyError:
                names.append(str(outlet_id))
        elif not actor.get("id"):
            words = str(item.get("text") or "").split()
            if len(words) >= 2 and _MEDIA.match(words[0]):
                names.append(" ".join(words))
    source = (record.get("article") or {}).get("source")
    if source:
        names.append(_english_outlet_names().get(canonical_outlet(str(source)), str(source)))
    return list(dict.fromkeys(names))


def acled_row(record: dict[str, Any]) -> dict[str, Any]:
    loc = record.get("location") or {}
    date = record.get("date") or ""
    year = date[:4] if date else ""
    a1, a2 = record.get("actor1"), record.get("actor2")
    assoc = record.get("assoc_actors") or []
    i1, i2 = _inter(a1), _inter(a2)
    interaction = "".join(sorted(x for x in (i1, i2) if x)) if i1 else ""
    if i1 and not i2:
        interaction = i1 + "0"
    killed = record.get("killed") or {}
    civ_target = (a2 or {}).get("side") == "civilian" or record.get("event_type") == "Violence against civilians"
    notes = (record.get("evidence") or {}).get("text", "")
    if record.get("hedged"):
        # The note says how the report is doubted, and who denies it (a denier is never actor1/2).
        label = _HEDGE_LABELS.get(str(record.get("hedge_kind")), "disputed")
        deniers = "; ".join(_actor_name(a) for a in record.get("denied_by") or [])
        notes = f"[{label}: {record.get('hedge_cue')}{f' by {deniers}' if deniers else ''}] {notes}"
    if record.get("background"):
        notes = f"[earlier incident recalled in the report] {notes}"
    return {
        "event_date": date,
        "year": year,
        "time_precision": _TIME_PRECISION.get(str(record.get("date_precision")), 2),
        "disorder_type": _DISORDER.get(str(record.get("event_type")), ""),
        "event_type": record.get("event_type", ""),
        "sub_event_type": record.get("sub_event_type", ""),
        "actor1": _actor_name(a1),
        "assoc_actor_1": "; ".join(_actor_name(a) for a in assoc if a.get("with") == 1),
        "inter1": i1,
        "actor2": _actor_name(a2),
        "assoc_actor_2": "; ".join(_actor_name(a) for a in assoc if a.get("with") == 2),
        "inter2": i2,
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if civ_target else "",
        "iso": _SYRIA_ISO,
        "country": "Syria",
        "admin1": loc.get("admin1") or "",
        "admin2": loc.get("admin2") or "",
        "admin3": "",
        "location": loc.get("name_en") or loc.get("name") or "",
        "latitude": loc.get("lat") if loc.get("lat") is not None else "",
        "longitude": loc.get("lon") if loc.get("lon") is not None else "",
        "geo_precision": loc.get("geo_precision") or "",
        "source": "; ".join(_source_names(record)),
        "source_scale": "",
        "notes": " ".join(notes.split()),
        # ACLED records 0 when no death count is known.
        "fatalities": killed.get("total") or 0,
    }


def acled_rows(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [acled_row(r) for r in records]


def write_acled(records: Sequence[dict[str, Any]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=list(ACLED_COLUMNS), lineterminator="\n")
    writer.writeheader()
    rows = acled_rows(records)
    writer.writerows(rows)
    return len(rows)
