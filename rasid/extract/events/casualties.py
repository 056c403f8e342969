"""Casualty counts: which numbers in a sentence count people killed or injured, and who they were.

A number is a casualty count only when the word it counts is a person noun (مدنيا، أطفال، عنصرا،
شخصا، قتيلا ...) or it directly follows a killed/injured word ("مقتل 5"). Distances, durations,
years and anything else the number counts are never casualties. Whether the people were killed or
injured comes from the unit itself (قتيلا، جرحى) or the nearest killed/injured word in the same
clause. "بينهم 4 أطفال وامرأتان" breaks the preceding count down instead of adding to it; a bare
noun in that list counts one ("وامرأة", "وطفل") and a dual two ("وامرأتان"). Two
different counts for the same group in one sentence are two accounts: they are reported as
conflicting, never summed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rasid.extract.events.kinds import CIVILIAN_CATEGORIES, INJURED, KILLED, Category
from rasid.extract.events.lexicon import EventLexicon
from rasid.extract.events.sentence import ActorRef, NumberInfo, SentenceView
from rasid.extract.events.tolls import toll_rules
from rasid.text.fold import proclitic_variants
from rasid.text.normalize import normalize_word
from rasid.text.numbers import amount_of, amount_range

__all__ = ["CIVILIAN_CATEGORIES", "CasualtyFact", "add", "compatible", "conservative", "disjoint", "find_casualties",
           "merge", "same_victims", "shares_count", "summarize"]


@dataclass(slots=True)
class CasualtyFact:
    """One count (or an uncounted report) of people killed or injured; offsets are folded-sentence offsets."""

    kind: str  # "killed" | "injured"
    count: int | None
    bound: str
    category: str  # civilians | children | women | combatants | persons
    start: int
    end: int
    sub_of: int | None = None  # index of the head fact this one breaks down
    actor: dict[str, Any] | None = None
    reported_categories: list[str] = field(default_factory=list)
    # The count as a range (UCDP GED's low/best/high; `rasid.text.numbers.amount_of` says how each
    # kind of amount maps): "عشرات" is 20-99 with no best; `count` stays the conservative figure.
    low: int | None = None
    best: int | None = None
    high: int | None = None
    rising: bool = False  # "ارتفعت حصيلة ضحايا التفجير إلى 30": updates one incident's toll

    def __post_init__(self) -> None:
        if self.count is not None and self.low is None and self.best is None and self.high is None:
            self.low = self.best = self.high = self.count


_NOT_VICTIMS = "not_victims"  # the kind of a cue that counts people for something else


def _not_victim_unit(unit: str) -> bool:
    """People counted but not hurt: the displaced, prisoners, marchers ("نازحين", "معتقلا")."""
    words = unit.split()
    units = toll_rules().not_victim_units
    return bool(words) and any(v in units for v in proclitic_variants(normalize_word(words[0])))


def _nearest_cue(
    view: SentenceView, cues: Sequence[tuple[int, int, str]], start: int, end: int
) -> tuple[str, int] | None:
    """The killed/injured cue nearest to [start, end) in the same clause; earlier cues win ties."""
    clause = view.clause_of(start, weak=True)
    best: tuple[int, int, str] | None = None
    for cs, ce, kind in cues:
        if view.clause_of(cs, weak=True) != clause:
            continue
        if ce <= start:
            gap = view.words_between(ce, start)
            rank = gap * 2
        elif cs >= end:
            gap = view.words_between(end, cs)
            rank = gap * 2 + 1
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, cs, kind)
    return (best[2], best[0]) if best else None


def _category_after(view: SentenceView, lex: EventLexicon, pos: int, max_words: int = 3) -> tuple[str, int] | None:
    """A category named by "في صفوف X" / "من X" right after `pos`."""
    words = view.words_from(pos, max_words + 2)
    for i, (_ws, _we, w) in enumerate(words[: max_words + 1]):
        cat = lex.category_of(w)
        if cat and cat != Category.OTHERS and i > 0:
            return cat, words[i][1]
    return None


def _actor_after(
    view: SentenceView, lex: EventLexicon, actors: Sequence[ActorRef], pos: int
) -> dict[str, Any] | None:
    """The actor a combatant count belongs to: "عنصرا من هيئة تحرير الشام"."""
    words = view.words_from(pos, 3)
    if not words:
        return None
    limit = words[-1][1]
    if any(pos <= h.start < limit for h in view.find(lex.attribution.preps)):
        return None  # "مقتل جنديين بحسب الجيش التركي": the words after name a source, not the dead's side
    for ref in actors:
        # ("من عناصر الميليشيات والمدنيين": the civilians are victims beside the fighters, not their side)
        if pos <= ref.start <= limit and ref.side != "civilian":
            return ref.as_dict()
    ws, we, w = words[0]
    if w in ("من", "في"):
        start = we
        if len(words) > 1 and words[1][2] == "صفوف":
            start = words[1][1]
    elif w.startswith("لل") and len(w) > 3:
        start = ws + 2
    elif w.startswith("ل") and len(w) > 2:
        start = ws + 1
    else:
        return None
    text = view.phrase_after(start, lex)
    return {"id": None, "text": text, "side": None, "inter": None} if text else None


def find_casualties(
    view: SentenceView, lex: EventLexicon, numbers: Sequence[NumberInfo], actors: Sequence[ActorRef]
) -> list[CasualtyFact]:
    """The casualty facts of a sentence: its counts, the items of their breakdowns, and the
    killed/injured words with no count."""
    finder = _FactFinder(view, lex, actors)
    for num in sorted(numbers, key=lambda n: n.start):
        finder.count(num)
    finder.listed_before()
    finder.breakdown_items()
    finder.uncounted()
    return finder.facts


class _FactFinder:
    """The facts of one sentence, found in three passes that each see the facts found before."""

    def __init__(self, view: SentenceView, lex: EventLexicon, actors: Sequence[ActorRef]):
        self.view, self.lex, self.actors = view, lex, actors
        cues: list[tuple[int, int, str]] = []
        noun_spans: list[tuple[int, int, str]] = []
        words = lex.casualties
        for kind, cue_set, noun_set in (
            (KILLED, words.killed_cues, words.killed_nouns),
            (INJURED, words.injured_cues, words.injured_nouns),
        ):
            for h in view.find(cue_set):
                cues.append((h.start, h.end, kind))
            for h in view.find(noun_set):
                cues.append((h.start, h.end, kind))
                noun_spans.append((h.start, h.end, kind))
        cues.sort()
        self.cues, self.noun_spans = cues, noun_spans
        self.not_victim_cues = [(h.start, h.end, _NOT_VICTIMS) for h in view.find(toll_rules().not_victim_cues)]
        self.breakdowns = view.find(words.breakdown)
        self.facts: list[CasualtyFact] = []
        self.used_cues: set[int] = set()
        self.covered: list[tuple[int, int]] = []

    def last_head(self, before: int) -> int | None:
        facts = self.facts
        for i in range(len(facts) - 1, -1, -1):
            if facts[i].sub_of is None and facts[i].end <= before:
                return i
        return None

    def count(self, num: NumberInfo) -> None:
        """A number that counts people killed or injured becomes a fact (and uses up its cues)."""
        view, lex = self.view, self.lex
        counted = self._counted_people(num)
        if counted is None:
            return
        cat, start, unit_end, unit_kind = counted
        if cat == Category.PERSONS:
            after = _category_after(view, lex, unit_end)
            if after is not None and view.has_ranks_of(unit_end, after[1], lex):
                cat = after[0]
        facts = self.facts
        # Is this a breakdown of the previous count?
        sub_of: int | None = None
        head = self.last_head(num.start)
        if head is not None and view.clause_of(facts[head].start) == view.clause_of(num.start):
            if any(facts[head].end <= b.start < num.start for b in self.breakdowns):
                sub_of = head
            elif facts and facts[-1].sub_of is not None and view.only_conjunction(facts[-1].end, num.start):
                sub_of = facts[-1].sub_of
        if cat == Category.OTHERS:
            cat = facts[head].category if head is not None else Category.PERSONS
        if sub_of is None and self._mixed(num, unit_end, unit_kind):
            return  # the killed and the hurt counted together: no death toll (the cues report both)
        if sub_of is not None:
            kind = facts[sub_of].kind
        elif unit_kind is not None:
            kind = unit_kind
        else:
            # (the nearest cue may say the people were counted for something else: "شارك نحو 300
            # شخص في مسيرة … جثة", "اعتقال 40 شخصا")
            near_cue = _nearest_cue(view, [*self.cues, *self.not_victim_cues], num.start, unit_end)
            if near_cue is None or near_cue[0] == _NOT_VICTIMS:
                return
            kind = near_cue[0]
        n_count = round(num.value) if num.value is not None else None
        amount = amount_range(view.original(num.start, num.end), num.bound) or amount_of(num.value, None, num.bound)
        actor = _actor_after(view, lex, self.actors, unit_end) if cat == Category.COMBATANTS else None
        if cat == Category.PERSONS:
            shared = self._group_named_after(num)
            if shared is not None:
                cat, actor = Category.COMBATANTS, shared  # ("مقتل 21 وإصابة 36 من الحوثيين")
        facts.append(
            CasualtyFact(
                kind, n_count, num.bound if n_count is not None else "some", cat, start, unit_end, sub_of, actor,
                low=amount.low, best=amount.best, high=amount.high,
            )
        )
        self.covered.append((start, unit_end))
        for i, c in enumerate(self.cues):
            if c[2] == kind and view.clause_of(c[0], weak=True) == view.clause_of(num.start, weak=True):
                self.used_cues.add(i)

    def _mixed(self, num: NumberInfo, unit_end: int, unit_kind: str | None) -> bool:
        """"66 قتيلا وجريحا", "مقتل وجرح 110", "عشرات الحوثيين … بين قتيل وجريح": one count of both."""
        view, lex = self.view, self.lex
        nxt = view.words_from(unit_end, 1)
        if unit_kind is not None and nxt and nxt[0][2].startswith("و") and view.words_between(unit_end, nxt[0][0]) == 0:
            other = lex.casualty_noun_kind(nxt[0][2][1:])
            if other is not None and other != unit_kind:
                return True
        before = [c for c in self.cues if c[1] <= num.start and view.words_between(c[1], num.start) <= 1]
        if len({c[2] for c in before}) > 1 and view.words_between(min(c[0] for c in before), num.start) <= 2:
            return True
        rules = toll_rules()
        clause = view.clause_of(num.start, weak=True)
        return any(
            h.start >= unit_end and view.clause_of(h.start, weak=True) == clause
            and view.words_between(unit_end, h.start) <= rules.mixed_window
            for h in view.find(rules.mixed)
        )

    def _counted_people(self, num: NumberInfo) -> tuple[str, int, int, str | None] | None:
        """(category, start, end, killed/injured kind of its noun) of a number counting people, or None."""
        view, lex = self.view, self.lex
        if num.kind in ("ordinal", "percent", "year"):
            return None
        unit = num.unit or ""
        if num.value is not None and 1800 <= num.value <= 2100 and not lex.category_of(unit):
            return None  # a year ("منذ مارس 2020")
        if unit and lex.is_non_person(unit):
            if not self._members_of_group(num, unit):
                return None
            # "قتل 7 من ميليشيات الحوثي": the militias' members, fighters
            return Category.COMBATANTS, num.start, num.end, None
        if unit and _not_victim_unit(unit) and not any(
            c[1] <= num.start and view.words_between(c[1], num.start) == 0 for c in self.cues
        ):
            return None  # "300 متظاهر", "40 معتقلا": counted as victims only right after "مقتل"
        cat = lex.category_of(unit) if unit else None
        unit_kind = lex.casualty_noun_kind(unit) if unit else None
        if unit_kind is not None and cat is None and unit.startswith("و") and any(
            c[1] <= num.start and view.words_between(c[1], num.start) == 0 for c in self.cues
        ):
            unit_kind = None  # "مقتل 21 وإصابة 36": "وإصابة" starts the next count, it is not counted
        start = num.start
        prev = view.words_before(num.start, 1)
        noun_before = lex.category_of(prev[0][2]) if prev and num.kind == "cardinal" else None
        if noun_before is not None and any(s <= prev[0][0] < e for s, e in self.covered):
            return None  # "عنصران اثنان": the number repeats a count already read from the noun
        if (
            cat is None and unit_kind is None and noun_before not in (None, Category.OTHERS)
            and not view.boundary_between(prev[0][1], num.start)
        ):
            # "إصابة مدنيين اثنين": the count after the people it counts
            cat, start, unit_end = noun_before, prev[0][0], num.end
        elif cat is None and unit_kind is None:
            # "مقتل 5" / "إصابة اثنين": a bare count right after a killed/injured word.
            near = [c for c in self.cues if c[1] <= num.start and view.words_between(c[1], num.start) == 0]
            if not near:
                return None
            cat = Category.PERSONS
            unit_end = num.end
        else:
            unit_end = num.unit_end if num.unit_end is not None else num.end
        return (cat if cat is not None else Category.PERSONS), start, unit_end, unit_kind

    def _group_named_after(self, num: NumberInfo) -> dict[str, Any] | None:
        """The party a bare count shares with the count after it: "مقتل 21 وإصابة 36 من الحوثيين"
        (both counts are the Houthis'): "من" and a named party (not civilians) after at most a
        coordinated killed/injured noun and its number."""
        view = self.view
        words = view.words_from(num.end, 4)
        for i, (_ws, we, w) in enumerate(words):
            if w == "من":
                if i not in (0, 2) or view.boundary_between(num.end, we):
                    return None
                if i == 2 and not (words[0][2].startswith("و") and words[1][2].isdigit()):
                    return None
                ref = next((a for a in self.actors if a.start >= we and view.words_between(we, a.start) == 0), None)
                return ref.as_dict() if ref is not None and ref.side != "civilian" else None
        return None

    def _members_of_group(self, num: NumberInfo, unit: str) -> bool:
        """A count of a group's members: a group noun after "من" right after the number, which
        comes right after a killed/injured word ("قتل 7 من ميليشيات الحوثي")."""
        view, lex = self.view, self.lex
        first = unit.split()[0] if unit.split() else unit
        if first not in lex.casualties.group_units:
            return False
        after = view.words_from(num.end, 1)
        if not after or after[0][2] != "من":
            return False
        return any(c[1] <= num.start and view.words_between(c[1], num.start) == 0 for c in self.cues)

    def listed_before(self) -> None:
        """A bare person noun right after a killed/injured word, joined by و to a count: "مقتل طفل
        وامرأتين" (1 + 2), "مقتل جندي و3 مدنيين" (1 + 3). The count used the cue; the noun counts too."""
        view, lex, facts = self.view, self.lex, self.facts
        for f in list(facts):
            if f.sub_of is not None or f.count is None:
                continue
            glued = f.start > 0 and view.folded[f.start - 1] == "و"  # "وامرأتين" read from its noun
            anchor = f.start - 1 if glued else f.start
            before = view.words_before(anchor, 2)
            joined = glued or view.folded[f.start : f.start + 1] == "و" or (bool(before) and before[-1][2] == "و")
            if not joined or not before:
                continue
            prior = before[-1:] if before[-1][2] != "و" else view.words_before(before[-1][0], 1)
            if not prior:
                continue
            noun = prior[0]
            if any(s <= noun[0] < e for s, e in self.covered):
                continue
            cat, n = lex.category_of(noun[2]), _listed_count(lex, noun[2])
            if cat is None or cat == Category.OTHERS or n is None:
                continue
            if not any(c[1] <= noun[0] and c[2] == f.kind and view.words_between(c[1], noun[0]) == 0 for c in self.cues):
                continue
            if cat == f.category:  # "قتل ضابط وثلاثة جنود": one count of four soldiers, not two accounts
                f.count = (f.count or 0) + n
                f.low, f.best, f.high = (None if v is None else v + n for v in (f.low, f.best, f.high))
                f.start = noun[0]
            else:
                facts.append(CasualtyFact(f.kind, n, "exact", cat, noun[0], noun[1]))
            self.covered.append((noun[0], noun[1]))

    def breakdown_items(self) -> None:
        """Uncounted items of a breakdown: "إحداهما طفل" (one), "بينهم نساء وأطفال" (some), and the bare
        nouns among counted ones: "بينهم 3 أطفال وامرأة" (one), "بينهم طفل وامرأتان" (two)."""
        view, lex, facts, covered = self.view, self.lex, self.facts, self.covered
        for b in self.breakdowns:
            head = self.last_head(b.start)
            if head is None or view.clause_of(facts[head].start) != view.clause_of(b.start):
                continue
            edge = b.end
            modifiers = 0
            for ws, we, w in view.words_from(b.end, 10):
                if view.boundary_between(edge, ws):
                    break
                edge = we
                if any(s < we and ws < e for s, e in covered):
                    modifiers = 0
                    continue  # an item counted above ("3 أطفال", "وسيدتان")
                cat = lex.category_of(w)
                if cat is None or cat == Category.OTHERS:
                    # One adjective may follow an item ("طفل رضيع"); anything else ends the list.
                    if modifiers or w.startswith("و") or ws == view.words_from(b.end, 1)[0][0]:
                        break
                    modifiers += 1
                    continue
                modifiers = 0
                if cat == Category.PERSONS:
                    continue  # "ورجل مسن": a victim in the list, with no field of its own
                listed = 1 if lex.is_singular(w) else 2 if lex.is_dual(w) else None
                facts.append(CasualtyFact(facts[head].kind, listed, "exact" if listed else "some", cat, ws, we, head))
                covered.append((ws, we))

    def uncounted(self) -> None:
        """Killed/injured words with no count: "سقوط قتلى وجرحى", "مقتل طفل", "لقتلى من عناصر الطرفين"."""
        view, lex, facts, covered = self.view, self.lex, self.facts, self.covered
        for i, (cs, ce, kind) in enumerate(self.cues):
            if i in self.used_cues or any(s <= cs < e or cs <= s < ce for s, e in covered):
                continue
            if any(fa.kind == kind and view.clause_of(fa.start, weak=True) == view.clause_of(cs, weak=True) for fa in facts):
                continue
            words = view.words_from(ce, 3)
            cat = Category.PERSONS
            count: int | None = None
            end = ce
            actor = None
            more: list[tuple[int, int, str, int]] = []
            if words:
                first_cat = lex.category_of(words[0][2])
                if first_cat and first_cat != Category.OTHERS:
                    cat = first_cat
                    end = words[0][1]
                    count = _listed_count(lex, words[0][2])
                    if count is not None:
                        # "قتل نقيب في الشرطة ومجند": each person joined by و counts
                        more = _coordinated(view, lex, end)
                        count += sum(n for _s, _e, c, n in more if c == cat)
                        end = max([end, *(e for _s, e, c, _n in more if c == cat)])
                else:
                    after = _category_after(view, lex, ce)
                    if after is not None:
                        cat, end = after
            if cat == Category.COMBATANTS:
                actor = _actor_after(view, lex, self.actors, end)
            is_noun = any(ns == cs for ns, _ne, _k in self.noun_spans)
            if count is None and not is_noun and cat == Category.PERSONS and not words:
                continue
            facts.append(CasualtyFact(kind, count, "exact" if count else "some", cat, cs, end, None, actor))
            covered.append((cs, end))
            for ms, me, mcat, n in more:
                if mcat != cat:  # "مقتل جندي ومدني": a victim of another kind beside the first
                    facts.append(CasualtyFact(kind, n, "exact", mcat, ms, me))
                    covered.append((ms, me))


def _listed_count(lex: EventLexicon, word: str) -> int | None:
    """1 for a singular person noun ("جندي", "طفلة"), 2 for a dual ("جنديين"), else None."""
    return 1 if lex.is_singular(word) else 2 if lex.is_dual(word) else None


def _coordinated(view: SentenceView, lex: EventLexicon, pos: int, max_gap: int = 3) -> list[tuple[int, int, str, int]]:
    """(start, end, category, count) of the persons joined by و after a counted one ("قتل نقيب في
    الشرطة ومجند", "مقتل طفل وامرأتين"); a few words may stand between ("في الشرطة", "تركي"). The
    list ends at punctuation, at a number, and at any other word joined by و ("وإصابة")."""
    out: list[tuple[int, int, str, int]] = []
    edge, gap = pos, 0
    for ws, we, w in view.words_from(pos, 8):
        if view.boundary_between(edge, ws) or w[0].isdigit():
            break
        edge = we
        if w.startswith("و") and len(w) > 2:
            cat = lex.category_of(w)
            n = _listed_count(lex, w)
            if cat is None or cat == Category.OTHERS or n is None:
                break
            out.append((ws, we, cat, n))
            gap = 0
            continue
        gap += 1
        if gap > max_gap:
            break
    return out


# Categories with a count field of their own in the record (besides civilians).
_COUNTED_APART = (Category.CHILDREN, Category.WOMEN)


def _actor_key(actor: dict[str, Any] | None) -> str:
    if not actor:
        return ""
    return str(actor.get("id") or actor.get("text") or "")


def summarize(facts: Sequence[CasualtyFact], kind: str) -> dict[str, Any] | None:
    """The killed or injured record of an event: total and the breakdown by category."""
    mine = [fa for fa in facts if fa.kind == kind]
    if not mine:
        return None
    heads: list[CasualtyFact] = []
    subs: list[CasualtyFact] = []
    for fa in mine:
        (subs if fa.sub_of is not None else heads).append(fa)
    # The same count said twice is one fact.
    unique: list[CasualtyFact] = []
    for h in heads:
        if any(u.category == h.category and u.count == h.count and _actor_key(u.actor) == _actor_key(h.actor) for u in unique):
            continue
        unique.append(h)
    groups: dict[tuple[str, str], list[CasualtyFact]] = {}
    for h in unique:
        groups.setdefault((h.category, _actor_key(h.actor)), []).append(h)
    conflicting: list[int] = []
    kept: list[CasualtyFact] = []
    for members in groups.values():
        known = [m for m in members if m.count is not None]
        if any(m.rising for m in known):
            kept.append(max(known, key=lambda m: m.count or 0))  # a rising toll: the highest figure
            continue
        if len({m.count for m in known}) > 1:
            conflicting.extend(sorted(m.count for m in known if m.count is not None))
            continue
        kept.append(known[0] if known else members[0])
    record: dict[str, Any] = {
        "total": None,
        "civilians": None,
        "children": None,
        "women": None,
        "combatants": [],
        "bound": "exact",
        "reported": True,
    }
    known_heads = [h for h in kept if h.count is not None]
    if not conflicting and known_heads:
        record["total"] = sum(h.count for h in known_heads if h.count is not None)
        if len(known_heads) < len(kept):
            record["bound"] = "at_least"
    elif not known_heads:
        record["bound"] = "some"
    if any(h.bound == "at_least" for h in known_heads):
        record["bound"] = "at_least"
    if conflicting:
        record["conflicting"] = conflicting
        record["bound"] = "some"
    record["low"], record["best"], record["high"] = _range(kept, conflicting)
    if any(h.rising for h in kept):
        record["rising"] = True

    def add(key: str, value: int | None) -> None:
        if value is None:
            return
        record[key] = (record[key] or 0) + value

    for h in kept:
        if h.category in CIVILIAN_CATEGORIES:
            add("civilians", h.count)
        if h.category in _COUNTED_APART:
            add(h.category, h.count)
        if h.category == Category.COMBATANTS:
            record["combatants"].append({"count": h.count, "side": (h.actor or {}).get("side"), "actor": h.actor})
    reported: list[str] = []
    for s in subs:
        if s.category in _COUNTED_APART:
            if s.count is None:
                reported.append(s.category)
            else:
                add(s.category, s.count)
        elif s.category == Category.COMBATANTS:
            record["combatants"].append({"count": s.count, "side": (s.actor or {}).get("side"), "actor": s.actor})
    for h in kept:
        if h.count is None and h.category != Category.PERSONS:
            reported.append(h.category)
    if reported:
        record["categories_reported"] = sorted(set(reported))
    return record


def _range(kept: Sequence[CasualtyFact], conflicting: Sequence[int]) -> tuple[int | None, int | None, int | None]:
    """(low, best, high) of a record: sums over its counts. A vague count has no best, so the sum
    has none; people reported without a number leave the high end open. Disputed figures ("army 2,
    PKK 8") give low 2, best 2 (the lower, ACLED's conservative choice), high 8."""
    counted = [h for h in kept if h.count is not None]
    lows = [h.low for h in counted if h.low is not None]
    low = sum(lows) if lows else None
    best = sum(h.best for h in counted if h.best is not None) if counted and all(h.best is not None for h in counted) else None
    closed = len(counted) == len(kept) and all(h.high is not None for h in counted)
    high = sum(h.high for h in counted if h.high is not None) if counted and closed else None
    if conflicting:
        lo, hi = min(conflicting), max(conflicting)
        low = (low or 0) + lo
        best = (best or 0) + lo if best is not None or not counted else None
        high = (high or 0) + hi if high is not None or not kept else None
    return low, best, high


def conservative(record: dict[str, Any] | None) -> int:
    """ACLED's fatalities from a casualty record: the best figure, else the low end, else 0 (the
    `total` of records stored before ranges existed)."""
    if not record:
        return 0
    for key in ("best", "low"):
        if record.get(key) is not None:
            return int(record[key])
    if "best" in record or "low" in record:
        return 0
    return int(record.get("total") or 0)


_COMPARED = ("total", "civilians", "children", "women")
_RANGE = ("low", "best", "high")


def compatible(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Two casualty records can describe the same incident (no count disagrees)."""
    if a is None or b is None:
        return True
    if b.get("rising"):
        # a toll of one incident told again ("ارتفعت حصيلة ضحايا التفجير إلى 30", "وكانت حصيلة أولية
        # للتفجير …"): an update of the earlier figure, not a contradiction (`merge` keeps the highest)
        return True
    for key in _COMPARED:
        if a.get(key) is not None and b.get(key) is not None and a[key] != b[key]:
            return False
    return True


def shares_count(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if a is None or b is None:
        return False
    return any(a.get(k) is not None and a.get(k) == b.get(k) for k in _COMPARED)


def merge(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any] | None:
    """Fill the gaps of one record from a compatible other one."""
    if a is None:
        return b
    if b is None:
        return a
    if a.get("rising") or b.get("rising"):
        # "ارتفعت حصيلة ضحايا التفجير إلى 30": the highest figure the article gives is the toll
        a, b = (a, b) if conservative(a) >= conservative(b) else (b, a)
    out = dict(a)
    for key in _COMPARED:
        if out.get(key) is None:
            out[key] = b.get(key)
    # (the range goes with the total it was read with)
    if (a.get("total") is None and b.get("total") is not None) or all(out.get(k) is None for k in _RANGE):
        out.update({k: b.get(k) for k in _RANGE if k in b})
    if not out.get("combatants"):
        out["combatants"] = b.get("combatants", [])
    cats = sorted(set(a.get("categories_reported", [])) | set(b.get("categories_reported", [])))
    if cats:
        out["categories_reported"] = cats
    return out


def _victim_groups(r: dict[str, Any]) -> set[str]:
    groups = {str(c.get("side") or _actor_key(c.get("actor")) or "") for c in r.get("combatants") or []}
    groups.discard("")
    if r.get("civilians"):
        groups.add("civilians")
    return groups


def disjoint(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Two exact tolls of different, named victim groups (they add up, they do not disagree)."""
    if not a or not b or a.get("total") is None or b.get("total") is None:
        return False
    ga, gb = _victim_groups(a), _victim_groups(b)
    # Each total must be all of one group: a breakdown of part of it says nothing about the rest.
    return bool(ga) and bool(gb) and not (ga & gb) and len(ga) == 1 and len(gb) == 1


def add(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any] | None:
    """The toll of one incident from the tolls of two disjoint victim groups."""
    if a is None or b is None:
        return merge(a, b)
    out = dict(a)
    for key in _COMPARED:
        if a.get(key) is not None or b.get(key) is not None:
            out[key] = (a.get(key) or 0) + (b.get(key) or 0)
    out["combatants"] = list(a.get("combatants") or []) + list(b.get("combatants") or [])
    lows = [r["low"] for r in (a, b) if r.get("low") is not None]
    out["low"] = sum(lows) if lows else None
    for key in ("best", "high"):
        out[key] = a[key] + b[key] if a.get(key) is not None and b.get(key) is not None else None
    if b.get("bound") == "at_least":
        out["bound"] = "at_least"
    return out


def same_victims(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Both tolls count the same group (civilians, or one side's fighters), or name no group."""
    if not a or not b:
        return True
    ga, gb = _victim_groups(a), _victim_groups(b)
    return not ga or not gb or bool(ga & gb)
