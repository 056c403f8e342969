"""Fuzzing the text layer: folding, normalising, sentences, tokens and language never raise on any
Unicode text, and every offset maps back into the original text."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from rasid.text.fold import (
    CLEAN,
    MATCH,
    NER_FEATURES,
    NUMBERS,
    STANCE_FEATURES,
    FoldOptions,
    fold_text,
    fold_with_offsets,
)
from rasid.text.lang import detect_language
from rasid.text.normalize import normalize
from rasid.text.sentences import split_sentences
from rasid.text.tokens import tokenize
from tests.fuzz.strategies import any_text, examples, mixed, news_text, news_words

texts = st.one_of(any_text, mixed(news_words()), news_text())
# (offsets cannot survive lower-casing, so the model feature sets are tried without it)
fold_options = st.sampled_from(
    [MATCH, CLEAN, NUMBERS, FoldOptions(other_digits=True, loan_letters=True, quranic_signs=True)]
    + [dataclasses.replace(o, lower=False) for o in (STANCE_FEATURES, NER_FEATURES)]
)


@settings(max_examples=examples(150))
@given(texts, fold_options, st.data())
def test_fold_offsets_map_back(text: str, options: FoldOptions, data: st.DataObject) -> None:
    folded, offsets = fold_with_offsets(text, options)
    assert folded == fold_text(text, options)
    assert len(offsets) == len(folded) + 1
    assert offsets[len(folded)] == len(text)
    kept = list(offsets)
    assert kept == sorted(set(kept)), "offsets strictly increase"
    assert all(0 <= o <= len(text) for o in kept)
    # A folded span maps to an original span that folds to the same text.
    i = data.draw(st.integers(0, len(folded)))
    j = data.draw(st.integers(i, len(folded)))
    s, e = offsets[i], offsets[j]
    assert fold_text(text[s:e], options) == folded[i:j]


@settings(max_examples=examples(150))
@given(texts, st.booleans(), st.data())
def test_normalize_offsets_map_back(text: str, fold: bool, data: st.DataObject) -> None:
    norm = normalize(text, fold=fold)
    assert len(norm.offsets) == len(norm.text) + 1 and norm.offsets[-1] == len(text)
    assert all(a < b for a, b in zip(norm.offsets, norm.offsets[1:], strict=False))
    i = data.draw(st.integers(0, len(norm.text)))
    j = data.draw(st.integers(i, len(norm.text)))
    s, e = norm.to_original(i, j)
    assert 0 <= s <= e <= len(text)
    assert normalize(text[s:e], fold=fold).text == norm.text[i:j]


@settings(max_examples=examples(150))
@given(texts, st.booleans())
def test_sentences_are_ordered_spans_of_the_text(text: str, semicolons: bool) -> None:
    spans = split_sentences(text, semicolons=semicolons)
    last = 0
    for s, e in spans:
        assert last <= s < e <= len(text)
        piece = text[s:e]
        assert piece.strip() and piece == piece.strip()
        last = e


@settings(max_examples=examples(150))
@given(texts)
def test_tokens_are_ordered_spans_of_the_text(text: str) -> None:
    sentences = split_sentences(text)
    tokens = tokenize(text, sentences)
    last = 0
    for tok in tokens:
        assert last <= tok.start < tok.end <= len(text)
        assert tok.text == text[tok.start:tok.end]
        assert tok.start <= tok.base_start <= tok.end
        assert 0 <= tok.sentence < max(1, len(sentences))
        for c in tok.clitics:
            assert tok.start <= c.start <= c.end <= tok.end
        last = tok.end


@settings(max_examples=examples(150))
@given(texts)
def test_language_is_a_code(text: str) -> None:
    lang = detect_language(text)
    assert isinstance(lang, str) and lang and lang.isascii()
