"""Character-level normalisation of Arabic text with an exact offset map.

Only two kinds of edit are made: deleting a character (diacritics, tatweel,
invisible format marks) and replacing one character by one other character
(digits, quotes, letter folding). Because lengths never grow, every normalised
character maps to exactly one original character, so matches found on the
normalised text can be reported as offsets into the original.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

# Characters deleted outright. Harakat, tanween, shadda, sukun and the Quranic
# marks carry no lexical information for matching; tatweel is pure stretching;
# the zero-width and bidi marks appear in copied web text and split words.
_DELETE = (
    "\u064b-\u065f"  # tanween, harakat, shadda, sukun, small hamza/madda marks
    "\u0670"  # superscript (dagger) alef
    "\u0640"  # tatweel
    "\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"  # Quranic annotation marks
    "\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff"  # zero-width, bidi controls, BOM
)
DELETE_CLASS = f"[{_DELETE}]"
_DELETE_RE = re.compile(f"{DELETE_CLASS}+")


def _expand(ranges: str) -> list[str]:
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


def _base_map() -> dict[int, str]:
    table: dict[int, str] = {}
    for i in range(10):
        table[0x0660 + i] = str(i)  # Arabic-Indic digits
        table[0x06F0 + i] = str(i)  # Persian (extended Arabic-Indic) digits
    for ch in "\u201c\u201d\u00ab\u00bb\u201e\u201f\u2033":
        table[ord(ch)] = '"'
    for ch in "\u2018\u2019\u201a\u201b\u2032":
        table[ord(ch)] = "'"
    # Exotic spaces become plain spaces so whitespace-based rules see them.
    for ch in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000":
        table[ord(ch)] = " "
    table[0x066B] = "."  # Arabic decimal separator
    table[0x066C] = ","  # Arabic thousands separator
    return table


def _fold_map() -> dict[int, str]:
    # Spelling variants that writers use interchangeably; folding them lets
    # "الإيرانية" and "الايرانيه" meet. Standalone hamza (U+0621) is kept.
    return {
        0x0623: "\u0627",  # alef with hamza above
        0x0625: "\u0627",  # alef with hamza below
        0x0622: "\u0627",  # alef with madda
        0x0671: "\u0627",  # alef wasla
        0x0672: "\u0627",
        0x0673: "\u0627",
        0x0624: "\u0648",  # waw with hamza
        0x0626: "\u064a",  # yeh with hamza
        0x0629: "\u0647",  # taa marbuta -> heh
        0x0649: "\u064a",  # alef maqsura -> yeh
        0x06CC: "\u064a",  # Farsi yeh (Persian keyboards)
        0x06A9: "\u0643",  # keheh -> kaf
    }


_DELETIONS = {ord(c): None for c in _expand(_DELETE)}
_TABLE_PLAIN: dict[int, str | None] = {**_base_map()}
_TABLE_FOLD: dict[int, str | None] = {**_TABLE_PLAIN, **_fold_map()}
# Tables used by the no-offset fast path: substitutions and deletions in one translate call.
_WORD_TABLE_PLAIN = str.maketrans({**_TABLE_PLAIN, **_DELETIONS})
_WORD_TABLE_FOLD = str.maketrans({**_TABLE_FOLD, **_DELETIONS})


def _substituter(table: dict[int, str | None]) -> Callable[[str], str]:
    """`text.translate(table)` for a table of 1:1 substitutions, as one regex pass.

    `str.translate` with a dict looks every character up (~40 ns each on Arabic text);
    a character class finds the few that change and only those are looked up, which is
    2-3x faster on article-length text and gives the same string.
    """
    chars = {chr(k): v for k, v in table.items() if isinstance(v, str)}
    if len(chars) != len(table) or any(len(v) != 1 for v in chars.values()):
        raise ValueError("substitution tables map characters to single characters")
    pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")
    sub = pattern.sub
    replacement = chars.__getitem__

    def substitute(text: str) -> str:
        return sub(lambda m: replacement(m.group()), text)

    return substitute


_SUBSTITUTE_PLAIN = _substituter(_TABLE_PLAIN)
_SUBSTITUTE_FOLD = _substituter(_TABLE_FOLD)


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for each of its characters, the index in the original.

    `offsets` has one more entry than `text`: the final one is len(original), so
    an exclusive end offset maps too.
    """

    text: str
    offsets: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised half-open span to the original text.

        The end maps to the original position of the next kept character, so
        diacritics or tatweel trailing the last character stay inside the span.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) outside normalised text of length {len(self.text)}")
        return self.offsets[start], self.offsets[end]


def normalize(text: str, *, fold: bool = True) -> Normalized:
    """Normalise `text` (see module doc) and keep the offset map back to it."""
    substitute = _SUBSTITUTE_FOLD if fold else _SUBSTITUTE_PLAIN
    n = len(text)
    if _DELETE_RE.search(text) is None:
        # Common case for undiacritised news: pure 1:1 substitution.
        return Normalized(substitute(text), tuple(range(n + 1)))
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _DELETE_RE.finditer(text):
        s = m.start()
        if s > pos:
            parts.append(text[pos:s])
            offsets.extend(range(pos, s))
        pos = m.end()
    if pos < n:
        parts.append(text[pos:])
        offsets.extend(range(pos, n))
    offsets.append(n)
    return Normalized(substitute("".join(parts)), tuple(offsets))


def normalize_text(text: str, *, fold: bool = True) -> str:
    """`normalize(text, fold=fold).text` without the offset map (for whole texts; not cached)."""
    if _DELETE_RE.search(text) is not None:
        text = _DELETE_RE.sub("", text)
    return (_SUBSTITUTE_FOLD if fold else _SUBSTITUTE_PLAIN)(text)


@lru_cache(maxsize=200_000)
def _normalize_word_fold(word: str) -> str:
    return word.translate(_WORD_TABLE_FOLD)


def normalize_word(word: str, *, fold: bool = True) -> str:
    """Normalise a word or short string without computing offsets (dictionary keys, matching).

    Gives the same result as `normalize(word, fold=fold).text`.
    """
    if fold:
        return _normalize_word_fold(word)
    return word.translate(_WORD_TABLE_PLAIN)
