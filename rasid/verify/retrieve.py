"""Evidence retrieval for claim checking: sentence passages ranked by BM25 and LSA, fused.

1. Candidate articles: the store's BM25 search with all claim words required, then
   each claim word alone (so a claim worded differently from the reports still finds
   them), merged by reciprocal rank.
2. Passages: the sentences of the candidate articles, offsets into the article text.
3. Two rankings of the passages: a sentence-level BM25 over the claim's normalised
   terms (light stems also match), and cosine similarity in the LSA space
   (`rasid.verify.dense`). They are fused by reciprocal rank fusion (k=60).
Passages that share no claim word and are not close in the LSA space are dropped.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from rasid.records import ArticleRow, ArticleStore
from rasid.text.query import query_groups
from rasid.text.sentences import split_sentences
from rasid.text.stem import stem
from rasid.text.tokens import search_terms
from rasid.verify.dense import DenseModel, DenseModelError, load_dense_model

RRF_K = 60
MIN_DENSE = 0.25  # below this cosine a passage with no shared word is noise
MAX_PASSAGE_CHARS = 600

# Phases of `retrieve`, timed for `rasid bench check` (seconds summed while `timed_retrieval` is open).
PHASES = ("search", "split", "bm25", "dense")
_PHASE_SECONDS: ContextVar[dict[str, float] | None] = ContextVar("rasid_retrieve_phases", default=None)


@contextmanager
def timed_retrieval() -> Iterator[dict[str, float]]:
    """Sum the seconds each phase of `retrieve` takes inside the block into the dict yielded."""
    seconds = dict.fromkeys(PHASES, 0.0)
    token = _PHASE_SECONDS.set(seconds)
    try:
        yield seconds
    finally:
        _PHASE_SECONDS.reset(token)


def _lap(phase: str, started: float) -> float:
    """Add the time since `started` to `phase` (when timing is on); the time now."""
    now = time.perf_counter()
    seconds = _PHASE_SECONDS.get()
    if seconds is not None:
        seconds[phase] += now - started
    return now


@dataclass
class Passage:
    article: ArticleRow
    start: int
    end: int
    text: str
    sentence_index: int
    lexical: float = 0.0  # sentence BM25
    coverage: float = 0.0  # share of the claim's term groups found in the passage
    dense: float = 0.0  # LSA cosine to the claim
    score: float = 0.0  # fused (RRF)
    terms: tuple[str, ...] = field(default_factory=tuple)

    @property
    def published(self) -> dt.date | None:
        return self.article.published


def claim_groups(claim: str) -> list[tuple[str, ...]]:
    """The claim's content-word groups (spelling variants), single words only."""
    groups = [tuple(t for t in g if " " not in t) for g in query_groups(claim)]
    return [g for g in groups if g]


def _group_keys(group: Sequence[str]) -> set[str]:
    return set(group) | {stem(t) for t in group}


def _matches(keys: set[str], term: str) -> bool:
    return term in keys or stem(term) in keys


def candidate_articles(store: ArticleStore, groups: Sequence[Sequence[str]], *, limit: int = 20) -> list[int]:
    """Article ids by reciprocal-rank fusion of the all-words search and one search per word."""
    if not groups:
        return []
    started = time.perf_counter()
    rankings = [store.search([list(g) for g in groups], limit=limit)]
    if len(groups) > 1:
        rankings.extend(store.search([list(g)], limit=limit) for g in groups)
    fused: dict[int, float] = {}
    for i, ranking in enumerate(rankings):
        weight = 2.0 if i == 0 else 1.0  # matching every word counts more
        for rank, (article_id, _) in enumerate(ranking):
            fused[article_id] = fused.get(article_id, 0.0) + weight / (RRF_K + rank)
    _lap("search", started)
    return [a for a, _ in sorted(fused.items(), key=lambda x: -x[1])[:limit]]


def _dense_model() -> DenseModel | None:
    try:
        return load_dense_model()
    except DenseModelError:
        return None


def retrieve(
    store: ArticleStore,
    claim: str,
    *,
    articles: int = 20,
    limit: int = 12,
    dense: DenseModel | None = None,
    use_dense: bool = True,
    candidates: Sequence[int] | None = None,
) -> list[Passage]:
    """The `limit` best evidence passages for `claim`, best first.

    `candidates`: article ids already found by `candidate_articles` (a check reads the same
    candidates twice, as passages and as whole pages: it searches once).
    """
    groups = claim_groups(claim)
    if not groups:
        return []
    found = []
    ids = candidates if candidates is not None else candidate_articles(store, groups, limit=articles)
    started = time.perf_counter()  # the candidate search laps "search" itself; from here, the fetch
    for article_id in ids:
        row = store.get_article(article_id)
        if row is not None:
            found.append((row, store.get_text(article_id)))
    started = _lap("search", started)
    passages: list[Passage] = []
    for row, text in found:
        for index, (start, end) in enumerate(split_sentences(text)):
            piece = text[start:end].strip()
            if len(piece) < 12:
                continue
            if len(piece) > MAX_PASSAGE_CHARS:
                piece = piece[:MAX_PASSAGE_CHARS]
                end = start + len(piece)
            passages.append(Passage(row, start, end, piece, index, terms=tuple(search_terms(piece))))
    started = _lap("split", started)
    if not passages:
        return []
    _score_lexical(passages, groups)
    started = _lap("bm25", started)
    model = dense if dense is not None else (_dense_model() if use_dense else None)
    if model is not None:
        sims = model.similarity_terms(search_terms(claim), [p.terms for p in passages])
        for passage, sim in zip(passages, sims, strict=True):
            passage.dense = round(sim, 4)
    kept = [p for p in passages if p.lexical > 0 or p.dense >= MIN_DENSE]
    by_lex = sorted(kept, key=lambda p: -p.lexical)
    by_dense = sorted(kept, key=lambda p: -p.dense)
    for rank, p in enumerate(by_lex):
        p.score += 1.0 / (RRF_K + rank) if p.lexical > 0 else 0.0
    if model is not None:
        for rank, p in enumerate(by_dense):
            p.score += 1.0 / (RRF_K + rank)
    kept.sort(key=lambda p: (-p.score, -p.lexical))
    for p in kept:
        p.score = round(p.score * RRF_K / 2, 4)  # 1.0 = first in both rankings
    _lap("dense", started)  # the LSA cosines and the fusion of the two rankings
    return kept[:limit]


def _score_lexical(passages: Sequence[Passage], groups: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
    keys = [_group_keys(g) for g in groups]
    n = len(passages)
    avg_len = sum(len(p.terms) for p in passages) / n or 1.0
    # The groups each distinct word matches, worked out once (a word recurs across passages).
    matched: dict[str, list[int]] = {}
    tfs = []
    for p in passages:
        row = [0] * len(keys)
        for t in p.terms:
            hits = matched.get(t)
            if hits is None:
                hits = matched[t] = [j for j, k in enumerate(keys) if _matches(k, t)]
            for j in hits:
                row[j] += 1
        tfs.append(row)
    df = [sum(1 for row in tfs if row[j]) for j in range(len(keys))]
    idf = [math.log(1.0 + (n - d + 0.5) / (d + 0.5)) for d in df]
    for p, row in zip(passages, tfs, strict=True):
        norm = k1 * (1 - b + b * len(p.terms) / avg_len)
        p.lexical = round(sum(idf[j] * tf * (k1 + 1) / (tf + norm) for j, tf in enumerate(row) if tf), 4)
        p.coverage = round(sum(1 for tf in row if tf) / len(keys), 4)
