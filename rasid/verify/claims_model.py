"""True/fake classifier for a headline-style claim, trained on the ANS claim split.

ANS fake claims are machine-corrupted headlines, so the model learns what edited
headlines look like, not world knowledge: treat its output as a weak prior.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rasid.verify.stance import MODELS_DIR, load_bundle

CLAIM_MODEL_PATH = MODELS_DIR / "claim.joblib"


class ClaimModel:
    def __init__(self, bundle: dict[str, Any]) -> None:
        self.bundle = bundle
        self.pipeline = bundle["pipeline"]
        self.threshold: float = float(bundle.get("threshold", 0.5))
        classes = list(self.pipeline.classes_)
        self._fake_index = classes.index("fake")

    def fake_probability(self, claims: Sequence[str]) -> list[float]:
        if not claims:
            return []
        proba = np.asarray(self.pipeline.predict_proba(list(claims)), dtype=float)
        return [float(p) for p in proba[:, self._fake_index]]

    def predict_many(self, claims: Sequence[str]) -> list[tuple[str, float]]:
        """(label, probability of that label) per claim."""
        out = []
        for p in self.fake_probability(claims):
            out.append(("fake", p) if p >= self.threshold else ("true", 1.0 - p))
        return out

    def predict(self, claim: str) -> tuple[str, float]:
        return self.predict_many([claim])[0]


@lru_cache(maxsize=4)
def load_claim_model(path: Path = CLAIM_MODEL_PATH) -> ClaimModel:
    return ClaimModel(load_bundle(path, "claims", "claims"))
