"""Shared by the time-expression tests: the reference corpora, reference dates and a first-match helper."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rasid.text.timex import TimeMention, find_times

SHARED = Path(__file__).parents[3] / ".." / "shared" / "data" / "temporal"
MONDAY = dt.date(2019, 9, 2)
REF_FUTURE = dt.datetime(2013, 2, 12, 4, 30)


def first(text: str, ref: dt.date | None = MONDAY) -> TimeMention:
    found = find_times(text, ref)
    assert found, text
    return found[0]
