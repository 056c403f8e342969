"""Arabic number mentions: digits, number words, duals, ranges and approximations.

`find_numbers(text)` returns `NumberMention`s with offsets into the original text, a value,
a bound (exact / at_least / about / at_most / range / some), a kind (cardinal, ordinal, year,
percent, dual) and the word the number counts (the "unit": قتيلا، كم، ساعة ...), so later
stages can tell casualties from distances and durations.

Matching runs on a folded copy of the text (`rasid.text.fold.NUMBERS`: diacritics and tatweel
removed, أإآ→ا, ة→ه, ى→ي, Arabic-Indic digits → ASCII) and maps offsets back. A regex prefilter finds trigger
words so that only small windows around candidates are tokenised.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate, compress
from operator import itemgetter
from typing import Any, Literal

from rasid.serialize import load_yaml
from rasid.text.fold import NUMBERS, KeptOffsets, fold_with_offsets, fold_word

Bound = Literal["exact", "at_least", "about", "at_most", "range", "some"]
Kind = Literal["cardinal", "ordinal", "year", "percent", "dual"]


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    text: str
    value: float | None
    value_max: float | None
    bound: Bound
    kind: Kind
    unit_start: int | None
    unit_end: int | None
    unit: str | None


# --------------------------------------------------------------------------- folding

# The number matchers' own fold (a named option set of rasid.text.fold): harakat and tatweel out,
# hamza seats kept, Arabic separators and percent sign to ASCII.
_FOLD_ALL = NUMBERS.table  # the whole fold as a str.translate table
_DELETABLE_RE = NUMBERS.delete_re


class Folded:
    """A folded copy of a text plus the map back to original offsets."""

    __slots__ = ("_adj", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        self.text, offsets = fold_with_offsets(original, NUMBERS)
        # adj[j] = position (in folded text) before which the j-th deletion happened.
        self._adj = offsets.shifted if isinstance(offsets, KeptOffsets) else []

    def orig(self, i: int) -> int:
        """Original offset of folded character i."""
        return i + bisect.bisect_right(self._adj, i)

    def orig_end(self, i: int) -> int:
        """Original end offset for a folded end offset i (exclusive)."""
        if i <= 0:
            return 0
        e = self.orig(i - 1) + 1
        # Diacritics after the last letter (tanween in "مدنيّاً") belong to the word.
        trailing = _DELETABLE_RE.match(self.original, e)
        return trailing.end() if trailing else e


def fold(text: str) -> str:
    """Fold a word or phrase the way the matchers do (for lexicon entries)."""
    return fold_word(text, NUMBERS).strip()


# --------------------------------------------------------------------------- tokens

TOKEN_RE = re.compile(r"[\u0621-\u064a]+|\d+(?:[.,]\d+)*|\.\d+|[A-Za-z]+|[^\s]")


# A token of the folded text with folded offsets: (norm, start, end). Plain tuples because whole
# articles are tokenised and `zip` builds them in C (~3x cheaper than a class per token).
Tok = tuple[str, int, int]


def is_digit(tok: Tok) -> bool:
    """Whether the token is a number written in digits ("12", "1,200", ".5")."""
    norm = tok[0]
    return norm[0].isdigit() or (norm[0] == "." and len(norm) > 1)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Tok]:
    end = len(text) if end is None else end
    return [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text, start, end)]


# find_times and find_numbers run on the same article text one after the other (entity stage):
# fold and tokenise it once. One entry each; values are never mutated by the callers.
_LAST_FOLDED: list[tuple[str, Folded]] = []
_LAST_SPLIT: list[tuple[str, list[str]]] = []
_LAST_TOKENS: list[tuple[str, list[Tok]]] = []
# Splitting on the token pattern gives [space, token, space, token, ..., space]: every non-space
# character starts a token, so the pieces between tokens are whitespace (possibly empty).
_TOKEN_SPLIT_RE = re.compile(f"({TOKEN_RE.pattern})")


def folded_text(text: str) -> Folded:
    """`Folded(text)`, reusing the last result for the same text."""
    last = _LAST_FOLDED[0] if _LAST_FOLDED else None
    if last is not None and last[0] == text:
        return last[1]
    got = Folded(text)
    _LAST_FOLDED[:] = [(text, got)]
    return got


def _split(ft: str) -> list[str]:
    last = _LAST_SPLIT[0] if _LAST_SPLIT else None
    if last is not None and last[0] == ft:
        return last[1]
    got = _TOKEN_SPLIT_RE.split(ft)
    _LAST_SPLIT[:] = [(ft, got)]
    return got


def text_words(ft: str) -> list[str]:
    """The token strings of a whole folded text (`[t[0] for t in tokenize(ft)]`)."""
    return _split(ft)[1::2]


def text_tokens(ft: str) -> list[Tok]:
    """`tokenize(ft)` of a whole folded text, reusing the last result for the same text."""
    last = _LAST_TOKENS[0] if _LAST_TOKENS else None
    if last is not None and last[0] == ft:
        return last[1]
    parts = _split(ft)
    # Offsets are running sums of the piece lengths; all loops here run in C.
    offsets = list(accumulate(map(len, parts), initial=0))
    got = list(zip(parts[1::2], offsets[1:-1:2], offsets[2::2], strict=True))
    _LAST_TOKENS[:] = [(ft, got)]
    return got


CLITICS = ("و", "ف", "ب", "ل", "ك")


def variants(word: str) -> Iterable[tuple[str, int]]:
    """The word and its forms with one proclitic (و ف ب ل ك, then لل→ال) removed, with the clitic length."""
    yield word, 0
    if len(word) > 2 and word[0] in CLITICS:
        rest = word[1:]
        yield rest, 1
        if word[0] == "ل" and rest.startswith("ل"):
            yield "ا" + rest, 1  # للعام → العام
        if len(rest) > 2 and rest[0] in "بلك" and word[0] in "وف":
            yield rest[1:], 2
            if rest[0] == "ل" and rest[1:].startswith("ل"):
                yield "ا" + rest[1:], 2


_VARIANTS: dict[str, tuple[tuple[str, int], ...]] = {}


def word_variants(word: str) -> tuple[tuple[str, int], ...]:
    """`tuple(variants(word))`, memoised (the matchers ask for the same words again and again)."""
    got = _VARIANTS.get(word)
    if got is None:
        if len(_VARIANTS) > 100_000:  # unbounded vocabularies: keep the memo bounded
            _VARIANTS.clear()
        got = _VARIANTS[word] = tuple(variants(word))
    return got


def parse_digits(s: str) -> float | None:
    """'1,200' → 1200, '01.10' → 1.1, '.77' → 0.77; None for junk (and for runs of 309 digits or
    more, which no float holds: counting with infinity breaks every rule after)."""
    if "," in s:
        parts = s.split(".")[0].split(",")
        thousands = all(len(p) == 3 for p in parts[1:]) and parts[0]
        s = s.replace(",", "") if thousands else s.replace(",", ".")  # else a decimal comma
    try:
        value = float(s)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class NumberLexicon:
    words: dict[str, tuple[str, int]]  # folded word -> (category, value)
    ordinals: dict[str, int]
    ordinal_compound_units: dict[str, int]
    ordinal_tens: dict[str, int]
    teen_tails: frozenset[str]
    vague: dict[tuple[str, ...], tuple[int, int]]
    some: frozenset[tuple[str, ...]]
    bounds: dict[tuple[str, ...], str]
    strict: frozenset[tuple[str, ...]]  # bound phrases that leave the stated number out ("أكثر من")
    trailing_at_least: frozenset[tuple[str, ...]]  # "20 قتيلا على الأقل"
    percent: frozenset[tuple[str, ...]]
    year_words: frozenset[str]
    duals: dict[str, str]  # dual surface (folded) -> singular
    stopwords: frozenset[str]
    trigger: frozenset[str]  # words (with proclitics) that may start or be a number
    first_words: frozenset[str]  # words that can open a mention (to strip a proclitic before them)


def _forms(values: Any, where: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ValueError(f"numbers.yaml: {where} must be a list of non-empty strings")
    return [fold(v) for v in values]


def _phrase_set(values: Any, where: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(t[0] for t in tokenize(f)) for f in _forms(values, where))


def _dual_forms(singular: str, oblique: bool) -> list[str]:
    base = singular[:-1] + "ت" if singular.endswith("ه") else singular
    endings = ("ان", "ين") if oblique else ("ان",)
    out = []
    for e in endings:
        out += [base + e, "ال" + base + e]
    return out


def _strict_bounds(values: Any, bounds: dict[tuple[str, ...], str]) -> frozenset[tuple[str, ...]]:
    strict = _phrase_set(values, "strict_bounds")
    unknown = [" ".join(p) for p in strict if bounds.get(p) not in ("at_least", "at_most")]
    if unknown:
        raise ValueError(f"numbers.yaml: strict_bounds must be at_least/at_most bounds (not {unknown})")
    return strict


@lru_cache(maxsize=1)
def lexicon() -> NumberLexicon:
    raw = load_yaml(resources.files("rasid.text").joinpath("data/numbers.yaml").read_text("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("numbers.yaml: top level must be a mapping")
    words: dict[str, tuple[str, int]] = {}
    for cat in ("units", "teen_heads", "tens", "hundreds", "scales", "scale_duals"):
        table = raw.get(cat)
        if not isinstance(table, dict):
            raise ValueError(f"numbers.yaml: missing mapping '{cat}'")
        for value, forms in table.items():
            for f in _forms(forms, f"{cat}.{value}"):
                words.setdefault(f, (cat, int(value)))
    ordinals = {f: int(v) for v, fs in raw["ordinals"].items() for f in _forms(fs, f"ordinals.{v}")}
    compound_units = {
        f: int(v)
        for v, fs in raw["ordinal_unit_in_compound"].items()
        for f in _forms(fs, "ordinal_unit_in_compound")
    }
    ordinal_tens = {f: v for f, v in ordinals.items() if v >= 20}
    vague: dict[tuple[str, ...], tuple[int, int]] = {}
    for entry in raw["vague_plurals"]:
        for f in _forms(entry["forms"], "vague_plurals"):
            vague[tuple(t[0] for t in tokenize(f))] = (int(entry["low"]), int(entry["high"]))
    bounds: dict[tuple[str, ...], str] = {}
    for bound, forms in raw["bounds"].items():
        if bound not in ("about", "at_least", "at_most"):
            raise ValueError(f"numbers.yaml: unknown bound '{bound}'")
        for f in _forms(forms, f"bounds.{bound}"):
            bounds[tuple(t[0] for t in tokenize(f))] = bound
    duals: dict[str, str] = {}
    for s in _forms(raw["dual_nouns"], "dual_nouns"):
        for d in _dual_forms(s, True):
            duals[d] = s
    for s in _forms(raw["dual_nouns_nominative_only"], "dual_nouns_nominative_only"):
        for d in _dual_forms(s, False):
            duals[d] = s
    ordinal_forms = set(ordinals) | set(compound_units)
    vague_first = {k[0] for k in vague}
    some = _phrase_set(raw["some_phrases"], "some_phrases")
    trigger_words = set(words) | ordinal_forms | vague_first | {k[0] for k in some} | set(duals)
    prefixes = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "وال", "بال", "فال", "كال")
    trigger = frozenset(p + w for w in trigger_words for p in prefixes) | frozenset(
        "لل" + w[2:] for w in trigger_words if w.startswith("ال")
    )
    return NumberLexicon(
        words=words,
        ordinals=ordinals,
        ordinal_compound_units=compound_units,
        ordinal_tens=ordinal_tens,
        teen_tails=frozenset(_forms(raw["teen_tails"], "teen_tails")),
        vague=vague,
        some=some,
        bounds=bounds,
        strict=_strict_bounds(raw.get("strict_bounds"), bounds),
        trailing_at_least=_phrase_set(raw.get("trailing_at_least"), "trailing_at_least"),
        percent=_phrase_set(raw["percent_words"], "percent_words"),
        year_words=frozenset(_forms(raw["year_words"], "year_words")),
        duals=duals,
        stopwords=frozenset(_forms(raw["unit_stopwords"], "unit_stopwords")),
        trigger=trigger,
        first_words=frozenset(
            set(words) | set(duals) | set(ordinals) | {p[0] for p in bounds}
            | {p[0] for p in vague} | {p[0] for p in some} | {"بين", "من"}
        ),
    )


# --------------------------------------------------------------------------- parsing


@dataclass
class _Num:
    value: float | None
    value_max: float | None
    bound: str
    kind: str
    start: int  # token index
    end: int  # token index, exclusive


def _match_phrase(
    toks: Sequence[Tok], i: int, table: Iterable[tuple[str, ...]]
) -> tuple[int, tuple[str, ...]]:
    """Longest phrase of `table` at token i (the first word may carry a clitic): (length, phrase)."""
    index = _first_word_index(table)
    best: tuple[int, tuple[str, ...]] = (0, ())
    for v, _ in word_variants(toks[i][0]):
        for phrase in index.get(v, ()):
            n = len(phrase)
            if i + n > len(toks) or n <= best[0]:
                continue
            if all(toks[i + k][0] == phrase[k] for k in range(1, n)):
                best = (n, phrase)
    return best


_INDEXES: dict[int, tuple[object, dict[str, list[tuple[str, ...]]]]] = {}


def _first_word_index(table: Iterable[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases grouped by first word; cached per table object (the tables live for the process)."""
    hit = _INDEXES.get(id(table))
    if hit is not None and hit[0] is table:
        return hit[1]
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in table:
        index.setdefault(phrase[0], []).append(phrase)
    _INDEXES[id(table)] = (table, index)
    return index


def _word(lex: NumberLexicon, word: str, allow_clitic: bool = True) -> tuple[str, int] | None:
    for v, k in word_variants(word):
        if k and not allow_clitic:
            break
        hit = lex.words.get(v)
        if hit:
            return hit
    return None


def _parse_words(lex: NumberLexicon, toks: Sequence[Tok], i: int) -> tuple[float, int] | None:
    """A cardinal written in words ("خمسمائة و خمسة و عشرون", "ثلاثة آلاف") → (value, end)."""
    total = 0.0
    current = 0.0
    k = i
    n = len(toks)
    used = False
    while k < n:
        w = toks[k][0]
        if used and w == "و" and k + 1 < n and _word(lex, toks[k + 1][0], False):
            k += 1
            continue
        hit = _word(lex, w, allow_clitic=not used or w.startswith("و"))
        if hit is None:
            break
        cat, val = hit
        if cat == "teen_heads":
            if k + 1 < n and toks[k + 1][0] in lex.teen_tails:
                current += 10 + val
                k += 2
                used = True
                continue
            break
        if cat == "units":
            if 3 <= val <= 9 and k + 1 < n and toks[k + 1][0] in lex.teen_tails:
                current += 10 + val
                k += 2
                used = True
                continue
            if used and current and val < 10 and current % 10 == 0 and current < 100 and not w.startswith("و"):
                break  # "عشرون خمسة": two numbers, not one
            current += val
        elif cat == "hundreds":
            if val == 100 and 1 <= current <= 9:
                current *= 100
            else:
                current += val
        elif cat == "scales":
            if not used:
                if (w,) in lex.vague or any((v,) in lex.vague for v, _ in word_variants(w)):
                    break  # a bare "آلاف"/"ملايين" is a vague plural, handled elsewhere
                current = val  # "ألف نازح", "مليون"
                used = True
                k += 1
                continue
            total += (current or 1) * val
            current = 0
        else:  # tens, scale_duals
            current += val
        used = True
        k += 1
    if not used:
        return None
    return total + current, k


def _parse_ordinal(lex: NumberLexicon, toks: Sequence[Tok], i: int) -> tuple[int, int] | None:
    n = len(toks)
    w = toks[i][0]
    for v, _ in word_variants(w):
        unit = lex.ordinals.get(v)
        cu = lex.ordinal_compound_units.get(v)
        base = unit if unit is not None and unit < 20 else cu
        if base is not None:
            if i + 1 < n and toks[i + 1][0] in lex.teen_tails and base < 10:
                return 10 + base, i + 2
            j = i + 1
            if j < n and toks[j][0] == "و":
                j += 1
            if j < n:
                tail = toks[j][0]
                tail = tail[1:] if tail.startswith("و") and j == i + 1 else tail
                if tail in lex.ordinal_tens and base < 10:
                    return lex.ordinal_tens[tail] + base, j + 1
        if unit is not None and (cu is None or unit >= 20):
            return unit, i + 1
    return None


def _core(lex: NumberLexicon, toks: Sequence[Tok], i: int) -> _Num | None:
    """A single number (no bound words) starting at token i."""
    n = len(toks)
    t = toks[i]
    if is_digit(t):
        value = parse_digits(t[0])
        if value is None:
            return None
        j = i + 1
        if j + 1 < n and toks[j][0] == "فاصله" and is_digit(toks[j + 1]):
            value = parse_digits(f"{t[0]}.{toks[j + 1][0]}") or value
            j += 2
        if j < n and not is_digit(toks[j]):
            hit = _word(lex, toks[j][0], False)
            if hit and hit[0] == "scales":
                value *= hit[1]
                j += 1
                if not math.isfinite(value):
                    return None  # "<300 digits> مليار": past what a float holds, junk as above
        # A minus sign glued to the number (not a range dash).
        if i > 0 and toks[i - 1][0] == "-" and toks[i - 1][2] == t[1] and (
            i == 1 or not is_digit(toks[i - 2])
        ):
            return _Num(-value, None, "exact", "cardinal", i - 1, j)
        return _Num(value, None, "exact", "cardinal", i, j)
    vl, key = _match_phrase(toks, i, lex.vague)
    if vl:
        low, high = lex.vague[key]
        return _Num(float(low), float(high), "some", "cardinal", i, i + vl)
    sl, _ = _match_phrase(toks, i, lex.some)
    if sl:
        return _Num(None, None, "some", "cardinal", i, i + sl)
    parsed = _parse_words(lex, toks, i)
    if parsed:
        value, j = parsed
        return _Num(value, None, "exact", "cardinal", i, j)
    for v, _ in word_variants(t[0]):
        if v in lex.duals:
            return _Num(2.0, None, "exact", "dual", i, i + 1)
    ordinal = _parse_ordinal(lex, toks, i)
    if ordinal:
        return _Num(float(ordinal[0]), None, "exact", "ordinal", i, ordinal[1])
    return None


def _is_year_word(lex: NumberLexicon, word: str) -> bool:
    return any(v in lex.year_words for v, _ in word_variants(word))


def _parse_at(lex: NumberLexicon, toks: Sequence[Tok], i: int) -> _Num | None:
    n = len(toks)
    bound = "exact"
    start = i
    bl, bkey = _match_phrase(toks, i, lex.bounds)
    if bl:
        bound = lex.bounds[bkey]
        i += bl
        if i >= n:
            return None
    between = any(v in ("بين", "من") for v, _ in word_variants(toks[i][0])) and i + 1 < n
    core = _core(lex, toks, i + 1 if between else i)
    if core is None:
        return None
    if between:
        if core.kind != "cardinal" or core.value is None:
            return None
        j = core.end
        if j + 1 < n and toks[j][0] in ("و", "الي", "حتي", "-"):
            other = _core(lex, toks, j + 1)
            if other and other.value is not None and other.kind == "cardinal":
                return _Num(core.value, other.value, "range", "cardinal", start, other.end)
        return None  # "بين" + one number is not a quantity we can read
    core.start = min(core.start, start)
    if bound != "exact":
        if core.bound == "exact":
            core.bound = bound
        core.start = start
    elif core.value is not None and core.kind == "cardinal" and core.bound == "exact":
        j = core.end
        if j + 1 < n and toks[j][0] in ("-", "الي", "حتي", "او", "/") and is_digit(toks[j + 1]) == is_digit(toks[i]):
            other = _core(lex, toks, j + 1)
            if (
                other
                and other.value is not None
                and other.kind == "cardinal"
                and other.value > core.value
                and (toks[j][0] != "/" or core.value >= 1)
            ):
                core.value_max = other.value
                core.bound = "range"
                core.end = other.end
    # Trailing approximation ("15 قتيلا تقريبا") is handled by the caller after the unit.
    if core.kind == "cardinal" and core.value is not None:
        pl = _match_phrase(toks, core.end, lex.percent)[0] if core.end < n else 0
        if pl:
            core.kind = "percent"
            core.end += pl
        elif (
            core.start > 0
            and core.value == int(core.value)
            and 1000 <= core.value <= 2100
            and is_digit(toks[core.start])
            and (
                _is_year_word(lex, toks[core.start - 1][0])
                or (core.end < n and toks[core.end][0] == "م")
            )
        ):
            core.kind = "year"
    return core


def _unit(lex: NumberLexicon, toks: Sequence[Tok], num: _Num) -> tuple[int, int] | None:
    """Token range of the counted noun after a number (skipping one "من")."""
    if num.kind == "dual":
        return num.start if num.bound == "exact" else num.end - 1, num.end
    if num.kind in ("year", "percent", "ordinal"):
        return None
    j = num.end
    if j < len(toks) and toks[j][0] == "من" and j + 1 < len(toks):
        j += 1
    if j >= len(toks):
        return None
    t = toks[j]
    if not ("\u0621" <= t[0][0] <= "\u064a") or t[0] in lex.stopwords:
        return None
    # Glued to the previous token across punctuation-free space only.
    return j, j + 1


def _lead(lex: NumberLexicon, word: str) -> int:
    """Length of a proclitic on the first word of a mention ("وامرأتان", "بنحو")."""
    if word[0].isdigit() or word in lex.words or word in lex.duals or word in lex.ordinals:
        return 0
    for v, k in word_variants(word):
        if k and v in lex.first_words:
            return k
    return 0


@lru_cache(maxsize=1)
def _start_words() -> frozenset[str]:
    """Clitic-free forms a token must have for `_parse_at` to match there: the first words of the
    bound, vague and "some" phrases, number words, duals, ordinals and "بين"/"من"."""
    lex = lexicon()
    return frozenset(
        set(lex.words) | set(lex.duals) | set(lex.ordinals) | set(lex.ordinal_compound_units)
        | {p[0] for p in lex.bounds} | {p[0] for p in lex.vague} | {p[0] for p in lex.some} | {"بين", "من"}
    )


_MAY_START: dict[str, bool] = {}


def _may_start(word: str) -> bool:
    """False where `_parse_at` surely fails, so the loop skips most tokens without parsing."""
    got = _MAY_START.get(word)
    if got is None:
        c = word[0]
        first = _start_words()
        # `variants`, not the memoised `word_variants`: this runs once for every distinct word.
        got = c.isdigit() or (c == "." and len(word) > 1) or any(v in first for v, _ in variants(word))
        if len(_MAY_START) > 100_000:
            _MAY_START.clear()
        _MAY_START[word] = got
    return got


# word -> 0 (no window), 1 (a window over the token), 2 (over the token from its second
# character: the digits of ".5"); memoised per distinct token text.
_WINDOW_KIND: dict[str, int] = {}


def _window_kind(lex: NumberLexicon, word: str) -> int:
    c = word[0]
    if "\u0621" <= c <= "\u064a":
        got = 1 if word in lex.trigger else 0
    elif c == "." and len(word) > 1:
        got = 2
    else:
        got = 1 if c.isdecimal() else 0
    if len(_WINDOW_KIND) > 100_000:  # unbounded vocabularies: keep the memo bounded
        _WINDOW_KIND.clear()
    _WINDOW_KIND[word] = got
    return got


def _windows(
    lex: NumberLexicon, toks: Sequence[Tok], size: int, words: Sequence[str] | None = None
) -> list[tuple[int, int]]:
    """Character spans around trigger words and digit runs, merged: [start - 24, end + 40).

    Read off the tokens: a digit run inside a token ("1,200", ".5") spans the token (from its
    second character for ".5"), and runs in one token are 1 apart, so their windows merge anyway.
    `words` are the tokens' strings when the caller has them; the tokens that open a window
    are then picked in C and only those are visited."""
    if words is None:
        words = [t[0] for t in toks]
    kinds = list(map(_WINDOW_KIND.get, words))
    if None in kinds:
        kinds = [_window_kind(lex, w) if k is None else k for w, k in zip(words, kinds, strict=True)]
    spans: list[tuple[int, int]] = []
    for k in compress(range(len(kinds)), kinds):
        _, s, e = toks[k]
        if kinds[k] == 2:
            s += 1
        s, e = max(0, s - 24), min(size, e + 40)
        if spans and s <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], e))
        else:
            spans.append((s, e))
    return spans


def find_numbers(text: str) -> list[NumberMention]:
    """All number mentions in `text`, in order, non-overlapping."""
    lex = lexicon()
    folded = folded_text(text)
    ft = folded.text
    out: list[NumberMention] = []
    last_end = -1
    all_toks = text_tokens(ft)
    words = text_words(ft)
    spans = _windows(lex, all_toks, len(ft), words)
    if not spans:
        return out
    tok_starts = list(map(itemgetter(1), all_toks))
    # Token indices where a mention may start (see `_may_start`), found before the window loop.
    flags = list(map(_MAY_START.get, words))
    if None in flags:
        flags = [_may_start(w) if f is None else f for w, f in zip(words, flags, strict=True)]
    starts = list(compress(range(len(words)), flags))
    for ws, we in spans:
        # Extend the window to whole words so tokens are not cut in half.
        while ws > 0 and not ft[ws - 1].isspace():
            ws -= 1
        while we < len(ft) and not ft[we].isspace():
            we += 1
        # Tokens cannot span whitespace, so the whole-text tokens starting in [ws, we) are
        # exactly what tokenising the window alone would give.
        first, stop = bisect.bisect_left(tok_starts, ws), bisect.bisect_left(tok_starts, we)
        toks = all_toks[first:stop]
        for k in starts[bisect.bisect_left(starts, first) : bisect.bisect_left(starts, stop)]:
            i = k - first
            # Tokens inside the last mention are skipped (its later tokens start before its end).
            if toks[i][1] < last_end:
                continue
            num = _parse_at(lex, toks, i)
            if num is None:
                continue
            unit = _unit(lex, toks, num)
            end_tok = num.end
            after = toks[unit[1]][0] if unit and unit[1] < len(toks) else ""
            if num.bound == "exact" and after and any(v == "تقريبا" for v, _ in word_variants(after)):
                num.bound = "about"
            tail = unit[1] if unit else num.end
            if num.bound == "exact" and tail < len(toks) and _match_phrase(toks, tail, lex.trailing_at_least)[0]:
                num.bound = "at_least"  # "20 قتيلا على الأقل" (the mention's span stays the number)
            s = folded.orig(toks[num.start][1] + _lead(lex, toks[num.start][0]))
            e = folded.orig_end(toks[end_tok - 1][2])
            us = ue = None
            utext = None
            if unit:
                ulead = _lead(lex, toks[unit[0]][0]) if num.kind == "dual" else 0
                us = folded.orig(toks[unit[0]][1] + ulead)
                ue = folded.orig_end(toks[unit[1] - 1][2])
                utext = text[us:ue]
            out.append(
                NumberMention(
                    start=s,
                    end=e,
                    text=text[s:e],
                    value=num.value,
                    value_max=num.value_max,
                    bound=num.bound,  # type: ignore[arg-type]
                    kind=num.kind,  # type: ignore[arg-type]
                    unit_start=us,
                    unit_end=ue,
                    unit=utext,
                )
            )
            last_end = toks[end_tok - 1][2]
    return out


# --------------------------------------------------------------------------- ranges


@dataclass(frozen=True)
class Amount:
    """A stated amount as a range, the way UCDP GED codes fatalities: `low` and `high` bound it
    (None: unbounded or unknown), `best` is the figure the text commits to (None when it gives
    none: "عشرات", "أكثر من 20"). ACLED's conservative figure is `best`, else `low`."""

    low: int | None
    best: int | None
    high: int | None

    @property
    def conservative(self) -> int | None:
        return self.best if self.best is not None else self.low


def amount_of(value: float | None, value_max: float | None, bound: str, strict: bool = False) -> Amount:
    """The range of a number mention's value and bound.

    exact "20" → 20/20/20; about "نحو 20" → 20/20/20 (as UCDP: an approximate figure is the best
    estimate, and low/high differ from it only when sources disagree); at_least "ما لا يقل عن 20",
    "20 على الأقل" → low 20, best 20, high open; strict at_least "أكثر من 20" → low 21, no best;
    at_most "حتى 20" → high 20 (strict "أقل من 20" → 19), no best; range "بين 10 و15" → 10–15, no best;
    vague "عشرات" → 20–99, no best; "عدد من" (no value) → nothing known.
    """
    if value is None:
        return Amount(None, None, None)
    v = round(value)
    top = round(value_max) if value_max is not None else None
    if bound in ("exact", "about"):
        return Amount(v, v, v)
    if bound == "at_least":
        return Amount(v + 1, None, None) if strict else Amount(v, v, None)
    if bound == "at_most":
        return Amount(None, None, v - 1 if strict else v)
    # "range" (two numbers) and "some" (a vague plural with its span)
    return Amount(v, None, top)


def amount_range(text: str, bound: str | None = None) -> Amount | None:
    """The range of the number phrase `text` ("أكثر من 20", "عشرات", "نحو 15"), None if it is none.
    `bound` is the mention's own bound when words outside `text` set it ("20 قتيلا على الأقل")."""
    lex = lexicon()
    toks = tokenize(fold(text))
    if not toks:
        return None
    i = 1 if toks[0][0] in CLITICS and len(toks) > 1 else 0
    num = _parse_at(lex, toks, i)
    if num is None or num.kind in ("ordinal", "year", "percent"):
        return None
    strict = _match_phrase(toks, i, lex.strict)[0] > 0
    kind = bound if bound is not None and num.bound == "exact" else num.bound
    return amount_of(num.value, num.value_max, kind, strict)
