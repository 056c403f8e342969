"""Cleaning the tagger's entity spans on real news: proclitics off names, verbs out of persons.

ANERcorp, the tagger's training data, labels whole space-separated words, so a tagged span
keeps what is written onto its first word: "بالكويت", "وديار بكر", "والاتحاد الأوروبي",
"لهيفاء". And on news prose the tagger sometimes opens a person at a verb ("وأكد",
"وطالب بوقف", "واستكمل البياوي"). `clean_span` fixes both, from data:

* a proclitic (و/ف/ب/ل, and a preposition before the article) comes off the first word when
  the word without it is much more frequent in real news than the word with it. The counts
  (`rasid/models/ner_word_counts.tsv`) are those of the word-cluster build; "بوتين",
  "لويس" or "فالنسيا" keep their first letter because their "base" is rare on its own.
  A word the counts do not know loses the proclitic when the document writes it without;
* a PERS span whose first word is a news verb or a function word
  (`rasid/extract/data/ner_span_words.txt`) loses that word; nothing left, no person.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rasid.document import Token
from rasid.extract.ner_crf import PACKAGE_DIR, normalize
from rasid.text.normalize import normalize_word

SPAN_WORDS_FILE = Path(__file__).resolve().parent / "data" / "ner_span_words.txt"
WORD_COUNTS_FILE = PACKAGE_DIR / "models" / "ner_word_counts.tsv"
SECTIONS = ("verb", "verb_or_name", "function", "place_noun")
# A proclitic comes off when the rest is seen at least MIN_BASE_COUNT times and the whole
# word at most MAX_WHOLE_SHARE times as often as the rest.
MIN_BASE_COUNT = 5
MAX_WHOLE_SHARE = 0.5
# At most this many leading verbs/function words are dropped from a person span.
MAX_DROPPED = 3
_STRIPPABLE = frozenset("وفبل")
_PREPOSITIONS = frozenset(("ب", "ل", "ك", "لل"))
_ARABIC_WORD = re.compile("[\u0621-\u064a]+")


@dataclass(frozen=True)
class SpanWords:
    """News verbs and function words (normalised) that never begin a person's name."""

    verbs: frozenset[str]
    function: frozenset[str]
    verb_or_name: frozenset[str] = frozenset()  # verbs only with و/ف attached
    function_written: frozenset[str] = frozenset()  # function words unfolded (على is not علي folded)
    place_nouns: frozenset[str] = frozenset()  # "المدينة" alone names no place


def generic_place(surface: str, words: SpanWords) -> bool:
    """A tagged place made only of common place nouns ("المدينة", "البلدة المجاورة" is not one)."""
    folded = [normalize_word(w) for w in surface.split()]
    return bool(folded) and all(w in words.place_nouns or w.removeprefix("ال") in words.place_nouns for w in folded)


@functools.lru_cache(maxsize=4)
def load_span_words(path: Path = SPAN_WORDS_FILE) -> SpanWords:
    """Read `[verb]`, `[verb_or_name]`, `[function]` and `[place_noun]` sections of one word per line.

    Errors name the file and line: unknown section, a word outside a section, anything but
    one Arabic word, a word listed twice in a section.
    """
    sections: dict[str, set[str]] = {name: set() for name in SECTIONS}
    written: set[str] = set()
    current: set[str] | None = None
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1]
            if name not in sections:
                raise ValueError(f"{path}:{lineno}: unknown section [{name}] (expected {', '.join(SECTIONS)})")
            current = sections[name]
            continue
        if current is None:
            raise ValueError(f"{path}:{lineno}: word before the first [section]")
        if not _ARABIC_WORD.fullmatch(line):
            raise ValueError(f"{path}:{lineno}: expected one Arabic word, got {line!r}")
        word = normalize_word(line)
        if word in current:
            raise ValueError(f"{path}:{lineno}: {line!r} is listed twice in its section")
        current.add(word)
        if current is sections["function"]:
            written.add(normalize_word(line, fold=False))
    verbs = frozenset(sections["verb"] | sections["verb_or_name"])
    return SpanWords(
        verbs,
        frozenset(sections["function"]),
        frozenset(sections["verb_or_name"]),
        frozenset(written),
        frozenset(sections["place_noun"]),
    )


@functools.lru_cache(maxsize=4)
def load_word_counts(path: Path = WORD_COUNTS_FILE) -> dict[str, int]:
    """`word<TAB>count` lines (the cluster build's vocabulary); empty if the file is absent."""
    out: dict[str, int] = {}
    if not path.is_file():
        return out
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        word, sep, count = line.partition("\t")
        if not sep or not word or not count.isdigit():
            raise ValueError(f"{path}:{lineno}: expected 'word<TAB>count', got {line!r}")
        out[word] = int(count)
    return out


def proclitic_end(token: Token) -> int:
    """Where `token` starts once its leading و/ف/ب/ل are off (the article stays); its start if none."""
    forms = [c.form for c in token.clitics]
    if not forms or forms[0] not in _STRIPPABLE:
        return token.start
    for clitic in token.clitics:
        if clitic.form == "ال":
            return clitic.start
    return token.base_start


def strip_proclitic(text: str, token: Token, counts: Mapping[str, int], bare_words: Collection[str]) -> int:
    """Start of the name in `token`: after its proclitics when the evidence says they are clitics."""
    cut = proclitic_end(token)
    if cut == token.start or cut >= token.end:
        return token.start
    whole = normalize(text[token.start : token.end])
    rest = normalize(text[cut : token.end])
    seen_rest = counts.get(rest, 0)
    if seen_rest >= MIN_BASE_COUNT:
        return cut if counts.get(whole, 0) <= MAX_WHOLE_SHARE * seen_rest else token.start
    # Neither form is frequent in news: trust the document if it writes the word without.
    return cut if counts.get(whole, 0) < MIN_BASE_COUNT and rest in bare_words else token.start


def _is_verb_or_particle(token: Token, words: SpanWords, given: Collection[str]) -> bool:
    norm = token.norm
    conj = bool(token.clitics) and token.clitics[0].form in ("و", "ف")
    if norm in given:
        # A given name that is also a verb is a verb only after و/ف; one folded like a function
        # word ("علي" and "على") is that word only if spelled so.
        if norm in words.verbs:
            return conj
        return normalize_word(token.base, fold=False) in words.function_written and (conj or not token.clitics)
    if norm in words.function and not token.clitics:
        return True
    if norm in words.function and token.clitics[0].form in ("و", "ف"):
        return True
    if norm not in words.verbs or any(c.form == "ال" for c in token.clitics):
        return False
    # "طالب": a verb that is also a given name is a verb only after و/ف ("وطالب بوقف").
    return conj if norm in words.verb_or_name else True


def clean_span(
    text: str,
    tokens: Sequence[Token],
    label: str,
    *,
    counts: Mapping[str, int],
    words: SpanWords,
    given: Collection[str],
    bare_words: Collection[str],
) -> int | None:
    """The cleaned start offset of a tagged span over `tokens`, or None if nothing of it is a name.

    Person spans lose leading verbs and function words; every span loses the proclitics of its
    (new) first word when the evidence says they are clitics.
    """
    if not tokens:
        return None
    first = 0
    if label == "PERS":
        while first < len(tokens) and first < MAX_DROPPED and _is_verb_or_particle(tokens[first], words, given):
            first += 1
        if first == len(tokens) or first == MAX_DROPPED:
            return None
        # "وطالب بوقف": after a dropped verb, a word under a preposition is its object, not a name.
        head = tokens[first]
        if first and head.clitics and head.clitics[0].form in _PREPOSITIONS:
            return None
    return strip_proclitic(text, tokens[first], counts, bare_words)


class LazyBareForms(Collection[str]):
    """`bare_forms` of a document, computed on the first question (most documents never ask: the
    word counts settle most proclitics)."""

    def __init__(self, text: str, tokens: Sequence[Token]) -> None:
        self._text, self._tokens = text, tokens
        self._forms: frozenset[str] | None = None

    def _get(self) -> frozenset[str]:
        if self._forms is None:
            self._forms = bare_forms(self._text, self._tokens)
        return self._forms

    def __contains__(self, word: object) -> bool:
        return word in self._get()

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def bare_forms(text: str, tokens: Sequence[Token]) -> frozenset[str]:
    """Normalised words the document writes without any proclitic (evidence for `strip_proclitic`)."""
    return frozenset(
        normalize(text[t.start : t.end])
        for t in tokens
        if t.is_word and (not t.clitics or t.clitics[0].form not in _STRIPPABLE)
    )
