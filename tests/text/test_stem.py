import pytest

from rasid.text.normalize import normalize_word
from rasid.text.stem import stem

# Pairs of forms that a light stemmer should conflate for matching news text.
SAME = [
    ("ميليشيات", "ميليشيا"),
    ("ايرانية", "ايراني"),
    ("ايرانيين", "ايران"),
    ("مدنيين", "مدني"),
    ("قوات", "قوة"),
    ("اشتباكات", "اشتباك"),
    ("مقاتلين", "مقاتل"),
    ("مقاتلون", "مقاتل"),
    ("روسية", "روسيا"),
    ("سوريا", "سورية"),
    ("عسكرية", "عسكري"),
    ("غارات", "غارة"),
    ("هجوما", "هجوم"),
    ("طائرات", "طائرة"),
    ("قصفها", "قصف"),
    ("قالوا", "قال"),
]
# Different words that must keep different stems.
DIFFERENT = [("قصف", "قتل"), ("حلب", "حماة"), ("روسيا", "ايران"), ("جرحى", "قتلى")]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_conflates(a, b):
    assert stem(normalize_word(a)) == stem(normalize_word(b))


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_keeps_apart(a, b):
    assert stem(normalize_word(a)) != stem(normalize_word(b))


def test_short_and_foreign_words_unchanged():
    assert stem("في") == "في"
    assert stem("حلب") == "حلب"
    assert stem("reuters") == "reuters"
    assert stem("2024") == "2024"
    assert stem("") == ""


def test_article_removed_when_present():
    assert stem(normalize_word("الإيرانية")) == stem(normalize_word("إيرانية"))


def test_never_shorter_than_two():
    for w in ["قوة", "ذات", "هما", "اات", "يين"]:
        assert len(stem(w)) >= 2
