"""Check-worthiness: does a sentence make a checkable factual claim?

Trained on CheckThat! 2024 Arabic tweets (train split). The model is a logistic regression on
the shipped LSA sentence space (`rasid.verify.dense`), on TF-IDF features, or a weighted mean
of both; which one, and the decision threshold, were chosen on the dev split and are stored in
the model bundle (`rasid train checkworthy`). The dev-test split is only ever scored.

Honest numbers: on CT24 dev-test 75% of the tweets are labelled check-worthy, so answering
"yes" to everything reaches positive-class F1 0.860; `rasid eval checkworthy` prints that
baseline beside the model's score and says so when the model does not beat it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rasid.verify.stance import MODELS_DIR, ModelMissingError, load_bundle

CHECKWORTHY_MODEL_PATH = MODELS_DIR / "checkworthy.joblib"


class LsaClassifier:
    """A classifier over the shipped LSA sentence vectors; refuses to run on another LSA space."""

    def __init__(self, classifier: Any, dense_info: dict[str, Any]) -> None:
        self.classifier = classifier
        self.dense_info = dense_info
        self.classes_ = list(classifier.classes_)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        from rasid.verify.dense import load_dense_model

        dense = load_dense_model()
        if dense.info != self.dense_info:
            raise ModelMissingError(
                "the check-worthiness model was trained on another LSA model (rasid/models/dense_lsa.npz); "
                "rebuild it with `rasid train checkworthy --data DIR`"
            )
        return np.asarray(self.classifier.predict_proba(dense.embed(list(texts))), dtype=float)


class Blend:
    """Weighted mean of several models' class probabilities (all with the same classes)."""

    def __init__(self, parts: Sequence[tuple[float, Any]]) -> None:
        if not parts:
            raise ValueError("a blend needs at least one model")
        self.parts = [(float(w), m) for w, m in parts if w > 0]
        self.classes_ = list(self.parts[0][1].classes_)
        for _, model in self.parts:
            if list(model.classes_) != self.classes_:
                raise ValueError("blended models must share their classes")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        total = sum(w for w, _ in self.parts)
        out = sum(w * np.asarray(m.predict_proba(list(texts)), dtype=float) for w, m in self.parts)
        return np.asarray(out, dtype=float) / total


class CheckworthyModel:
    def __init__(self, bundle: dict[str, Any]) -> None:
        self.bundle = bundle
        self.pipeline = bundle["pipeline"]
        self.threshold: float = float(bundle.get("threshold", 0.5))
        self._positive = list(self.pipeline.classes_).index(True)

    def score(self, sentences: Sequence[str]) -> list[float]:
        """Probability-like score in [0, 1] that each sentence is check-worthy."""
        if not sentences:
            return []
        proba = np.asarray(self.pipeline.predict_proba(list(sentences)), dtype=float)
        return [float(p) for p in proba[:, self._positive]]

    def is_checkworthy(self, sentence: str) -> bool:
        return self.score([sentence])[0] >= self.threshold


@lru_cache(maxsize=4)
def load_checkworthy_model(path: Path = CHECKWORTHY_MODEL_PATH) -> CheckworthyModel:
    return CheckworthyModel(load_bundle(path, "checkworthy", "checkworthy"))
