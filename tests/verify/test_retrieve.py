"""Evidence retrieval and the store search under it, on short reports written for these tests."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from rasid.api import Rasid
from rasid.stages import build_pipeline
from rasid.store import sqlite as sqlite_store
from rasid.store.sqlite import _fts5_varints, rank_bm25
from rasid.text.tokens import search_terms
from rasid.verify.retrieve import PHASES, candidate_articles, claim_groups, retrieve, timed_retrieval

REPORTS = {
    "airport.txt": (
        "سيطرة على مطار عسكري\n"
        "أعلنت فصائل المعارضة صباح اليوم سيطرتها الكاملة على مطار أبو الظهور العسكري في ريف إدلب الشرقي"
        " بعد معارك استمرت أسبوعين مع قوات النظام.\n"
        "وقال قائد ميداني إن عشرات العناصر انسحبوا من المطار باتجاه بلدة سنجار.\n"
    ),
    "bread.txt": (
        "ارتفاع سعر الخبز في دمشق\n"
        "رفعت حكومة النظام سعر ربطة الخبز في أفران دمشق للمرة الثانية هذا العام،"
        " وسط طوابير طويلة أمام الأفران في أحياء المدينة.\n"
    ),
    "airport_denial.txt": (
        "النظام ينفي سقوط المطار\n"
        "نفت وسائل إعلام النظام سيطرة فصائل المعارضة على مطار أبو الظهور العسكري،"
        " وقالت إن الاشتباكات ما زالت مستمرة في محيط المطار.\n"
    ),
}
CLAIM = "سيطرت فصائل المعارضة على مطار أبو الظهور العسكري"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("retrieve")
    for name, text in REPORTS.items():
        (root / name).write_text(text, encoding="utf-8")
    path = root / "r.db"
    with Rasid(path, pipeline=build_pipeline(["text"])) as rasid:
        rasid.analyze([root / name for name in REPORTS], published=dt.date(2018, 1, 10))
    rasid = Rasid(path)
    yield rasid.store
    rasid.close()


def test_retrieve_finds_the_sentences_about_the_claim(store: Any) -> None:
    passages = retrieve(store, CLAIM, limit=5)
    assert passages, "no evidence found"
    assert all("مطار" in p.text for p in passages[:2])
    assert not any("الخبز" in p.text for p in passages)
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    # Offsets point into the stored text.
    for p in passages:
        assert store.get_text(p.article.id)[p.start : p.end].strip().startswith(p.text[:20])


def test_timed_retrieval_sums_every_phase_and_is_off_outside_the_block(store: Any) -> None:
    with timed_retrieval() as seconds:
        retrieve(store, CLAIM)
        retrieve(store, CLAIM)
    assert set(seconds) == set(PHASES)
    assert all(v > 0 for v in seconds.values()), seconds
    frozen = dict(seconds)
    retrieve(store, CLAIM)
    assert seconds == frozen


def test_candidate_articles_put_the_reports_sharing_every_word_first(store: Any) -> None:
    ids = candidate_articles(store, claim_groups(CLAIM))
    titles = [store.get_article(i).title for i in ids]
    assert len(ids) == 2 and not any("الخبز" in t for t in titles)


def test_search_reads_article_count_and_average_length_from_the_fts_index(store: Any) -> None:
    total, avg_len = store._fts_totals()
    ids = [r[0] for r in store._conn.execute("SELECT rowid FROM articles_fts")]
    bodies = [body for _title, body in store.search_terms_of(ids).values()]
    assert total == len(bodies) == len(REPORTS)
    words = sum(len(b.split()) for b in bodies) / len(bodies)
    assert abs(avg_len - words) / words < 0.02


def test_fts5_varints_decode_one_two_and_nine_byte_numbers() -> None:
    assert _fts5_varints(bytes([0x05, 0x81, 0x00, 0x7F])) == [5, 128, 127]
    assert _fts5_varints(bytes([0xFF] * 8 + [0x01])) == [(2**56 - 1) << 8 | 1]
    assert _fts5_varints(bytes([0x81])) == []  # truncated


def _reference_bm25(
    rows: Sequence[tuple[int, str, str]], groups: Sequence[Sequence[str]], doc_freq: dict[str, int], total: int, avg: float
) -> list[tuple[int, float]]:
    """The ranking written the plain way (word lists, one scan per group), to check the fast one against."""
    k1, b = 1.2, 0.75
    scored = []
    for rowid, title, body in rows:
        words, title_words = body.split(), title.split()
        score, positions = 0.0, []
        for group in groups:
            tf = sum(w in group for w in words) + 2.0 * sum(w in group for w in title_words)
            df = max(doc_freq.get(t, 0) for t in group)
            idf = math.log(1.0 + (total - df + 0.5) / (df + 0.5))
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * (len(words) or 1) / avg)) if tf else 0.0
            positions.append({i for i, w in enumerate(words) if w in group})
        for left, right in itertools.pairwise(positions):
            adjacent = sum(1 for i in left if i + 1 in right)
            if adjacent:
                score += 0.5 * math.log(1 + adjacent) * (1 + score / len(groups))
        scored.append((rowid, round(score, 4)))
    return sorted(scored, key=lambda x: -x[1])


@pytest.mark.parametrize("few_terms", [0, 100])  # words found by one pass over the body / by substring search
def test_rank_bm25_matches_the_plain_computation(few_terms: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_store, "_FEW_TERMS", few_terms)
    rows = [
        (1, "قصف حلب", "قصف مدفعي على حلب وقصف جوي على ريف حلب"),
        (2, "", "حلب حلب حلب"),  # a word repeated back to back
        (3, "دمشق", "قصف  على\nحلب ثم\tقصف حلب"),  # not single-spaced
        (4, "خبر", ""),
        (5, "قصف", "مدفعي قصف"),
    ]
    groups = [["قصف", "القصف"], ["على"], ["حلب", "لحلب"]]
    doc_freq = {"قصف": 3, "حلب": 4, "على": 2, "لحلب": 1}
    expected = _reference_bm25(rows, groups, doc_freq, 10, 6.0)
    assert rank_bm25(rows, groups, doc_freq, 10, 6.0) == expected
    assert rank_bm25(rows, [["حلب"]], doc_freq, 10, 6.0) == _reference_bm25(rows, [["حلب"]], doc_freq, 10, 6.0)
    assert dict(expected)[4] == 0.0 and all(score > 0 for i, score in expected if i != 4)



def test_lsa_vectors_equal_the_full_tfidf_projection() -> None:
    import numpy as np

    from rasid.verify.dense import load_dense_model

    model = load_dense_model()
    texts = [
        "قصفت طائرات حربية سوق المدينة وقصفت الطائرات المخبز",
        "انسحبت القوات من المطار العسكري بعد معارك عنيفة",
        "",  # no words: a zero vector
        "2016 5",  # digits only: no LSA terms
    ]
    projected = model.tfidf(texts) @ model.components.T
    norms = np.linalg.norm(projected, axis=1, keepdims=True)
    expected = projected / np.where(norms == 0, 1.0, norms)
    assert np.allclose(model.embed(texts), expected, atol=1e-5)
    assert not model.embed(texts)[2:].any()
    sims = model.similarity(texts[0], texts[1:])
    assert sims == model.similarity_terms(search_terms(texts[0]), [search_terms(t) for t in texts[1:]])
