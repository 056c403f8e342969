"""`rasid.export.formats`: JSON arrays written item by item are `json.dumps(..., indent=2)`'s bytes;
the ACLED roll-up of records in export order is the whole list's; and an export of 5,000 events
holds no more memory than one of 500 (the records come from a generator and are never all kept)."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from rasid.export.formats import FORMATS, write_events, write_json_array
from rasid.export.geojson import to_geojson
from rasid.export.rollup import one_per_place_day, rolled_up_in_order
from tests.export.test_rollup import _record

ITEMS: list[Any] = [
    {"نص": "سطر\nوسطر آخر", "قائمة": [], "قاموس": {}, "عدد": 1.5, "لا": None, "نعم": True},
    [1, [2, [3, {}]], "\"اقتباس\"\t"],
    "نص",
    0,
]


@pytest.mark.parametrize("items", [[], ITEMS[:1], ITEMS], ids=["empty", "one", "many"])
def test_a_json_array_written_item_by_item_is_the_dumps_of_the_list(items: list[Any]) -> None:
    buf = io.StringIO()
    assert write_json_array(iter(items), buf) == len(items)
    assert buf.getvalue() == json.dumps(items, ensure_ascii=False, indent=2)
    nested = io.StringIO()
    nested.write('{\n  "a": ')
    write_json_array(iter(items), nested, level=1)
    nested.write("\n}")
    assert nested.getvalue() == json.dumps({"a": items}, ensure_ascii=False, indent=2)


def test_geojson_without_located_events_is_an_empty_collection() -> None:
    buf = io.StringIO()
    assert write_events(iter([{"location": None}]), "geojson", buf) == 0
    assert buf.getvalue() == json.dumps(to_geojson([]), ensure_ascii=False, indent=2) + "\n"


def _in_export_order() -> list[dict[str, Any]]:
    """Records as `iter_events` gives them: by day, an article's events of a day together."""
    return [
        _record("iq-bayaa", "البياع", 3, day="2015-07-20", article=1),
        _record("iq-zafaraniya", "الزعفرانية", 4, day="2015-07-21", article=1),
        _record("iq-bayaa", "البياع", 18, day="2015-07-21", article=1),
        _record("iq-bayaa", "البياع", 2, day="2015-07-21", article=1, special=["background"]),
        _record("iq-bayaa", "البياع", 5, day="2015-07-21", article=2),
        _record("iq-bayaa", "البياع", 6, day="2015-07-21", article=2, actor="Islamic State (Iraq)"),
        _record("iq-zafaraniya", "الزعفرانية", 1, day="2015-07-21", article=2),
        _record("iq-bayaa", "البياع", 7, day="2015-07-22", article=1),
    ]


def test_the_roll_up_in_export_order_is_that_of_the_whole_list() -> None:
    streamed = list(rolled_up_in_order(iter(_in_export_order())))
    assert streamed == one_per_place_day(_in_export_order())
    assert [r["killed"]["best"] if r["killed"] else None for r in streamed] == [3, 22, 2, 12, 7]


def test_the_roll_up_reads_one_article_day_ahead_at_most() -> None:
    read = 0

    def records() -> Iterator[dict[str, Any]]:
        nonlocal read
        for record in _in_export_order():
            read += 1
            yield record

    rolled = rolled_up_in_order(records())
    assert next(rolled)["killed"]["best"] == 3 and read == 2  # day 20 given once day 21 began
    assert next(rolled)["killed"]["best"] == 22 and read == 5  # article 1's day 21 once article 2's began


class _Sink(io.StringIO):
    """A text stream that keeps nothing (so that only the exporter's memory is measured)."""

    def write(self, text: str) -> int:
        return len(text)


def _synthetic(n: int) -> Iterator[dict[str, Any]]:
    """`n` fresh event records, five to an article, an article a day in turn over a month."""
    for i in range(n):
        article = i // 5
        record = _record("iq-bayaa", "البياع", i % 7, day=f"2015-07-{1 + article % 28:02d}", article=article)
        record["id"] = f"{article}-{i % 5}"
        record["location"].update(lat=33.3, lon=44.4, name_en="al-Bayaa")
        record["evidence"] = {"text": f"انفجار عبوة ناسفة في حي البياع رقم {i} " * 5}
        yield record


def _peak(fmt: str, n: int) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        write_events(_synthetic(n), fmt, _Sink(), special_column=True, reviewed=False)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", FORMATS)
def test_memory_does_not_grow_with_the_number_of_events(fmt: str) -> None:
    write_events(_synthetic(20), fmt, _Sink(), special_column=True, reviewed=False)  # (load what it caches)
    small, large = _peak(fmt, 500), _peak(fmt, 5000)
    # Holding every record would take ten times as much; an export that streams takes the same.
    assert large < 1.5 * small + 64_000, (small, large)
