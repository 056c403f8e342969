"""Tokenisation with proclitic splitting, on the original text's offsets.

Words are found on the original text (diacritics and tatweel count as part of
a word), then each distinct surface form is analysed once: normalised with an
offset map, proclitics (و ف ب ل ك ال لل) split off when the remaining base is
plausible, and the base stemmed. The analysis is cached, so the per-token cost
is a dictionary lookup and building the Token.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import accumulate, product
from typing import Any

from rasid.document import Clitic, Token
from rasid.text._data import clitic_config, clitic_exceptions, stem_config
from rasid.text.normalize import normalize, normalize_word
from rasid.text.sentences import split_sentences
from rasid.text.stem import stem

_MARKS = "\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d"
# Letters of the scripts we expect, as one character class (much faster than
# [^\W\d_] alternated with marks); the second branch still catches any other script.
_LETTERS = (
    "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u052f"
    "\u0610-\u061a\u0620-\u065f\u066e-\u06d3\u06d5-\u06ef\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff"
    "\ufb50-\ufdff\ufe70-\ufefc\u200c\u200d"
)
_WORD_PATTERN = rf"[{_LETTERS}]+(?:['\u2019][{_LETTERS}]+)*|(?:[^\W\d_]|[{_MARKS}])+"
_NUMBER_PATTERN = r"\d+(?:[.,\u066b\u066c]\d+)*"
_OTHER_PATTERN = r"[.!?\u061f\u2026]+|\S"  # punctuation or other symbol
# Groups 1: word, 2: number, 3: other.
_TOKEN_RE = re.compile(f"({_WORD_PATTERN})|({_NUMBER_PATTERN})|({_OTHER_PATTERN})")
_WORD, _NUMBER = 1, 2
# Splitting on the same alternation as one group yields [gap, token, gap, ..., token, gap]: the
# `finditer` tokens with everything between them (only whitespace: the last branch takes the rest).
_TOKEN_SPLIT_RE = re.compile(f"((?:{_WORD_PATTERN})|(?:{_NUMBER_PATTERN})|(?:{_OTHER_PATTERN}))")
_TATWEEL = "\u0640"
# Between a detached proclitic ("الـ", "لـ") and its base: spaces and at most one opening quote/bracket.
_GAP_RE = re.compile("[ \\t]*[\"'\u201c\u201d\u00ab\u2018(\\[]?[ \\t]*")
_OPENERS = "\"'\u201c\u201d\u00ab\u2018(["

_TOKEN_FIELDS = ("start", "end", "text", "base_start", "norm", "stem", "clitics", "sentence", "is_word")
_CLITIC_FIELDS = ("form", "start", "end")


def _slot_setters(cls: type, fields: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot descriptors' setters of a frozen slotted dataclass, in field order.

    A frozen dataclass __init__ goes through object.__setattr__ per field (~1.5 us per
    Token, half the tokenizer's time). Writing the slots through their descriptors on
    `cls.__new__(cls)` builds the very same object in a fraction of that. This is only
    valid while the class has exactly these fields and no __post_init__, so a change
    there fails loudly at import instead of building incomplete objects.
    """
    names = tuple(f.name for f in dataclasses.fields(cls))
    if names != fields or hasattr(cls, "__post_init__") or not hasattr(cls, "__slots__"):
        raise RuntimeError(f"{cls.__name__} fields changed to {names}: update the fast constructors in {__name__}")
    return tuple(getattr(cls, n).__set__ for n in names)


_TOKEN_NEW = Token.__new__
_TOKEN_SETTERS = _slot_setters(Token, _TOKEN_FIELDS)


def _new_token(
    start: int,
    end: int,
    text: str,
    base_start: int,
    norm: str,
    stem: str,
    clitics: tuple[Clitic, ...],
    sentence: int,
    is_word: bool,
) -> Token:
    """`Token(...)` without the frozen dataclass __init__ (see `_slot_setters`)."""
    s0, s1, s2, s3, s4, s5, s6, s7, s8 = _TOKEN_SETTERS
    tok = _TOKEN_NEW(Token)
    s0(tok, start)
    s1(tok, end)
    s2(tok, text)
    s3(tok, base_start)
    s4(tok, norm)
    s5(tok, stem)
    s6(tok, clitics)
    s7(tok, sentence)
    s8(tok, is_word)
    return tok


def _clitic_factory() -> Callable[[str, int, int], Clitic]:
    new = Clitic.__new__
    c0, c1, c2 = _slot_setters(Clitic, _CLITIC_FIELDS)

    def make(form: str, start: int, end: int) -> Clitic:
        c = new(Clitic)
        c0(c, form)
        c1(c, start)
        c2(c, end)
        return c

    return make


_new_clitic = _clitic_factory()

# (clitic form, start, end) relative to the surface word; base start; norm; stem; is_word;
# whether the surface is a bare proclitic that may attach to the next token ("الـ").
_Analysis = tuple[tuple[tuple[str, int, int], ...], int, str, str, bool, bool]


@lru_cache(maxsize=1)
def _exception_suffixes() -> tuple[str, ...]:
    cfg = stem_config()
    extra = ("", "يين", "يون", "يا", "ان", "هم", "هما")
    return tuple(
        sorted(
            set(extra) | set(cfg.inflection_suffixes) | set(cfg.pronoun_suffixes) | set(cfg.final_suffixes),
            key=len,
        )
    )


@lru_cache(maxsize=1)
def _exception_suffixes_by_length() -> tuple[tuple[int, frozenset[str]], ...]:
    """`_exception_suffixes` grouped by length: one set lookup per length instead of one test per suffix."""
    by_length: dict[int, set[str]] = {}
    for suffix in _exception_suffixes():
        by_length.setdefault(len(suffix), set()).add(suffix)
    return tuple((n, frozenset(group)) for n, group in sorted(by_length.items()))


def _blocked(word: str, pos: int) -> bool:
    """True when word[pos:] is an exception entry, possibly with one inflectional suffix."""
    exceptions = clitic_exceptions()
    rest = word[pos:]
    for n, suffixes in _exception_suffixes_by_length():
        if not n:
            if rest in exceptions:
                return True
        elif len(rest) >= n and rest[-n:] in suffixes and rest[:-n] in exceptions:
            return True
    return False


def split_clitics(word: str) -> tuple[list[str], int]:
    """Split the proclitics off a normalised word: (clitic forms, index where the base starts)."""
    cfg = clitic_config()
    n = len(word)
    art, lam_art = cfg.article, cfg.lam_article
    forms: list[str] = []
    pos = 0
    conj = ""
    if n > 1 and word[0] in cfg.conjunctions and not _blocked(word, 0):
        conj = word[0]
        pos = 1
    found: list[str] = []
    p = pos
    if (
        word.startswith(lam_art, p)
        and n - p - len(lam_art) >= cfg.min_base_after_article
        and not _blocked(word, p)
    ):
        found = [lam_art]
        p += len(lam_art)
    elif (
        p < n
        and word[p] in cfg.prepositions
        and word.startswith(art, p + 1)
        and n - p - 1 - len(art) >= cfg.min_base_after_article
        and not _blocked(word, p)
    ):
        found = [word[p]]
        p += 1
        if not _blocked(word, p):
            found.append(art)
            p += len(art)
    elif word.startswith(art, p) and n - p - len(art) >= cfg.min_base_after_article and not _blocked(word, p):
        found = [art]
        p += len(art)
    elif (
        p < n
        and word[p] in cfg.prepositions
        and word[p] not in cfg.article_only_prepositions
        and n - p - 1 >= cfg.min_base_after_letter
        and not _blocked(word, p)
    ):
        found = [word[p]]
        p += 1
    if conj:
        if not found and (conj in cfg.conjunctions_needing_clitic or n - 1 < cfg.min_base_after_letter):
            return forms, 0
        forms.append(conj)
    forms.extend(found)
    return forms, p


@lru_cache(maxsize=1)
def _clitic_chains() -> dict[str, tuple[str, ...]]:
    """Every normalised string made only of proclitics (و، بال، ولل ...) -> its clitic forms."""
    cfg = clitic_config()
    chains: dict[str, tuple[str, ...]] = {}
    middles: list[tuple[str, ...]] = [(), (cfg.article,), (cfg.lam_article,)]
    middles += [(p,) for p in cfg.prepositions] + [(p, cfg.article) for p in cfg.prepositions]
    for conj, mid in product([(), *((c,) for c in cfg.conjunctions)], middles):
        forms = (*conj, *mid)
        if forms:
            chains["".join(forms)] = forms
    return chains


def _analyse(surface: str, kind: int) -> _Analysis:
    if kind != _WORD:
        norm_text = normalize_word(surface)
        return (), 0, norm_text, norm_text, kind == _NUMBER, False
    norm = normalize(surface)
    if norm.text in _clitic_chains():
        return (), 0, norm.text, norm.text, True, True
    forms, base = split_clitics(norm.text)
    clitics = []
    pos = 0
    for form in forms:
        s, e = norm.to_original(pos, pos + len(form))
        clitics.append((form, s, e))
        pos += len(form)
    base_start = norm.offsets[base]
    base_norm = norm.text[base:]
    return tuple(clitics), base_start, base_norm, stem(base_norm), bool(base_norm), False


# An analysis plus the surface string itself: tokens of one form share that one string (a long
# text's tokens otherwise hold a copy of every word, ~80 bytes each).
_Cached = tuple[tuple[tuple[str, int, int], ...], int, str, str, bool, bool, str]
_CACHE: dict[str, _Cached] = {}
_CACHE_LIMIT = 200_000  # bound: hit rate vs size on real text, see docs/RESULTS.md (issue 17)


def _analysis(surface: str, kind: int) -> _Cached:
    a = _CACHE.get(surface)
    if a is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()  # bounded memory on endless streams; refills quickly
        a = _CACHE[surface] = (*_analyse(surface, kind), surface)
    return a


def _detached_chain(surface: str, text: str, end: int) -> tuple[tuple[str, ...], int] | None:
    """If `surface` is a bare proclitic written apart from its base ("الـ 24", 'لـ"سكاي'),
    return its clitic forms and where the base token starts."""
    chain = _clitic_chains()[normalize_word(surface)]
    if surface.endswith(_TATWEEL):
        m = _GAP_RE.match(text, end)
        nxt = m.end() if m else end
    elif end < len(text) and (text[end] in _OPENERS or text[end].isdigit()):
        nxt = end + 1 if text[end] in _OPENERS else end
    else:
        return None
    if nxt >= len(text) or not (text[nxt].isalnum()):
        return None
    return chain, nxt


def tokenize(text: str, sentences: Sequence[tuple[int, int]] | None = None) -> list[Token]:
    """Tokens of `text` with proclitics separated and sentence indices assigned.

    `sentences` are (start, end) spans as returned by split_sentences (computed
    when None). A proclitic written apart with tatweel ("الـ 24", 'لـ"ستيب')
    is joined to the following token: the token then spans both, with
    `base_start` at the base; an opening quote in between stays inside it.
    """
    if sentences is None:
        sentences = split_sentences(text)
    return _tokenize(text, sentences)


def _tokenize(text: str, sentences: Sequence[tuple[int, int]]) -> list[Token]:
    # Hot loop: one cache lookup and one Token per token; no match objects.
    # Splitting on the token pattern gives [gap, token, gap, token, ..., gap]: the same tokens as
    # `finditer`, and their offsets are running sums of the piece lengths (computed in C).
    parts = _TOKEN_SPLIT_RE.split(text)
    offsets = list(accumulate(map(len, parts)))
    tokens: list[Token] = []
    append = tokens.append
    cache = _CACHE
    new = _TOKEN_NEW
    s0, s1, s2, s3, s4, s5, s6, s7, s8 = _TOKEN_SETTERS
    clitic = _new_clitic
    sent_idx = 0
    n_sent = len(sentences)
    sent_end = sentences[0][1] if n_sent else len(text) + 1
    pending: tuple[int, tuple[Clitic, ...], int] | None = None
    # offsets[2k] is where token k starts (the end of the gap before it), offsets[2k + 1] its end.
    for surface, start, end in zip(parts[1::2], offsets[0:-1:2], offsets[1::2], strict=True):
        if start >= sent_end:
            while start >= sent_end and sent_idx + 1 < n_sent:
                sent_idx += 1
                sent_end = sentences[sent_idx][1]
        a = cache.get(surface)
        if a is None:
            match = _TOKEN_RE.match(text, start)
            a = _analysis(surface, (match.lastindex if match is not None else None) or 0)
        cl, base_rel, norm, stm, is_word, is_chain, surface = a
        if pending is not None:
            p_start, p_clitics, p_next = pending
            if start < p_next:
                continue  # the opening quote between a detached proclitic and its base
            pending = None
            if is_word and not is_chain:
                clitics = p_clitics + tuple(clitic(f, start + s, start + e) for f, s, e in cl)
                append(_new_token(p_start, end, text[p_start:end], start + base_rel, norm, stm, clitics, sent_idx, True))
                continue
        if is_chain:
            detached = _detached_chain(surface, text, end)
            if detached is not None:
                chain, nxt = detached
                norm_map = normalize(surface)
                rel = 0
                chain_clitics = []
                for form in chain:
                    s, e = norm_map.to_original(rel, rel + len(form))
                    chain_clitics.append(Clitic(form, start + s, start + e))
                    rel += len(form)
                pending = (start, tuple(chain_clitics), nxt)
                continue
        # The Token is built inline (see `_slot_setters`): a call per token is measurable here.
        tok = new(Token)
        s0(tok, start)
        s1(tok, end)
        s2(tok, surface)
        if cl:
            s3(tok, start + base_rel)
            if len(cl) == 1:
                f, s, e = cl[0]
                s6(tok, (clitic(f, start + s, start + e),))
            else:
                s6(tok, tuple([clitic(f, start + s, start + e) for f, s, e in cl]))
        else:
            s3(tok, start)
            s6(tok, ())
        s4(tok, norm)
        s5(tok, stm)
        s7(tok, sent_idx)
        s8(tok, is_word)
        append(tok)
    return tokens


def search_terms(text: str) -> list[str]:
    """Normalised bases of the word tokens in `text`, lower-cased, in order.

    Used for indexing articles and for parsing queries alike, so that
    "الميليشيات الإيرانية" and "ميليشيات ايرانيه" give the same terms.
    """
    out: list[str] = []
    cache = _CACHE
    for m in _TOKEN_RE.finditer(text):
        surface = m.group()
        a = cache.get(surface)  # `_analysis` without a call per token when the form is known
        if a is None:
            a = _analysis(surface, m.lastindex or 0)
        if a[4] and not a[5]:  # a word, not a bare proclitic chain
            out.append(a[2].lower())
    return out
