"""Signals of one passage about one claim: is it about the claim's own event, and how does it lean?

A claim is profiled once (`profile_claim`): its content words with their rarity (rare words such
as a name or a place say more than "قال" or "سوريا"), its numbers, whether it is negated. Each
passage is then described by a short vector (`pair_vector`, names in `PAIR_FEATURES`): how much
of the claim it covers (plain, rarity-weighted, as adjacent word pairs, as one run), whether the
claim's rarest word and its numbers are there or other numbers stand in their place, negation on
either side, denial, correction and rumour words, attribution, its length and place in the page.
The stance models (`rasid.verify.page_stance`) learn from these vectors; they are cheap (a few
microseconds a passage), so a check can read every sentence of its candidate pages.

Word rarity comes from the corpus word counts that ship with the NER model
(`rasid/models/ner_word_counts.tsv`, read by `rasid.extract.ner_spans.load_word_counts`), cue words from `data/cues.yaml` and `data/check_cues.yaml`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rasid.extract.ner_spans import load_word_counts
from rasid.text.stem import stem
from rasid.text.tokens import search_terms
from rasid.verify.retrieve import claim_groups

NEGATION = frozenset({"لم", "لن", "لا", "ليس", "ليست", "غير", "عدم", "ما", "بالا", "الا", "دون"})
# Words that deny, correct or debunk a report, and words that carry a rumour; normalised on load.
DENIAL_WORDS = (
    "نفى", "نفت", "ينفي", "تنفي", "نفي", "نافيا", "نافية", "كذب", "كذبت", "تكذيب", "شائعة", "شائعات",
    "اشاعة", "اشاعات", "مزاعم", "مزاعمه", "مفبرك", "مفبركة", "فبركة", "زائف", "زائفة", "مضلل", "مضللة",
    "كاذب", "كاذبة", "عار", "صحة", "تصحيح", "خاطئ", "خاطئة", "ادعاء", "ادعاءات", "حقيقة", "مغلوط",
)
RUMOUR_WORDS = (
    "تداول", "تداولت", "يتداول", "متداول", "تناقلت", "تناقل", "ناشطون", "ناشطين", "صفحات", "مواقع",
    "منسوب", "منسوبة", "يزعم", "زعم", "زعمت", "صورة", "صور", "فيديو", "مقطع", "فيسبوك", "تويتر",
)
ATTRIBUTION_WORDS = (
    "قال", "قالت", "اكد", "اكدت", "اعلن", "اعلنت", "ذكر", "ذكرت", "صرح", "افاد", "افادت", "اوضح",
    "بيان", "وكالة", "المتحدث", "الناطق", "رويترز", "مصادر", "مصدر", "مسؤول",
)

PAIR_FEATURES = (
    "coverage",  # share of the claim's content words found
    "weighted_coverage",  # the same, each word weighted by its rarity
    "pair_coverage",  # share of the claim's adjacent word pairs found adjacent
    "longest_run",  # longest run of claim words in claim order, over the claim's length
    "rarest_found",  # the claim's rarest word is in the passage
    "rare_found",  # share of the claim's three rarest words found
    "numbers_found",  # share of the claim's numbers found (1 when the claim has none)
    "other_numbers",  # the claim has numbers, the passage has numbers, none of them the claim's
    "passage_negated",  # negation words in the passage
    "claim_negated",
    "negation_mismatch",  # one side negated, not the other
    "denial",  # denial / correction / debunk words
    "rumour",
    "attribution",
    "length",  # log of the passage's word count
    "position",  # sentence index over the page's sentence count (0 = first)
    "first",  # the page's first sentence (often the headline)
    "claim_length",  # log of the claim's content-word count
)


@lru_cache(maxsize=1)
def word_counts() -> tuple[dict[str, int], int]:
    """Normalised word -> corpus count, and the corpus total; empty when the file is missing."""
    counts: dict[str, int] = {}
    for word, n in load_word_counts().items():
        for term in search_terms(word):
            counts[term] = counts.get(term, 0) + n
    return counts, max(1, sum(counts.values()))


def rarity(term: str) -> float:
    """Inverse corpus frequency, log-scaled: unseen words are the rarest."""
    counts, total = word_counts()
    return math.log(total / (1 + counts.get(term, 0)))


@lru_cache(maxsize=1)
def _cue_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    def fold(words: Sequence[str]) -> frozenset[str]:
        return frozenset(t for w in words for t in search_terms(w)) | frozenset(
            stem(t) for w in words for t in search_terms(w)
        )

    return fold(DENIAL_WORDS), fold(RUMOUR_WORDS), fold(ATTRIBUTION_WORDS)


@dataclass(frozen=True)
class ClaimProfile:
    text: str
    keys: tuple[frozenset[str], ...]  # per content word: its spellings and stems
    weights: tuple[float, ...]  # per content word: rarity
    rarest: tuple[int, ...]  # indices of the (up to) three rarest content words, rarest first
    numbers: frozenset[str]
    negated: bool


def profile_claim(claim: str) -> ClaimProfile:
    groups = claim_groups(claim)
    keys = tuple(frozenset(g) | frozenset(stem(t) for t in g) for g in groups)
    weights = tuple(max(rarity(t) for t in g) for g in groups)
    order = sorted(range(len(groups)), key=lambda i: -weights[i])
    numbers = frozenset(g[0] for g in groups if g[0].isdigit())
    negated = any(t in NEGATION for t in search_terms(claim))
    return ClaimProfile(claim, keys, weights, tuple(order[:3]), numbers, negated)


def _found(keys: frozenset[str], terms: set[str], stems: set[str]) -> bool:
    return bool(keys & terms) or bool(keys & stems)


def pair_vector(profile: ClaimProfile, terms: Sequence[str], position: float = 0.0) -> list[float]:
    """The `PAIR_FEATURES` of one passage, given as its `search_terms`."""
    term_set = set(terms)
    stems = {stem(t) for t in terms}
    found = [_found(k, term_set, stems) for k in profile.keys]
    n = len(found) or 1
    total_weight = sum(profile.weights) or 1.0
    pairs = [(profile.keys[i], profile.keys[i + 1]) for i in range(len(profile.keys) - 1)]
    adjacent = {(terms[i], terms[i + 1]) for i in range(len(terms) - 1)}
    adjacent |= {(stem(a), stem(b)) for a, b in list(adjacent)}
    pair_hits = sum(1 for a, b in pairs if any(x in a and y in b for x, y in adjacent))
    run = best = 0
    for hit in found:
        run = run + 1 if hit else 0
        best = max(best, run)
    digits = {t for t in terms if t.isdigit()}
    numbers_found = len(profile.numbers & digits) / len(profile.numbers) if profile.numbers else 1.0
    negated = sum(1 for t in terms if t in NEGATION)
    denial, rumour, attribution = _cue_sets()
    return [
        sum(found) / n,
        sum(w for w, f in zip(profile.weights, found, strict=True) if f) / total_weight,
        pair_hits / len(pairs) if pairs else float(all(found)),
        best / n,
        float(bool(profile.rarest) and found[profile.rarest[0]]),
        sum(found[i] for i in profile.rarest) / len(profile.rarest) if profile.rarest else 0.0,
        numbers_found,
        float(bool(profile.numbers) and bool(digits) and not profile.numbers & digits),
        float(min(negated, 3)),
        float(profile.negated),
        float(profile.negated != (negated > 0)),
        float(min(3, sum(1 for t in terms if t in denial or stem(t) in denial))),
        float(min(3, sum(1 for t in terms if t in rumour or stem(t) in rumour))),
        float(min(3, sum(1 for t in terms if t in attribution))),
        math.log1p(len(terms)),
        position,
        float(position == 0.0),
        math.log1p(len(profile.keys)),
    ]
