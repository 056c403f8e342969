"""Statistical named-entity tagger (linear-chain CRF) for Arabic news.

The model is trained by `rasid.extract.ner_train` on ANERcorp (IOB labels PERS, LOC,
ORG, MISC) and ships in the package as `rasid/models/ner.crfsuite`, with the word lists
its gazetteer features read in `rasid/extract/data/ner_lexicon/`. Features are computed
here only, so training and tagging cannot drift apart.

Normalisation is private to this module on purpose: the shipped model's weights are
tied to these exact feature strings, so a change in a shared normaliser must not
silently change what the model sees.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from rasid.document import Document

PACKAGE_DIR = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = PACKAGE_DIR / "models" / "ner.crfsuite"
DEFAULT_LEXICON_DIR = Path(__file__).resolve().parent / "data" / "ner_lexicon"

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

    @classmethod
    def from_phrases(cls, phrases: Iterable[tuple[str, ...]]) -> PhraseLexicon:
        items = frozenset(p for p in phrases if p)
        return cls(items, max((len(p) for p in items), default=0))

    def mark(self, bases: Sequence[str]) -> list[str]:
        """Per position 'B', 'I' or '' for the greedy longest matches in `bases`."""
        out = [""] * len(bases)
        i = 0
        while i < len(bases):
            for n in range(min(self.max_len, len(bases) - i), 0, -1):
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


class FeatureExtractor:
    """Turns a token sequence into CRFsuite feature strings (one list per token)."""

    def __init__(self, lexicons: Mapping[str, PhraseLexicon], lexicon_dir: Path = DEFAULT_LEXICON_DIR):
        self.lexicons = dict(lexicons)
        self.lexicon_dir = lexicon_dir

    def token_features(self, tokens: Sequence[str]) -> list[list[str]]:
        n = len(tokens)
        norms = [normalize(t) for t in tokens]
        splits = [split_clitics(w, self.lexicon_dir) for w in norms]
        bases = [b for _, b in splits]
        marks = {name: lex.mark(bases) for name, lex in self.lexicons.items() if lex.max_len}
        own: list[list[str]] = []
        for i, tok in enumerate(tokens):
            w, (cl, b) = norms[i], splits[i]
            shape = _shape(tok)
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
            for name, m in marks.items():
                if m[i]:
                    f.append(f"g{name}={m[i]}")
            own.append(f)
        feats: list[list[str]] = []
        for i in range(n):
            f = list(own[i])
            if i == 0:
                f.append("BOS")
            if i == n - 1:
                f.append("EOS")
            for d in (-2, -1, 1, 2):
                j = i + d
                if 0 <= j < n:
                    f.append(f"{d}:b={bases[j]}")
                    f.append(f"{d}:cl={splits[j][0]}")
                    if abs(d) == 1:
                        f.append(f"{d}:n={norms[j]}")
                        f.append(f"{d}:sh={_shape(tokens[j])}")
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
        return feats


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


class CrfTagger:
    """A loaded CRF model plus the feature extractor it was trained with."""

    def __init__(self, model_path: Path, lexicon_dir: Path | None = None):
        self.model_path = model_path
        self.lexicon_dir = lexicon_dir or lexicon_dir_for(model_path)
        if not self.lexicon_dir.is_dir():
            self.lexicon_dir = DEFAULT_LEXICON_DIR
        self.features = FeatureExtractor(load_lexicons(self.lexicon_dir), self.lexicon_dir)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self.labels = tuple(self._tagger.labels())

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """IOB2 labels (B-/I- PERS, LOC, ORG, MISC, or O) for one sentence."""
        if not tokens:
            return []
        return list(self._tagger.tag(self.features.token_features(tokens)))

    def tag_with_confidence(self, tokens: Sequence[str]) -> tuple[list[str], list[float]]:
        """Labels plus each label's marginal probability."""
        labels = self.tag(tokens)
        return labels, [self._tagger.marginal(y, i) for i, y in enumerate(labels)]

    def tag_document(self, doc: Document) -> list[tuple[int, int, str, float]]:
        """Entity spans (char start, end, type, mean marginal confidence) over the whole document."""
        if doc.tokens:
            items = [(t.start, t.end, t.sentence) for t in doc.tokens]
        else:
            items = simple_tokenize(doc.text)
        spans: list[tuple[int, int, str, float]] = []
        sentence: list[tuple[int, int, int]] = []
        for item in [*items, None]:
            if item is not None and (not sentence or item[2] == sentence[-1][2]):
                sentence.append(item)
                continue
            if sentence:
                surface = [doc.text[s:e] for s, e, _ in sentence]
                labels, conf = self.tag_with_confidence(surface)
                for i, j, etype in iob_spans(labels):
                    score = sum(conf[i:j]) / (j - i)
                    spans.append((sentence[i][0], sentence[j - 1][1], etype, round(score, 4)))
            sentence = [item] if item is not None else []
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
