"""Intervals: "within the past 24 hours", "since 2016", and years."""

from __future__ import annotations

import datetime as dt

from tests.text.timex.helpers import first


def test_last_24_hours_is_interval() -> None:
    m = first("خلال الـ 24 ساعة الماضية", dt.datetime(2019, 9, 2, 10))
    assert m.precision == "interval" and m.kind == "interval"
    assert m.value == dt.date(2019, 9, 1) and m.end_value == dt.date(2019, 9, 2)


def test_year_and_since() -> None:
    m = first("السيطرة على المدينة عام 2016")
    assert m.kind == "year" and m.value == dt.date(2016, 1, 1)
    m = first("منذ عام 2016")
    assert m.kind == "interval" and m.value == dt.date(2016, 1, 1)
