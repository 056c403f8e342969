"""Parts of the day and clock times, alone and after a date."""

from __future__ import annotations

import datetime as dt

from rasid.text.timex import resolve
from tests.text.timex.helpers import REF_FUTURE, first


def test_parts_of_day() -> None:
    m = first("مساء الخميس", dt.date(2024, 11, 29))
    assert m.value == dt.date(2024, 11, 28) and m.part_of_day == "evening"
    m = first("فجر الجمعة", dt.date(2024, 11, 29))
    assert m.value == dt.date(2024, 11, 29) and m.part_of_day == "dawn"
    m = first("سيطرت عليها الليلة الماضية", dt.date(2024, 11, 30))
    assert m.value == dt.date(2024, 11, 29) and m.part_of_day == "night"


def test_clock_details() -> None:
    m = resolve("الساعة خمسة وعشرين دقيقة مساء", REF_FUTURE)
    assert m is not None and m.moment == dt.datetime(2013, 2, 12, 17, 20)
    m = resolve("10:05:30", REF_FUTURE)
    assert m is not None and m.moment == dt.datetime(2013, 2, 12, 10, 5, 30) and m.grain == "second"
    m = resolve("3 نيسان 2019 09:40 م", REF_FUTURE)
    assert m is not None and m.moment == dt.datetime(2019, 4, 3, 21, 40)
    assert first("عند منتصف الليل", dt.date(2019, 9, 2)).moment == dt.datetime(2019, 9, 2, 0, 0)


def test_weekday_with_numeric_date_and_clock_range() -> None:
    m = resolve("يوم الأحد 15/09 الساعة 4:00 عصرا", REF_FUTURE)
    assert m is not None and m.moment == dt.datetime(2013, 9, 15, 16, 0)
    m = first("الأحد 1/9/2019", dt.date(2019, 9, 5))
    assert m.value == dt.date(2019, 9, 1) and not m.conflict
    assert first("الاثنين 1/9/2019", dt.date(2019, 9, 5)).conflict
    m = resolve("الجمعة من الساعة الثامنة وحتى الساعة العاشرة صباحا", REF_FUTURE)
    assert m is not None and m.moment == dt.datetime(2013, 2, 15, 8, 0)
