"""Persist coded events in the `events` table and read them back with their article."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from rasid.document import Document
from rasid.extract.changes import event_changes, event_summary, record_changes
from rasid.extract.event_review import (
    ACTIONS,
    apply_changes,
    filter_columns,
    fingerprint,
    review_state,
    review_summary,
)
from rasid.extract.events import event_record
from rasid.serialize import load_record, pack_record
from rasid.text.normalize import normalize_word

# Built once: json.dumps with options constructs a new encoder per call, and this runs per event.
# Writes the same text as json.dumps(record, ensure_ascii=False, default=str); it is stored compressed
# (`rasid.serialize.pack_record`) and read back with `load_record`. No circular check:
# a record is a tree built by event_record (a cycle would still fail, by recursion).
_encode_record = json.JSONEncoder(ensure_ascii=False, default=str, check_circular=False).encode


_COLUMNS = (
    "event_type", "sub_event_type", "event_date", "date_precision", "place_id", "place_name", "latitude", "longitude",
    "actor1", "actor2", "fatalities", "incident", "confidence", "side1", "side2", "place_key", "actor_key",
)  # fmt: skip
_INSERT = (
    f"INSERT INTO events (article_id, event_index, {', '.join(_COLUMNS)}, outlet, review, record)"
    f" VALUES ({', '.join('?' * (len(_COLUMNS) + 5))})"
)
_UPDATE = f"UPDATE events SET {', '.join(c + ' = ?' for c in _COLUMNS)}, review = ? WHERE id = ?"
_UPDATE_RECORD = f"UPDATE events SET {', '.join(c + ' = ?' for c in _COLUMNS)}, review = ?, record = ? WHERE id = ?"
# The `special` reason of the events of a page version that a newer version of the page replaced
# (`rasid watch`, `watch_versions`): kept, citable, withdrawn from the change feed, left out of the exports.
SUPERSEDED = "superseded"


def reviews_of_article(store: Any, article_id: int) -> dict[str, list[dict[str, Any]]]:
    """The stored reviews of an article's events (by event fingerprint, oldest first)."""
    rows = store.query(
        "SELECT r.fingerprint, r.id, r.action, r.changes, r.before, r.note, r.reviewer, r.at FROM reviews r"
        " WHERE r.article_hash = (SELECT content_hash FROM articles WHERE id = ?) ORDER BY r.id",
        (article_id,),
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for fp, review_id, action, changes, before, note, reviewer, at in rows:
        out.setdefault(fp, []).append(
            {
                "id": review_id,
                "action": action,
                "status": ACTIONS.get(action),
                "changes": json.loads(changes or "{}"),
                "before": json.loads(before or "{}"),
                "note": note,
                "reviewer": reviewer,
                "at": at,
            }
        )
    return out


def reviewed_record(
    record: dict[str, Any], reviews: list[dict[str, Any]] | None
) -> tuple[dict[str, Any], str | None]:
    """The record with its reviews applied, and the review status (None: not reviewed)."""
    state = review_state(reviews or [])
    if state is None:
        return record, None
    status, changes, latest = state
    out = apply_changes(record, changes)
    out["review"] = review_summary(status, changes, latest, record)
    return out, status


def update_reviewed_rows(store: Any, article_id: int) -> None:
    """Rewrite the filter columns of an article's events from their reviews (after a review)."""
    reviews = reviews_of_article(store, article_id)
    rows = store.query("SELECT id, record FROM events WHERE article_id = ?", (article_id,))
    updates = []
    for row_id, text in rows:
        record = load_record(text)
        effective, status = reviewed_record(record, reviews.get(fingerprint(record)))
        columns = filter_columns(effective)
        updates.append((*(columns[c] for c in _COLUMNS), status, row_id))
    if updates:
        store.executemany(_UPDATE, updates)


def index_events(store: Any, article_id: int, doc: Document) -> None:
    """Replace the article's rows in `events` with the events of `doc` (call inside a transaction).

    The filter columns hold the reviewed values of events an analyst reviewed (the reviews of the
    same article text find their events again by fingerprint); `record` is what Rasid computed.
    What changed is written to the change feed (`rasid.extract.changes`): each new event added; for an
    article analysed again, or a new version of a page (`meta.watch.previous`), the events changed
    (a toll that rose) and withdrawn, compared with those stored.
    """
    old, stored_before = _stored_summaries(store, article_id)
    store.execute("DELETE FROM events WHERE article_id = ?", (article_id,))
    replaces = None  # the article of the page's previous version, when this is a new version's first analysis
    previous = _replaced_article(doc, article_id)
    if not old and previous is not None:
        old, replaces = _stored_summaries(store, previous)[0], previous
    # An old page version analysed again (a first analysis is never superseded: nothing names it yet).
    superseded = stored_before and bool(doc.events) and is_superseded(store, article_id)
    new: list[tuple[str, str, dict[str, Any]]] = []
    rows = []
    reviews = reviews_of_article(store, article_id) if doc.events else {}
    for i, event in enumerate(doc.events):
        record = event_record(event)
        fp = fingerprint(record)
        if superseded:
            _mark_superseded(record)
        effective, status = reviewed_record(record, reviews.get(fp)) if reviews else (record, None)
        columns = filter_columns(effective)
        rows.append(
            (article_id, i, *(columns[c] for c in _COLUMNS), doc.source, status, pack_record(_encode_record(record)))
        )
        if status != "rejected" and not superseded:
            new.append((f"{article_id}-{i}", fp, event_summary(effective, bool(columns["incident"]))))
    if rows:
        store.executemany(_INSERT, rows)
    if previous is not None:
        supersede_events(store, previous)
    texts = (store.get_text(replaces), doc.text) if replaces is not None and old else None
    record_changes(store, event_changes(article_id, old, new, replaces=replaces, texts=texts))


def is_superseded(store: Any, article_id: int) -> bool:
    """Whether a newer version of the page replaced this article (`watch_versions`)."""
    return bool(store.query(
        "SELECT 1 FROM watch_versions WHERE previous_article_id = ? AND article_id <> ? LIMIT 1", (article_id, article_id)
    ))  # fmt: skip


def _mark_superseded(record: dict[str, Any]) -> bool:
    """Add the `superseded` reason to a record's `special` (False if it was there already)."""
    special = list(record.get("special") or [])
    if SUPERSEDED in special:
        return False
    if record.get("special") is None and record.get("background"):
        special.append("background")  # a record from before `special`: keep why it was left out
    record["special"] = [*special, SUPERSEDED]
    return True


def supersede_events(store: Any, article_id: int) -> int:
    """Mark the events of `article_id`, a page version a newer one replaced, `superseded` (a `special`
    reason: no incident, left out of the exports, the API and the map unless `--all`); how many were
    marked. Their withdrawal is written to the change feed by `event_changes` (`replaced_by`)."""
    rows = store.query("SELECT id, record FROM events WHERE article_id = ?", (article_id,))
    reviews = reviews_of_article(store, article_id) if rows else {}
    updates = []
    for row_id, text in rows:
        record = load_record(text)
        if not _mark_superseded(record):
            continue
        effective, status = reviewed_record(record, reviews.get(fingerprint(record)))
        columns = filter_columns(effective)
        updates.append((*(columns[c] for c in _COLUMNS), status, pack_record(_encode_record(record)), row_id))
    if updates:
        store.executemany(_UPDATE_RECORD, updates)
    return len(updates)


def _replaced_article(doc: Document, article_id: int) -> int | None:
    """The article a new version of a page replaces (`meta.watch.previous`, set by `rasid watch`)."""
    watch = doc.meta.get("watch")
    previous = watch.get("previous") if isinstance(watch, dict) else None
    return int(previous) if isinstance(previous, int) and previous != article_id else None


def _stored_summaries(store: Any, article_id: int) -> tuple[list[tuple[str, str, dict[str, Any]]], bool]:
    """(event key, fingerprint, summary) of an article's stored events that stand (not rejected, not
    superseded), and whether it had any event stored."""
    rows = store.query(
        "SELECT event_index, record, review FROM events WHERE article_id = ? ORDER BY event_index", (article_id,)
    )
    if not rows:
        return [], False
    reviews = reviews_of_article(store, article_id)
    out = []
    for index, text, review in rows:
        if review == "rejected":
            continue
        record = load_record(text)
        if SUPERSEDED in (record.get("special") or ()):
            continue  # withdrawn when its page's newer version was stored
        fp = fingerprint(record)
        effective, _status = reviewed_record(record, reviews.get(fp)) if review else (record, None)
        out.append((f"{article_id}-{index}", fp, event_summary(effective)))
    return out, True


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
        record = load_record(row[3])
        if place:
            loc = record.get("location") or {}
            if not _matches(
                place,
                loc.get("name"),
                loc.get("name_en"),
                loc.get("place_id"),
                loc.get("admin1"),
                loc.get("admin2"),
            ):
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


# Columns of a stored event as `stored_record` reads them (events e JOIN articles a).
RECORD_COLUMNS = (
    "e.id, e.article_id, e.event_index, e.record, e.review, a.origin, a.url, a.source, a.title, a.published"
)


def stored_records(store: Any, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Records of `RECORD_COLUMNS` rows with `id`, `article` and their reviews applied (`review`:
    None, or the status, who, when, note, corrections and the values Rasid computed)."""
    reviewed_articles = {int(r[1]) for r in rows if r[4] is not None}
    reviews = {a: reviews_of_article(store, a) for a in sorted(reviewed_articles)}
    out = []
    for row in rows:
        record = load_record(row[3])
        if row[4] is not None:
            record, _status = reviewed_record(record, reviews[int(row[1])].get(fingerprint(record)))
        record.setdefault("review", None)
        record["id"] = f"{row[1]}-{row[2]}"
        record["article"] = {"id": row[1], "path": row[5], "url": row[6], "source": row[7]}
        record["article"].update(title=row[8], published=row[9])
        out.append(record)
    return out


def stored_event(store: Any, article_id: int, event_index: int) -> dict[str, Any] | None:
    """One stored event as `stored_records` gives it, plus `reviews`: its whole review history."""
    rows = store.query(
        f"SELECT {RECORD_COLUMNS} FROM events e JOIN articles a ON a.id = e.article_id"
        " WHERE e.article_id = ? AND e.event_index = ?",
        (article_id, event_index),
    )
    if not rows:
        return None
    record = stored_records(store, rows)[0]
    computed = load_record(rows[0][3])
    history = reviews_of_article(store, article_id).get(fingerprint(computed)) or []
    record["reviews"] = history
    return record
