"""The one way Rasid folds Arabic: deletions and 1:1 substitutions, with offsets kept.

Every component that compares Arabic words (normalised search text, the entity and event lexicons,
numbers and times, place names, the stance and NER features, story keys) folds through this
module, so "الإيرانية" and "الايرانيه" meet everywhere the same way. Two kinds of edit only: a
character is deleted (diacritics, tatweel, invisible marks) or replaced by exactly one other
(digits, quotes, letter variants), so every folded character maps back to one original character.

What is deleted or replaced is a `FoldOptions` value: one flag per group of characters (the
`DELETE_GROUPS` and `SUBSTITUTE_GROUPS` tables). Components use the named option sets below, never
ad-hoc tables; a shipped model whose features were computed with a narrower fold has its own named,
tested set (`STANCE_FEATURES`, `NER_FEATURES`) so its inputs stay exactly what it was trained on.

* `fold_word(word, options)`: a word or short phrase (cached per option set; dictionary keys).
* `fold_text(text, options)`: a whole text without offsets.
* `fold_with_offsets(text, options)`: a whole text plus the map back to original offsets, stored as
  the few deleted positions (`KeptOffsets`) instead of one entry per character.
* `proclitic_splits`, `proclitic_variants`: where a folded word's core may start after و/ف/ب/ل/ك/ال.
"""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import overload

# --------------------------------------------------------------------------- character groups

# Characters deleted outright, as regex class ranges, by the FoldOptions flag that deletes them.
# Harakat carry no lexical information for matching, tatweel is pure stretching, and zero-width
# and bidi marks appear in copied web text and split words.
DELETE_GROUPS: dict[str, str] = {
    "diacritics": "\u064b-\u0652\u0670\u0640",  # tanween, harakat, shadda, sukun, dagger alef; tatweel
    "small_marks": "\u0653-\u065f",  # madda and hamza marks above/below, other small vowel signs
    "quranic_marks": "\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed",  # Quranic annotation marks
    "quranic_signs": "\u0610-\u061a\u06dd\u06de\u06e5\u06e6\u06e9",  # honorifics, ayah/hizb signs, small waw/yeh
    "invisible": "\u200b-\u200f\u202a-\u202e\u061c",  # zero-width, directional marks and embeddings
    "isolates": "\u2066-\u2069\ufeff",  # directional isolates, byte-order mark
}

_ARABIC_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
_QUOTES = dict.fromkeys("\u201c\u201d\u00ab\u00bb\u201e\u201f\u2033", '"') | dict.fromkeys(
    "\u2018\u2019\u201a\u201b\u2032", "'"
)
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

# Characters replaced by one other character, by the FoldOptions flag that replaces them.
# "other_digits" (every non-ASCII Unicode digit) is computed on first use: it needs a scan of Unicode.
SUBSTITUTE_GROUPS: dict[str, dict[str, str]] = {
    "digits": _ARABIC_DIGITS,  # Arabic-Indic and Persian (extended Arabic-Indic) digits
    "separators": {"\u066b": ".", "\u066c": ","},  # Arabic decimal and thousands separators
    "percent": {"\u066a": "%"},  # Arabic percent sign
    "quotes": _QUOTES,  # curly quotes, guillemets, primes
    "spaces": dict.fromkeys(_SPACES, " "),  # exotic spaces, so whitespace-based rules see them
    # Spelling variants writers use interchangeably: alef with hamza/madda/wasla, taa marbuta,
    # alef maqsura. Standalone hamza (U+0621) is always kept.
    "letters": {"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627"}
    | {"\u0629": "\u0647", "\u0649": "\u064a"},
    "wavy_alef": {"\u0672": "\u0627", "\u0673": "\u0627"},  # alef with wavy hamza above/below
    "hamza_seats": {"\u0624": "\u0648", "\u0626": "\u064a"},  # waw and yeh carrying hamza
    "farsi": {"\u06cc": "\u064a", "\u06a9": "\u0643"},  # Farsi yeh and keheh (Persian keyboards)
    # Letters for sounds foreign to Arabic, to their nearest Arabic letter: گ→ك ڤ→ف پ→ب چ→ج.
    "loan_letters": {"\u06af": "\u0643", "\u06a4": "\u0641", "\u067e": "\u0628", "\u0686": "\u062c"},
}


@lru_cache(maxsize=1)
def _other_digits() -> dict[str, str]:
    """Every non-ASCII character `str.isdigit` accepts, mapped to its ASCII digit."""
    chars = (chr(c) for c in range(0x80, sys.maxunicode + 1))
    return {ch: str(unicodedata.digit(ch)) for ch in chars if ch.isdigit()}


# More substitutions than this and `str.translate` beats the chain of `str.replace` calls.
_MAX_CHAIN = 64


@dataclass(frozen=True)
class FoldOptions:
    """What one fold deletes and substitutes: one flag per group of `DELETE_GROUPS` or
    `SUBSTITUTE_GROUPS` (plus `other_digits`), and `lower` to lower-case the result last.
    The defaults are `MATCH`, the fold of the text stage and the lexicons."""

    diacritics: bool = True
    small_marks: bool = True
    quranic_marks: bool = True
    quranic_signs: bool = False
    invisible: bool = True
    isolates: bool = True
    digits: bool = True
    other_digits: bool = False
    separators: bool = True
    percent: bool = False
    quotes: bool = True
    spaces: bool = True
    letters: bool = True
    wavy_alef: bool = True
    hamza_seats: bool = True
    farsi: bool = True
    loan_letters: bool = False
    lower: bool = False  # whole-string str.lower() last; lengths may change, so never with offsets

    @cached_property
    def deleted_class(self) -> str:
        """The deleted characters as the body of a regex character class ("" if none)."""
        return "".join(chars for flag, chars in DELETE_GROUPS.items() if getattr(self, flag))

    @cached_property
    def delete_re(self) -> re.Pattern[str]:
        """A run of deleted characters (matches nothing when nothing is deleted)."""
        return re.compile(f"[{self.deleted_class}]+" if self.deleted_class else "(?!)")

    @cached_property
    def substitutions(self) -> dict[str, str]:
        """Source character -> its replacement."""
        out: dict[str, str] = {}
        for flag, pairs in SUBSTITUTE_GROUPS.items():
            if getattr(self, flag):
                out.update(pairs)
        if self.other_digits:
            out.update(_other_digits())
        # Edits must commute: no replacement is itself replaced or deleted, so one pass in any order
        # (and the replace chain) gives the same string.
        deleted = re.compile(f"[{self.deleted_class}]") if self.deleted_class else None
        if set(out) & set(out.values()) or (deleted and any(deleted.match(c) for c in [*out, *out.values()])):
            raise ValueError("fold substitutions must not overlap their targets or the deletions")
        return out

    @cached_property
    def table(self) -> dict[int, str | None]:
        """The whole fold (without `lower`) as a `str.translate` table."""
        table: dict[int, str | None] = {ord(a): b for a, b in self.substitutions.items()}
        for flag, chars in DELETE_GROUPS.items():
            if getattr(self, flag):
                table.update(dict.fromkeys(map(ord, _expand(chars))))
        return table

    @cached_property
    def substitute(self) -> Callable[[str], str]:
        """The substitutions alone, applied to a text."""
        pairs = tuple(self.substitutions.items())
        if len(pairs) > _MAX_CHAIN:
            table = str.maketrans(self.substitutions)
            return lambda text: text.translate(table)

        # A few str.replace calls over the characters present run several times faster than
        # str.translate on Arabic text (~18 us against ~110 us on a news article).
        def chain(text: str) -> str:
            for a, b in pairs:
                if a in text:
                    text = text.replace(a, b)
            return text

        return chain

    @cached_property
    def word_folder(self) -> Callable[[str], str]:
        """`fold_word` for these options, cached (words repeat: the cache makes it a dict lookup)."""
        table = self.table
        if self.lower:
            return lru_cache(maxsize=_WORD_MEMO)(lambda word: word.translate(table).lower())
        return lru_cache(maxsize=_WORD_MEMO)(lambda word: word.translate(table))


# Words folded per folder kept (a folder's memo); bound: hit rate vs size on real text, see
# docs/RESULTS.md (issue 17).
_WORD_MEMO = 100_000


def _expand(ranges: str) -> list[str]:
    """The characters of a regex class body made of single characters and a-b ranges."""
    out: list[str] = []
    i = 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(ranges[i]), ord(ranges[i + 2]) + 1))
            i += 3
        else:
            out.append(ranges[i])
            i += 1
    return out


# --------------------------------------------------------------------------- named option sets

# The text stage, tokens, lexicons, actors, events, search: everything that matches Arabic words.
MATCH = FoldOptions()
# `MATCH` lower-cased (keys that mix Arabic and Latin names: story phrases, outlet names).
MATCH_LOWER = replace(MATCH, lower=True)
# Deletions and digits/quotes/spaces only, letters kept as written (`normalize(..., fold=False)`).
CLEAN = replace(MATCH, letters=False, wavy_alef=False, hamza_seats=False, farsi=False)
# The number and time matchers: harakat and tatweel only, Arabic separators and percent sign,
# hamza seats kept (the number words were written and tested against this fold).
NUMBERS = FoldOptions(
    small_marks=False, quranic_marks=False, invisible=False, isolates=False, percent=True,
    quotes=False, spaces=False, wavy_alef=False, hamza_seats=False,
)  # fmt: skip
# Place-name keys of places.csv: every mark and invisible character out, letters folded, digits
# and hamza seats kept, lower-cased (Latin names in the gazetteer).
PLACE_NAMES = FoldOptions(
    quranic_signs=True, isolates=False, digits=False, separators=False, quotes=False, spaces=False,
    wavy_alef=False, hamza_seats=False, farsi=False, lower=True,
)  # fmt: skip
# The stance and claim models' text features (`rasid.verify.features.normalize`, after NFKC):
# the exact fold they were trained on, with every Unicode digit and the loan letters folded.
STANCE_FEATURES = FoldOptions(
    quranic_signs=True, invisible=False, isolates=False, other_digits=True, separators=False,
    percent=True, quotes=False, spaces=False, wavy_alef=False, farsi=False, loan_letters=True,
)  # fmt: skip
# The CRF NER model's word features (`rasid.extract.ner_crf.normalize`, after NFC).
NER_FEATURES = FoldOptions(
    quranic_signs=True, invisible=False, isolates=False, separators=False, quotes=False, spaces=False,
    wavy_alef=False, hamza_seats=False, lower=True,
)  # fmt: skip

PRESETS: dict[str, FoldOptions] = {
    "MATCH": MATCH,
    "MATCH_LOWER": MATCH_LOWER,
    "CLEAN": CLEAN,
    "NUMBERS": NUMBERS,
    "PLACE_NAMES": PLACE_NAMES,
    "STANCE_FEATURES": STANCE_FEATURES,
    "NER_FEATURES": NER_FEATURES,
}

# `MATCH`'s deleted characters as a regex class (kept for callers that build patterns on it).
DELETE_CLASS = f"[{MATCH.deleted_class}]"


# --------------------------------------------------------------------------- folding


def fold_word(word: str, options: FoldOptions = MATCH) -> str:
    """A word or short string folded (cached per option set); same as `fold_text`."""
    return options.word_folder(word)


def fold_text(text: str, options: FoldOptions = MATCH) -> str:
    """A whole text folded without offsets (not cached: texts rarely repeat)."""
    delete_re = options.delete_re
    if delete_re.search(text) is not None:
        text = delete_re.sub("", text)
    text = options.substitute(text)
    return text.lower() if options.lower else text


class KeptOffsets(Sequence[int]):
    """Where each folded character (and the end) was in the text, stored as the few deleted
    positions instead of one entry per character (tanween and tashkeel are rare in a text)."""

    def __init__(self, n: int, deleted: list[int]):
        self.deleted = deleted
        # The k-th kept position is k plus the deletions at or before it: k + bisect_right(shifted, k).
        self.shifted = [d - i for i, d in enumerate(deleted)]
        self._n = n
        self._len = n - len(deleted) + 1

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, k: int) -> int: ...
    @overload
    def __getitem__(self, k: slice) -> list[int]: ...
    def __getitem__(self, k: int | slice) -> int | list[int]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(self._len))]
        if k < 0:
            k += self._len
        if not 0 <= k < self._len:
            raise IndexError(k)
        return k + bisect.bisect_right(self.shifted, k)

    def __iter__(self) -> Iterator[int]:
        # The kept positions are the runs between deletions; Sequence's default would bisect per item.
        out: list[int] = []
        pos = 0
        for d in self.deleted:
            out.extend(range(pos, d))
            pos = d + 1
        out.extend(range(pos, self._n + 1))
        return iter(out)

    def folded_index(self, j: int) -> int:
        """`bisect_left(self, j)`: how many kept positions come before text position `j`."""
        k = j - bisect.bisect_left(self.deleted, j)
        return k if k < self._len else self._len


def fold_with_offsets(text: str, options: FoldOptions = MATCH) -> tuple[str, range | KeptOffsets]:
    """(folded text, offsets to `text`): `offsets[i]` is where folded character i was, and the
    last entry is len(text), so an exclusive end maps too."""
    if options.lower:
        raise ValueError("fold_with_offsets cannot lower-case: it may change lengths")
    n = len(text)
    offsets: range | KeptOffsets
    delete_re = options.delete_re
    if delete_re.search(text) is None:
        offsets = range(n + 1)
    else:  # tanween ("أيضاً") makes this the usual case: drop the marks, note where they were
        parts: list[str] = []
        deleted: list[int] = []
        pos = 0
        for m in delete_re.finditer(text):
            s, e = m.span()
            parts.append(text[pos:s])
            deleted.extend(range(s, e))
            pos = e
        parts.append(text[pos:])
        text, offsets = "".join(parts), KeptOffsets(n, deleted)
    return options.substitute(text), offsets


# --------------------------------------------------------------------------- proclitics

# The proclitic splits the regex of a PhraseSet tries, in its order: "و"/"ف" first (greedy), then
# بال|كال|لل|ال|[بلك], then none.
SECOND_PROCLITICS = ("بال", "كال", "لل", "ال", "ب", "ل", "ك", "")


def proclitic_splits(token: str) -> list[int]:
    """Where a word's core may start after its proclitics (و/ف, then بال/كال/لل/ال/ب/ل/ك), longest first."""
    out = []
    for first in (token[0], "") if token[:1] in ("و", "ف") else ("",):
        rest = token[len(first) :]
        for second in SECOND_PROCLITICS:
            cut = len(first) + len(second)
            if rest.startswith(second) and cut < len(token):
                out.append(cut)
    return out


# One-letter proclitics a lexicon lookup strips: conjunctions و/ف and prepositions ب/ل/ك.
_ONE_LETTER_PROCLITICS = ("و", "ف", "ب", "ل", "ك")


@lru_cache(maxsize=100_000)
def proclitic_variants(word: str) -> tuple[str, ...]:
    """The `MATCH`-folded word, then the forms a lexicon lookup also tries, in this order: without a
    one-letter proclitic (و/ف/ب/ل/ك, if more than 3 letters) and then also without a following "ال"
    (if more than 4 letters left); without a leading "ال"; without a leading "لل". Duplicates are
    kept so a caller that stops at the first hit sees the same order as before."""
    w = fold_word(word)
    out = [w]
    for pre in _ONE_LETTER_PROCLITICS:
        if w.startswith(pre) and len(w) > 3:
            rest = w[1:]
            out.append(rest)
            if rest.startswith("ال") and len(rest) > 4:
                out.append(rest[2:])
    if w.startswith("ال") and len(w) > 4:
        out.append(w[2:])
    if w.startswith("لل") and len(w) > 4:
        out.append(w[2:])
    return tuple(out)
