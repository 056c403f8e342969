"""Character-level normalisation of Arabic text with an exact offset map.

Only two kinds of edit are made: deleting a character (diacritics, tatweel,
invisible format marks) and replacing one character by one other character
(digits, quotes, letter folding). Because lengths never grow, every normalised
character maps to exactly one original character, so matches found on the
normalised text can be reported as offsets into the original.

This is the `MATCH` fold of `rasid.text.fold` (`fold=False`: `CLEAN`, letters kept as written)
behind the long-standing API most of Rasid imports; the tables and other option sets live there.
"""

from __future__ import annotations

from dataclasses import dataclass

from rasid.text.fold import CLEAN, MATCH, fold_text, fold_with_offsets

# Word folding is the hottest call of all (every token, every lexicon key): bind the cached folders once.
_FOLD_WORD = MATCH.word_folder
_CLEAN_WORD = CLEAN.word_folder


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
    folded, offsets = fold_with_offsets(text, MATCH if fold else CLEAN)
    return Normalized(folded, tuple(offsets))


def normalize_text(text: str, *, fold: bool = True) -> str:
    """`normalize(text, fold=fold).text` without the offset map (for whole texts; not cached)."""
    return fold_text(text, MATCH if fold else CLEAN)


def normalize_word(word: str, *, fold: bool = True) -> str:
    """Normalise a word or short string without computing offsets (dictionary keys, matching).

    Gives the same result as `normalize(word, fold=fold).text`.
    """
    return _FOLD_WORD(word) if fold else _CLEAN_WORD(word)
