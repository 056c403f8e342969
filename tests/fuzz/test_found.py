"""What the fuzzing (and the real news it stood in for) found, one test per bug, on short texts
written for these tests. Each raised before its fix."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.cli import app
from rasid.document import Document
from rasid.stages import build_pipeline
from rasid.text.numbers import find_numbers
from rasid.text.timex import find_times, resolve

# The second sentence's only trigger ("القصف") is inside its source phrase ("وأكد مصدر عسكري …")
# and it tells no toll: the events stage used to take `facts[0]` of an empty list.
CONFIRMED = (
    "قصفت قوات النظام بلدة كفرنبل في ريف إدلب صباح اليوم، ما أسفر عن مقتل ثلاثة مدنيين.\n"
    "وأكد مصدر عسكري القصف وقال إن الجيش يحقق في الأمر."
)


def _analyze(text: str) -> Document:
    return build_pipeline(["text", "entities", "events"])(
        Document(id="t", text=text, language="ar", published=dt.date(2016, 5, 1))
    )


def test_trigger_inside_a_source_phrase_without_a_toll_is_no_event() -> None:
    assert _analyze("وأكد مصدر عسكري القصف وقال إن الجيش يحقق في الأمر.").events == ()


def test_article_with_such_a_sentence_keeps_its_events(tmp_path: Path) -> None:
    doc = _analyze(CONFIRMED)
    assert [(e.event_type, e.fields["location"]["name_en"]) for e in doc.events] == [
        ("Explosions/Remote violence", "Kafranbel")
    ]
    # and through `rasid analyze`: the article is stored with its event, not lost to the stage
    corpus = tmp_path / "a.jsonl"
    corpus.write_text(json.dumps({"id": "k1", "text": CONFIRMED, "published": "2016-05-01"}, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    db = str(tmp_path / "k.db")
    runner = CliRunner()
    result = runner.invoke(app, ["analyze", str(corpus), "--db", db])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["events", "--db", db, "--format", "jsonl"])
    assert listed.exit_code == 0, listed.output
    assert len([line for line in listed.output.splitlines() if line.startswith("{")]) == 1


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("قبل 7000 عام", dt.date(2016, 5, 1)),  # year -4984 (was ValueError in values.shift)
        ("منذ 3000 سنة", dt.date(2016, 5, 1)),
        ("بعد 9000 سنة", dt.date(2016, 5, 1)),  # year 11016
        ("خلال 9000 سنة", dt.date(2016, 5, 1)),  # r_within
        ("قبل 100000000000 يوم", dt.date(2016, 5, 1)),  # OverflowError in timedelta
        ("قبل 3 أشهر", dt.date(1, 1, 1)),
        ("الأسبوع المقبل", dt.date(9999, 12, 31)),
        ("العام القادم", dt.date(9999, 12, 31)),
    ],
)
def test_dates_outside_the_calendar_are_unresolved(text: str, reference: dt.date) -> None:
    (m,) = find_times(text, reference)
    assert (m.start, m.end, m.resolved, m.value, m.end_value) == (0, len(text), False, None, None)
    assert resolve(text, dt.datetime.combine(reference, dt.time(12))) is not None


def test_dates_inside_the_calendar_still_resolve() -> None:
    (m,) = find_times("قبل 7000 عام", dt.date(9999, 5, 1))
    assert (m.value, m.end_value) == (dt.date(2999, 1, 1), dt.date(2999, 12, 31))
    (m,) = find_times("قبل 3 أشهر", dt.date(2016, 5, 1))
    assert (m.value, m.precision) == (dt.date(2016, 2, 1), "month")


@pytest.mark.parametrize(
    "text",
    [
        "الساعة 1.5:30",  # int('1.5') in the clock rule
        "الساعة 3:²",  # '²' is a digit to str.isdigit, not to int
        "²/3/2016",  # numeric dates
        "عام 1.55",  # a four-character year token
        "في عام 1,55",
        "1" * 5000 + "/3/2016",  # int() refuses 4,300+ digits
        "9" * 400 + " يوم",  # float('inf') in the number matcher
    ],
)
def test_digit_tokens_that_are_no_field_raise_nothing(text: str) -> None:
    for m in find_times(text, dt.date(2016, 5, 1)):
        assert 0 <= m.start < m.end <= len(text)


def test_numbers_beyond_a_float_are_no_number() -> None:
    assert find_numbers("مقتل " + "9" * 400 + " مدنيا") == []
    # 1e300 * 1e9 is no float either: only the scale word is left as a number
    assert [m.text for m in find_numbers("مقتل " + "9" * 300 + " مليار مدني")] == ["مليار"]
    (m,) = find_numbers("مقتل " + "9" * 300 + " مدنيا")
    assert m.value == float("9" * 300) and m.unit == "مدنيا"
    (m,) = find_numbers("مقتل 1,200 مدني")
    assert m.value == 1200.0
