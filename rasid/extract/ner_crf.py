"""Statistical named-entity tagger (linear-chain CRF) for Arabic news.

The model is trained by `rasid.extract.ner_train` on ANERcorp (IOB labels PERS, LOC,
ORG, MISC) and ships in the package as `rasid/models/ner.crfsuite` (plus its first-pass
model `ner_pass1.crfsuite` and word clusters `ner_clusters.tsv`), with the word lists its
gazetteer features read in `rasid/extract/data/ner_lexicon/`. Features are computed
here only, so training and tagging cannot drift apart.

Normalisation is private to this module on purpose: the shipped model's weights are
tied to these exact feature strings, so a change in a shared normaliser must not
silently change what the model sees.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pycrfsuite

from rasid.document import Document

PACKAGE_DIR = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = PACKAGE_DIR / "models" / "ner.crfsuite"
DEFAULT_LEXICON_DIR = Path(__file__).resolve().parent / "data" / "ner_lexicon"
DEFAULT_CLUSTERS = PACKAGE_DIR / "models" / "ner_clusters.tsv"
CLUSTER_FILE = "clusters.tsv"  # beside the word lists of a model trained elsewhere than the package

ENTITY_TYPES = ("PERS", "LOC", "ORG", "MISC")
# Gazetteer lists the features consult; each is a file `<name>.txt` of phrases.
LEXICON_NAMES = ("pers", "loc", "org", "misc", "geo", "actor_first", "actor_head")
CLITIC_FILE = "proclitics.txt"

# Arabic harakat, superscript alef and Quranic marks: removed before matching.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_FOLD = str.maketrans(
    {
        "\u0622": "\u0627",  # alef madda -> alef
        "\u0623": "\u0627",  # alef hamza above -> alef
        "\u0625": "\u0627",  # alef hamza below -> alef
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u06cc": "\u064a",  # Persian yeh -> yeh
        "\u06a9": "\u0643",  # keheh -> kaf
    }
)
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")
_LATIN = re.compile("[A-Za-z]")
_DIGIT = re.compile(r"\d")
_MIN_BASE = 3  # a stripped base shorter than this is more likely a word than clitic+stem


def normalize(word: str) -> str:
    """Matching form of a word: no diacritics/tatweel, alef/hamza folded, ة→ه, ى→ي, digits ASCII."""
    word = unicodedata.normalize("NFC", word)
    word = _DIACRITICS.sub("", word).replace(_TATWEEL, "")
    return word.translate(_FOLD).translate(_ARABIC_DIGITS).lower()


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

    @classmethod
    def from_phrases(cls, phrases: Iterable[tuple[str, ...]]) -> PhraseLexicon:
        items = frozenset(p for p in phrases if p)
        heads: dict[str, int] = {}
        for p in items:
            heads[p[0]] = max(heads.get(p[0], 0), len(p))
        return cls(items, max((len(p) for p in items), default=0), heads)

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


def _shape(word: str) -> str:
    if not word:
        return "empty"
    if _DIGIT.fullmatch(word) or re.fullmatch(r"[\d.,/:\-]+", word):
        return "num"
    if all(unicodedata.category(c).startswith("P") or unicodedata.category(c).startswith("S") for c in word):
        return "punct"
    has_ar = bool(_ARABIC_LETTER.search(word))
    has_lat = bool(_LATIN.search(word))
    has_dig = bool(_DIGIT.search(word))
    kind = "ar" if has_ar and not has_lat else "lat" if has_lat and not has_ar else "mix"
    if has_dig:
        kind += "+d"
    if any(unicodedata.category(c).startswith("P") for c in word):
        kind += "+p"
    return kind


@functools.lru_cache(maxsize=200_000)
def _analyse(token: str, lexicon_dir: Path) -> tuple[str, str, str, str]:
    """(normalised form, proclitics, base, shape) of a token; cached because news repeats words."""
    norm = normalize(token)
    clitics, base = split_clitics(norm, lexicon_dir)
    return norm, clitics, base, _shape(token)


# Document features look at other sentences this far before and after (ANERcorp has no
# article boundaries, and a name is usually repeated within a few dozen sentences).
DOC_WINDOW = 30
# Whether the second pass also sees the first pass's own label of each token (stacking);
# untested on held-out data, so off for the shipped model.
STACK_FIRST_PASS = False
_NAME_LIKE = re.compile("[\u0621-\u064aA-Za-z]{2,}")


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
    occurrences: dict[str, list[tuple[int, int, str]]] = {}
    bases_per_sent: list[list[str]] = []
    for s, (tokens, labels) in enumerate(zip(sentences, first_pass, strict=True)):
        bases = [_analyse(t, lexicon_dir)[2] for t in tokens]
        bases_per_sent.append(bases)
        roles = ["O"] * len(tokens)
        for i, j, etype in iob_spans(labels):
            for k in range(i, j):
                role = "S" if j - i == 1 else "B" if k == i else "E" if k == j - 1 else "I"
                roles[k] = f"{etype}:{role}"
        for i, b in enumerate(bases):
            if _NAME_LIKE.fullmatch(b):
                occurrences.setdefault(b, []).append((s, i, roles[i]))
    out: list[list[list[str]]] = []
    for s, bases in enumerate(bases_per_sent):
        sent_hints: list[list[str]] = []
        for i, b in enumerate(bases):
            seen: dict[str, int] = {}
            for s2, i2, role in occurrences.get(b, ()):
                if abs(s2 - s) <= window and (s2, i2) != (s, i):
                    seen[role] = seen.get(role, 0) + 1
            hints: list[str] = []
            if seen:
                types: dict[str, int] = {}
                for role, n in seen.items():
                    etype = role.split(":", 1)[0]
                    types[etype] = types.get(etype, 0) + n
                    if etype != "O":
                        hints.append(f"d:{role}")
                for etype in types:
                    hints.append(f"d:{etype}")
                best = max(types.items(), key=lambda kv: (kv[1], kv[0]))[0]
                share = types[best] / sum(types.values())
                hints.append(f"dmaj={best}:{'all' if share == 1 else 'most'}")
            if STACK_FIRST_PASS:
                hints.append(f"p1={first_pass[s][i]}")
            sent_hints.append(hints)
        out.append(sent_hints)
    return out


class FeatureExtractor:
    """Turns a token sequence into CRFsuite feature strings (one list per token)."""

    def __init__(
        self,
        lexicons: Mapping[str, PhraseLexicon],
        lexicon_dir: Path = DEFAULT_LEXICON_DIR,
        clusters: Mapping[str, tuple[str, ...]] | None = None,
    ):
        self.lexicons = dict(lexicons)
        self.lexicon_dir = lexicon_dir
        if clusters is None:
            clusters = _CLUSTER_OVERRIDE[-1] if _CLUSTER_OVERRIDE else load_clusters(DEFAULT_CLUSTERS)
        self.clusters = clusters
        self._own_cache: dict[str, tuple[str, ...]] = {}

    def _cluster(self, norm: str, base: str) -> tuple[str, ...]:
        return self.clusters.get(norm) or self.clusters.get(base) or ()

    def _word_features(
        self, tok: str, info: tuple[str, str, str, str], clusters: tuple[str, ...]
    ) -> tuple[str, ...]:
        w, cl, b, shape = info
        f = [
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
                f.append(f"p{k}={w[:k]}")
                f.append(f"s{k}={w[-k:]}")
            if len(b) > k:
                f.append(f"bp{k}={b[:k]}")
                f.append(f"bs{k}={b[-k:]}")
        for level, cid in enumerate(clusters):
            f.append(f"c{level}={cid}")
        return tuple(f)

    def token_features(self, tokens: Sequence[str], hints: Sequence[Sequence[str]] | None = None) -> list[list[str]]:
        """Features per token; `hints` adds document-level features (see `document_hints`)."""
        n = len(tokens)
        info = [_analyse(t, self.lexicon_dir) for t in tokens]
        norms = [x[0] for x in info]
        bases = [x[2] for x in info]
        shapes = [x[3] for x in info]
        clus = [self._cluster(w, b) for w, b in zip(norms, bases, strict=True)]
        marks = {name: lex.mark(bases) for name, lex in self.lexicons.items() if lex.max_len}
        own: list[list[str]] = []
        cache = self._own_cache
        for i, tok in enumerate(tokens):
            # The token-only features depend on nothing else: build them once per word form.
            base_features = cache.get(tok)
            if base_features is None:
                base_features = self._word_features(tok, info[i], clus[i])
                if len(cache) < 200_000:
                    cache[tok] = base_features
            f = list(base_features)
            for name, m in marks.items():
                if m[i]:
                    f.append(f"g{name}={m[i]}")
            own.append(f)
        feats: list[list[str]] = []
        for i in range(n):
            f = own[i]
            if i == 0:
                f.append("BOS")
            if i == n - 1:
                f.append("EOS")
            for d in (-2, -1, 1, 2):
                j = i + d
                if 0 <= j < n:
                    f.append(f"{d}:b={bases[j]}")
                    f.append(f"{d}:cl={info[j][1]}")
                    if clus[j]:
                        f.append(f"{d}:c1={clus[j][1 if len(clus[j]) > 1 else 0]}")
                    if abs(d) == 1:
                        f.append(f"{d}:n={norms[j]}")
                        f.append(f"{d}:sh={shapes[j]}")
                        for name, m in marks.items():
                            if m[j]:
                                f.append(f"{d}:g{name}={m[j]}")
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
    labelled the same word in nearby sentences (`document_hints`).
    """

    def __init__(self, model_path: Path, lexicon_dir: Path | None = None):
        self.model_path = model_path
        self.lexicon_dir = lexicon_dir or lexicon_dir_for(model_path)
        if not self.lexicon_dir.is_dir():
            self.lexicon_dir = DEFAULT_LEXICON_DIR
        own_clusters = self.lexicon_dir / CLUSTER_FILE
        clusters = load_clusters(own_clusters if own_clusters.is_file() else DEFAULT_CLUSTERS)
        self.features = FeatureExtractor(load_lexicons(self.lexicon_dir), self.lexicon_dir, clusters)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self.labels = tuple(self._tagger.labels())
        first = pass1_path_for(model_path)
        self._pass1: pycrfsuite.Tagger | None = None
        if first.is_file():
            self._pass1 = pycrfsuite.Tagger()
            self._pass1.open(str(first))

    def _final_features(self, sentences: Sequence[Sequence[str]]) -> list[list[list[str]]]:
        base = [self.features.token_features(t) if t else [] for t in sentences]
        if self._pass1 is None:
            return base
        first = [list(self._pass1.tag(x)) if x else [] for x in base]
        hints = document_hints(sentences, first, self.lexicon_dir)
        return [
            [f + extra for f, extra in zip(x, hint_features(h), strict=True)]
            for x, h in zip(base, hints, strict=True)
        ]

    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """IOB2 labels for consecutive sentences of one text (they share document features)."""
        return [list(self._tagger.tag(x)) if x else [] for x in self._final_features(sentences)]

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """IOB2 labels (B-/I- PERS, LOC, ORG, MISC, or O) for one sentence."""
        if not tokens:
            return []
        return self.tag_sentences([tokens])[0]

    def _tag_marginals(self, x: list[list[str]]) -> tuple[list[str], list[float]]:
        if not x:
            return [], []
        labels = list(self._tagger.tag(x))
        return labels, [self._tagger.marginal(y, i) for i, y in enumerate(labels)]

    def tag_with_confidence(self, tokens: Sequence[str]) -> tuple[list[str], list[float]]:
        """Labels plus each label's marginal probability."""
        if not tokens:
            return [], []
        return self._tag_marginals(self._final_features([tokens])[0])

    def tag_document(self, doc: Document) -> list[tuple[int, int, str, float]]:
        """Entity spans (char start, end, type, mean marginal confidence) over the whole document."""
        if doc.tokens:
            items = [(t.start, t.end, t.sentence) for t in doc.tokens]
        else:
            items = simple_tokenize(doc.text)
        groups: list[list[tuple[int, int, int]]] = []
        for item in items:
            if groups and item[2] == groups[-1][-1][2]:
                groups[-1].append(item)
            else:
                groups.append([item])
        surfaces = [[doc.text[s:e] for s, e, _ in g] for g in groups]
        spans: list[tuple[int, int, str, float]] = []
        for group, x in zip(groups, self._final_features(surfaces), strict=True):
            labels, conf = self._tag_marginals(x)
            for i, j, etype in iob_spans(labels):
                score = sum(conf[i:j]) / (j - i)
                spans.append((group[i][0], group[j - 1][1], etype, round(score, 4)))
        return spans


def iob_spans(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token spans [i, j) with their type; an I- without a matching open span starts a new one."""
    spans = []
    start, etype = -1, ""
    for i, label in enumerate([*labels, "O"]):
        prefix, _, kind = label.partition("-")
        continues = prefix == "I" and kind == etype and start >= 0
        if start >= 0 and not continues:
            spans.append((start, i, etype))
            start, etype = -1, ""
        if prefix in ("B", "I") and not continues:
            start, etype = i, kind
    return spans


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
