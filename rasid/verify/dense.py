"""A small offline dense retriever: LSA (TF-IDF over light-stemmed normalised terms → SVD).

The fitted model is shipped as `rasid/models/dense_lsa.npz`: the vocabulary, the IDF
weights and the SVD components (float16, so the file stays a few MB). Applying it
needs only numpy, and loading uses `allow_pickle=False`, so the artefact does not
depend on the scikit-learn version that trained it.

`rasid train dense --data ../shared/data` (`rasid.eval.dense_train`) rebuilds it
reproducibly (fixed seed) from Arabic text available offline: ANS claims and stance
sentences, CheckThat! tweets, ANERcorp sentences and the bundled sample corpus.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rasid.text.stem import stem
from rasid.text.tokens import search_terms

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
DENSE_MODEL_PATH = MODELS_DIR / "dense_lsa.npz"
FORMAT = "rasid-dense-lsa-1"


class DenseModelError(FileNotFoundError):
    """The dense model file is missing or malformed; the message says how to rebuild it."""


def analyze(text: str) -> list[str]:
    """Dense-retriever terms: normalised word bases, light-stemmed, no digits or 1-letter words."""
    return [stem(t) for t in search_terms(text) if len(t) > 1 and not t.isdigit()]


@dataclass
class DenseModel:
    vocabulary: dict[str, int]
    idf: np.ndarray  # (V,)
    components: np.ndarray  # (k, V)
    info: dict[str, Any]

    @property
    def dims(self) -> int:
        return int(self.components.shape[0])

    @cached_property
    def _term_vectors(self) -> np.ndarray:
        """(V, k): each vocabulary term's row of the projection, IDF-weighted, contiguous float32."""
        return np.ascontiguousarray((self.components.T * self.idf[:, None]).astype(np.float32))

    def _counts(self, terms: Sequence[str]) -> dict[int, int]:
        counts: dict[int, int] = {}
        for term in terms:
            if len(term) > 1 and not term.isdigit():
                j = self.vocabulary.get(stem(term))
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
        return counts

    def tfidf(self, texts: Sequence[str]) -> np.ndarray:
        """Sublinear TF-IDF rows, L2-normalised (dense: passages are few per query)."""
        rows = np.zeros((len(texts), len(self.vocabulary)), dtype=np.float32)
        for i, text in enumerate(texts):
            for j, c in self._counts(search_terms(text)).items():
                rows[i, j] = (1.0 + math.log(c)) * self.idf[j]
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1.0, norms)

    def embed_terms(self, term_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """`embed` of texts already split into normalised words (`rasid.text.tokens.search_terms`).

        A text's LSA vector is the sum of its terms' projected rows weighted by sublinear TF
        (the TF-IDF row's own length only scales it, and the result is made unit length anyway):
        a few hundred multiply-adds per text instead of a product with the whole vocabulary.
        """
        vectors = np.zeros((len(term_lists), self.dims), dtype=np.float32)
        table = self._term_vectors
        for i, terms in enumerate(term_lists):
            counts = self._counts(terms)
            if counts:
                tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float32, count=len(counts))
                vectors[i] = tf @ table[list(counts)]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length LSA vectors, one row per text (zero rows for out-of-vocabulary texts)."""
        return self.embed_terms([search_terms(text) for text in texts])

    def similarity(self, query: str, texts: Sequence[str]) -> list[float]:
        """Cosine similarity of `query` to each text, in [-1, 1]."""
        if not texts:
            return []
        return self.similarity_terms(search_terms(query), [search_terms(text) for text in texts])

    def similarity_terms(self, query: Sequence[str], term_lists: Sequence[Sequence[str]]) -> list[float]:
        """`similarity` of texts already split into normalised words."""
        if not term_lists:
            return []
        vectors = self.embed_terms([query, *term_lists])
        return [float(x) for x in vectors[1:] @ vectors[0]]


def save_dense_model(model: DenseModel, path: Path = DENSE_MODEL_PATH) -> None:
    terms = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        format=np.array(FORMAT),
        terms=np.array(terms),
        idf=model.idf.astype(np.float32),
        components=model.components.astype(np.float16),
        info=np.array(json.dumps(model.info, ensure_ascii=False)),
    )


@lru_cache(maxsize=4)
def load_dense_model(path: Path = DENSE_MODEL_PATH) -> DenseModel:
    if not path.is_file():
        raise DenseModelError(f"{path}: dense model not found; run `rasid train dense --data DIR`")
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["format"]) != FORMAT:
                raise DenseModelError(f"{path}: not a {FORMAT} file; rebuild with `rasid train dense`")
            terms = [str(t) for t in data["terms"]]
            idf = data["idf"].astype(np.float32)
            components = data["components"].astype(np.float32)
            info = json.loads(str(data["info"]))
    except (KeyError, ValueError, OSError) as exc:
        raise DenseModelError(f"{path}: unreadable dense model ({exc}); rebuild with `rasid train dense`") from exc
    if components.shape[1] != len(terms) or idf.shape[0] != len(terms):
        raise DenseModelError(f"{path}: inconsistent shapes; rebuild with `rasid train dense`")
    return DenseModel({t: i for i, t in enumerate(terms)}, idf, components, info)
