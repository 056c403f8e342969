from __future__ import annotations

import json
from pathlib import Path

import pytest

from rasid.text.numbers import NumberMention, find_numbers

SHARED = Path(__file__).parents[2] / ".." / "shared" / "data" / "temporal"


def one(text: str) -> NumberMention:
    found = find_numbers(text)
    assert found, text
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "bound", "kind"),
    [
        ("سقط خمسة قتلى", 5, "exact", "cardinal"),
        ("أصيب خمس نساء", 5, "exact", "cardinal"),
        ("عشرة عناصر", 10, "exact", "cardinal"),
        ("أحد عشر مقاتلا", 11, "exact", "cardinal"),
        ("ثلاثة عشر مدنيا", 13, "exact", "cardinal"),
        ("مئة عائلة", 100, "exact", "cardinal"),
        ("مائة عائلة", 100, "exact", "cardinal"),
        ("ألف نازح", 1000, "exact", "cardinal"),
        ("ثلاثة آلاف شخص", 3000, "exact", "cardinal"),
        ("اثنين من المسعفين", 2, "exact", "cardinal"),
        ("1,200 عائلة", 1200, "exact", "cardinal"),
        ("١٥ مدنياً", 15, "exact", "cardinal"),
        ("نحو 40 عنصرا", 40, "about", "cardinal"),
        ("ما لا يقل عن 9 مدنيين", 9, "at_least", "cardinal"),
        ("أكثر من 60 غارة", 60, "at_least", "cardinal"),
        ("أقل من 5 قذائف", 5, "at_most", "cardinal"),
        ("قتيلان", 2, "exact", "dual"),
        ("إصابتين", 2, "exact", "dual"),
        ("للمرة الثالثة", 3, "exact", "ordinal"),
        ("عام 2016", 2016, "exact", "year"),
        ("ارتفاع بنسبة 35%", 35, "exact", "percent"),
    ],
)
def test_forms(text: str, value: float, bound: str, kind: str) -> None:
    m = one(text)
    assert m.value == value
    assert m.bound == bound
    assert m.kind == kind


def test_offsets_point_into_original_text() -> None:
    text = "وأفادت المصادر بمقتل ١٢ مدنيّاً وإصابة نحو عشرين آخرين"
    found = find_numbers(text)
    assert [text[m.start : m.end] for m in found] == [m.text for m in found]
    assert found[0].text == "١٢" and found[0].unit == "مدنيّاً"
    assert found[1].value == 20 and found[1].bound == "about"
    assert text[found[1].unit_start : found[1].unit_end] == "آخرين"  # type: ignore[misc]


def test_vague_and_unknown_quantities() -> None:
    m = one("سقط عشرات القتلى")
    assert m.bound == "some" and m.unit == "القتلى" and m.value is not None and m.value_max == 99
    assert one("وصل المئات").bound == "some"
    m = one("أصيب عدد من المدنيين")
    assert m.value is None and m.bound == "some" and m.unit == "المدنيين"


def test_ranges() -> None:
    m = one("قتل بين 10 و15 شخصا")
    assert (m.value, m.value_max, m.bound) == (10, 15, "range")
    m = one("سقط 15-20 قتيلا")
    assert (m.value, m.value_max, m.bound, m.unit) == (15, 20, "range", "قتيلا")


def test_units_tell_casualties_from_distance_and_time() -> None:
    assert one("مساحة 200 كم مربع").unit == "كم"
    assert one("خلال 72 ساعة").unit == "ساعة"
    assert one("قتل 2 من عناصر الحاجز").unit == "عناصر"


def test_list_of_victims() -> None:
    found = find_numbers("قتل 11 مدنيا بينهم 3 أطفال وامرأتان")
    assert [(m.value, m.kind, m.unit) for m in found] == [
        (11, "cardinal", "مدنيا"),
        (3, "cardinal", "أطفال"),
        (2, "dual", "امرأتان"),
    ]


def test_plural_is_not_dual() -> None:
    assert find_numbers("استهدف القصف المدنيين") == []


@pytest.mark.skipif(not SHARED.exists(), reason="shared data absent")
def test_puckling_numerals_accuracy() -> None:
    items = [json.loads(line) for line in (SHARED / "puckling_ar_corpus.jsonl").open(encoding="utf-8")]
    items = [i for i in items if i["dimension"] == "numeral"]
    ok = sum(1 for i in items if (f := find_numbers(i["phrase"])) and f[0].value == pytest.approx(i["expected"]["value"]))
    assert ok / len(items) >= 0.9


# ---- speed-ups that must not change what is found

# Reports with digits in every shape the tokenizer knows (grouped, decimal, ".5", Arabic-Indic,
# Persian, glued to words and signs) and number words with proclitics.
SPEED_TEXTS = [
    "قتل ١٥ مدنياً وأصيب ٣٫٥ بالمئة من السكان، ونزح 1,200 شخص خلال .5 ساعة، وسجل -3 درجات ليلاً.",
    "وأفاد المرصد بمقتل خمسة وعشرين عنصرا وإصابة ثلاثة آلاف وخمسمائة مدني بجروح، بينهم طفلان.",
    "سقط بين 10 و15 قتيلا، ثم ما لا يقل عن 9 مدنيين، وأكثر من ستين غارة، ونحو 40 عنصرا تقريبا.",
    "للمرة الثالثة عشرة خلال عام 2016 م، وبنسبة 35% من المصابين، وعشرات القتلى والمئات من الجرحى.",
    "وقال A1 إن 3-4 قذائف سقطت، و۱۲ صاروخا، و2.5 مليون نازح، وفي الساعة 08:15 قتل 7 أشخاص.",
    "والحادي والعشرين من الشهر، وبالمئات، وللعشرات، وفبثلاثة، ولخمسة عشر مقاتلا، وكألف رجل.",
    "استمرت المفاوضات الطويلة حول حصة المدينة الساحلية البالغة .5 بالمئة من العائدات النفطية",
]


def _regex_windows(text: str) -> list[tuple[int, int]]:
    """Reference for the trigger windows: a scan of the text itself rather than of its tokens."""
    import re

    from rasid.text.numbers import lexicon

    trigger = lexicon().trigger
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"[\u0621-\u064a]+|\d+", text):
        if m.group()[0] > "9" and m.group() not in trigger:
            continue
        s, e = max(0, m.start() - 24), min(len(text), m.end() + 40)
        if spans and s <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], e))
        else:
            spans.append((s, e))
    return spans


@pytest.mark.parametrize("text", SPEED_TEXTS, ids=[f"text{k}" for k in range(len(SPEED_TEXTS))])
def test_tokens_and_windows_match_a_direct_scan(text: str) -> None:
    from rasid.text.numbers import _FOLD_ALL, Folded, _windows, lexicon, text_tokens, text_words, tokenize

    ft = Folded(text).text
    assert ft == text.translate(_FOLD_ALL)
    toks = text_tokens(ft)
    assert toks == tokenize(ft) and all(isinstance(t, tuple) and len(t) == 3 for t in toks)
    assert all(ft[start:end] == norm for norm, start, end in toks)
    assert _windows(lexicon(), toks, len(ft)) == _regex_windows(ft)
    assert _windows(lexicon(), toks, len(ft), text_words(ft)) == _regex_windows(ft)


def _start_filter_texts() -> list[str]:
    from rasid.text.numbers import lexicon

    lex = lexicon()
    words = sorted(set(lex.words) | set(lex.duals) | set(lex.ordinals) | set(lex.ordinal_compound_units))
    phrases = [" ".join(p) for p in [*lex.bounds, *lex.vague, *lex.some, *lex.percent]]
    texts = [*SPEED_TEXTS]
    for w in words + phrases:
        texts += [f"قال {w} 12 قتيلا", f"وأكد و{w} عشرة مدنيين", f"ب{w} خمسة"]
    return texts


def test_start_filter_only_skips_tokens_where_parsing_fails() -> None:
    from rasid.text.numbers import Folded, _may_start, _parse_at, lexicon, tokenize

    lex = lexicon()
    skipped = 0
    for text in _start_filter_texts():
        toks = tokenize(Folded(text).text)
        for i, t in enumerate(toks):
            if not _may_start(t[0]):
                skipped += 1
                assert _parse_at(lex, toks, i) is None, (text, t[0])
    assert skipped > 500  # the fixture exercises the filter


def test_start_filter_keeps_every_number(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasid.text import numbers

    class Always(dict):  # type: ignore[type-arg]
        def get(self, key: object, default: object = None) -> bool:
            return True

    texts = _start_filter_texts()
    fast = [find_numbers(t) for t in texts]
    monkeypatch.setattr(numbers, "_MAY_START", Always())
    assert [find_numbers(t) for t in texts] == fast
    assert sum(map(len, fast)) > 1000


def test_shared_folding_and_tokens_follow_the_text() -> None:
    """find_times and find_numbers share the last text's folding and tokens: a new text must not
    get the old one's."""
    from rasid.text.timex import find_times

    a, b = "قتل 5 مدنيين أمس", "وأصيب عشرون شخصا الخميس بجروح"
    fresh_b = find_numbers(b)
    find_numbers(a)
    find_times(a, None)
    assert find_numbers(b) == fresh_b and fresh_b[0].value == 20
    assert find_numbers(a)[0].value == 5 and find_numbers(a)[0].unit == "مدنيين"
