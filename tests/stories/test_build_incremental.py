"""Story grouping keeps its stored aggregates exact while writing less: the document frequencies
of a call are written once at its end, and a story's span and outlets fold in its new members."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from rasid.api import Rasid
from rasid.serialize import load_record
from rasid.stories.build import _span_and_outlets
from rasid.stories.features import ArticleFeatures

# Short reports written for these tests: two on one air strike (told on two days), one elsewhere.
STRIKE_1 = """غارة جوية على بلدة كفرنبل

قتل أربعة مدنيين اليوم الثلاثاء في غارة جوية استهدفت سوقا شعبيا في بلدة كفرنبل بريف إدلب الجنوبي.
"""
STRIKE_2 = """ارتفاع حصيلة غارة كفرنبل

ارتفعت حصيلة الغارة الجوية على سوق بلدة كفرنبل بريف إدلب الجنوبي إلى سبعة قتلى مدنيين بحسب الدفاع المدني.
"""
OTHER = """انفجار عبوة في مدينة درعا

انفجرت عبوة ناسفة بسيارة عسكرية في حي المحطة بمدينة درعا صباح اليوم دون ورود أنباء عن إصابات.
"""


@pytest.fixture(scope="module")
def grouped_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("incremental")
    db = tmp / "s.db"
    runs = [
        ("s1.txt", STRIKE_1, dt.date(2022, 5, 10), "عنب بلدي"),
        ("s2.txt", STRIKE_2, dt.date(2022, 5, 11), "ستيب نيوز"),
        ("o.txt", OTHER, dt.date(2022, 5, 11), "سانا"),
        ("s3.txt", STRIKE_2.replace("سبعة", "ثمانية"), dt.date(2022, 5, 12), "عنب بلدي"),
    ]
    with Rasid(db) as rasid:
        for name, text, day, source in runs:  # one grouping call per article: stories grow across calls
            path = tmp / name
            path.write_text(text, encoding="utf-8")
            rasid.analyze([path], published=day, source=source)
    return db


def test_every_story_row_matches_the_aggregate_of_all_its_members(grouped_db: Path) -> None:
    with Rasid(grouped_db) as rasid:
        store = rasid.store
        rows = store.query("SELECT id, first_date, last_date, outlets, article_count FROM stories ORDER BY id")
        assert rows and max(int(r[4]) for r in rows) >= 2  # some story grew over several calls
        for story_id, first, last, outlets, count in rows:
            # No joined members: SQLite reads every member, as before the incremental path.
            assert _span_and_outlets(store, int(story_id), int(count), []) == (first, last, json.loads(outlets))


def test_folding_new_members_into_the_stored_row_gives_the_full_aggregate(grouped_db: Path) -> None:
    with Rasid(grouped_db) as rasid:
        store = rasid.store
        story_id, count = store.query(
            "SELECT id, article_count FROM stories ORDER BY article_count DESC, id LIMIT 1"
        )[0]
        members = [
            (m.anchor, m.outlet)  # what a story's joined members are folded in from
            for m in (
                ArticleFeatures.from_json(load_record(f))
                for (f,) in store.query("SELECT features FROM story_articles WHERE story_id = ?", (story_id,))
            )
        ]
        expected = _span_and_outlets(store, int(story_id), int(count), [])
        first, last, outlets = store.query(
            "SELECT first_date, last_date, outlets FROM stories WHERE id = ?", (story_id,)
        )[0]
        # As if the story's last member had just joined: the row counts one member fewer.
        store.execute("UPDATE stories SET article_count = article_count - 1 WHERE id = ?", (story_id,))
        try:
            assert _span_and_outlets(store, int(story_id), int(count), members[-1:]) == expected
            # The stored row is what is read: a made-up first date shows through ...
            store.execute("UPDATE stories SET first_date = '1900-01-01' WHERE id = ?", (story_id,))
            assert _span_and_outlets(store, int(story_id), int(count), members[-1:])[0] == "1900-01-01"
            # ... unless the row does not count the other members: then every member is read.
            assert _span_and_outlets(store, int(story_id), int(count) + 1, members[-1:]) == expected
        finally:
            store.execute(
                "UPDATE stories SET article_count = ?, first_date = ?, last_date = ?, outlets = ? WHERE id = ?",
                (count, first, last, outlets, story_id),
            )


def test_document_frequencies_count_each_grouped_article_once(grouped_db: Path) -> None:
    with Rasid(grouped_db) as rasid:
        store = rasid.store
        expected: Counter[str] = Counter()
        for (features,) in store.query("SELECT features FROM story_articles"):
            expected.update(set(load_record(features)["terms"]))
        stored = {str(t): int(df) for t, df in store.query("SELECT term, df FROM story_terms")}
        assert stored == dict(expected)


def _story_tables(store: object) -> dict[str, list[tuple[object, ...]]]:
    queries = {
        "stories": "SELECT id, title, central_article, first_date, last_date, places, outlets, article_count"
        " FROM stories ORDER BY id",
        "members": "SELECT article_id, story_id, score, reason, features FROM story_articles ORDER BY article_id",
        "keys": "SELECT key, story_id FROM story_keys ORDER BY key, story_id",
        "terms": "SELECT term, df FROM story_terms ORDER BY term",
        "recycled": "SELECT * FROM recycled ORDER BY article_id",
        "flags": "SELECT id, flags FROM articles ORDER BY id",
    }
    return {name: store.query(sql) for name, sql in queries.items()}  # type: ignore[attr-defined]


def test_grouping_in_small_batches_gives_the_same_stories(
    grouped_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from rasid.stories import build

    db = tmp_path / "copy.db"
    shutil.copy(grouped_db, db)
    with Rasid(db) as rasid:
        build.rebuild_stories(rasid.store)  # one call, every article's features held at once
        whole = _story_tables(rasid.store)
        ids = [int(r[0]) for r in rasid.store.query("SELECT id FROM articles")]
        order, ready = build._date_order(rasid.store, ids, lambda *_: None)
        assert len(ready) == len(ids) and len(whole["stories"]) >= 2
        monkeypatch.setattr(build, "STREAM_BATCH", 1)  # a batch per article: caches emptied between them
        streamed_order, none = build._date_order(rasid.store, ids, lambda *_: None)
        assert streamed_order == order and none == {}
        build.rebuild_stories(rasid.store)
        assert _story_tables(rasid.store) == whole
