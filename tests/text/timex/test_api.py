"""`find_times` and `resolve` as a whole: conventions, the reference corpus, memory."""

from __future__ import annotations

import datetime as dt

import pytest

from rasid.text.timex import find_times, resolve
from tests.text.timex.helpers import SHARED


def test_resolve_future_convention() -> None:
    ref = dt.datetime(2013, 2, 12, 4, 30)
    m = resolve("الثلاثاء القادم", ref)
    assert m is not None and m.value == dt.date(2013, 2, 19)
    m = resolve("الساعة 3 عصرا", ref)
    assert m is not None and m.moment == dt.datetime(2013, 2, 12, 15, 0)


@pytest.mark.skipif(not SHARED.exists(), reason="shared data absent")
def test_duckling_suite_accuracy() -> None:
    from rasid.eval.dates import evaluate_file

    report = evaluate_file(SHARED / "duckling_time_ar_corpus.jsonl")
    assert report["accuracy"] >= 0.75


def test_scan_leaves_no_reference_cycles() -> None:
    # Ingest pauses the cyclic collector per batch: the parser's memo must not keep parses
    # (and their resolvers, which close over the parser) in a cycle after the scan.
    import gc

    text = "قصفت الطائرات يوم الخميس الماضي صباحاً بلدة في ريف إدلب، وفي الساعة الثالثة من فجر اليوم التالي تجدد القصف منذ 3 أيام"
    found = find_times(text, dt.date(2024, 3, 14))
    assert len(found) >= 3
    gc.collect()
    gc.disable()
    try:
        find_times(text, dt.date(2024, 3, 14))
        find_times(text + " ", dt.date(2024, 3, 14))  # a new text: the last one's tokens are let go
        assert gc.collect() == 0
    finally:
        gc.enable()
