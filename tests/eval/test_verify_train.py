"""Stance training: the per-class decision factors chosen on cross-validated probabilities."""

from __future__ import annotations

import numpy as np

from rasid.eval.verify_train import _choose_factors


def test_factors_stay_plain_when_nothing_is_gained() -> None:
    classes = ["discusses", "refutes", "supports"]
    gold = ["refutes"] * 6 + ["supports"] * 3 + ["discusses"]
    proba = np.array([[0.1, 0.8, 0.1]] * 6 + [[0.1, 0.2, 0.7]] * 3 + [[0.8, 0.1, 0.1]])
    factors, best = _choose_factors(proba, gold, classes)
    assert best == 1.0 and factors == [1.0, 1.0, 1.0]


def test_factors_shrink_an_overpredicted_rare_class() -> None:
    classes = ["discusses", "refutes", "supports"]
    # A balanced-weight model puts the rare class just ahead on several common-class items.
    gold = ["refutes"] * 40 + ["supports"] * 20 + ["discusses"] * 2
    proba = np.array(
        [[0.45, 0.4, 0.15]] * 10 + [[0.1, 0.8, 0.1]] * 30 + [[0.1, 0.1, 0.8]] * 20 + [[0.9, 0.05, 0.05]] * 2
    )
    factors, best = _choose_factors(proba, gold, classes)
    assert factors[0] < factors[1] and best == 1.0
