"""Training of the shipped verification models (deterministic, single core).

Each trainer fits on the train split only, picks hyper-parameters and the decision
rule on the dev split, and writes a joblib bundle: {"kind", "pipeline", decision
parameters, "params", "dev" metrics}. Test splits are never read here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from rasid.verify.checkworthy import CHECKWORTHY_MODEL_PATH
from rasid.verify.claims_model import CLAIM_MODEL_PATH
from rasid.verify.evaluate import (
    classification_summary,
    load_checkworthy,
    load_claims,
    load_stance,
    per_class,
)
from rasid.verify.features import PairFeatures, TextFeatures
from rasid.verify.stance import STANCE_LABELS, STANCE_MODEL_PATH, adjusted_probabilities

RANDOM_STATE = 13


def _classifier(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=RANDOM_STATE)


def _save(bundle: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    bundle["sklearn_version"] = sklearn.__version__
    bundle["trained"] = dt.date.today().isoformat()
    joblib.dump(bundle, out, compress=3)


def _grid_search(
    make: Callable[[dict[str, Any]], Pipeline],
    grid: dict[str, Sequence[Any]],
    x_train: Sequence[Any],
    y_train: Sequence[Any],
    score: Callable[[Pipeline], float],
) -> tuple[Pipeline, dict[str, Any], float]:
    best: tuple[Pipeline, dict[str, Any], float] | None = None
    keys = list(grid)
    for values in itertools.product(*(grid[k] for k in keys)):
        params = dict(zip(keys, values, strict=True))
        pipeline = make(params).fit(list(x_train), list(y_train))
        value = score(pipeline)
        if best is None or value > best[2] + 1e-9:
            best = (pipeline, params, value)
    assert best is not None
    return best


def train_stance(data_dir: Path, out: Path = STANCE_MODEL_PATH) -> dict[str, Any]:
    """Fit the stance model on ANS train, tune on ANS dev, save to `out`; returns dev metrics."""
    x_train, y_train = load_stance(data_dir, "train")
    x_dev, y_dev = load_stance(data_dir, "dev")
    labels = list(STANCE_LABELS)

    def make(p: dict[str, Any]) -> Pipeline:
        return Pipeline(
            [("features", PairFeatures(dense_weight=p["dense_weight"])), ("clf", _classifier(p["C"]))]
        )

    def dev_macro(pipeline: Pipeline, bias: Sequence[float] | None = None) -> float:
        order = [list(pipeline.classes_).index(lab) for lab in labels]
        proba = np.asarray(pipeline.predict_proba(list(x_dev)))[:, order]
        if bias is not None:
            proba = proba * np.asarray(bias)
        pred = [labels[i] for i in proba.argmax(axis=1)]
        return classification_summary(y_dev, pred, labels)["macro_f1"]

    pipeline, params, _ = _grid_search(
        make, {"dense_weight": [1.0, 2.0, 4.0], "C": [1.0, 3.0, 10.0]}, x_train, y_train, dev_macro
    )
    # Re-weight class probabilities (refutes, discusses relative to supports) on dev:
    # class_weight="balanced" over-corrects for the tiny "other" class.
    best_bias, best_score = [1.0, 1.0, 1.0], dev_macro(pipeline)
    for refute, discuss in itertools.product([0.8, 0.9, 1.0, 1.1, 1.25], [0.25, 0.5, 1.0, 2.0]):
        bias = [1.0, refute, discuss]
        value = dev_macro(pipeline, bias)
        if value > best_score + 1e-9:
            best_bias, best_score = bias, value
    # Store the bias in the pipeline's class order so prediction needs no reordering.
    classes = list(pipeline.classes_)
    bias_by_class = [best_bias[labels.index(c)] for c in classes]
    proba = adjusted_probabilities(pipeline, x_dev, bias_by_class)
    pred = [classes[i] for i in proba.argmax(axis=1)]
    dev = classification_summary(y_dev, pred, labels)
    _save(
        {"kind": "stance", "pipeline": pipeline, "labels": classes, "bias": bias_by_class, "params": params, "dev": dev},
        out,
    )
    return {"task": "stance", "params": params, "bias": dict(zip(classes, bias_by_class, strict=True)), "dev": dev}


def _best_threshold(
    scores: Sequence[float], gold: Sequence[Any], metric: Callable[[list[bool]], float]
) -> tuple[float, float]:
    best = (0.5, metric([s >= 0.5 for s in scores]))
    for t in np.arange(0.2, 0.81, 0.02):
        value = metric([s >= t for s in scores])
        if value > best[1] + 1e-9:
            best = (round(float(t), 2), value)
    return best


def train_claims(data_dir: Path, out: Path = CLAIM_MODEL_PATH) -> dict[str, Any]:
    """Fit the true/fake claim model on ANS claim train, tune C and threshold on dev."""
    x_train, y_train = load_claims(data_dir, "train")
    x_dev, y_dev = load_claims(data_dir, "dev")
    labels = ["true", "fake"]

    def make(p: dict[str, Any]) -> Pipeline:
        return Pipeline([("features", TextFeatures(min_df=1, max_features=p["max_features"])), ("clf", _classifier(p["C"]))])

    def fake_scores(pipeline: Pipeline) -> list[float]:
        idx = list(pipeline.classes_).index("fake")
        return [float(p) for p in np.asarray(pipeline.predict_proba(list(x_dev)))[:, idx]]

    def macro_at(scores: Sequence[float]) -> Callable[[list[bool]], float]:
        def metric(flags: list[bool]) -> float:
            pred = ["fake" if f else "true" for f in flags]
            return classification_summary(y_dev, pred, labels)["macro_f1"]

        return metric

    def score(pipeline: Pipeline) -> float:
        s = fake_scores(pipeline)
        return _best_threshold(s, y_dev, macro_at(s))[1]

    pipeline, params, _ = _grid_search(
        make, {"max_features": [50000], "C": [1.0, 3.0, 10.0, 30.0]}, x_train, y_train, score
    )
    scores = fake_scores(pipeline)
    threshold, _ = _best_threshold(scores, y_dev, macro_at(scores))
    dev = classification_summary(y_dev, ["fake" if s >= threshold else "true" for s in scores], labels)
    _save({"kind": "claims", "pipeline": pipeline, "threshold": threshold, "params": params, "dev": dev}, out)
    return {"task": "claims", "params": params, "threshold": threshold, "dev": dev}


def train_checkworthy(data_dir: Path, out: Path = CHECKWORTHY_MODEL_PATH) -> dict[str, Any]:
    """Fit the check-worthiness model on CT24 Arabic train, tune C and threshold on dev."""
    x_train, y_train = load_checkworthy(data_dir, "train")
    x_dev, y_dev = load_checkworthy(data_dir, "dev")

    def make(p: dict[str, Any]) -> Pipeline:
        return Pipeline([("features", TextFeatures(min_df=2, max_features=p["max_features"])), ("clf", _classifier(p["C"]))])

    def pos_scores(pipeline: Pipeline) -> list[float]:
        idx = list(pipeline.classes_).index(True)
        return [float(p) for p in np.asarray(pipeline.predict_proba(list(x_dev)))[:, idx]]

    def positive_f1(flags: list[bool]) -> float:
        return per_class(y_dev, flags, [True])["True"]["f1"]

    def score(pipeline: Pipeline) -> float:
        return _best_threshold(pos_scores(pipeline), y_dev, positive_f1)[1]

    pipeline, params, _ = _grid_search(
        make, {"max_features": [80000], "C": [0.3, 1.0, 3.0, 10.0]}, x_train, y_train, score
    )
    scores = pos_scores(pipeline)
    threshold, _ = _best_threshold(scores, y_dev, positive_f1)
    pred = [s >= threshold for s in scores]
    dev = classification_summary(y_dev, pred, [True, False])
    dev["positive_f1"] = dev["per_class"]["True"]["f1"]
    _save({"kind": "checkworthy", "pipeline": pipeline, "threshold": threshold, "params": params, "dev": dev}, out)
    return {"task": "checkworthy", "params": params, "threshold": threshold, "dev": dev}
