"""Statistical named-entity tagger (linear-chain CRF) for Arabic news.

The model is trained by `rasid.eval.ner_train` on ANERcorp (IOB labels PERS, LOC,
ORG, MISC) and ships in the package as `rasid/models/ner.crfsuite` (plus its first-pass
model `ner_pass1.crfsuite` and word clusters `ner_clusters.tsv`), with the word lists its
gazetteer features read in `rasid/extract/data/ner_lexicon/`. Features are defined
here only (`FeatureExtractor`), so training and tagging cannot drift apart.

Training hands CRFsuite the feature strings. Tagging does not build them per token:
`CrfTagger` sums the model's weights once per word form (own features and the features
it gives each neighbour), adds the few features that span several words (bigrams, list
marks, document hints) and decodes in numpy (`rasid.extract.ner_infer`). The labels and
marginals are those CRFsuite computes from the strings (tests check this).

Normalisation is private to this module on purpose: the shipped model's weights are
tied to these exact feature strings, so a change in a shared normaliser must not
silently change what the model sees.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rasid.document import Document, Token, report_progress
from rasid.extract import ner_infer as infer
from rasid.extract.ner_hints import hints_from_bases as _hints_from_bases
from rasid.extract.ner_infer import DOC_WINDOW, CrfWeights, marginals, viterbi
from rasid.extract.ner_infer import iob_spans as iob_spans  # re-exported: callers import it from here
from rasid.extract.ner_names import DEFAULT_MODEL, PACKAGE_DIR
from rasid.extract.ner_rows import FormNumbering, FormRows, sum_segments
from rasid.text.fold import NER_FEATURES, fold_word

DEFAULT_LEXICON_DIR = Path(__file__).resolve().parent / "data" / "ner_lexicon"
DEFAULT_CLUSTERS = PACKAGE_DIR / "models" / "ner_clusters.tsv"
CLUSTER_FILE = "clusters.tsv"  # beside the word lists of a model trained elsewhere than the package

# Gazetteer lists the features consult; each is a file `<name>.txt` of phrases.
LEXICON_NAMES = (
    "pers",
    "loc",
    "org",
    "misc",
    "geo",
    "actor_first",
    "actor_head",
    "world",
    "org_head",
    "pers_cue",
    "loc_cue",
    "kb_place",
    "kb_actor",
    "given",
    "org_name",
    "pers_first",
)
CLITIC_FILE = "proclitics.txt"

_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")
_LATIN = re.compile("[A-Za-z]")
_DIGIT = re.compile(r"\d")
_MIN_BASE = 3  # a stripped base shorter than this is more likely a word than clitic+stem


def normalize(word: str) -> str:
    """Matching form of a word: no diacritics/tatweel, alef/hamza folded, ة→ه, ى→ي, digits ASCII."""
    # The model's features were computed with exactly this fold: a named, tested option set.
    return fold_word(unicodedata.normalize("NFC", word), NER_FEATURES)


@functools.lru_cache(maxsize=4)
def _proclitics(lexicon_dir: Path) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Conjunctions, prepositions and articles from `proclitics.txt` (`kind form` per line)."""
    path = lexicon_dir / CLITIC_FILE
    if not path.is_file():
        path = DEFAULT_LEXICON_DIR / CLITIC_FILE
    groups: dict[str, list[str]] = {"conj": [], "prep": [], "art": []}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2 or parts[0] not in groups:
            raise ValueError(f"{path}:{lineno}: expected '<conj|prep|art> <form>', got {line!r}")
        groups[parts[0]].append(normalize(parts[1]))
    # Longest forms first so that e.g. the fused preposition+article wins over the bare preposition.
    return tuple(tuple(sorted(set(v), key=lambda s: (-len(s), s))) for v in groups.values())  # type: ignore[return-value]


def split_clitics(norm: str, lexicon_dir: Path = DEFAULT_LEXICON_DIR) -> tuple[str, str]:
    """Split a normalised word into (proclitic string, base): conj? prep? article?."""
    conj, prep, art = _proclitics(lexicon_dir)
    rest, taken = norm, ""
    for forms in (conj, prep, art):
        for form in forms:
            if rest.startswith(form) and len(rest) - len(form) >= _MIN_BASE:
                taken += form
                rest = rest[len(form) :]
                break
    return taken, rest


@dataclass(frozen=True, slots=True)
class PhraseLexicon:
    """A set of phrases (tuples of clitic-stripped normalised bases), matched longest first."""

    phrases: frozenset[tuple[str, ...]]
    max_len: int
    heads: Mapping[str, int] = field(default_factory=dict)  # first word -> longest phrase length
    # first word -> lengths of the phrases it starts, longest first
    lengths: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def from_phrases(cls, phrases: Iterable[tuple[str, ...]]) -> PhraseLexicon:
        items = frozenset(p for p in phrases if p)
        sizes: dict[str, set[int]] = {}
        for p in items:
            sizes.setdefault(p[0], set()).add(len(p))
        heads = {w: max(n) for w, n in sizes.items()}
        lengths = {w: tuple(sorted(n, reverse=True)) for w, n in sizes.items()}
        return cls(items, max((len(p) for p in items), default=0), heads, lengths)

    def mark(self, bases: Sequence[str]) -> list[str]:
        """Per position 'B', 'I' or '' for the greedy longest matches in `bases`."""
        out = [""] * len(bases)
        i = 0
        heads = self.heads
        while i < len(bases):
            longest = heads.get(bases[i], 0)
            if not longest:
                i += 1
                continue
            for n in range(min(longest, len(bases) - i), 0, -1):
                if tuple(bases[i : i + n]) in self.phrases:
                    out[i] = "B"
                    for j in range(i + 1, i + n):
                        out[j] = "I"
                    i += n
                    break
            else:
                i += 1
        return out


def phrase_key(words: Sequence[str], lexicon_dir: Path = DEFAULT_LEXICON_DIR) -> tuple[str, ...]:
    """The lexicon key of a phrase: each word normalised and clitic-stripped."""
    return tuple(split_clitics(normalize(w), lexicon_dir)[1] for w in words if w.strip())


def read_lexicon(path: Path) -> PhraseLexicon:
    """Read one `<name>.txt` list: one phrase per line, words separated by spaces; '#' comments."""
    phrases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            phrases.append(tuple(line.split()))
    return PhraseLexicon.from_phrases(phrases)


def write_lexicon(path: Path, phrases: Iterable[tuple[str, ...]], header: str) -> None:
    lines = sorted({" ".join(p) for p in phrases if p})
    path.write_text(f"# {header}\n" + "".join(f"{line}\n" for line in lines), encoding="utf-8")


@functools.lru_cache(maxsize=4)
def load_lexicons(lexicon_dir: Path = DEFAULT_LEXICON_DIR) -> dict[str, PhraseLexicon]:
    """All gazetteer lists in a directory; a missing list is empty (features then never fire)."""
    out = {}
    for name in LEXICON_NAMES:
        path = lexicon_dir / f"{name}.txt"
        out[name] = read_lexicon(path) if path.is_file() else PhraseLexicon.from_phrases(())
    return out


@functools.lru_cache(maxsize=4)
def load_clusters(path: Path = DEFAULT_CLUSTERS) -> dict[str, tuple[str, ...]]:
    """Word -> cluster ids (coarse to fine) from `ner_clusters.tsv`; empty if the file is absent."""
    out: dict[str, tuple[str, ...]] = {}
    if not path.is_file():
        return out
    width = 0
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        width = width or len(parts)
        if len(parts) != width or width < 2:
            raise ValueError(f"{path}:{lineno}: expected 'word<TAB>cluster id...' with {width} columns")
        out[parts[0]] = tuple(parts[1:])
    return out


# Clusters to use instead of the shipped file; set only while cross-validation trains and
# scores a fold with clusters built without that fold's text (`clusters_override`).
_CLUSTER_OVERRIDE: list[Mapping[str, tuple[str, ...]]] = []


@contextlib.contextmanager
def clusters_override(clusters: Mapping[str, tuple[str, ...]]) -> Iterator[None]:
    """Within the block, new FeatureExtractors use `clusters` instead of the shipped file."""
    _CLUSTER_OVERRIDE.append(clusters)
    try:
        yield
    finally:
        _CLUSTER_OVERRIDE.pop()


_NUMBER_SHAPE = re.compile(r"[\d.,/:\-]+")


@functools.lru_cache(maxsize=1)
def _char_classes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One character of a Unicode punctuation category (P*); a run of punctuation or symbols (P*, S*)."""
    # Every code point's two-letter category in one string built in C (a Python loop: ~0.3 s a process).
    kinds = "".join(map(unicodedata.category, map(chr, range(sys.maxunicode + 1))))
    marks = "".join(re.escape(chr(m.start() // 2)) for m in re.finditer("P", kinds))
    symbols = "".join(re.escape(chr(m.start() // 2)) for m in re.finditer("S", kinds))
    return re.compile(f"[{marks}]"), re.compile(f"[{marks}{symbols}]+")


# Arabic letters only (the `_ARABIC_LETTER` class holds no digit, punctuation or symbol): "ar".
_ARABIC_WORD = re.compile("[\u0621-\u064a\u0671-\u06d3]+")


def _shape(word: str) -> str:
    if _ARABIC_WORD.fullmatch(word):  # most words: the answer of the checks below, in one match
        return "ar"
    if not word:
        return "empty"
    if _DIGIT.fullmatch(word) or _NUMBER_SHAPE.fullmatch(word):
        return "num"
    punctuation, marks_only = _char_classes()
    if marks_only.fullmatch(word):  # every character punctuation or a symbol
        return "punct"
    has_ar = bool(_ARABIC_LETTER.search(word))
    has_lat = bool(_LATIN.search(word))
    has_dig = bool(_DIGIT.search(word))
    kind = "ar" if has_ar and not has_lat else "lat" if has_lat and not has_ar else "mix"
    if has_dig:
        kind += "+d"
    if punctuation.search(word):
        kind += "+p"
    return kind


@functools.lru_cache(maxsize=100_000)  # bound: hit rate vs size on real text, see docs/RESULTS.md (issue 17)
def _analyse(token: str, lexicon_dir: Path) -> tuple[str, str, str, str]:
    """(normalised form, proclitics, base, shape) of a token; cached because news repeats words."""
    norm = normalize(token)
    clitics, base = split_clitics(norm, lexicon_dir)
    return norm, clitics, base, _shape(token)


# Neighbour offsets whose words are features of a token.
OFFSETS = (-2, -1, 1, 2)
# Lists whose marks a token also sees two words away (cue words: "الرئيس الفرنسي <name>").
WIDE_LISTS = frozenset({"pers_cue", "loc_cue", "org_head"})


def document_hints(
    sentences: Sequence[Sequence[str]],
    first_pass: Sequence[Sequence[str]],
    lexicon_dir: Path = DEFAULT_LEXICON_DIR,
    window: int = DOC_WINDOW,
) -> list[list[list[str]]]:
    """Per token, what a first tagging pass said about the same word elsewhere nearby.

    For each word (clitic-stripped base) the labels the first pass gave its *other*
    occurrences within `window` sentences are summarised as features: the entity types
    seen (and whether as a span's first, inner or last word), or that it was only seen
    outside entities. This lets a bare surname inherit the type of the full name
    mentioned earlier in the article.
    """
    bases = [[_analyse(t, lexicon_dir)[2] for t in tokens] for tokens in sentences]
    return [[list(h) for h in sent] for sent in _hints_from_bases(bases, first_pass, window)]


@dataclass(frozen=True, slots=True)
class WordForm:
    """What a word form contributes to features: its own, and as each neighbour offset."""

    base: str
    own: tuple[str, ...]
    context: tuple[tuple[str, ...], ...]  # one tuple per entry of OFFSETS


class FeatureExtractor:
    """Turns a token sequence into CRFsuite feature strings (one list per token).

    A token's features are its own word features, the features of its neighbours
    (`WordForm.context`), gazetteer marks of itself and its direct neighbours, sentence
    boundaries, base bigrams and, for a second-pass model, document hints. Everything
    that depends on a word form alone is built once per form.
    """

    def __init__(
        self,
        lexicons: Mapping[str, PhraseLexicon],
        lexicon_dir: Path = DEFAULT_LEXICON_DIR,
        clusters: Mapping[str, tuple[str, ...]] | None = None,
    ):
        self.lexicons = {name: lex for name, lex in lexicons.items() if lex.max_len}
        self.lexicon_dir = lexicon_dir
        if clusters is None:
            clusters = _CLUSTER_OVERRIDE[-1] if _CLUSTER_OVERRIDE else load_clusters(DEFAULT_CLUSTERS)
        self.clusters = clusters
        self._forms: dict[str, WordForm] = {}  # feature strings per form, for `token_features`
        self.numbering = FormNumbering(lambda tok: _analyse(tok, lexicon_dir)[2])  # for the score tables
        # First word of any list phrase -> the lists that have a phrase starting with it.
        heads: dict[str, list[tuple[str, PhraseLexicon]]] = {}
        for name, lex in self.lexicons.items():
            for head in lex.heads:
                heads.setdefault(head, []).append((name, lex))
        self._heads = heads
        # The same with each list's phrase lengths for that word and its phrase set at hand.
        self._head_lengths = {
            head: tuple((name, lex.lengths[head], lex.phrases) for name, lex in found) for head, found in heads.items()
        }

    def _cluster(self, norm: str, base: str) -> tuple[str, ...]:
        return self.clusters.get(norm) or self.clusters.get(base) or ()

    _MAX_FORMS = 200_000

    def form(self, tok: str) -> WordForm:
        """The cached per-form features of `tok`."""
        found = self._forms.get(tok)
        if found is None:
            if len(self._forms) >= self._MAX_FORMS:
                self._forms.clear()
            found = self._forms[tok] = self._build_form(tok)
        return found

    def _build_form(self, tok: str) -> WordForm:
        w, cl, b, shape = _analyse(tok, self.lexicon_dir)
        clusters = self._cluster(w, b)
        own = [
            "bias",
            f"w={tok}",
            f"n={w}",
            f"b={b}",
            f"cl={cl}",
            f"sh={shape}",
            f"len={min(len(b), 8)}",
        ]
        for k in range(1, 5):
            if len(w) > k:
                own.append(f"p{k}={w[:k]}")
                own.append(f"s{k}={w[-k:]}")
            if len(b) > k:
                own.append(f"bp{k}={b[:k]}")
                own.append(f"bs{k}={b[-k:]}")
        for level, cid in enumerate(clusters):
            own.append(f"c{level}={cid}")
        context = []
        for d in OFFSETS:
            f = [f"{d}:b={b}", f"{d}:cl={cl}"]
            if clusters:
                f.append(f"{d}:c1={clusters[1 if len(clusters) > 1 else 0]}")
            if abs(d) == 1:
                f.append(f"{d}:n={w}")
                f.append(f"{d}:sh={shape}")
            context.append(tuple(f))
        return WordForm(b, tuple(own), tuple(context))

    def marks(self, bases: Sequence[str]) -> list[tuple[int, str, str]]:
        """(position, list name, 'B' or 'I') for greedy longest list matches, list by list.

        Same result as `PhraseLexicon.mark` on each list, but only positions whose word
        starts some phrase are tried.
        """
        out: list[tuple[int, str, str]] = []
        resume: dict[str, int] = {}
        heads = self._head_lengths
        n = len(bases)
        for i in [i for i, b in enumerate(bases) if b in heads]:
            for name, sizes, phrases in heads[bases[i]]:
                if i < resume.get(name, 0):
                    continue
                for size in sizes:
                    if size <= n - i and (size == 1 or tuple(bases[i : i + size]) in phrases):
                        out.append((i, name, "B"))
                        out.extend((k, name, "I") for k in range(i + 1, i + size))
                        resume[name] = i + size
                        break
        return out

    def token_features(self, tokens: Sequence[str], hints: Sequence[Sequence[str]] | None = None) -> list[list[str]]:
        """Features per token; `hints` adds document-level features (see `document_hints`)."""
        n = len(tokens)
        forms = [self.form(t) for t in tokens]
        bases = [f.base for f in forms]
        marked: list[list[str]] = [[] for _ in range(n)]
        for i, name, m in sorted(self.marks(bases), key=lambda x: (x[0], list(self.lexicons).index(x[1]))):
            marked[i].append(f"g{name}={m}")
        feats: list[list[str]] = []
        for i in range(n):
            f = [*forms[i].own, *marked[i]]
            if i == 0:
                f.append("BOS")
            if i == n - 1:
                f.append("EOS")
            for k, d in enumerate(OFFSETS):
                j = i + d
                if 0 <= j < n:
                    f.extend(forms[j].context[k])
                    if abs(d) == 1:
                        f.extend(f"{d}:{m}" for m in marked[j])
                    else:
                        f.extend(f"{d}:{m}" for m in marked[j] if m.split("=", 1)[0][1:] in WIDE_LISTS)
                else:
                    f.append(f"{d}:pad")
            if i > 0:
                f.append(f"-1|0:b={bases[i - 1]}|{bases[i]}")
            if i < n - 1:
                f.append(f"0|1:b={bases[i]}|{bases[i + 1]}")
            feats.append(f)
        if hints is not None:
            for f, extra in zip(feats, hint_features(hints), strict=True):
                f.extend(extra)
        return feats


def hint_features(hints: Sequence[Sequence[str]]) -> list[list[str]]:
    """Feature strings from document hints: the token's own and its neighbours' (majority excluded)."""
    n = len(hints)
    out = []
    for i in range(n):
        f = list(hints[i])
        for d in (-1, 1):
            if 0 <= i + d < n:
                f.extend(f"{d}:{h}" for h in hints[i + d] if not h.startswith("dmaj"))
        out.append(f)
    return out


@dataclass(frozen=True, slots=True)
class _Layout:
    """One document's non-empty sentences, flattened, with what every model scores alike.

    `sparse` lists (flat position, attribute) pairs for the features that depend on more
    than one word form: base bigrams and gazetteer marks.
    """

    ids: np.ndarray  # form number of each token (`FormNumbering.form_id`)
    starts: np.ndarray  # flat index of each sentence's first token
    pos: np.ndarray  # index of each token within its sentence
    size: np.ndarray  # length of each token's sentence
    bases: list[list[str]]
    sparse_at: np.ndarray
    sparse: np.ndarray  # attribute numbers in the tagger's shared numbering (0: no model has it)
    # Per entry of OFFSETS: (tokens with that neighbour, the neighbour, mask of tokens without one).
    near: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]
    first: np.ndarray  # mask of sentence-initial tokens
    last: np.ndarray  # mask of sentence-final tokens
    # Per entry of OFFSETS: the form number of the token that far away in the flat list (clipped at
    # the ends; where it lies in another sentence, `near`'s mask says so and the padding is used).
    shifted: tuple[np.ndarray, ...]


@dataclass(frozen=True, slots=True)
class _Attributes:
    """One numbering of the attributes any pass of a tagger knows (0: none knows it).

    Bigram attributes are also indexed by their (left, right) bases, so a document's
    bigrams are looked up once per pair without building any attribute string.
    """

    index: dict[str, int]
    # (a, b) -> row of `pair_ids`: the numbers of "0|1:b=a|b" (a feature of the token
    # holding a) and of "-1|0:b=a|b" (of the token holding b); row 0 is (0, 0).
    pairs: dict[tuple[str, str], int]
    pair_ids: np.ndarray
    # (list, mark) -> numbers of the mark's attribute at offsets 0, +1, -1, +2, -2 from it
    marks: dict[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)

    def mark_ids(self, name: str, mark: str) -> tuple[int, ...]:
        found = self.marks.get((name, mark))
        if found is None:
            get = self.index.get
            feat = f"g{name}={mark}"
            # A token d words before the marked one sees it as "d:" + feat (d = -1: the next token).
            found = (get(feat, 0), get(f"-1:{feat}", 0), get(f"1:{feat}", 0), 0, 0)
            if name in WIDE_LISTS:
                found = (*found[:3], get(f"-2:{feat}", 0), get(f"2:{feat}", 0))
            self.marks[(name, mark)] = found
        return found

    @classmethod
    def of(cls, models: Iterable[CrfWeights]) -> _Attributes:
        names = sorted({a for m in models for a in m.index})
        index = {a: k for k, a in enumerate(names, 1)}
        pairs: dict[tuple[str, str], int] = {}
        rows: list[list[int]] = [[0, 0]]
        for prefix, side in (("0|1:b=", 0), ("-1|0:b=", 1)):
            for attr, k in index.items():
                if not attr.startswith(prefix):
                    continue
                key = attr[len(prefix) :]
                # A base may itself hold '|': every split of the key is a pair whose join gives it.
                cut = key.find("|")
                while cut >= 0:
                    pair = (key[:cut], key[cut + 1 :])
                    row = pairs.get(pair)
                    if row is None:
                        row = pairs[pair] = len(rows)
                        rows.append([0, 0])
                    rows[row][side] = k
                    cut = key.find("|", cut + 1)
        return cls(index, pairs, np.array(rows, dtype=np.intp))


def _layout(features: FeatureExtractor, sentences: Sequence[Sequence[str]], attrs: _Attributes) -> _Layout:
    lengths = np.array([len(s) for s in sentences], dtype=np.intp)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.intp)
    total = int(lengths.sum())
    pos = np.arange(total) - np.repeat(starts, lengths)
    size = np.repeat(lengths, lengths)
    numbering = features.numbering
    numbering.make_room(total)
    tokens = [t for s in sentences for t in s]
    known = list(map(numbering.numbered.get, tokens))
    if None in known:  # number the new forms (a form met twice gets its number from the first)
        form_id = numbering.form_id
        known = [form_id(t) if k is None else k for t, k in zip(tokens, known, strict=True)]
    ids: list[int] = known  # type: ignore[assignment]
    flat = list(map(numbering.bases.__getitem__, ids))
    form_ids = np.array(ids, dtype=np.intp)
    numbering.touch(form_ids)
    # Base bigrams over the flat token list; pairs that straddle two sentences are dropped.
    found = np.fromiter(
        map(attrs.pairs.get, itertools.pairwise(flat), itertools.repeat(0)), dtype=np.intp, count=max(total - 1, 0)
    )
    after, before = attrs.pair_ids[found].T
    joined = pos[:-1] + 1 < size[:-1]
    hit_after = np.flatnonzero(joined & (after > 0))
    hit_before = np.flatnonzero(joined & (before > 0))
    all_bases: list[list[str]] = []
    marked: list[int] = []  # flat position of each mark
    mark_rows: list[tuple[int, ...]] = []  # its attribute numbers at `_MARK_STEPS` from it
    mark_ids = attrs.mark_ids
    for a, n in zip(starts.tolist(), lengths.tolist(), strict=True):
        bases = flat[a : a + n]
        all_bases.append(bases)
        for i, name, m in features.marks(bases):
            marked.append(a + i)
            mark_rows.append(mark_ids(name, m))
    at = np.array(marked, dtype=np.intp)
    near = at[:, None] + _MARK_STEPS
    # Row by row, so the sparse weights are summed in the same order as mark by mark.
    inside = (near >= at[:, None] - pos[at, None]) & (near < (at - pos[at] + size[at])[:, None])
    return _Layout(
        form_ids,
        starts,
        pos,
        size,
        all_bases,
        np.concatenate([hit_after, hit_before + 1, near[inside]]),
        np.concatenate(
            [after[hit_after], before[hit_before], np.array(mark_rows, dtype=np.intp).reshape(-1, 5)[inside]]
        ),
        tuple(_neighbours(pos, size, d) for d in OFFSETS),
        pos == 0,
        pos == size - 1,
        tuple(form_ids[np.clip(np.arange(total) + d, 0, total - 1)] for d in OFFSETS),
    )


def _neighbours(pos: np.ndarray, size: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    inside = (pos + d >= 0) & (pos + d < size)
    where = np.flatnonzero(inside)
    return where, where + d, ~inside


# Offsets from a marked token of the tokens that see its mark (the order of `_Attributes.mark_ids`).
_MARK_STEPS = np.array([0, 1, -1, 2, -2], dtype=np.intp)


class _Scorer:
    """State scores of one model for whole documents, summed from cached per-form weights.

    Mirrors `FeatureExtractor.token_features` (+ `hint_features`) term by term: the
    weights of a form's own and neighbour features are summed once per form and kept
    in a table, so a document costs a few array operations plus the sparse features
    of its `_Layout` and its document hints.
    """

    def __init__(self, weights: CrfWeights, features: FeatureExtractor, attrs: _Attributes):
        self.weights = weights
        self.features = features
        width = len(weights.labels)
        self._sparse = weights.aligned(attrs.index)  # weights of the layout's sparse attributes
        self._generation = features.numbering.generation
        self._filled = 0  # forms 0.._filled-1 have their rows in `_table`
        self._table = np.zeros((4096, 1 + len(OFFSETS), width))
        self._bos = weights.vector("BOS")
        self._eos = weights.vector("EOS")
        self._pad = [weights.vector(f"{d}:pad") for d in OFFSETS]
        # Hint tuple -> row of `_hint_table` [own, as left neighbour, as right neighbour]; row 0: none.
        self._hint_rows: dict[tuple[str, ...], int] = {(): 0}
        self._hint_table = np.zeros((256, 3, width))

    def add_forms(
        self, generation: int, first: int, rows: tuple[np.ndarray, np.ndarray], carry: tuple[int, np.ndarray] | None = None
    ) -> None:
        """Weight sums for newly numbered forms (`FormNumbering.take_fresh`, `FormRows.padded`)."""
        if generation != self._generation:
            kept = carry[1] if carry is not None and carry[0] == self._generation else None
            if kept is not None and len(kept) and kept.max() >= self._filled:
                kept = None  # rows this table never had: out of step (raised below)
            if kept is not None:
                self._table[: len(kept)] = self._table[kept]  # the forms a restart kept, renumbered
            self._generation, self._filled = generation, 0 if kept is None else len(kept)
        if first != self._filled:
            raise RuntimeError("form numbers out of step with the score table")
        own, near = rows
        count = len(own)
        end = first + count
        if end > len(self._table):
            grown = np.zeros((max(end, 2 * len(self._table)), *self._table.shape[1:]))
            grown[:first] = self._table[:first]
            self._table = grown
        if count:  # the same sums as `CrfWeights.score` of each form's feature strings
            self._table[first:end, 0] = sum_segments(self._sparse, own)
            self._table[first:end, 1:] = sum_segments(self._sparse, near).reshape(count, len(OFFSETS), -1)
        self._filled = end

    def _hint_row(self, hints: tuple[str, ...]) -> int:
        row = self._hint_rows.get(hints)
        if row is None:
            row = len(self._hint_rows)
            if row == len(self._hint_table):
                self._hint_table = np.concatenate([self._hint_table, np.zeros_like(self._hint_table)])
            score = self.weights.score
            shared = [h for h in hints if not h.startswith("dmaj")]
            self._hint_table[row] = (score(hints), score(f"-1:{h}" for h in shared), score(f"1:{h}" for h in shared))
            self._hint_rows[hints] = row
        return row

    def scores(self, layout: _Layout, hints: Sequence[Sequence[tuple[str, ...]]] | None = None) -> list[np.ndarray]:
        """State scores [tokens, labels] per sentence of `layout` (with document hints for pass 2)."""
        total = self.base_scores(layout)
        if hints is not None:
            self.add_hints(total, layout, hints)
        return np.split(total, layout.starts[1:])

    def base_scores(self, layout: _Layout) -> np.ndarray:
        """State scores [all tokens, labels] of `layout` without document hints.

        Reads the form table now, so the numbers stay valid when a later text restarts the form
        numbering (`FeatureExtractor.make_room`); one column at a time, not all five per token.
        """
        table = self._table
        total = table[layout.ids, 0]
        # Each token gets one term per offset, its neighbour's or the padding: the same sums as
        # adding the neighbours and then the paddings, in a whole-array add.
        for k, (shifted, (_, _, outside)) in enumerate(zip(layout.shifted, layout.near, strict=True)):
            part = table[shifted, 1 + k]
            part[outside] = self._pad[k]
            total += part
        total[layout.first] += self._bos
        total[layout.last] += self._eos
        if len(layout.sparse):
            np.add.at(total, layout.sparse_at, self._sparse[layout.sparse])
        return total

    def add_hints(self, total: np.ndarray, layout: _Layout, hints: Sequence[Sequence[tuple[str, ...]]]) -> None:
        """Add the document hints' weights to `base_scores` (in place; the same sums as `scores`)."""
        flat = [h for s in hints for h in s]
        rows = list(map(self._hint_rows.get, flat))
        if None in rows:
            rows = [self._hint_row(h) if r is None else r for h, r in zip(flat, rows, strict=True)]
        hid = np.array(rows, dtype=np.intp)
        hinted = self._hint_table[hid]
        total += hinted[:, 0]
        # Token i+1 sees the hints of i as "-1:", token i-1 as "1:" (OFFSETS' -1 and +1 entries).
        (has_next, following), (has_prev, preceding) = layout.near[2][:2], layout.near[1][:2]
        total[following] += hinted[has_next, 1]
        total[preceding] += hinted[has_prev, 2]


def lexicon_dir_for(model_path: Path) -> Path:
    """Where the word lists of a model live: the package lists for the shipped model, else beside it."""
    if model_path.resolve() == DEFAULT_MODEL.resolve():
        return DEFAULT_LEXICON_DIR
    return model_path.parent / f"{model_path.stem}.lexicon"


# Letters plus Arabic combining marks and tatweel (not \w in Python), so "القوّات" stays one word.
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|(?:[^\W\d_]|[\u0610-\u061a\u064b-\u065f\u0670\u0640])+|[^\w\s]")
_SENT_END = re.compile(r"[.!?\u061f]")


def simple_tokenize(text: str) -> list[tuple[int, int, int]]:
    """(start, end, sentence) for words, numbers and single punctuation marks; used when a Document has no tokens."""
    out: list[tuple[int, int, int]] = []
    sentence, prev_end, closed = 0, 0, True
    for m in _TOKEN_RE.finditer(text):
        if not closed and "\n" in text[prev_end : m.start()]:
            sentence += 1  # a line break ends a sentence (headlines have no full stop)
        out.append((m.start(), m.end(), sentence))
        closed = bool(_SENT_END.fullmatch(m.group()))
        if closed:
            sentence += 1
        prev_end = m.end()
    return out


def pass1_path_for(model_path: Path) -> Path:
    """The first-pass model that goes with a model (its labels feed the document features)."""
    return model_path.with_name(f"{model_path.stem}_pass1.crfsuite")


class CrfTagger:
    """A loaded CRF model (two passes when a first-pass model sits beside it) plus its features.

    Pass 1 tags every sentence of a document; pass 2 sees, for each word, how pass 1
    labelled the same word in nearby sentences (`document_hints`). Inference runs in
    numpy on the model's weights (`rasid.extract.ner_infer`), scoring whole documents
    at once; the labels are those CRFsuite gives for the `token_features` strings.
    """

    def __init__(self, model_path: Path, lexicon_dir: Path | None = None, features: FeatureExtractor | None = None):
        self.model_path = model_path
        self.lexicon_dir = lexicon_dir or lexicon_dir_for(model_path)
        if not self.lexicon_dir.is_dir():
            self.lexicon_dir = DEFAULT_LEXICON_DIR
        if features is None:
            own_clusters = self.lexicon_dir / CLUSTER_FILE
            clusters = load_clusters(own_clusters if own_clusters.is_file() else DEFAULT_CLUSTERS)
            features = FeatureExtractor(load_lexicons(self.lexicon_dir), self.lexicon_dir, clusters)
        self.features = features
        weights = CrfWeights.read(model_path)
        self.labels = weights.labels
        first = pass1_path_for(model_path)
        models = [weights, CrfWeights.read(first)] if first.is_file() else [weights]
        # One numbering of the attributes either model knows, so a document's sparse
        # features are looked up once for both passes.
        self._attrs = _Attributes.of(models)
        self._numbering = FormRows(self._attrs.index)
        lexicon_dir = self.features.lexicon_dir  # positional, as `form_id` calls the cached `_analyse`
        self._analyse: Callable[[str], tuple[str, str, str, str]] = lambda tok: _analyse(tok, lexicon_dir)
        self._final = _Scorer(weights, features, self._attrs)
        self._pass1 = _Scorer(models[1], features, self._attrs) if len(models) > 1 else None

    def _decode(
        self, sentences: Sequence[Sequence[str]], confidence: bool, spans_only: bool = False
    ) -> list[tuple[list[str], list[float]]]:
        """Labels and (with `confidence`) their marginals per sentence.

        With `spans_only`, sentences without an entity get no marginals (their confidence
        list is empty): callers that only average confidence over spans skip that work.
        """
        return self._decode_texts([sentences], confidence, spans_only)[0]

    def _decode_texts(
        self, texts: Sequence[Sequence[Sequence[str]]], confidence: bool, spans_only: bool = False
    ) -> list[list[tuple[list[str], list[float]]]]:
        """`_decode` of several texts (each a list of sentences), their Viterbi passes run together.

        A text's features and scores are its own (document hints come from its own first
        pass); only the decoding of all their sentences shares numpy calls (`viterbi`), which
        gives every sentence the labels it gets alone.
        """
        fulls = [[s for s in sentences if s] for sentences in texts]
        layouts: list[_Layout | None] = []
        totals: list[np.ndarray | None] = []
        first_scores: list[list[np.ndarray]] = []
        for full in fulls:
            if not full:
                layouts.append(None)
                totals.append(None)
                first_scores.append([])
                continue
            layout = _layout(self.features, full, self._attrs)
            generation, start, tokens, carry = self.features.numbering.take_fresh()
            rows = self._numbering.padded(tokens, self._analyse, self.features._cluster)
            for scorer in (self._final, self._pass1):
                if scorer is not None:
                    scorer.add_forms(generation, start, rows, carry)
            layouts.append(layout)
            totals.append(self._final.base_scores(layout))
            if self._pass1 is not None:
                first_scores.append(np.split(self._pass1.base_scores(layout), layout.starts[1:]))
        if self._pass1 is not None:
            # Pass 1 of every text at once; each text's hints come from its own labels.
            names = self._pass1.weights.labels
            first_paths = iter(viterbi([x for xs in first_scores for x in xs], self._pass1.weights.transitions))
            for laid, total, xs in zip(layouts, totals, first_scores, strict=True):
                if laid is None or total is None:
                    continue
                first = [list(map(names.__getitem__, next(first_paths).tolist())) for _ in xs]
                self._final.add_hints(total, laid, _hints_from_bases(laid.bases, first, DOC_WINDOW))
        per_text = [
            [] if laid is None or total is None else np.split(total, laid.starts[1:])
            for laid, total in zip(layouts, totals, strict=True)
        ]
        trans = self._final.weights.transitions
        all_paths = iter(viterbi([x for xs in per_text for x in xs], trans))
        outside = self.labels.index("O") if "O" in self.labels else -1
        label_of = self.labels.__getitem__
        results: list[list[tuple[list[str], list[float]]]] = []
        for sentences, scores in zip(texts, per_text, strict=True):
            paths = [next(all_paths) for _ in scores]
            probs: list[np.ndarray | None] = [None] * len(paths)
            if confidence:
                todo = list(range(len(paths)))
                if spans_only:
                    todo = [k for k in todo if bool((paths[k] != outside).any())]
                # Per text, as alone: forward-backward sums may round differently in a larger batch.
                for k, prob in zip(todo, marginals([scores[k] for k in todo], trans), strict=True):
                    probs[k] = prob
            decoded = iter(zip(paths, probs, strict=True))
            out: list[tuple[list[str], list[float]]] = []
            for s in sentences:
                if not s:
                    out.append(([], []))
                    continue
                path, marginal = next(decoded)
                conf: list[float] = [] if marginal is None else marginal[np.arange(len(path)), path].tolist()
                out.append((list(map(label_of, path.tolist())), conf))
            results.append(out)
        return results

    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """IOB2 labels for consecutive sentences of one text (they share document features)."""
        return [labels for labels, _ in self._decode(sentences, False)]

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """IOB2 labels (B-/I- PERS, LOC, ORG, MISC, or O) for one sentence."""
        if not tokens:
            return []
        return self.tag_sentences([tokens])[0]

    def tag_with_confidence(self, tokens: Sequence[str]) -> tuple[list[str], list[float]]:
        """Labels plus each label's marginal probability."""
        if not tokens:
            return [], []
        return self._decode([tokens], True)[0]

    def tag_document(self, doc: Document) -> list[tuple[int, int, str, float]]:
        """Entity spans (char start, end, type, mean marginal confidence) over the whole document."""
        return self.tag_documents([doc])[0]

    def tag_documents(self, docs: Sequence[Document]) -> list[list[tuple[int, int, str, float]]]:
        """`tag_document` of each document, decoded together (the same spans, fewer numpy calls).

        A document of more than `WINDOW_TOKENS` tokens is tagged alone, in windows (`_tag_long`).
        """
        out: list[list[tuple[int, int, str, float]]] = [[] for _ in docs]
        together: list[int] = []
        all_groups: list[list[list[tuple[int, int, int]]]] = []
        texts: list[list[list[str]]] = []
        for k, doc in enumerate(docs):
            simple = None if doc.tokens else simple_tokenize(doc.text)
            items: Sequence[Token | tuple[int, int, int]] = doc.tokens if simple is None else simple
            if len(items) > infer.WINDOW_TOKENS:
                out[k] = self._tag_long(doc.text, items)
                continue
            flat = [(t.start, t.end, t.sentence) for t in doc.tokens] if simple is None else simple
            ranges = infer.sentence_ranges([t[2] for t in flat])  # a Token's text is its span's text
            together.append(k)
            all_groups.append([flat[a:b] for a, b in ranges])
            words = [t.text for t in doc.tokens] if simple is None else [doc.text[s:e] for s, e, _ in flat]
            texts.append([words[a:b] for a, b in ranges])
        for k, groups, decoded in zip(together, all_groups, self._decode_texts(texts, True, spans_only=True), strict=True):
            out[k] = infer.decoded_spans(groups, decoded)
        return out

    def _tag_long(self, text: str, items: Sequence[Token | tuple[int, int, int]]) -> list[tuple[int, int, str, float]]:
        """Spans of a long text, tagged in windows of whole sentences (`plan_windows`).

        Pass 1 labels each sentence on its own and a word's document hints read only the
        `DOC_WINDOW` sentences around it, so a window decoded with that many sentences of context
        on each side gets the labels the whole text gets (the marginals may differ in the last
        bits, from numpy's batching). Only sentences of thousands of words change that: they are
        cut into pieces, and the context on each side is cut at a window's length.
        """
        spans: list[tuple[int, int, str, float]] = []
        ranges = infer.cut_long_sentences(infer.sentence_ranges(_sentence_ids(items)))
        windows = list(infer.plan_windows(ranges, DOC_WINDOW))
        for k, (lo, first, last, hi) in enumerate(windows):
            report_progress("entities: names", k, len(windows))
            groups = [[_item(items[j]) for j in range(a, b)] for a, b in ranges[lo:hi]]
            sentences = [[text[s:e] for s, e, _ in g] for g in groups]
            decoded = self._decode_texts([sentences], True, spans_only=True)[0]
            spans += infer.decoded_spans(groups[first - lo : last - lo], decoded[first - lo : last - lo])
        report_progress("entities: names", len(windows), len(windows))
        return spans


def _item(token: Token | tuple[int, int, int]) -> tuple[int, int, int]:
    return (token.start, token.end, token.sentence) if isinstance(token, Token) else token


def _sentence_ids(items: Sequence[Token | tuple[int, int, int]]) -> list[int]:
    return [t.sentence if isinstance(t, Token) else t[2] for t in items]


@functools.lru_cache(maxsize=1)
def _default_tagger() -> CrfTagger:
    return CrfTagger(DEFAULT_MODEL, DEFAULT_LEXICON_DIR)


def load_tagger(path: Path | None = None) -> CrfTagger:
    """The shipped tagger (cached), or the model at `path`."""
    model = DEFAULT_MODEL if path is None else Path(path)
    if not model.is_file():
        raise FileNotFoundError(f"{model}: NER model not found; run `rasid train ner` to build it")
    if path is None or model.resolve() == DEFAULT_MODEL.resolve():
        return _default_tagger()
    return CrfTagger(model)
