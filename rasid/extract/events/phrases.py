"""Noun phrases of a sentence: the short spans that name who acted, who suffered, or a count."""

from __future__ import annotations

from collections.abc import Sequence

from rasid.extract.events.lexicon import EventLexicon
from rasid.extract.events.sentence import STRONG_PUNCT, WEAK_PUNCT, NumberInfo, SentenceView, is_means

_QUOTES = set("«»\"()")
_PHRASE_BREAKS = frozenset(STRONG_PUNCT | WEAK_PUNCT | _QUOTES)
_STRONG_SET = frozenset(STRONG_PUNCT)

Spans = Sequence[tuple[int, int]]


def means_only(view: SentenceView, lex: EventLexicon, span: tuple[int, int] | None) -> bool:
    """Nothing, or only the means ("بكمين", "بهجوم", "بغارة"), stands where an object would."""
    if span is None:
        return True
    return any(h.word_start == span[0] and view.folded[h.word_start] == "ب" and h.start > h.word_start
               for h in view.find(lex.triggers))


def count_before(view: SentenceView, lex: EventLexicon, pos: int, numbers: Sequence[NumberInfo]) -> bool:
    """A count stands right before `pos` ("سبعة أشخاص"), or before "من" right before it ("اثنين
    من عناصر الصحوة")."""
    before = view.words_before(pos, 2)

    def counted(ws: int, w: str) -> bool:
        return w.isdigit() or any(n.start <= ws < n.end for n in numbers)

    if any(counted(ws, w) for ws, _we, w in before[-1:]):
        return True
    return len(before) == 2 and before[1][2] == "من" and counted(before[0][0], before[0][2]) and (
        not view.boundary_between(before[0][1], pos)
    )


def inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def without_proclitic(word: str) -> str:
    """A masdar without a leading preposition or conjunction ("بشن" -> "شن", "ولشن" -> "شن")."""
    while len(word) > 2 and word[0] in "وفبلك":
        word = word[1:]
    return word


def opens_word(view: SentenceView, i: int) -> bool:
    """A cue found at `i` starts a word (or follows only a conjunction "و"/"ف")."""
    return i == 0 or not view.folded[i - 1].isalpha() or view.folded[i - 1] in "وف"


def after_cue(
    view: SentenceView, lex: EventLexicon, cues: Sequence[str], lo: int, hi: int, blocked: Spans
) -> tuple[int, int] | None:
    """The phrase after the first of `cues` (in their order) found between lo and hi."""
    for cue in cues:
        i = view.folded.find(cue, lo, hi)
        if i >= 0 and opens_word(view, i):
            span = phrase_span(view, lex, i + len(cue), blocked=blocked)
            if span is not None:
                return span
    return None


def count_at(view: SentenceView, lex: EventLexicon, pos: int, numbers: Sequence[NumberInfo]) -> int | None:
    """Where the counted noun starts when a count follows `pos` (past time words): else None."""
    for ws, _we, w in view.words_from(pos, 4):
        if view.boundary_between(pos, ws):
            return None
        num = next((n for n in numbers if n.start <= ws < n.end), None)
        if num is not None:
            return num.end
        if w.isdigit():
            return _we
        if w not in lex.attribution.time_words and w not in lex.roles.skip:
            return None
    return None


def phrase_span(
    view: SentenceView,
    lex: EventLexicon,
    pos: int,
    *,
    backwards: bool = False,
    numbers: Sequence[NumberInfo] = (),
    blocked: Spans = (),
    counted: bool = True,
) -> tuple[int, int] | None:
    """A short noun phrase after (or before) `pos`: leading time words, quantifiers and, when
    `counted`, a count are skipped ("أمس عشرات المواطنين", "خمسة من عناصر الشرطة")."""
    roles = lex.roles
    time_words, lead_words = lex.attribution.time_words, lex.attribution.lead_words
    picked: list[tuple[int, int, str]] = []
    if backwards:
        words = list(reversed(view.words_before(pos, roles.max_phrase_words + 3)))
    else:
        words = view.words_from(pos, roles.max_phrase_words + 6)
    edge = pos
    for ws, we, w in words:
        text_between = view.folded[we:edge] if backwards else view.folded[edge:ws]
        if text_between != " ":  # (one space, the usual gap, holds no break)
            if (picked or backwards) and not _PHRASE_BREAKS.isdisjoint(text_between):
                break
            if not _STRONG_SET.isdisjoint(text_between):
                break
        edge = ws if backwards else we
        if blocked and inside(ws, blocked):
            break
        is_number = w.isdigit() or (bool(numbers) and any(n.start <= ws < n.end for n in numbers))
        if not picked:
            if backwards and (w in roles.skip or w in lead_words or w == "قد"):
                continue
            if not backwards and (w in time_words or w in roles.skip or w in roles.quantifiers):
                continue
            if not backwards and is_number and counted:
                continue
        if w == "من" and picked and not backwards and all(p[2] in roles.partitive_heads for p in picked):
            continue  # "وحدات من الجيش": the units belong to the phrase
        if is_number or w in roles.phrase_stops or w in lex.triggers or w in roles.verbs or w in roles.quantifiers:
            break
        if w[:1] == "و" and w[1:] in roles.verbs:
            break  # ("واصيب 13 آخرون": a verb joined by "و" opens a new clause)
        if not backwards and w[:1] == "ب" and w in roles.agent:
            break  # ("مدنيان بنيران عناصر داعش": the agent's cue "by the fire of" ends the victims)
        if picked and not backwards and w.startswith("و") and len(w) > 3:
            break  # "شخصا وأصيب ...": a new clause or a second conjunct
        if picked and not backwards and is_means(w, lex):
            break  # "عناصر من الشرطة بانفجار ...": how it happened, not who
        picked.append((ws, we, w))
        if backwards and w.startswith("و") and len(w) > 3:
            break
        if len(picked) >= roles.max_phrase_words + (1 if picked[0][2] in roles.partitive_heads else 0):
            break
    if not picked:
        return None
    if backwards:
        picked.reverse()
    return picked[0][0], picked[-1][1]
