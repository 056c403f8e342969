"""Tests for rasid.text.fold: the one public way Rasid folds Arabic.

Every normaliser that used to fold privately now calls fold.py with a named option set; the literal
outputs below were captured from those old functions on tricky strings (hamza forms, taa marbuta,
alef maqsura, diacritics, tatweel, digits, Persian letters, quotes, spaces, invisible marks,
Quranic signs, Latin, presentation forms), so the new calls must reproduce them exactly.
"""

from __future__ import annotations

import bisect
import random
import re

import pytest

from rasid.extract.ner_crf import normalize as ner_normalize
from rasid.knowledge.places import normalize_word as place_word
from rasid.stories._data import norm_phrase
from rasid.text import numbers
from rasid.text.fold import (
    CLEAN,
    DELETE_CLASS,
    MATCH,
    MATCH_LOWER,
    NER_FEATURES,
    NUMBERS,
    PLACE_NAMES,
    PRESETS,
    STANCE_FEATURES,
    FoldOptions,
    KeptOffsets,
    fold_text,
    fold_with_offsets,
    fold_word,
    proclitic_variants,
)
from rasid.text.normalize import normalize, normalize_text, normalize_word
from rasid.verify.features import normalize as stance_normalize

TRICKY = [
    "أإآٱ ٲٳ",
    "مؤتمر رئيس سماء شيء",
    "مدينة مستشفى على",
    "ق\u064fو\u0651ات\u064c ال\u0640\u0640\u0640قصف ه\u0670ذا م\u064fد\u064fن\u064d",
    "عام ٢٠٢٤ و۱۴۰۳ و٣٫٥ و١٬٠٠٠ و٥٪",
    "ایران کرد",
    "گ ڤ پ چ",
    "“قواتنا” «حلب» ‘x’ „y‟",
    "a\u00a0b\u2009c\u3000d\u202fe",
    "abc\u200fdef\u200b\u202bx\u2066y\ufeff\u061cz\u200c",
    "صلى الله عليه وسلم \u0610\u0612 \u06d6\u06dd\u06e5\u06e9",
    "Hello World İstanbul ABC",
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652",
    "١٢٣abc۴۵۶",
    "०१ ①²",
    "وقال#الرئيس_السوري @user https://x.com/a",
    "٩٠عرضا",
    "",
    "  الإيراني\u0651ة   ",
    "ﻷ ﷲ",
    "ا\u0653 ا\u0654",
    "ب\u0640\u0640\u0640المدينة، إدلب؛ لماذا؟",
    "\u200f\u200e",
    "هجوم بال\u0640\"درون\" على «الجيش» في ٢٠٢٤/٣/١",
]

# What each replaced normaliser returned for TRICKY before the move (captured from the old code).
OLD_OUTPUTS: dict[str, list[str]] = {
    "match": [
        "اااا اا",
        "موتمر رييس سماء شيء",
        "مدينه مستشفي علي",
        "قوات القصف هذا مدن",
        "عام 2024 و1403 و3.5 و1,000 و5٪",
        "ايران كرد",
        "گ ڤ پ چ",
        "\"قواتنا\" \"حلب\" 'x' \"y\"",
        "a b c d e",
        "abcdefxyz",
        "صلي الله عليه وسلم \u0610\u0612 \u06dd\u06e5\u06e9",
        "Hello World İstanbul ABC",
        "",
        "123abc456",
        "०१ ①²",
        "وقال#الرييس_السوري @user https://x.com/a",
        "90عرضا",
        "",
        "  الايرانيه   ",
        "ﻷ ﷲ",
        "ا ا",
        "بالمدينه، ادلب؛ لماذا؟",
        "",
        "هجوم بال\"درون\" علي \"الجيش\" في 2024/3/1",
    ],
    "clean": [
        "أإآٱ ٲٳ",
        "مؤتمر رئيس سماء شيء",
        "مدينة مستشفى على",
        "قوات القصف هذا مدن",
        "عام 2024 و1403 و3.5 و1,000 و5٪",
        "ایران کرد",
        "گ ڤ پ چ",
        "\"قواتنا\" \"حلب\" 'x' \"y\"",
        "a b c d e",
        "abcdefxyz",
        "صلى الله عليه وسلم \u0610\u0612 \u06dd\u06e5\u06e9",
        "Hello World İstanbul ABC",
        "",
        "123abc456",
        "०१ ①²",
        "وقال#الرئيس_السوري @user https://x.com/a",
        "90عرضا",
        "",
        "  الإيرانية   ",
        "ﻷ ﷲ",
        "ا ا",
        "بالمدينة، إدلب؛ لماذا؟",
        "",
        "هجوم بال\"درون\" على \"الجيش\" في 2024/3/1",
    ],
    "numbers": [
        "اااا ٲٳ",
        "مؤتمر رئيس سماء شيء",
        "مدينه مستشفي علي",
        "قوات القصف هذا مدن",
        "عام 2024 و1403 و3.5 و1,000 و5%",
        "ايران كرد",
        "گ ڤ پ چ",
        "“قواتنا” «حلب» ‘x’ „y‟",
        "a\u00a0b\u2009c\u3000d\u202fe",
        "abc\u200fdef\u200b\u202bx\u2066y\ufeff\u061cz\u200c",
        "صلي الله عليه وسلم \u0610\u0612 \u06d6\u06dd\u06e5\u06e9",
        "Hello World İstanbul ABC",
        "",
        "123abc456",
        "०१ ①²",
        "وقال#الرئيس_السوري @user https://x.com/a",
        "90عرضا",
        "",
        "الايرانيه",
        "ﻷ ﷲ",
        "ا\u0653 ا\u0654",
        "بالمدينه، ادلب؛ لماذا؟",
        "\u200f\u200e",
        "هجوم بال\"درون\" علي «الجيش» في 2024/3/1",
    ],
    "place_names": [
        "اااا ٲٳ",
        "مؤتمر رئيس سماء شيء",
        "مدينه مستشفي علي",
        "قوات القصف هذا مدن",
        "عام ٢٠٢٤ و۱۴۰۳ و٣٫٥ و١٬٠٠٠ و٥٪",
        "ایران کرد",
        "گ ڤ پ چ",
        "“قواتنا” «حلب» ‘x’ „y‟",
        "a\u00a0b\u2009c\u3000d\u202fe",
        "abcdefx\u2066y\ufeffz",
        "صلي الله عليه وسلم  ",
        "hello world i\u0307stanbul abc",
        "",
        "١٢٣abc۴۵۶",
        "०१ ①²",
        "وقال#الرئيس_السوري @user https://x.com/a",
        "٩٠عرضا",
        "",
        "  الايرانيه   ",
        "ﻷ ﷲ",
        "ا ا",
        "بالمدينه، ادلب؛ لماذا؟",
        "",
        "هجوم بال\"درون\" علي «الجيش» في ٢٠٢٤/٣/١",
    ],
    "stance_features": [
        "اااا ٲٳ",
        "موتمر رييس سماء شيء",
        "مدينه مستشفي علي",
        "قوات القصف هذا مدن",
        "عام 2024 و 1403 و 3 5 و 1 000 و 5%",
        "ایران کرد",
        "ك ف ب ج",
        "قواتنا حلب x y",
        "a b c d e",
        "abc def x y z",
        "صلي الله عليه وسلم",
        "hello world i\u0307stanbul abc",
        "",
        "123 abc 456",
        "01 12",
        "وقال الرييس السوري",
        "90 عرضا",
        "",
        "الايرانيه",
        "لا الله",
        "ا ا",
        "بالمدينه ادلب لماذا",
        "",
        "هجوم بال درون علي الجيش في 2024 3 1",
    ],
    "ner_features": [
        "اااا ٲٳ",
        "مؤتمر رئيس سماء شيء",
        "مدينه مستشفي علي",
        "قوات القصف هذا مدن",
        "عام 2024 و1403 و3٫5 و1٬000 و5٪",
        "ايران كرد",
        "گ ڤ پ چ",
        "“قواتنا” «حلب» ‘x’ „y‟",
        "a\u00a0b\u2009c\u3000d\u202fe",
        "abc\u200fdef\u200b\u202bx\u2066y\ufeff\u061cz\u200c",
        "صلي الله عليه وسلم  ",
        "hello world i\u0307stanbul abc",
        "",
        "123abc456",
        "०१ ①²",
        "وقال#الرئيس_السوري @user https://x.com/a",
        "90عرضا",
        "",
        "  الايرانيه   ",
        "ﻷ ﷲ",
        "ا ا",
        "بالمدينه، ادلب؛ لماذا؟",
        "\u200f\u200e",
        "هجوم بال\"درون\" علي «الجيش» في 2024/3/1",
    ],
    "story_phrase": [
        "اااا اا",
        "موتمر رييس سماء شيء",
        "مدينه مستشفي علي",
        "قوات القصف هذا مدن",
        "عام 2024 و1403 و3.5 و1,000 و5٪",
        "ايران كرد",
        "گ ڤ پ چ",
        "\"قواتنا\" \"حلب\" 'x' \"y\"",
        "a b c d e",
        "abcdefxyz",
        "صلي الله عليه وسلم \u0610\u0612 \u06dd\u06e5\u06e9",
        "hello world i\u0307stanbul abc",
        "",
        "123abc456",
        "०१ ①²",
        "وقال#الرييس_السوري @user https://x.com/a",
        "90عرضا",
        "",
        "الايرانيه",
        "ﻷ ﷲ",
        "ا ا",
        "بالمدينه، ادلب؛ لماذا؟",
        "",
        "هجوم بال\"درون\" علي \"الجيش\" في 2024/3/1",
    ],
}
# numbers.Folded(text): (folded text, original positions deleted), before the move.
OLD_NUMBER_FOLDS = [
    ("اااا ٲٳ", []),
    ("مؤتمر رئيس سماء شيء", []),
    ("مدينه مستشفي علي", []),
    ("قوات القصف هذا مدن", [1, 3, 6, 10, 11, 12, 18, 23, 25, 27]),
    ("عام 2024 و1403 و3.5 و1,000 و5%", []),
    ("ايران كرد", []),
    ("گ ڤ پ چ", []),
    ("“قواتنا” «حلب» ‘x’ „y‟", []),
    ("a\u00a0b\u2009c\u3000d\u202fe", []),
    ("abc\u200fdef\u200b\u202bx\u2066y\ufeff\u061cz\u200c", []),
    ("صلي الله عليه وسلم \u0610\u0612 \u06d6\u06dd\u06e5\u06e9", []),
    ("Hello World İstanbul ABC", []),
    ("", [0, 1, 2, 3, 4, 5, 6, 7]),
    ("123abc456", []),
    ("०१ ①²", []),
    ("وقال#الرئيس_السوري @user https://x.com/a", []),
    ("90عرضا", []),
    ("", []),
    ("  الايرانيه   ", [10]),
    ("ﻷ ﷲ", []),
    ("ا\u0653 ا\u0654", []),
    ("بالمدينه، ادلب؛ لماذا؟", [1, 2, 3]),
    ("\u200f\u200e", []),
    ("هجوم بال\"درون\" علي «الجيش» في 2024/3/1", [8]),
]


# The component functions that replaced the old private normalisers, by OLD_OUTPUTS key.
COMPONENTS = {
    "match": normalize_word,
    "clean": lambda s: normalize_word(s, fold=False),
    "numbers": numbers.fold,
    "place_names": place_word,
    "stance_features": stance_normalize,
    "ner_features": ner_normalize,
    "story_phrase": norm_phrase,
}


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_every_replaced_normaliser_gives_its_old_output(name: str) -> None:
    assert [COMPONENTS[name](s) for s in TRICKY] == OLD_OUTPUTS[name]


@pytest.mark.parametrize(
    ("name", "options"),
    [("match", MATCH), ("clean", CLEAN), ("place_names", PLACE_NAMES), ("ner_features", NER_FEATURES)],
)
def test_word_option_sets_alone_reproduce_the_old_normalisers(name: str, options: FoldOptions) -> None:
    # These normalisers were pure character folds (the NER one after NFC, which only composes
    # "ا" + a hamza/madda mark here: folded, both spellings give "ا").
    assert [fold_word(s, options) for s in TRICKY] == OLD_OUTPUTS[name]


def test_numbers_option_set_reproduces_the_old_number_fold() -> None:
    assert [fold_word(s, NUMBERS).strip() for s in TRICKY] == OLD_OUTPUTS["numbers"]
    for s, (text, deleted) in zip(TRICKY, OLD_NUMBER_FOLDS, strict=True):
        folded = numbers.Folded(s)
        assert folded.text == text == fold_with_offsets(s, NUMBERS)[0]
        kept = [i for i in range(len(s) + 1) if i not in deleted]
        assert [folded.orig(i) for i in range(len(text) + 1)] == kept
        assert s.translate(numbers._FOLD_ALL) == text


def test_story_phrases_fold_word_by_word() -> None:
    assert [" ".join(fold_word(w, MATCH_LOWER) for w in s.split()) for s in TRICKY] == OLD_OUTPUTS["story_phrase"]
    # A "word" of marks only folds to nothing but keeps its place, as the keys always had.
    assert norm_phrase("قصف \u064b حلب") == "قصف  حلب"


def test_stance_option_set_is_the_character_fold_of_the_stance_features() -> None:
    assert fold_text("\u06af\u06a4\u067e\u0686 \u0966\u0967\u0668 \u066a", STANCE_FEATURES) == "كفبج 018 %"
    assert fold_text("\u06cc\u06a9 \u0672 \u066b \u200f", STANCE_FEATURES) == "\u06cc\u06a9 \u0672 \u066b \u200f"
    assert fold_text("مؤتمر رئيس \u0610صلى\u06d6", STANCE_FEATURES) == "موتمر رييس صلي"


def test_preset_characteristics() -> None:
    assert fold_word("مؤتمر", MATCH) == "موتمر" and fold_word("مؤتمر", NUMBERS) == "مؤتمر"
    assert fold_word("٥٪ ٣٫٥", NUMBERS) == "5% 3.5" and fold_word("٥٪ ٣٫٥", MATCH) == "5٪ 3.5"
    assert fold_word("Idlib إدلب", PLACE_NAMES) == "idlib ادلب" and fold_word("٢", PLACE_NAMES) == "٢"
    assert fold_word("إدلب", CLEAN) == "إدلب" and fold_word("«إِدلب»", CLEAN) == '"إدلب"'
    assert fold_word("ABC", MATCH_LOWER) == "abc" and fold_word("ABC", MATCH) == "ABC"
    assert fold_word("ALEPPO ی", NER_FEATURES) == "aleppo ي"


def test_match_deletes_what_the_text_stage_always_deleted() -> None:
    old = "\u064b-\u065f\u0670\u0640\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    old += "\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff"
    old_re, new_re = re.compile(f"[{old}]"), re.compile(DELETE_CLASS)
    for c in range(0x10000):
        assert bool(old_re.match(chr(c))) == bool(new_re.match(chr(c))), hex(c)


# --------------------------------------------------------------------------- every option set

ADVERSARIAL = [
    *TRICKY,
    "\u064e\u064e\u0651",  # only diacritics
    "ـــ",  # only tatweel
    "\u200f\u202b\u2067",  # only bidi marks
    "Damascus دمشق\u200f (SANA) ٢٠٢٤",  # mixed Latin/Arabic with an RTL mark
    "\u202bالقصف\u202c on Idlib",
    "أ\u064eي\u0652ض\u064b\u0627",
]


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_word_and_text_folds_agree(preset: str) -> None:
    options = PRESETS[preset]
    for s in ADVERSARIAL:
        assert fold_word(s, options) == fold_text(s, options)


@pytest.mark.parametrize("preset", sorted(p for p in PRESETS if not PRESETS[p].lower))
def test_offsets_map_back_into_the_original(preset: str) -> None:
    options = PRESETS[preset]
    rng = random.Random(5)
    alphabet = "ابتةىأإآؤئءیکگ ًٌَُّْٰـ٠١۴٪٫“»\u200f\u202b\u2066\ufeff\u0610\u06d6\u06ddAbc1 .،"
    randoms = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(300)]
    deleted = options.delete_re
    for s in ADVERSARIAL + randoms:
        folded, offsets = fold_with_offsets(s, options)
        assert folded == fold_text(s, options)
        assert len(offsets) == len(folded) + 1 and offsets[-1] == len(s)
        assert list(offsets) == [offsets[i] for i in range(len(offsets))]
        assert list(offsets) == sorted(set(offsets))
        for i, ch in enumerate(folded):
            assert fold_text(s[offsets[i]], options) == ch  # each kept character or its substitute
        dropped = set(range(len(s))) - set(offsets)
        assert all(deleted.fullmatch(s[j]) for j in dropped)
        if isinstance(offsets, KeptOffsets):
            for j in range(len(s) + 2):
                assert offsets.folded_index(j) == bisect.bisect_left(list(offsets), j)


def test_lowercasing_sets_refuse_offsets() -> None:
    with pytest.raises(ValueError):
        fold_with_offsets("ABC", MATCH_LOWER)


def test_normalize_api_is_the_match_fold() -> None:
    for s in ADVERSARIAL:
        n = normalize(s)
        folded, offsets = fold_with_offsets(s)
        assert (n.text, n.offsets) == (folded, tuple(offsets))
        assert normalize_text(s) == normalize_word(s) == fold_word(s) == fold_text(s, MATCH)
        assert normalize(s, fold=False).text == normalize_text(s, fold=False) == fold_word(s, CLEAN)


def test_every_preset_is_a_valid_fold() -> None:
    assert len(set(PRESETS.values())) == len(PRESETS)
    for options in PRESETS.values():
        subs = options.substitutions
        assert not set(subs) & set(subs.values())
        assert all(len(k) == len(v) == 1 for k, v in subs.items())
        assert not any(options.delete_re.match(c) for c in subs)
    assert FoldOptions() == MATCH


# --------------------------------------------------------------------------- proclitics

# Expected outputs of the event lexicon's old `_strip` (captured from the code before the move).
PROCLITIC_CASES = [
    ("قتيل", ("قتيل",)),
    ("وقتيل", ("وقتيل", "قتيل")),
    ("والقتلى", ("والقتلي", "القتلي", "قتلي")),
    ("للقتلى", ("للقتلي", "لقتلي", "قتلي")),
    ("للاجئين", ("للاجيين", "لاجيين", "اجيين")),
    ("الجرحى", ("الجرحي", "جرحي")),
    ("بالمدينة", ("بالمدينه", "المدينه", "مدينه")),
    ("وال", ("وال",)),
    ("ولد", ("ولد",)),
    ("والد", ("والد", "الد")),
    ("كالقصف", ("كالقصف", "القصف", "قصف")),
    ("الة", ("اله",)),
    ("ألْقتلى", ("القتلي", "قتلي")),
    ("", ("",)),
]


@pytest.mark.parametrize(("word", "expected"), PROCLITIC_CASES)
def test_proclitic_variants_match_the_old_lexicon_strip(word: str, expected: tuple[str, ...]) -> None:
    assert proclitic_variants(word) == expected
