"""Stance of a passage toward a claim: supports / refutes / discusses (+ unrelated in the checker).

The model (`StanceEnsemble`) blends a logistic regression over all pair features with
gradient-boosted trees over the dense contrast block, trained on the ANS corpus (agree → supports, disagree → refutes, other → discusses). ANS "other"
pairs are headlines on different stories, so the model's "discusses" means "same
broad topic, no stance". The fourth label, "unrelated", is not learned: the checker
assigns it when `is_unrelated` finds too little lexical overlap (see there).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from rasid.verify.features import lexical_overlap

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
STANCE_MODEL_PATH = MODELS_DIR / "stance.joblib"
STANCE_LABELS = ("supports", "refutes", "discusses")
# Below this share of the claim's content words found in the passage, the passage is
# "unrelated". On ANS train, "other" pairs have median overlap 0.11; agree/disagree pairs
# have medians 0.67/0.5 and 95% of them are above 0.18.
UNRELATED_OVERLAP = 0.15


class ModelMissingError(FileNotFoundError):
    """A shipped model file is absent; the message says how to rebuild it."""


def load_bundle(path: Path, kind: str, train_command: str) -> dict[str, Any]:
    if not path.is_file():
        raise ModelMissingError(f"{path}: model file not found; run `rasid train {train_command} --data DIR`")
    bundle = joblib.load(path)
    if not isinstance(bundle, dict) or bundle.get("kind") != kind or "pipeline" not in bundle:
        raise ModelMissingError(
            f"{path}: not a {kind} model bundle; rebuild with `rasid train {train_command}`"
        )
    return bundle


def adjusted_probabilities(pipeline: Any, inputs: Sequence[Any], bias: Sequence[float]) -> np.ndarray:
    """Class probabilities re-weighted by per-class factors, renormalised.

    For the stance model the factors are a partial prior correction chosen on 5-fold
    out-of-fold predictions over train+dev (see `train._choose_factors`).
    """
    proba = np.asarray(pipeline.predict_proba(list(inputs)), dtype=float)
    proba = proba * np.asarray(bias, dtype=float)
    return proba / proba.sum(axis=1, keepdims=True)


def dense_block(features: Any, matrix: Any) -> np.ndarray:
    """The trailing dense columns of a `PairFeatures` matrix, without the dense weight."""
    n_dense = int(features.n_dense_)
    weight = float(features.dense_weight) or 1.0
    return np.asarray(matrix[:, matrix.shape[1] - n_dense :].toarray()) / weight


class StanceEnsemble:
    """Pair features -> weighted mean of a linear model's and a tree model's class probabilities.

    The linear model sees every feature block (TF-IDF of the passage and of the words that
    changed); the trees see only the dense block, where interactions such as "high overlap
    but an antonym flip" matter more than single words. Both share the class order.
    """

    def __init__(self, features: Any, linear: Any, trees: Any, tree_weight: float) -> None:
        if list(linear.classes_) != list(trees.classes_):
            raise ValueError("linear and tree models disagree on class order")
        self.features = features
        self.linear = linear
        self.trees = trees
        self.tree_weight = tree_weight
        self.classes_ = linear.classes_

    def dense_block(self, matrix: Any) -> np.ndarray:
        return dense_block(self.features, matrix)

    def blend(self, matrix: Any, tree_weight: float | None = None) -> np.ndarray:
        w = self.tree_weight if tree_weight is None else tree_weight
        linear = np.asarray(self.linear.predict_proba(matrix))
        if w <= 0:
            return linear
        return (1 - w) * linear + w * np.asarray(self.trees.predict_proba(self.dense_block(matrix)))

    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        return self.blend(self.features.transform(list(pairs)))


class StanceModel:
    def __init__(self, bundle: dict[str, Any]) -> None:
        self.bundle = bundle
        self.pipeline = bundle["pipeline"]
        self.labels: tuple[str, ...] = tuple(str(label) for label in bundle["labels"])
        self.bias: list[float] = [float(b) for b in bundle.get("bias", [1.0] * len(self.labels))]

    def predict_many(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, dict[str, float]]]:
        if not pairs:
            return []
        from threadpoolctl import threadpool_limits

        # One thread: on a busy machine OpenMP workers spin far longer than a dozen pairs take.
        with threadpool_limits(limits=1, user_api="openmp"):
            proba = adjusted_probabilities(self.pipeline, pairs, self.bias)
        out = []
        for row in proba:
            probs = {label: float(p) for label, p in zip(self.labels, row, strict=True)}
            out.append((self.labels[int(row.argmax())], probs))
        return out

    def predict(self, claim: str, passage: str) -> tuple[str, dict[str, float]]:
        return self.predict_many([(claim, passage)])[0]


def is_unrelated(claim: str, passage: str, threshold: float = UNRELATED_OVERLAP) -> bool:
    """True when the passage shares too few of the claim's content words to take a stance on it."""
    return lexical_overlap(claim, passage) < threshold


@lru_cache(maxsize=4)
def load_stance_model(path: Path = STANCE_MODEL_PATH) -> StanceModel:
    return StanceModel(load_bundle(path, "stance", "stance"))
