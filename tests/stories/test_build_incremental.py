"""Story grouping keeps its stored aggregates exact while writing less: the document frequencies
of a call are written once at its end, and a story's span and outlets fold in its new members."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import numpy as np
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


def test_stories_dropped_from_the_pack_cache_and_read_again_give_the_same_stories(
    grouped_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from rasid.stories import build

    db = tmp_path / "copy.db"
    shutil.copy(grouped_db, db)
    with Rasid(db) as rasid:
        build.rebuild_stories(rasid.store)  # one call, every compared story kept packed
        whole = _story_tables(rasid.store)
        assert len(whole["stories"]) >= 2
        ids = [int(r[0]) for r in rasid.store.query("SELECT id FROM articles")]
        order, ready = build._date_order(rasid.store, ids, lambda *_: None)
        assert sorted(order) == sorted(ids) and set(ready) == set(ids)
        # Each article read once, its features packed exactly as they are stored.
        stored = dict(rasid.store.query("SELECT article_id, features FROM story_articles"))
        assert {a: bytes(stored[a]) for a in ids} == ready
        # No story kept: every comparison reads the story again from the tables.
        monkeypatch.setattr(build, "PACKED_MEMBERS", 0)
        build.rebuild_stories(rasid.store)
        assert _story_tables(rasid.store) == whole
        # A call too big to keep every article's features: anchors first, features built again.
        monkeypatch.setattr(build, "READ_ONCE", 1)
        streamed_order, none = build._date_order(rasid.store, ids, lambda *_: None)
        assert streamed_order == order and none == {}
        build.rebuild_stories(rasid.store)
        assert _story_tables(rasid.store) == whole


def test_the_pack_cache_drops_the_least_recently_compared_story(
    grouped_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from rasid.stories import build

    db = tmp_path / "copy.db"
    shutil.copy(grouped_db, db)
    with Rasid(db) as rasid:
        rows = rasid.store.query("SELECT id, article_count FROM stories ORDER BY article_count DESC, id")
        big, small = int(rows[0][0]), int(rows[-1][0])
        assert int(rows[0][1]) >= 2 and big != small
        ctx = build._Context(rasid.store)
        kept = ctx.story_pack(big)
        members = [m.article_id for m in kept.members]
        assert ctx.packed_members == len(members)
        monkeypatch.setattr(build, "PACKED_MEMBERS", len(members))  # room for the big story only
        ctx.story_pack(small)
        assert list(ctx._packs) == [small] and ctx.packed_members == int(rows[-1][1])
        again = ctx.story_pack(big)  # read again from the table
        assert again is not kept and list(ctx._packs) == [big]
        assert [m.article_id for m in again.members] == members
        np.testing.assert_array_equal(again.tf, kept.tf)
        np.testing.assert_array_equal(again.columns, kept.columns)
        np.testing.assert_array_equal(again.rows, kept.rows)


def test_a_kept_story_gains_its_new_member_as_a_story_read_again_has_it(grouped_db: Path, tmp_path: Path) -> None:
    import shutil

    from rasid.stories import build

    db = tmp_path / "copy.db"
    shutil.copy(grouped_db, db)
    with Rasid(db) as rasid:
        store = rasid.store
        big = int(store.query("SELECT id FROM stories ORDER BY article_count DESC, id LIMIT 1")[0][0])
        last, packed = store.query(
            "SELECT article_id, features FROM story_articles WHERE story_id = ? ORDER BY article_id DESC LIMIT 1",
            (big,),
        )[0]
        store.execute("DELETE FROM story_articles WHERE article_id = ?", (last,))  # as before it was placed
        ctx = build._Context(store)
        before = [m.article_id for m in ctx.story_pack(big).members]
        assert last not in before
        assert build._assign(ctx, ArticleFeatures.from_json(load_record(packed)), bytes(packed)) == big
        kept = ctx.story_pack(big)
        fresh = build._Context(store).story_pack(big)
        assert sorted(m.article_id for m in kept.members) == sorted([*before, last])
        assert sorted(m.article_id for m in fresh.members) == sorted([*before, last])
        assert ctx.packed_members == len(before) + 1
