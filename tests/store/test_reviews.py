"""Reviews of coded events (`rasid.store.reviews`) and migration 8, on a store built from the
sample corpus: the review round trip, checks of bad reviews, the latest review winning, reviews
surviving re-analysis of the same article, and a schema-7 database migrating without re-analysis."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rasid.api import Rasid, sample_corpus_path
from rasid.api.events import EventFilter, get_event, iter_events, query_events
from rasid.extract.event_index import index_events
from rasid.extract.event_review import fingerprint
from rasid.store.migrations import MIGRATIONS
from rasid.store.reviews import ReviewError, UnknownEventError, add_review, all_reviews
from rasid.store.sqlite import SQLiteStore
from tests.store.schema_v7 import drop_migration_8


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reviews") / "sample.db"
    with Rasid(path) as rasid:
        rasid.analyze([sample_corpus_path()])
    return path


@pytest.fixture
def store(sample_db: Path, tmp_path: Path) -> Iterator[SQLiteStore]:
    copy = tmp_path / "copy.db"
    shutil.copy(sample_db, copy)
    opened = SQLiteStore(copy)
    yield opened
    opened.close()


def _incident(store: SQLiteStore, index: int = 0, **filters: Any) -> dict[str, Any]:
    return query_events(store, EventFilter(**filters), limit=50).items[index]


def test_confirm_correct_reject_round_trip(store: SQLiteStore) -> None:
    total = query_events(store, EventFilter()).count
    event = _incident(store, event_type="Explosions/Remote violence")
    record = add_review(store, event["id"], "confirm", changes=None, note="قرأته", reviewer="ali")
    assert record["review"]["status"] == "confirmed" and record["review"]["by"] == "ali"
    assert record["killed"] == event["killed"] and len(record["reviews"]) == 1

    changes = {"killed": 4, "event_type": "Battles", "sub_event_type": "Armed clash", "date": "2019-01-02",
               "location": "حلب", "actor1": "القوات الروسية"}
    record = add_review(store, event["id"], "correct", changes=changes, note="العدد 4", reviewer="sara")
    assert record["killed"]["total"] == 4 and record["event_type"] == "Battles" and record["date"] == "2019-01-02"
    assert record["location"]["name_en"] == "Aleppo" and record["location"]["lat"] is not None
    assert record["actor1"]["id"] and record["actor1"]["side"] == "foreign_state"
    review = record["review"]
    assert review["status"] == "corrected" and review["by"] == "sara" and review["note"] == "العدد 4" and review["at"]
    assert review["before"]["killed"] == event["killed"] and review["before"]["event_type"] == event["event_type"]
    assert [r["action"] for r in record["reviews"]] == ["confirm", "correct"]
    assert record["reviews"][1]["before"]["date"] == event["date"]  # the value before, stored with the review
    # Filters read the reviewed values.
    battles = {r["id"] for r in iter_events(store, EventFilter(event_type="Battles", since=None))}
    assert event["id"] in battles
    assert event["id"] in {r["id"] for r in iter_events(store, EventFilter(place="Aleppo"))}
    assert [r["id"] for r in iter_events(store, EventFilter(reviewed=True))] == [event["id"]]
    assert event["id"] not in {r["id"] for r in iter_events(store, EventFilter(reviewed=False))}

    record = add_review(store, event["id"], "reject", changes=None, note="", reviewer="sara")
    assert record["review"]["status"] == "rejected"
    assert query_events(store, EventFilter()).count == total - 1
    shown = [r for r in iter_events(store, EventFilter(include_all=True)) if r["id"] == event["id"]]
    assert shown and shown[0]["review"]["status"] == "rejected"
    assert shown[0]["killed"]["total"] == 4  # (corrections are kept under a later review)
    assert [r["status"] for r in all_reviews(store)] == ["confirmed", "corrected", "rejected"]
    assert all(r["event_id"] == event["id"] and r["reviewer"] for r in all_reviews(store))


def test_latest_review_wins_and_corrections_accumulate(store: SQLiteStore) -> None:
    event = _incident(store)
    add_review(store, event["id"], "correct", changes={"killed": 2}, note="", reviewer="a")
    add_review(store, event["id"], "correct", changes={"injured": {"total": 5, "children": 1}}, note="", reviewer="b")
    record = add_review(store, event["id"], "confirm", changes=None, note="ok", reviewer="c")
    assert record["review"]["status"] == "confirmed" and record["review"]["by"] == "c"
    assert record["killed"]["total"] == 2 and record["injured"]["total"] == 5 and record["injured"]["children"] == 1
    # An event rejected then confirmed is listed again.
    add_review(store, event["id"], "reject", changes=None, note="", reviewer="a")
    assert event["id"] not in {r["id"] for r in iter_events(store, EventFilter())}
    add_review(store, event["id"], "confirm", changes=None, note="", reviewer="b")
    assert event["id"] in {r["id"] for r in iter_events(store, EventFilter())}


@pytest.mark.parametrize(
    ("action", "changes", "message"),
    [
        ("approve", None, "action"),
        ("correct", None, "changes"),
        ("correct", {}, "changes"),
        ("confirm", {"killed": 3}, "no changes"),
        ("correct", {"colour": "red"}, "cannot correct colour"),
        ("correct", {"date": "2019-13-01"}, "date"),
        ("correct", {"date": "yesterday"}, "date"),
        ("correct", {"killed": -1}, "killed"),
        ("correct", {"killed": "many"}, "killed"),
        ("correct", {"injured": {"total": 3, "goats": 1}}, "injured"),
        ("correct", {"event_type": "War"}, "event_type"),
        ("correct", {"sub_event_type": "Peaceful protest"}, "sub_event_type"),
        ("correct", {"location": "مدينة لا وجود لها"}, "gazetteer"),
        ("correct", {"location": {"name": "x", "lat": 95, "lon": 1}}, "lat"),
        ("correct", {"actor1": ""}, None),  # (a blank actor clears the role: allowed)
    ],
)
def test_bad_reviews_are_refused_and_store_nothing(
    store: SQLiteStore, action: str, changes: Any, message: str | None
) -> None:
    event = _incident(store, event_type="Explosions/Remote violence")
    if message is None:
        assert add_review(store, event["id"], action, changes=changes, note="", reviewer="")["actor1"] is None
        return
    with pytest.raises(ReviewError, match=message):
        add_review(store, event["id"], action, changes=changes, note="", reviewer="")
    assert all_reviews(store) == []
    assert (get_event(store, event["id"]) or {})["review"] is None


def test_unknown_event_and_long_note(store: SQLiteStore) -> None:
    with pytest.raises(UnknownEventError):
        add_review(store, "99999-0", "confirm", changes=None, note="", reviewer="")
    with pytest.raises(UnknownEventError):
        add_review(store, "not-an-id", "confirm", changes=None, note="", reviewer="")
    event = _incident(store)
    with pytest.raises(ReviewError, match="note"):
        add_review(store, event["id"], "confirm", changes=None, note="x" * 5000, reviewer="")
    assert all_reviews(store) == []


def test_reviews_survive_reanalysis_of_the_same_article(store: SQLiteStore) -> None:
    article = store.query("SELECT article_id FROM events GROUP BY article_id HAVING count(*) >= 3 LIMIT 1")[0][0]
    events = list(iter_events(store, EventFilter(article_id=article, include_all=True)))
    target = events[0]
    add_review(store, target["id"], "correct", changes={"killed": 40}, note="", reviewer="r")
    add_review(store, events[1]["id"], "reject", changes=None, note="", reviewer="r")
    doc = store.load_document(article)
    # Re-analysis rewrites the article's rows: new row ids, and here the events in another order.
    with store.transaction():
        index_events(store, article, doc.evolve(events=tuple(reversed(doc.events))))
    after = {fingerprint(r): r for r in iter_events(store, EventFilter(article_id=article, include_all=True))}
    assert len(after) == len(events)
    moved = after[fingerprint(target)]
    assert moved["id"] != target["id"]  # (its index changed)
    assert moved["killed"]["total"] == 40 and moved["review"]["status"] == "corrected"
    assert after[fingerprint(events[1])]["review"]["status"] == "rejected"
    listed = {fingerprint(r) for r in iter_events(store, EventFilter(article_id=article))}
    assert fingerprint(events[1]) not in listed  # (still rejected, so hidden)
    reviews = all_reviews(store)
    assert reviews[0]["event_id"] == moved["id"] and reviews[0]["event_key"] == target["id"]
    assert [r["id"] for r in iter_events(store, EventFilter(reviewed=True, include_all=True))] != []


def test_schema_7_database_migrates_without_reanalysis(sample_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "v7.db"
    shutil.copy(sample_db, copy)
    fresh = SQLiteStore(sample_db)
    columns = "id, incident, confidence, side1, side2, outlet, place_key, actor_key, review"
    expected = fresh.query(f"SELECT {columns} FROM events ORDER BY id")
    pages = {f: [r["id"] for r in iter_events(fresh, f)] for f in (EventFilter(), EventFilter(place="حلب"),
                                                                     EventFilter(actor="روسي", include_all=True))}
    fresh.close()
    old = SQLiteStore(copy)
    drop_migration_8(old)
    old.close()
    migrated = SQLiteStore(copy)
    try:
        assert migrated.schema_version() == len(MIGRATIONS)
        rows = migrated.query(f"SELECT {columns} FROM events ORDER BY id")
        # The SQL backfill gives what index_events writes; the folded keys wait for the first query.
        assert [r[:6] for r in rows] == [r[:6] for r in expected]
        assert all(r[6] is None and r[8] is None for r in rows)
        assert {f: [r["id"] for r in iter_events(migrated, f)] for f in pages} == pages
        assert migrated.query(f"SELECT {columns} FROM events ORDER BY id") == expected
        assert migrated.query("PRAGMA integrity_check") == [("ok",)]
        # and a review works on the migrated file
        first = pages[EventFilter()][0]
        assert add_review(migrated, first, "confirm", changes=None, note="", reviewer="")["review"]["status"]
    finally:
        migrated.close()
