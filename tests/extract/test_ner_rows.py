"""The tagger's per-form weight sums without feature strings (rasid.extract.ner_rows)."""

from __future__ import annotations

import numpy as np
import pytest

from rasid.extract.ner_names import DEFAULT_MODEL
from rasid.extract.ner_rows import FormNumbering, FormRows, sum_segments

# Short sentences written for these tests, plus forms that stress the feature templates: a token
# holding '=' or '|', digits, Latin, a single letter, punctuation, tatweel and a very long word.
_TEXT = (
    "قال المتحدث باسم الدفاع المدني في حلب إن القصف استهدف حي الشعار صباح الخميس . "
    "وأعلنت وزارة الصحة السعودية عن 12 إصابة جديدة بفيروس كورونا في الرياض وجدة "
    "والتقى الأمير محمد بن سلمان بوزير الخارجية الأمريكي جون كيري في واشنطن ."
)
_ODD = ["=", "w=x", "a|b", "x", "ABC", "2015", "١٢٣", "«", "...", "القـــوات", "ب15", "س" * 40]


@pytest.fixture(scope="module")
def tagger():  # type: ignore[no-untyped-def]
    if not DEFAULT_MODEL.is_file():
        pytest.skip("model not built")
    from rasid.extract.ner_crf import CrfTagger

    return CrfTagger(DEFAULT_MODEL)


def test_padded_rows_sum_to_the_weights_of_the_feature_strings(tagger) -> None:  # type: ignore[no-untyped-def]
    tokens = sorted(set(_TEXT.split())) + _ODD
    own, near = tagger._numbering.padded(tokens, tagger._analyse, tagger.features._cluster)
    assert own.shape[0] == len(tokens) and near.shape == (4 * len(tokens), 5)
    for scorer in (tagger._final, tagger._pass1):
        got_own = sum_segments(scorer._sparse, own)
        got_near = sum_segments(scorer._sparse, near).reshape(len(tokens), 4, -1)
        for k, tok in enumerate(tokens):
            form = tagger.features._build_form(tok)
            # Bit for bit: the same numbers as CrfWeights.score of the strings.
            assert np.array_equal(got_own[k], scorer.weights.score(form.own)), tok
            for j, ctx in enumerate(form.context):
                assert np.array_equal(got_near[k, j], scorer.weights.score(ctx)), (tok, j)


def test_no_tokens_give_empty_rows(tagger) -> None:  # type: ignore[no-untyped-def]
    own, near = tagger._numbering.padded([], tagger._analyse, tagger.features._cluster)
    assert len(own) == 0 and len(near) == 0


def test_template_tables_split_at_the_first_equals_sign() -> None:
    rows = FormRows({"bias": 1, "w=a=b": 2, "n=a": 3, "-1:b=q": 4, "c0=7": 5})
    assert rows._bias == 1 and rows._w == {"a=b": 2} and rows._n == {"a": 3}
    assert rows._near[1][0] == {"q": 4} and rows._levels["c0"] == {"7": 5}


def test_sum_segments_adds_in_the_order_of_ndarray_sum() -> None:
    rng = np.random.default_rng(5)
    matrix = rng.normal(size=(300, 4)) * rng.choice([1e-9, 1.0, 1e6], size=(300, 1))
    matrix[0] = 0.0  # the padding row
    segments = [rng.integers(1, 300, size=rng.integers(1, 30)) for _ in range(400)]
    padded = np.zeros((len(segments), 30), dtype=np.intp)
    for r, seg in enumerate(segments):
        padded[r, : len(seg)] = seg
    expected = np.array([matrix[seg].sum(axis=0) for seg in segments])
    assert np.array_equal(sum_segments(matrix, padded), expected)


def test_a_restart_keeps_the_most_recently_used_forms() -> None:
    numbering = FormNumbering(lambda tok: tok.upper(), limit=6)
    first = [numbering.form_id(t) for t in ("a", "b", "c", "d")]
    numbering.touch(np.array(first))
    assert numbering.take_fresh() == (0, 0, ["a", "b", "c", "d"], None)
    numbering.touch(np.array([numbering.form_id("c"), numbering.form_id("a")]))
    numbering.make_room(4)  # 4 + 4 > 6: keep at most min(3, 6 - 4) = 2, the last used
    assert numbering.generation == 1
    assert numbering.numbered == {"a": 0, "c": 1} and numbering.bases == ["A", "C"]
    assert numbering.form_id("e") == 2
    generation, start, fresh, carry = numbering.take_fresh()
    assert (generation, start, fresh) == (1, 2, ["e"])
    assert carry is not None and carry[0] == 0 and carry[1].tolist() == [0, 2]


def test_two_restarts_before_a_take_compose_their_carries() -> None:
    numbering = FormNumbering(lambda tok: tok, limit=4)
    numbering.touch(np.array([numbering.form_id(t) for t in ("a", "b", "c")]))
    numbering.take_fresh()
    numbering.touch(np.array([numbering.form_id("c")]))
    numbering.make_room(2)  # keeps two: "c" (used last) and "a" (the first of the others)
    numbering.form_id("z")  # fresh: never scored, so a second restart cannot keep it
    numbering.touch(np.array([numbering.form_id("c")]))
    numbering.make_room(3)  # keeps one: "c"
    assert numbering.numbered == {"c": 0}
    _generation, start, fresh, carry = numbering.take_fresh()
    assert start == 1 and fresh == [] and carry is not None
    assert carry[0] == 0 and carry[1].tolist() == [2]  # "c" was number 2 before both restarts


def test_the_scorer_moves_kept_rows_and_labels_stay(tagger) -> None:  # type: ignore[no-untyped-def]
    from rasid.extract.ner_crf import CrfTagger

    fresh = CrfTagger(DEFAULT_MODEL)
    sentences = [s.split() for s in _TEXT.split(" . ")]
    expected = fresh.tag_sentences(sentences)
    fresh.features.numbering.limit = 40  # every text now restarts the numbering, keeping some forms
    for _ in range(3):
        assert fresh.tag_sentences(sentences) == expected
        fresh.tag_sentences([["وصل", "وفد", "إلى", "مدينة", "الرقة"]])
    assert fresh.features.numbering.generation >= 3


def _reference_shape(word: str) -> str:
    """`ner_crf._shape` as it was written character by character (the model's features were trained on it)."""
    import re
    import unicodedata

    if not word:
        return "empty"
    if re.fullmatch(r"\d", word) or re.fullmatch(r"[\d.,/:\-]+", word):
        return "num"
    if all(unicodedata.category(c)[0] in "PS" for c in word):
        return "punct"
    has_ar = bool(re.search("[\u0621-\u064a\u0671-\u06d3]", word))
    has_lat = bool(re.search("[A-Za-z]", word))
    kind = "ar" if has_ar and not has_lat else "lat" if has_lat and not has_ar else "mix"
    if re.search(r"\d", word):
        kind += "+d"
    if any(unicodedata.category(c).startswith("P") for c in word):
        kind += "+p"
    return kind


def test_word_shapes_match_the_character_by_character_definition() -> None:
    from rasid.extract.ner_crf import _shape

    words = [*_TEXT.split(), *_ODD, "$", "+-+", "©", "٪٣", "a$b", "«حلب»", "—", "x—y", "€100", "١٢:٣٠", "-" * 500]
    for word in words:
        assert _shape(word) == _reference_shape(word), word
