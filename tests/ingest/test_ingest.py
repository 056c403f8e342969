"""Ingest end to end: cleaning, outlets, titles, idempotent re-runs, near-duplicates, search."""

from __future__ import annotations

import json
from pathlib import Path

from rasid.api import Rasid
from rasid.ingest.clean import clean_text
from tests.conftest import REPORT_MEETING, REPORT_SHELLING

LIVE_BLOG = """مقتل مدنيين بغارة على سراقب
قتل مدنيان وأصيب أربعة آخرون، مساء الأربعاء، جراء غارة جوية شنتها طائرات حربية روسية على مدينة سراقب شرقي إدلب، بحسب الدفاع المدني السوري.
وقال مراسل عنب بلدي في إدلب إن الغارة استهدفت سوقاً شعبياً وسط المدينة.
المزيد
تغطية مباشرة Live
تحديثات جديدة.. انقر للتحديثات..
21:40
20:05
عنوان خبر آخر لا علاقة له بالغارة
18:30
"""


def test_clean_removes_furniture_and_keeps_article() -> None:
    cleaned = clean_text(LIVE_BLOG)
    assert cleaned.title == "مقتل مدنيين بغارة على سراقب"
    assert "الدفاع المدني السوري" in cleaned.text
    for junk in ("المزيد", "تغطية مباشرة", "21:40", "عنوان خبر آخر", "انقر للتحديثات"):
        assert junk not in cleaned.text
    shelling = clean_text(REPORT_SHELLING)
    assert "مقالات ذات صلة" not in shelling.text and "زر الذهاب" not in shelling.text
    assert shelling.text.rstrip().endswith("بالوقوف وراء القصف.")


def test_clean_drops_section_masthead_and_repeated_headline() -> None:
    raw = "الشأن السوري\n\nاجتماع في حلب\n\nاجتماع في حلب\nعقد ضباط روس اجتماعا مع قادة ميليشيات محلية في حلب.\n"
    cleaned = clean_text(raw, mastheads=frozenset({"العرب"}))
    assert cleaned.title == "اجتماع في حلب"
    assert cleaned.text.count("اجتماع في حلب") == 1
    assert "الشأن السوري" not in cleaned.text
    masthead = clean_text("العرب\n\nعنوان قصير هنا\nنص الخبر الكامل هنا عن الاشتباكات.", mastheads=frozenset({"العرب"}))
    assert not masthead.text.startswith("العرب")


def test_analyze_detects_outlets_and_is_idempotent(db_path: Path, corpus_dir: Path, tmp_path: Path) -> None:
    (corpus_dir / "live.txt").write_text(LIVE_BLOG, encoding="utf-8")
    with Rasid(db_path) as rasid:
        first = rasid.analyze([str(corpus_dir)])
        assert first.added == 3 and first.errors == []
        by_origin = {Path(a.origin).name: a for a in rasid.articles()}
        assert by_origin["shelling.txt"].source == "أورينت نت"
        assert by_origin["meeting.txt"].source == "وكالة ستيب الإخبارية"
        assert by_origin["live.txt"].source == "عنب بلدي"
        assert by_origin["meeting.txt"].title.startswith("اجتماع روسي إيراني")
        second = rasid.analyze([str(corpus_dir)])
        assert second.added == 0 and second.unchanged == 3
        assert rasid.store.count_articles() == 3


def test_source_and_published_options_apply(db_path: Path, corpus_dir: Path) -> None:
    import datetime as dt

    with Rasid(db_path) as rasid:
        rasid.analyze([str(corpus_dir / "meeting.txt")], source="سانا", published=dt.date(2019, 9, 2))
        (article,) = list(rasid.articles())
        # A known outlet given in a short form is stored under its canonical name.
        assert article.source == "الوكالة العربية السورية للأنباء"
        assert article.published == dt.date(2019, 9, 2)


def test_near_duplicate_is_linked(db_path: Path, tmp_path: Path) -> None:
    republished = (
        REPORT_SHELLING.replace("قصف على حي الميدان في حلب", "قذائف صاروخية تضرب حي الميدان")
        .replace("صباح اليوم الثلاثاء", "صباح الثلاثاء")
        .replace("لأورينت نت", "لعنب بلدي")
    )
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"id": "orig", "published": "2024-11-26", "text": REPORT_SHELLING},
        {"id": "other", "published": "2024-11-26", "text": REPORT_MEETING},
        {"id": "copy", "published": "2024-11-27", "text": republished},
    ]
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    with Rasid(db_path) as rasid:
        report = rasid.analyze([str(feed)])
        assert report.added == 3 and report.near_duplicates == 1
        by_id = {a.doc_id: a for a in rasid.articles()}
        assert by_id["copy"].duplicate_of == by_id["orig"].id
        assert by_id["copy"].similarity is not None and by_id["copy"].similarity >= 0.6
        assert by_id["other"].duplicate_of is None


def test_search_ranks_matching_articles_with_snippets(db_path: Path, corpus_dir: Path) -> None:
    with Rasid(db_path) as rasid:
        rasid.analyze([str(corpus_dir)])
        hits = rasid.search("الميليشيات الإيرانية في البوكمال")
        assert hits and Path(hits[0].article.origin).name == "meeting.txt"
        marked = hits[0].snippet.marked("<", ">")
        assert "<البوكمال>" in marked and "<الإيرانية>" in marked
        # Spelling variants (hamza, taa marbuta) match the same articles.
        variant = rasid.search("ميليشيات ايرانيه")
        assert {h.article.id for h in variant} == {h.article.id for h in rasid.search("الميليشيات الإيرانية")}
        assert rasid.search("كلمةغيرموجودة") == []


def test_run_leaves_the_collector_as_it_found_it(db_path: Path, corpus_dir: Path) -> None:
    import gc

    from rasid.ingest.runner import Ingestor
    from rasid.stages import build_pipeline

    thresholds = gc.get_threshold()
    with Rasid(db_path) as rasid:
        # Batches of one: the collector is paused and resumed around each of them.
        report = Ingestor(rasid.store, build_pipeline(["text"]), batch_size=1).run([str(corpus_dir)])
        assert report.added == 2 and not report.errors
        assert gc.isenabled()
        gc.disable()
        try:
            Ingestor(rasid.store, build_pipeline(["text"])).run([str(corpus_dir)])
            assert not gc.isenabled()  # a caller that turned it off keeps it off
        finally:
            gc.enable()
    assert gc.get_threshold() == thresholds


def test_combined_boilerplate_search_agrees_with_each_pattern() -> None:
    import re

    from rasid.ingest.clean import _searcher, load_rules

    rules = load_rules()
    lines = ["التعليقات (4)", "10:45 ص", "اقرأ أيضاً: تقرير آخر", "© الموقع", "قصف مدفعي على ريف حماة", "مقالات ذات صلة"]
    for patterns in (rules.drop_patterns, rules.tail_markers):
        search = _searcher(patterns)
        assert [search(x) for x in lines] == [any(p.search(x) for p in patterns) for x in lines]
    # A back-reference would be renumbered inside an alternation: such lists are searched one by one.
    echo = (re.compile(r"^(\w+) \1$"), re.compile(r"^(قصف)$"))
    assert _searcher(echo)("حلب حلب") and not _searcher(echo)("حلب حماة")


def test_squash_fast_path_matches_the_substitution() -> None:
    from rasid.ingest.clean import _WS, _squash

    for line in ["  خبر  عاجل \t", "خبر عاجل", "\u200fخبر\u00a0عاجل\u200b", " خبر "]:
        assert _squash(line) == _WS.sub(" ", line).strip()
