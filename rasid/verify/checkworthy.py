"""Check-worthiness: does a sentence make a checkable factual claim?

Trained on CheckThat! 2024 Arabic tweets; the decision threshold was tuned on the dev
split and is stored in the model bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rasid.verify.stance import MODELS_DIR, load_bundle

CHECKWORTHY_MODEL_PATH = MODELS_DIR / "checkworthy.joblib"


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
