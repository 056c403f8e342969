import dataclasses
import itertools
from pathlib import Path

import pytest

from rasid.document import Clitic, Token
from rasid.text.normalize import normalize_word
from rasid.text.sentences import split_sentences
from rasid.text.tokens import _TOKEN_RE, _slot_setters, search_terms, split_clitics, tokenize

REPORT = (Path(__file__).parent / "data" / "report_ar.txt").read_text(encoding="utf-8")


def one(word: str) -> Token:
    toks = tokenize(word)
    assert len(toks) == 1, toks
    return toks[0]


def test_offsets_round_trip_on_report():
    toks = tokenize(REPORT)
    assert toks
    for t in toks:
        assert REPORT[t.start : t.end] == t.text
        assert t.start <= t.base_start <= t.end
        for c in t.clitics:
            assert t.start <= c.start < c.end <= t.base_start
        assert normalize_word(t.base) == t.norm  # the normalised base maps back to its surface
    # tokens are ordered and do not overlap
    for a, b in itertools.pairwise(toks):
        assert a.end <= b.start


def test_every_non_space_char_is_covered():
    toks = tokenize(REPORT)
    covered = set()
    for t in toks:
        covered.update(range(t.start, t.end))
    assert all(REPORT[i].isspace() for i in range(len(REPORT)) if i not in covered)


@pytest.mark.parametrize(
    ("word", "clitics", "norm"),
    [
        ("والقوات", ["و", "ال"], "قوات"),
        ("بالقصف", ["ب", "ال"], "قصف"),
        ("للمدنيين", ["لل"], "مدنيين"),
        ("لأورينت", ["ل"], "اورينت"),
        ("كالعادة", ["ك", "ال"], "عاده"),
        ("وبالتالي", ["و", "ب", "ال"], "تالي"),
        ("فالمعارك", ["ف", "ال"], "معارك"),
        ("وللمرة", ["و", "لل"], "مره"),
        ("الإيرانية", ["ال"], "ايرانيه"),
        ("وقال", ["و"], "قال"),
        ("بريف", ["ب"], "ريف"),
        ("ولبنان", ["و"], "لبنان"),
    ],
)
def test_clitics_split(word, clitics, norm):
    t = one(word)
    assert [c.form for c in t.clitics] == clitics
    assert t.norm == norm
    assert t.base_start == t.clitics[-1].end
    assert "".join(word[c.start : c.end] for c in t.clitics) + t.base == word


@pytest.mark.parametrize(
    "word",
    [
        "لبنان",
        "بيروت",
        "فلسطين",
        "بغداد",
        "وزير",
        "وزارة",
        "لجنة",
        "فصائل",
        "كبير",
        "بين",
        "الذي",
        "التي",
        "بيان",
        "ليبيا",
        "لافتا",
        "كانت",
        "فريق",
    ],
)
def test_words_not_split(word):
    t = one(word)
    assert t.clitics == ()
    assert t.base == word


def test_exception_covers_suffixed_forms_only():
    assert split_clitics("لبناني") == ([], 0)
    assert split_clitics("وزيره") == ([], 0)
    # "الان" (now) is an exception but must not block the article in longer words
    assert split_clitics("الانسحاب") == (["ال"], 2)


def test_diacritics_inside_clitic_word():
    word = "وَالقُوّاتُ"
    t = one(word)
    assert [c.form for c in t.clitics] == ["و", "ال"]
    assert t.norm == "قوات"
    assert t.base == "قُوّاتُ"


def test_detached_article_with_tatweel_joins_number():
    text = "خلال الـ 24 ساعة"
    toks = tokenize(text)
    assert [t.text for t in toks] == ["خلال", "الـ 24", "ساعة"]
    t = toks[1]
    assert t.norm == "24" and [c.form for c in t.clitics] == ["ال"]
    assert text[t.base_start : t.end] == "24"
    assert text[t.clitics[0].start : t.clitics[0].end] == "الـ"


def test_detached_preposition_before_quote():
    text = 'وقال لـ"ستيب نيوز" إن'
    toks = tokenize(text)
    t = next(t for t in toks if t.norm == "ستيب")
    assert t.text == 'لـ"ستيب' and [c.form for c in t.clitics] == ["ل"]
    assert text[t.base_start : t.end] == "ستيب"
    # the closing quote is still a token
    assert any(t.text == '"' and not t.is_word for t in toks)


def test_glued_tatweel_clitic():
    t = one("بـالقصف")
    assert [c.form for c in t.clitics] == ["ب", "ال"] and t.norm == "قصف"


def test_numbers_and_punctuation():
    toks = tokenize("قتل ٢٠٢٤ و3.5، (نعم)")
    by_text = {t.text: t for t in toks}
    assert by_text["٢٠٢٤"].norm == "2024" and by_text["٢٠٢٤"].is_word
    assert not by_text["،"].is_word and not by_text["("].is_word
    glued = next(t for t in toks if t.norm == "3.5")
    assert glued.text == "و3.5" and [c.form for c in glued.clitics] == ["و"]


def test_sentence_indices():
    spans = split_sentences(REPORT)
    toks = tokenize(REPORT, spans)
    for t in toks:
        s, e = spans[t.sentence]
        assert s <= t.start and t.end <= e
    assert toks[-1].sentence == len(spans) - 1
    assert tokenize(REPORT) == toks  # sentences computed when not given


def test_stem_filled():
    t = one("الإيرانيين")
    assert t.stem == "ايران"


def test_search_terms_match_across_spellings():
    a = search_terms("الميليشيات الإيرانية")
    b = search_terms("ميليشيات ايرانيه")
    assert a == b == ["ميليشيات", "ايرانيه"]
    assert search_terms("قصفٌ بالـ 24 Reuters") == ["قصف", "24", "reuters"]
    assert search_terms("") == []


def test_fast_token_constructor_equals_dataclass():
    t = one("بالقصف")
    clone = Token(t.start, t.end, t.text, t.base_start, t.norm, t.stem, t.clitics, t.sentence, t.is_word)
    assert t == clone and type(t) is Token


def test_fast_clitic_constructor_equals_dataclass():
    t = one("وبالقصف")
    assert [type(c) for c in t.clitics] == [Clitic, Clitic, Clitic]
    assert t.clitics == tuple(Clitic(c.form, c.start, c.end) for c in t.clitics)
    assert hash(t.clitics[0]) == hash(Clitic(t.clitics[0].form, t.clitics[0].start, t.clitics[0].end))


def test_split_scan_gives_the_regex_matches():
    # The tokenizer reads tokens off a split of the text; they must be the pattern's own matches.
    text = "قال مراسلٌ:«قُتل 3 مدنيين» في ١٢ آب... the group's  (Reuters)؟\n\tتـجدّد 1,200\u00a0كم  "
    toks = tokenize(text)
    assert [(t.start, t.end, t.text) for t in toks] == [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]
    assert [t.is_word for t in toks] == [m.lastindex != 3 for m in _TOKEN_RE.finditer(text)]


def test_fast_constructors_refuse_a_changed_class():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Other:
        form: str
        start: int

    with pytest.raises(RuntimeError, match="fields changed"):
        _slot_setters(Other, ("form", "start", "end"))
