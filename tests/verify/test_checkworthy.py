"""Check-worthiness: the model chosen on dev, and its score beside the all-yes baseline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from rasid.eval.verify import eval_checkworthy
from rasid.eval.verify_train import dev_threshold
from rasid.verify.checkworthy import Blend, LsaClassifier, load_checkworthy_model
from rasid.verify.stance import ModelMissingError


class _Const:
    def __init__(self, p: float) -> None:
        self.p = p
        self.classes_ = [False, True]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray([[1 - self.p, self.p]] * len(texts))


def test_blend_is_a_weighted_mean_and_drops_zero_weights() -> None:
    blend = Blend([(1.0, _Const(0.2)), (3.0, _Const(0.6)), (0.0, _Const(1.0))])
    assert len(blend.parts) == 2
    assert blend.predict_proba(["x"])[0, 1] == pytest.approx(0.5)


def test_lsa_classifier_refuses_another_lsa_space() -> None:
    model = LsaClassifier(_Const(0.5), {"texts": -1})
    with pytest.raises(ModelMissingError, match="rasid train checkworthy"):
        model.predict_proba(["قصفت الطائرات حلب"])


def test_dev_threshold_maximises_positive_f1_ties_nearest_half() -> None:
    gold = [True, True, False, False]
    threshold, f1 = dev_threshold([0.9, 0.7, 0.3, 0.1], gold)
    assert f1 == 1.0 and 0.3 < threshold <= 0.7
    assert abs(threshold - 0.5) <= 0.01  # every threshold in (0.3, 0.7] ties; the one nearest 0.5 wins


class _Scores:
    threshold = 0.5

    def __init__(self, scores: list[float]) -> None:
        self.scores = scores

    def score(self, sentences: Sequence[str]) -> list[float]:
        return self.scores[: len(sentences)]


def _split(tmp_path: Path, labels: list[str]) -> Path:
    rows = ["tweet_id\ttweet_url\ttweet_text\tclass_label"]
    rows += [f"{i}\thttp://x/{i}\tتغريدة رقم {i}\t{label}" for i, label in enumerate(labels)]
    (tmp_path / "CT24_checkworthy_arabic_dev-test.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


def test_eval_reports_the_all_yes_baseline_and_whether_it_is_beaten(tmp_path: Path) -> None:
    data = _split(tmp_path, ["Yes", "Yes", "Yes", "No"])
    weak = eval_checkworthy(data, _Scores([0.9, 0.1, 0.1, 0.1]))  # finds one of three
    base = weak["baselines"]["all_positive"]
    assert base["answer"] == "yes" and base["positive_f1"] == pytest.approx(6 / 7)
    assert set(base["per_class"]) == {"yes", "no"}
    assert weak["positive_f1"] == pytest.approx(0.5) and weak["beats_all_yes"] is False
    strong = eval_checkworthy(data, _Scores([0.9, 0.8, 0.7, 0.1]))
    assert strong["positive_f1"] == 1.0 and strong["beats_all_yes"] is True


def test_shipped_model_was_chosen_on_dev() -> None:
    model = load_checkworthy_model()
    bundle = model.bundle
    assert bundle.get("fit_on") == "train"
    dev = bundle["dev"]
    # The dev-chosen threshold beats answering yes on dev (where it was chosen), and is the model's own.
    assert dev["positive_f1"] >= dev["all_yes_positive_f1"]
    assert 0.05 <= model.threshold <= 0.95
    factual, chat = model.score(
        ["أعلنت وزارة الصحة تسجيل 120 إصابة جديدة بالفيروس اليوم", "صباح الخير يا أحلى ناس الله يسعدكم"]
    )
    assert factual >= model.threshold > chat
