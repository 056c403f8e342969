"""The nth or last weekday, day or week of a month or after a holiday."""

from __future__ import annotations

import datetime as dt

from rasid.text.timex import resolve
from tests.text.timex.helpers import REF_FUTURE


def test_nth_and_last_weekday_of_month() -> None:
    assert resolve("ثالث ثلاثاء في أيلول 2019", REF_FUTURE).value == dt.date(2019, 9, 17)  # type: ignore[union-attr]
    assert resolve("الجمعة الأخيرة من شهر آب 2019", REF_FUTURE).value == dt.date(2019, 8, 30)  # type: ignore[union-attr]
    assert resolve("آخر يوم من شهر شباط 2016", REF_FUTURE).value == dt.date(2016, 2, 29)  # type: ignore[union-attr]
    m = resolve("الأسبوع الأول من تموز 2019", REF_FUTURE)
    assert m is not None and (m.value, m.precision) == (dt.date(2019, 7, 1), "week")
    m = resolve("آخر أسبوع في حزيران 2019", REF_FUTURE)
    assert m is not None and m.value == dt.date(2019, 6, 24)
    # A fifth Monday that does not exist gives nothing rather than a day of the next month.
    m = resolve("خامس اثنين من شباط 2019", REF_FUTURE)
    assert m is None or m.value != dt.date(2019, 3, 4)


def test_nth_weekday_after_a_holiday() -> None:
    assert resolve("ثاني جمعة بعد عيد الفطر 2019", REF_FUTURE).value == dt.date(2019, 6, 14)  # type: ignore[union-attr]
