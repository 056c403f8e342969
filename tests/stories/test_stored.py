"""Stored story alignments: the same JSON as a fresh alignment, realigned when a story changes."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from rasid.api import Rasid, sample_corpus_path
from rasid.stories import stored
from rasid.stories.align import align_story
from rasid.stories.stored import list_stories, stored_alignment, story_fingerprints

# One shelling of Kafranbel told by three outlets, written for this test: two say seven dead, one nine.
FIRST = """قصف مدفعي على بلدة كفرنبل بريف إدلب
قتل سبعة مدنيين، اليوم الأربعاء، جراء قصف مدفعي لقوات النظام على الأحياء السكنية في بلدة كفرنبل بريف إدلب الجنوبي.
"""
SECOND = """مقتل سبعة مدنيين بقصف على كفرنبل
قتل سبعة مدنيين، اليوم الأربعاء، بقصف مدفعي نفذته قوات النظام على بلدة كفرنبل في ريف إدلب الجنوبي.
"""
THIRD = """تسعة قتلى بقصف مدفعي على كفرنبل
قتل تسعة مدنيين، اليوم الأربعاء، في قصف مدفعي لقوات النظام استهدف بلدة كفرنبل بريف إدلب الجنوبي.
"""
DAY = dt.date(2022, 5, 11)


def _dumped(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("stored") / "sample.db"
    with Rasid(db) as rasid:
        report = rasid.analyze([sample_corpus_path()])
    assert report.added and not report.errors
    return db


def _old_listing(store: Any) -> list[dict[str, Any]]:
    """What `rasid stories` computed before alignments were stored: every story aligned afresh."""
    out = []
    for (story_id,) in store.query("SELECT id FROM stories ORDER BY COALESCE(first_date, '9999'), id"):
        full = align_story(store, int(story_id))
        out.append(
            {
                "id": full["id"],
                "title": full["title"],
                "first_date": full["first_date"],
                "last_date": full["last_date"],
                "places": [p["name"] for p in full["places"]],
                "outlets": full["outlets"],
                "article_count": full["article_count"],
                "contradictions": full["contradictions"],
                "recycled": [a["id"] for a in full["articles"] if a["recycled"]],
            }
        )
    return out


def test_analyze_stores_every_alignment_and_stored_equals_fresh(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Rasid(sample_db) as rasid:
        store = rasid.store
        ids = [int(r[0]) for r in store.query("SELECT id FROM stories ORDER BY id")]
        assert len(ids) > 3
        current = story_fingerprints(store)
        rows = {int(s): (f, c) for s, f, c in store.query("SELECT story_id, fingerprint, contradictions FROM story_alignments")}
        assert {s: f for s, (f, _c) in rows.items()} == current  # analyze left every one current
        assert any(c for _f, c in rows.values())  # the sample has contradicted facts
        fresh = {i: _dumped(align_story(store, i)) for i in ids}
        expected_listing = _old_listing(store)

        # Read from the table only: aligning again would fail.
        def no_alignment(*_args: object) -> None:
            raise AssertionError("aligned again although the stored alignment is current")

        monkeypatch.setattr(stored, "compute_alignment", no_alignment)
        for i in ids:
            assert _dumped(stored_alignment(store, i)) == fresh[i]
        assert _dumped(list_stories(store)) == _dumped(expected_listing)
        with pytest.raises(KeyError):
            stored_alignment(store, max(ids) + 100)


def test_a_missing_or_stale_alignment_is_computed_and_stored(sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    with sqlite3.connect(sample_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    with Rasid(db) as rasid:
        store = rasid.store
        story_id = int(store.query("SELECT story_id FROM story_alignments ORDER BY contradictions DESC LIMIT 1")[0][0])
        expected = _dumped(align_story(store, story_id))
        listing = _dumped(list_stories(store))
        with store.transaction():
            store.execute("UPDATE story_alignments SET fingerprint = 'old', contradictions = 99 WHERE story_id = ?", (story_id,))
            store.execute("DELETE FROM story_alignments WHERE story_id != ?", (story_id,))
        assert _dumped(stored_alignment(store, story_id)) == expected
        assert store.query("SELECT contradictions FROM story_alignments WHERE story_id = ?", (story_id,))[0][0] != 99
        with store.transaction():
            store.execute("DELETE FROM story_alignments")
            store.execute("INSERT INTO story_alignments VALUES (9999, 'x', 1, 1, 1, x'00')")  # a story gone
        assert _dumped(list_stories(store)) == listing  # every one computed again and stored
        assert story_fingerprints(store) == {
            int(s): str(f) for s, f in store.query("SELECT story_id, fingerprint FROM story_alignments")
        }


def test_a_read_only_database_still_answers(sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    with sqlite3.connect(sample_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    with Rasid(db) as rasid:
        story_id = int(rasid.store.query("SELECT MIN(id) FROM stories")[0][0])
        expected = _dumped(align_story(rasid.store, story_id))
        listing = _dumped(list_stories(rasid.store))
        rasid.store.execute("DELETE FROM story_alignments")
    with Rasid(db) as rasid:
        rasid.store.execute("PRAGMA query_only = ON")  # every write now fails, as on a read-only file
        assert _dumped(stored_alignment(rasid.store, story_id)) == expected
        assert _dumped(list_stories(rasid.store)) == listing
        assert not rasid.store.query("SELECT 1 FROM story_alignments")


def test_a_new_article_joining_a_story_makes_its_alignment_stale(tmp_path: Path) -> None:
    db = tmp_path / "join.db"
    with Rasid(db) as rasid:
        for i, (text, outlet) in enumerate(((FIRST, "عنب بلدي"), (SECOND, "أورينت نت"))):
            path = tmp_path / f"r{i}.txt"
            path.write_text(text, encoding="utf-8")
            rasid.analyze([path], published=DAY, source=outlet)
        store = rasid.store
        assert store.query("SELECT COUNT(*) FROM stories")[0][0] == 1
        story_id = int(store.query("SELECT id FROM stories")[0][0])
        before = stored_alignment(store, story_id)
        old_print = store.query("SELECT fingerprint FROM story_alignments WHERE story_id = ?", (story_id,))[0][0]
        assert before["contradictions"] == 0 and len(before["articles"]) == 2

        # The third report joins the story: analyze realigns it, and what is read is the new alignment.
        path = tmp_path / "r2.txt"
        path.write_text(THIRD, encoding="utf-8")
        rasid.analyze([path], published=DAY, source="شبكة شام الإخبارية")
        assert store.query("SELECT story_id FROM story_articles")[0][0] == story_id
        new_print, contradictions = store.query(
            "SELECT fingerprint, contradictions FROM story_alignments WHERE story_id = ?", (story_id,)
        )[0]
        assert new_print != old_print and new_print == story_fingerprints(store)[story_id]
        after = stored_alignment(store, story_id)
        assert len(after["articles"]) == 3 and after["contradictions"] == contradictions == 1
        assert _dumped(after) == _dumped(align_story(store, story_id))

        # A member joining outside analyze (no refresh): the stale row is not used, it is recomputed.
        with store.transaction():
            store.execute(
                "UPDATE story_alignments SET fingerprint = ?, contradictions = 0 WHERE story_id = ?",
                (old_print, story_id),
            )
        assert stored_alignment(store, story_id)["contradictions"] == 1
        assert store.query("SELECT fingerprint FROM story_alignments WHERE story_id = ?", (story_id,))[0][0] == new_print


def test_the_http_routes_read_the_stored_alignment(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from rasid.web.app import create_app

    with Rasid(sample_db) as rasid:
        ids = [int(r[0]) for r in rasid.store.query("SELECT id FROM stories ORDER BY id")]
        fresh = {i: json.loads(_dumped(align_story(rasid.store, i))) for i in ids}

    def no_alignment(*_args: object) -> None:
        raise AssertionError("aligned again although the stored alignment is current")

    monkeypatch.setattr(stored, "compute_alignment", no_alignment)
    with TestClient(create_app(str(sample_db))) as client:
        for i in ids:
            assert client.get(f"/api/stories/{i}").json() == fresh[i]
        found = client.get("/api/contradictions", params={"limit": 20}).json()["items"]
    contested = [i for i in ids if fresh[i]["contradictions"]]
    assert [item["story"]["id"] for item in found] == contested
