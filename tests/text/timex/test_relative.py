"""Relative days, weekdays and periods ("أمس الأحد", "الخميس الماضي", "قبل يومين", "الأسبوع الماضي")."""

from __future__ import annotations

import datetime as dt

from tests.text.timex.helpers import MONDAY, first


def test_yesterday_with_weekday() -> None:
    m = first("اندلعت الاشتباكات، أمس الأحد، في الحي", MONDAY)
    assert (m.value, m.precision, m.conflict) == (dt.date(2019, 9, 1), "day", False)
    assert m.text == "أمس الأحد"


def test_yesterday_with_wrong_weekday_is_flagged() -> None:
    m = first("أمس الخميس", MONDAY)
    assert m.value == dt.date(2019, 9, 1) and m.conflict


def test_today_with_weekday_and_bare_weekday_past_bias() -> None:
    saturday = dt.date(2024, 11, 30)
    assert first("ظهر اليوم السبت", saturday).value == saturday
    m = first("وقال الخميس إن", saturday)
    assert m.value == dt.date(2024, 11, 28) and m.kind == "weekday"
    assert first("والخميس", dt.date(2024, 11, 28)).value == dt.date(2024, 11, 28)
    assert first("الخميس الماضي", dt.date(2024, 11, 28)).value == dt.date(2024, 11, 21)


def test_the_day_before_yesterday_in_its_press_forms() -> None:
    # "الأول من أمس" and "أمس الأول" are two days back, never read as "أمس" alone.
    for text in ("قتل الأول من أمس ثلاثة جنود", "مساء أمس الأول", "وقعت الاشتباكات أول من أمس"):
        m = first(text, MONDAY)
        assert m.value == dt.date(2019, 8, 31), text
        assert "أمس" in m.text and m.text != "أمس"


def test_relative_days_and_periods() -> None:
    assert first("قبل يومين").value == dt.date(2019, 8, 31)
    m = first("الأسبوع الماضي")
    assert (m.value, m.precision) == (dt.date(2019, 8, 26), "week")
    m = first("الشهر الماضي")
    assert (m.value, m.precision) == (dt.date(2019, 8, 1), "month")
    assert first("العام الماضي").value == dt.date(2018, 1, 1)


def test_without_reference_relative_stays_unresolved() -> None:
    for text in ("أمس الأحد", "الخميس", "قبل يومين"):
        m = first(text, None)
        assert not m.resolved and m.value is None


def test_days_ago_without_a_count_is_an_imprecise_stretch_before_the_reference() -> None:
    m = first("منذ أيام")
    assert m.precision == "week" and m.end_value is not None
    assert m.value < m.end_value < dt.date(2019, 9, 2)  # never the reference day itself
    assert first("قبل بضعة أيام").precision == "week"
    assert first("منذ أسابيع").precision == "month"
    assert first("منذ يومين").value == dt.date(2019, 8, 31)  # a count stays exact
