"""Analysts' reviews of coded events: confirm, correct or reject, with who, when, a note and the
value before; stored apart from what Rasid computed (table `reviews`, migration 8).

A review names its event by the article's content hash and the event's fingerprint
(`rasid.extract.event_review.fingerprint`), so re-analysing the same article keeps it attached;
the latest review of an event gives its status and its corrections accumulate.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from rasid.extract.changes import record_changes, review_change
from rasid.extract.event_index import (
    RECORD_COLUMNS,
    reviewed_record,
    reviews_of_article,
    stored_event,
    stored_records,
    update_reviewed_rows,
)
from rasid.extract.event_review import (
    ACTIONS,
    MAX_NAME_CHARS,
    MAX_NOTE_CHARS,
    REVIEWABLE_FIELDS,
    ReviewError,
    UnknownEventError,
    before_values,
    fingerprint,
    resolve_changes,
)
from rasid.serialize import load_record

__all__ = [
    "REVIEWABLE_FIELDS",
    "ReviewError",
    "UnknownEventError",
    "add_review",
    "all_reviews",
    "event_row",
    "gold_key",
    "parse_event_id",
]

_encode = json.JSONEncoder(ensure_ascii=False, default=str).encode


def parse_event_id(event_id: str) -> tuple[int, int] | None:
    """(article id, event index) of an event id "<article>-<index>", None when malformed."""
    head, sep, tail = str(event_id).partition("-")
    if not sep or not head.isdigit() or not tail.isdigit() or len(head) > 18 or len(tail) > 9:
        return None
    return int(head), int(tail)


def event_row(store: Any, event_id: str) -> tuple[int, int, dict[str, Any], str] | None:
    """(events.id, article id, computed record, article content hash) of an event id, or None."""
    key = parse_event_id(event_id)
    if key is None:
        return None
    rows = store.query(
        "SELECT e.id, e.article_id, e.record, a.content_hash FROM events e JOIN articles a ON a.id = e.article_id"
        " WHERE e.article_id = ? AND e.event_index = ?",
        key,
    )
    if not rows:
        return None
    row_id, article_id, record, content_hash = rows[0]
    return int(row_id), int(article_id), load_record(record), str(content_hash)


def _check_text(name: str, value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise ReviewError(f"{name}: a text")
    if len(value) > limit:
        raise ReviewError(f"{name}: at most {limit} characters")
    return value.strip()


def add_review(
    store: Any, event_id: str, action: str, *, changes: dict[str, Any] | None, note: str, reviewer: str
) -> dict[str, Any]:
    """Store a review of one event and return its reviewed record (as `get_event` gives it).

    `action`: "confirm" | "correct" | "reject"; "correct" needs `changes` (field -> new value, see
    `resolve_changes`), the others take none. Raises `UnknownEventError` for an unknown event and
    `ReviewError` for a bad action, field or value; nothing is stored then.
    """
    if action not in ACTIONS:
        raise ReviewError(f"action {action!r}: one of {', '.join(ACTIONS)}")
    note = _check_text("note", note if note is not None else "", MAX_NOTE_CHARS)
    reviewer = _check_text("reviewer", reviewer if reviewer is not None else "", MAX_NAME_CHARS)
    if action != "correct" and changes:
        raise ReviewError(f"{action}: takes no changes (use action 'correct')")
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with store.transaction():  # (read and written under the write lock: "before" is the value replaced)
        found = event_row(store, event_id)
        if found is None:
            raise UnknownEventError(f"no event {event_id!r}")
        _row_id, article_id, computed, content_hash = found
        fp = fingerprint(computed)
        current, _status = reviewed_record(computed, reviews_of_article(store, article_id).get(fp))
        resolved = resolve_changes(changes, current) if action == "correct" else {}
        before = before_values(current, resolved)
        store.execute(
            "INSERT INTO reviews (event_key, article_id, article_hash, fingerprint, action, changes, before, note,"
            " reviewer, at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                event_id,
                article_id,
                content_hash,
                fp,
                action,
                _encode(resolved),
                _encode(before),
                note,
                reviewer,
                at,
            ),
        )
        update_reviewed_rows(store, article_id)
        after = reviewed_record(computed, reviews_of_article(store, article_id).get(fp))
        change = review_change(event_id, article_id, (current, _status), after,
                               {"action": action, "reviewer": reviewer, "note": note})
        if change is not None:
            record_changes(store, [change])
    record = stored_event(store, article_id, int(event_id.partition("-")[2]))
    if record is None:  # (another process re-analysed the article meanwhile)
        raise UnknownEventError(
            f"event {event_id!r} was re-analysed while it was reviewed; the review is kept"
        )
    return record


def all_reviews(store: Any) -> list[dict[str, Any]]:
    """Every review, oldest first, with the id of the event it is attached to now (None when the
    article's current analysis has no event at that place in the text)."""
    rows = store.query(
        "SELECT r.id, r.event_key, r.article_hash, r.fingerprint, r.action, r.changes, r.before, r.note,"
        " r.reviewer, r.at, a.id, a.doc_id FROM reviews r LEFT JOIN articles a ON a.content_hash = r.article_hash"
        " ORDER BY r.id"
    )
    current = _current_ids(store, {int(r[10]) for r in rows if r[10] is not None})
    out = []
    for row in rows:
        article_id = row[10]
        out.append(
            {
                "id": row[0],
                "event_id": current.get((article_id, row[3])) if article_id is not None else None,
                "event_key": row[1],
                "article_id": article_id,
                "article_doc_id": row[11],
                "article_hash": row[2],
                "fingerprint": row[3],
                "action": row[4],
                "status": ACTIONS[str(row[4])],
                "changes": json.loads(row[5] or "{}"),
                "before": json.loads(row[6] or "{}"),
                "note": row[7],
                "reviewer": row[8],
                "at": row[9],
            }
        )
    return out


def _current_ids(store: Any, article_ids: set[int]) -> dict[tuple[int, str], str]:
    out: dict[tuple[int, str], str] = {}
    for article_id in sorted(article_ids):
        for index, record in store.query(
            "SELECT event_index, record FROM events WHERE article_id = ? ORDER BY event_index", (article_id,)
        ):
            out.setdefault((article_id, fingerprint(load_record(record))), f"{article_id}-{index}")
    return out


# The fields of a gold event (as the real-news key codes them: `rasid.eval.realnews`), from an ACLED row.
_GOLD_FIELDS = (
    "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "country", "admin1",
    "location", "latitude", "longitude", "geo_precision", "event_date", "time_precision", "fatalities_low",
    "fatalities_high", "source", "notes",
)  # fmt: skip


def gold_key(store: Any) -> list[dict[str, Any]]:
    """A key for `rasid eval events --gold KEY.jsonl --corpus FILE`: one line per article with a
    review, its confirmed and corrected events (reviewed values, as ACLED rows rolled up like the
    export) as the article's events; rejected and unreviewed events are left out. The article id
    is the id the corpus gave it (`doc_id`)."""
    from rasid.export.acled import acled_row, fatalities_of
    from rasid.export.rollup import one_per_place_day

    articles = store.query(
        "SELECT DISTINCT a.id, a.doc_id, a.published FROM reviews r JOIN articles a ON a.content_hash = r.article_hash"
        " ORDER BY a.id"
    )
    out = []
    for article_id, doc_id, published in articles:
        rows = store.query(
            f"SELECT {RECORD_COLUMNS} FROM events e JOIN articles a ON a.id = e.article_id"
            " WHERE e.article_id = ? AND e.review IN ('confirmed', 'corrected') ORDER BY e.event_index",
            (article_id,),
        )
        events = []
        for record in one_per_place_day(stored_records(store, rows)):
            row = acled_row(record)
            event = {name: row.get(name) for name in _GOLD_FIELDS}
            event.update(
                location_ar=(record.get("location") or {}).get("name"),
                killed=fatalities_of(record.get("killed") or {}) if record.get("killed") else None,
                injured=(record.get("injured") or {}).get("total"),
                review=(record.get("review") or {}).get("status"),
                event_id=record.get("id"),
            )
            events.append(event)
        country = next((str(e["country"]).lower() for e in events if e.get("country")), "")
        out.append(
            {
                "id": doc_id,
                "published": published,
                "country": country,
                "part": "tune",
                "coder": "review",
                "events": events,
            }
        )
    return out
