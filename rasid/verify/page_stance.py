"""A page's stance toward a claim, and the claim's truth from the pages that take one.

Fact-checkers judge a claim by the pages that report on it: does this page tell the claim's own
event and agree, deny it, or only discuss the subject? Two small models, trained on the real
Syrian-war claims of UnifiedFC (`rasid train claim-check`), do that here:

* the **page model** reads a page as its sentences' `claim_pairs` vectors: the sentence closest
  to the claim, the mean of the three closest, the whole page read as one passage, and counts
  (how many sentences cover half the claim, denial words, length). It gives probabilities for
  agree / disagree / discuss / unrelated and names the sentence it rests on;
* the **verdict model** reads the pages of a claim's independent sources (one per outlet, copies
  joined) as sums and maxima of their stance probabilities, with the passage reading's totals and
  verdict (`check.py`: cue families, denials, hedges), and gives P(true). It sees the evidence
  only: never the claim's wording, outlet names or anything that would let a rumour's style
  decide its truth.

Both are gradient-boosted trees / logistic regression over a few dozen numbers: the bundle is a
few hundred kilobytes and a page takes well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rasid.knowledge.geocode import resolve_phrase
from rasid.text.sentences import split_sentences
from rasid.text.tokens import search_terms
from rasid.verify.claim_pairs import PAIR_FEATURES, ClaimProfile, pair_vector
from rasid.verify.cues import find_phrases, load_cues

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
CLAIM_CHECK_MODEL_PATH = MODELS_DIR / "claim_check.joblib"
PAGE_LABELS = ("agree", "disagree", "discuss", "unrelated")
MIN_SENTENCE_CHARS = 15
MAX_SENTENCES = 200  # a page longer than this is read for its first 200 sentences
COVERS_HALF = 0.5
COVERS_THIRD = 0.3


@dataclass(frozen=True)
class PageSentence:
    start: int
    end: int
    text: str
    terms: tuple[str, ...]


def page_sentences(text: str) -> list[PageSentence]:
    """The page's sentences worth reading (spans into `text`)."""
    out: list[PageSentence] = []
    for start, end in split_sentences(text):
        piece = text[start:end]
        if len(piece.strip()) < MIN_SENTENCE_CHARS:
            continue
        out.append(PageSentence(start, end, piece, tuple(search_terms(piece))))
        if len(out) >= MAX_SENTENCES:
            break
    return out


@dataclass(frozen=True)
class PageReading:
    vector: np.ndarray  # the page model's input
    best: int  # index of the sentence closest to the claim (-1 for an empty page)
    coverage: float  # rarity-weighted coverage of that sentence
    # The page gives a reason to refute: a denial or correction word among its closest sentences,
    # negation on one side only, or other numbers where the claim's rarest word (its anchor) is.
    can_refute: bool = False


@lru_cache(maxsize=256)
def _places(text: str) -> tuple[tuple[str, str, str, bool], ...]:
    """(place id, first-level area, country, is a country) of the places a text names."""
    return tuple((g.place_id, g.admin1, g.country_code, g.place_type == "country") for _, _, g in resolve_phrase(text))


def elsewhere(claim: str, sentence: str) -> bool:
    """The sentence tells of another place than the claim: both name places, and none of the
    sentence's lies in the claim's place, its first-level area or (for a country) its country."""
    ours, theirs = _places(claim), _places(sentence)
    if not ours or not theirs:
        return False
    for place, area, country, whole in theirs:
        for own_place, own_area, own_country, own_whole in ours:
            if place == own_place or (area and area == own_area and country == own_country):
                return False
            if country == own_country and (whole or own_whole):
                return False
    return True


def _can_refute(profile: ClaimProfile, sentences: Sequence[PageSentence], rows: np.ndarray, order: np.ndarray) -> bool:
    best = rows[order[0]]
    # The denial phrases of check_cues.yaml ("لا صحة", "نفت"), not the page model's looser
    # denial words, which also count "وزارة الصحة".
    denial = load_cues().denial
    if best[_COLUMN["negation_mismatch"]] > 0 or any(find_phrases(sentences[i].terms, denial) for i in order[:3]):
        return True
    # A different toll counts against the claim only in a report of the claim's own event: a bombing
    # elsewhere with another toll is another event, not a contradiction.
    if not (best[_COLUMN["other_numbers"]] > 0 and best[_COLUMN["rarest_found"]] > 0):
        return False
    return not elsewhere(profile.text, sentences[int(order[0])].text)


def read_page(profile: ClaimProfile, sentences: Sequence[PageSentence]) -> PageReading:
    """The page-model input for one page (see the module docstring)."""
    if not sentences:
        return PageReading(np.zeros(PAGE_VECTOR_SIZE), -1, 0.0)
    n = len(sentences)
    rows = np.array([pair_vector(profile, s.terms, i / n) for i, s in enumerate(sentences)])
    weighted = rows[:, _COLUMN["weighted_coverage"]]
    order = np.argsort(-weighted, kind="stable")
    top = rows[order[:3]]
    whole_terms = [t for s in sentences for t in s.terms]
    whole = pair_vector(profile, whole_terms)[:WHOLE_PAGE_FEATURES]
    counts = [
        float((weighted > COVERS_HALF).sum()),
        float((weighted > COVERS_THIRD).sum()),
        float(n),
        float(rows[:, _COLUMN["coverage"]].max()),
        float(rows[:, _COLUMN["longest_run"]].max()),
        float(rows[:, _COLUMN["rarest_found"]].max()),
        float(rows[:, _COLUMN["denial"]].sum()),
        float(rows[:, _COLUMN["rumour"]].sum()),
    ]
    vector = np.concatenate([rows[order[0]], top.mean(axis=0), whole, counts])
    return PageReading(vector, int(order[0]), float(weighted[order[0]]), _can_refute(profile, sentences, rows, order))


_COLUMN = {name: i for i, name in enumerate(PAIR_FEATURES)}
# The whole page read as one passage: its coverage features only (coverage … other_numbers).
WHOLE_PAGE_FEATURES = 8
PAGE_COUNTS = 8  # the `counts` block of `read_page`
PAGE_VECTOR_SIZE = len(PAIR_FEATURES) * 2 + WHOLE_PAGE_FEATURES + PAGE_COUNTS


# -- the verdict model's input ------------------------------------------------------------------

PASSAGE_VERDICTS = ("supported", "refuted", "conflicting")
VERDICT_FEATURES = (
    *(f"{agg}_{label}" for agg in ("sum", "max") for label in PAGE_LABELS),
    "sources",
    "related_sources",
    # The passage reading of the same candidates (check.py): side totals and its verdict.
    "passage_supports",
    "passage_refutes",
    "passage_doubt",
    *(f"passage_{v}" for v in PASSAGE_VERDICTS),
)


@dataclass(frozen=True)
class PassageReading:
    """What the passage reading concluded: the side totals and the verdict (check.decide)."""

    supports: float = 0.0
    refutes: float = 0.0
    doubt: float = 0.0
    verdict: str = "not_enough_evidence"


def verdict_vector(page_probs: Sequence[Sequence[float]], passages: PassageReading | None = None) -> np.ndarray:
    """Sums and maxima of the independent sources' page probabilities, how many there are, and
    the passage reading's totals and verdict."""
    p = passages or PassageReading()
    passage_part = [p.supports, p.refutes, p.doubt, *(float(p.verdict == v) for v in PASSAGE_VERDICTS)]
    if not page_probs:
        return np.concatenate([np.zeros(len(VERDICT_FEATURES) - len(passage_part)), passage_part])
    matrix = np.asarray(page_probs, dtype=float)
    unrelated = PAGE_LABELS.index("unrelated")
    related = float((matrix[:, unrelated] < 0.5).sum())
    return np.concatenate(
        [matrix.sum(axis=0), matrix.max(axis=0), [float(len(matrix)), related], passage_part]
    )


# -- the shipped models -------------------------------------------------------------------------


class ClaimCheckModelError(FileNotFoundError):
    """The claim-check bundle is missing or not one; the message says how to rebuild it."""


@dataclass
class ClaimCheckModel:
    page_model: Any  # classifier over `read_page` vectors, classes = PAGE_LABELS
    verdict_model: Any  # classifier over `verdict_vector`, classes ("false", "true")
    thresholds: tuple[float, float]  # P(true) below the first: false; above the second: true
    info: dict[str, Any]

    def page_probs(self, readings: Sequence[PageReading]) -> np.ndarray:
        if not readings:
            return np.zeros((0, len(PAGE_LABELS)))
        from threadpoolctl import threadpool_limits

        # One thread: the trees' OpenMP workers spin for longer than a few pages take to score.
        with threadpool_limits(limits=1, user_api="openmp"):
            proba = np.asarray(self.page_model.predict_proba(np.stack([r.vector for r in readings])))
        classes = [str(c) for c in self.page_model.classes_]
        # A label the model never saw in training gets probability 0.
        out = np.zeros((len(readings), len(PAGE_LABELS)))
        for j, label in enumerate(PAGE_LABELS):
            if label in classes:
                out[:, j] = proba[:, classes.index(label)]
        # "Disagree" needs a reason on the page (see PageReading.can_refute); without one the page
        # only discusses the subject.
        silent = np.array([not r.can_refute for r in readings])
        disagree, discuss = PAGE_LABELS.index("disagree"), PAGE_LABELS.index("discuss")
        out[silent, discuss] += out[silent, disagree]
        out[silent, disagree] = 0.0
        return out

    def p_true(self, page_probs: Sequence[Sequence[float]], passages: PassageReading | None = None) -> float:
        if self.verdict_model is None:  # a page model alone, while the verdict model is being fitted
            return 0.5
        vector = verdict_vector(page_probs, passages).reshape(1, -1)
        proba = self.verdict_model.predict_proba(vector)[0]
        return float(proba[list(self.verdict_model.classes_).index("true")])


def save_claim_check_model(model: ClaimCheckModel, path: Path = CLAIM_CHECK_MODEL_PATH) -> None:
    import joblib

    bundle = {
        "kind": "claim-check",
        "page_model": model.page_model,
        "verdict_model": model.verdict_model,
        "thresholds": list(model.thresholds),
        "page_labels": list(PAGE_LABELS),
        "verdict_features": list(VERDICT_FEATURES),
        "info": model.info,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(bundle, path, compress=3)


@lru_cache(maxsize=4)
def load_claim_check_model(path: Path = CLAIM_CHECK_MODEL_PATH) -> ClaimCheckModel:
    import joblib

    hint = "rebuild it with `rasid train claim-check --unifiedfc FILE`"
    if not path.is_file():
        raise ClaimCheckModelError(f"{path}: model file not found; {hint}")
    bundle = joblib.load(path)
    if not isinstance(bundle, dict) or bundle.get("kind") != "claim-check":
        raise ClaimCheckModelError(f"{path}: not a claim-check model bundle; {hint}")
    if tuple(bundle.get("page_labels", ())) != PAGE_LABELS:
        raise ClaimCheckModelError(f"{path}: trained for other page labels; {hint}")
    if tuple(bundle.get("verdict_features", ())) != VERDICT_FEATURES:
        raise ClaimCheckModelError(f"{path}: its verdict model reads other features; {hint}")
    low, high = (float(x) for x in bundle["thresholds"])
    return ClaimCheckModel(bundle["page_model"], bundle["verdict_model"], (low, high), dict(bundle.get("info", {})))
