"""Stored events for the HTTP API and the exports: filters, keyset pages, counts, map points and
per-day counts, all in SQL over the `events` columns of migration 8.

Every event is returned with its reviews applied (`rasid.extract.event_index.stored_records`).
By default only reportable incidents are listed (as `rasid events`) and events an analyst
rejected are hidden; `include_all` lists every coded event, rejected ones marked by their review.
Pages are in (event_date, events.id) order, undated events first; a cursor names the last event
of a page and the filter it was made for.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from typing import Any

from rasid.extract.event_index import RECORD_COLUMNS, stored_event, stored_records
from rasid.extract.event_review import filter_columns, fold_needle
from rasid.serialize import load_record
from rasid.store.reviews import parse_event_id

MAX_LIMIT = 1000
# Old rows get their folded search keys in batches of this many, on the first query that needs them.
_KEY_BATCH = 2000


class CursorError(ValueError):
    """A cursor that is malformed, tampered with, or was made for another filter."""


@dataclass(frozen=True)
class EventFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    place: str | None = None
    actor: str | None = None
    side: str | None = None
    event_type: str | None = None
    outlet: str | None = None
    min_confidence: float | None = None
    reviewed: bool | None = None  # True: only reviewed; False: only unreviewed; None: any
    include_all: bool = False  # False: reportable incidents only, rejected events hidden
    article_id: int | None = None
    story_id: int | None = None


@dataclass
class EventPage:
    items: list[dict[str, Any]]
    count: int  # all matches of the filter
    next_cursor: str | None  # None on the last page


def _check_bbox(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    if len(bbox) != 4 or not all(isinstance(v, int | float) and math.isfinite(v) for v in bbox):
        raise ValueError("bbox: four numbers min_lon, min_lat, max_lon, max_lat")
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValueError(
            "bbox: longitudes within -180..180, latitudes within -90..90, each minimum <= maximum"
        )
    return min_lon, min_lat, max_lon, max_lat


def _where(filt: EventFilter) -> tuple[str, list[Any]]:
    """The SQL condition (on `events e`) and its parameters for a filter."""
    clauses: list[str] = []
    params: list[Any] = []
    if not filt.include_all:
        clauses.append("e.incident = 1 AND (e.review IS NULL OR e.review != 'rejected')")
    if filt.reviewed is not None:
        clauses.append("e.review IS NOT NULL" if filt.reviewed else "e.review IS NULL")
    if filt.since is not None:
        clauses.append("e.event_date >= ?")
        params.append(filt.since.isoformat())
    if filt.until is not None:
        clauses.append("e.event_date <= ?")
        params.append(filt.until.isoformat())
    if filt.bbox is not None:
        min_lon, min_lat, max_lon, max_lat = _check_bbox(filt.bbox)
        clauses.append("e.latitude BETWEEN ? AND ? AND e.longitude BETWEEN ? AND ?")
        params += [min_lat, max_lat, min_lon, max_lon]
    for column, needle in (("place_key", filt.place), ("actor_key", filt.actor)):
        if needle is not None and fold_needle(needle):
            clauses.append(f"instr(e.{column}, ?) > 0")
            params.append(fold_needle(needle))
    if filt.side is not None:
        clauses.append("(e.side1 = ? OR e.side2 = ?)")
        params += [filt.side, filt.side]
    for column, value in (
        ("event_type", filt.event_type),
        ("outlet", filt.outlet),
        ("article_id", filt.article_id),
    ):
        if value is not None:
            clauses.append(f"e.{column} = ?")
            params.append(value)
    if filt.min_confidence is not None:
        clauses.append("e.confidence >= ?")
        params.append(float(filt.min_confidence))
    if filt.story_id is not None:
        clauses.append("e.article_id IN (SELECT article_id FROM story_articles WHERE story_id = ?)")
        params.append(filt.story_id)
    return (" AND ".join(clauses) or "1 = 1"), params


def ensure_search_keys(store: Any) -> int:
    """Write the folded place/actor keys of rows stored before migration 8; how many were written."""
    done = 0
    while True:
        rows = store.query("SELECT id, record FROM events WHERE place_key IS NULL LIMIT ?", (_KEY_BATCH,))
        if not rows:
            return done
        updates = []
        for row_id, text in rows:
            columns = filter_columns(load_record(text))
            updates.append((columns["place_key"], columns["actor_key"], row_id))
        with store.transaction():
            store.executemany("UPDATE events SET place_key = ?, actor_key = ? WHERE id = ?", updates)
        done += len(updates)


def _prepare(store: Any, filt: EventFilter) -> tuple[str, list[Any]]:
    if filt.place is not None or filt.actor is not None:
        ensure_search_keys(store)
    return _where(filt)


# --------------------------------------------------------------------------- cursors


def _filter_digest(filt: EventFilter) -> str:
    text = json.dumps(asdict(filt), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _check(payload: str) -> str:
    return hashlib.sha256(b"rasid-cursor\x00" + payload.encode()).hexdigest()[:12]


def encode_cursor(filt: EventFilter, event_date: str | None, row_id: int) -> str:
    payload = json.dumps({"d": event_date, "i": row_id, "f": _filter_digest(filt)}, separators=(",", ":"))
    token = json.dumps({"p": payload, "c": _check(payload)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def decode_cursor(filt: EventFilter, cursor: str) -> tuple[str | None, int]:
    """(event_date, events.id) of the last event of the page before; CursorError when not one of ours."""
    try:
        if not isinstance(cursor, str) or len(cursor) > 512:
            raise ValueError
        token = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        payload = token["p"]
        if not isinstance(payload, str) or token.get("c") != _check(payload):
            raise ValueError
        data = json.loads(payload)
        day, row_id = data["d"], data["i"]
        if (day is not None and not isinstance(day, str)) or type(row_id) is not int:
            raise ValueError
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        raise CursorError("cursor: not a cursor of this API (take the `next` of a page as it is)") from None
    if data.get("f") != _filter_digest(filt):
        raise CursorError("cursor: made for other filters (start again without a cursor)")
    return day, row_id


def _after(cursor: tuple[str | None, int]) -> tuple[str, list[Any]]:
    day, row_id = cursor
    if day is None:
        return "((e.event_date IS NULL AND e.id > ?) OR e.event_date IS NOT NULL)", [row_id]
    return "(e.event_date, e.id) > (?, ?)", [day, row_id]


# --------------------------------------------------------------------------- queries


def query_events(store: Any, filt: EventFilter, *, limit: int = 100, cursor: str | None = None) -> EventPage:
    """One page of the events matching `filt`, the count of all of them and the next page's cursor."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit: from 1 to {MAX_LIMIT}")
    where, params = _prepare(store, filt)
    count = int(store.query(f"SELECT count(*) FROM events e WHERE {where}", params)[0][0])
    page_where, page_params = where, list(params)
    if cursor is not None:
        after, after_params = _after(decode_cursor(filt, cursor))
        page_where, page_params = f"{where} AND {after}", page_params + after_params
    rows = store.query(
        f"SELECT {RECORD_COLUMNS}, e.event_date FROM events e JOIN articles a ON a.id = e.article_id"
        f" WHERE {page_where} ORDER BY e.event_date, e.id LIMIT ?",
        [*page_params, limit + 1],
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(filt, rows[-1][-1], int(rows[-1][0])) if more and rows else None
    return EventPage(stored_records(store, rows), count, next_cursor)


def iter_events(store: Any, filt: EventFilter, *, page: int = MAX_LIMIT) -> Iterator[dict[str, Any]]:
    """Every event matching `filt` in page order (event day, then row), for the exports: one query
    whose rows are read `page` at a time (`iter_query`) and made records a batch at a time, so
    that memory does not grow with the number of events."""
    where, params = _prepare(store, filt)
    rows = store.iter_query(
        f"SELECT {RECORD_COLUMNS} FROM events e JOIN articles a ON a.id = e.article_id"
        f" WHERE {where} ORDER BY e.event_date, e.id",
        params,
        batch=page,
    )
    while batch := list(itertools.islice(rows, page)):
        yield from stored_records(store, batch)


def any_reviewed(store: Any, filt: EventFilter) -> bool:
    """Whether an analyst reviewed any event matching `filt` (what the ACLED export must know before
    its first row), read from the few reviewed events alone."""
    if filt.reviewed is False:
        return False
    return any(record.get("review") for record in iter_events(store, replace(filt, reviewed=True)))


def event_points(store: Any, filt: EventFilter) -> list[tuple[str, float, float, str, int, str | None]]:
    """(id, lat, lon, event_type, fatalities, date) of every located event matching `filt`, in page order."""
    where, params = _prepare(store, filt)
    rows = store.query(
        "SELECT e.article_id, e.event_index, e.latitude, e.longitude, e.event_type, e.fatalities, e.event_date"
        f" FROM events e WHERE {where} AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL"
        " ORDER BY e.event_date, e.id",
        params,
    )
    return [(f"{a}-{i}", float(lat), float(lon), str(t), int(f or 0), d) for a, i, lat, lon, t, f, d in rows]


def day_counts(store: Any, filt: EventFilter) -> list[tuple[str, int, int]]:
    """(day, events, fatalities) of the dated events matching `filt`, by day."""
    where, params = _prepare(store, filt)
    rows = store.query(
        "SELECT substr(e.event_date, 1, 10) AS day, count(*), coalesce(sum(e.fatalities), 0) FROM events e"
        f" WHERE {where} AND e.event_date IS NOT NULL GROUP BY day ORDER BY day",
        params,
    )
    return [(str(d), int(n), int(f)) for d, n, f in rows]


def get_event(store: Any, event_id: str) -> dict[str, Any] | None:
    """One event with its reviews applied and `reviews`, its whole review history; None if unknown."""
    key = parse_event_id(event_id)
    return stored_event(store, *key) if key is not None else None


def event_facets(store: Any, *, top_actors: int = 200) -> dict[str, Any]:
    """What the filters can choose from (for `/api/meta`), read from the indexed columns:
    first and last day, event types, outlets, sides, and the most frequent actors."""
    first, last = store.query(
        "SELECT min(event_date), max(event_date) FROM events WHERE event_date IS NOT NULL"
    )[0]
    types = [r[0] for r in store.query("SELECT DISTINCT event_type FROM events ORDER BY 1")]
    outlets = [
        r[0] for r in store.query("SELECT DISTINCT outlet FROM events WHERE outlet IS NOT NULL ORDER BY 1")
    ]
    sides = [
        r[0]
        for r in store.query(
            "SELECT side1 FROM events WHERE side1 IS NOT NULL UNION SELECT side2 FROM events WHERE side2 IS NOT NULL"
            " ORDER BY 1"
        )
    ]
    actors = [
        r[0]
        for r in store.query(
            "SELECT name FROM (SELECT actor1 AS name FROM events UNION ALL SELECT actor2 FROM events)"
            " WHERE name IS NOT NULL AND name != '' GROUP BY name ORDER BY count(*) DESC, name LIMIT ?",
            (top_actors,),
        )
    ]
    return {"first_day": first, "last_day": last, "event_types": types, "outlets": outlets, "sides": sides,
            "actors": actors}  # fmt: skip
