"""The sentence view: an article folded once (`DocIndex`), and each sentence's slice of it.

`DocIndex` folds the article, splits its words and matches every phrase set of the lexicon in one
pass; `SentenceView` slices a sentence's words, clause breaks and hits from it, and maps folded
offsets back to the text. `ActorRef` and `NumberInfo` are the actor and number mentions of a
sentence in its folded offsets.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from rasid.document import Span
from rasid.extract.events.lexicon import EventLexicon
from rasid.extract.events.matching import Hit, PhraseMatcher, PhraseSet, new_hit
from rasid.text.fold import KeptOffsets, fold_with_offsets

STRONG_PUNCT = frozenset(".!?؛;:\n؟")
WEAK_PUNCT = frozenset("،,")
_BOUNDARY_CHARS = frozenset(STRONG_PUNCT | WEAK_PUNCT | set("\"()"))

# ActorRef and NumberInfo are made for every mention of every sentence read: named tuples (immutable,
# compared by value like a frozen dataclass) are several times cheaper to build.
class ActorRef(NamedTuple):
    start: int  # folded-sentence offsets
    end: int
    id: str | None
    text: str
    side: str | None = None
    inter: int | None = None
    name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "side": self.side, "inter": self.inter, "name": self.name}


def actor_ref(start: int, end: int, actor_id: str | None, text: str, attrs: Mapping[str, Any]) -> ActorRef:
    """An actor in a sentence from an entity mention's attributes (or the same built from the KB)."""
    return ActorRef(start, end, actor_id, text, attrs.get("side"), attrs.get("inter"),
                    attrs.get("acled_name") or attrs.get("name_en"))


class NumberInfo(NamedTuple):
    start: int  # folded-sentence offsets
    end: int
    value: float | None
    bound: str
    kind: str
    unit: str | None
    unit_end: int | None


_STRONG_RE = re.compile("[" + re.escape("".join(sorted(STRONG_PUNCT))) + "]")
_WEAK_RE = re.compile("[" + re.escape("".join(sorted(WEAK_PUNCT))) + "]")


_MATCHERS: dict[int, tuple[EventLexicon, PhraseMatcher]] = {}


def _matcher(lex: EventLexicon) -> PhraseMatcher:
    """One matcher per lexicon (kept with it, so the id stays that lexicon's)."""
    found = _MATCHERS.get(id(lex))
    if found is None or found[0] is not lex:
        sets = list(lex.phrase_sets())
        found = (lex, PhraseMatcher(sets))
        if len(_MATCHERS) > 8:
            _MATCHERS.clear()
        _MATCHERS[id(lex)] = found
    return found[1]


class DocIndex:
    """The whole article folded once, with its words, clause breaks and phrase hits.

    Matching every phrase set once per article (instead of once per sentence) keeps the stage
    cheap; sentence views slice what they need from here.
    """

    def __init__(self, text: str, lex: EventLexicon):
        self.text = text
        self.folded, self.offsets = fold_with_offsets(text)
        # Undiacritised text folds 1:1, so offsets need no look-up.
        self.identity = len(self.folded) == len(text)
        # One scan for both tokenisations: the matcher's \w+ runs, and the words (letter or digit
        # runs), which never cross a \w+ run, so a run that is all letters is one word. The same
        # pass matches every phrase set of the lexicon.
        self.matcher = _matcher(lex)
        words: list[tuple[int, int, str]] = []
        found = self.matcher.find_all(self.folded, words)
        self.words = words
        self.word_starts = [w[0] for w in words]
        # (keyed by the set itself: its hash is its identity, and a dict look-up needs no id() call)
        self._hits: dict[PhraseSet, tuple[list[int], list[Hit]]] = {}
        merged: list[tuple[int, PhraseSet, Hit]] = []
        for si, hits in zip(self.matcher.sets, found, strict=True):
            ps = si.ps
            self._hits[ps] = ([h.start for h in hits], hits)
            merged += [(h.start, ps, h) for h in hits]
        # All sets' hits in text order: a sentence picks up its own in one slice.
        merged.sort(key=lambda x: x[0])
        self.all_hits = merged
        self.all_hit_starts = [x[0] for x in merged]
        strong = [m.start() for m in _STRONG_RE.finditer(self.folded)]
        strong += self.hits(lex.clause_breaks)[0]
        strong += [h for h in self.hits(lex.comma_clause_breaks)[0] if self.folded[max(0, h - 3) : h].rstrip().endswith(("،", ","))]
        self.strong = sorted(strong)
        self.all = sorted(strong + [m.start() for m in _WEAK_RE.finditer(self.folded)])
        cas = lex.casualties
        self._event_sets = (lex.triggers, cas.killed_cues, cas.killed_nouns, cas.injured_cues, cas.injured_nouns)

    def may_hold_event(self, start: int, end: int) -> bool:
        """Whether the text span has a trigger or a casualty word (else no event can start there)."""
        fs, fe = self.to_folded(start), self.to_folded(end)
        for ps in self._event_sets:
            starts, _hits = self.hits(ps)
            i = bisect.bisect_left(starts, fs)
            if i < len(starts) and starts[i] < fe:
                return True
        return False

    def to_folded(self, j: int) -> int:
        """The folded position of text position `j` (`bisect_left(offsets, j)`)."""
        offsets = self.offsets
        if isinstance(offsets, range):
            return j if j < len(offsets) else len(offsets)
        return offsets.folded_index(j)

    def is_doc_level(self, phrases: PhraseSet) -> bool:
        return phrases in self._hits

    def hits(self, phrases: PhraseSet) -> tuple[list[int], list[Hit]]:
        key = phrases
        found = self._hits.get(key)
        if found is None:
            hits = phrases.find(self.folded)
            found = ([h.start for h in hits], hits)
            self._hits[key] = found
        return found


def _slice(values: Sequence[int], lo: int, hi: int) -> list[int]:
    return [v - lo for v in values[bisect.bisect_left(values, lo) : bisect.bisect_left(values, hi)]]


class SentenceView:
    """A sentence folded for matching, with word positions, clause breaks and offset maps."""

    def __init__(self, text: str, start: int, end: int, lex: EventLexicon, index: DocIndex | None = None):
        if index is None or index.text is not text:
            index = DocIndex(text, lex)
        self.index = index
        self.doc_text = text
        self.base = start
        self.raw = text[start:end]
        fs, fe = index.to_folded(start), index.to_folded(end)
        self._fs, self._fe = fs, fe
        self.folded = index.folded[fs:fe]
        self._n = len(self.folded)
        self._identity = index.identity
        kept = index.offsets
        self._deleted, self.shifted = (kept.deleted, kept.shifted) if isinstance(kept, KeptOffsets) else ([], [])
        i, j = bisect.bisect_left(index.word_starts, fs), bisect.bisect_left(index.word_starts, fe)
        inside = index.words[i:j]
        if inside and inside[-1][1] > fe:
            inside.pop()  # (words do not overlap: only the last can run past the end)
        self.words = [(ws - fs, we - fs, w) for ws, we, w in inside] if fs else inside
        self._word_starts = [w[0] for w in self.words]
        self._doc_hits = index._hits
        # This sentence's hits of every lexicon set, in sentence offsets (one pass over its slice).
        own: dict[PhraseSet, list[Hit]] = {}
        i = bisect.bisect_left(index.all_hit_starts, fs)
        j = bisect.bisect_left(index.all_hit_starts, fe, i)
        for _s, key, h in index.all_hits[i:j]:
            if h.end <= fe and h.word_start >= fs:
                own.setdefault(key, []).append(new_hit(Hit, (h.start - fs, h.end - fs, h.form, h.payload, h.word_start - fs)))
        self._own = own
        self._strong = _slice(index.strong, fs, fe)
        self._all = _slice(index.all, fs, fe)
        self._found: dict[PhraseSet, list[Hit]] = {}

    def find(self, phrases: PhraseSet) -> list[Hit]:
        """Hits of a phrase set inside this sentence, in sentence offsets.

        The lexicon's sets are matched once per article (`DocIndex`); this slices their hits.
        """
        key = phrases
        found = self._own.get(key)
        if found is not None:
            return found
        if key in self._doc_hits:
            return []
        found = self._found.get(key)
        if found is None:
            found = phrases.find(self.folded)  # a set outside the lexicon
            self._found[key] = found
        return found

    def to_doc(self, i: int) -> int:
        k = self._fs + (0 if i < 0 else (i if i < self._n else self._n))
        return k if self._identity else k + bisect.bisect_right(self.shifted, k)

    def from_doc(self, j: int) -> int:
        # (past the sentence's end, the clamp below stands in for the offsets' own end)
        k = (j if self._identity else j - bisect.bisect_left(self._deleted, j)) - self._fs
        return 0 if k < 0 else (k if k < self._n else self._n)

    def original(self, s: int, e: int) -> str:
        return self.doc_text[self.to_doc(s) : self.to_doc(e)]

    def span(self, s: int, e: int) -> Span:
        return Span(self.to_doc(s), self.to_doc(e))

    def clause_of(self, pos: int, weak: bool = False) -> int:
        return bisect.bisect_right(self._all if weak else self._strong, pos)

    def clause_end(self, pos: int) -> int:
        i = bisect.bisect_left(self._all, pos)
        return self._all[i] if i < len(self._all) else len(self.folded)

    def segments(self) -> list[tuple[int, int]]:
        cuts = [0, *self._strong, len(self.folded)]
        return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]

    def boundary_between(self, a: int, b: int) -> bool:
        between = self.folded[a:b]
        return between != " " and not _BOUNDARY_CHARS.isdisjoint(between)

    def words_between(self, a: int, b: int) -> int:
        return max(0, bisect.bisect_left(self._word_starts, b) - bisect.bisect_left(self._word_starts, a))

    def words_from(self, pos: int, n: int) -> list[tuple[int, int, str]]:
        i = bisect.bisect_left(self._word_starts, pos)
        return self.words[i : i + n]

    def words_before(self, pos: int, n: int) -> list[tuple[int, int, str]]:
        i = bisect.bisect_left(self._word_starts, pos)
        return self.words[max(0, i - n) : i]

    def only_conjunction(self, a: int, b: int) -> bool:
        return self.folded[a:b].strip() in ("", "و")

    def has_ranks_of(self, a: int, b: int, lex: EventLexicon) -> bool:
        """Whether "في صفوف" / "من" links a count to the category word between a and b."""
        return any(a <= h.start < b for h in self.find(lex.casualties.ranks_of)) or any(
            w == "من" for _s, _e, w in self.words_from(a, 2) if _s < b
        )

    def phrase_after(self, pos: int, lex: EventLexicon) -> str:
        """A short unlinked noun phrase starting at `pos` (stops at prepositions, numbers, punctuation)."""
        picked: list[tuple[int, int, str]] = []
        roles = lex.roles
        for ws, we, w in self.words_from(pos, roles.max_phrase_words + 1):
            if (picked and self.boundary_between(picked[-1][1], ws)) or (not picked and self.boundary_between(pos, ws)):
                break
            if w in roles.phrase_stops or w.isdigit() or w in lex.triggers or (picked and is_means(w, lex)):
                break
            picked.append((ws, we, w))
            if len(picked) >= roles.max_phrase_words:
                break
        return self.original(picked[0][0], picked[-1][1]) if picked else ""

    def phrase_before(self, pos: int, lex: EventLexicon) -> str:
        picked: list[tuple[int, int, str]] = []
        for ws, we, w in reversed(self.words_before(pos, lex.roles.max_phrase_words)):
            if self.boundary_between(we, picked[0][0] if picked else pos):
                break
            if w in lex.roles.phrase_stops or w.isdigit() or w in lex.attribution.lead_words:
                break
            picked.insert(0, (ws, we, w))
        return self.original(picked[0][0], picked[-1][1]) if picked else ""


def is_means(word: str, lex: EventLexicon) -> bool:
    """An event noun with "ب" (by, with): "بانفجار", "بقصف", "بالغارة"."""
    if not word.startswith("ب") or len(word) < 4:
        return False
    rest = word[1:]
    return rest in lex.triggers or (rest.startswith("ال") and rest[2:] in lex.triggers)
