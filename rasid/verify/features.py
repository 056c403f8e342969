"""Feature extraction shared by the verification classifiers.

The models pickle these transformers, so the normalisation here is frozen: a model
trained with one normaliser must be applied with the same one. Its character folding is
`rasid.text.fold.STANCE_FEATURES`, a named option set of the shared folding that reproduces
exactly what the shipped stance and claim models were trained on (tests/text/test_fold.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import scipy.sparse as sp
import yaml
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from rasid.text.fold import STANCE_FEATURES, fold_text

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_NON_WORD = re.compile(r"[^\w%]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_PROCLITICS = ("وال", "فال", "بال", "كال", "لل", "ال")
_SUFFIXES = ("هما", "كما", "ات", "ون", "ين", "ان", "ها", "هم", "ه", "ي")


def normalize(text: str) -> str:
    """Fold spelling variants so that surface differences do not split features."""
    text = unicodedata.normalize("NFKC", text)
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = text.replace("#", " ").replace("_", " ")
    # Diacritics out, every non-ASCII digit to ASCII (NFKC leaves Arabic-Indic digits), letters folded.
    text = fold_text(text, STANCE_FEATURES)
    text = _NON_WORD.sub(" ", text)
    # Split digits glued to letters ("٩٠عرضا" -> "90 عرضا").
    text = re.sub(r"(?<=\d)(?=[^\d\s.,%])|(?<=[^\d\s.,])(?=\d)", " ", text)
    return " ".join(text.lower().split())


def tokenize(text: str) -> list[str]:
    return normalize(text).split()


@lru_cache(maxsize=200_000)  # pure, and called for every word of every pair: a check repeats many
def stem(word: str) -> str:
    """A light stem (strip article/conjunction prefixes and common suffixes) for overlap tests."""
    if word.isdigit():
        return word
    for prefix in _PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    else:
        if word[:1] in {"و", "ف", "ب", "ل"} and len(word) >= 4:
            word = word[1:]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> list[str]:
    return [stem(w) for w in tokenize(text)]


def numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(normalize(text)))


@lru_cache(maxsize=1)
def lexicon() -> dict[str, frozenset[str]]:
    """Cue-word lists (negation, attribution, ...) from `verify/data/cues.yaml`, normalised."""
    raw = yaml.safe_load(resources.files("rasid.verify").joinpath("data/cues.yaml").read_text("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("rasid/verify/data/cues.yaml: expected a mapping of list name -> words")
    out: dict[str, frozenset[str]] = {}
    for name, words in raw.items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise ValueError(f"rasid/verify/data/cues.yaml: '{name}' must be a list of strings")
        out[str(name)] = frozenset(normalize(w) for w in words if normalize(w))
    return out


def _count(words: Iterable[str], cues: frozenset[str]) -> int:
    n = 0
    for w in words:
        if w in cues or stem(w) in cues:
            n += 1
    return n


def _char_ngrams(text: str, n: int = 3) -> set[str]:
    padded = f" {text} "
    return {padded[i : i + n] for i in range(max(len(padded) - n + 1, 0))}


@lru_cache(maxsize=200_000)
def _same_word(a: str, b: str) -> bool:
    """Loose match for alignment: same light stem or mostly shared letters (انسحبت ~ انسحاب)."""
    if a == b:
        return True
    sa, sb = stem(a), stem(b)
    if sa == sb:
        return True
    if len(sa) < 3 or len(sb) < 3 or sa.isdigit() or sb.isdigit():
        return False
    if sa in sb or sb in sa:
        return True
    # Verb and verbal-noun forms of one root differ mostly in long vowels (يرتفع ~ ارتفاع).
    ka, kb = _skeleton(sa), _skeleton(sb)
    if len(ka) >= 3 and ka == kb:
        return True
    prefix = next((i for i, (x, y) in enumerate(zip(sa, sb, strict=False)) if x != y), min(len(sa), len(sb)))
    if prefix >= 4 and prefix >= 0.6 * min(len(sa), len(sb)):
        return True
    return _jaccard(_char_ngrams(sa, 2), _char_ngrams(sb, 2)) >= 0.5


def _skeleton(word: str) -> str:
    """The word without alif, waw and ya: a rough root for matching across derived forms."""
    return word.translate(_LONG_VOWELS)


_LONG_VOWELS = str.maketrans("", "", "اوي")


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def lexical_overlap(claim: str, passage: str) -> float:
    """Share of the claim's content stems that appear in the passage (0..1).

    Used by the checker to call a passage "unrelated" before asking the stance model.
    """
    stop = lexicon()["stopwords"]
    a = {s for s in stems(claim) if s not in stop and len(s) > 1}
    if not a:
        return 0.0
    b = set(stems(passage))
    return len(a & b) / len(a)


@lru_cache(maxsize=1)
def antonym_index() -> dict[str, frozenset[tuple[str, int]]]:
    """Normalised word (and its light stem) -> {(entry, pole)} from `verify/data/antonyms.yaml`."""
    raw = yaml.safe_load(resources.files("rasid.verify").joinpath("data/antonyms.yaml").read_text("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("rasid/verify/data/antonyms.yaml: expected a mapping of entry -> [pole, pole]")
    index: dict[str, set[tuple[str, int]]] = {}
    for name, poles in raw.items():
        if (
            not isinstance(poles, list)
            or len(poles) != 2
            or not all(isinstance(p, list) and p and all(isinstance(w, str) for w in p) for p in poles)
        ):
            raise ValueError(f"rasid/verify/data/antonyms.yaml: '{name}' must be two non-empty lists of words")
        for pole, words in enumerate(poles):
            for word in words:
                norm = normalize(word)
                for key in {norm, stem(norm)}:
                    if len(key) >= 2:
                        index.setdefault(key, set()).add((str(name), pole))
    for key, found in index.items():  # a form on both poles of one entry says nothing about that entry
        ambiguous = {n for n, p in found if (n, 1 - p) in found}
        index[key] = {(n, p) for n, p in found if n not in ambiguous}
    return {k: frozenset(v) for k, v in index.items() if v}


def poles(words: Iterable[str]) -> set[tuple[str, int]]:
    """(entry, pole) pairs of the antonym lexicon that the words touch (prefix و/ف/ب/ل tolerated)."""
    index = antonym_index()
    out: set[tuple[str, int]] = set()
    for w in words:
        forms = {w, stem(w)}
        if w[:1] in {"و", "ف", "ب", "ل"} and len(w) > 3:
            forms |= {w[1:], stem(w[1:])}
        for form in forms:
            out |= index.get(form, frozenset())
    return out


def antonym_flips(s1: str, s2: str) -> tuple[list[str], list[str]]:
    """Entries where one text uses one pole and the other text only the opposite pole; and entries
    where both texts sit on the same pole (agreement on the predicate)."""
    p1, p2 = poles(tokenize(s1)), poles(tokenize(s2))
    flips, same = [], []
    for name in sorted({n for n, _ in p1 | p2}):
        a1, b1 = (name, 0) in p1, (name, 1) in p1
        a2, b2 = (name, 0) in p2, (name, 1) in p2
        if (a1 and not b1 and b2 and not a2) or (b1 and not a1 and a2 and not b2):
            flips.append(name)
        elif (a1 and a2 and not (b1 or b2)) or (b1 and b2 and not (a1 or a2)):
            same.append(name)
    return flips, same


def _aligned_order(t1: Sequence[str], t2: Sequence[str]) -> list[int]:
    """Position in t2 of each content word of t1 that has a match there (t1 order)."""
    stop = lexicon()["stopwords"]
    out = []
    for w in t1:
        if w in stop or len(w) < 3 or w.isdigit():
            continue
        j = next((j for j, v in enumerate(t2) if _same_word(w, v)), None)
        if j is not None:
            out.append(j)
    return out


CONTRAST_NAMES = (
    "antonym_flip",
    "antonym_flips",
    "same_pole",
    "same_pole_no_flip",
    "negation_only_passage",
    "negation_only_claim",
    "numbers_only_claim",
    "numbers_only_passage",
    "numbers_shared",
    "order_discordance",
    "short_order_swap",
    "negated_shared_passage",
    "negated_shared_claim",
    "flip_next_to_shared",
    "attribute_swap",
)


def _negated_shared(t: Sequence[str], other: Sequence[str], cues: frozenset[str]) -> bool:
    """A negation cue in `t` directly before (within two words) a content word the other text
    also has: "لم تعلن موعد" negates the shared predicate, unlike a negation elsewhere."""
    stop = lexicon()["stopwords"]
    for i, w in enumerate(t):
        if w not in cues and stem(w) not in cues:
            continue
        for v in t[i + 1 : i + 3]:
            if v not in stop and len(v) >= 3 and any(_same_word(v, u) for u in other):
                return True
    return False


def _flip_next_to_shared(t1: Sequence[str], t2: Sequence[str], flips: Sequence[str]) -> bool:
    """A flipped antonym in the passage whose neighbours (two words each side) are shared with the
    claim: the flip sits inside the clause both texts talk about, not in an added side remark."""
    if not flips:
        return False
    names = set(flips)
    stop = lexicon()["stopwords"]
    for j, w in enumerate(t2):
        if not any(n in names for n, _ in poles([w])):
            continue
        near = [v for v in [*t2[max(j - 2, 0) : j], *t2[j + 1 : j + 3]] if v not in stop and len(v) >= 3]
        if any(_same_word(v, u) for v in near for u in t1):
            return True
    return False


def _nisba(word: str) -> bool:
    """Relational adjective shape (العراقية, السوري, المصريين): nationalities and affiliations."""
    core = word[2:] if word.startswith("ال") else word
    return len(core) >= 4 and re.search(r"(?:ي|يه|يون|يين)$", core) is not None


def contrast_features(s1: str, s2: str) -> list[float]:
    """What changed between two texts: antonym flips, one-sided negation, number and order changes."""
    t1, t2 = tokenize(s1), tokenize(s2)
    flips, same = antonym_flips(s1, s2)
    particles = lexicon()["negation_particles"]
    denials = lexicon()["negation"]  # particles plus denial/failure verbs (نفى، فشل)
    neg1, neg2 = _count(t1, particles) > 0, _count(t2, particles) > 0
    n1, n2 = numbers(s1), numbers(s2)
    order = _aligned_order(t1, t2)
    added = [w for w in t2 if not any(_same_word(w, v) for v in t1)]
    dropped = [w for w in t1 if not any(_same_word(w, v) for v in t2)]
    pairs = len(order) * (len(order) - 1) / 2
    discordant = sum(1 for i in range(len(order)) for k in range(i + 1, len(order)) if order[i] > order[k])
    return [
        float(bool(flips)),
        min(len(flips), 3) / 3,
        float(bool(same)),
        float(bool(same) and not flips),
        float(neg2 and not neg1),
        float(neg1 and not neg2),
        float(bool(n1 - n2)),
        float(bool(n2 - n1)),
        float(bool(n1 & n2)),
        discordant / pairs if pairs else 0.0,
        float(discordant > 0 and len(order) <= 4),
        float(_negated_shared(t2, t1, denials) and not _negated_shared(t1, t2, denials)),
        float(_negated_shared(t1, t2, denials) and not _negated_shared(t2, t1, denials)),
        float(_flip_next_to_shared(t1, t2, flips)),
        float(any(_nisba(w) for w in dropped) and any(_nisba(w) for w in added)),
    ]


class PairFeatures(BaseEstimator, TransformerMixin):
    """Sparse features of a (claim, passage) pair.

    Blocks: TF-IDF of the passage; TF-IDF of words the passage adds and of words it
    drops relative to the claim (that is where a contradiction lives: a swapped
    place, an antonym, a negation); crossed dropped×added word pairs (learned
    antonym/substitution pairs); and a dense block (last `n_dense_` columns): overlap,
    negation and number-mismatch cues, `contrast_features`, TF-IDF similarities and the
    rarity of words found on one side only.
    """

    def __init__(
        self, min_df: int = 1, cross: bool = True, dense_weight: float = 1.0, contrast: bool = True
    ) -> None:
        self.min_df = min_df
        self.cross = cross
        self.dense_weight = dense_weight
        self.contrast = contrast

    # -- helpers -------------------------------------------------------------
    @staticmethod
    def _diff(s1: str, s2: str) -> tuple[list[str], list[str]]:
        w1, w2 = tokenize(s1), tokenize(s2)
        added = [w for w in w2 if not any(_same_word(w, v) for v in w1)]
        dropped = [w for w in w1 if not any(_same_word(w, v) for v in w2)]
        return added, dropped

    def _docs(self, pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
        docs: dict[str, list[str]] = {"s2": [], "added": [], "dropped": [], "cross": []}
        for s1, s2 in pairs:
            added, dropped = self._diff(s1, s2)
            docs["s2"].append(normalize(s2))
            docs["added"].append(" ".join(added))
            docs["dropped"].append(" ".join(dropped))
            crossed = [f"{stem(d)}__{stem(a)}" for d in dropped for a in added]
            docs["cross"].append(" ".join(crossed))
        return docs

    def _dense(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        cues = lexicon()
        neg, contra = cues["negation"], cues["contrast"]
        rows = []
        for s1, s2 in pairs:
            t1, t2 = tokenize(s1), tokenize(s2)
            st1, st2 = set(map(stem, t1)), set(map(stem, t2))
            added, dropped = self._diff(s1, s2)
            n1, n2 = numbers(s1), numbers(s2)
            neg1, neg2 = _count(t1, neg), _count(t2, neg)
            rows.append(
                [
                    _jaccard(st1, st2),
                    len(st1 & st2) / max(len(st1), 1),
                    len(st1 & st2) / max(len(st2), 1),
                    _jaccard(_char_ngrams(normalize(s1)), _char_ngrams(normalize(s2))),
                    min(len(t1), len(t2)) / max(len(t1), len(t2), 1),
                    len(added) / max(len(t2), 1),
                    len(dropped) / max(len(t1), 1),
                    float(neg1 > 0),
                    float(neg2 > 0),
                    float(neg1 != neg2),
                    float(_count(added, neg) > 0),
                    float(_count(t2, contra) > 0),
                    float(bool(n1) and bool(n2) and n1 != n2),
                    float(bool(n1) != bool(n2)),
                    float(not (st1 & st2)),
                    # Models pickled before the contrast block lack the attribute.
                    *(contrast_features(s1, s2) if getattr(self, "contrast", False) else []),
                ]
            )
        return np.asarray(rows, dtype=float)

    def _similarity(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """TF-IDF cosines and IDF-weighted overlap: how much of the claim the passage talks about."""
        left = [normalize(a) for a, _ in pairs]
        right = [normalize(b) for _, b in pairs]
        cols = []
        for vec in (self.vec_sim_char_, self.vec_sim_word_):
            a, b = vec.transform(left), vec.transform(right)
            cols.append(np.asarray(a.multiply(b).sum(axis=1)).ravel())
        vocab, idf = self.vec_sim_word_.vocabulary_, self.vec_sim_word_.idf_
        default = float(idf.max())
        rows = []
        for a, b in zip(left, right, strict=True):
            wa, wb = a.split(), b.split()
            ia = [float(idf[vocab[w]]) if w in vocab else default for w in wa]
            ib = [float(idf[vocab[w]]) if w in vocab else default for w in wb]
            ma = [any(_same_word(w, v) for v in wb) for w in wa]
            mb = [any(_same_word(w, v) for v in wa) for w in wb]
            # Rare words present on one side only: a swapped name, place or figure.
            dropped = max((wt for wt, m in zip(ia, ma, strict=True) if not m), default=0.0) / default
            added = max((wt for wt, m in zip(ib, mb, strict=True) if not m), default=0.0) / default
            rows.append(
                [
                    sum(wt for wt, m in zip(ia, ma, strict=True) if m) / max(sum(ia), 1e-9),
                    sum(wt for wt, m in zip(ib, mb, strict=True) if m) / max(sum(ib), 1e-9),
                    dropped,
                    added,
                    float(dropped > 0.7 and added > 0.7),
                ]
            )
        cols.extend(np.asarray(rows).T)
        return np.column_stack(cols)

    # -- sklearn API ---------------------------------------------------------
    def fit(self, pairs: Sequence[tuple[str, str]], y: Any = None) -> PairFeatures:
        docs = self._docs(pairs)
        both = [normalize(a) for a, _ in pairs] + [normalize(b) for _, b in pairs]
        self.vec_sim_char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit(
            both
        )
        self.vec_sim_word_ = TfidfVectorizer(sublinear_tf=True).fit(both)
        self.vec_s2_char_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=self.min_df, sublinear_tf=True, max_features=60000
        ).fit(docs["s2"])
        self.vec_s2_word_ = TfidfVectorizer(ngram_range=(1, 2), min_df=self.min_df, sublinear_tf=True).fit(
            docs["s2"]
        )
        self.vec_added_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=self.min_df, sublinear_tf=True
        ).fit(docs["added"])
        self.vec_dropped_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=self.min_df, sublinear_tf=True
        ).fit(docs["dropped"])
        self.vec_added_word_ = TfidfVectorizer(min_df=self.min_df, sublinear_tf=True).fit(docs["added"])
        self.vec_dropped_word_ = TfidfVectorizer(min_df=self.min_df, sublinear_tf=True).fit(docs["dropped"])
        if self.cross:
            self.vec_cross_ = TfidfVectorizer(
                token_pattern=r"\S+", min_df=max(self.min_df, 2), sublinear_tf=True
            ).fit(docs["cross"])
        # Width of the trailing dense block, so trainers can re-weight it without refitting.
        self.n_dense_ = self._dense(pairs[:1]).shape[1] + self._similarity(pairs[:1]).shape[1]
        return self

    def transform(self, pairs: Sequence[tuple[str, str]]) -> sp.csr_matrix:
        docs = self._docs(pairs)
        blocks = [
            self.vec_s2_char_.transform(docs["s2"]),
            self.vec_s2_word_.transform(docs["s2"]),
            self.vec_added_.transform(docs["added"]),
            self.vec_dropped_.transform(docs["dropped"]),
            self.vec_added_word_.transform(docs["added"]),
            self.vec_dropped_word_.transform(docs["dropped"]),
        ]
        if self.cross:
            blocks.append(self.vec_cross_.transform(docs["cross"]))
        dense = np.hstack([self._dense(pairs), self._similarity(pairs)]) * self.dense_weight
        blocks.append(sp.csr_matrix(dense))
        return sp.hstack(blocks, format="csr")


class TextFeatures(BaseEstimator, TransformerMixin):
    """TF-IDF (char + word) of one text plus cue counts (numbers, attribution, negation...)."""

    def __init__(
        self, min_df: int = 2, char_range: tuple[int, int] = (2, 5), max_features: int = 80000
    ) -> None:
        self.min_df = min_df
        self.char_range = char_range
        self.max_features = max_features

    def _dense(self, texts: Sequence[str]) -> np.ndarray:
        cues = lexicon()
        rows = []
        for raw in texts:
            words = tokenize(raw)
            nums = _NUMBER.findall(" ".join(words))
            rows.append(
                [
                    min(len(nums), 5) / 5,
                    float(bool(nums)),
                    min(_count(words, cues["attribution"]), 3) / 3,
                    min(_count(words, cues["control"]), 3) / 3,
                    min(_count(words, cues["casualty"]), 3) / 3,
                    min(_count(words, cues["opinion"]), 3) / 3,
                    float(_count(words, cues["negation"]) > 0),
                    min(len(words), 60) / 60,
                    float("?" in raw or "؟" in raw),
                    float("http" in raw),
                    min(raw.count("#"), 5) / 5,
                ]
            )
        return np.asarray(rows, dtype=float)

    def fit(self, texts: Sequence[str], y: Any = None) -> TextFeatures:
        norm = [normalize(t) for t in texts]
        self.vec_char_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.char_range,
            min_df=self.min_df,
            sublinear_tf=True,
            max_features=self.max_features,
        ).fit(norm)
        self.vec_word_ = TfidfVectorizer(
            ngram_range=(1, 2), min_df=self.min_df, sublinear_tf=True, max_features=self.max_features
        ).fit(norm)
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        norm = [normalize(t) for t in texts]
        return sp.hstack(
            [
                self.vec_char_.transform(norm),
                self.vec_word_.transform(norm),
                sp.csr_matrix(self._dense(texts)),
            ],
            format="csr",
        )
