"""Distributional word clusters for the NER tagger, learned from unlabelled Arabic text.

A word seen too rarely in the labelled data still gets a useful feature if it shares a
cluster with words that were seen: names cluster with names, places with places. The
clusters are built by `build_clusters` (context-count vectors, PPMI, truncated SVD,
k-means at several granularities) and shipped as `rasid/models/ner_clusters.tsv`
(`word<TAB>id per granularity`).

The text they are learned from is named explicitly (`corpus_sentences(paths)`): the shipped
file comes from the realnews articles (`saudinewsnet_dev.jsonl.gz`, unlabelled) and the words
of the ANERcorp training file; never from text the tagger is scored on (`check_corpora`
refuses the Wojood test and validation files, and cross-validation drops its test block).

The build is deterministic (fixed seeds, one thread, words in frequency-then-text order) and
bounded in memory: the corpus is streamed twice (word counts, then co-occurrence counts in
chunks of sentences) and never held in memory as text.

    python -m rasid.extract.ner_clusters --corpus FILE [--corpus FILE ...] --out clusters.tsv
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from rasid.extract.ner_crf import normalize

# Cluster counts from coarse to fine; each gives one feature family.
GRANULARITIES = (64, 256, 1024)
MIN_COUNT = 3  # rarer words get no cluster (their vectors are noise)
MAX_VOCAB = 50_000  # the most frequent words get a cluster (bounds k-means time and the file's size)
CONTEXT_WORDS = 3000  # the most frequent words serve as context dimensions
WINDOW = 2
SVD_DIMS = 100
COUNT_VOCAB = 100_000  # words whose corpus count is kept (`word_counts`) for span cleaning
MIN_KEPT_COUNT = 5
CHUNK_SENTENCES = 50_000  # sentences whose co-occurrences are counted at once
_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u0640\u064b-\u065f\u0670]+|\d+|[A-Za-z]+")
# Sentence breaks in running text: contexts never cross them.
_SENTENCE_BREAK = re.compile(r"[.!?\u061f\u061b\n]+")
# Files the tagger is evaluated on: never clustered (their words would leak into the features).
EVALUATION_FILES = ("wojood_sample/test.txt", "wojood_sample/val.txt")

SentenceSource = Iterable[list[str]] | Callable[[], Iterable[list[str]]]


def _words(text: str) -> list[str]:
    return [w for w in (normalize(m.group()) for m in _WORD.finditer(text)) if w]


def _iob_tokens(path: Path) -> Iterator[list[str]]:
    """Word sequences of an IOB file (one token per line, labels ignored, blank line between sentences)."""
    sent: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                if sent:
                    yield sent
                sent = []
            elif parts[0] != "$#$":
                sent.extend(_words(parts[0]))
    if sent:
        yield sent


def _jsonl_sentences(path: Path) -> Iterator[list[str]]:
    """Sentences of the `title` and `text` of each article in a JSONL (or .jsonl.gz) file."""
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not a JSON object ({exc.msg})") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{lineno}: not a JSON object")
            for field in ("title", "text"):
                value = record.get(field)
                if isinstance(value, str):
                    for part in _SENTENCE_BREAK.split(value):
                        words = _words(part)
                        if words:
                            yield words


def _tsv_sentences(path: Path) -> Iterator[list[str]]:
    """Sentences of the `tweet_text` / `text` column of a tab-separated file with a header."""
    csv.field_size_limit(10**7)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            words = _words(row.get("tweet_text") or row.get("text") or "")
            if words:
                yield words


def is_evaluation_file(path: Path) -> bool:
    """Whether `path` is one of the files the tagger is scored on (`EVALUATION_FILES`)."""
    posix = path.resolve().as_posix()
    return any(posix.endswith("/" + name) for name in EVALUATION_FILES)


def check_corpora(paths: Sequence[Path]) -> None:
    """Refuse a missing file, an unknown format or a file the tagger is evaluated on."""
    for path in paths:
        if is_evaluation_file(path):
            raise ValueError(f"{path}: the tagger is evaluated on this file; it must not be clustered")
        if not path.is_file():
            raise ValueError(f"{path}: cluster corpus not found")
        if not path.name.endswith((".jsonl", ".jsonl.gz", ".txt", ".tsv")):
            raise ValueError(f"{path}: unknown corpus format (expected .jsonl[.gz], IOB .txt or .tsv)")


def corpus_sentences(
    paths: Sequence[Path], exclude: Mapping[Path, tuple[int, int]] | None = None
) -> Iterator[list[str]]:
    """Word sequences of every corpus file, in the order given.

    `.jsonl`/`.jsonl.gz`: articles (title and text, split at sentence ends); `.txt`: IOB
    (first column); `.tsv`: a text column. `exclude={path: (a, b)}` drops sentences a..b-1
    of that IOB file, so a held-out block never reaches the clusters.
    """
    check_corpora(paths)
    skip = {p.resolve(): span for p, span in (exclude or {}).items()}
    for path in paths:
        if path.name.endswith((".jsonl", ".jsonl.gz")):
            yield from _jsonl_sentences(path)
        elif path.name.endswith(".tsv"):
            yield from _tsv_sentences(path)
        else:
            span = skip.get(path.resolve())
            for k, sent in enumerate(_iob_tokens(path)):
                if span is None or not span[0] <= k < span[1]:
                    yield sent


def _vocabulary(counts: Counter[str]) -> list[str]:
    """Words seen at least MIN_COUNT times, most frequent first (ties by text), at most MAX_VOCAB."""
    kept = sorted((w for w, n in counts.items() if n >= MIN_COUNT), key=lambda w: (-counts[w], w))
    return kept[:MAX_VOCAB]


def _cooccurrences(sentences: Iterable[list[str]], index: Mapping[str, int], n_context: int) -> Any:
    """Sparse [word, 2 * context] counts of context words within WINDOW on the left, then the right."""
    import numpy as np
    from scipy import sparse

    shape = (len(index), 2 * n_context)
    total = sparse.csr_matrix(shape, dtype=np.float64)
    pad = [-1] * WINDOW

    def add(ids: list[int]) -> Any:
        words = np.array(ids, dtype=np.int64)
        ctx = np.where(words < n_context, words, -1)
        rows: list[Any] = []
        cols: list[Any] = []
        for d in range(1, WINDOW + 1):
            # Right context (word i, context i + d) and left context (word i + d, context i).
            for w, c, offset in ((words[:-d], ctx[d:], n_context), (words[d:], ctx[:-d], 0)):
                keep = (w >= 0) & (c >= 0)
                rows.append(w[keep])
                cols.append(c[keep] + offset)
        r, c = np.concatenate(rows), np.concatenate(cols)
        return sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=shape)

    ids: list[int] = []
    get = index.get
    for n, sent in enumerate(sentences, 1):
        ids.extend(get(w, -1) for w in sent)
        ids.extend(pad)  # separators: no context crosses a sentence end
        if n % CHUNK_SENTENCES == 0:
            total = total + add(ids)
            ids = []
    if ids:
        total = total + add(ids)
    return total


def build_clusters(
    sentences: SentenceSource, counts_out: dict[str, int] | None = None
) -> dict[str, tuple[str, ...]]:
    """Cluster ids per word (one per granularity) for the MAX_VOCAB most frequent words seen MIN_COUNT times.

    `sentences` is a sequence, or a function returning a fresh iterator: the corpus is read
    twice (counts, then co-occurrences), so a large one is streamed and never held in memory.
    `counts_out`, if given, receives the corpus counts of the COUNT_VOCAB most frequent words
    seen at least MIN_KEPT_COUNT times (`write_word_counts`).
    """
    import numpy as np
    from scipy import sparse
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize as l2_normalize
    from threadpoolctl import threadpool_limits

    def read() -> Iterable[list[str]]:
        return sentences() if callable(sentences) else sentences

    counts: Counter[str] = Counter()
    for s in read():
        counts.update(s)
    if counts_out is not None:
        frequent = sorted((w for w, n in counts.items() if n >= MIN_KEPT_COUNT), key=lambda w: (-counts[w], w))
        counts_out.update((w, counts[w]) for w in frequent[:COUNT_VOCAB])
    vocab = _vocabulary(counts)
    if not vocab:
        return {}
    index = {w: i for i, w in enumerate(vocab)}
    mat = _cooccurrences(read(), index, min(CONTEXT_WORDS, len(vocab)))
    total = mat.sum()
    if not total:
        return {}
    row_sum = np.asarray(mat.sum(axis=1)).ravel()
    col_sum = np.asarray(mat.sum(axis=0)).ravel() ** 0.75  # context smoothing, as in word2vec
    col_sum *= total / col_sum.sum()
    coo = mat.tocoo()
    pmi = np.log(coo.data * total / (row_sum[coo.row] * col_sum[coo.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=mat.shape)
    del mat, coo, pmi
    with threadpool_limits(1):
        dims = min(SVD_DIMS, min(ppmi.shape) - 1)  # fewer components than either side of the matrix
        vecs = TruncatedSVD(dims, algorithm="randomized", n_iter=7, random_state=0).fit_transform(ppmi)
        vecs = l2_normalize(vecs)
        ids = []
        for k in GRANULARITIES:
            km = KMeans(n_clusters=min(k, len(vocab)), n_init=1, max_iter=100, random_state=0)
            ids.append(km.fit_predict(vecs))
    return {w: tuple(str(int(a[i])) for a in ids) for i, w in enumerate(vocab)}


def write_clusters(path: Path, clusters: dict[str, tuple[str, ...]], sources: Sequence[str] = ()) -> None:
    """The cluster file: a header naming the granularities and the corpus files, then one word per line."""
    lines = [f"{w}\t" + "\t".join(ids) for w, ids in sorted(clusters.items())]
    header = "# word clusters (" + ",".join(map(str, GRANULARITIES)) + "): generated by rasid.extract.ner_clusters\n"
    if sources:
        header += "# corpus: " + ", ".join(sources) + "\n"
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


def write_word_counts(path: Path, counts: Mapping[str, int], sources: Sequence[str] = ()) -> None:
    """`word<TAB>count` per line, most frequent first (read by `rasid.extract.ner_spans`)."""
    header = "# corpus word counts: generated by rasid.extract.ner_clusters\n"
    if sources:
        header += "# corpus: " + ", ".join(sources) + "\n"
    lines = [f"{w}\t{n}" for w, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Build a cluster file from the corpus files named on the command line."""
    parser = argparse.ArgumentParser(description="Build the NER tagger's word clusters from unlabelled text.")
    parser.add_argument("--corpus", type=Path, action="append", required=True, help="JSONL(.gz), IOB .txt or .tsv")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--counts-out", type=Path, help="also write the corpus word counts here")
    args = parser.parse_args(argv)
    paths = list(args.corpus)
    check_corpora(paths)
    counts: dict[str, int] = {}
    clusters = build_clusters(lambda: corpus_sentences(paths), counts)
    write_clusters(args.out, clusters, [p.name for p in paths])
    if args.counts_out:
        write_word_counts(args.counts_out, counts, [p.name for p in paths])
    print(f"{len(clusters)} words clustered from {len(paths)} file(s) into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
