"""Holidays and Hijri months and days (Umm al-Qura table)."""

from __future__ import annotations

import datetime as dt

from rasid.text.timex import find_times, resolve
from tests.text.timex.helpers import REF_FUTURE, first


def test_hijri_table_matches_known_umm_al_qura_days() -> None:
    from rasid.text.timex import hijri_to_gregorian

    assert hijri_to_gregorian(1434, 10, 1) == dt.date(2013, 8, 8)  # Eid al-Fitr 1434
    assert hijri_to_gregorian(1445, 9, 1) == dt.date(2024, 3, 11)  # Ramadan 1445
    assert hijri_to_gregorian(1434, 10, 31) is None
    assert hijri_to_gregorian(1200, 1, 1) is None


def test_holidays_in_news_past_bias() -> None:
    ref = dt.date(2019, 9, 2)
    m = first("وتعرضت المدينة لقصف عنيف في أول أيام عيد الأضحى", ref)
    assert m.value == dt.date(2019, 8, 11) and m.end_value == dt.date(2019, 8, 14)
    m = first("قبيل عيد الفطر الماضي هدأت الجبهات", ref)
    assert m.value == dt.date(2019, 6, 4)
    assert first("عشية رأس السنة الميلادية", ref).value == dt.date(2019, 1, 1)


def test_holidays_future_and_with_year() -> None:
    assert resolve("عيد الفصح", REF_FUTURE).value == dt.date(2013, 3, 31)  # type: ignore[union-attr]
    assert resolve("عيد الفطر 2019", REF_FUTURE).value == dt.date(2019, 6, 4)  # type: ignore[union-attr]
    # The Prophet's birthday of 2013 fell in January, before the reference: the next one is in 2014.
    assert resolve("المولد النبوي الشريف", REF_FUTURE).value == dt.date(2014, 1, 13)  # type: ignore[union-attr]


def test_hijri_months_and_days() -> None:
    ref = dt.date(2019, 9, 2)
    m = first("خلال شهر رمضان قتل 40 مدنيا", ref)
    assert (m.value, m.precision) == (dt.date(2019, 5, 6), "month")
    assert first("في 15 رمضان 1440 هـ", ref).value == dt.date(2019, 5, 20)
    m = first("منذ بداية رمضان", ref)
    assert m.value == dt.date(2019, 5, 6)
    # Month names that are also personal names or words need a calendar context.
    assert find_times("وقال رجب طيب أردوغان إن عدد القتلى صفر", ref) == []
