"""Round-ups: one incident per place hit.

A day's round-up lists several places in one clause ("دارت اشتباكات في محيط قرى المشيك والزيارة
وتل واسط"، "تعرضت بلدتا قسطون والحويجة لقصف جوي"). ACLED codes one event per place, so a candidate
whose location is one of a list of places joined only by list words (`place_list_words` of
incident_rules.yaml) becomes one candidate per place. A toll told for the whole list belongs to no
single place: the split events carry no count unless the list has one place left.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from rasid.document import Mention
from rasid.extract.events.fields import Location
from rasid.extract.events.incident_rules import IncidentRules
from rasid.extract.events.sentence import SentenceView

_GAP_SPLIT = re.compile(r"[\s،,؛;]+")


def _joined(view: SentenceView, end: int, start: int, words: frozenset[str]) -> bool:
    """Whether only list words (and commas) stand between two places."""
    if start < end:
        return False
    for token in _GAP_SPLIT.split(view.folded[end:start]):
        if not token or token in words:
            continue
        if token.startswith("و") and token[1:] in words:
            continue
        return False
    return True


def listed_with(
    view: SentenceView, best: Mention, places: Sequence[tuple[Mention, int]], words: frozenset[str]
) -> list[Mention]:
    """The other places listed with `best` (each a (mention, folded start) pair of the clause)."""
    ordered = sorted(places, key=lambda p: p[1])
    at = next((i for i, (m, _) in enumerate(ordered) if m is best), None)
    if at is None or len(ordered) < 2:
        return []

    def end_of(i: int) -> int:
        m, start = ordered[i]
        return start + (m.end - m.start)

    lo = at
    while lo > 0 and _joined(view, end_of(lo - 1), ordered[lo][1], words):
        lo -= 1
    hi = at
    while hi + 1 < len(ordered) and _joined(view, end_of(hi), ordered[hi + 1][1], words):
        hi += 1
    seen = {best.kb_id}
    out: list[Mention] = []
    for m, _ in ordered[lo : hi + 1]:
        if m is best or not m.kb_id or m.kb_id in seen:
            continue
        seen.add(m.kb_id)
        out.append(m)
    return out


_MAX_ITEMS = 10


def named_list(view: SentenceView, lo: int, hi: int, rules: IncidentRules) -> list[tuple[int, int]]:
    """Folded spans of the names a plural place noun lists in [lo, hi) ("قرى المشيك والزيارة وتل واسط"),
    known to the gazetteer or not; empty when there is no list of two names or more."""
    words = [w for w in view.words if lo <= w[0] < hi]
    for i, (_s, _e, word) in enumerate(words):
        bare = word[1:] if word.startswith("و") and len(word) > 2 else word
        if bare not in rules.list_nouns:
            continue
        items: list[tuple[int, int]] = []
        j, prev_end = i + 1, words[i][1]
        while j < len(words) and len(items) < _MAX_ITEMS:
            start, end, w = words[j]
            name = w
            if items:
                gap = view.folded[prev_end:start]
                if w.startswith("و") and len(w) > 2 and "،" not in gap and "," not in gap:
                    name, start = w[1:], start + 1
                elif "،" not in gap and "," not in gap:
                    break
            if name in rules.list_ends or not name.isalpha():
                break
            if name in rules.name_heads and j + 1 < len(words) and view.folded[end : words[j + 1][0]] == " ":
                j += 1
                end = words[j][1]
            items.append((start, end))
            prev_end = end
            j += 1
        if len(items) >= 2:
            return items
    return []


def list_locations(
    view: SentenceView,
    items: Sequence[tuple[int, int]],
    places: Sequence[tuple[Mention, int]],
    best: Mention,
    best_start: int,
) -> list[Location] | None:
    """One location per listed name: its place when the gazetteer knows it, else the words at the
    place that locates the list (the one named right after it, or a known name of the list) with
    geo-precision 2. None when `best` is neither in the list nor right after it."""
    list_end = items[-1][1]
    in_list = any(s <= best_start < e or best_start <= s < best_start + (best.end - best.start) for s, e in items)
    after = not in_list and best_start >= list_end and view.words_between(list_end, best_start) <= 2
    if not (in_list or after):
        return None
    known: list[Mention | None] = []
    for s, e in items:
        # (a known name must cover the listed name: "واسط" inside "تل واسط" is another place)
        hit = next((m for m, ms in places if ms <= s and e <= ms + (m.end - m.start) and m.kb_id), None)
        known.append(hit)
    located = [m for m in known if m is not None and int(m.attrs.get("geo_precision") or 3) < 3]
    anchor = best if after else (located[0] if located else best)
    anchor_location = Location.of(anchor)
    out: list[Location] = []
    seen: set[str] = set()
    for (s, e), hit in zip(items, known, strict=True):
        if hit is not None:
            if hit.kb_id in seen:
                continue
            seen.add(str(hit.kb_id))
            out.append(Location.of(hit))
            continue
        words = view.original(s, e)
        out.append(
            dataclasses.replace(
                anchor_location, name=words, text=words, name_en=None, geo_precision=max(2, anchor_location.precision)
            )
        )
    return out
