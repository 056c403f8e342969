"""Reading the change feed and the alerts (`rasid changes`, `rasid alerts`, `/api/changes`, `/api/alerts`),
and the incremental event export (`rasid events --since-change`): events added, changed or withdrawn
since a time, each with its `status` and ACLED-style `timestamp` (Unix seconds of its last change).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from rasid.extract.changes import EVENT_KINDS, KINDS, parse_since, quote_of
from rasid.extract.event_index import stored_event

__all__ = ["KINDS", "alerts", "changes", "count_alerts", "count_changes", "incremental_events", "page", "parse_since"]

MAX_LIMIT = 1000
_STATUS = {"event_added": "added", "event_changed": "changed", "event_withdrawn": "withdrawn"}


def _json(text: Any) -> Any:
    return None if text is None else json.loads(text)


def change_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    cid, at, kind, story_id, event_key, claim, article_id, before, after = row
    return {"id": int(cid), "at": at, "kind": kind, "story_id": story_id, "event": event_key, "claim": claim,
            "article_id": article_id, "before": _json(before), "after": _json(after)}  # fmt: skip


CHANGE_COLUMNS = "id, at, kind, story_id, event_key, claim, article_id, before, after"


def _change_filter(
    since: str | None, kind: str | None, after_id: int, before_id: int | None
) -> tuple[str, list[Any]]:
    where = "id > ?"
    params: list[Any] = [after_id]
    if before_id is not None:
        where += " AND id < ?"
        params.append(before_id)
    if since:
        where += " AND at >= ?"
        params.append(parse_since(since))
    if kind:
        if kind not in KINDS:
            raise ValueError(f"kind {kind!r}: one of {', '.join(KINDS)}")
        where += " AND kind = ?"
        params.append(kind)
    return where, params


def changes(
    store: Any,
    *,
    since: str | None = None,
    kind: str | None = None,
    after_id: int = 0,
    before_id: int | None = None,
    newest_first: bool = False,
    limit: int = MAX_LIMIT,
) -> list[dict[str, Any]]:
    """Changes in the order they were made (oldest first; `newest_first` reverses it): from `since` (a
    time, see `parse_since`), of one `kind`, after the change `after_id` and before `before_id`; at most
    `limit`. Raises ValueError for a bad time or kind."""
    where, params = _change_filter(since, kind, after_id, before_id)
    sql = f"SELECT {CHANGE_COLUMNS} FROM changes WHERE {where} ORDER BY id{' DESC' if newest_first else ''} LIMIT ?"
    return [change_dict(r) for r in store.query(sql, [*params, max(1, min(limit, MAX_LIMIT))])]


def count_changes(
    store: Any, *, since: str | None = None, kind: str | None = None, after_id: int = 0, before_id: int | None = None
) -> int:
    """How many changes `changes` would list with these filters and no limit."""
    where, params = _change_filter(since, kind, after_id, before_id)
    return int(store.query(f"SELECT count(*) FROM changes WHERE {where}", params)[0][0])


def page(items: list[dict[str, Any]], limit: int, total: int, *, newest_first: bool = False) -> dict[str, Any]:
    """A page of changes or alerts as `rasid changes --json`, `rasid alerts --json` and the API give it:
    `total` (all that match, from this page's cursor on), `more` (those after this page) and `cursor`,
    the parameter that continues (`{"after": id}`, newest first `{"before": id}`; None at the end)."""
    more = max(0, total - len(items))
    cursor = {"before" if newest_first else "after": items[-1]["id"]} if more and items else None
    return {"items": items, "count": len(items), "limit": limit, "total": total, "more": more, "cursor": cursor}


def _alert_filter(since: str | None, after_id: int) -> tuple[str, list[Any]]:
    where = "id > ?"
    params: list[Any] = [after_id]
    if since:
        where += " AND at >= ?"
        params.append(parse_since(since))
    return where, params


def alerts(store: Any, *, since: str | None = None, after_id: int = 0, limit: int = MAX_LIMIT) -> list[dict[str, Any]]:
    """Stored alerts, oldest first, from `since`, after the alert `after_id`; at most `limit`."""
    where, params = _alert_filter(since, after_id)
    sql = f"SELECT id, at, change_id, rule, kind, message, evidence FROM alerts WHERE {where} ORDER BY id LIMIT ?"
    return [
        {"id": int(i), "at": at, "change_id": int(c), "rule": rule, "kind": kind, "message": message,
         "evidence": json.loads(evidence or "{}")}
        for i, at, c, rule, kind, message, evidence in store.query(sql, [*params, max(1, min(limit, MAX_LIMIT))])
    ]  # fmt: skip


def count_alerts(store: Any, *, since: str | None = None, after_id: int = 0) -> int:
    """How many alerts `alerts` would list with these filters and no limit."""
    where, params = _alert_filter(since, after_id)
    return int(store.query(f"SELECT count(*) FROM alerts WHERE {where}", params)[0][0])


def _timestamp(at: str) -> int:
    return int(dt.datetime.fromisoformat(at).timestamp())


def _withdrawn_record(store: Any, key: str, change: dict[str, Any]) -> dict[str, Any]:
    """What an export says of an event that is gone: its id, its last known values, why."""
    summary = change["before"] or {}
    article, _, _index = key.partition("-")
    span = summary.get("span") or [None, None]
    quote = quote_of(store, int(article), span) if article.isdigit() else None
    killed = {"total": summary["fatalities"]} if summary.get("fatalities") is not None else None
    return {
        "id": key,
        "event_type": summary.get("event_type"),
        "sub_event_type": summary.get("sub_event_type"),
        "date": summary.get("date"),
        "location": {"name": summary.get("place"), "place_id": summary.get("place_id"), "admin1": summary.get("admin1"),
                     "lat": summary.get("lat"), "lon": summary.get("lon")},
        "actor1": {"name": summary.get("actor1_name"), "id": summary.get("actor1")} if summary.get("actor1") else None,
        "actor2": {"name": summary.get("actor2_name"), "id": summary.get("actor2")} if summary.get("actor2") else None,
        "killed": killed,
        "evidence": {"text": quote, "start": span[0], "end": span[1]},
        "article": {"id": int(article) if article.isdigit() else None},
        "withdrawn": change.get("after") or {},
        "review": None,
    }  # fmt: skip


def incremental_events(store: Any, since: str, *, include_all: bool = False) -> Iterator[dict[str, Any]]:
    """Events added, changed or withdrawn since `since`, in the order of their last change: the
    stored record (reviews applied) with `status` (added / changed / withdrawn) and `timestamp`; a
    withdrawn one with its last known values. An event added and then changed in the period is
    `added`. Without `include_all`, events that are no reportable incident are left out unless
    withdrawn (a consumer may hold them from an earlier export)."""
    marks = ",".join("?" * len(EVENT_KINDS))
    rows = store.iter_query(
        f"SELECT {CHANGE_COLUMNS} FROM changes WHERE at >= ? AND kind IN ({marks}) ORDER BY id",
        (parse_since(since), *EVENT_KINDS),
    )
    last: dict[str, dict[str, Any]] = {}
    first_kind: dict[str, str] = {}
    for row in rows:
        change = change_dict(row)
        key = str(change["event"])
        first_kind.setdefault(key, change["kind"])
        last.pop(key, None)  # re-inserted: ordered by the last change
        last[key] = change
    for key, change in last.items():
        status = _STATUS[change["kind"]]
        if status == "changed" and first_kind[key] == "event_added":
            status = "added"
        record: dict[str, Any] | None = None
        if status != "withdrawn":
            article, _, index = key.partition("-")
            record = stored_event(store, int(article), int(index)) if article.isdigit() and index.isdigit() else None
            if record is None:
                status = "withdrawn"  # gone since (the article analysed again, say) without a change of its own
            else:
                record.pop("reviews", None)
                if not include_all and (record.get("special") or record.get("background")):
                    continue
        out = record if record is not None else _withdrawn_record(store, key, change)
        out["status"] = status
        out["timestamp"] = _timestamp(change["at"])
        out["change_id"] = change["id"]
        yield out
