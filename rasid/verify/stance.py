"""Stance of a passage toward a claim: supports / refutes / discusses (+ unrelated in the checker).

The model is a scikit-learn pipeline (pair features + logistic regression) trained on
the ANS corpus (agree → supports, disagree → refutes, other → discusses). ANS "other"
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
    """Class probabilities re-weighted by per-class factors tuned on dev, renormalised."""
    proba = np.asarray(pipeline.predict_proba(list(inputs)), dtype=float)
    proba = proba * np.asarray(bias, dtype=float)
    return proba / proba.sum(axis=1, keepdims=True)


class StanceModel:
    def __init__(self, bundle: dict[str, Any]) -> None:
        self.bundle = bundle
        self.pipeline = bundle["pipeline"]
        self.labels: tuple[str, ...] = tuple(str(label) for label in bundle["labels"])
        self.bias: list[float] = [float(b) for b in bundle.get("bias", [1.0] * len(self.labels))]

    def predict_many(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, dict[str, float]]]:
        if not pairs:
            return []
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
