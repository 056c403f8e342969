"""Fuzzing the JSONL reader: any line (arbitrary JSON values, records with fields of the wrong
type, deep nesting, huge numbers, broken JSON, raw bytes) gives one article or one clean
`IngestError` naming its line, never an exception escaping `read_file`."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rasid.errors import IngestError
from rasid.ingest.readers import RawArticle, read_file
from rasid.ingest.runner import build_document
from tests.fuzz.strategies import examples, news_text

# JSON values of every kind; integers far past 64 bits, floats of any size (JSON has no NaN).
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(10**300), 10**300), st.floats(allow_nan=False),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30), news_text(),
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELDS = ["id", "url", "source", "published", "title", "text", "html"]
records = st.dictionaries(st.sampled_from([*FIELDS, "extra", "tags"]), json_values, max_size=7)
good_records = st.fixed_dictionaries(
    {"text": news_text().filter(str.strip)},
    optional={
        "id": st.text(max_size=10), "title": st.text(max_size=20), "url": st.just("https://example.org/a/1"),
        "published": st.dates().map(str), "source": st.sampled_from(["عنب بلدي", "ستيب نيوز", "سانا"]),
    },
)


def _dumps(value: object, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)


# Lines that stay within what Python's own `json` parses: depth < 1000, integers < 4,300 digits.
plain_lines = st.one_of(
    st.builds(_dumps, records, st.booleans()),
    st.builds(_dumps, good_records, st.booleans()),
    st.builds(_dumps, json_values, st.booleans()),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\n"), max_size=60),  # (a line is split at \n only)
    st.builds(lambda s: s[: len(s) // 2], st.builds(_dumps, good_records, st.booleans())),  # cut short
)
# Lines past those limits: deep nesting and huge integers.
hostile_lines = st.one_of(
    st.integers(1000, 200_000).map(lambda n: "[" * n + "]" * n),
    st.integers(1000, 50_000).map(lambda n: '{"text": "قصف", "extra": ' + "[" * n + "]" * n + "}"),
    st.integers(4300, 20_000).map(lambda n: '{"text": "قصف على حلب", "id": ' + "7" * n + "}"),
    st.integers(4300, 20_000).map(lambda n: "9" * n),
)


def _read_lines(lines: list[str], raw: list[bytes] | None = None) -> tuple[list[RawArticle | IngestError], list[int]]:
    """Write the lines (and raw byte lines) to a .jsonl file and read it back: (items, numbers of the
    non-blank lines)."""
    data = b"".join([line.encode("utf-8") + b"\n" for line in lines] + [b + b"\n" for b in raw or []])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.jsonl"
        path.write_bytes(data)
        items = list(read_file(path))
    return items, [n for n, line in enumerate(data.split(b"\n")[:-1], start=1) if line.strip()]


def _check(items: list[RawArticle | IngestError], numbers: list[int]) -> None:
    if not numbers:
        assert len(items) == 1 and isinstance(items[0], IngestError)  # "empty file"
        return
    assert len(items) == len(numbers), "one article or one error per line"
    for number, item in zip(numbers, items, strict=True):
        if isinstance(item, IngestError):
            assert item.line == number and "\n" not in item.describe()
        else:
            assert isinstance(item, RawArticle) and item.origin.endswith(f":{number}")


@settings(max_examples=examples(100))
@given(st.lists(plain_lines, max_size=6), st.lists(st.binary(max_size=40).filter(lambda b: b"\n" not in b), max_size=2))
def test_jsonl_lines_give_an_article_or_an_error(lines: list[str], raw: list[bytes]) -> None:
    _check(*_read_lines(lines, raw))


@settings(max_examples=examples(20))
@given(st.lists(st.one_of(plain_lines, hostile_lines), min_size=1, max_size=3))
@example(["[" * 100_000 + "]" * 100_000])  # RecursionError
@example(['{"text": "قصف على حلب", "id": ' + "1" * 5000 + "}"])  # ValueError: Exceeds the limit (4300 digits)
def test_jsonl_deep_nesting_and_huge_numbers_give_an_error(lines: list[str]) -> None:
    _check(*_read_lines(lines))


@settings(max_examples=examples(100))
@given(st.lists(st.builds(_dumps, st.one_of(records, good_records), st.booleans()), min_size=1, max_size=4))
@example(['{"text": "قصف على حلب", "title": 5}'])  # TypeError: argument of type 'int' is not iterable
@example(['{"text": "قصف على حلب", "url": 5}'])  # TypeError
@example(['{"text": "قصف على حلب", "source": ["a"]}'])  # AttributeError: 'list' object has no attribute 'lower'
@example(['{"text": "قصف على حلب", "title": {"x": [1, 2]}}'])  # AttributeError: no attribute 'strip'
@example(['{"text": "\\ud800 قصف على حلب"}'])  # UnicodeEncodeError: surrogates not allowed
def test_jsonl_fields_of_the_wrong_type_give_an_error(lines: list[str]) -> None:
    items, numbers = _read_lines(lines)
    _check(items, numbers)
    for item in items:
        if isinstance(item, RawArticle):
            for name in ("body", "title", "url", "source", "external_id"):
                value = getattr(item, name)
                assert value is None or isinstance(value, str), f"{name} is {type(value).__name__}"
            with contextlib.suppress(IngestError):  # (a clean refusal: no article text left, and the like)
                build_document(item)
