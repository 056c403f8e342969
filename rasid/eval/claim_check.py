"""Train and evaluate claim checking on UnifiedFC: page stance, verdicts, retrieval, latency.

Both commands analyse the corpus's pages into a database (or reuse `--db`), so that a claim is
checked the way `rasid check` checks it: against every page Rasid holds, not only its own.

Training (`rasid train claim-check`) uses the tuning folds only (`unifiedfc.TUNE_FOLDS`):
* the page model learns each tuning page's hand-labelled stance from `page_stance.read_page`;
* the verdict model learns the claim's truth from a full check of it (`check_claim`): the pages
  retrieved, read by page models that never saw that claim (cross-fitted by fold), so it learns
  from page probabilities as noisy as they will be on new claims, and the passage reading's totals
  and verdict;
* the thresholds for true / false (unverified between) are chosen on cross-fitted P(true) of the
  tuning claims: the best accuracy with at least 85 % of claims answered.

Evaluation (`rasid eval claims --unifiedfc`) reports the other folds (`REPORT_FOLDS`): each claim
goes through `check_claim`, as `rasid check` runs it, and its publishable label is scored
(misleading counts as false, unverified as a wrong answer; coverage is the share answered).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np

from rasid.eval.baselines import classification_baselines
from rasid.eval.unifiedfc import REPORT_FOLDS, TUNE_FOLDS, Claim, in_folds, read_claims, write_pages
from rasid.eval.verify import per_class
from rasid.records import ArticleStore
from rasid.verify.check import check_claim
from rasid.verify.claim_pairs import profile_claim
from rasid.verify.page_check import RELATED
from rasid.verify.page_stance import (
    PAGE_LABELS,
    ClaimCheckModel,
    PageReading,
    PassageReading,
    page_sentences,
    read_page,
    verdict_vector,
)

MIN_COVERAGE = 0.85
Progress = Callable[[str, int, int], None]


def _quiet(phase: str, done: int, total: int) -> None:
    return None


# -- the database of pages -------------------------------------------------------------------


def open_pages_store(
    stack: ExitStack, claims: Sequence[Claim], db: Path | None, progress: Progress = _quiet
) -> ArticleStore:
    """A store holding every page of `claims`: `db` if it has them, else analysed into `db` or a temp file
    (`progress` follows the analysis phases with their totals)."""
    from rasid.api import Rasid

    if db is None:
        db = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "unifiedfc.db"
    rasid = stack.enter_context(Rasid(db))
    stored = int(rasid.store.query("SELECT COUNT(*) FROM articles")[0][0])
    if stored == 0:
        pages = db.parent / f"{db.stem}.pages.jsonl"
        write_pages(claims, pages)
        try:
            rasid.analyze([pages], progress=progress)
        finally:
            pages.unlink(missing_ok=True)
    return rasid.store


def page_articles(store: ArticleStore, claims: Sequence[Claim]) -> dict[str, int]:
    """Page key -> stored article id; a page stored once for several claims maps to that one copy."""
    by_doc = {str(doc): int(i) for i, doc in store.query("SELECT id, doc_id FROM articles")}
    by_text: dict[str, int] = {}
    for claim in claims:
        for page in claim.pages:
            if page.key in by_doc:
                by_text.setdefault(" ".join(page.text.split()), by_doc[page.key])
    out = {}
    for claim in claims:
        for page in claim.pages:
            found = by_doc.get(page.key) or by_text.get(" ".join(page.text.split()))
            if found is not None:
                out[page.key] = found
    return out


def read_own_pages(
    store: ArticleStore, claims: Sequence[Claim], articles: dict[str, int]
) -> list[tuple[Claim, str, PageReading]]:
    """(claim, gold stance, reading) for every stored page of each claim."""
    out = []
    for claim in claims:
        profile = profile_claim(claim.text)
        for page in claim.pages:
            article = articles.get(page.key)
            if article is not None:
                out.append((claim, page.stance, read_page(profile, page_sentences(store.get_text(article)))))
    return out


# -- training ---------------------------------------------------------------------------------


def _page_classifier() -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.05, max_depth=4, class_weight="balanced", random_state=0
    )


def _verdict_classifier() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2000, C=1.0)


def _fit_pages(readings: Sequence[tuple[Claim, str, PageReading]]) -> Any:
    x = np.stack([r.vector for _, _, r in readings])
    y = np.array([label for _, label, _ in readings])
    return _page_classifier().fit(x, y)


def choose_thresholds(p_true: Sequence[float], facts: Sequence[str]) -> tuple[float, float]:
    """(low, high): the best accuracy (unanswered counts as wrong) answering ≥ MIN_COVERAGE of claims."""
    grid = [round(x, 2) for x in np.arange(0.2, 0.81, 0.02)]
    best = (0.5, 0.5)
    best_score = -1.0
    for low in grid:
        for high in grid:
            if high < low:
                continue
            answered = [(p, f) for p, f in zip(p_true, facts, strict=True) if p <= low or p >= high]
            if len(answered) < MIN_COVERAGE * len(facts):
                continue
            right = sum((p >= high) == (f == "true") for p, f in answered)
            score = right / len(facts) - 0.001 * (high - low)
            if score > best_score:
                best, best_score = (low, high), score
    return best


def _claim_vector(store: ArticleStore, claim: Claim, model: ClaimCheckModel) -> np.ndarray:
    """The verdict model's input for one claim, from a full check with a page model that never saw it."""
    result = check_claim(store, claim.text, claim_check_model=model)
    totals = result.totals
    passages = PassageReading(totals["supports"], totals["refutes"], totals["doubt"], result.verdict)
    return verdict_vector([[s.probs[label] for label in PAGE_LABELS] for s in result.sources], passages)


def train_claim_check(
    data: Path, *, db: Path | None = None, folds: Sequence[int] = TUNE_FOLDS, progress: Progress = _quiet
) -> tuple[ClaimCheckModel, dict[str, Any]]:
    """Fit the page and verdict models on the claims of `folds` (see the module docstring)."""
    claims = read_claims(data)
    tune = in_folds(claims, folds)
    with ExitStack() as stack:
        store = open_pages_store(stack, claims, db, progress)
        articles = page_articles(store, claims)
        readings = read_own_pages(store, tune, articles)
        page_model = _fit_pages(readings)
        vectors: list[np.ndarray] = []
        facts: list[str] = []
        fold_of: list[int] = []
        for k in folds:
            held_out = _fit_pages([r for r in readings if r[0].fold != k])
            fold_model = ClaimCheckModel(held_out, None, (0.5, 0.5), {})
            members = [c for c in tune if c.fold == k]
            for i, claim in enumerate(members):
                progress(f"reading evidence (fold {k})", i, len(members))
                vectors.append(_claim_vector(store, claim, fold_model))
                facts.append(claim.fact)
                fold_of.append(k)
    x, y, f = np.stack(vectors), np.array(facts), np.array(fold_of)
    oof = np.zeros(len(y))
    for k in folds:
        model = _verdict_classifier().fit(x[f != k], y[f != k])
        oof[f == k] = model.predict_proba(x[f == k])[:, list(model.classes_).index("true")]
    thresholds = choose_thresholds(oof.tolist(), facts)
    verdict_model = _verdict_classifier().fit(x, y)
    info = {
        "trained_on": f"UnifiedFC folds {list(folds)} ({len(tune)} claims, {len(readings)} pages)",
        "page_labels": dict(Counter(label for _, label, _ in readings)),
        "thresholds_chosen_on": "cross-fitted P(true) of the tuning claims",
    }
    report = {
        "claims": len(tune),
        "pages": len(readings),
        "thresholds": list(thresholds),
        "cross_fitted_accuracy": _answer_scores(oof.tolist(), facts, thresholds)["accuracy"],
    }
    return ClaimCheckModel(page_model, verdict_model, thresholds, info), report


def _answer_scores(p_true: Sequence[float], facts: Sequence[str], thresholds: tuple[float, float]) -> dict[str, float]:
    low, high = thresholds
    right = sum((p >= high and f == "true") or (p <= low and f == "false") for p, f in zip(p_true, facts, strict=True))
    answered = sum(p <= low or p >= high for p in p_true)
    return {"accuracy": round(right / len(facts), 4), "coverage": round(answered / len(facts), 4)}


# -- evaluation -------------------------------------------------------------------------------


def _prf(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """`rasid.eval.verify.per_class` and its macro F1, rounded for the report."""
    per = per_class(gold, pred, labels)
    return {
        "macro_f1": round(sum(v["f1"] for v in per.values()) / len(labels), 4),
        "per_class": {
            label: {
                "precision": round(v["precision"], 3),
                "recall": round(v["recall"], 3),
                "f1": round(v["f1"], 3),
                "support": int(v["support"]),
            }
            for label, v in per.items()
        },
    }


def evaluate_claim_check(
    data: Path,
    model: ClaimCheckModel,
    *,
    db: Path | None = None,
    folds: Sequence[int] = REPORT_FOLDS,
    progress: Progress = _quiet,
) -> dict[str, Any]:
    """Verdicts, page stance, evidence recall and latency on the claims of `folds`."""
    claims = read_claims(data)
    chosen = in_folds(claims, folds)
    gold_facts, predicted, seconds, recalls = [], [], [], []
    page_gold, page_pred = [], []
    with ExitStack() as stack:
        store = open_pages_store(stack, claims, db, progress)
        articles = page_articles(store, claims)
        for i, claim in enumerate(chosen):
            progress("checking claims", i, len(chosen))
            started = time.perf_counter()
            result = check_claim(store, claim.text, claim_check_model=model)
            seconds.append(time.perf_counter() - started)
            gold_facts.append(claim.fact)
            predicted.append(result.label)
            related = [p for p in result.sources if p.related >= RELATED]
            cited = {p.article.id for p in related} | {c for p in related for c in p.copies}
            wanted = {articles[p.key] for p in claim.pages if p.stance in ("agree", "disagree") and p.key in articles}
            if wanted:
                recalls.append(len(wanted & cited) / len(wanted))
        readings = read_own_pages(store, chosen, articles)
    probs = model.page_probs([r for _, _, r in readings])
    page_gold = [label for _, label, _ in readings]
    page_pred = [PAGE_LABELS[int(row.argmax())] for row in probs]
    return _report(gold_facts, predicted, page_gold, page_pred, seconds, recalls, folds, model)


def _report(
    gold: list[str],
    predicted: list[str],
    page_gold: list[str],
    page_pred: list[str],
    seconds: list[float],
    recalls: list[float],
    folds: Sequence[int],
    model: ClaimCheckModel,
) -> dict[str, Any]:
    as_fact = ["true" if p == "true" else "false" if p in ("false", "misleading") else "unverified" for p in predicted]
    right = sum(g == p for g, p in zip(gold, as_fact, strict=True))
    answered = sum(p != "unverified" for p in as_fact)
    related = [g for g in page_gold if g != "unrelated"]
    return {
        "claims": len(gold),
        "folds": list(folds),
        "tuned_on_folds": list(TUNE_FOLDS),
        "model": model.info.get("trained_on", ""),
        "accuracy": round(right / len(gold), 4) if gold else 0.0,
        "macro_f1": _prf(gold, as_fact, ("true", "false"))["macro_f1"],
        "coverage": round(answered / len(gold), 4) if gold else 0.0,
        "labels": dict(Counter(predicted)),
        "verdicts": _prf(gold, as_fact, ("true", "false")),
        "baselines": classification_baselines(gold, ["true", "false"], positive="true"),
        "page_stance": {
            "pages": len(page_gold),
            "four_classes": _prf(page_gold, page_pred, PAGE_LABELS),
            "related_three": _prf(
                [g for g in page_gold if g != "unrelated"],
                [p for g, p in zip(page_gold, page_pred, strict=True) if g != "unrelated"],
                PAGE_LABELS[:3],
            ),
            "related_pages": len(related),
            "baselines": classification_baselines(page_gold, list(PAGE_LABELS)),
        },
        "evidence_recall": round(statistics.mean(recalls), 4) if recalls else None,
        "claims_with_gold_evidence": len(recalls),
        "latency_seconds": {
            "median": round(statistics.median(seconds), 3) if seconds else None,
            "p90": round(sorted(seconds)[int(0.9 * (len(seconds) - 1))], 3) if seconds else None,
        },
    }
