"""Dataset readers and metrics for the verification classifiers.

Readers take the public dataset directories (ANS, CheckThat! 2024 Arabic) by path;
nothing from them is copied into the package.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from rasid.eval.baselines import classification_baselines

STANCE_LABELS = {"agree": "supports", "disagree": "refutes", "other": "discusses"}
CLAIM_LABELS = {"0": "true", "1": "fake"}
CHECKWORTHY_SPLITS = {"train": "train", "dev": "dev", "dev-test": "dev-test", "test": "test"}


class DatasetError(ValueError):
    """A dataset file is missing or malformed (message names the file)."""


def _read_rows(path: Path, required: Sequence[str], delimiter: str = ",") -> list[dict[str, str]]:
    if not path.is_file():
        raise DatasetError(f"{path}: file not found")
    with path.open(encoding="utf-8", newline="") as handle:
        # CT24 tweets contain bare double quotes: read the TSV without quote handling.
        if delimiter == "\t":
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        else:
            reader = csv.DictReader(handle, delimiter=delimiter)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise DatasetError(f"{path}: missing column(s) {', '.join(missing)}")
        return list(reader)


def stance_dir(data_dir: Path) -> Path:
    """Accept either the ANS root (…/stance) or its `stance/` subfolder."""
    return data_dir / "stance" if (data_dir / "stance" / "train.csv").is_file() else data_dir


def claim_dir(data_dir: Path) -> Path:
    return data_dir / "claim" if (data_dir / "claim").is_dir() else data_dir


def load_stance(data_dir: Path, split: str) -> tuple[list[tuple[str, str]], list[str]]:
    """ANS stance split -> ((claim, passage) pairs, user-facing labels)."""
    path = stance_dir(data_dir) / f"{split}.csv"
    rows = _read_rows(path, ("s1", "s2", "stance"))
    pairs, labels = [], []
    for i, row in enumerate(rows, start=2):
        raw = row["stance"].strip()
        if raw not in STANCE_LABELS:
            raise DatasetError(f"{path}:{i}: unknown stance '{raw}'")
        pairs.append((row["s1"], row["s2"]))
        labels.append(STANCE_LABELS[raw])
    return pairs, labels


def load_claims(data_dir: Path, split: str) -> tuple[list[str], list[str]]:
    """ANS claim split -> (claims, labels 'true'/'fake')."""
    path = claim_dir(data_dir) / f"{split}.csv"
    rows = _read_rows(path, ("fake_flag",))
    column = "claim_s" if rows and "claim_s" in rows[0] else "claim"
    if rows and column not in rows[0]:
        raise DatasetError(f"{path}: missing column claim_s (or claim)")
    texts, labels = [], []
    for i, row in enumerate(rows, start=2):
        flag = row["fake_flag"].strip()
        if flag not in CLAIM_LABELS:
            raise DatasetError(f"{path}:{i}: fake_flag must be 0 or 1, got '{flag}'")
        texts.append(row[column])
        labels.append(CLAIM_LABELS[flag])
    return texts, labels


def load_checkworthy(data_dir: Path, split: str) -> tuple[list[str], list[bool]]:
    """CheckThat! 2024 Arabic check-worthiness split -> (tweets, is-check-worthy)."""
    path = data_dir / f"CT24_checkworthy_arabic_{split}.tsv"
    rows = _read_rows(path, ("tweet_text", "class_label"), delimiter="\t")
    texts, labels = [], []
    for i, row in enumerate(rows, start=2):
        label = (row["class_label"] or "").strip().lower()
        if label not in {"yes", "no"}:
            raise DatasetError(f"{path}:{i}: class_label must be Yes or No, got '{row['class_label']}'")
        texts.append(row["tweet_text"])
        labels.append(label == "yes")
    return texts, labels


# -- metrics -------------------------------------------------------------------


def per_class(gold: Sequence[Any], pred: Sequence[Any], labels: Sequence[Any]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support for each label."""
    if len(gold) != len(pred):
        raise ValueError("gold and pred differ in length")
    out: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[str(label)] = {"precision": precision, "recall": recall, "f1": f1, "support": float(tp + fn)}
    return out


def accuracy(gold: Sequence[Any], pred: Sequence[Any]) -> float:
    if len(gold) != len(pred):
        raise ValueError("gold and pred differ in length")
    return sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold) if gold else 0.0


def macro_f1(gold: Sequence[Any], pred: Sequence[Any], labels: Sequence[Any] | None = None) -> float:
    """Unweighted mean F1 over `labels` (default: every label seen in gold)."""
    labels = list(labels) if labels is not None else sorted(set(gold), key=str)
    scores = per_class(gold, pred, labels)
    return sum(s["f1"] for s in scores.values()) / len(scores) if scores else 0.0


def classification_summary(gold: Sequence[Any], pred: Sequence[Any], labels: Sequence[Any]) -> dict[str, Any]:
    return {
        "n": len(gold),
        "accuracy": accuracy(gold, pred),
        "macro_f1": macro_f1(gold, pred, labels),
        "per_class": per_class(gold, pred, labels),
    }


# -- evaluations -----------------------------------------------------------------


class _StanceLike(Protocol):
    labels: tuple[str, ...]

    def predict_many(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, dict[str, float]]]: ...


class _ClaimLike(Protocol):
    def predict_many(self, claims: Sequence[str]) -> list[tuple[str, float]]: ...


class _CheckworthyLike(Protocol):
    threshold: float

    def score(self, sentences: Sequence[str]) -> list[float]: ...


def eval_stance(data_dir: Path, model: _StanceLike, split: str = "test") -> dict[str, Any]:
    pairs, gold = load_stance(data_dir, split)
    start = time.perf_counter()
    pred = [label for label, _ in model.predict_many(pairs)]
    elapsed = time.perf_counter() - start
    out = classification_summary(gold, pred, list(model.labels))
    out["baselines"] = classification_baselines(gold, list(model.labels))
    out.update(task="stance", split=split, seconds=elapsed, items_per_second=len(pairs) / max(elapsed, 1e-9))
    return out


def eval_claims(data_dir: Path, model: _ClaimLike, split: str = "test") -> dict[str, Any]:
    claims, gold = load_claims(data_dir, split)
    start = time.perf_counter()
    pred = [label for label, _ in model.predict_many(claims)]
    elapsed = time.perf_counter() - start
    out = classification_summary(gold, pred, ["true", "fake"])
    out["baselines"] = classification_baselines(gold, ["true", "fake"])
    out.update(task="claims", split=split, seconds=elapsed, items_per_second=len(claims) / max(elapsed, 1e-9))
    return out


def _yes_no(per: dict[str, Any]) -> dict[str, Any]:
    return {"yes" if k == "True" else "no": v for k, v in per.items()}


def eval_checkworthy(data_dir: Path, model: _CheckworthyLike, split: str = "dev-test") -> dict[str, Any]:
    texts, gold = load_checkworthy(data_dir, split)
    start = time.perf_counter()
    scores = model.score(texts)
    elapsed = time.perf_counter() - start
    pred = [s >= model.threshold for s in scores]
    out = classification_summary(gold, pred, [True, False])
    out["positive_f1"] = out["per_class"]["True"]["f1"]
    out["per_class"] = _yes_no(out["per_class"])
    out["baselines"] = classification_baselines(gold, [True, False], positive=True)
    for base in out["baselines"].values():
        base["positive_f1"] = base["per_class"]["True"]["f1"]
        base["per_class"] = _yes_no(base["per_class"])
        base["answer"] = "yes" if base["answer"] == "True" else "no"
    all_yes = out["baselines"]["all_positive"]["positive_f1"]
    out["beats_all_yes"] = out["positive_f1"] > all_yes
    out.update(
        task="checkworthy",
        split=split,
        threshold=model.threshold,
        seconds=elapsed,
        items_per_second=len(texts) / max(elapsed, 1e-9),
    )
    return out
