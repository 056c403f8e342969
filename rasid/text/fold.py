"""The one way Rasid folds Arabic: deletions and 1:1 substitutions, with offsets kept.

Every component that compares Arabic words (normalised search text, the entity and event lexicons,
the stance features, story keys) folds through this module, so "الإيرانية" and "الايرانيه" meet
everywhere the same way. Two kinds of edit only: a character is deleted (diacritics, tatweel,
invisible marks) or replaced by exactly one other (digits, quotes, letter variants), so every
folded character maps back to one original character.

`rasid.text.normalize` builds the offset-keeping `Normalized` view on these tables; the event
stage folds whole articles with `fold_with_offsets`, which stores offsets as the few deleted
positions instead of one entry per character.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import overload

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


# Folding without deletions is a 1:1 substitution; a few str.replace calls do it several times
# faster than str.translate on Arabic text (the table's sources never appear among its targets).
_FOLD_PAIRS = tuple((chr(k), v) for k, v in _TABLE_FOLD.items() if isinstance(v, str))
assert len(_FOLD_PAIRS) == len(_TABLE_FOLD) and not {a for a, _ in _FOLD_PAIRS} & {b for _, b in _FOLD_PAIRS}


class KeptOffsets(Sequence[int]):
    """Where each folded character (and the end) was in the text, stored as the few deleted
    positions instead of one entry per character (tanween and tashkeel are rare in a text)."""

    def __init__(self, n: int, deleted: list[int]):
        self.deleted = deleted
        # The k-th kept position is k plus the deletions at or before it: k + bisect_right(shifted, k).
        self.shifted = [d - i for i, d in enumerate(deleted)]
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

    def folded_index(self, j: int) -> int:
        """`bisect_left(self, j)`: how many kept positions come before text position `j`."""
        k = j - bisect.bisect_left(self.deleted, j)
        return k if k < self._len else self._len


def fold_with_offsets(text: str) -> tuple[str, range | KeptOffsets]:
    """`normalize(text)` as (folded text, offsets to `text`), built with the replace chain."""
    n = len(text)
    offsets: range | KeptOffsets
    if _DELETE_RE.search(text) is None:
        offsets = range(n + 1)
    else:  # tanween ("أيضاً") makes this the usual case: drop the marks, note where they were
        parts: list[str] = []
        deleted: list[int] = []
        pos = 0
        for m in _DELETE_RE.finditer(text):
            s, e = m.span()
            parts.append(text[pos:s])
            deleted.extend(range(s, e))
            pos = e
        parts.append(text[pos:])
        text, offsets = "".join(parts), KeptOffsets(n, deleted)
    for a, b in _FOLD_PAIRS:
        if a in text:
            text = text.replace(a, b)
    return text, offsets


# The proclitic splits the regex of a PhraseSet tries, in its order: "و"/"ف" first (greedy), then
# بال|كال|لل|ال|[بلك], then none.
SECOND_PROCLITICS = ("بال", "كال", "لل", "ال", "ب", "ل", "ك", "")


def proclitic_splits(token: str) -> list[int]:
    """Where a word's core may start after its proclitics (و/ف, then بال/كال/لل/ال/ب/ل/ك), longest first."""
    out = []
    for first in ((token[0], "") if token[:1] in ("و", "ف") else ("",)):
        rest = token[len(first) :]
        for second in SECOND_PROCLITICS:
            cut = len(first) + len(second)
            if rest.startswith(second) and cut < len(token):
                out.append(cut)
    return out
