"""Document hints of the second CRF pass against a direct (quadratic) reading of their definition."""

from __future__ import annotations

import random
from collections import Counter

from rasid.extract.ner_hints import hint_strings, hints_from_bases, roles

WORDS = ["دمشق", "سمير", "الجيش", "قال", "في", "و", "١٢", "حمص"]
LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "B-ORG"]


def _reference(bases: list[list[str]], labels: list[list[str]], window: int) -> list[list[tuple[str, ...]]]:
    """Per token: the roles of the same name-like word's other occurrences within `window` sentences."""
    found = [roles(s) for s in labels]
    where = [(s, i, b) for s, sent in enumerate(bases) for i, b in enumerate(sent)]
    out: list[list[tuple[str, ...]]] = [[()] * len(sent) for sent in bases]
    for s, i, b in where:
        if len(b) < 2 or not all("\u0621" <= c <= "\u064a" for c in b):
            continue
        others = Counter(
            found[t][j] for t, j, c in where if c == b and (t, j) != (s, i) and abs(t - s) <= window
        )
        if sum(1 for t, j, c in where if c == b) > 1:
            out[s][i] = hint_strings(tuple(sorted((r, n) for r, n in others.items() if n)))
    return out


def _text(rng: random.Random, sentences: int, entities: bool) -> tuple[list[list[str]], list[list[str]]]:
    bases, labels = [], []
    for _ in range(sentences):
        n = rng.randint(1, 6)
        bases.append([rng.choice(WORDS) for _ in range(n)])
        labels.append([rng.choice(LABELS) if entities and rng.random() < 0.3 else "O" for _ in range(n)])
    return bases, labels


def test_hints_match_their_definition_with_and_without_entities():
    rng = random.Random(7)
    for trial in range(60):
        # Long texts with a short window exercise the sliding window, short ones the shared counts.
        bases, labels = _text(rng, rng.randint(1, 40), entities=trial % 3 != 0)
        window = rng.choice([1, 3, 30])
        assert hints_from_bases(bases, labels, window) == _reference(bases, labels, window)


def test_a_word_never_in_an_entity_gets_the_count_of_its_neighbours():
    bases = [["قال"], ["قال"], ["حمص"], ["قال"]]
    labels = [["O"], ["O"], ["O"], ["O"]]
    got = hints_from_bases(bases, labels, 1)
    assert got[0][0] == hint_strings((("O", 1),))  # only sentence 1 is within one sentence
    assert got[3][0] == ()  # sentence 2 has no "قال": nothing within its window
    assert got[2][0] == ()  # met once
