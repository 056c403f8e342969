"""Persist coded events in the `events` table and read them back with their article."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from rasid.document import Document
from rasid.extract.events import event_record
from rasid.text.normalize import normalize_word

# Built once: json.dumps with options constructs a new encoder per call, and this runs per event.
# Writes the same text as json.dumps(record, ensure_ascii=False, default=str). No circular check:
# a record is a tree built by event_record (a cycle would still fail, by recursion).
_encode_record = json.JSONEncoder(ensure_ascii=False, default=str, check_circular=False).encode


def _actor_label(actor: dict[str, Any] | None) -> str | None:
    if not actor:
        return None
    return actor.get("name") or actor.get("id") or actor.get("text")


def index_events(store: Any, article_id: int, doc: Document) -> None:
    """Replace the article's rows in `events` with the events of `doc` (call inside a transaction)."""
    store.execute("DELETE FROM events WHERE article_id = ?", (article_id,))
    rows = []
    for i, event in enumerate(doc.events):
        record = event_record(event)
        loc = record.get("location") or {}
        killed = record.get("killed") or {}
        rows.append(
            (
                article_id,
                i,
                event.event_type,
                event.sub_event_type,
                record.get("date"),
                record.get("date_precision"),
                loc.get("place_id"),
                loc.get("name"),
                loc.get("lat"),
                loc.get("lon"),
                _actor_label(record.get("actor1")),
                _actor_label(record.get("actor2")),
                killed.get("total"),
                _encode_record(record),
            )
        )
    if rows:
        store.executemany(
            "INSERT INTO events (article_id, event_index, event_type, sub_event_type, event_date, date_precision,"
            " place_id, place_name, latitude, longitude, actor1, actor2, fatalities, record)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )


def _matches(needle: str, *values: Any) -> bool:
    key = normalize_word(needle).lower()
    return any(value and key in normalize_word(str(value)).lower() for value in values)


def _actor_values(actor: dict[str, Any] | None) -> list[Any]:
    if not actor:
        return []
    return [actor.get("id"), actor.get("text"), actor.get("name"), actor.get("side")]


def load_events(
    store: Any,
    *,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    place: str | None = None,
    actor: str | None = None,
) -> list[dict[str, Any]]:
    """Stored events (newest article last) with `article` = id, origin (path), url, source, title, published."""
    sql = (
        "SELECT e.id, e.article_id, e.event_index, e.record, a.origin, a.url, a.source, a.title, a.published"
        " FROM events e JOIN articles a ON a.id = e.article_id WHERE 1=1"
    )
    params: list[Any] = []
    if since is not None:
        sql += " AND e.event_date >= ?"
        params.append(str(since))
    if until is not None:
        sql += " AND e.event_date <= ?"
        params.append(str(until))
    sql += " ORDER BY e.event_date, e.article_id, e.event_index"
    out = []
    for row in store.query(sql, params):
        record = json.loads(row[3])
        if place:
            loc = record.get("location") or {}
            if not _matches(place, loc.get("name"), loc.get("name_en"), loc.get("place_id"), loc.get("admin1"), loc.get("admin2")):
                continue
        if actor:
            values = _actor_values(record.get("actor1")) + _actor_values(record.get("actor2"))
            for a in record.get("assoc_actors") or []:
                values += _actor_values(a)
            if not _matches(actor, *values):
                continue
        record["id"] = f"{row[1]}-{row[2]}"
        record["article"] = {
            "id": row[1],
            "path": row[4],
            "url": row[5],
            "source": row[6],
            "title": row[7],
            "published": row[8],
        }
        out.append(record)
    return out
