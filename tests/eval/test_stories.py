"""Story grouping scored against a gold key: pairwise counts, and the sample corpus's F1."""

from __future__ import annotations

import pytest

from rasid.api import sample_corpus_path
from rasid.eval.stories import evaluate_sample, pairwise_scores


def test_pairwise_scores_counts_pairs() -> None:
    gold = {"a": "s1", "b": "s1", "c": "s2", "d": "s2"}
    predicted = {"a": 1, "b": 1, "c": 1, "d": 2}
    scores = pairwise_scores(gold, predicted)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, 2, 1)
    assert scores["precision"] == pytest.approx(1 / 3, abs=1e-3)
    assert scores["recall"] == pytest.approx(0.5)


def test_sample_corpus_grouping_f1() -> None:
    result = evaluate_sample(sample_corpus_path() / "gold.json")
    assert result["missing"] == []
    assert result["f1"] >= 0.8, result["groups"]
    assert "art-026" in result["recycled"]
    singletons, one = result["baselines"]["singletons"], result["baselines"]["one_story"]
    assert singletons["f1"] == 0.0 and one["recall"] == 1.0
    assert result["f1"] > one["f1"]
