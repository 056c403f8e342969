"""Distributional word clusters for the NER tagger, learned from unlabelled Arabic text.

A word seen too rarely in the labelled data still gets a useful feature if it shares a
cluster with words that were seen: names cluster with names, places with places. The
clusters are built by `build_clusters` (context-count vectors, PPMI, truncated SVD,
k-means at several granularities) and shipped as `rasid/models/ner_clusters.tsv`
(`word<TAB>id per granularity`). The build is deterministic: fixed seeds, one thread.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from rasid.extract.ner_crf import normalize

# Cluster counts from coarse to fine; each gives one feature family.
GRANULARITIES = (64, 256, 1024)
MIN_COUNT = 3  # rarer words get no cluster (their vectors are noise)
CONTEXT_WORDS = 3000  # the most frequent words serve as context dimensions
WINDOW = 2
SVD_DIMS = 100
_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u0640\u064b-\u065f\u0670]+|\d+|[A-Za-z]+")


def _words(text: str) -> list[str]:
    return [normalize(m.group()) for m in _WORD.finditer(text)]


def _iob_tokens(path: Path) -> Iterator[list[str]]:
    sent: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if sent:
                yield sent
            sent = []
        elif parts[0] != "$#$":
            sent.extend(_words(parts[0]))
    if sent:
        yield sent


def unlabelled_sentences(shared: Path, exclude_anercorp: tuple[int, int] | None = None) -> Iterator[list[str]]:
    """Word sequences from every Arabic text in the shared data folder (labels ignored).

    `exclude_anercorp=(a, b)` drops ANERcorp sentences a..b-1, so a held-out evaluation
    can use clusters that never saw the test text.
    """
    aner = shared / "ner" / "anercorp_train.txt"
    if aner.is_file():
        for k, sent in enumerate(_iob_tokens(aner)):
            if exclude_anercorp is None or not exclude_anercorp[0] <= k < exclude_anercorp[1]:
                yield sent
    for path in sorted((shared / "ner" / "wojood_sample").glob("*.txt")):
        if path.name != "LICENSE":
            yield from _iob_tokens(path)
    csv.field_size_limit(10**7)
    for path in sorted((shared / "checkworthy").glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                yield _words(row.get("tweet_text") or "")
    for path in sorted((shared / "stance").glob("*/*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for key in ("claim_s", "s1", "s2"):
                    if row.get(key):
                        yield _words(row[key])
    for path in sorted((shared / "events").glob("plover_*.xml")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<Text>(.*?)</Text>", text, re.S):
            yield _words(m.group(1))


def build_clusters(sentences: Iterable[list[str]]) -> dict[str, tuple[str, ...]]:
    """Cluster ids per word (one per granularity) for words seen at least MIN_COUNT times."""
    import numpy as np
    from scipy import sparse
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize as l2_normalize
    from threadpoolctl import threadpool_limits

    sents = [s for s in sentences if s]
    if not sents:
        return {}
    counts: Counter[str] = Counter(w for s in sents for w in s)
    vocab = sorted((w for w, n in counts.items() if n >= MIN_COUNT), key=lambda w: (-counts[w], w))
    index = {w: i for i, w in enumerate(vocab)}
    context = {w: i for i, w in enumerate(vocab[:CONTEXT_WORDS])}
    rows: list[int] = []
    cols: list[int] = []
    for s in sents:
        for i, w in enumerate(s):
            r = index.get(w)
            if r is None:
                continue
            for d in range(-WINDOW, WINDOW + 1):
                j = i + d
                if d and 0 <= j < len(s):
                    c = context.get(s[j])
                    if c is not None:
                        # Left and right contexts are separate dimensions (word order matters).
                        rows.append(r)
                        cols.append(c + (0 if d < 0 else len(context)))
    mat = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(vocab), 2 * len(context)), dtype=np.float64
    )
    mat.sum_duplicates()
    total = mat.sum()
    row_sum = np.asarray(mat.sum(axis=1)).ravel()
    col_sum = np.asarray(mat.sum(axis=0)).ravel() ** 0.75  # context smoothing, as in word2vec
    col_sum *= total / col_sum.sum()
    coo = mat.tocoo()
    pmi = np.log(coo.data * total / (row_sum[coo.row] * col_sum[coo.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=mat.shape)
    with threadpool_limits(1):
        dims = min(SVD_DIMS, min(ppmi.shape) - 1)  # fewer components than either side of the matrix
        vecs = TruncatedSVD(dims, algorithm="randomized", n_iter=7, random_state=0).fit_transform(ppmi)
        vecs = l2_normalize(vecs)
        ids = []
        for k in GRANULARITIES:
            km = KMeans(n_clusters=min(k, len(vocab)), n_init=1, max_iter=100, random_state=0)
            ids.append(km.fit_predict(vecs))
    return {w: tuple(str(int(a[i])) for a in ids) for i, w in enumerate(vocab)}


def write_clusters(path: Path, clusters: dict[str, tuple[str, ...]]) -> None:
    lines = [f"{w}\t" + "\t".join(ids) for w, ids in sorted(clusters.items())]
    header = "# word clusters (" + ",".join(map(str, GRANULARITIES)) + "): generated by rasid.extract.ner_clusters\n"
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
