"""Vague and bounded amounts as ranges (UCDP GED's low/best/high), and "على الأقل" after a count."""

from __future__ import annotations

import pytest

from rasid.text.numbers import Amount, amount_of, amount_range, find_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20", Amount(20, 20, 20)),
        ("نحو 20", Amount(20, 20, 20)),
        ("حوالي 1,200", Amount(1200, 1200, 1200)),
        ("ما لا يقل عن 20", Amount(20, 20, None)),
        ("أكثر من 20", Amount(21, None, None)),
        ("بأكثر من 20", Amount(21, None, None)),
        ("ما يزيد على 30", Amount(31, None, None)),
        ("أقل من 10", Amount(None, None, 9)),
        ("بين 10 و15", Amount(10, None, 15)),
        ("عشرات", Amount(20, None, 99)),
        ("المئات", Amount(200, None, 999)),
        ("مئات الآلاف", Amount(200000, None, 999999)),
        ("عدد من", Amount(None, None, None)),
        ("جنديين", Amount(2, 2, 2)),
        ("خمسة", Amount(5, 5, 5)),
    ],
)
def test_amount_ranges(text: str, expected: Amount) -> None:
    assert amount_range(text) == expected


def test_not_amounts() -> None:
    assert amount_range("الأول") is None
    assert amount_range("") is None
    assert amount_range("قتيل") is None


def test_conservative_is_best_else_low() -> None:
    assert Amount(21, None, None).conservative == 21
    assert Amount(20, 20, 99).conservative == 20
    assert Amount(None, None, 9).conservative is None
    assert amount_of(20.0, None, "at_least", strict=True) == Amount(21, None, None)


def test_at_least_after_the_count() -> None:
    [n] = find_numbers("قتل 20 شخصا على الأقل في غارة")
    assert (n.value, n.bound, n.unit) == (20.0, "at_least", "شخصا")
    assert amount_range(n.text, n.bound) == Amount(20, 20, None)
    [m] = find_numbers("قتل 20 شخصا في غارة")
    assert m.bound == "exact"
