from __future__ import annotations

import json
from pathlib import Path

import pytest

from rasid.text.numbers import NumberMention, find_numbers

SHARED = Path(__file__).parents[2] / ".." / "shared" / "data" / "temporal"


def one(text: str) -> NumberMention:
    found = find_numbers(text)
    assert found, text
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "bound", "kind"),
    [
        ("سقط خمسة قتلى", 5, "exact", "cardinal"),
        ("أصيب خمس نساء", 5, "exact", "cardinal"),
        ("عشرة عناصر", 10, "exact", "cardinal"),
        ("أحد عشر مقاتلا", 11, "exact", "cardinal"),
        ("ثلاثة عشر مدنيا", 13, "exact", "cardinal"),
        ("مئة عائلة", 100, "exact", "cardinal"),
        ("مائة عائلة", 100, "exact", "cardinal"),
        ("ألف نازح", 1000, "exact", "cardinal"),
        ("ثلاثة آلاف شخص", 3000, "exact", "cardinal"),
        ("اثنين من المسعفين", 2, "exact", "cardinal"),
        ("1,200 عائلة", 1200, "exact", "cardinal"),
        ("١٥ مدنياً", 15, "exact", "cardinal"),
        ("نحو 40 عنصرا", 40, "about", "cardinal"),
        ("ما لا يقل عن 9 مدنيين", 9, "at_least", "cardinal"),
        ("أكثر من 60 غارة", 60, "at_least", "cardinal"),
        ("أقل من 5 قذائف", 5, "at_most", "cardinal"),
        ("قتيلان", 2, "exact", "dual"),
        ("إصابتين", 2, "exact", "dual"),
        ("للمرة الثالثة", 3, "exact", "ordinal"),
        ("عام 2016", 2016, "exact", "year"),
        ("ارتفاع بنسبة 35%", 35, "exact", "percent"),
    ],
)
def test_forms(text: str, value: float, bound: str, kind: str) -> None:
    m = one(text)
    assert m.value == value
    assert m.bound == bound
    assert m.kind == kind


def test_offsets_point_into_original_text() -> None:
    text = "وأفادت المصادر بمقتل ١٢ مدنيّاً وإصابة نحو عشرين آخرين"
    found = find_numbers(text)
    assert [text[m.start : m.end] for m in found] == [m.text for m in found]
    assert found[0].text == "١٢" and found[0].unit == "مدنيّاً"
    assert found[1].value == 20 and found[1].bound == "about"
    assert text[found[1].unit_start : found[1].unit_end] == "آخرين"  # type: ignore[misc]


def test_vague_and_unknown_quantities() -> None:
    m = one("سقط عشرات القتلى")
    assert m.bound == "some" and m.unit == "القتلى" and m.value is not None and m.value_max == 99
    assert one("وصل المئات").bound == "some"
    m = one("أصيب عدد من المدنيين")
    assert m.value is None and m.bound == "some" and m.unit == "المدنيين"


def test_ranges() -> None:
    m = one("قتل بين 10 و15 شخصا")
    assert (m.value, m.value_max, m.bound) == (10, 15, "range")
    m = one("سقط 15-20 قتيلا")
    assert (m.value, m.value_max, m.bound, m.unit) == (15, 20, "range", "قتيلا")


def test_units_tell_casualties_from_distance_and_time() -> None:
    assert one("مساحة 200 كم مربع").unit == "كم"
    assert one("خلال 72 ساعة").unit == "ساعة"
    assert one("قتل 2 من عناصر الحاجز").unit == "عناصر"


def test_list_of_victims() -> None:
    found = find_numbers("قتل 15 مدنيا بينهم 4 أطفال وامرأتان")
    assert [(m.value, m.kind, m.unit) for m in found] == [
        (15, "cardinal", "مدنيا"),
        (4, "cardinal", "أطفال"),
        (2, "dual", "امرأتان"),
    ]


def test_plural_is_not_dual() -> None:
    assert find_numbers("استهدف القصف المدنيين") == []


@pytest.mark.skipif(not SHARED.exists(), reason="shared data absent")
def test_puckling_numerals_accuracy() -> None:
    items = [json.loads(line) for line in (SHARED / "puckling_ar_corpus.jsonl").open(encoding="utf-8")]
    items = [i for i in items if i["dimension"] == "numeral"]
    ok = sum(1 for i in items if (f := find_numbers(i["phrase"])) and f[0].value == pytest.approx(i["expected"]["value"]))
    assert ok / len(items) >= 0.9
