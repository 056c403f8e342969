"""The "events" stage: ACLED/PLOVER-coded events from each sentence of an article.

Rule-based, with every word list in `data/event_lexicon.yaml`:

1. Each sentence is split into segments at strong clause breaks (؛ . فيما، في حين، بينما ...).
   A segment with a trigger word (غارة، قذائف، اشتباكات، سيطرت، انسحاب، مظاهرة ...) starts a
   candidate event; segments without one lend their casualty counts to the nearest one.
2. The candidate takes actors, place and date from the entity mentions of its sentence (the
   "entities" stage), casualties from `casualties.py`, the source chain and hedging from
   `attribution.py`. Without an entities stage, numbers and dates are read directly and actors
   are approximated by the words around the trigger.
   Triggers governed by a plan/attempt/threat cue or a negation, and background ("ويأتي ذلك بعد",
   "منذ ...") are dropped; running tolls ("حصيلة ... منذ بدء") are not an incident's count.
3. Candidates that describe the same incident merge, keeping every evidence span: adjacent
   sentences readily; sentences further apart only with a shared count, or with the same
   sub-type, compatible place ids, compatible counts and the same day (an undated report counts
   as of the publication day). A headline joins only the first body report of its kind.

Speed: the article is folded once (`DocIndex`, offsets kept as the few deleted positions); every
phrase set of the lexicon is matched in one pass over the article's words (`PhraseMatcher`, with
per-word and per-word-pair trial plans cached across articles), and sentences slice those hits.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import yaml

from rasid.document import Document, Event, Mention, Span
from rasid.extract import casualties as cas
from rasid.extract.attribution import Attribution, find_attributions, find_deniers, find_hedges
from rasid.text.fold import KeptOffsets, fold_with_offsets, proclitic_splits
from rasid.text.normalize import normalize, normalize_word


class EventLexiconError(ValueError):
    """The event lexicon file is missing a section or has a malformed entry."""


# --------------------------------------------------------------------------- phrase matching

_WORD_RE = re.compile(r"[^\W\d_]+|\d+")
_STRONG_PUNCT = set(".!?؛;:\n؟")
_WEAK_PUNCT = set("،,")
_BOUNDARY_CHARS = frozenset(_STRONG_PUNCT | _WEAK_PUNCT | set("\"()"))


class Hit(NamedTuple):
    """One phrase found (a tuple: tens of thousands are made per hundred articles)."""

    start: int  # where the form begins (after any proclitics)
    end: int
    form: str
    payload: Any = None
    word_start: int = -1  # where the whole word begins (with proclitics)


# Hits made in bulk skip the named tuple's Python-level constructor (all five fields given).
_new_hit = tuple.__new__

_PROCLITICS = "(?:[وف])?(?:بال|كال|لل|ال|[بلك])?"


class PhraseSet:
    """Folded word forms matched with optional proclitics; "form*" also matches any suffix.

    One regex alternation per set, run once per article (see `DocIndex`): the regex engine in C
    beats any per-word loop in Python here.
    """

    def __init__(self, forms: Iterable[str], payloads: Mapping[str, Any] | None = None):
        exact: set[str] = set()
        stems: set[str] = set()
        self.payloads: dict[str, Any] = {}
        for raw in forms:
            form = " ".join(normalize_word(str(raw).strip()).split())
            if not form:
                continue
            key = form.rstrip("*")
            (stems if form.endswith("*") else exact).add(key)
            if payloads is not None and raw in payloads:
                self.payloads.setdefault(key, payloads[raw])
        self.words = frozenset(exact | stems)
        self.exact_forms, self.stem_forms = frozenset(exact), frozenset(stems)
        parts = []
        if exact:
            parts.append("(?P<x>" + _trie_regex(exact) + r")(?!\w)")
        if stems:
            parts.append("(?P<s>" + _trie_regex(stems) + r")\w*")
        self._re = re.compile(r"(?<!\w)" + _PROCLITICS + "(?:" + "|".join(parts) + ")") if parts else None
        self._has_exact = bool(exact)

    def find(self, folded: str, words: Sequence[tuple[int, int, str]] | None = None) -> list[Hit]:
        """Non-overlapping hits in `folded` (`words` is accepted for interface symmetry and unused)."""
        if self._re is None:
            return []
        out = []
        for m in self._re.finditer(folded):
            name = "x" if self._has_exact and m.group("x") is not None else "s"
            form = " ".join(m.group(name).split())
            out.append(Hit(m.start(name), m.end(), form, self.payloads.get(form), m.start()))
        return out

    def __contains__(self, word: object) -> bool:
        return word in self.words


_TOKEN_RE = re.compile(r"\w+")
# (core start in the token, form, following words to check, last word is a stem)
_Candidate_t = tuple[int, str, tuple[str, ...], bool]


class _SetIndex:
    """One PhraseSet's forms split into words, for the word-level matcher."""

    def __init__(self, ps: PhraseSet):
        self.ps = ps
        self.exact_single = frozenset(f for f in ps.exact_forms if " " not in f)
        self.stem_single = frozenset(f for f in ps.stem_forms if " " not in f)
        multi: dict[str, list[tuple[int, str, tuple[str, ...], bool]]] = {}
        for forms, stem in ((ps.exact_forms, False), (ps.stem_forms, True)):
            for f in forms:
                words = f.split(" ")
                if len(words) > 1:
                    multi.setdefault(words[0], []).append((len(f), f, tuple(words[1:]), stem))
        self.multi = multi


class PhraseMatcher:
    """All phrase sets of a lexicon matched in one pass over an article's words.

    Gives the same hits as each set's regex (same proclitic order, exact forms before stems,
    longest first, no overlaps within a set) but looks words up in a cache instead of running one
    regex per set over the text: an article's words repeat across articles, the sets do not
    change, so the per-word work is mostly one dict look-up.
    """

    _CACHE_LIMIT = 200_000

    def __init__(self, sets: Iterable[PhraseSet]):
        self.sets: list[_SetIndex] = []
        self.slot: dict[int, int] = {}
        for ps in sets:
            if id(ps) not in self.slot:
                self.slot[id(ps)] = len(self.sets)
                self.sets.append(_SetIndex(ps))
        # Forms of all sets by word: which sets hold each, so a new word costs a few look-ups.
        self._exact: dict[str, list[int]] = {}
        self._stems: dict[str, list[int]] = {}
        self._multi: dict[str, list[tuple[int, int, str, tuple[str, ...], bool]]] = {}
        for k, si in enumerate(self.sets):
            for f in si.exact_single:
                self._exact.setdefault(f, []).append(k)
            for f in si.stem_single:
                self._stems.setdefault(f, []).append(k)
            for first, items in si.multi.items():
                self._multi.setdefault(first, []).extend((k, n, f, rest, stem) for n, f, rest, stem in items)
        # Exact forms before stems (the regex tries them first), longest first within each.
        for group in self._multi.values():
            group.sort(key=lambda c: (c[4], -c[1]))
        self._stem_lengths = sorted({len(f) for f in self._stems}, reverse=True)
        self._cache: dict[str, tuple[tuple[int, list[_Candidate_t]], ...]] = {}
        self._plans: dict[str, tuple[_Row, ...]] = {}
        self._bare: set[str] = set()  # words known to start no form
        self._pair_plans: dict[tuple[str, str], tuple[_Row, ...]] = {}

    def __contains__(self, ps: object) -> bool:
        return id(ps) in self.slot

    def _candidates(self, token: str) -> tuple[tuple[int, list[_Candidate_t]], ...]:
        per_set: dict[int, list[_Candidate_t]] = {}
        for cut in proclitic_splits(token):
            core = token[cut:]
            multi = self._multi.get(core, ())
            for k, _n, f, rest, stem in multi:
                if not stem:
                    per_set.setdefault(k, []).append((cut, f, rest, False))
            for k in self._exact.get(core, ()):
                per_set.setdefault(k, []).append((cut, core, (), False))
            for k, _n, f, rest, stem in multi:
                if stem:
                    per_set.setdefault(k, []).append((cut, f, rest, True))
            for n in self._stem_lengths:
                if n <= len(core):
                    for k in self._stems.get(core[:n], ()):
                        per_set.setdefault(k, []).append((cut, core[:n], (), True))
        return tuple(sorted(per_set.items()))

    def _lookup(self, token: str) -> tuple[tuple[int, list[_Candidate_t]], ...]:
        found = self._cache.get(token)
        if found is None:
            found = self._candidates(token)
            if len(self._cache) > self._CACHE_LIMIT:
                self._cache.clear()
            self._cache[token] = found
        return found

    def _plan(self, token: str) -> tuple[_Row, ...]:
        """What `token` may start, in trial order, or `_NEEDS_NEXT` when that depends on the next word."""
        found = self._lookup(token)
        if any(rest for _k, cands in found for _c, _f, rest, _s in cands):
            return _NEEDS_NEXT
        # Without multi-word forms the first candidate of each set always matches.
        return tuple((k, c[0], c[1], self.sets[k].ps.payloads.get(c[1]), 0, c[2], c[3]) for k, c in
                     ((k, cands[0]) for k, cands in found))

    def _plan_before(self, token: str, following: str) -> tuple[_Row, ...]:
        """The trial rows of `token` followed by the word `following` (\"\" if none).

        A candidate whose next word does not fit is dropped here, once per word pair; one whose
        whole form is already matched by the two words (kind 0/1) ends its set's trials.
        """
        rows: list[_Row] = []
        for k, cands in self._lookup(token):
            payloads = self.sets[k].ps.payloads
            for cut, form, rest, stem in cands:
                if not rest:
                    rows.append((k, cut, form, payloads.get(form), 0, rest, stem))
                    break
                first = rest[0]
                if not (following.startswith(first) if (stem and len(rest) == 1) else following == first):
                    continue
                rows.append((k, cut, form, payloads.get(form), 1 if len(rest) == 1 else 2, rest, stem))
                if len(rest) == 1:
                    break
        return tuple(rows)

    def find_all(self, folded: str, words: list[tuple[int, int, str]] | None = None) -> list[list[Hit]]:
        """Hits of every set in `folded`.

        With `words`, the same pass over the text's \\w+ runs also fills it with the text's words
        (letter or digit runs: a run that is all letters is one word) as (start, end, text).
        """
        out: list[list[Hit]] = [[] for _ in self.sets]
        free = [0] * len(self.sets)  # where each set may match next (its hits do not overlap)
        plans = self._plans
        pairs = self._pair_plans
        next_word = _NEXT_WORD_RE.match
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(folded)]
        if words is not None:
            # A run of letters only, or of digits only, is one word; split the others ("ب15").
            pos = 0
            for i in [i for i, t in enumerate(tokens) if not (t[2].isalpha() or t[2].isdecimal())]:
                words.extend(tokens[pos:i])
                ts, _te, text = tokens[i]
                words.extend((ts + w.start(), ts + w.end(), w.group()) for w in _WORD_RE.finditer(text))
                pos = i + 1
            words.extend(tokens[pos:])
        bare = self._bare
        # Most words start no form of any set: they are left out before the loop.
        for start, end, token in [t for t in tokens if t[2] not in bare]:
            rows = plans.get(token)
            if rows is None:
                rows = self._plan(token)
                if len(plans) > self._CACHE_LIMIT:
                    plans.clear()
                    bare.clear()
                plans[token] = rows
                if not rows:
                    bare.add(token)
                    continue
            if rows is _NEEDS_NEXT:
                # Multi-word forms start here: the trials depend on the next word.
                nm = next_word(folded, end)
                following, fend = (nm.group(1), nm.end()) if nm else ("", -1)
                key = (token, following)
                rows = pairs.get(key)
                if rows is None:
                    rows = self._plan_before(token, following)
                    if len(pairs) > self._CACHE_LIMIT:
                        pairs.clear()
                    pairs[key] = rows
            elif not rows:
                continue
            for k, cut, form, payload, kind, rest, stem in rows:
                if start < free[k]:
                    continue  # (also skips the set's later rows once it matched here)
                if kind == 0:
                    stop = end
                elif kind == 1:
                    stop = fend
                else:
                    stop = _match_rest(folded, end, rest, stem)
                    if stop < 0:
                        continue
                out[k].append(_new_hit(Hit, (start + cut, stop, form, payload, start)))
                free[k] = stop
        return out


# One trial of a token: (set, core start in the token, form, payload, kind, following words, stem):
# kind 0 is a one-word form, 1 a form the next word completes, 2 a longer form still to check.
_Row = tuple[int, int, str, Any, int, tuple[str, ...], bool]
_NEEDS_NEXT: tuple[_Row, ...] = ((-1, 0, "", None, -1, (), False),)  # a marker, compared by identity


_NEXT_WORD_RE = re.compile(r"\s+(\w+)")


def _match_rest(folded: str, pos: int, rest: Sequence[str], stem: bool) -> int:
    """End of a multi-word form whose first word ends at `pos`, or -1 (words apart by whitespace only)."""
    for j, word in enumerate(rest, start=1):
        m = _NEXT_WORD_RE.match(folded, pos)
        if m is None:
            return -1
        tok = m.group(1)
        if not (tok.startswith(word) if (stem and j == len(rest)) else tok == word):
            return -1
        pos = m.end()
    return pos


def _trie_regex(forms: Iterable[str]) -> str:
    """One regex for a set of forms, factored by shared prefixes.

    Python's engine tries the branches of a flat alternation one by one at every word; a prefix
    tree lets it drop all forms but a few after the first letters. Longer continuations come
    before stopping, so the longest fitting form wins, as in a longest-first alternation.
    """
    trie: dict[str, Any] = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        ends = "" in node
        if len(alts) == 1 and not ends:
            return alts[0]
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if ends else body

    return build(trie)


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Trigger:
    name: str
    event_type: str
    sub_event_type: str
    plover: str
    plover_mode: str
    priority: int
    weight: float
    resolve: str | None = None
    in_actor_names: bool = False  # the trigger still counts inside an actor name ("الطائرات الحربية الروسية")


@dataclass(frozen=True)
class EventLexicon:
    triggers: PhraseSet
    trigger_by_name: Mapping[str, Trigger]
    irrealis: PhraseSet
    future_prefixes: tuple[str, ...]
    future_min_length: int
    future_window: int
    not_future: tuple[str, ...]
    negation: PhraseSet
    negation_window: int
    negation_after: PhraseSet
    negation_after_window: int
    background_openers: PhraseSet
    temporal_refs: PhraseSet
    mention_only: PhraseSet
    habitual: PhraseSet
    context_openers: PhraseSet
    concurrent: PhraseSet
    pluperfect: PhraseSet
    anaphora: PhraseSet
    place_anaphora: Mapping[str, tuple[str, ...]]  # normalised noun -> place types it refers to
    background_cues: PhraseSet
    background_window: int
    date_blockers: PhraseSet
    prior_links: PhraseSet
    place_prior_links: PhraseSet
    date_blocker_window: int
    when_links: PhraseSet
    cumulative: PhraseSet
    handover: PhraseSet
    attr_heads: frozenset[str]
    killed_cues: PhraseSet
    killed_nouns: PhraseSet
    injured_cues: PhraseSet
    injured_nouns: PhraseSet
    categories: Mapping[str, frozenset[str]]
    singular: frozenset[str]
    breakdown: PhraseSet
    ranks_of: PhraseSet
    non_person_units: frozenset[str]
    clause_breaks: PhraseSet
    hedges: tuple[tuple[PhraseSet, str, str], ...]
    attr_verbs: PhraseSet
    attr_preps: PhraseSet
    attr_stops: frozenset[str]
    attr_lead_words: frozenset[str]
    attr_max_words: int
    time_words: frozenset[str]
    role_target: PhraseSet
    role_agent: PhraseSet
    role_between: PhraseSet
    phrase_stops: frozenset[str]
    role_verbs: PhraseSet
    passive_verbs: frozenset[str]
    agent_masdars: frozenset[str]
    verb_particles: frozenset[str]
    first_person_suffixes: tuple[str, ...]
    unknown_perpetrators: frozenset[str]
    reference_cues: PhraseSet
    means_nationality: Mapping[str, str]  # folded adjective -> actor id
    camp_sides: Mapping[str, str]  # side -> camp
    camp_countries: Mapping[str, str]  # country code of a foreign state -> camp
    self_report_cues: frozenset[str]
    speaker_pronouns: frozenset[str]
    actor_lead_words: frozenset[str]
    own_forces: frozenset[str]
    led_by: frozenset[str]
    controlled_by: PhraseSet
    self_report_triggers: frozenset[str]
    doer_nouns: frozenset[str]
    victim_nouns: PhraseSet
    protesters: PhraseSet
    protest_targets: tuple[str, ...]  # folded cue words, longest first
    quantifiers: frozenset[str]
    role_skip: frozenset[str]
    partitive_heads: frozenset[str]
    subject_openers: frozenset[str]
    subject_pronouns: frozenset[str]
    reflexive: frozenset[str]
    max_phrase_words: int
    protest_intervention: PhraseSet
    government_sides: frozenset[str]
    direct_fire: PhraseSet = field(default_factory=lambda: PhraseSet(()))
    # Event verbs with an object pronoun ("استهدفتها"), from `roles.verbs` and `roles.object_suffixes`.
    resumptive: PhraseSet = field(default_factory=lambda: PhraseSet(()))
    # Words after a cue of these hedge sets that make it refer back to the whole sentence.
    hedge_back: Mapping[PhraseSet, frozenset[str]] = field(default_factory=dict)
    hedge_stops: PhraseSet = field(default_factory=lambda: PhraseSet(()))
    projectiles: frozenset[str] = frozenset()
    # Duals of person nouns: two people in a casualty breakdown ("بينهم طفل وامرأتان").
    dual: frozenset[str] = frozenset()
    # What an unlinked actor text may not be: a place, a weapon, a naming verb, a lone adjective.
    place_heads: frozenset[str] = frozenset()
    not_actor: frozenset[str] = frozenset()
    nisba_nouns: frozenset[str] = frozenset()
    _category_index: Mapping[str, str] = field(default_factory=dict)
    # Answers of the word tests below, by word: the same words recur in every article.
    _memo: dict[tuple[str, str], Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _strip(self, word: str) -> Iterable[str]:
        w = normalize_word(word)
        yield w
        for pre in ("و", "ف", "ب", "ل", "ك"):
            if w.startswith(pre) and len(w) > 3:
                yield w[1:]
                w2 = w[1:]
                if w2.startswith("ال") and len(w2) > 4:
                    yield w2[2:]
        if w.startswith("ال") and len(w) > 4:
            yield w[2:]
        if w.startswith("لل") and len(w) > 4:
            yield w[2:]

    def _remember(self, key: tuple[str, str], value: Any) -> None:
        if len(self._memo) > 100_000:
            self._memo.clear()
        self._memo[key] = value

    def category_of(self, word: str) -> str | None:
        key = ("c", word)
        memo = self._memo
        if key in memo:
            return memo[key]
        found = None
        for w in self._strip(word):
            cat = self._category_index.get(w)
            if cat:
                found = cat
                break
        self._remember(key, found)
        return found

    def _any_form_in(self, tag: str, word: str, words: frozenset[str]) -> bool:
        """Whether `word`, with or without its proclitics and article, is in `words` (memoised per tag)."""
        key = (tag, word)
        memo = self._memo
        if key not in memo:
            self._remember(key, any(w in words for w in self._strip(word)))
        return memo[key]

    def is_singular(self, word: str) -> bool:
        return self._any_form_in("1", word, self.singular)

    def is_dual(self, word: str) -> bool:
        return self._any_form_in("2", word, self.dual)

    def is_place_head(self, word: str) -> bool:
        return self._any_form_in("p", word, self.place_heads)

    def is_non_person(self, unit: str) -> bool:
        first = unit.split()[0] if unit.split() else unit
        return self._any_form_in("n", first, self.non_person_units)

    def casualty_noun_kind(self, unit: str) -> str | None:
        key = ("k", unit)
        memo = self._memo
        if key in memo:
            return memo[key]
        found = None
        for w in self._strip(unit):
            if w in self.killed_nouns:
                found = "killed"
                break
            if w in self.injured_nouns:
                found = "injured"
                break
        self._remember(key, found)
        return found


def _need(data: Mapping[str, Any], key: str, where: str, kind: type = list) -> Any:
    if key not in data or not isinstance(data[key], kind):
        raise EventLexiconError(f"{where}: missing or malformed {key!r} (expected {kind.__name__})")
    return data[key]


def _words(values: Iterable[str]) -> frozenset[str]:
    return frozenset(" ".join(normalize_word(str(v)).split()) for v in values)


_TRIGGER_KEYS = {"name", "event_type", "sub_event_type", "plover", "plover_mode", "priority", "weight", "forms"}
ACLED_EVENT_TYPES = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {
        "Air/drone strike",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Suicide bomb",
        "Grenade",
    },
    "Violence against civilians": {"Attack", "Abduction/forced disappearance", "Sexual violence"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    },
}


def load_event_lexicon(path: str | None = None) -> EventLexicon:
    """Read and validate the lexicon (default: the packaged `data/event_lexicon.yaml`)."""
    where = path or "rasid/extract/data/event_lexicon.yaml"
    try:
        if path is None:
            raw = resources.files("rasid.extract").joinpath("data/event_lexicon.yaml").read_text(encoding="utf-8")
        else:
            with open(path, encoding="utf-8") as handle:
                raw = handle.read()
        data = yaml.safe_load(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise EventLexiconError(f"{where}: cannot read event lexicon: {exc}") from exc
    if not isinstance(data, dict):
        raise EventLexiconError(f"{where}: expected a mapping at the top level")
    forms: list[str] = []
    payloads: dict[str, Any] = {}
    by_name: dict[str, Trigger] = {}
    for i, entry in enumerate(_need(data, "triggers", where)):
        if not isinstance(entry, dict) or not set(entry) >= _TRIGGER_KEYS:
            raise EventLexiconError(f"{where}: trigger #{i + 1} lacks one of {sorted(_TRIGGER_KEYS)}")
        et, st = entry["event_type"], entry["sub_event_type"]
        if et not in ACLED_EVENT_TYPES or st not in ACLED_EVENT_TYPES[et]:
            raise EventLexiconError(f"{where}: trigger {entry['name']!r}: {et!r}/{st!r} is not an ACLED type")
        trig = Trigger(
            entry["name"], et, st, entry["plover"], entry["plover_mode"], int(entry["priority"]),
            float(entry["weight"]), entry.get("resolve"), bool(entry.get("in_actor_names", False)),
        )
        by_name[trig.name] = trig
        for f in entry["forms"]:
            forms.append(f)
            payloads.setdefault(f, (trig, trig.weight))
        for f in entry.get("weak", []):
            forms.append(f)
            payloads.setdefault(f, (trig, trig.weight - 0.15))
    cas_data = _need(data, "casualties", where, dict)
    killed = _need(cas_data, "killed", where, dict)
    injured = _need(cas_data, "injured", where, dict)
    cat_index: dict[str, str] = {}
    singular: set[str] = set()
    dual: set[str] = set()
    for cat, spec in _need(cas_data, "categories", where, dict).items():
        for w in _words(_need(spec, "forms", f"{where}: categories.{cat}")):
            cat_index.setdefault(w, cat)
        singular |= _words(spec.get("one", []))
        dual |= _words(spec.get("two", []))
    hedges = []
    hedge_back: dict[int, frozenset[str]] = {}
    for i, h in enumerate(_need(data, "hedging", where)):
        if not isinstance(h, dict) or h.get("scope") not in ("clause", "rest", "sentence") or "forms" not in h:
            raise EventLexiconError(f"{where}: hedging entry #{i + 1} needs forms and scope clause|rest|sentence")
        hedges.append((PhraseSet(h["forms"]), h["scope"], str(h.get("kind", "hedge"))))
        if h.get("back"):
            hedge_back[id(hedges[-1][0])] = _words(h["back"])
    attr = _need(data, "attribution", where, dict)
    roles = _need(data, "roles", where, dict)
    actor_text = roles.get("actor_text") or {}
    resolve = _need(data, "resolve", where, dict)
    negation = _need(data, "negation", where, dict)
    future = _need(data, "future", where, dict)
    camps = _need(data, "camps", where, dict)
    background = _need(data, "background", where, dict)
    return EventLexicon(
        triggers=PhraseSet(forms, payloads),
        trigger_by_name=by_name,
        irrealis=PhraseSet(_need(data, "irrealis", where)),
        future_prefixes=tuple(_need(future, "prefixes", where)),
        future_min_length=int(future.get("min_length", 5)),
        future_window=int(future.get("window", 2)),
        not_future=tuple(normalize_word(w) for w in _need(future, "not_future", where)),
        negation=PhraseSet(_need(negation, "forms", where)),
        negation_window=int(negation.get("window", 8)),
        negation_after=PhraseSet(negation.get("after", [])),
        negation_after_window=int(negation.get("after_window", 4)),
        background_openers=PhraseSet(_need(background, "openers", where)),
        temporal_refs=PhraseSet(_need(background, "temporal_refs", where)),
        mention_only=PhraseSet(background.get("mention_only", [])),
        habitual=PhraseSet(background.get("habitual", [])),
        context_openers=PhraseSet(_need(background, "context_openers", where)),
        concurrent=PhraseSet(_need(background, "concurrent", where)),
        pluperfect=PhraseSet(_need(background, "pluperfect", where)),
        anaphora=PhraseSet(_need(data, "anaphora", where)),
        place_anaphora={
            normalize_word(str(noun)): tuple(str(t) for t in types)
            for noun, types in (data.get("place_anaphora") or {}).items()
        },
        background_cues=PhraseSet(_need(background, "cues", where)),
        background_window=int(background.get("window", 8)),
        date_blockers=PhraseSet(_need(background, "date_blockers", where)),
        prior_links=PhraseSet(background.get("prior_links", [])),
        place_prior_links=PhraseSet(background.get("place_prior_links", [])),
        date_blocker_window=int(background.get("date_blocker_window", 2)),
        when_links=PhraseSet(background.get("when_links", [])),
        cumulative=PhraseSet(_need(background, "cumulative", where)),
        handover=PhraseSet(_need(resolve, "handover", where)),
        attr_heads=_words(_need(attr, "heads", where)),
        killed_cues=PhraseSet(_need(killed, "cues", where)),
        killed_nouns=PhraseSet(_need(killed, "nouns", where)),
        injured_cues=PhraseSet(_need(injured, "cues", where)),
        injured_nouns=PhraseSet(_need(injured, "nouns", where)),
        categories={},
        singular=frozenset(singular),
        breakdown=PhraseSet(_need(cas_data, "breakdown", where)),
        ranks_of=PhraseSet(_need(cas_data, "ranks_of", where)),
        non_person_units=_words(_need(cas_data, "non_person_units", where)),
        clause_breaks=PhraseSet(_need(cas_data, "clause_breaks", where)),
        hedges=tuple(hedges),
        attr_verbs=PhraseSet(_need(attr, "verbs", where)),
        attr_preps=PhraseSet(_need(attr, "preps", where)),
        attr_stops=_words(_need(attr, "stops", where)),
        attr_lead_words=_words(_need(attr, "lead_words", where)),
        attr_max_words=int(attr.get("max_words", 10)),
        time_words=_words(_need(attr, "time_words", where)),
        role_target=PhraseSet(_need(roles, "target", where)),
        role_agent=PhraseSet(_need(roles, "agent", where)),
        role_between=PhraseSet(_need(roles, "between", where)),
        phrase_stops=_words(_need(roles, "phrase_stops", where)),
        role_verbs=PhraseSet(_need(roles, "verbs", where)),
        passive_verbs=_words(_need(roles, "passive", where)),
        agent_masdars=_words(_need(roles, "agent_masdars", where)),
        verb_particles=_words(_need(roles, "verb_particles", where)),
        first_person_suffixes=tuple(_need(roles, "first_person_suffixes", where)),
        unknown_perpetrators=frozenset(_need(roles, "unknown_perpetrators", where)),
        reference_cues=PhraseSet(_need(roles, "reference_cues", where)),
        means_nationality={
            normalize_word(form): actor_id
            for actor_id, forms in _need(roles, "means_nationality", where, dict).items()
            for form in forms
        },
        camp_sides={side: camp for camp, spec in camps.items() for side in spec.get("sides", [])},
        camp_countries={code: camp for camp, spec in camps.items() for code in spec.get("countries", [])},
        self_report_cues=_words(_need(roles, "self_report_cues", where)),
        speaker_pronouns=_words(roles.get("speaker_pronouns", [])),
        actor_lead_words=_words(roles.get("actor_lead_words", [])),
        own_forces=_words(roles.get("own_forces", [])),
        led_by=_words(roles.get("led_by", [])),
        controlled_by=PhraseSet(roles.get("controlled_by", [])),
        self_report_triggers=frozenset(_need(roles, "self_report_triggers", where)),
        doer_nouns=_words(_need(roles, "doer_nouns", where)),
        victim_nouns=PhraseSet(_need(roles, "victim_nouns", where)),
        protesters=PhraseSet(_need(roles, "protesters", where)),
        protest_targets=tuple(
            sorted({" ".join(normalize_word(w) for w in str(c).split()) for c in roles.get("protest_targets", [])}, key=len, reverse=True)
        ),
        quantifiers=_words(_need(roles, "quantifiers", where)),
        role_skip=_words(_need(roles, "skip", where)),
        partitive_heads=_words(_need(roles, "partitive_heads", where)),
        subject_openers=_words(_need(roles, "subject_openers", where)),
        subject_pronouns=_words(_need(roles, "subject_pronouns", where)),
        reflexive=_words(_need(roles, "reflexive", where)),
        max_phrase_words=int(roles.get("max_phrase_words", 4)),
        protest_intervention=PhraseSet(_need(resolve, "protest_intervention", where)),
        government_sides=frozenset(_need(resolve, "government_sides", where)),
        direct_fire=PhraseSet(resolve.get("direct_fire") or ()),
        hedge_back={ps: hedge_back[id(ps)] for ps, _s, _k in hedges if id(ps) in hedge_back},
        hedge_stops=PhraseSet(data.get("hedge_stops", [])),
        resumptive=PhraseSet(
            v + x for v in _words(_need(roles, "verbs", where)) if len(v) >= 3 for x in _words(roles.get("object_suffixes") or ())
        ),
        projectiles=_words(resolve.get("projectiles") or ()),
        dual=frozenset(dual),
        place_heads=_words(actor_text.get("place_heads") or ()),
        not_actor=_words(actor_text.get("not_actor") or ()),
        nisba_nouns=_words(actor_text.get("nisba_nouns") or ()),
        _category_index=cat_index,
    )


@lru_cache(maxsize=1)
def event_lexicon() -> EventLexicon:
    return load_event_lexicon()


# --------------------------------------------------------------------------- sentence view


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


def _actor_ref(start: int, end: int, actor_id: str | None, text: str, attrs: Mapping[str, Any]) -> ActorRef:
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


_NEWLINE_RE = re.compile("\n")
_STRONG_RE = re.compile("[" + re.escape("".join(sorted(_STRONG_PUNCT))) + "]")
_WEAK_RE = re.compile("[" + re.escape("".join(sorted(_WEAK_PUNCT))) + "]")


_MATCHERS: dict[int, tuple[EventLexicon, PhraseMatcher]] = {}


def _matcher(lex: EventLexicon) -> PhraseMatcher:
    """One matcher per lexicon (kept with it, so the id stays that lexicon's)."""
    found = _MATCHERS.get(id(lex))
    if found is None or found[0] is not lex:
        sets = [v for v in vars(lex).values() if isinstance(v, PhraseSet)] + [h[0] for h in lex.hedges]
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
        self.strong = sorted(strong)
        self.all = sorted(strong + [m.start() for m in _WEAK_RE.finditer(self.folded)])
        self._event_sets = (lex.triggers, lex.killed_cues, lex.killed_nouns, lex.injured_cues, lex.injured_nouns)

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
                own.setdefault(key, []).append(_new_hit(Hit, (h.start - fs, h.end - fs, h.form, h.payload, h.word_start - fs)))
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
        return any(a <= h.start < b for h in self.find(lex.ranks_of)) or any(
            w == "من" for _s, _e, w in self.words_from(a, 2) if _s < b
        )

    def phrase_after(self, pos: int, lex: EventLexicon) -> str:
        """A short unlinked noun phrase starting at `pos` (stops at prepositions, numbers, punctuation)."""
        picked: list[tuple[int, int, str]] = []
        for ws, we, w in self.words_from(pos, lex.max_phrase_words + 1):
            if (picked and self.boundary_between(picked[-1][1], ws)) or (not picked and self.boundary_between(pos, ws)):
                break
            if w in lex.phrase_stops or w.isdigit() or w in lex.triggers or (picked and _is_means(w, lex)):
                break
            picked.append((ws, we, w))
            if len(picked) >= lex.max_phrase_words:
                break
        return self.original(picked[0][0], picked[-1][1]) if picked else ""

    def phrase_before(self, pos: int, lex: EventLexicon) -> str:
        picked: list[tuple[int, int, str]] = []
        for ws, we, w in reversed(self.words_before(pos, lex.max_phrase_words)):
            if self.boundary_between(we, picked[0][0] if picked else pos):
                break
            if w in lex.phrase_stops or w.isdigit() or w in lex.attr_lead_words:
                break
            picked.insert(0, (ws, we, w))
        return self.original(picked[0][0], picked[-1][1]) if picked else ""


def _is_means(word: str, lex: EventLexicon) -> bool:
    """An event noun with "ب" (by, with): "بانفجار", "بقصف", "بالغارة"."""
    if not word.startswith("ب") or len(word) < 4:
        return False
    rest = word[1:]
    return rest in lex.triggers or (rest.startswith("ال") and rest[2:] in lex.triggers)


# --------------------------------------------------------------------------- stage


@dataclass
class _Candidate:
    trigger: Trigger
    event_type: str
    sub_event_type: str
    fields: dict[str, Any]
    spans: dict[str, list[Span]]
    confidence: float
    sentence_index: int
    paragraph: int
    virtual: bool = False
    weak: bool = False  # started by a weak trigger form ("هجوم", "قصف"): a loose word, often a restatement
    anaphoric: bool = False  # refers back to an incident already told ("الغارة", "الهجوم")
    # the trigger itself is the noun referring back ("الغارة نفذتها"), not another event word beside it
    # ("أسفرت المعارك عن السيطرة على قرية X" tells a new capture at a new place)
    told_again: bool = False
    recalled: bool = False  # pluperfect "وكانت X قد ...": an earlier development the report recalls


_PROTESTERS = {"side": "civilian", "inter": 6, "name": "Protesters (Syria)"}
_CIVILIANS = {"id": None, "text": "مدنيون", "side": "civilian", "inter": 7, "name": "Civilians (Syria)"}
_PRECISION = {"part_of_day": "day", "hour": "day", "minute": "day", "second": "day", "time": "day", "interval": "day"}


def _direct_fire(view: SentenceView, lex: EventLexicon, hits: list[Hit]) -> list[Hit]:
    """Recode bare projectile nouns fired from direct-fire weapons as gunfire, not shelling.

    'قذائف "آر بي جي"' names the weapon right after the noun; in "اشتباكات ... بالرشاشات
    والقذائف" a clash (or gunfire) in the same clause uses machine guns, so its "قذائف" are not artillery.
    """
    if not lex.projectiles or not any(h.payload[0].name == "shelling" and h.form in lex.projectiles for h in hits):
        return hits
    fire = view.find(lex.direct_fire)
    if not fire:
        return hits
    shooting = lex.trigger_by_name.get("shooting")
    if shooting is None:
        return hits
    clash_clauses = {view.clause_of(h.start) for h in hits if h.payload[0].name in ("clash", "shooting")}
    fire_clauses = {view.clause_of(f.start) for f in fire}
    out = []
    for h in hits:
        if h.payload[0].name == "shelling" and h.form in lex.projectiles:
            named = any(
                h.end <= f.word_start <= h.end + 3 and not view.folded[h.end : f.word_start].strip(" \"'()«»")
                for f in fire
            )
            clause = view.clause_of(h.start)
            if named or (clause in clash_clauses and clause in fire_clauses):
                h = h._replace(payload=(shooting, shooting.weight))
        out.append(h)
    return out


def _is_denial_cue(lex: EventLexicon, cue: str) -> bool:
    return any(kind == "denial" and cue in phrases for phrases, _scope, kind in lex.hedges)


def _date_from_mention(m: Mention) -> tuple[str | None, str]:
    value = m.attrs.get("value")
    if isinstance(value, dt.date):
        value = value.isoformat()
    precision = str(m.attrs.get("precision") or "day")
    if precision == "interval" and m.attrs.get("grain"):
        precision = str(m.attrs["grain"])  # "منذ أيلول 2018": from a month on
    return (str(value)[:10] if value else None), _PRECISION.get(precision, precision)


class EventStage:
    """Fill `doc.events` with coded events (see the module docstring)."""

    name = "events"

    def __init__(self, *, min_confidence: float = 0.45, lexicon: EventLexicon | None = None):
        self.min_confidence = min_confidence
        self._lexicon = lexicon

    @property
    def lexicon(self) -> EventLexicon:
        return self._lexicon or event_lexicon()

    def __call__(self, doc: Document) -> Document:
        sentences = doc.sentences
        if not sentences:
            from rasid.document import Sentence
            from rasid.text.sentences import split_sentences

            sentences = tuple(Sentence(s, e, i) for i, (s, e) in enumerate(split_sentences(doc.text)))
        # Numbers and dates come from the entities stage when it produced them, else are read here.
        has_entities = "entities" in doc.stages
        use_numbers = has_entities and any(m.type == "number" for m in doc.mentions)
        use_times = has_entities and any(m.type == "time" for m in doc.mentions)
        mentions = sorted(doc.mentions, key=lambda m: m.start)
        starts = [m.start for m in mentions]
        newlines = [m.start() for m in _NEWLINE_RE.finditer(doc.text)]
        candidates: list[_Candidate] = []
        doc_index = DocIndex(doc.text, self.lexicon)
        for sent in sentences:
            if not doc_index.may_hold_event(sent.start, sent.end):
                continue
            lo = bisect.bisect_left(starts, sent.start)
            hi = bisect.bisect_left(starts, sent.end)
            sent_mentions = [m for m in mentions[lo:hi] if m.end <= sent.end]
            paragraph = bisect.bisect_left(newlines, sent.start)
            candidates.extend(
                self._sentence(
                    doc, sent.start, sent.end, sent.index, paragraph, sent_mentions, use_numbers, use_times, doc_index
                )
            )
        self._fill_context(candidates, doc)
        if doc.published is not None:
            # An incident the text dates well before publication, or a recalled development dated
            # before the report's day, is background: kept with its own date and flagged, never
            # merged with what the report tells as news.
            day = doc.published.isoformat()
            for c in candidates:
                recalled = c.recalled and c.fields["date_from"] == "text" and str(c.fields["date"]) < day
                if recalled or _stale(c, doc.published):
                    c.fields["background"] = True
        merged = _merge(_fuse_split_tolls(candidates, self.lexicon), self.lexicon)
        while True:  # merged events may now match each other (headline + body)
            again = _merge(merged, self.lexicon)
            if len(again) == len(merged):
                break
            merged = again
        for c in merged:
            _clash_sides(c, self.lexicon)
        events = tuple(_to_event(c) for c in merged)
        return doc.evolve(events=events)

    # -- one sentence -----------------------------------------------------------
    def _sentence(
        self,
        doc: Document,
        start: int,
        end: int,
        index: int,
        paragraph: int,
        mentions: Sequence[Mention],
        use_numbers: bool,
        use_times: bool,
        doc_index: DocIndex | None = None,
    ) -> list[_Candidate]:
        lex = self.lexicon
        view = SentenceView(doc.text, start, end, lex, doc_index)
        if not view.words or view.folded.rstrip().endswith(("؟", "?")):
            return []  # a question asserts no event ("حلب.. انسحاب أم إعادة انتشار؟")
        hits = [h for h in view.find(lex.triggers) if h.payload is not None]
        if not hits and not any(view.find(ps) for ps in (lex.killed_cues, lex.killed_nouns, lex.injured_cues, lex.injured_nouns)):
            return []  # most sentences: nothing to code, skip the rest cheaply
        actors: list[ActorRef] = []
        outlets: list[tuple[int, int, str]] = []
        places: list[Mention] = []
        mention_spans = [(view.from_doc(m.start), view.from_doc(m.end)) for m in mentions]
        for m, (s, e) in zip(mentions, mention_spans, strict=True):
            if m.type == "actor":
                actors.append(_actor_ref(s, e, m.kb_id, m.text, m.attrs))
            elif m.type == "person" and m.attrs.get("affiliation"):
                pass  # persons speak for actors; they appear through attribution text
            elif m.type == "outlet" and m.kb_id:
                outlets.append((s, e, m.kb_id))
            elif m.type == "place":
                places.append(m)
        # Trigger words inside names ("جبهة", "عملية ردع العدوان" ...) are not triggers.
        named = [sp for m, sp in zip(mentions, mention_spans, strict=True) if m.type in ("outlet", "place", "person")]
        actor_spans = [sp for m, sp in zip(mentions, mention_spans, strict=True) if m.type == "actor"]
        if named or actor_spans:
            hits = [
                h for h in hits
                if not any(s <= h.start < e for s, e in named)
                and (h.payload[0].in_actor_names or not any(s <= h.start < e for s, e in actor_spans))
            ]
        numbers = self._numbers(view, mentions, use_numbers)
        facts = cas.find_casualties(view, lex, numbers, actors)
        # Running tolls ("ارتفعت حصيلة القتلى منذ بدء الهجوم إلى 327") are not one incident's count.
        tolls = view.find(lex.cumulative)
        if tolls:
            facts = _drop_facts(
                facts,
                lambda f: any(
                    # ("مقتل 277 شخصاً منذ بدء المعركة": the period may follow the count too)
                    (t.start < f.start or (t.start >= f.end and view.words_between(f.end, t.start) <= 1))
                    and view.clause_of(t.start) == view.clause_of(f.start)
                    for t in tolls
                ),
            )
        if not hits and not facts:
            return []
        irrealis = view.find(lex.irrealis)
        negations = view.find(lex.negation)
        if irrealis or negations:
            hits = [h for h in hits if not _is_irrealis(view, h, irrealis, negations, lex.negation_window)]
        hits = [h for h in hits if not _is_future(view, h, lex)]
        only_named = view.find(lex.mention_only)
        if only_named:
            hits = [
                h for h in hits
                if not any(c.end <= h.word_start and view.words_between(c.end, h.word_start) == 0 for c in only_named)
            ]
        regular = view.find(lex.habitual)
        if regular:
            clauses = {view.clause_of(c.start, weak=True) for c in regular}
            hits = [h for h in hits if view.clause_of(h.start, weak=True) not in clauses]
        denied_after = view.find(lex.negation_after)
        if denied_after:
            hits = [h for h in hits if not _negated_after(view, h, denied_after, lex.negation_after_window)]
        background: list[Hit] = []
        if view.find(lex.background_openers) or view.find(lex.context_openers) or view.find(lex.background_cues):
            background = [h for h in hits if _is_background(view, h, lex)]
            hits = [h for h in hits if h not in background]
        hits = _drop_time_references(view, hits, lex)
        hits = _direct_fire(view, lex, hits)
        counted = [f for f in facts if f.count is not None]
        if not hits and not counted:
            return []
        if not hits and background:
            # The toll is told ("بعد يومين من مقتل ثلاثة جنود"), so the cause told after it is no
            # background either ("... أن سبب مقتلهم سقوط صاروخ غراد").
            hits = [h for h in background if h.start > counted[0].start and h.payload[0].name != "kill"]
            if not hits:
                return []  # a toll in a sentence of context ("وتأتي المجزرة … أدى إلى مقتل مئات") is no incident's
        blockers = [h.start for h in hits] + [f.start for f in facts]
        attributions = find_attributions(view, lex, actors, outlets, blockers)
        attr_spans = [(a.start, a.end) for a in attributions]
        hits = [h for h in hits if not any(s <= h.start < e for s, e in attr_spans)]
        hedges = find_hedges(view, lex)
        deniers = find_deniers(view, hedges, actors) if hedges else []
        times = self._times(doc, view, mentions, use_times)
        # Group triggers by segment; facts go to their own segment or the nearest triggered one.
        segments = view.segments()
        seg_starts = [a for a, _ in segments]
        seg_of = lambda pos: max(0, bisect.bisect_right(seg_starts, pos) - 1)  # noqa: E731
        by_seg: dict[int, list[Hit]] = {}
        for h in hits:
            by_seg.setdefault(seg_of(h.start), []).append(h)
        if not by_seg:
            first = facts[0]
            trig = lex.trigger_by_name["kill"]
            by_seg[seg_of(first.start)] = [Hit(first.start, first.end, "", (trig, 0.45))]
        triggered = sorted(by_seg)
        fact_groups: dict[int, list[cas.CasualtyFact]] = {k: [] for k in triggered}
        for f in facts:
            seg = seg_of(f.start) if f.sub_of is None else None
            if f.sub_of is not None:
                head_seg = next((k for k, v in fact_groups.items() if facts[f.sub_of] in v), triggered[0])
                fact_groups[head_seg].append(f)
                continue
            assert seg is not None
            own = seg
            target = own if own in fact_groups else min(triggered, key=lambda k: (abs(k - own), -k))
            fact_groups[target].append(f)
        out = []
        virtual = not hits
        for seg in triggered:
            seg_hits = by_seg[seg]
            # The generic "kill" words only set the type when nothing more specific is there.
            main = max(
                seg_hits,
                key=lambda h: (h.payload[0].name != "kill", h.payload[1] >= h.payload[0].weight, h.payload[0].priority, -h.start),
            )
            if main.payload[0].plover == "RETREAT":
                # a withdrawal and the capture it answers in one clause: the takeover is the event
                main = next((h for h in seg_hits if h.payload[0].name == "territory" and h.start > main.start), main)
            cand = self._candidate(
                doc, view, index, paragraph, segments[seg], main, seg_hits, fact_groups[seg], actors, places,
                attributions, hedges, times, virtual, len(triggered) == 1, numbers, deniers,
            )
            if cand is not None:
                out.append(cand)
        return out

    def _numbers(self, view: SentenceView, mentions: Sequence[Mention], use_mentions: bool) -> list[NumberInfo]:
        out: list[NumberInfo] = []
        if use_mentions:
            for m in mentions:
                if m.type != "number":
                    continue
                a = m.attrs
                ue = a.get("unit_end")
                out.append(
                    NumberInfo(view.from_doc(m.start), view.from_doc(m.end), a.get("value"), str(a.get("bound") or "exact"),
                               str(a.get("kind") or "cardinal"), a.get("unit"), view.from_doc(ue) if ue is not None else None)
                )
            return out
        from rasid.text.numbers import find_numbers

        for n in find_numbers(view.raw):
            base = view.base
            out.append(
                NumberInfo(view.from_doc(base + n.start), view.from_doc(base + n.end), n.value, n.bound, n.kind, n.unit,
                           view.from_doc(base + n.unit_end) if n.unit_end is not None else None)
            )
        return out

    def _times(
        self, doc: Document, view: SentenceView, mentions: Sequence[Mention], use_mentions: bool
    ) -> list[tuple[int, int, str, str]]:
        out: list[tuple[int, int, str, str]] = []
        if use_mentions:
            # A "time" inside a name is a misreading ("باب النيرب" is not the month آب).
            named = [(m.start, m.end) for m in mentions if m.type in ("place", "actor", "person", "outlet")]
            for m in mentions:
                if m.type == "time" and any(s <= m.start < e or m.start <= s < m.end for s, e in named):
                    continue
                if m.type == "time" and m.attrs.get("value") and m.attrs.get("kind") not in ("duration",):
                    value, precision = _date_from_mention(m)
                    if value:
                        out.append((view.from_doc(m.start), view.from_doc(m.end), value, precision))
            return _drop_anchors(view, out, self.lexicon)
        if doc.published is None:
            return out
        try:
            from rasid.text.timex import find_times
        except ImportError:  # the temporal module is optional for this stage
            return out
        for t in find_times(view.raw, doc.published):
            if t.value is None or t.kind == "duration":
                continue
            out.append((view.from_doc(view.base + t.start), view.from_doc(view.base + t.end), t.value.isoformat(),
                        _PRECISION.get(str(t.precision), str(t.precision))))
        return _drop_anchors(view, out, self.lexicon)

    def _candidate(
        self,
        doc: Document,
        view: SentenceView,
        index: int,
        paragraph: int,
        segment: tuple[int, int],
        main: Hit,
        seg_hits: Sequence[Hit],
        facts: Sequence[cas.CasualtyFact],
        actors: Sequence[ActorRef],
        places: Sequence[Mention],
        attributions: Sequence[Attribution],
        hedges: Sequence[Any],
        times: Sequence[tuple[int, int, str, str]],
        virtual: bool,
        whole_sentence: bool,
        numbers: Sequence[NumberInfo] = (),
        deniers: Sequence[ActorRef] = (),
    ) -> _Candidate | None:
        lex = self.lexicon
        trig, weight = main.payload
        killed = cas.summarize(facts, "killed")
        injured = cas.summarize(facts, "injured")
        if trig.name == "kill" and weight < trig.weight and not (killed or injured):
            return None  # "استهدف"/"ضرب" alone, with nobody hurt, is too vague to code
        spans: dict[str, list[Span]] = {"trigger": [view.span(main.start, main.end)]}
        if facts:
            for kind in ("killed", "injured"):
                kspans = [view.span(f.start, f.end) for f in facts if f.kind == kind]
                if kspans:
                    spans[kind] = kspans
        seg_lo, seg_hi = (0, len(view.folded)) if whole_sentence else segment
        attr_spans = [(a.start, a.end) for a in attributions]
        # Actors outside the attribution phrases play roles in the event.
        players = [a for a in actors if not any(s <= a.start < e for s, e in attr_spans)] if attr_spans else list(actors)
        if not whole_sentence:
            players = [a for a in players if seg_lo <= a.start < seg_hi]
        holders = view.find(lex.controlled_by)
        if holders:
            players = [a for a in players if not any(h.end <= a.start and view.words_between(h.end, a.start) == 0 for h in holders)]
        actor1, actor2, assoc = _roles(view, lex, players, main, seg_lo, seg_hi)
        place_spans = [(view.from_doc(p.start), view.from_doc(p.end)) for p in places]
        if not actors:
            # No actor mention in the sentence: approximate actors by the words around the trigger
            # (unlinked: id None), unless civilian victims already say who was targeted.
            actor1, fallback2 = _fallback_roles(view, lex, main, seg_lo, seg_hi, [*attr_spans, *place_spans])
            victims_known = any(r and r.get("civilians") for r in (killed, injured))
            actor2 = None if victims_known else fallback2
        # Who did it to whom, read from the clause: the subject and object of the event verb.
        syntax = _syntax_roles(view, lex, main, seg_lo, seg_hi, numbers, [*attr_spans, *place_spans])
        if syntax is not None:
            actor1, actor2 = _apply_syntax(syntax, players, actor1, actor2, view)
        if (actor2 or {}).get("id") in lex.unknown_perpetrators:
            # 'قذائف "مجهولة المصدر"': an unknown hand fired them; nobody named elsewhere did
            civilians = next((a for a in players if a.side == "civilian" and a.id not in lex.unknown_perpetrators), None)
            actor1, actor2 = actor2, (civilians.as_dict() if civilians is not None else None)
        if actor1 is None or not actor1.get("id"):
            # ("طائرة مسيرة تركية": the nationality after the means, over words guessed nearby)
            actor1 = _nationality_of_means(view, lex, main) or actor1
        actor1 = _referred(view, lex, actor1, actors)
        actor2 = _referred(view, lex, actor2, actors)
        if trig.plover in ("CONSULT", "AGREE") and actor1 is not None:
            # "عقدت الميليشيات الإيرانية والروسية اجتماعاً": the parties joined as subject meet each other
            lead = next((a for a in players if (a.start, a.end) == actor1.get("_span")), None)
            partner = next((a for a in _conjoined(view, players, lead) if a.id and a.id != actor1.get("id")), None)
            if partner is not None and (actor2 or {}).get("id") != partner.id:
                assoc = [a for a in assoc if a.get("id") != partner.id]
                if actor2 is not None and actor2.get("id"):
                    assoc.append({**actor2, "with": 2})
                actor2 = partner.as_dict()
                actor2["_span"] = (partner.start, partner.end)
        announcer = _self_reporter(view, lex, main, attributions, actors)
        if announcer is None and actor1 is not None and not actor1.get("id") and actor1.get("_span"):
            # "أعلن الجيش الأميركي أن قواته قتلت مسلحا": "its forces" are the source's own
            first = view.words_from(actor1["_span"][0], 1)
            if first and first[0][2] in lex.own_forces:
                announcer = _source_actor_before(attributions, actors, actor1["_span"][0])
        if announcer is not None:
            if actor2 is not None and actor2.get("id") is not None and actor2["id"] == announcer.get("id"):
                actor2 = None
            actor1 = announcer
        denied_by: list[dict[str, Any]] = []
        if deniers:
            # The side that denies is not coded as doing (or suffering) what it denies.
            denier_ids = {d.id for d in deniers if d.id}
            denier_spans = [(d.start, d.end) for d in deniers]

            def denied(x: dict[str, Any] | None) -> bool:
                return x is not None and (
                    (x.get("id") is not None and x.get("id") in denier_ids)
                    or any(x.get("_span") is not None and s <= x["_span"][0] < e for s, e in denier_spans)
                )

            actor1 = None if denied(actor1) else actor1
            actor2 = None if denied(actor2) else actor2
            denied_by = [d.as_dict() for d in deniers]
        # Unlinked texts that name a place, a weapon or a verb are no actors.
        # (a time is no actor either: "اقتحمت نهاية شهر مايو مطار حلب")
        not_actors = [*place_spans, *((t[0], t[1]) for t in times)]
        actor1 = _checked_actor(view, lex, actor1, not_actors, main.end)
        actor2 = _checked_actor(view, lex, actor2, not_actors)
        if actor2 is None and actor1 is not None and actor1.get("id") and trig.event_type == "Battles":
            # "اقتحمت المطار وطردت الميليشيات الإيرانية منه": the place took the object slot; the
            # group named next in the clause is who the fight was with.
            actor2 = _next_opponent(view, players, actor1, main, seg_lo, seg_hi)
        event_type, sub_type = trig.event_type, trig.sub_event_type
        civ_hit = any(r and (r.get("civilians") or "civilians" in r.get("categories_reported", [])) for r in (killed, injured))
        comb_hit = any(r and r.get("combatants") for r in (killed, injured))
        if trig.resolve == "victims":
            if civ_hit and not comb_hit:
                event_type, sub_type = "Violence against civilians", "Attack"
            else:
                event_type, sub_type = "Battles", "Armed clash"
        elif trig.resolve == "territory":
            side = (actor1 or {}).get("side")
            if side in lex.government_sides:
                sub_type = "Government regains territory"
        elif trig.resolve == "withdrawal":
            if view.find(lex.handover):
                sub_type = "Non-violent transfer of territory"
        elif trig.resolve == "protest":
            if killed and (killed.get("total") or killed.get("reported")):
                sub_type = "Excessive force against protesters"
            elif view.find(lex.protest_intervention):
                sub_type = "Protest with intervention"
        if actor1 and actor2 and actor1.get("id") and actor1.get("id") == actor2.get("id"):
            actor2 = None  # one actor is not both sides of its own act
        if trig.name == "territory":
            actor2, assoc = _led_by(view, lex, actor1, actor2, assoc)
            retreat = next((h for h in seg_hits if h.payload[0].plover == "RETREAT" and h.start < main.start), None)
            if retreat is not None and actor2 is None:
                # "أعلن الجيش سحب قواته … بعد أن دخلت الفصائل": who withdrew is whom the place was taken from
                actor2 = _self_reporter(view, lex, retreat, attributions, actors)
        if trig.plover == "RETREAT" and sub_type == "Other" and actor2 is not None:
            # a withdrawal has no target ("انسحاب الروس من حلب وخلافها مع الميليشيات الإيرانية");
            # a handover names its receiver, and is coded as a transfer
            assoc = [*assoc, {**actor2, "with": 2}] if actor2.get("id") else assoc
            actor2 = None
        actor1, actor2, victims = _victims_as_target(view, lex, facts, actor1, actor2, protest=trig.plover == "PROTEST")
        protest_target = None
        if trig.plover == "PROTEST" and actor2 is not None and not actor2.get("id") and actor2.get("side") is None:
            # what a protest is against, in its words ("الحصار المفروض"): PLOVER's target, no ACLED actor
            protest_target = {"text": actor2.get("text")}
            actor2 = None
        if civ_hit and actor2 is None and event_type in ("Violence against civilians", "Explosions/Remote violence"):
            actor2 = dict(_CIVILIANS)
        elif actor2 is not None and not actor2.get("id") and actor2.get("text"):
            # Unlinked victims named by a civilian word ("مدنيين", "أطفال") are the civilians.
            head = str(actor2["text"]).split()[0]
            if lex.category_of(head) in cas.CIVILIAN_CATEGORIES:
                actor2 = {**actor2, **{k: v for k, v in _CIVILIANS.items() if k != "text"}}
        # Location: the most specific place in the segment (or sentence), nearest the trigger.
        location, loc_span = None, None
        cands = [
            (p, ps) for p, (ps, _pe) in zip(places, place_spans, strict=True) if not any(s <= ps < e for s, e in attr_spans)
        ]
        in_seg = [c for c in cands if seg_lo <= c[1] < seg_hi] or cands
        in_seg = [c for c in in_seg if not _dates_prior_cause(view, lex, main, seg_hits, c[1], lex.place_prior_links)]
        if in_seg:
            # A place after "من" (from) is where something came from, not where the event happened.
            origins = {id(p) for p, ps in in_seg if _after_from(view, ps)}

            def rank(c: tuple[Mention, int]) -> tuple[int, int, int]:
                gp = int(c[0].attrs.get("geo_precision") or 3)
                return (id(c[0]) in origins, gp, abs(c[1] - main.start))

            best = min(in_seg, key=rank)[0]
            location = _location(best)
            loc_span = Span(best.start, best.end)
            spans["location"] = [loc_span]
        date, precision, date_from = None, None, None
        in_seg_t = [t for t in times if seg_lo <= t[0] < seg_hi] or list(times)
        in_seg_t = [t for t in in_seg_t if not _dates_prior_cause(view, lex, main, seg_hits, t[0])]
        if in_seg_t:
            best_t = min(in_seg_t, key=lambda t: abs(t[0] - main.start))
            date, precision, date_from = best_t[2], best_t[3], "text"
            spans["date"] = [view.span(best_t[0], best_t[1])]
        # A denial is no source of the report (its phrase only keeps the denier out of the roles).
        sources = [a for a in attributions if not _is_denial_cue(lex, a.cue)] if deniers or hedges else list(attributions)
        seg_attr = [a for a in sources if seg_lo <= a.start < seg_hi]
        if not seg_attr:
            seg_attr = [a for a in sources if a.start < seg_lo] or list(sources)
        if seg_attr:
            spans["attributed_to"] = [view.span(a.start, a.end) for a in seg_attr]
        points = [main.start] + [f.start for f in facts]
        covering = [h for h in hedges if any(h.covers(p) for p in points)] if hedges else []
        # A denial says most about the report: it wins over a claim or a rumour in the same sentence.
        hedge = next((h for h in covering if h.kind == "denial"), covering[0] if covering else None)
        if hedge is not None:
            spans["hedged"] = [view.span(hedge.start, hedge.start + len(hedge.cue))]
        confidence = weight
        confidence += 0.15 if location else 0.0
        confidence += 0.1 if date else 0.0
        if killed or injured:
            known = any(r and r.get("total") for r in (killed, injured))
            confidence += 0.15 if known else 0.08
        confidence += 0.1 if actor1 and actor1.get("id") else (0.05 if actor1 else 0.0)
        confidence += 0.05 if seg_attr else 0.0
        if confidence < self.min_confidence:
            return None
        if hedge is not None:
            confidence -= 0.15
        ev_start, ev_end = view.to_doc(0), view.to_doc(len(view.folded))
        spans["evidence"] = [Span(ev_start, ev_end)]
        for key, value in (("actor1", actor1), ("actor2", actor2)):
            if value and not value.get("id") and value.get("_span"):
                _strip_lead(view, lex, value)
            if value and value.get("_span"):
                spans[key] = [view.span(*value.pop("_span"))]
            elif value:
                value.pop("_span", None)
        for a in assoc:
            a.pop("_span", None)
        if sub_type == "Armed clash":
            actor2, assoc = _sides_by_camp(actor1, actor2, assoc, lex)
        fields: dict[str, Any] = {
            "plover_type": trig.plover,
            "plover_mode": trig.plover_mode,
            "trigger": view.original(main.start, main.end),
            "actor1": actor1,
            "actor2": actor2,
            "assoc_actors": assoc,
            # the people killed or hurt in the text's words, whatever actor2 is (PLOVER's target)
            "victims": victims,
            "protest_target": protest_target,
            "location": location,
            "date": date,
            "date_precision": precision,
            "date_from": date_from,
            "killed": killed,
            "injured": injured,
            "attributed_to": [a.record() for a in seg_attr],
            "hedged": hedge is not None,
            "hedge_cue": view.original(hedge.start, hedge.start + len(hedge.cue)) if hedge else None,
            "hedge_kind": hedge.kind if hedge else None,
            "denied_by": denied_by,
            "evidence": {"text": doc.text[ev_start:ev_end], "start": ev_start, "end": ev_end},
            "sentence_index": index,
            "background": False,
        }
        back = [h for h in view.find(lex.anaphora) if seg_lo <= h.start < seg_hi]
        told_again = any(h.start <= main.start < h.end or main.start <= h.start < main.end for h in back)
        return _Candidate(
            trig, event_type, sub_type, fields, spans, round(min(confidence, 0.95), 3), index, paragraph, virtual,
            weak=weight < trig.weight, anaphoric=bool(back), recalled=_is_recalled(view, main, lex),
            told_again=told_again,
        )

    def _fill_context(self, candidates: list[_Candidate], doc: Document) -> None:
        """Place and date from earlier sentences of the paragraph, else the publication date; the
        speaker of a quoted "قواتنا" from the nearest sentence before that names a source actor."""
        headline: object = _UNSET
        for i, c in enumerate(candidates):
            if _first_person(c.fields["actor1"], self.lexicon):
                own = [a["source_actor"] for a in c.fields["attributed_to"] if a.get("source_actor")]
                earlier = (
                    a["source_actor"]
                    for prev in reversed(candidates[:i])
                    if c.sentence_index - prev.sentence_index <= 2
                    for a in prev.fields["attributed_to"]
                    if a.get("source_actor")
                )
                speaker = own[0] if own else next(earlier, None)
                if speaker is not None:
                    c.fields["actor1"] = dict(speaker)
                    c.spans.pop("actor1", None)
            if c.fields["location"] is None:
                named = self._named_before(c, doc)
                if named is not None:
                    c.fields["location"] = _location(named)
                    c.fields["location_from"] = "anaphora"
            for key in ("location", "date"):
                if c.fields[key] is not None:
                    continue
                for prev in reversed(candidates[:i]):
                    if prev.paragraph != c.paragraph or c.sentence_index - prev.sentence_index > 2:
                        break
                    if prev.fields[key] is not None and (key != "date" or prev.fields["date_from"] == "text"):
                        c.fields[key] = prev.fields[key]
                        if key == "date":
                            c.fields["date_precision"] = prev.fields["date_precision"]
                            c.fields["date_from"] = "context"
                        else:
                            c.fields["location_from"] = "context"
                        break
            if c.fields["date"] is None and doc.published is not None:
                c.fields["date"] = doc.published.isoformat()
                c.fields["date_precision"] = "unknown"
                c.fields["date_from"] = "publication"
            if c.fields["location"] is None and not (doc.published and _stale(c, doc.published)):
                # Nothing near names the place: the one place the headline names, if it names one
                # ("… تريد إقصاء نظيرتها من حلب" heads a report told in Aleppo).
                if headline is _UNSET:
                    headline = _headline_place(doc)
                # (not the headline's own sentence: it names its place itself)
                if isinstance(headline, Mention) and not (
                    int(c.fields["evidence"]["start"]) <= headline.start < int(c.fields["evidence"]["end"])
                ):
                    c.fields["location"] = _location(headline)
                    c.fields["location_from"] = "headline"


    def _named_before(self, c: _Candidate, doc: Document) -> Mention | None:
        """The place "المدينة" / "الحي" in the candidate's sentence refers to: of the places of that
        kind named before it (outside its source's words), the one named most often."""
        anaphora = self.lexicon.place_anaphora
        if not anaphora:
            return None
        start, end = int(c.fields["evidence"]["start"]), int(c.fields["evidence"]["end"])
        lo = bisect.bisect_left(doc.tokens, start, key=lambda t: t.start)
        hi = bisect.bisect_left(doc.tokens, end, key=lambda t: t.start)
        words = [t for t in doc.tokens[lo:hi] if t.is_word and t.norm in anaphora]
        if not words:
            return None
        places = [m for m in doc.mentions if m.type == "place" and m.kb_id and m.start < end]
        inside = [(m.start, m.end) for m in places if start <= m.start]
        types: tuple[str, ...] | None = None
        at = start
        for t in words:
            if any(cl.form == "ال" for cl in t.clitics) and not any(s <= t.start < e for s, e in inside):
                types, at = anaphora[t.norm], t.start
                break
        if types is None:
            return None
        # (places named earlier in the sentence count too, but not where its source is: "قال
        # مراسلنا في إدلب إن الطائرة قصفت وسط المدينة" is not about Idlib)
        sources = [(sp.start, sp.end) for sp in c.spans.get("attributed_to", [])]
        earlier = [
            m for m in places
            if m.end <= at and m.attrs.get("place_type") in types and not any(s <= m.start < e for s, e in sources)
        ]
        if not earlier:
            return None
        # The place the article keeps naming, not the last one in passing ("الحملة على إدلب"):
        # the most often named, the first named (the lead's) on a tie.
        counts = Counter(m.kb_id for m in earlier)
        return max(earlier, key=lambda m: counts[m.kb_id])


_UNSET = object()
# The headline is among the first sentences and short; outlet-name lines before it have no place.
_HEADLINE_SENTENCES = 3
_HEADLINE_MAX_WORDS = 25
_HEADLINE_PLACE_TYPES = frozenset({"city", "town", "village", "neighbourhood", "governorate", "district", "airport", "base"})


def _headline_place(doc: Document) -> Mention | None:
    """The one settlement or province the headline names, or None (none, or several)."""
    for sentence in doc.sentences[:_HEADLINE_SENTENCES]:
        text = doc.text[sentence.start : sentence.end]
        words = len(text.split())
        if words < 3:
            continue  # an outlet's name or a section line
        if words > _HEADLINE_MAX_WORDS:
            return None
        places = [
            m for m in doc.mentions
            if m.type == "place" and m.kb_id and sentence.start <= m.start < sentence.end
            and m.attrs.get("place_type") in _HEADLINE_PLACE_TYPES
        ]
        ids = {m.kb_id for m in places}
        return places[0] if len(ids) == 1 else None
    return None


# A report recalls, not reports, an incident dated (or a period ending) this long before publication.
_STALE_DAYS = 7


def _period_end(value: str, precision: str | None) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    if precision == "year":
        return dt.date(day.year, 12, 31)
    if precision == "month":
        nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return day


def _stale(c: _Candidate, published: dt.date) -> bool:
    """Background: the text dates the incident (or the period it sums up) well before publication."""
    f = c.fields
    if f["date_from"] not in _TEXT_DATE or not f["date"]:
        return False
    end = _period_end(str(f["date"]), f.get("date_precision"))
    return end is not None and (published - end).days > _STALE_DAYS


def _is_irrealis(
    view: SentenceView, hit: Hit, irrealis: Sequence[Hit], negations: Sequence[Hit] = (), window: int = 8
) -> bool:
    """A plan, threat, attempt or negation governs the trigger (a cue before it in its clause)."""
    clause = view.clause_of(hit.start, weak=True)
    for cues, limit in ((irrealis, 4), (negations, window)):
        for cue in cues:
            same_clause = cue.end <= hit.start and view.clause_of(cue.start, weak=True) == clause
            # (counted up to the trigger's word: "لاستعادة" is not a word between)
            if same_clause and view.words_between(cue.end, hit.word_start) <= limit:
                    return True
    return False


def _negated_after(view: SentenceView, hit: Hit, cues: Sequence[Hit], window: int) -> bool:
    """An event noun followed in its clause by "لن تكون/لم يتم": talked of, not done."""
    if view.folded[hit.word_start : hit.start] not in ("", "ال", "و", "وال", "فال"):
        return False  # ("بالمفاوضات": a noun governed by a preposition is not the clause's subject)
    clause = view.clause_of(hit.start, weak=True)
    return any(
        c.start >= hit.end and view.clause_of(c.start, weak=True) == clause and view.words_between(hit.end, c.start) <= window
        for c in cues
    )


def is_future_verb(word: str, lex: EventLexicon) -> bool:
    """A future imperfect ("سيتحرك", "وستشن"), not a word that merely starts like one ("سيطرة", "ستة")."""
    if word[:1] in "وف" and len(word) > lex.future_min_length:
        word = word[1:]
    return (
        len(word) >= lex.future_min_length
        and word.startswith(lex.future_prefixes)
        and not word.startswith(lex.not_future)
    )


def _is_future(view: SentenceView, hit: Hit, lex: EventLexicon) -> bool:
    """The trigger is told in the future: a future verb right before or after it in its clause."""
    clause = view.clause_of(hit.start, weak=True)
    near = view.words_before(hit.word_start, lex.future_window) + view.words_from(hit.end, lex.future_window)
    return any(
        view.clause_of(ws, weak=True) == clause and is_future_verb(w, lex) for ws, _we, w in near
    )


def _drop_facts(
    facts: Sequence[cas.CasualtyFact], drop: Callable[[cas.CasualtyFact], bool]
) -> list[cas.CasualtyFact]:
    """Remove facts (and the breakdowns of removed ones), keeping `sub_of` indices right."""
    gone: set[int] = set()
    for i, f in enumerate(facts):
        if drop(f) or (f.sub_of is not None and f.sub_of in gone):
            gone.add(i)
    new_index: dict[int, int] = {}
    out: list[cas.CasualtyFact] = []
    for i, f in enumerate(facts):
        if i in gone:
            continue
        new_index[i] = len(out)
        out.append(f if f.sub_of is None else dataclasses.replace(f, sub_of=new_index.get(f.sub_of)))
    return out


def _after_from(view: SentenceView, pos: int) -> bool:
    before = view.words_before(pos, 1)
    return bool(before) and before[-1][2] in ("من", "منطلقة من", "انطلاقا من")


def _dates_prior_cause(
    view: SentenceView, lex: EventLexicon, main: Hit, hits: Sequence[Hit], at: int, links: PhraseSet | None = None
) -> bool:
    """The time at `at` follows "عقب/على خلفية ..." past the trigger and dates that cause, not the event.

    "قتل 3 مدنيين عقب غارة ... اليوم" keeps its date: the cause is an event word, the same incident.
    """
    for link in view.find(lex.prior_links if links is None else links):
        if not (main.end <= link.start and link.end < at) or view.words_between(link.end, at) < 1:
            continue
        if any(
            h.start != main.start and link.end <= h.start < at and view.words_between(link.end, h.start) <= 1
            for h in (*hits, *view.find(lex.triggers), *view.find(lex.anaphora))
        ):
            continue
        return True
    return False


def _drop_anchors(
    view: SentenceView, times: list[tuple[int, int, str, str]], lex: EventLexicon
) -> list[tuple[int, int, str, str]]:
    """Times after "منذ" (since) date the start of a period, not the event."""
    blockers = view.find(lex.date_blockers)
    if not blockers:
        return times
    def anchored(t: tuple[int, int, str, str]) -> bool:
        return any(
            t[0] <= b.start < t[1]
            or (
                b.end <= t[0]
                and view.words_between(b.end, t[0]) <= lex.date_blocker_window
                and view.clause_of(b.start, weak=True) == view.clause_of(t[0], weak=True)
            )
            for b in blockers
        )

    whens = view.find(lex.when_links)

    def opens_clause(t: tuple[int, int, str, str]) -> bool:
        return any(w.start >= t[1] and view.words_between(t[1], w.start) == 0 for w in whens)

    return [t for t in times if not anchored(t) or opens_clause(t)]


def _is_background(view: SentenceView, hit: Hit, lex: EventLexicon) -> bool:
    """Background, not news: "ويأتي ذلك بعد ..." sentences and "منذ ..." (since) phrases."""
    first = view.words[0][0] if view.words else 0
    if any(o.word_start <= first + 1 and o.start < hit.start for o in view.find(lex.background_openers)):
        return True
    # "ويأتي ذلك بعد/ضمن ..." places the news in context, unless it says what goes on meanwhile
    # ("ويأتي ذلك في وقت تواصل فيه الطائرات ...").
    for o in view.find(lex.context_openers):
        opens = o.word_start <= first + 1 and o.start < hit.start
        if opens and not any(o.end <= c.start < hit.start for c in view.find(lex.concurrent)):
            return True
    for cue in view.find(lex.background_cues):
        same_clause = cue.end <= hit.start and view.clause_of(cue.start, weak=True) == view.clause_of(hit.start, weak=True)
        if same_clause and view.words_between(cue.end, hit.start) <= lex.background_window:
            return True
    return False


def _drop_time_references(view: SentenceView, hits: list[Hit], lex: EventLexicon) -> list[Hit]:
    """"اعتقلوا خمسة ناشطين عقب انتهاء المظاهرة": an event named to date another is not the news
    when the clause has another trigger of its own."""
    refs = view.find(lex.temporal_refs)
    if not refs or len(hits) < 2:
        return hits

    def is_ref(h: Hit) -> bool:
        return any(
            r.end <= h.word_start and view.words_between(r.end, h.word_start) <= 1
            and not view.boundary_between(r.end, h.word_start)
            for r in refs
        )

    retreats = [h for h in hits if h.payload[0].plover == "RETREAT"]
    out = [
        h for h in hits
        # ("سحب قواته من حلب، بعد أن دخلت الفصائل إلى معظم أحيائها": the capture is the takeover the
        # withdrawal answers; it is told, not only a date)
        if not is_ref(h) or (h.payload[0].name == "territory" and retreats and all(r.start < h.start for r in retreats))
    ]
    # Only a specific trigger of its own (not "استهدف", not a weak form) makes the clause's news.
    kept_clauses = {
        view.clause_of(h.start) for h in out if h.payload[0].name != "kill" and h.payload[1] >= h.payload[0].weight
    }
    # Keep a reference when nothing else would start its clause's event.
    return [h for h in hits if h in out or view.clause_of(h.start) not in kept_clauses]


def _is_recalled(view: SentenceView, hit: Hit, lex: EventLexicon) -> bool:
    """"وكانت الفصائل قد سيطرت": a pluperfect "كان ... قد" governs the trigger in its clause."""
    if not hit.form:
        return False
    clause = view.clause_of(hit.start)
    for cue in view.find(lex.pluperfect):
        if cue.end > hit.start or view.clause_of(cue.start) != clause or view.words_between(cue.end, hit.start) > 8:
            continue
        if any(w == "قد" for ws, _we, w in view.words_from(cue.end, 5) if ws < hit.start):
            return True
    return False


def _location(m: Mention) -> dict[str, Any]:
    a = m.attrs
    return {
        "place_id": m.kb_id,
        # The place's own name ("الطلحية"); `text` keeps the words as written ("قريتي الطلحية").
        "name": a.get("name") or m.text,
        "text": m.text,
        "name_en": a.get("name_en"),
        "lat": a.get("lat"),
        "lon": a.get("lon"),
        "admin1": a.get("admin1"),
        "admin2": a.get("admin2"),
        "geo_precision": a.get("geo_precision"),
        "container_id": a.get("container_id"),
    }


def _role_cue(view: SentenceView, hits: Sequence[Hit], pos: int) -> bool:
    return any(h.end <= pos and view.words_between(h.end, pos) <= 1 and not view.boundary_between(h.end, pos) for h in hits)


def _roles(
    view: SentenceView, lex: EventLexicon, players: Sequence[ActorRef], main: Hit, lo: int, hi: int
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[dict[str, Any]]]:
    if not players:
        return None, None, []
    targets = view.find(lex.role_target)
    agents = view.find(lex.role_agent)
    between = [h for h in view.find(lex.role_between) if lo <= h.start < hi]

    def d(a: ActorRef) -> dict[str, Any]:
        out = a.as_dict()
        out["_span"] = (a.start, a.end)
        return out

    ordered = sorted(players, key=lambda a: (a.start < main.start, abs(a.start - main.start)))
    actor1: ActorRef | None = None
    actor2: ActorRef | None = None
    # "استهدفت مسيرات تركية مواقع لقسد": an actor named by the means of the event is who used it
    carrier = next((a for a in players if a.start <= main.start < a.end), None)
    if carrier is not None:
        actor1 = carrier
        # ("الطائرات الحربية التابعة للنظام وروسيا": a partner joined to it acts with it)
        partners = _conjoined(view, players, carrier)
        actor2 = next((a for a in ordered if a is not carrier and a.id != carrier.id and a not in partners), None)
    for b in between if carrier is None else ():
        after = [a for a in players if a.start >= b.end]
        if len(after) >= 2:
            actor1, actor2 = after[0], next((a for a in after[1:] if a.id != after[0].id), None)
            break
    if actor1 is None:
        # Civilians are victims, never the side that acts.
        agent = [a for a in ordered if a.side != "civilian" and _role_cue(view, agents, a.start)] if agents else []
        target = [
            a for a in ordered
            if (a.side == "civilian" or (bool(targets) and _role_cue(view, targets, a.start))) and a not in agent
        ]
        neutral = [a for a in ordered if a not in agent and a not in target]
        first = agent or neutral
        actor1 = first[0] if first else None
        # The head of "X وY" leads the acting side.
        while actor1 is not None:
            head = next((a for a in players if a.end <= actor1.start and view.only_conjunction(a.end, actor1.start)), None)
            if head is None or head.side == "civilian":
                break
            actor1 = head
        # "X وY" as the acting side: Y acts with X (associated), it is not the target.
        partners = _conjoined(view, players, actor1)
        rest = [
            a for a in target + neutral
            if a is not actor1 and (actor1 is None or a.id != actor1.id) and a not in partners
        ]
        actor2 = rest[0] if rest else None
    assoc: list[dict[str, Any]] = []
    for role, who in ((1, actor1), (2, actor2)):
        if who is None:
            continue
        for a in players:
            if a is who or a is actor1 or a is actor2 or a.id in (who.id,):
                continue
            if a.start > who.end and view.only_conjunction(who.end, a.start):
                item = d(a)
                item["with"] = role
                assoc.append(item)
    return (d(actor1) if actor1 else None), (d(actor2) if actor2 else None), assoc


_QUOTES = set("«»\"()")
_PHRASE_BREAKS = frozenset(_STRONG_PUNCT | _WEAK_PUNCT | _QUOTES)
_STRONG_SET = frozenset(_STRONG_PUNCT)


@dataclass(frozen=True)
class _Clause:
    """Subject and object spans (folded-sentence offsets) around the event's verb."""

    subject: tuple[int, int] | None
    object: tuple[int, int] | None
    protesters: bool = False  # the subject names the protesters
    passive: bool = False  # the clause names victims, and an agent only after "على يد" and the like
    sole: bool = False  # the clause names the only party ("قيام X بإخلاء مواقعها"): nobody else takes a role


def _syntax_roles(
    view: SentenceView, lex: EventLexicon, main: Hit, lo: int, hi: int, numbers: Sequence[NumberInfo],
    blocked: Sequence[tuple[int, int]],
) -> _Clause | None:
    """Subject and object of the event verb, by Arabic word order.

    * Protests: the protesters' noun ("المتظاهرون") is the acting side.
    * A verb ending in -وا/-ون follows its subject ("مسلحون اغتالوا العميد"): a verb agrees in
      number only with a subject before it, so subject before, object after.
    * A verb followed by a count ("قتل 18 شخصا") reports victims: the counted noun is the target;
      the actor is the agent after "على يد" / "من قبل" / "شنه" / "برصاص".
    * Otherwise verb-subject-object: "قتلت القوات الأمريكية 11 مسلحا".
    """
    if main.payload is not None and main.payload[0].plover == "PROTEST":
        for h in view.find(lex.protesters):
            if lo <= h.start < hi and not _inside(h.start, blocked):
                return _Clause((h.word_start, h.end), _protest_target(view, lex, lo, hi, blocked), protesters=True)
    verbs = [h for h in view.find(lex.role_verbs) if lo <= h.start < hi and not _inside(h.start, blocked)]
    nouns = [h for h in view.find(lex.victim_nouns) if lo <= h.start < hi and not _inside(h.start, blocked)]
    between = [h for h in view.find(lex.role_between) if main.start <= h.start < hi]
    paired = main.payload is not None and (
        main.payload[0].name == "clash"
        # "اجتماع بين وفد روسي ووجهاء البلدة", "اتفاق بين أنقرة وموسكو"
        or (main.payload[0].name in ("meeting", "agreement") and bool(between) and view.words_between(main.end, between[0].start) <= 1)
    )
    if between and paired:
        # "اشتباكات بين الفصائل وقوات النظام": the first side, then the second.
        first = _phrase_span(view, lex, between[0].end, numbers=numbers, blocked=blocked)
        if first is not None:
            second = None
            nxt = view.words_from(first[1], 1)
            if nxt and nxt[0][2].startswith("و") and not view.boundary_between(first[1], nxt[0][0]):
                span = _phrase_span(view, lex, nxt[0][0], numbers=numbers, blocked=blocked)
                second = (span[0] + 1, span[1]) if span is not None else None  # without the "و"
            return _Clause(first, second)
    resumed = _resumptive_verb(view, lex, lo, hi, blocked)
    if resumed is not None and (not verbs or resumed[0] < min(h.start for h in verbs)):
        # "الميليشيات الإيرانية استهدفتها قوات النظام": the object put first, taken up by the
        # verb's pronoun; the subject follows the verb.
        vs, ve = resumed
        obj = _phrase_span(view, lex, vs, backwards=True, blocked=blocked)
        subj = _phrase_span(view, lex, ve, numbers=numbers, blocked=blocked, counted=False)
        lead = view.words_from(obj[0], 2) if obj is not None else []
        if obj is not None and len(lead) == 2 and lead[0][2] in lex.subject_openers and lead[1][0] < obj[1]:
            obj = (lead[1][0], obj[1])  # "بأن عسكريين ماليين خطفهم ...": without the "أن"
        if obj is not None and any(
            obj[0] <= h.start < obj[1] or (h.end <= obj[0] and not view.folded[h.end : obj[0]].strip())
            for h in view.find(lex.triggers)
        ):
            obj = None  # "قذائف صاروخية أطلقها الإرهابيون": the pronoun takes up the weapon, not a target
        if subj is not None and (obj is not None or resumed[0] < main.start):
            return _Clause(subj, obj)
    for h in (main, *verbs):
        doer = _doer_before(view, lex, h, blocked) if h.start > h.word_start else None
        if doer is not None:
            # "قيام الجيش التركي بتفكيك نقطته": the noun after "قيام" does it.
            return _Clause(doer, None, sole=True)
    if not verbs and not nouns:
        return None
    # The clause's first event verb is its predicate ("قتلت قوات الأمن ستة متشددين في غارة"); a
    # victim noun only when no verb is there.
    verb = min(verbs, key=lambda h: h.start) if verbs else min(nouns, key=lambda h: abs(h.start - main.start))
    agent = _after_cue(view, lex, ("على يد", "على ايدي", "من قبل", "شنه", "شنها", "نفذه", "نفذها", "برصاص"), verb.end, hi, blocked)
    before_verb = view.words_before(verb.word_start, 1)
    masdar = (verb.start > verb.word_start and view.folded[verb.word_start] in "بلك") or (
        bool(before_verb) and before_verb[0][2] in lex.phrase_stops and before_verb[0][2] not in lex.verb_particles
    )
    if masdar and _without_proclitic(view.folded[verb.word_start : verb.end]) in lex.agent_masdars:
        # "جراء شن الطائرات الحربية غارة على أحياء ...": this noun's complement is the one who
        # launched the attack, and the target is what it was launched on.
        launcher = _phrase_span(view, lex, verb.end, numbers=numbers, blocked=blocked, counted=False)
        target = _after_cue(view, lex, ("على", "ضد"), launcher[1] if launcher else verb.end, hi, blocked)
        return _Clause(launcher, target)
    if masdar or any(verb is n for n in nouns):
        # "مقتل سبعة أشخاص", "اغتيال الصحافي ...": the noun's complement is the victim.
        return _Clause(agent, _phrase_span(view, lex, verb.end, numbers=numbers, blocked=blocked), passive=True)
    word = view.folded[verb.word_start : verb.end]
    bare = word[1:] if word[:1] in "وف" and word[1:] in lex.passive_verbs else word
    passive_form = bare in lex.passive_verbs  # unvocalised, "قتل" is also "قُتل"
    count_after = _count_at(view, lex, verb.end, numbers)
    next_word = view.words_from(verb.end, 1)
    prev_word = view.words_before(verb.word_start, 1)
    if prev_word and prev_word[0][2] in lex.subject_pronouns:
        # "أكد الحلف أنه قتل ...": the subject is the one the report quotes.
        subject = _phrase_span(view, lex, prev_word[0][0], backwards=True, blocked=())
        obj = _phrase_span(view, lex, count_after or verb.end, numbers=numbers, blocked=blocked)
        return _Clause(subject, obj)
    fronted = _fronted_subject(view, lex, verb, blocked)
    if word.endswith(("وا", "ون")) or fronted is not None or (next_word and next_word[0][2] in lex.reflexive):
        # Subject before the verb: a plural verb agrees with a subject before it ("مسلحون اغتالوا"),
        # "إن X فجر نفسه", "أن دبابات أطلقت ...".
        subject = fronted or _phrase_span(view, lex, verb.word_start, backwards=True, blocked=blocked)
        start = verb.end
        if next_word and next_word[0][2] in lex.reflexive:
            start = next_word[0][1]
        obj = _phrase_span(view, lex, start, numbers=numbers, blocked=blocked)
        plural = word.endswith(("وا", "ون"))
        # A count that opens the subject ("إن أربعة أشخاص قتلوا") counts victims too, when nothing follows.
        led_by_count = subject is not None and any(n.start <= subject[0] < n.end for n in numbers)
        if passive_form and subject is not None and (
            _counted(view, lex, subject[0], numbers) or (obj is None and (not plural or led_by_count))
        ):
            return _Clause(agent, subject, passive=True)  # "سبعة أشخاص قتلوا", "جنديا قتل": the victims
        if passive_form and subject is not None and (agent is not None or obj is not None) and _means_only(view, lex, obj):
            # "عناصر ... قتلوا بكمين نفذه مقاتلون ...", "عناصر ... قتلوا بانفجار لغم": the victims
            return _Clause(agent, subject, passive=True)
        return _Clause(subject, obj)
    if count_after is not None:
        counted = _phrase_span(view, lex, count_after, numbers=numbers, blocked=blocked)
        if main.payload is not None and main.payload[0].plover == "PROTEST":
            return _Clause(counted, None)  # "تظاهر مئات الأشخاص": the crowd protests
        return _Clause(agent, counted, passive=True)
    if passive_form and agent is not None:
        # "قتل عناصر من قوات النظام بكمين نفذه مقاتلون ...": the means and its agent follow, so the
        # words up to the means are the victims, not the verb's subject.
        means = next((h for h in view.find(lex.triggers) if verb.end < h.word_start < agent[0]
                      and h.start > h.word_start and view.folded[h.word_start] == "ب"), None)
        if means is not None:
            victims = _phrase_span(view, lex, verb.end, numbers=numbers, blocked=[*blocked, (means.word_start, hi)])
            if victims is not None:
                return _Clause(agent, victims, passive=True)
    subject = _phrase_span(view, lex, verb.end, numbers=numbers, blocked=blocked, counted=False)
    obj = None
    if subject is not None:
        # "طائرات النظام وروسيا غارات": a conjunct after the subject still acts.
        after = subject[1]
        for ws, we, w in view.words_from(after, 3):
            if not (w.startswith("و") and len(w) > 3) or view.boundary_between(after, ws):
                break
            after = we
        obj = _phrase_span(view, lex, after, numbers=numbers, blocked=blocked)
    if passive_form and obj is None:
        # "وقتل شخص بعد ...", "جنديا عراقيا قتل": nobody acted on anyone, so it is the passive.
        victim = subject or _phrase_span(view, lex, verb.word_start, backwards=True, blocked=blocked)
        return _Clause(agent, victim, passive=True)
    if agent is not None and subject is None:
        subject = agent
    return _Clause(subject, obj)


def _doer_before(
    view: SentenceView, lex: EventLexicon, verb: Hit, blocked: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """The phrase between "قيام" and a noun with "ب" ("قيام X بإخلاء"), if the verb is such a noun."""
    if view.folded[verb.word_start] != "ب":
        return None
    span = _phrase_span(view, lex, verb.word_start, backwards=True, blocked=blocked)
    if span is None:
        return None
    words = view.words_from(span[0], 2)
    if len(words) == 2 and words[0][2] in lex.doer_nouns and words[1][0] < span[1]:
        return (words[1][0], span[1])  # the phrase read back took "قيام" in
    before = view.words_before(span[0], 1)
    return span if before and before[0][2] in lex.doer_nouns else None


def _nationality_of_means(view: SentenceView, lex: EventLexicon, main: Hit) -> dict[str, Any] | None:
    """"بغارة روسية": the nationality adjective right after the event word, as its perpetrator."""
    nxt = view.words_from(main.end, 1)
    if not nxt or view.boundary_between(main.end, nxt[0][0]):
        return None
    actor_id = lex.means_nationality.get(nxt[0][2])
    if actor_id is None:
        return None
    from rasid.extract.entities import actor_attrs
    from rasid.knowledge.actors import load_actors

    kb = load_actors()
    if actor_id not in kb:
        return None
    start, end = nxt[0][0], nxt[0][1]
    out = _actor_ref(start, end, actor_id, view.original(start, end), actor_attrs(kb.get(actor_id))).as_dict()
    out["_span"] = (start, end)
    return out


def _referred(
    view: SentenceView, lex: EventLexicon, actor: dict[str, Any] | None, actors: Sequence[ActorRef]
) -> dict[str, Any] | None:
    """'ما وصفتهم بـ"المسلحين" في إشارة إلى مقاتلي العشائر': the words the source used stand for
    the actor the report says it meant."""
    if actor is None or actor.get("_span") is None:
        return actor
    end = actor["_span"][1]
    for cue in view.find(lex.reference_cues):
        if cue.start < end or view.words_between(end, cue.start) > 3:
            continue
        meant = next((a for a in actors if a.id and cue.end <= a.start and view.words_between(cue.end, a.start) <= 1), None)
        if meant is not None:
            out = meant.as_dict()
            out["_span"] = (meant.start, meant.end)
            return out
    return actor


def _source_actor_before(
    attributions: Sequence[Attribution], actors: Sequence[ActorRef], pos: int
) -> dict[str, Any] | None:
    """The first actor named in the nearest source phrase that ends before `pos`."""
    for a in sorted(attributions, key=lambda x: -x.start):
        if a.end > pos:
            continue
        inside = [x for x in actors if a.start <= x.start < a.end]
        if inside:
            return inside[0].as_dict()
    return None


def _self_reporter(
    view: SentenceView, lex: EventLexicon, main: Hit, attributions: Sequence[Attribution], actors: Sequence[ActorRef]
) -> dict[str, Any] | None:
    """The source of "أعلن" right before a capture/withdrawal/build-up trigger: it announces its own act."""
    trig = main.payload[0] if main.payload is not None else None
    if trig is None:
        return None
    before = view.words_before(main.word_start, 2)
    if any(w in lex.speaker_pronouns for _ws, _we, w in before):
        # "أعلن الجيش … أنه يخوض معارك": the nearest source before, speaking of itself
        speaker = _source_actor_before(attributions, actors, main.word_start)
        if speaker is not None:
            return speaker
    if trig.name not in lex.self_report_triggers:
        return None
    for a in attributions:
        if normalize_word(a.cue) not in lex.self_report_cues or a.end > main.word_start:
            continue
        if view.words_between(a.end, main.word_start) > 2:
            continue
        inside = [x for x in actors if a.start <= x.start < a.end]
        if inside:
            return inside[0].as_dict()
    return None


def _means_only(view: SentenceView, lex: EventLexicon, span: tuple[int, int] | None) -> bool:
    """Nothing, or only the means ("بكمين", "بهجوم", "بغارة"), stands where an object would."""
    if span is None:
        return True
    return any(h.word_start == span[0] and view.folded[h.word_start] == "ب" and h.start > h.word_start
               for h in view.find(lex.triggers))


def _resumptive_verb(
    view: SentenceView, lex: EventLexicon, lo: int, hi: int, blocked: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """An event verb carrying an object pronoun after a noun phrase ("X استهدفتها"): its span."""
    for h in view.find(lex.resumptive):
        ws = h.word_start
        if ws < lo or h.start != ws or _inside(ws, blocked):
            continue  # ("وقتلهم": with "و", a new clause about people told before, not an object put first)
        if ws >= hi:
            break
        before = view.words_before(ws, 1)
        if not before or before[0][2] in lex.phrase_stops or view.boundary_between(before[0][1], ws):
            continue  # "خلال قصفها المدينة": a noun with its possessor, not a verb
        return ws, h.end
    return None


def _fronted_subject(
    view: SentenceView, lex: EventLexicon, verb: Hit, blocked: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """The noun phrase between "أن/إن" (or the clause start) and the verb: a subject put first."""
    span = _phrase_span(view, lex, verb.word_start, backwards=True, blocked=blocked)
    if span is None:
        return None
    before = view.words_before(span[0], 1)
    if not before or view.boundary_between(before[0][1], span[0]):
        return span
    return span if before[0][2] in lex.subject_openers else None


def _counted(view: SentenceView, lex: EventLexicon, pos: int, numbers: Sequence[NumberInfo]) -> bool:
    """A count stands right before `pos` ("سبعة أشخاص")."""
    before = view.words_before(pos, 2)
    return any(w.isdigit() or any(n.start <= ws < n.end for n in numbers) for ws, _we, w in before[-1:])


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _without_proclitic(word: str) -> str:
    """A masdar without a leading preposition or conjunction ("بشن" -> "شن", "ولشن" -> "شن")."""
    while len(word) > 2 and word[0] in "وفبلك":
        word = word[1:]
    return word


def _opens_word(view: SentenceView, i: int) -> bool:
    """A cue found at `i` starts a word (or follows only a conjunction "و"/"ف")."""
    return i == 0 or not view.folded[i - 1].isalpha() or view.folded[i - 1] in "وف"


def _after_cue(
    view: SentenceView, lex: EventLexicon, cues: Sequence[str], lo: int, hi: int, blocked: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    for cue in cues:
        i = view.folded.find(cue, lo, hi)
        if i >= 0 and _opens_word(view, i):
            span = _phrase_span(view, lex, i + len(cue), blocked=blocked)
            if span is not None:
                return span
    return None


def _protest_target(
    view: SentenceView, lex: EventLexicon, lo: int, hi: int, blocked: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """Whom a protest is against: the phrase after the earliest target cue in the clause."""
    best: tuple[int, int] | None = None
    for cue in lex.protest_targets:
        i = view.folded.find(cue, lo, hi)
        while i >= 0 and not _opens_word(view, i):
            i = view.folded.find(cue, i + 1, hi)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, i + len(cue))
    if best is None:
        return None
    end = best[1]
    if end < len(view.folded) and view.folded[end - 1] != " " and view.folded[end].isalpha():
        # "تنديداً بالانقلاب": the preposition is written onto the noun; the phrase starts inside the word
        word = next(((ws, we) for ws, we, _w in view.words_from(best[0], 6) if ws < end < we), None)
        if word is not None:
            span = _phrase_span(view, lex, word[0], blocked=blocked)
            return _demand_cut(view, (end, span[1])) if span is not None and span[1] > end else None
    span = _phrase_span(view, lex, end, blocked=blocked)
    return _demand_cut(view, span) if span is not None else None


def _demand_cut(view: SentenceView, span: tuple[int, int]) -> tuple[int, int]:
    """"يطالبون المجلس المحلي بتحسين الخدمات": whom they ask, without what they ask for ("بـ…")."""
    for ws, _we, w in view.words_from(span[0], 8):
        if ws >= span[1]:
            break
        if ws > span[0] and w.startswith("ب") and len(w) > 3:
            return span[0], view.words_before(ws, 1)[0][1]
    return span


def _count_at(view: SentenceView, lex: EventLexicon, pos: int, numbers: Sequence[NumberInfo]) -> int | None:
    """Where the counted noun starts when a count follows `pos` (past time words): else None."""
    for ws, _we, w in view.words_from(pos, 4):
        if view.boundary_between(pos, ws):
            return None
        num = next((n for n in numbers if n.start <= ws < n.end), None)
        if num is not None:
            return num.end
        if w.isdigit():
            return _we
        if w not in lex.time_words and w not in lex.role_skip:
            return None
    return None


def _phrase_span(
    view: SentenceView,
    lex: EventLexicon,
    pos: int,
    *,
    backwards: bool = False,
    numbers: Sequence[NumberInfo] = (),
    blocked: Sequence[tuple[int, int]] = (),
    counted: bool = True,
) -> tuple[int, int] | None:
    """A short noun phrase after (or before) `pos`: leading time words, quantifiers and, when
    `counted`, a count are skipped ("أمس عشرات المواطنين", "خمسة من عناصر الشرطة")."""
    picked: list[tuple[int, int, str]] = []
    if backwards:
        words = list(reversed(view.words_before(pos, lex.max_phrase_words + 3)))
    else:
        words = view.words_from(pos, lex.max_phrase_words + 6)
    edge = pos
    for ws, we, w in words:
        text_between = view.folded[we:edge] if backwards else view.folded[edge:ws]
        if text_between != " ":  # (one space, the usual gap, holds no break)
            if (picked or backwards) and not _PHRASE_BREAKS.isdisjoint(text_between):
                break
            if not _STRONG_SET.isdisjoint(text_between):
                break
        edge = ws if backwards else we
        if blocked and _inside(ws, blocked):
            break
        is_number = w.isdigit() or (bool(numbers) and any(n.start <= ws < n.end for n in numbers))
        if not picked:
            if backwards and (w in lex.role_skip or w in lex.attr_lead_words or w == "قد"):
                continue
            if not backwards and (w in lex.time_words or w in lex.role_skip or w in lex.quantifiers):
                continue
            if not backwards and is_number and counted:
                continue
        if w == "من" and picked and not backwards and all(p[2] in lex.partitive_heads for p in picked):
            continue  # "وحدات من الجيش": the units belong to the phrase
        if is_number or w in lex.phrase_stops or w in lex.triggers or w in lex.role_verbs or w in lex.quantifiers:
            break
        if picked and not backwards and w.startswith("و") and len(w) > 3:
            break  # "شخصا وأصيب ...": a new clause or a second conjunct
        if picked and not backwards and _is_means(w, lex):
            break  # "عناصر من الشرطة بانفجار ...": how it happened, not who
        picked.append((ws, we, w))
        if backwards and w.startswith("و") and len(w) > 3:
            break
        if len(picked) >= lex.max_phrase_words + (1 if picked[0][2] in lex.partitive_heads else 0):
            break
    if not picked:
        return None
    if backwards:
        picked.reverse()
    return picked[0][0], picked[-1][1]


def _strip_lead(view: SentenceView, lex: EventLexicon, actor: dict[str, Any]) -> None:
    """"وكان انتحاريان" / "بان جنودا متمردين": the words that open the clause are not the actor's."""
    s, e = actor["_span"]
    words = [w for w in view.words_from(s, 4) if w[0] < e]
    k = 0
    while k < len(words) - 1 and words[k][2] in lex.actor_lead_words:
        k += 1
    if k:
        actor["_span"] = (words[k][0], e)
        actor["text"] = view.original(words[k][0], e)


def _led_by(
    view: SentenceView,
    lex: EventLexicon,
    actor1: dict[str, Any] | None,
    actor2: dict[str, Any] | None,
    assoc: list[dict[str, Any]],
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """"فصائل مسلحة تقودها هيئة تحرير الشام": the group that leads actor1 acts with it, it is no target."""
    if actor1 is None or actor2 is None or not actor1.get("_span") or not actor2.get("_span"):
        return actor2, assoc
    between = view.folded[actor1["_span"][1] : actor2["_span"][0]]
    if any(w.strip("\"«»“” ") in lex.led_by for w in between.split()) and view.words_between(actor1["_span"][1], actor2["_span"][0]) <= 1:
        return None, [*assoc, {**{k: v for k, v in actor2.items() if k != "_span"}, "with": 1}]
    return actor2, assoc


def _victims_as_target(
    view: SentenceView,
    lex: EventLexicon,
    facts: Sequence[cas.CasualtyFact],
    actor1: dict[str, Any] | None,
    actor2: dict[str, Any] | None,
    protest: bool = False,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any] | None]:
    """The people killed or hurt, in the text's words: whom the event was done to (PLOVER's target).

    "إن جنديا عراقيا قتل وأصيب آخر": a phrase naming people ("جنديا", "مدنيين") right before a
    killed word with no count after it, or the counted victims themselves, is not the doer.
    Returns (actor1, actor2, victims). Victims of a kind ACLED codes as an actor (civilians,
    fighters) fill an empty actor2; people of no stated kind ("رجل", "أشخاص") only the victims.
    """
    victims: dict[str, Any] | None = None
    if actor2 is not None and not actor2.get("id") and actor2.get("text"):
        first = str(actor2["text"]).split()[0]
        if lex.category_of(normalize_word(first)) == "others":
            actor2 = None  # "وأصيب ثلاثة آخرون": more victims, not an actor
    span = actor1.get("_span") if actor1 is not None else None
    if not protest and actor1 is not None and span is not None and (not actor1.get("id") or actor1.get("side") == "civilian"):
        head = view.words_from(span[0], 1)
        counted_after = any(f.count is not None and f.start >= span[1] for f in facts)
        verb_right_after = any(
            f.count is None and f.start >= span[1] and view.words_between(span[1], f.start) == 0 for f in facts
        )
        is_counted = any(f.count is not None and f.start <= span[0] < f.end for f in facts)
        category = lex.category_of(head[0][2]) if head else None
        if category and ((verb_right_after and not counted_after) or is_counted):
            victims = {"text": actor1.get("text"), "category": category}
            if category != "persons" and (actor2 is None or not actor2.get("id")):
                actor2 = {k: v for k, v in actor1.items()}
            return None, actor2, victims
    found = _victim_phrase(view, lex, facts)
    if found is None:
        return actor1, actor2, None
    noun_start, text, category = found
    victims = {"text": text, "category": category}
    generic_civilians = actor2 is not None and not actor2.get("id") and actor2.get("text") == _CIVILIANS["text"]
    if category != "persons" and (actor2 is None or generic_civilians):
        actor2 = dict(actor2) if actor2 is not None else {"id": None, "side": None, "inter": None, "name": None}
        if category in cas.CIVILIAN_CATEGORIES:
            actor2.update({k: v for k, v in _CIVILIANS.items() if k != "text"})
        actor2["text"] = text
        actor2["_span"] = (noun_start, noun_start + len(normalize(text).text))
    return actor1, actor2, victims


def _victim_phrase(
    view: SentenceView, lex: EventLexicon, facts: Sequence[cas.CasualtyFact]
) -> tuple[int, str, str] | None:
    """(start, words, category) of the victims: the people right before an uncounted killed word
    ("جنديا أميركيا قتل"), else the counted dead, else the counted hurt. "آخرون" (others) and a
    bare count ("ثلاثة") name nobody."""

    def named(start: int, end: int) -> tuple[int, str, str] | None:
        words = [w for w in view.words_from(start, 8) if w[0] < end]
        heads = [(ws, w, lex.category_of(w)) for ws, _we, w in words if not w.isdigit()]
        head = next(((ws, w, c) for ws, w, c in heads if c is not None), None)
        if head is None or head[2] == "others":
            return None
        phrase = view.phrase_after(head[0], lex).split()
        # ("عناصر الشرطة واصابة ثلاثة": a word joined by و starts the next item; "مدنياً قضوا": the
        # killed word ends the victims)
        verbs = {view.original(h.start, h.end) for h in (*view.find(lex.killed_cues), *view.find(lex.injured_cues))}
        cut = next(
            (i for i, w in enumerate(phrase) if i > 0 and (w.startswith("و") or w in verbs)), len(phrase)
        )
        text = " ".join(phrase[:cut])
        return (head[0], text, head[2]) if text else None

    for f in facts:
        if f.kind == "killed" and f.count is None and f.sub_of is None:
            span = _phrase_span(view, lex, f.start, backwards=True)
            if span is not None and span[1] <= f.start and view.words_between(span[1], f.start) == 0:
                got = named(*span)
                if got is not None:
                    return got
    for kind in ("killed", "injured"):
        for f in facts:
            if f.kind == kind and f.sub_of is None and f.count is not None:
                got = named(f.start, f.end)
                if got is not None:
                    return got
    return None


def _next_opponent(
    view: SentenceView, players: Sequence[ActorRef], actor1: Mapping[str, Any], main: Hit, lo: int, hi: int
) -> dict[str, Any] | None:
    """The first linked actor after the trigger in its clause that is not actor1."""
    clause = view.clause_of(main.start)
    for a in sorted(players, key=lambda x: x.start):
        if a.start < main.end or not (lo <= a.start < hi) or not a.id or a.id == actor1.get("id"):
            continue
        if view.clause_of(a.start) != clause:
            break
        out = a.as_dict()
        out["_span"] = (a.start, a.end)
        return out
    return None


def _right_after(view: SentenceView, end: int, start: int) -> bool:
    """`start` follows `end` with at most "في"/"من" between ("12 مسلحا من حزب العمال")."""
    gap = view.words_from(end, 1)
    return end <= start and view.words_between(end, start) <= 1 and bool(gap) and gap[0][2] in ("في", "من")


def _apply_syntax(
    clause: _Clause,
    players: Sequence[ActorRef],
    actor1: dict[str, Any] | None,
    actor2: dict[str, Any] | None,
    view: SentenceView,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Actors in the subject / object position take the roles; a position holding no known actor
    gives an unlinked actor (its words)."""

    def same(x: dict[str, Any] | None, y: dict[str, Any] | None) -> bool:
        return x is not None and y is not None and x.get("_span") == y.get("_span")

    def pick(span: tuple[int, int] | None) -> dict[str, Any] | None:
        if span is None:
            return None
        s, e = span
        inside = [a for a in players if s <= a.start < e or a.start <= s < a.end]
        if inside:
            out = inside[0].as_dict()
            out["_span"] = (inside[0].start, inside[0].end)
            return out
        return {"id": None, "text": view.original(s, e), "side": None, "inter": None, "name": None, "_span": (s, e)}

    new1, new2 = pick(clause.subject), pick(clause.object)
    if clause.sole:
        return new1, None
    # "قتل القيادي في هيئة تحرير الشام ... بغارة روسية", "قتلت قواته 12 مسلحا من حزب العمال": the
    # group named right after the victims is theirs. It did not do it; in the active it is the target.
    victims_group = clause.object is not None and actor1 is not None and actor1.get("_span") is not None and (
        _right_after(view, clause.object[1], actor1["_span"][0])
    )
    if victims_group and clause.passive:
        actor1 = None
    if clause.protesters and new1 is not None and not new1.get("id"):
        new1.update(_PROTESTERS)
        return new1, (new2 if new2 is not None else (actor2 if not same(actor2, new1) else None))

    def choose(new: dict[str, Any] | None, old: dict[str, Any] | None, other_new: dict[str, Any] | None) -> list:
        # A known actor in the position first; then a known actor found elsewhere (unless the
        # clause puts it in the other role); then the position's words. The words around the
        # trigger guessed without the clause are dropped: the clause knows better.
        order = []
        if new is not None and new.get("id"):
            order.append(new)
        if old is not None and old.get("id") and not same(old, other_new):
            order.append(old)
        if new is not None and not same(new, other_new):
            order.append(new)
        elif old is not None and not old.get("id") and not clause.passive and not same(old, other_new):
            order.append(old)  # no subject in the clause: the words near the trigger, for want of better
        return order

    if victims_group and actor1 is not None and not same(actor1, new1):
        if new2 is None or not new2.get("id"):
            new2 = actor1
        actor1 = None
    first = choose(new1, actor1, new2)
    out1 = first[0] if first else None
    second = [x for x in choose(new2, actor2, new1) if not same(x, out1)]
    out2 = second[0] if second else None
    return out1, out2


def _opens_with_verb(word: str, lex: EventLexicon) -> bool:
    """A verb where an actor's first word should be: an event or reporting verb, a naming verb
    ("سمتهم"), or the feminine perfect of a derived verb ("أحكمت", "أطلقت": alif, three letters, ت)."""
    bare = word[1:] if word[:1] in "وف" and len(word) > 3 else word
    if any(w in lex.role_verbs or w in lex.attr_verbs or w in lex.not_actor for w in (word, bare)):
        return True
    return len(bare) == 5 and bare[0] == "ا" and bare[-1] == "ت" and bare[-2] not in "اوي"


def _lone_adjective(word: str, lex: EventLexicon) -> bool:
    """A nisba standing alone ("إيرانية", "صاروخي"): it qualifies a noun, it names no one."""
    bare = word[1:] if word[:1] in "وف" and len(word) > 3 else word
    if bare.startswith("ال") or bare in lex.nisba_nouns or lex.category_of(word):
        return False  # "الداخلية", "الصحافي": with the article, a nisba is a noun of its own
    return len(bare) >= 4 and (bare.endswith("ي") or bare.endswith("يه"))


def actor_text_ok(text: str, lex: EventLexicon) -> bool:
    """Whether an unlinked actor text reads as a noun phrase that can act or suffer: it does not
    open with a verb, a weapon or a place noun, and is not a lone adjective."""
    words = normalize_word(text).split()
    if not words:
        return False
    first = words[0]
    bare = first[1:] if first[:1] in "وف" and len(first) > 3 else first
    if _opens_with_verb(first, lex) or " ".join(words[:2]) in lex.not_actor:
        return False
    if lex.is_place_head(first) or bare in lex.not_actor:
        return False
    return not (len(words) == 1 and _lone_adjective(first, lex))


def _checked_actor(
    view: SentenceView, lex: EventLexicon, actor: dict[str, Any] | None, places: Sequence[tuple[int, int]],
    trigger_end: int | None = None,
) -> dict[str, Any] | None:
    """An unlinked actor as it may stand, or None: a place ("على مدينة X", a place mention) is no
    actor; a verb before a noun phrase is dropped ("أحكمت قواتنا" -> "قواتنا"); a text that is
    still no noun phrase of an actor is dropped. With `trigger_end`, a lone nationality adjective
    of the event noun itself names the attacker ("ضربة جوية أميركية")."""
    if actor is None or actor.get("id") or actor.get("side") or not actor.get("text"):
        return actor
    span = actor.get("_span")
    if span is not None:
        s, e = span
        if any(ps <= s < pe for ps, pe in places):
            return None
        if trigger_end is not None and trigger_end <= s and not view.boundary_between(trigger_end, s):
            between = [w for w in view.words_from(trigger_end, 4) if w[0] < s]
            words = normalize_word(str(actor["text"])).split()
            if (
                len(words) == 1 and _lone_adjective(words[0], lex) and all(_lone_adjective(w[2], lex) for w in between)
                and not _opens_with_verb(words[0], lex) and words[0] not in lex.not_actor
            ):
                return actor
        if any(h.word_start == s and h.payload is not None and not h.payload[0].in_actor_names for h in view.find(lex.triggers)):
            return None  # an event noun or its means ("بانفجار", "غارات"), not who took part
        before = view.words_before(s, 1)
        if before and lex.is_place_head(before[0][2]) and not view.boundary_between(before[0][1], s):
            return None  # "مدينة أريحا": the place noun was left out of the phrase
        inside = [w for w in view.words_from(s, lex.max_phrase_words + 2) if w[0] < e]
        if len(inside) > 1 and _opens_with_verb(inside[0][2], lex):
            rest = (inside[1][0], e)
            text = view.original(*rest)
            if actor_text_ok(text, lex):
                return {**actor, "text": text, "_span": rest}
    return actor if actor_text_ok(str(actor["text"]), lex) else None


def _conjoined(view: SentenceView, players: Sequence[ActorRef], head: ActorRef | None) -> list[ActorRef]:
    """Actors chained to `head` by "و" alone ("النظام وروسيا")."""
    if head is None:
        return []
    chain: list[ActorRef] = []
    last = head
    for a in sorted(players, key=lambda x: x.start):
        if a.start > last.end and view.only_conjunction(last.end, a.start):
            chain.append(a)
            last = a
    return chain


def _fallback_roles(
    view: SentenceView, lex: EventLexicon, main: Hit, lo: int, hi: int, attr_spans: Sequence[tuple[int, int]]
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Unlinked actor text when no entity mentions exist: the words after (else before) the trigger."""
    if not main.form:
        return None, None

    def item(text: str, s: int) -> dict[str, Any] | None:
        if not text:
            return None
        return {"id": None, "text": text, "side": None, "inter": None, "name": None, "_span": (s, s + len(normalize(text).text))}

    after_pos = main.end
    while after_pos < len(view.folded) and view.folded[after_pos] not in " \n":
        after_pos += 1
    text1 = view.phrase_after(after_pos, lex)
    s1 = view.words_from(after_pos, 1)[0][0] if text1 else 0
    if not text1 or any(s <= s1 < e for s, e in attr_spans):
        text1 = view.phrase_before(main.start, lex)
        s1 = view.words_before(main.start, lex.max_phrase_words)[0][0] if text1 else 0
        if text1:
            found = view.folded.rfind(normalize(text1).text, 0, main.start)
            s1 = found if found >= 0 else s1
    actor2 = None
    for t in view.find(lex.role_target):
        if t.start >= main.end and lo <= t.start < hi:
            text2 = view.phrase_after(t.end, lex)
            if text2:
                s2 = view.words_from(t.end, 1)[0][0]
                actor2 = item(text2, s2)
                break
    return item(text1, s1), actor2


# --------------------------------------------------------------------------- merging


def _place_compatible(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Same place, one inside the other, or one a wide area (a governorate, "جبل الزاوية") of the
    same province as the other."""
    if a is None or b is None or not a.get("admin1") or not b.get("admin1"):
        return True  # a country or a region across provinces ("شمال سوريا") tells nothing apart
    wide = not a.get("admin2") or not b.get("admin2")
    if wide and a.get("admin1") and a.get("admin1") == b.get("admin1"):
        return True
    if a.get("place_id") == b.get("place_id") or a.get("name") == b.get("name"):
        return True
    # (a place's container may be itself: compare it with the other place only)
    return bool(
        (a.get("container_id") and a.get("container_id") == b.get("place_id"))
        or (b.get("container_id") and b.get("container_id") == a.get("place_id"))
    )


def _place_within(inner: Mapping[str, Any], outer: Mapping[str, Any]) -> bool:
    """A street or quarter of the city named elsewhere ("دوار الساعة وسط حمص" inside "حمص")."""
    outer_id = outer.get("place_id")
    if not outer_id or inner.get("place_id") == outer_id:
        return False
    if inner.get("container_id") == outer_id:
        return True
    from rasid.knowledge.places import load_places

    return any(c.id == outer_id for c in load_places().containers(str(inner.get("place_id") or "")))


_VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
_TEXT_DATE = ("text", "context")


def _has_counts(fields: Mapping[str, Any]) -> bool:
    return any(r and (r.get("total") is not None or r.get("civilians") is not None) for r in (fields["killed"], fields["injured"]))


def _generic(c: _Candidate) -> bool:
    """A loose report: casualties without an event word, the generic "kill" words, or a weak form."""
    return c.virtual or c.weak or c.trigger.name == "kill"


def _untyped(c: _Candidate) -> bool:
    return c.virtual or c.trigger.name == "kill"


@lru_cache(maxsize=4096)
def _country_of(actor_id: str) -> str | None:
    """An actor's country, or the nearest ancestor's (a unit of the Russian forces is Russian)."""
    from rasid.knowledge.actors import load_actors

    kb = load_actors()
    if actor_id not in kb:
        return None
    chain = [kb.get(actor_id), *kb.parents(actor_id)]
    return next((x.country for x in chain if x.country), None)


def _camp(actor: Mapping[str, Any] | None, lex: EventLexicon) -> str | None:
    if not actor or not actor.get("id"):
        return None
    side = actor.get("side")
    if side == "foreign_state":
        country = _country_of(str(actor["id"]))
        return lex.camp_countries.get(country) if country else None
    return lex.camp_sides.get(str(side)) if side else None


def _opposed_perpetrators(a: _Candidate, b: _Candidate, lex: EventLexicon) -> bool:
    """Reports of different kinds name perpetrators of opposed camps, and neither names the other's
    as its target. (Of one kind, they may be two sides' accounts of one incident, each blaming the other.)"""
    # (a "kill" word, "استهدفت", names its perpetrator loosely; a bare toll only with victims of the
    # other camp beside it)
    loose_kill = any(
        c.trigger.name == "kill"
        and (not c.virtual or _camp(c.fields["actor2"], lex) in (None, _camp(c.fields["actor1"], lex)))
        for c in (a, b)
    )
    if a.sub_event_type == b.sub_event_type or loose_kill:
        return False
    fa, fb = a.fields, b.fields
    ca, cb = _camp(fa["actor1"], lex), _camp(fb["actor1"], lex)
    if ca is None or cb is None or ca == cb:
        return False
    ids = lambda f, r: (f[r] or {}).get("id")  # noqa: E731
    return not (ids(fa, "actor1") == ids(fb, "actor2") or ids(fa, "actor2") == ids(fb, "actor1"))


def _mergeable(a: _Candidate, b: _Candidate, lex: EventLexicon) -> bool:
    """Whether candidate b (later in the text) reports the same incident as a.

    One article tells an incident several times (headline, lead, details, quotes). Two reports
    merge when nothing tells them apart: no two different days in the text, compatible places
    (same place, one inside the other, or one unnamed) and compatible counts, and either the same
    kind of event or a loose report (casualties only, the generic "kill" words, a weak trigger form)
    beside a violent one. Different places, days or counts keep incidents apart, except that a
    report referring back ("الغارة", "خلال المعارك") names the place loosely, and that counts of
    different victims (9 soldiers, then 4 fighters of the other side) add up.
    """
    same_sentence = a.sentence_index == b.sentence_index
    if a.fields.get("background") != b.fields.get("background"):
        return False  # an earlier incident recalled is not the one the report tells
    if _gives_way(a, b, lex) or _gives_way(b, a, lex):
        # "… انسحبت ميليشيات أسد من مواقعها" beside the capture of those places: one takeover
        places_ok = _place_compatible(a.fields["location"], b.fields["location"]) or _same_town(
            a.fields["location"], b.fields["location"]
        )
        return _same_day(a.fields, b.fields) and places_ok
    if _opposed_perpetrators(a, b, lex):
        return False
    near = abs(a.sentence_index - b.sentence_index) <= 1 and a.paragraph == b.paragraph
    loose = _generic(a) or _generic(b)
    if a.event_type != b.event_type:
        # A casualty-only sentence ("لقي 12 مدنيا حتفهم") completes an attack told elsewhere; a
        # weak form still names its kind ("هجوم" is a battle), so it does not cross types.
        # "الهجوم" told again names any attack loosely.
        untyped = _untyped(a) or _untyped(b) or (b.anaphoric and b.weak)
        if not (untyped and a.event_type in _VIOLENT and b.event_type in _VIOLENT):
            return False
    fa, fb = a.fields, b.fields
    if fa["date_from"] in _TEXT_DATE and fb["date_from"] in _TEXT_DATE and fa["date"] != fb["date"]:
        return False
    # One sentence listing several places for one kind of event tells one incident.
    one_telling = same_sentence and a.sub_event_type == b.sub_event_type
    # A noun referring back ("الغارة", "المجزرة") names the place loosely when it is the event told,
    # or when nothing more specific than a toll or a loose word tells the event.
    refers_back = b.told_again or (b.anaphoric and (_untyped(b) or b.weak))
    if not (one_telling or refers_back or _place_compatible(fa["location"], fb["location"])):
        return False
    counts_ok = cas.compatible(fa["killed"], fb["killed"]) and cas.compatible(fa["injured"], fb["injured"])
    # A bare casualty sentence with another count is an update or correction of the same toll.
    # Another count is still the same incident when the report refers back to it ("الضربة أدت إلى
    # مقتل 3"), or is a bare toll of the same victims (an update, a correction), or counts the other
    # side's dead in the same fight.
    if not counts_ok and not (b.anaphoric or _bare_update(a, b) or _disjoint_victims(a, b)):
        return False
    shared = cas.shares_count(fa["killed"], fb["killed"]) or cas.shares_count(fa["injured"], fb["injured"])
    if shared or near or one_telling:
        return True
    # A crosshead ("اجتماع الجميلية") introduces the paragraph after it.
    if _is_heading(a) and b.sentence_index == a.sentence_index + 1 and a.event_type == b.event_type:
        return True
    same_kind = (
        # ("Other" is ACLED's catch-all: a meeting and a withdrawal are not one kind)
        (a.sub_event_type == b.sub_event_type and (a.sub_event_type != "Other" or a.trigger.plover == b.trigger.plover))
        # a loose report joins a specific one told elsewhere; a loose word ("المعارك") far back does not
        # take in a specific event told later (a capture, a strike) as its own
        # (outside violence a weak word still names its kind: "اتفاقاً" told far off is no meeting)
        or (loose and (_generic(b) or not _generic(a)) and (a.event_type in _VIOLENT or a.trigger.plover == b.trigger.plover))
        # ("والهجوم هو الأوسع منذ 2018، حين اتفقت موسكو وأنقرة على …": the word referring
        # back is not the agreement's; an event of another kind does not join through it)
        or (b.anaphoric and (a.trigger.plover == b.trigger.plover or _untyped(b) or b.weak or a.event_type in _VIOLENT))
        or (a.trigger.plover == b.trigger.plover and a.event_type == b.event_type)
    )
    if not same_kind:
        return False
    # A headline (the first paragraph, undated) tells the article's first incident of its kind in
    # short: it adds no incident of its own.
    headline = a.paragraph == 0 and b.paragraph > 0 and not fa.get("more_evidence") and fa["date_from"] == "publication"
    if headline:
        return True
    return b.anaphoric or _same_day(fa, fb)


def _same_town(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    """Two quarters of one city ("البحوث العلمية" and "الحمدانية" in Aleppo)."""
    if not a or not b or not a.get("place_id") or not b.get("place_id"):
        return False
    from rasid.knowledge.places import load_places

    kb = load_places()

    def town(place_id: str) -> str | None:
        place = kb.get(place_id)
        if place is not None and place.type in ("city", "town", "village"):
            return place.id
        return next((c.id for c in kb.containers(place_id) if c.type in ("city", "town", "village")), None)

    ta, tb = town(str(a["place_id"])), town(str(b["place_id"]))
    return ta is not None and ta == tb


def _gives_way(retreat: _Candidate, capture: _Candidate, lex: EventLexicon) -> bool:
    """A withdrawal told within a few sentences of a capture, by the side the capture was from."""
    if retreat.trigger.plover != "RETREAT" or capture.trigger.name != "territory":
        return False
    if capture.weak and capture.paragraph != 0:
        return False  # ("لإيقاف تقدمهم": an advance told in passing is no capture to fold a withdrawal into)
    if abs(retreat.sentence_index - capture.sentence_index) > 3 or retreat.sub_event_type != "Other":
        return False
    who = (retreat.fields["actor1"] or {}).get("id")
    if not who:
        return False
    if who == (capture.fields["actor2"] or {}).get("id"):
        return True
    mine, theirs = _camp(retreat.fields["actor1"], lex), _camp(capture.fields["actor1"], lex)
    return mine is not None and theirs is not None and mine != theirs


def _same_day(fa: Mapping[str, Any], fb: Mapping[str, Any]) -> bool:
    """Far apart, an undated report is taken to be of the publication day or the day before."""
    if fa["date"] == fb["date"]:
        return True
    dated = [f for f in (fa, fb) if f["date_from"] in _TEXT_DATE]
    undated = [f for f in (fa, fb) if f["date_from"] == "publication"]
    if len(dated) != 1 or len(undated) != 1 or not dated[0]["date"] or not undated[0]["date"]:
        return False
    try:
        gap = (dt.date.fromisoformat(str(undated[0]["date"])[:10]) - dt.date.fromisoformat(str(dated[0]["date"])[:10])).days
    except ValueError:
        return False
    return 0 <= gap <= 1


def _bare_update(a: _Candidate, b: _Candidate) -> bool:
    """b is a bare toll (no event word of its own, no place, no date) of the same victims as a."""
    fb = b.fields
    if not _untyped(b) or fb["location"] is not None or fb["date_from"] in _TEXT_DATE:
        return False
    return cas.same_victims(a.fields["killed"], fb["killed"])


def _is_heading(c: _Candidate) -> bool:
    """A short line without a full stop and without its own date: a title or a crosshead."""
    text = str(c.fields["evidence"]["text"]).strip()
    return c.fields["date_from"] == "publication" and len(text.split()) <= 8 and not text.endswith((".", "؟", "!"))


def _disjoint_victims(a: _Candidate, b: _Candidate) -> bool:
    """Both report deaths of different groups in one fight (9 soldiers of one side, 4 fighters of the other)."""
    if a.event_type != b.event_type:
        return False
    if a.sentence_index != b.sentence_index and (_untyped(a) or _untyped(b)):
        return False  # a bare toll elsewhere may be another incident's
    if abs(a.sentence_index - b.sentence_index) > 1 or a.paragraph != b.paragraph:
        return False  # tolls told paragraphs apart are of different incidents, not two sides of one
    return cas.disjoint(a.fields["killed"], b.fields["killed"]) and cas.compatible(a.fields["injured"], b.fields["injured"])


def _fuse_split_tolls(candidates: Sequence[_Candidate], lex: EventLexicon) -> list[_Candidate]:
    """Join a bare toll to the cause told in the next sentence of its line, before any other merging.

    The splitter cuts at "؛", so "قتل 15 مدنيا…؛ جراء غارة على الأتارب" arrives as an untyped toll
    followed by its cause. Merged in text order, the toll would first meet an earlier battle of the
    same article and take its type and place; its own cause comes right after it.
    """
    out: list[_Candidate] = []
    i = 0
    while i < len(candidates):
        # The untyped reports of one sentence (a death toll, an injury toll) and what follows them.
        j = i
        while j < len(candidates) and _untyped(candidates[j]) and candidates[j].sentence_index == candidates[i].sentence_index:
            j += 1
        run, nxt = candidates[i:j], candidates[j] if i < j < len(candidates) else None
        if (
            nxt is not None
            and not _untyped(nxt)
            and nxt.event_type in _VIOLENT
            and nxt.sentence_index == run[0].sentence_index + 1
            and nxt.paragraph == run[0].paragraph
            and all(_mergeable(c, nxt, lex) for c in run)
        ):
            out.extend(_merge([nxt, *run], lex))
            i = j + 1
            continue
        out.append(candidates[i])
        i += 1
    return out


def _merge(candidates: Sequence[_Candidate], lex: EventLexicon) -> list[_Candidate]:
    out: list[_Candidate] = []
    for c in candidates:
        options = [e for e in out if _mergeable(e, c, lex)]
        # The closest report of the same kind first, then of the same type, then any.
        target = min(
            options,
            key=lambda e: (e.sub_event_type != c.sub_event_type, e.event_type != c.event_type,
                           abs(e.sentence_index - c.sentence_index)),
        ) if options else None
        if target is None:
            out.append(c)
            continue
        fa, fb = target.fields, c.fields
        if _gives_way(target, c, lex):
            # the withdrawal told first is the capture's other side: the takeover is the event
            target.trigger, target.event_type, target.sub_event_type = c.trigger, c.event_type, c.sub_event_type
            for key in ("plover_type", "plover_mode", "trigger"):
                fa[key] = fb[key]
            withdrawn = fa["actor1"]
            fa["actor1"], fa["actor2"] = fb["actor1"], fb["actor2"] or withdrawn
        elif _untyped(target) and not _untyped(c) and not c.weak:
            target.trigger, target.event_type, target.sub_event_type = c.trigger, c.event_type, c.sub_event_type
            for key in ("plover_type", "plover_mode", "trigger", "actor1", "actor2"):
                if fb.get(key) is not None:
                    fa[key] = fb[key]
        elif (
            c.trigger.priority > target.trigger.priority and c.event_type == target.event_type
            and not c.weak and not c.virtual
            # ("اقتحمت المطار …، لتعود الميليشيات بالسيطرة على أجزائه": a later turn, not the outcome)
            and c.sentence_index != target.sentence_index
            and not (_is_heading(target) and c.sentence_index == target.sentence_index + 1)  # a crosshead names the topic
        ):
            target.sub_event_type = c.sub_event_type
        for key in ("victims", "protest_target"):
            if fa.get(key) is None and fb.get(key) is not None:
                fa[key] = fb[key]
        for key in ("actor1", "actor2", "location", "date"):
            if key.startswith("actor") and fb[key] is not None and not fb[key].get("id") and c.sentence_index != target.sentence_index:
                continue  # unlinked words guessed in another sentence would name the wrong side
            if fa[key] is None and fb[key] is not None:
                fa[key] = fb[key]
                if key == "date":
                    fa["date_precision"], fa["date_from"] = fb["date_precision"], fb["date_from"]
        if fa["date_from"] == "publication" and fb["date_from"] in ("text", "context"):
            fa["date"], fa["date_precision"], fa["date_from"] = fb["date"], fb["date_precision"], fb["date_from"]
        loc_a, loc_b = fa["location"], fb["location"]
        # (a street keeps its place over the city told again; a quarter told later does not
        # narrow down a city's event)
        if loc_a and loc_b and not _place_within(loc_a, loc_b) and (
            int(loc_b.get("geo_precision") or 3) < int(loc_a.get("geo_precision") or 3)
        ):
            fa["location"] = loc_b
        if _disjoint_victims(target, c):
            fa["killed"] = cas.add(fa["killed"], fb["killed"])
        elif not cas.compatible(fa["killed"], fb["killed"]):
            pass  # another account or an earlier version of the toll: keep the event's own
        else:
            fa["killed"] = cas.merge(fa["killed"], fb["killed"])
        if cas.compatible(fa["injured"], fb["injured"]):
            fa["injured"] = cas.merge(fa["injured"], fb["injured"])
        seen = {x["text"] for x in fa["attributed_to"]}
        fa["attributed_to"] = fa["attributed_to"] + [x for x in fb["attributed_to"] if x["text"] not in seen]
        if fb["hedged"] and not fa["hedged"]:
            fa["hedged"], fa["hedge_cue"], fa["hedge_kind"] = True, fb["hedge_cue"], fb["hedge_kind"]
        fa.setdefault("more_evidence", []).append(fb["evidence"])
        for key, spans in c.spans.items():
            target.spans.setdefault(key, []).extend(s for s in spans if s not in target.spans.get(key, []))
        target.confidence = round(min(0.95, max(target.confidence, c.confidence) + 0.05), 3)
    return out


def _clash_sides(c: _Candidate, lex: EventLexicon) -> None:
    """A clash whose toll counts the fighters of two opposed sides ("مقتل 155 من الهيئة و79 من
    الجيش") was fought between those two: they take the roles, not a third actor named elsewhere."""
    if c.sub_event_type != "Armed clash":
        return
    sides: list[dict[str, Any]] = []
    for kind in ("killed", "injured"):
        for item in (c.fields.get(kind) or {}).get("combatants") or []:
            actor = item.get("actor") or {}
            if actor.get("id") and actor.get("side") not in (None, "civilian") and all(
                actor["id"] != x["id"] for x in sides
            ):
                sides.append(actor)
    opposed = [
        (a, b) for i, a in enumerate(sides) for b in sides[i + 1 :]
        if a["side"] != b["side"] and not (a["side"] in lex.government_sides and b["side"] in lex.government_sides)
    ]
    if not opposed:
        return
    first, second = opposed[0]
    fields = c.fields
    ids = [(fields.get(r) or {}).get("id") for r in ("actor1", "actor2")]
    if set(ids) == {first["id"], second["id"]}:
        return
    if ids[0] == second["id"] or ids[1] == first["id"]:
        first, second = second, first  # keep a side already in a role where it is
    for role, actor in (("actor1", first), ("actor2", second)):
        if (fields.get(role) or {}).get("id") != actor["id"]:
            fields[role] = dict(actor)
            c.spans.pop(role, None)  # the old span named the actor replaced


def _sides_by_camp(
    actor1: dict[str, Any] | None, actor2: dict[str, Any] | None, assoc: list[dict[str, Any]], lex: EventLexicon
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """"معارك بين الجيش وحزب الله وفصائل درعا": the first two named are allies; the
    side of the other camp is the opponent, and the ally fights along with actor1."""
    camp1, camp2 = _camp(actor1, lex), _camp(actor2, lex)
    if camp1 is None or camp1 != camp2:
        return actor2, assoc
    other = next((a for a in assoc if _camp(a, lex) not in (None, camp1)), None)
    if other is None or actor2 is None:
        return actor2, assoc
    return other, [actor2, *(a for a in assoc if a is not other)]


def _first_person(actor: Mapping[str, Any] | None, lex: EventLexicon) -> bool:
    """An unlinked "قواتنا" / "مقاتلونا": the speaker's own forces."""
    if not actor or actor.get("id") or not actor.get("text"):
        return False
    words = normalize_word(str(actor["text"])).split()
    return len(words) == 1 and len(words[0]) > 4 and words[0].endswith(lex.first_person_suffixes)


def _to_event(c: _Candidate) -> Event:
    return Event(
        event_type=c.event_type,
        sub_event_type=c.sub_event_type,
        fields=c.fields,
        spans={k: tuple(v) for k, v in c.spans.items()},
        confidence=c.confidence,
    )


def event_record(event: Event) -> dict[str, Any]:
    """A JSON-ready dict of one event (type, fields, spans, confidence)."""
    return {
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        **dict(event.fields),
        "confidence": event.confidence,
        "spans": {k: [[s.start, s.end] for s in v] for k, v in event.spans.items()},
    }

