"""Calendar dates: months with two names, parts of a month, years, and "آب" (August or a word)."""

from __future__ import annotations

import datetime as dt

import pytest

from rasid.text.timex import find_times, resolve
from tests.text.timex.helpers import MONDAY, REF_FUTURE, first


def test_end_of_last_may() -> None:
    m = first("منذ نهاية شهر مايو/ آيار المنصرم", MONDAY)
    assert m.value is not None and (m.value.year, m.value.month) == (2019, 5)
    assert m.part == "late" and m.precision in ("month", "interval")


def test_early_month_two_names() -> None:
    m = first("مطلع شهر آب/أغسطس الماضي")
    assert m.value == dt.date(2019, 8, 1) and m.part == "early"


def test_absolute_month_year_without_reference() -> None:
    m = first("في نيسان /أبريل عام 2021", None)
    assert m.resolved and m.value == dt.date(2021, 4, 1) and m.precision == "month"
    m = first("12 آذار 2020", None)
    assert m.resolved and m.value == dt.date(2020, 3, 12) and m.precision == "day"


def test_month_with_next_year() -> None:
    m = resolve("آذار السنة القادمة", REF_FUTURE)
    assert m is not None and m.value == dt.date(2014, 3, 1)


@pytest.mark.parametrize(
    "text",
    [
        "قصفت المدفعية حي باب النيرب في حلب",
        "أغلقت السلطات معبر باب الهوى أمام الشاحنات",
        "وصلت القافلة إلى باب السلامة ثم عادت",
        "وقال إن الاب فقد ابنه في القصف",
        "سقطت قذيفة قرب بآب المدينة 2020",
    ],
)
def test_gate_names_and_bare_ab_are_not_august(text: str) -> None:
    # "باب" is never ب + آب, and a bare "آب"/"اب" with no month context is not a date.
    assert [m.text for m in find_times(text, MONDAY)] == []


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("قتل ثلاثة مدنيين في 5 آب الجاري", "5 آب الجاري", dt.date(2019, 8, 5)),
        ("وقعت المجزرة في الخامس من آب", "الخامس من آب", dt.date(2019, 8, 5)),
        ("تصاعد القصف خلال شهر آب", "شهر آب", dt.date(2019, 8, 1)),
        ("اشتدت الغارات في آب 2018 على المدينة", "آب 2018", dt.date(2018, 8, 1)),
        ("في آب/أغسطس الماضي", "آب/أغسطس الماضي", dt.date(2019, 8, 1)),
        ("في آب الماضي", "آب الماضي", dt.date(2019, 8, 1)),
    ],
)
def test_ab_with_month_context_is_august(text: str, span: str, value: dt.date) -> None:
    m = first(text)
    assert (m.text, m.value) == (span, value)
