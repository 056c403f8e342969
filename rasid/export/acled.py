"""ACLED-style CSV rows from event records (as returned by `load_events` or `event_record`)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, TextIO

ACLED_COLUMNS = (
    "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso",
    "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "fatalities_low", "fatalities_best", "fatalities_high",
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
# An unlinked attribution is worth naming when it is a kind of media ("وسائل إعلام تركية",
# "شبكة حي الزهراء بحلب"); anonymous people ("مصادر محلية", "ناشطون") and bare titles ("النقيب")
# add nothing the outlet does not already say.
_MEDIA = re.compile(r"^(?:ال)?(?:وسائل|وكال|شبك|صحيف|صحف|قنا|موقع|مواقع|تلفزيون|إذاع|اذاع)")


_HEDGE_LABELS = {"denial": "denied", "rumour": "rumoured", "uncertain": "unconfirmed", "disputed": "disputed"}


_VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})


def _actor_name(
    actor: dict[str, Any] | None,
    day: Any = None,
    country: Any = None,
    violent: bool = False,
    *,
    unnamed: str = "",
    party: bool = True,
) -> str:
    """The actor's ACLED name on the event's day in the event's country, from its knowledge-base id
    ("Military Forces of the United States (2009-2017)" in 2015, "Islamic State (Iraq)" in Iraq; in a
    `violent` event a government is named by its army).

    Words of the text that name no known actor are never written as an ACLED actor: they give
    `unnamed`, and so does an outlet or a monitor as a `party` to the event (it is a source). A role
    actor recorded by its ACLED name alone ("Civilians (Syria)") is renamed for the event's country.
    """
    from rasid.knowledge.actors import load_actors

    if not actor:
        return unnamed
    kb = load_actors()
    actor_id = actor.get("id")
    if not (isinstance(actor_id, str) and actor_id in kb):
        known = kb.actor_by_acled_name(str(actor.get("name") or ""))
        if known is None:
            return unnamed
        actor_id = known.id
    if party and kb.get(actor_id).type in kb.naming.silent_types:
        return unnamed
    try:
        on = dt.date.fromisoformat(str(day or "")[:10])
    except ValueError:
        on = None
    text = str(actor.get("text") or "") or None
    return kb.acled_name_on(actor_id, on, str(country or "") or None, text, violent)


def _event_country(record: dict[str, Any]) -> str | None:
    """The event's country (the place's, else the article's), for the names of its actors."""
    loc = record.get("location") or {}
    country = loc.get("country") or (record.get("article") or {}).get("country")
    if not country and loc.get("place_id"):
        from rasid.knowledge.places import load_places

        place = load_places().get(str(loc["place_id"]))
        country = getattr(place, "country", None)  # ISO-3
    return str(country) if country else None


def _unnamed_actor1(record: dict[str, Any], country: str | None) -> str:
    """What an unknown perpetrator of a violent event is called: "Unidentified Armed Group (<country>)"."""
    if record.get("event_type") not in _VIOLENT:
        return ""
    return _actor_name({"id": "unidentified_armed_group"}, record.get("date"), country)


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


def fatalities_of(killed: dict[str, Any]) -> int:
    """ACLED's conservative count: the best figure; an open "more than N" its low end; a vague
    amount with both ends ("عشرات": 20–99, "مئات") no figure, 0, as ACLED and the coding guide
    record "dozens" (the range stays in fatalities_low/high); `total` for records stored before ranges."""
    if killed.get("best") is not None:
        return int(killed["best"])
    if killed.get("low") is not None and killed.get("high") is None:
        return int(killed["low"])
    return 0 if "best" in killed or "low" in killed else int(killed.get("total") or 0)


def _fatality_range(killed: dict[str, Any]) -> dict[str, Any]:
    """The fatalities_low/best/high columns ("" where the text gives no such figure)."""
    out: dict[str, Any] = {}
    for key in ("low", "best", "high"):
        value = killed.get(key) if ("best" in killed or "low" in killed) else killed.get("total")
        out[f"fatalities_{key}"] = int(value) if value is not None else ""
    return out


def acled_row(record: dict[str, Any]) -> dict[str, Any]:
    loc = record.get("location") or {}
    date = record.get("date") or ""
    year = date[:4] if date else ""
    a1, a2 = record.get("actor1"), record.get("actor2")
    country = _event_country(record)
    # (an unknown attacker whose shell came from another country is of that country)
    attacker_country = record.get("launched_from") or country
    violent = record.get("event_type") in _VIOLENT
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
        deniers = "; ".join(
            _actor_name(a, date, country, unnamed=str(a.get("text") or ""), party=False)
            for a in record.get("denied_by") or []
        )
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
        "actor1": _actor_name(a1, date, attacker_country, violent, unnamed=_unnamed_actor1(record, attacker_country)),
        "assoc_actor_1": "; ".join(
            n for a in assoc if a.get("with") == 1 if (n := _actor_name(a, date, country, violent))
        ),
        "inter1": i1,
        "actor2": _actor_name(a2, date, country, violent),
        "assoc_actor_2": "; ".join(
            n for a in assoc if a.get("with") == 2 if (n := _actor_name(a, date, country, violent))
        ),
        "inter2": i2,
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if civ_target else "",
        "iso": loc.get("iso") or "",
        "country": loc.get("country") or "",
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
        # ACLED records 0 when no death count is known; the conservative figure of a range (the best
        # estimate, else the low end: "أكثر من 20" → 21), with UCDP GED's low/best/high beside it.
        "fatalities": fatalities_of(killed),
        **_fatality_range(killed),
    }


def acled_rows(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [acled_row(r) for r in records]


def review_status(record: dict[str, Any]) -> str:
    """An analyst's review of the event: "confirmed", "corrected", "rejected", or "" (none); a
    reviewed record holds the reviewed values."""
    return str((record.get("review") or {}).get("status") or "")


def write_acled(
    records: Iterable[dict[str, Any]],
    out: TextIO,
    *,
    special_column: bool = False,
    roll_up: bool = True,
    reviewed: bool | None = None,
    changes: bool = False,
) -> int:
    """ACLED CSV of `records`; with `special_column`, a last column says why an event is no
    reportable incident (background, hedged:denial, no_place, …; empty for an incident). When an
    analyst reviewed any of the events, a `reviewed` column (before `special`) gives each row's
    review status (`review_status`) and the rows hold the reviewed values. With
    `roll_up` (ACLED's unit of record), an article's incidents of one type, day and place (a
    city with its quarters) are one row with their deaths added up (`rollup.one_per_place_day`).

    `reviewed` None: the records are read first to see whether any was reviewed. Given (whether
    any of them was), they are written as they come, which needs them in the order of
    `rasid.api.events.iter_events` for the roll-up (`rollup.rolled_up_in_order`)."""
    from rasid.export.rollup import one_per_place_day, rolled_up_in_order

    rows: Iterable[dict[str, Any]]
    if reviewed is None:
        records = list(records)
        reviewed = any(record.get("review") for record in records)
        rows = one_per_place_day(records) if roll_up else records
    else:
        rows = rolled_up_in_order(records) if roll_up else records
    columns = [*ACLED_COLUMNS, *(["reviewed"] if reviewed else []), *(["special"] if special_column else [])]
    if changes:  # an incremental export: each event's id, what happened to it and when (ACLED's `timestamp`)
        columns = ["event_id", *columns, "status", "timestamp"]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    for record in rows:
        row = acled_row(record)
        if reviewed:
            row["reviewed"] = review_status(record)
        if special_column:
            row["special"] = "; ".join(record.get("special") or (["background"] if record.get("background") else []))
        if changes:
            row.update(event_id=record.get("id"), status=record.get("status"), timestamp=record.get("timestamp"))
        writer.writerow(row)
        count += 1
    return count
