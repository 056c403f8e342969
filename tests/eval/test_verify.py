"""Dataset readers and metrics of the verification classifiers, and the stance model on the ANS test split."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasid.eval.verify import (
    STANCE_LABELS,
    accuracy,
    classification_summary,
    eval_stance,
    macro_f1,
    per_class,
)

SHARED = Path(__file__).parents[2] / ".." / "shared" / "data"
needs_shared = pytest.mark.skipif(not (SHARED / "stance").is_dir(), reason="../shared/data not present")


def test_label_mapping() -> None:
    assert STANCE_LABELS == {"agree": "supports", "disagree": "refutes", "other": "discusses"}


def test_metrics_on_toy_data() -> None:
    gold = ["a", "a", "b", "b", "c"]
    pred = ["a", "b", "b", "b", "a"]
    scores = per_class(gold, pred, ["a", "b", "c"])
    assert scores["a"]["precision"] == pytest.approx(0.5) and scores["a"]["recall"] == pytest.approx(0.5)
    assert scores["b"]["precision"] == pytest.approx(2 / 3) and scores["b"]["f1"] == pytest.approx(0.8)
    assert scores["c"]["f1"] == 0.0
    assert accuracy(gold, pred) == pytest.approx(0.6)
    assert macro_f1(gold, pred) == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    summary = classification_summary([True, False, True], [True, True, True], [True, False])
    assert summary["per_class"]["True"]["f1"] == pytest.approx(0.8)
    with pytest.raises(ValueError):
        accuracy(["a"], [])


@needs_shared
def test_eval_stance_on_test_split() -> None:
    from rasid.verify.stance import load_stance_model

    report = eval_stance(SHARED / "stance", load_stance_model())
    assert report["n"] == 379
    assert report["macro_f1"] > 0.6 and report["accuracy"] > 0.7
