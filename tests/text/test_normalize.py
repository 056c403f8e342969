import random

import pytest

from rasid.text.normalize import Normalized, normalize, normalize_text, normalize_word


def test_diacritics_and_tatweel_removed():
    assert normalize("قُوّاتٌ").text == "قوات"
    assert normalize("الـــقصف").text == "القصف"
    assert normalize("هٰذا").text == "هذا"  # superscript alef
    assert normalize("مُدُنٍ").text == "مدن"


def test_digits_to_ascii():
    assert normalize("عام ٢٠٢٤").text == "عام 2024"
    assert normalize("۱۴۰۳").text == "1403"  # Persian digits
    assert normalize("٣٫٥").text == "3.5"  # Arabic decimal separator


def test_quote_folding_and_arabic_punctuation_kept():
    assert normalize("“مجهولة المصدر”", fold=False).text == '"مجهولة المصدر"'
    assert normalize("«قواتنا»").text == '"قواتنا"'
    assert normalize("„x‟").text == '"x"'
    out = normalize("حلب، إدلب؛ لماذا؟").text
    assert "،" in out and "؛" in out and "؟" in out


def test_letter_folding_only_when_asked():
    assert normalize("أإآٱ").text == "اااا"
    assert normalize("مؤتمر رئيس مدينة مستشفى").text == "موتمر رييس مدينه مستشفي"
    assert normalize("سماء").text == "سماء"  # standalone hamza kept
    assert normalize("أحمد مدينة", fold=False).text == "أحمد مدينة"
    assert normalize("أَحمد", fold=False).text == "أحمد"


def test_whitespace_not_collapsed():
    assert normalize("a  \n\n b").text == "a  \n\n b"


@pytest.mark.parametrize(
    "text",
    ["", "بدون تشكيل", "قُتِلَ ٣ مدنيين فـــي “حلب”", "ـــ", "ًٌٍ", "abc\u200fdef", "شنّتها الطائراتُ"],
)
def test_offsets_map_back(text):
    n = normalize(text)
    assert isinstance(n, Normalized)
    assert len(n.offsets) == len(n.text) + 1
    assert n.offsets[-1] == len(text)
    assert list(n.offsets) == sorted(n.offsets)
    for i, ch in enumerate(n.text):
        orig = text[n.offsets[i]]
        # each kept character maps to itself or to its 1:1 substitute
        assert normalize(orig).text == ch


def test_to_original_covers_trailing_marks():
    text = "جاء قُوّاتٌ الآن"
    n = normalize(text)
    start = n.text.index("قوات")
    s, e = n.to_original(start, start + 4)
    assert text[s:e] == "قُوّاتٌ"
    with pytest.raises(ValueError):
        n.to_original(3, 1)


def test_random_text_round_trip():
    rng = random.Random(7)
    alphabet = "ابتثجحخدذرسشصضطظعغفقكلمنهوي ةىأإآؤئءًٌٍَُِّْـ٠١٢“”«»\n.،"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        n = normalize(text)
        assert len(n.offsets) == len(n.text) + 1
        for i in range(len(n.text)):
            assert normalize_word(text[n.offsets[i]]) == n.text[i]
        assert normalize_word(text) == n.text


def test_normalize_word_matches_normalize():
    for w in ["الإيرانيّة", 'لـ"ستيب', "٢٠٢٤م", "مستشفى"]:
        assert normalize_word(w) == normalize(w).text
        assert normalize_word(w, fold=False) == normalize(w, fold=False).text


def test_normalize_text_equals_normalize_on_whole_texts():
    text = "أعلنت «الهيئة» مقتلَ ٣ مدنيين\u200f في إدلب،\u00a0وإصابة آخرين بجروحٍ — الـمـصدر: مُراسل “سانا”"
    for fold in (True, False):
        assert normalize_text(text, fold=fold) == normalize(text, fold=fold).text
    assert normalize_text(text) == normalize_word(text)
    assert normalize_text("") == ""
