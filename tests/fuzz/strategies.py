"""Text generators for the fuzz tests: noise, and noise mixed with real Arabic news words.

Pure noise rarely reaches a rule, so most generators splice in words the rules look for: number
and date words (every form of the shipped `numbers.yaml` and `time.yaml`, plus phrases written
here), and short news fragments (actors, places, event verbs, tolls, sources, quotes). All
fragments are written for these tests.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import yaml
from hypothesis import strategies as st

# The "explore" profile (see conftest.py) multiplies every test's example count.
_SCALE = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else 1


def examples(n: int) -> int:
    """`n` examples in CI, more when exploring."""
    return n * _SCALE


# --------------------------------------------------------------------------- characters

# Marks that copied web text carries: RLM, LRM, RLE, PDF, RLO, ALM, isolates, zero-width, BOM.
BIDI = ["\u200f", "\u200e", "\u202b", "\u202c", "\u202e", "\u061c", "\u2067", "\u2069", "\u200b", "\u200d", "\ufeff"]
MARKS = ["\u064b", "\u064c", "\u064d", "\u064e", "\u0651", "\u0652", "\u0640", "\u0670", "\u0654", "\u06e1"]
PUNCT = [".", "..", "...", "!", "؟", "?!", "،", "؛", ";", ":", "-", "/", "«", "»", "(", ")", '"', "'", "\u201c",
         "\u201d", "\n", "\n\n", "\t", " ", "  ", "\u00a0", "٪", "%", "٫", "٬"]
EMOJI = ["🔥", "💥", "🇸🇾", "👍🏽", "❤️", "🚀"]

# Any Unicode except lone surrogates (they cannot come out of a decoded file).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
arabic_letters = st.text(st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), min_size=1, max_size=12)

# --------------------------------------------------------------------------- numbers and dates

NUMBER_PHRASES = [
    "قبل", "منذ", "بعد", "خلال", "عام", "العام", "سنة", "ألف", "آلاف", "مليون", "مليار", "الأول من أمس",
    "أول من أمس", "قبل أمس", "مقتل", "قتيلا", "جريحا", "شخصا", "نحو", "حوالي", "أكثر من", "ما لا يقل عن",
    "عشرات", "مئات", "بين", "إلى", "و", "في", "من", "الساعة", "صباح", "مساء", "يوم", "الماضي", "المقبل",
    "الـ", "لـ", "منتصف", "أواخر", "مطلع", "الخميس", "الجمعة", "رمضان", "1440", "هـ", "م", "ص",
]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@cache
def lexicon_words() -> list[str]:
    """Every word form of the shipped number and time lexicons, plus the phrases above."""
    words: set[str] = set(NUMBER_PHRASES)
    for name in ("numbers.yaml", "time.yaml"):
        text = resources.files("rasid.text").joinpath("data", name).read_text(encoding="utf-8")
        words.update(w for w in _strings(yaml.safe_load(text)) if w.strip())
    return sorted(words)


def digits(max_digits: int = 40) -> st.SearchStrategy[str]:
    """Digit strings: small values, years, and values far beyond any int or float; some with
    separators, some in Arabic-Indic or Persian digits."""
    plain = st.one_of(
        st.integers(0, 100).map(str),
        st.integers(1, 9999).map(str),
        st.text("0123456789", min_size=1, max_size=max_digits),
        st.sampled_from(["9" * 400, "1" + "0" * 5000, "00000000", "1,000,000", "3.5", "12/03/2016", "2016-05-01",
                         "1.2.3.4", "10:30", "1.5:30", "3:²", "1.55", "1,55", "٣٠", "١٤٤٠", "۲۰۱۶", "٢٠١٦/٥/١"]),
        # Digits of other scripts, and characters `str.isdigit` accepts but `int` does not ("²", "①").
        st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=6),
    )
    indic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    return st.one_of(plain, plain.map(lambda s: s.translate(indic)))


def _piece(words: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    # Mostly real words and numbers, so the rules get to run; then every kind of noise.
    noise = st.one_of(
        st.sampled_from(PUNCT), st.sampled_from(BIDI), st.sampled_from(MARKS), st.sampled_from(EMOJI), arabic_letters,
        st.text(max_size=8),
    )
    return st.one_of(words, words, words, words, digits(), digits(), noise)


def _joined(pieces: list[str], seps: list[str]) -> str:
    out: list[str] = []
    for piece, sep in zip(pieces, seps, strict=False):
        out.append(piece)
        out.append(sep)
    return "".join(out)


@st.composite
def mixed(draw: st.DrawFn, words: st.SearchStrategy[str], max_pieces: int = 40) -> str:
    """Pieces (mostly real words) joined by spaces, punctuation or nothing."""
    pieces = draw(st.lists(_piece(words), max_size=max_pieces))
    seps = draw(st.lists(st.sampled_from([" ", " ", " ", "", "\n", "، ", ". ", "\u200f ", "-"]),
                         min_size=len(pieces), max_size=len(pieces)))
    return _joined(pieces, seps)


def number_date_text() -> st.SearchStrategy[str]:
    """Texts for the number and date rules: lexicon words, digits and noise."""
    words = mixed(st.sampled_from(lexicon_words()))
    return st.one_of(words, words, words, any_text)


# Reference dates: ordinary ones and the very edges `datetime` can hold.
EDGE_DATES = [dt.date(1, 1, 1), dt.date(1, 12, 31), dt.date(9999, 12, 31), dt.date(9999, 1, 1), dt.date(2016, 2, 29)]
reference_dates = st.one_of(st.sampled_from(EDGE_DATES), st.dates(), st.dates(dt.date(2011, 1, 1), dt.date(2025, 12, 31)))

# --------------------------------------------------------------------------- news fragments

ACTORS = [
    "قوات النظام", "قوات الأسد", "الجيش السوري", "الجيش الحر", "هيئة تحرير الشام", "جبهة النصرة", "تنظيم الدولة",
    "داعش", "قوات سوريا الديمقراطية", "قسد", "الميليشيات الإيرانية", "حزب الله", "القوات الروسية",
    "الطيران الروسي", "التحالف الدولي", "فصائل المعارضة", "الجيش التركي", "الدفاع المدني", "الخوذ البيضاء",
    "المرصد السوري لحقوق الإنسان", "وحدات حماية الشعب", "الحرس الثوري", "الجيش الوطني", "قوات التحالف",
]
PLACES = [
    "حلب", "إدلب", "ريف إدلب الجنوبي", "دير الزور", "الرقة", "درعا", "حمص", "حماة", "دمشق", "الغوطة الشرقية",
    "دوما", "خان شيخون", "معرة النعمان", "البوكمال", "منبج", "عفرين", "تل أبيض", "اللاذقية", "جسر الشغور",
    "حي الميدان", "كفرنبل", "سراقب", "تدمر", "القامشلي", "كابل", "الموصل", "صنعاء", "غزة",
]
VERBS = [
    "قصف", "قصفت", "اشتباكات", "اشتباك", "سيطرت", "سيطرة", "غارة", "غارات", "استهدف", "استهدفت", "انفجار",
    "انفجرت", "مقتل", "قتل", "قتلى", "جرحى", "إصابة", "اعتقال", "اعتقلت", "اختطاف", "هجوم", "هاجمت", "تفجير",
    "سقطت قذائف", "انسحاب", "انسحبت", "تقدم", "مظاهرة", "تظاهر", "احتجاجات", "اغتيال", "كمين", "قنص",
    "صاروخ", "براميل متفجرة", "الضربة", "الغارة", "القصف", "استعادت", "حررت", "دمرت", "أسقطت",
]
FRAGMENTS = [
    "وقالت مصادر محلية", "بحسب المرصد", "وأكد مصدر عسكري", "وأكد مسؤول عسكري أميركي", "ونفت وزارة الدفاع",
    "وذكرت وكالة سانا", "وفق ما أفاد ناشطون", "قال", "أعلنت", "إن", "أن", "ما أسفر عن", "ما أدى إلى",
    "بينهم طفل", "بينهم نساء وأطفال", "وإصابة آخرين", "في حصيلة غير نهائية", "ارتفعت حصيلة القتلى",
    "منذ بدء الهجوم", "يوم أمس", "صباح اليوم", "مساء الخميس", "الأسبوع الماضي", "لم", "لن", "سوف", "يعتزم",
    "وتأتي", "على خلفية", "في وقت سابق", "هل", "ردا على", "قواتنا", "المدينة", "البلدة", "في محيط",
    "على أطراف", "بالقرب من", "شمال", "جنوب", "شرق", "غرب", "عناصر", "مقاتلين", "مدنيين", "جنود",
]
LATIN = ["Reuters", "AFP", "SDF", "ISIS", "http://example.com/a?b=1", "U.S.", "Dr.", "e.g.", "OK", "Aleppo"]
LONG_WORDS = ["قصف" * 200, "ا" * 3000, "x" * 5000, "وال" * 300, "٠" * 2000]


@st.composite
def news_number(draw: st.DrawFn) -> str:
    """A count the casualty rules read: digits, number words, or both."""
    return draw(st.one_of(
        digits(),
        st.sampled_from(["ثلاثة", "سبعة", "عشرة", "عشرات", "مئات", "خمسين", "أحد عشر", "مئة", "ألفين", "مليون"]),
        st.tuples(digits(), st.sampled_from(["ألف", "مليون", "قتيلا", "شخصا", "مدنيين", "عنصرا"])).map(" ".join),
    ))


def news_words() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(ACTORS), st.sampled_from(PLACES), st.sampled_from(VERBS), st.sampled_from(VERBS),
        st.sampled_from(FRAGMENTS), st.sampled_from(NUMBER_PHRASES), st.sampled_from(LATIN), news_number(),
    )


@st.composite
def news_sentence(draw: st.DrawFn) -> str:
    """A sentence-like run of news words, sometimes quoted or in parentheses."""
    body = draw(mixed(news_words(), max_pieces=18))
    wrap = draw(st.sampled_from([("", ""), ("", ""), ("«", "»"), ("(", ")"), ('"', '"'), ("\u202b", "\u202c")]))
    end = draw(st.sampled_from([".", ".", "!", "؟", "...", "", "!!!!", "..", ".\u200f", "،"]))
    return wrap[0] + body + wrap[1] + end


@st.composite
def news_text(draw: st.DrawFn) -> str:
    """A short "article": generated sentences, now and then a very long word or pure noise."""
    parts = draw(st.lists(
        st.one_of(news_sentence(), news_sentence(), news_sentence(), st.sampled_from(LONG_WORDS), any_text),
        min_size=1, max_size=6,
    ))
    seps = draw(st.lists(st.sampled_from([" ", "\n", "\n\n", " \u200f", ""]), min_size=len(parts), max_size=len(parts)))
    return _joined(parts, seps)
