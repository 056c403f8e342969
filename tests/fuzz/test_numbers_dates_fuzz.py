"""Fuzzing numbers and dates: `find_numbers` and `find_times` never raise, their spans lie in the
text, and a resolved date is a real date (or the mention stays unresolved), against any reference
from 0001-01-01 to 9999-12-31."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rasid.text.numbers import find_numbers
from rasid.text.timex import find_times
from tests.fuzz.strategies import examples, number_date_text, reference_dates


def _in_text(text: str, start: int, end: int, surface: str) -> None:
    assert 0 <= start < end <= len(text)
    assert surface == text[start:end]


@settings(max_examples=examples(500))
@given(number_date_text())
@example("قتل " + "9" * 400 + " ألف مليون مدني")
@example("بين " + "9" * 5000 + " و " + "1" + "0" * 400 + " قتيلا")
@example("١" * 3000)
def test_numbers_lie_in_the_text(text: str) -> None:
    last = 0
    for m in find_numbers(text):
        _in_text(text, m.start, m.end, m.text)
        assert m.start >= last, "mentions are in order and do not overlap"
        last = m.end
        for v in (m.value, m.value_max):
            assert v is None or (isinstance(v, float | int) and not math.isnan(v))
        if m.unit_start is not None or m.unit_end is not None:
            assert m.unit_start is not None and m.unit_end is not None
            assert m.unit == text[m.unit_start:m.unit_end]
            assert 0 <= m.unit_start <= m.unit_end <= len(text)


@settings(max_examples=examples(500))
@given(number_date_text(), st.one_of(st.none(), reference_dates), st.sampled_from(["past", "future"]))
@example("قبل 7000 عام", dt.date(2016, 5, 1), "past")  # year -4984: raised ValueError
@example("بعد 9000 سنة", dt.date(2016, 5, 1), "past")  # year 11016
@example("خلال 9000 سنة", dt.date(2016, 5, 1), "past")
@example("منذ 3000 سنة", dt.date(1, 1, 1), "past")
@example("قبل 100000000000 يوم", dt.date(2016, 5, 1), "past")  # OverflowError
@example("قبل 3 أشهر", dt.date(1, 1, 1), "past")
@example("الأول من أمس", dt.date(1, 1, 1), "past")
@example("غدا الجمعة 31 ديسمبر", dt.date(9999, 12, 31), "future")
@example("الأسبوع المقبل", dt.date(9999, 12, 31), "future")
@example("العام القادم", dt.date(9999, 12, 31), "future")
def test_times_lie_in_the_text_and_resolve_to_dates(text: str, reference: dt.date | None, direction: str) -> None:
    last = 0
    for m in find_times(text, reference, direction):  # type: ignore[arg-type]
        _in_text(text, m.start, m.end, m.text)
        assert m.start >= last
        last = m.end
        if not m.resolved:
            assert m.value is None and m.end_value is None
            continue
        assert isinstance(m.value, dt.date) and isinstance(m.end_value, dt.date)
        assert m.value <= m.end_value
        if m.moment is not None:
            assert m.moment.date() == m.value


@settings(max_examples=examples(100))
@given(
    st.sampled_from(["قبل", "منذ", "بعد", "خلال", "في"]),
    st.one_of(st.integers(0, 10**6), st.integers(0, 10**40)),
    st.sampled_from(["ثانية", "دقيقة", "ساعة", "يوم", "أيام", "أسبوع", "شهر", "أشهر", "عام", "سنة", "سنوات"]),
    st.sampled_from(["", " الماضية", " المقبلة", " من أمس"]),
    reference_dates,
)
def test_counted_periods_never_leave_the_calendar(
    word: str, count: int, unit: str, tail: str, reference: dt.date
) -> None:
    """"قبل N عام" and the like, with N up to 10^40, around every edge of the calendar."""
    text = f"{word} {count} {unit}{tail}"
    for m in find_times(text, reference):
        _in_text(text, m.start, m.end, m.text)
        assert m.resolved == (m.value is not None)
