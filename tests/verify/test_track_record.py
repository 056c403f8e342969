"""Per-outlet track record: short Arabic reports written for these tests, analysed into a real store."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from rasid.api import Rasid
from rasid.stories.align import Claim
from rasid.verify.track_record import (
    OutletRecord,
    TrackRecordDataError,
    _fact_records,
    compute_track_records,
    parse_retraction_rules,
    refresh_track_records,
    retraction_rules,
    track_records_for,
)

# One shelling of Kafranbel: one outlet says twelve dead, two others (and a correction) say seven.
REPORT_TWELVE = """قصف على بلدة كفرنبل بريف إدلب الجنوبي
قتل اثنا عشر مدنيا، اليوم الثلاثاء، جراء قصف مدفعي لقوات النظام استهدف الأحياء السكنية في بلدة كفرنبل بريف إدلب الجنوبي.
وقال مراسل الموقع إن القذائف سقطت قرب السوق الرئيسي في البلدة.
"""
REPORT_SEVEN_1 = """سبعة قتلى مدنيين بقصف على كفرنبل
قتل سبعة مدنيين، اليوم الثلاثاء، بقصف مدفعي لقوات النظام على بلدة كفرنبل في ريف إدلب الجنوبي، واستهدف القصف الأحياء السكنية وسط البلدة.
وأضاف المراسل أن فرق الإنقاذ عملت على انتشال الجرحى من تحت الأنقاض.
"""
REPORT_SEVEN_2 = """مقتل سبعة مدنيين في قصف مدفعي على كفرنبل
قتل سبعة مدنيين، اليوم الثلاثاء، إثر قصف مدفعي نفذته قوات النظام على الأحياء السكنية في بلدة كفرنبل جنوبي إدلب.
"""
REPORT_CORRECTED = """سبعة قتلى بقصف مدفعي على كفرنبل
قتل سبعة مدنيين، اليوم الثلاثاء، في قصف مدفعي لقوات النظام على بلدة كفرنبل بريف إدلب الجنوبي.
وكانت الوكالة قد ذكرت في نسخة سابقة من هذا الخبر أن القصف أسفر عن مقتل عشرين مدنيا.
"""

TWELVE, SEVEN_1, SEVEN_2, CORRECTED = "شبكة شام الإخبارية", "عنب بلدي", "أورينت نت", "سمارت"
REPORTS = [
    (REPORT_TWELVE, TWELVE),
    (REPORT_SEVEN_1, SEVEN_1),
    (REPORT_SEVEN_2, SEVEN_2),
    (REPORT_CORRECTED, CORRECTED),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, OutletRecord]]:
    """The database after all four reports, and the records after the first two only."""
    tmp = tmp_path_factory.mktemp("track")
    db = tmp / "t.db"
    after_two: dict[str, OutletRecord] = {}
    with Rasid(db) as rasid:
        for i, (text, outlet) in enumerate(REPORTS):
            path = tmp / f"r{i}.txt"
            path.write_text(text, encoding="utf-8")
            rasid.analyze([path], published=dt.date(2021, 3, 9), source=outlet)
            if i == 1:
                after_two = track_records_for(rasid.store, [TWELVE, SEVEN_1])
    return db, after_two


def test_the_one_outlet_against_two_is_contradicted_by_the_majority(
    built: tuple[Path, dict[str, OutletRecord]],
) -> None:
    db, _ = built
    with Rasid(db) as rasid:
        assert rasid.store.query("SELECT COUNT(*) FROM stories")[0][0] == 1
        records = track_records_for(rasid.store, [TWELVE, SEVEN_1, SEVEN_2, CORRECTED])
    assert records[TWELVE].contradicted_by_majority == 1
    assert records[SEVEN_1].contradicted_by_majority == 0
    assert records[SEVEN_2].contradicted_by_majority == 0
    example = next(e for e in records[TWELVE].examples if e["kind"] == "contradicted")
    assert example["fact"].startswith("killed.")
    assert (example["value"], example["majority_value"]) == (12, 7)
    assert SEVEN_1 in example["holders"] and SEVEN_2 in example["holders"]
    # The seven of the two others is agreed; each outlet held the toll, the cause and the perpetrator.
    assert records[SEVEN_1].agreed_by_others >= 1 and records[SEVEN_2].agreed_by_others >= 1
    assert all(r.facts_held >= 1 and r.articles == 1 and r.recycled == 0 for r in records.values())


def test_a_tie_is_not_counted_and_records_follow_each_analyze_run(
    built: tuple[Path, dict[str, OutletRecord]],
) -> None:
    _db, after_two = built
    # Twelve against seven, one outlet each: nobody is contradicted by a majority yet.
    assert after_two[TWELVE].contradicted_by_majority == 0
    assert after_two[SEVEN_1].contradicted_by_majority == 0
    assert after_two[TWELVE].facts_held >= 1


def test_a_correction_of_an_earlier_version_counts_as_a_retraction(
    built: tuple[Path, dict[str, OutletRecord]],
) -> None:
    db, _ = built
    with Rasid(db) as rasid:
        records = track_records_for(rasid.store, [CORRECTED, TWELVE])
    assert records[CORRECTED].retractions == 1
    assert records[TWELVE].retractions == 0
    example = next(e for e in records[CORRECTED].examples if e["kind"] == "retraction")
    assert "نسخة سابقة" in example["sentence"]


def test_stored_records_equal_a_fresh_computation_and_refresh_is_incremental(
    built: tuple[Path, dict[str, OutletRecord]],
) -> None:
    db, _ = built
    with Rasid(db) as rasid:
        store = rasid.store
        assert refresh_track_records(store) == 0  # analyze left them up to date
        assert compute_track_records(store) == track_records_for(store)
        # A regrouping that gives the same stories changes nothing.
        from rasid.stories.build import rebuild_stories

        before = track_records_for(store)
        rebuild_stories(store)
        assert refresh_track_records(store) == 0
        assert track_records_for(store) == before
        # A story whose digest changed is recomputed; records of a story gone are dropped.
        with store.transaction():
            store.execute("UPDATE outlet_record_stories SET fingerprint = 'old'")
            store.execute("UPDATE outlet_records SET facts_held = 99")
            store.execute("INSERT INTO outlet_record_stories (story_id, fingerprint) VALUES (999, 'x')")
            store.execute(
                "INSERT INTO outlet_records (outlet, story_id, facts_held, contradicted_by_majority,"
                " agreed_by_others, retractions) VALUES (?, 999, 1, 1, 0, 0)",
                (TWELVE,),
            )
        assert refresh_track_records(store) == 1
        assert track_records_for(store) == before
        assert not store.query("SELECT 1 FROM outlet_record_stories WHERE story_id = 999")


def test_reading_records_is_fast_and_an_unknown_outlet_gets_an_empty_one(
    built: tuple[Path, dict[str, OutletRecord]],
) -> None:
    db, _ = built
    outlets = [TWELVE, SEVEN_1, SEVEN_2, CORRECTED, *(f"outlet {i}" for i in range(6))]
    with Rasid(db) as rasid:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            records = track_records_for(rasid.store, outlets)
            best = min(best, time.perf_counter() - start)
    assert best < 0.05
    assert set(records) == set(outlets)
    assert records["outlet 3"] == OutletRecord("outlet 3")


def _claim(outlet: str, value: int, source: str | None = None, article: int = 1) -> Claim:
    return Claim("killed.total", 1, value, article, outlet, source)


def _records(claims: list[Claim]) -> dict[str, OutletRecord]:
    records: dict[str, OutletRecord] = {}
    _fact_records(1, claims, {c.outlet for c in claims}, records)
    return records


def test_outlets_quoting_the_same_named_source_are_one_independent_holder() -> None:
    sohr = "المرصد السوري لحقوق الإنسان"
    records = _records([_claim("أ", 12), _claim("ب", 7, sohr, 2), _claim("ج", 7, sohr, 3)])
    assert records["أ"].contradicted_by_majority == 0  # twelve (one) against seven (one source): a tie
    assert records["ب"].agreed_by_others == 0  # only the same source agrees
    # Unnamed sources are each outlet's own: two outlets quoting "local sources" are two holders.
    records = _records([_claim("أ", 12), _claim("ب", 7, "مصادر محلية", 2), _claim("ج", 7, "مصادر محلية", 3)])
    assert records["أ"].contradicted_by_majority == 1
    assert records["ب"].agreed_by_others == 1 and records["ب"].contradicted_by_majority == 0


def test_an_outlet_that_also_reports_the_majority_figure_is_not_counted() -> None:
    claims = [
        _claim("أ", 12),
        _claim("أ", 7, "الدفاع المدني", 1),
        _claim("ب", 7, None, 2),
        _claim("ج", 7, None, 3),
    ]
    records = _records(claims)
    assert records["أ"].contradicted_by_majority == 0
    assert records["أ"].facts_held == 1 and records["أ"].agreed_by_others == 1
    # Three against one when it reports only twelve.
    records = _records(
        [_claim("أ", 12), _claim("ب", 7, None, 2), _claim("ج", 7, None, 3), _claim("د", 7, None, 4)]
    )
    assert records["أ"].contradicted_by_majority == 1
    assert [e["holders"] for e in records["أ"].examples] == [["ب", "ج", "د"]]


def test_retraction_rules_load_and_errors_name_the_file_and_line() -> None:
    rules = retraction_rules()
    assert rules.own_correction_cues and rules.max_sentence_words > 0
    with pytest.raises(TrackRecordDataError, match=r"x\.yaml:3: .*never found"):
        parse_retraction_rules(
            "own_correction_cues:\n  - في نسخة سابقة\n  - كلمة عادية\nmax_sentence_words: 9\n", "x.yaml"
        )
    with pytest.raises(TrackRecordDataError, match=r"x\.yaml:2: 'max_sentence_words'"):
        parse_retraction_rules("own_correction_cues: [في نسخة سابقة]\nmax_sentence_words: -1\n", "x.yaml")
    with pytest.raises(TrackRecordDataError, match=r"x\.yaml:1: 'own_correction_cues'"):
        parse_retraction_rules("own_correction_cues: []\nmax_sentence_words: 9\n", "x.yaml")
