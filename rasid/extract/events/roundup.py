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
from rasid.knowledge.places import km_between, load_places

_GAP_SPLIT = re.compile(r"[\s،,؛;]+")


_OR = frozenset({"او", "أو"})


def _joined(view: SentenceView, end: int, start: int, words: frozenset[str]) -> bool:
    """Whether only list words (and commas) stand between two places, with a comma or a "و"/"أو"
    among them: two names side by side are one place named by its town ("قيفة رداع"), no list."""
    if start < end:
        return False
    gap = view.folded[end:start]
    separated = "،" in gap or "," in gap
    for token in _GAP_SPLIT.split(gap):
        if not token:
            continue
        if token in words:
            separated = separated or token == "و" or token in _OR
            continue
        if token.startswith("و") and token[1:] in words:
            separated = True
            continue
        return False
    return separated


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


# Words a coordinated place phrase may run from its "و"-word to its place ("ومواقع عسكرية أخرى في
# جبل المرحة بمحافظة عمران": the place is the sixth word).
_COORDINATED_WORDS = 7


def coordinated_with(
    view: SentenceView,
    best: Mention | None,
    places: Sequence[tuple[Mention, int]],
    rules: IncidentRules,
    after: int | None = None,
) -> list[Mention]:
    """The places of a clause's other coordinated place phrases ("غارات على معسكر في محافظة إب،
    ومواقع أخرى في جبل المرحة بمحافظة عمران ومديرية حيس بمحافظة الحديدة ومديرية ميدي التابعة
    لمحافظة حجة وفي مناطق متفرقة من محافظة مأرب"): each phrase opened by a "و" on a place noun or
    a preposition (`coordinated_heads`) is a place hit. A place right after the one before it with no
    such "و" between is its container, not a place of its own; countries locate nothing. With `after`
    (the end of a list told before), only places coordinated after that point count, `best` aside."""
    ordered = sorted((p for p in places if p[0].kb_id and p[0].attrs.get("place_type") != "country"), key=lambda p: p[1])
    if after is None:
        at = next((i for i, (m, _) in enumerate(ordered) if m is best), None)
        if at is None or len(ordered) < 2:
            return []
        prev_end, rest = ordered[0][1] + (ordered[0][0].end - ordered[0][0].start), ordered[1:]
    else:
        prev_end, rest = after, [p for p in ordered if p[1] >= after]
    heads = rules.coordinated_heads
    out: list[Mention] = []
    seen = {best.kb_id} if best is not None else set()
    for m, start in rest:
        gap_words = view.words_from(prev_end, view.words_between(prev_end, start))
        opener = next((k for k, w in enumerate(gap_words) if w[2][:1] == "و" and w[2][1:] in heads), None)
        prev_end = start + (m.end - m.start)
        if opener is None or len(gap_words) - opener > _COORDINATED_WORDS:
            continue  # (a container, or a place told in another way)
        if m is not best and m.kb_id not in seen:
            seen.add(m.kb_id)
            out.append(m)
    first = ordered[0][0]
    if after is None and out and first is not best and first.kb_id not in seen:
        out.insert(0, first)
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
        closed = False  # a name joined by "و" ends the list: "مدينتي الضالع وعدن، بدعم من …"
        while j < len(words) and len(items) < _MAX_ITEMS:
            start, end, w = words[j]
            name = w
            if items:
                gap = view.folded[prev_end:start]
                if w.startswith("و") and len(w) > 2 and "،" not in gap and "," not in gap:
                    name, start = w[1:], start + 1
                    closed = True
                elif closed or ("،" not in gap and "," not in gap):
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
    context: Sequence[tuple[Mention, int]] = (),
) -> list[Location] | None:
    """One location per listed name: its place when the gazetteer knows it, else the words at the
    place that locates the list with geo-precision 2: the one named right after it, else the
    nearest known place named before it in the sentence (`context`: "في منطقة الزيارة في سهل الغاب
    ... قرى المشيك وتل واسط"), else a known name of the list. A listed name the gazetteer knows in
    several places is the one nearest that anchor. None when `best` is neither in the list nor
    right after it."""
    list_end = items[-1][1]
    in_list = any(s <= best_start < e or best_start <= s < best_start + (best.end - best.start) for s, e in items)
    after = not in_list and best_start >= list_end and view.words_between(list_end, best_start) <= 2
    known: list[Mention | None] = []
    for s, e in items:
        # (a known name must cover the listed name: "واسط" inside "تل واسط" is another place)
        hit = next((m for m, ms in places if ms <= s and e <= ms + (m.end - m.start) and m.kb_id), None)
        known.append(hit)
    # (no listed name is known and the best place is named before the list: it locates the list)
    before = not in_list and not any(known) and best_start + (best.end - best.start) <= items[0][0]
    if not (in_list or after or before):
        return None
    located = [m for m in known if m is not None and int(m.attrs.get("geo_precision") or 3) < 3]
    earlier = [
        m for m, ms in context
        if m.kb_id and ms + (m.end - m.start) <= items[0][0] and m.attrs.get("lat") is not None
    ]
    anchor = best if after else (earlier[-1] if earlier else (located[0] if located else best))
    anchor_location = Location.of(anchor)
    resolved: list[Location | None] = [
        None if m is None else (_nearest_namesake(m, anchor_location) if m is not anchor else Location.of(m))
        for m in known
    ]
    out: list[Location] = []
    seen: set[str] = set()
    for (s, e), where in zip(items, resolved, strict=True):
        if where is not None:
            if where.place_id in seen:
                continue
            seen.add(str(where.place_id))
            out.append(where)
            continue
        words = view.original(s, e)
        out.append(
            dataclasses.replace(
                anchor_location, name=words, text=words, name_en=None, geo_precision=max(2, anchor_location.precision)
            )
        )
    return out


# A listed name with a namesake this much nearer the list's anchor is that namesake.
_NAMESAKE_KM = 100.0




def _nearest_namesake(m: Mention, anchor: Location) -> Location:
    """"المنصورة" in a list of Ghab villages is Al-Mansurah of Hama, not of Raqqa: the gazetteer's
    place of that name nearest the anchor, when the linked one is far from it and another is near."""
    lat, lon = m.attrs.get("lat"), m.attrs.get("lon")
    if anchor.lat is None or anchor.lon is None or lat is None or lon is None:
        return Location.of(m)
    if km_between(lat, lon, anchor.lat, anchor.lon) <= _NAMESAKE_KM:
        return Location.of(m)
    kb = load_places()
    own = kb.get(str(m.kb_id)) if m.kb_id else None
    names = [str(m.attrs.get("name") or m.text)] + ([own.name_ar] if own else [])
    namesakes = {p.id: p for n in names for p in kb.lookup(n)}
    near = sorted(
        (d, p) for p in namesakes.values()
        if (d := km_between(p.lat, p.lon, anchor.lat, anchor.lon)) <= _NAMESAKE_KM and p.type != "country"
    )
    if not near:
        return Location.of(m)
    return Location.of_place(near[0][1], m.text)
