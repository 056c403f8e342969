"""Fitting the LSA dense retriever (`rasid.verify.dense`) shipped in `rasid/models/dense_lsa.npz`.

TF-IDF over Rasid's analysed terms, then TruncatedSVD, on the public stance, claim,
check-worthiness and NER texts plus the bundled sample, in a fixed order (reproducible).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rasid.verify.dense import DENSE_MODEL_PATH, DenseModel, analyze, load_dense_model, save_dense_model


def _csv_column(path: Path, columns: Sequence[str], delimiter: str = ",") -> Iterable[str]:
    if not path.is_file():
        return
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=delimiter):
            for column in columns:
                value = row.get(column)
                if value:
                    yield value


def _anercorp_sentences(path: Path) -> Iterable[str]:
    if not path.is_file():
        return
    words: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if not parts:
                continue
            words.append(parts[0])
            if parts[0] in {".", "!", "؟", "?"} or len(words) >= 40:
                yield " ".join(words)
                words = []
    if words:
        yield " ".join(words)


def training_texts(data_dir: Path | None) -> list[str]:
    """Arabic texts for fitting the LSA space, in a fixed order (reproducible)."""
    texts: list[str] = []
    if data_dir is not None:
        stance = data_dir / "stance"
        for split in ("train", "dev"):
            texts.extend(_csv_column(stance / "stance" / f"{split}.csv", ("s1", "s2")))
            texts.extend(_csv_column(stance / "claim" / f"{split}.csv", ("claim_s", "claim")))
        for split in ("train", "dev"):
            texts.extend(
                _csv_column(data_dir / "checkworthy" / f"CT24_checkworthy_arabic_{split}.tsv", ("tweet_text",), "\t")
            )
        texts.extend(_anercorp_sentences(data_dir / "ner" / "anercorp_train.txt"))
    sample = Path(__file__).resolve().parents[1] / "data" / "sample" / "articles.jsonl"
    if sample.is_file():
        from rasid.text.sentences import split_sentences

        for line in sample.read_text("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                body = str(record.get("title", "")) + "\n" + str(record.get("text", ""))
                texts.extend(body[s:e] for s, e in split_sentences(body))
    # Dedupe, keep order: ANS repeats claims across pairs.
    return list(dict.fromkeys(t.strip() for t in texts if t.strip()))


def train_dense(
    data_dir: Path | None,
    out: Path = DENSE_MODEL_PATH,
    *,
    dims: int = 200,
    max_terms: int = 12000,
    min_df: int = 2,
    seed: int = 0,
) -> dict[str, Any]:
    """Fit TF-IDF + TruncatedSVD and save the model; returns a summary."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = training_texts(data_dir)
    if len(texts) < dims * 2:
        raise ValueError(f"{data_dir}: only {len(texts)} training texts found; need at least {dims * 2}")
    vectorizer = TfidfVectorizer(
        analyzer=analyze, min_df=min_df, max_df=0.5, max_features=max_terms, sublinear_tf=True, dtype=np.float32
    )
    matrix = vectorizer.fit_transform(texts)
    svd = TruncatedSVD(n_components=dims, algorithm="randomized", n_iter=7, random_state=seed)
    svd.fit(matrix)
    info = {
        "texts": len(texts),
        "terms": len(vectorizer.vocabulary_),
        "dims": dims,
        "explained_variance": round(float(svd.explained_variance_ratio_.sum()), 4),
        "seed": seed,
    }
    model = DenseModel(
        {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
        np.asarray(vectorizer.idf_, dtype=np.float32),
        np.asarray(svd.components_, dtype=np.float32),
        info,
    )
    save_dense_model(model, out)
    load_dense_model.cache_clear()
    return {**info, "path": str(out), "bytes": out.stat().st_size}
