"""The event query layer (`rasid.api.events`) on a real store built from the sample corpus: every
filter against the same filter applied by hand to `load_events`, keyset pages and their edges,
counts, map points and per-day counts."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rasid.api import Rasid, sample_corpus_path
from rasid.api.events import (
    CursorError,
    EventFilter,
    day_counts,
    event_points,
    get_event,
    iter_events,
    query_events,
)
from rasid.extract.event_index import load_events
from rasid.extract.events.incident import is_incident
from rasid.store.sqlite import SQLiteStore


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    path = tmp_path_factory.mktemp("events_query") / "sample.db"
    with Rasid(path) as rasid:
        rasid.analyze([sample_corpus_path()])
    opened = SQLiteStore(path)
    yield opened
    opened.close()


def _all(store: SQLiteStore) -> list[dict[str, Any]]:
    return load_events(store)


def _ids(records: list[dict[str, Any]]) -> set[str]:
    return {r["id"] for r in records}


def _matching(store: SQLiteStore, filt: EventFilter) -> set[str]:
    return _ids(list(iter_events(store, filt, page=7)))


def _story_articles(store: SQLiteStore, story: int) -> set[int]:
    return {r[0] for r in store.query("SELECT article_id FROM story_articles WHERE story_id = ?", (story,))}


def _in_bbox(r: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    loc = r.get("location") or {}
    return loc.get("lat") is not None and bbox[1] <= loc["lat"] <= bbox[3] and bbox[0] <= loc["lon"] <= bbox[2]


def _sides(r: dict[str, Any]) -> set[Any]:
    return {(r.get("actor1") or {}).get("side"), (r.get("actor2") or {}).get("side")}


def test_default_lists_incidents_and_all_lists_every_event(store: SQLiteStore) -> None:
    everything = _all(store)
    incidents = [r for r in everything if is_incident(r)]
    assert 0 < len(incidents) < len(everything)
    assert _matching(store, EventFilter()) == _ids(incidents)
    assert _matching(store, EventFilter(include_all=True)) == _ids(everything)
    page = query_events(store, EventFilter(), limit=1000)
    assert page.count == len(incidents) and page.next_cursor is None
    assert all(item["review"] is None and item["article"]["id"] for item in page.items)


def _cases(store: SQLiteStore) -> list[tuple[EventFilter, Callable[[dict[str, Any]], bool]]]:
    everything = _all(store)
    dated = sorted(r["date"] for r in everything if r.get("date"))
    middle = dt.date.fromisoformat(dated[len(dated) // 2])
    story = store.query("SELECT story_id FROM story_articles GROUP BY story_id ORDER BY count(*) DESC LIMIT 1")[0][0]
    members = _story_articles(store, story)
    idlib = (36.0, 35.5, 37.2, 36.2)
    return [
        (EventFilter(since=middle), lambda r: bool(r.get("date")) and r["date"] >= middle.isoformat()),
        (EventFilter(until=middle), lambda r: bool(r.get("date")) and r["date"] <= middle.isoformat()),
        (EventFilter(bbox=idlib), lambda r: _in_bbox(r, idlib)),
        (EventFilter(side="government"), lambda r: "government" in _sides(r)),
        (EventFilter(event_type="Battles"), lambda r: r["event_type"] == "Battles"),
        (EventFilter(outlet="عنب بلدي"), lambda r: r["article"]["source"] == "عنب بلدي"),
        (EventFilter(min_confidence=0.8), lambda r: (r.get("confidence") or 0) >= 0.8),
        (EventFilter(article_id=1), lambda r: r["article"]["id"] == 1),
        (EventFilter(story_id=story), lambda r: r["article"]["id"] in members),
    ]


def test_each_filter_matches_the_same_filter_applied_by_hand(store: SQLiteStore) -> None:
    everything = _all(store)
    for filt, keep in _cases(store):
        for include_all in (False, True):
            chosen = EventFilter(**{**filt.__dict__, "include_all": include_all})
            expected = {r["id"] for r in everything if keep(r) and (include_all or is_incident(r))}
            assert expected, chosen
            assert _matching(store, chosen) == expected, chosen
            assert query_events(store, chosen, limit=3).count == len(expected)


@pytest.mark.parametrize(("field", "needle"), [("place", "حلب"), ("place", "Idlib"), ("place", "ادلب"),
                                               ("actor", "روسي"), ("actor", "opposition"), ("actor", "الجيش")])
def test_place_and_actor_part_match_as_load_events_does(store: SQLiteStore, field: str, needle: str) -> None:
    expected = {r["id"] for r in load_events(store, **{field: needle}) if is_incident(r)}
    assert expected
    assert _matching(store, EventFilter(**{field: needle})) == expected


def test_filters_combine(store: SQLiteStore) -> None:
    filt = EventFilter(place="حلب", event_type="Explosions/Remote violence", include_all=True)
    expected = {r["id"] for r in load_events(store, place="حلب") if r["event_type"] == filt.event_type}
    assert expected and _matching(store, filt) == expected
    assert query_events(store, EventFilter(place="حلب", outlet="no such outlet")).count == 0


def test_keyset_pages_walk_every_event_once_in_order(store: SQLiteStore) -> None:
    filt = EventFilter(include_all=True)
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = query_events(store, filt, limit=1, cursor=cursor)
        assert len(page.items) == 1 and page.count == len(_all(store))
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len({r["id"] for r in seen}) == len(_all(store))
    keys = [(r["date"] or "") for r in seen]
    assert keys == sorted(keys)  # undated events first, then by day
    assert any(not r["date"] for r in seen)


def test_last_page_and_empty_result(store: SQLiteStore) -> None:
    total = query_events(store, EventFilter()).count
    first = query_events(store, EventFilter(), limit=total - 2)
    last = query_events(store, EventFilter(), limit=5, cursor=first.next_cursor)
    assert len(last.items) == 2 and last.next_cursor is None
    exact = query_events(store, EventFilter(), limit=total)
    assert len(exact.items) == total and exact.next_cursor is None
    empty = query_events(store, EventFilter(since=dt.date(2099, 1, 1)))
    assert empty.items == [] and empty.count == 0 and empty.next_cursor is None
    with pytest.raises(ValueError, match="limit"):
        query_events(store, EventFilter(), limit=0)
    with pytest.raises(ValueError, match="limit"):
        query_events(store, EventFilter(), limit=1001)


def _forge(cursor: str, change: Callable[[dict[str, Any]], None]) -> str:
    token = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    payload = json.loads(token["p"])
    change(payload)
    token["p"] = json.dumps(payload, separators=(",", ":"))
    return base64.urlsafe_b64encode(json.dumps(token).encode()).decode().rstrip("=")


def test_bad_cursors_are_refused(store: SQLiteStore) -> None:
    cursor = query_events(store, EventFilter(), limit=2).next_cursor
    assert cursor is not None
    with pytest.raises(CursorError, match="other filters"):
        query_events(store, EventFilter(event_type="Battles"), limit=2, cursor=cursor)
    for bad in ("", "abc", "!!!!", "x" * 600, base64.urlsafe_b64encode(b'{"p": 1}').decode(),
                _forge(cursor, lambda p: p.update(i=0)), _forge(cursor, lambda p: p.update(i="1 OR 1=1"))):
        with pytest.raises(CursorError):
            query_events(store, EventFilter(), limit=2, cursor=bad)


def test_bad_bbox_is_refused(store: SQLiteStore) -> None:
    for bbox in ((37.0, 36.0, 36.0, 37.0), (0.0, -91.0, 1.0, 1.0), (0.0, 0.0, float("nan"), 1.0)):
        with pytest.raises(ValueError, match="bbox"):
            query_events(store, EventFilter(bbox=bbox))


def test_points_and_day_counts_follow_the_filter(store: SQLiteStore) -> None:
    filt = EventFilter(event_type="Explosions/Remote violence")
    records = list(iter_events(store, filt))
    points = event_points(store, filt)
    located = [r for r in records if (r.get("location") or {}).get("lat") is not None]
    assert [p[0] for p in points] == [r["id"] for r in located]
    assert all(p[3] == "Explosions/Remote violence" and isinstance(p[4], int) for p in points)
    days = day_counts(store, filt)
    assert [d for d, _n, _f in days] == sorted({r["date"] for r in records if r.get("date")})
    assert sum(n for _d, n, _f in days) == sum(1 for r in records if r.get("date"))
    killed = sum((r.get("killed") or {}).get("total") or 0 for r in records if r.get("date"))
    assert sum(f for _d, _n, f in days) == killed


def test_get_event(store: SQLiteStore) -> None:
    first = query_events(store, EventFilter(), limit=1).items[0]
    one = get_event(store, first["id"])
    assert one is not None and one["id"] == first["id"] and one["reviews"] == [] and one["review"] is None
    assert one["evidence"] == first["evidence"]
    for unknown in ("999999-0", "1-999", "abc", "1-", "-1", "1-2-3", ""):
        assert get_event(store, unknown) is None


def test_rasid_events_method(tmp_path: Path, store: SQLiteStore) -> None:
    with Rasid(store.location) as rasid:
        page = rasid.events(limit=5)
        assert len(page.items) == 5 and page.count == query_events(store, EventFilter()).count
        assert rasid.events(EventFilter(event_type="Protests")).count >= 1


def test_facets_list_what_the_filters_can_choose(store: SQLiteStore) -> None:
    from rasid.api.events import event_facets

    records = _all(store)
    facets = event_facets(store, top_actors=3)
    assert facets["event_types"] == sorted({r["event_type"] for r in records})
    assert facets["outlets"] == sorted({r["article"]["source"] for r in records})
    assert facets["sides"] == sorted({s for r in records for s in _sides(r) if s})
    assert facets["first_day"] == min(r["date"] for r in records if r.get("date"))
    assert len(facets["actors"]) == 3 and "Military Forces of Syria (2000-2024)" in facets["actors"]


class _CountingStore:
    """The store with every row `iter_query` hands out counted, to see how far a reader runs ahead."""

    def __init__(self, store: SQLiteStore):
        self.store = store
        self.pulled = 0
        self.batches: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def iter_query(self, sql: str, params: Any = (), *, batch: int = 1000) -> Iterator[tuple[Any, ...]]:
        self.batches.append(batch)
        for row in self.store.iter_query(sql, params, batch=batch):
            self.pulled += 1
            yield row


@pytest.mark.parametrize("page", [1, 7, 1000])
def test_iter_events_reads_one_batch_ahead_at_most(store: SQLiteStore, page: int) -> None:
    counting = _CountingStore(store)
    filt = EventFilter(include_all=True)
    given = 0
    for _record in iter_events(counting, filt, page=page):
        given += 1
        assert counting.pulled - given < page  # the records of one batch, never every event
    expected = [r["id"] for r in query_events(store, filt, limit=1000).items]
    assert given == len(expected) > 7 and counting.batches == [page]
    assert [r["id"] for r in iter_events(store, filt, page=page)] == expected  # in page order


def test_iter_query_streams_rows_on_a_cursor_of_its_own(store: SQLiteStore) -> None:
    from rasid.store import StoreError

    rows = store.iter_query("SELECT id, article_id FROM events ORDER BY id", batch=5)
    first = next(rows)
    # Other queries may run while the rows are read.
    assert store.query("SELECT count(*) FROM events")[0][0] > 5
    rest = list(rows)
    assert [first, *rest] == store.query("SELECT id, article_id FROM events ORDER BY id")
    assert all(type(row) is tuple for row in rest)
    assert list(store.iter_query("SELECT id FROM events WHERE id < ?", (0,))) == []
    with pytest.raises(StoreError, match=str(store.location)):
        next(store.iter_query("SELECT nothing FROM nowhere"))
