"""Sentence splitting for Arabic news text (rule based, offset preserving)."""

from __future__ import annotations

import re
from functools import lru_cache

from rasid.text._data import read_word_list

# Sentence-final punctuation; runs such as "؟!" or "..." count as one terminator.
_TERMINATOR_RE = re.compile(r"[.!?\u061f\u2026;\u061b]+")
_SEMICOLONS = frozenset(";\u061b")
# Characters that close a quotation or parenthesis and stay with the sentence they end.
_CLOSERS = frozenset("\"'\u201d\u00bb\u2019)]}\u201c\u00ab")
# After a terminator these mean the sentence goes on (`"هل انتهى؟"، قال`).
_CONTINUERS = frozenset(",\u060c:;\u061b)]}")
# Diacritics and tatweel that may sit inside or after an abbreviated letter.
_WORD_MARKS = frozenset(chr(c) for c in (*range(0x064B, 0x0660), 0x0670, 0x0640))


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(w.lower() for w in read_word_list("abbreviations.txt"))


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _dot_is_not_final(text: str, seg_start: int, dot: int) -> bool:
    """True when a single '.' at `dot` is part of a number, abbreviation, initial or URL."""
    prev = text[dot - 1] if dot > seg_start else ""
    nxt = text[dot + 1] if dot + 1 < len(text) else ""
    if prev.isdigit() and nxt.isdigit():
        return True  # 3.5, 1.200
    if nxt and (_is_latin(nxt) or nxt.isdigit()):
        return True  # example.com, U.S, v1.2
    if dot - seg_start <= 6 and text[seg_start:dot].strip().isdigit():
        return True  # "1. " list numbering at the start of a line
    # The word right before the dot (scanning back; tatweel as in "هـ." is skipped).
    k = dot
    while k > seg_start and (text[k - 1].isalpha() or text[k - 1] in _WORD_MARKS):
        k -= 1
    word = "".join(c for c in text[k:dot] if c.isalpha() and c != "\u0640")
    if not word:
        return False
    # Single letters are initials or Arabic abbreviations (د. م. ع.)
    return len(word) == 1 or (len(word) <= 5 and word.lower() in _abbreviations())


def _split_line(text: str, start: int, end: int, semicolons: bool, out: list[tuple[int, int]]) -> None:
    seg_start = start
    for m in _TERMINATOR_RE.finditer(text, start, end):
        a, b = m.span()
        if b <= seg_start:
            continue
        run = m.group()
        if run == "." and _dot_is_not_final(text, seg_start, a):
            continue
        if run == "..":
            continue  # Arabic headlines use ".." as a pause: "الهدوء يتبدد في ريف إدلب.. قصف ..."
        if not semicolons and all(c in _SEMICOLONS for c in run):
            continue
        while b < end and text[b] in _CLOSERS:
            b += 1
        k = b
        while k < end and text[k] in " \t":
            k += 1
        if k < end and text[k] in _CONTINUERS:
            continue
        if k < end and run == "..." and text[k].islower():
            continue  # Latin text going on after an ellipsis
        _emit(text, seg_start, b, out)
        seg_start = b
    _emit(text, seg_start, end, out)


# No sentence of the realnews corpus is longer than 3,800 characters. A longer run without a full
# stop or line break (a page without punctuation) is cut at a space: later stages do per-sentence
# work that grows faster than the sentence (a 1 MB one-line text took the events stage 100 s).
MAX_SENTENCE_CHARS = 6_000


def _emit(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        space = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, limit)
        cut = space if space > 0 else limit  # no space at all (not prose): a hard cut
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        out.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append((start, end))


def split_sentences(text: str, *, semicolons: bool = True) -> list[tuple[int, int]]:
    """Split `text` into sentence spans (start, end), trimmed of surrounding whitespace.

    Every line is its own unit (headlines, datelines and paragraphs end at a
    newline); inside a line the text is split after . ! ? ؟ … ; ؛ unless the
    dot belongs to a number, an initial, an abbreviation or a URL. A double
    dot ".." is a pause in Arabic headlines and does not split. Closing
    quotes and brackets right after a terminator stay with its sentence, and
    no split happens when the text goes on with a comma or colon.
    With `semicolons=False` ; and ؛ do not split. A sentence longer than
    `MAX_SENTENCE_CHARS` is cut at a space (or, with none, at that length).
    """
    out: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        if nl < 0:
            nl = n
        if nl > pos:
            if _TERMINATOR_RE.search(text, pos, nl) is None:
                _emit(text, pos, nl, out)  # most lines of news text: one paragraph, no inner split
            else:
                _split_line(text, pos, nl, semicolons, out)
        pos = nl + 1
    return out
