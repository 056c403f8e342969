"""Actors, news outlets and person titles of the Syrian war, loaded from YAML.

Three files under `rasid/knowledge/data/`:

* `actors.yaml`  — armed forces, militias, factions, governments, agencies, monitors and
  media with Arabic/English names, aliases (optionally dated), parent, side, ACLED inter code.
* `outlets.yaml` — news outlets with the textual cues and URL domains that identify them.
* `titles.yaml`  — ranks, roles and offices that introduce a person, and whether the title
  says which actor the person belongs to or speaks for.

Everything is loaded once (`functools.lru_cache`) and validated on load; an invalid file
raises `KnowledgeDataError` naming the file and the entry.

An actor marked `by_role` (the protesters of a protest) is one rasid names by the part it plays,
never by a name in a text: its names are left out of the alias index and `lookup`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlparse

import yaml

from rasid.document import Span
from rasid.knowledge.actor_names import (
    LOCAL_KINDS,
    DatedName,
    Naming,
    check_naming,
    fill,
    parse_names,
    parse_naming,
    pick,
    resolve,
)
from rasid.knowledge.schema import (
    ACTOR_TYPES,
    AFFILIATION_MODES,
    ALIAS_USAGES,
    COUNTRY_RE,
    DOMAIN_RE,
    ID_RE,
    INTER_CODES,
    OUTLET_LEANINGS,
    SIDES,
    TITLE_KINDS,
    KnowledgeDataError,
    as_date,
    as_str_list,
    as_text,
    check_keys,
    entry_label,
    require,
)
from rasid.serialize import load_yaml
from rasid.text.normalize import normalize, normalize_word

DATA_DIR = Path(__file__).with_name("data")
ACTORS_FILE = DATA_DIR / "actors.yaml"
OUTLETS_FILE = DATA_DIR / "outlets.yaml"
TITLES_FILE = DATA_DIR / "titles.yaml"

__all__ = [
    "Actor",
    "ActorBase",
    "Alias",
    "KnowledgeDataError",
    "Outlet",
    "OutletBase",
    "OutletDetection",
    "Title",
    "acled_actor_name",
    "load_actors",
    "load_outlets",
    "load_titles",
    "normalize_alias",
    "title_index",
]


# --------------------------------------------------------------------------- normalisation
# Keys are built with the tokenizer's own normaliser so they equal Token.norm forms.

_WORD_RE = re.compile(r"\w+", re.UNICODE)


def _normalize_word(word: str) -> str:
    """Diacritics/tatweel removed, alef/hamza forms folded, ة→ه, ى→ي, Arabic-Indic digits."""
    return normalize_word(word)


def _fold_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """Folded text plus the original index of each of its characters (and of the end)."""
    norm = normalize(text)
    return norm.text, norm.offsets


def _words(text: str) -> list[str]:
    # Normalise first: deleting diacritics inside a word must not split it in two.
    return _WORD_RE.findall(normalize_word(text))


def _strip_article(word: str, prefixes: Sequence[str]) -> str:
    for p in prefixes:
        # Keep at least three letters so "الله" or "آل" are never reduced to nothing useful.
        if word.startswith(p) and len(word) - len(p) >= 3:
            return word[len(p) :]
    return word


def _token_key(key: str) -> str:
    """A folded key as the tokenizer's norms spell it (its own article rules: "الحر" -> "حر")."""
    from rasid.text.tokens import tokenize

    return " ".join(t.norm for t in tokenize(key) if t.is_word)


def normalize_alias(text: str, strip_articles: bool = True) -> str:
    """Normalised, space-joined form of a (multi-word) name, as used in `alias_index`.

    With `strip_articles` the definite article (and و/ب/ل + article) is removed from every
    word, which is the form `lookup` uses, so "الميليشيات الإيرانية" == "ميليشيات إيرانية".
    """
    words = _words(text)
    if strip_articles:
        prefixes = load_actors().article_prefixes
        words = [_strip_article(w, prefixes) for w in words]
    return " ".join(words)


# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True, slots=True)
class Alias:
    """One name of an actor, with the period it was the actor's name and who uses it."""

    name: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    usage: str = "neutral"
    local: str | None = None  # military|police|security: a bare word for the forces of the event's country

    def valid_on(self, day: dt.date | None) -> bool:
        if day is None:
            return True
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name_ar: str
    name_en: str
    aliases: tuple[str, ...]
    type: str
    parent: str | None
    side: str
    country: str | None
    inter: int
    acled_name: str
    cameo: str | None = None
    alias_details: tuple[Alias, ...] = ()
    aliases_en: tuple[str, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    generic: bool = False
    backed_by: tuple[str, ...] = ()
    by_role: bool = False  # named by the event coder by role, never matched in a text
    acled_names: tuple[DatedName, ...] = ()  # ACLED names by date (may hold "{country}"), in date order
    acled_by_country: tuple[tuple[str, str, str], ...] = ()  # (ISO-3, "name"|"actor", value) for events there

    def active_on(self, day: dt.date | None) -> bool:
        if day is None:
            return True
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)


# --------------------------------------------------------------------------- YAML helpers


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return load_yaml(fh)
    except FileNotFoundError as exc:
        raise KnowledgeDataError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeDataError(f"{path.name}: invalid YAML: {exc}") from exc


def _top(path: Path, data: Any, key: str) -> list[Any]:
    require(isinstance(data, Mapping), path.name, "top level must be a mapping")
    items = data.get(key)
    require(isinstance(items, list) and len(items) > 0, path.name, f"'{key}' must be a non-empty list")
    return list(items)


# --------------------------------------------------------------------------- actors

_ACTOR_REQUIRED = {"id", "name_ar", "name_en", "type", "side", "inter", "acled_name"}
_ACTOR_OPTIONAL = {
    "aliases",
    "aliases_en",
    "parent",
    "country",
    "cameo",
    "from",
    "to",
    "generic",
    "backed_by",
    "by_role",
    "note",
    "acled_names",
    "acled_by_country",
}


def _parse_alias(raw: Any, where: str) -> Alias:
    if isinstance(raw, str):
        name = as_text(raw, where, "alias")
        assert name is not None
        return Alias(name)
    require(isinstance(raw, Mapping), where, f"alias must be a string or mapping, got {raw!r}")
    check_keys(raw, f"{where}: alias {raw.get('name')!r}", {"name"}, {"from", "to", "usage", "local"})
    name = as_text(raw["name"], where, "alias name")
    assert name is not None
    start = as_date(raw.get("from"), where, f"alias {name!r} from")
    end = as_date(raw.get("to"), where, f"alias {name!r} to")
    require(start is None or end is None or start <= end, where, f"alias {name!r} ends before it starts")
    usage = raw.get("usage", "neutral")
    require(usage in ALIAS_USAGES, where, f"alias {name!r}: unknown usage {usage!r}")
    local = raw.get("local")
    require(
        local is None or local in LOCAL_KINDS,
        where,
        f"alias {name!r}: local must be one of {sorted(LOCAL_KINDS)}",
    )
    return Alias(name, start, end, usage, local)


def _parse_actor(raw: Any, where: str, naming: Naming | None = None) -> Actor:
    require(isinstance(raw, Mapping), where, "entry must be a mapping")
    check_keys(raw, where, _ACTOR_REQUIRED, _ACTOR_OPTIONAL)
    ident = raw["id"]
    require(isinstance(ident, str) and bool(ID_RE.match(ident)), where, f"bad id {ident!r}")
    name_ar = as_text(raw["name_ar"], where, "name_ar")
    name_en = as_text(raw["name_en"], where, "name_en")
    assert name_ar is not None and name_en is not None
    require(raw["type"] in ACTOR_TYPES, where, f"unknown type {raw['type']!r}")
    require(raw["side"] in SIDES, where, f"unknown side {raw['side']!r}")
    inter = raw["inter"]
    require(isinstance(inter, int) and inter in INTER_CODES, where, f"inter must be 1-8, got {inter!r}")
    country = raw.get("country")
    require(country is None or bool(COUNTRY_RE.match(str(country))), where, f"bad country {country!r}")
    cameo = raw.get("cameo")
    require(cameo is None or (isinstance(cameo, str) and cameo.isalnum()), where, f"bad cameo {cameo!r}")
    raw_aliases = raw.get("aliases") or []
    require(isinstance(raw_aliases, list), where, "aliases must be a list")
    details = [_parse_alias(a, where) for a in raw_aliases]
    # The Arabic name is always an alias; an explicit (e.g. dated) entry for it takes precedence.
    if name_ar not in {a.name for a in details}:
        details.insert(0, Alias(name_ar))
    start = as_date(raw.get("from"), where, "from")
    end = as_date(raw.get("to"), where, "to")
    require(start is None or end is None or start <= end, where, "'to' is before 'from'")
    generic = raw.get("generic", False)
    require(isinstance(generic, bool), where, "generic must be true/false")
    by_role = raw.get("by_role", False)
    require(isinstance(by_role, bool), where, "by_role must be true/false")
    parent = raw.get("parent")
    require(parent is None or isinstance(parent, str), where, "parent must be an id")
    naming = naming or Naming()
    acled_names, by_country = parse_names(raw, where, country, naming)
    own = naming.countries.get(str(country or naming.default_country))
    seen: set[str] = set()
    unique: list[Alias] = []
    for a in details:
        if a.name not in seen:
            seen.add(a.name)
            unique.append(a)
    return Actor(
        id=ident,
        name_ar=name_ar,
        name_en=name_en,
        aliases=tuple(a.name for a in unique),
        type=raw["type"],
        parent=parent,
        side=raw["side"],
        country=country,
        inter=inter,
        acled_name=fill(pick(acled_names, None).name, own),
        cameo=cameo,
        alias_details=tuple(unique),
        aliases_en=(name_en, *as_str_list(raw.get("aliases_en"), where, "aliases_en")),
        valid_from=start,
        valid_to=end,
        generic=generic,
        backed_by=as_str_list(raw.get("backed_by"), where, "backed_by"),
        by_role=by_role,
        acled_names=acled_names,
        acled_by_country=by_country,
    )


_KEY_CACHE_SIZE = 50_000


def _undated(item: Alias | Actor) -> bool:
    return item.valid_from is None and item.valid_to is None


class ActorBase:
    """All actors with an alias index for lookup by surface form."""

    def __init__(
        self,
        actors: Sequence[Actor],
        variant_groups: Sequence[Sequence[str]],
        article_prefixes: Sequence[str],
        naming: Naming | None = None,
    ) -> None:
        self._actors = tuple(actors)
        self._by_id = {a.id: a for a in self._actors}
        self.naming = naming or Naming()
        # default ACLED name -> the first actor bearing it (role actors are recorded by name only)
        self._by_acled_name: dict[str, str] = {}
        for a in self._actors:
            self._by_acled_name.setdefault(a.acled_name, a.id)
        # actor id -> {lookup key of a local alias ("الجيش"): military|police|security}
        self._local_keys: dict[str, dict[str, str]] = {}
        self.article_prefixes = tuple(
            sorted((_normalize_word(p) for p in article_prefixes), key=len, reverse=True)
        )
        self._variants: dict[str, tuple[str, ...]] = {}
        for group in variant_groups:
            forms = tuple(dict.fromkeys(_normalize_word(w) for w in group))
            for f in forms:
                self._variants[f] = forms
        # stripped key -> [(actor id, alias)], and every key form (with/without articles) -> ids
        self._lookup: dict[str, list[tuple[str, Alias]]] = {}
        self._index: dict[str, list[str]] = {}
        for actor in self._actors:
            if actor.by_role:
                continue  # (no text names it: the event coder assigns it by role)
            names = [*actor.alias_details, *(Alias(n) for n in actor.aliases_en)]
            for alias in names:
                if alias.local is not None:
                    local = self._local_keys.setdefault(actor.id, {})
                    for _, stripped in self._keys(alias.name):
                        local[stripped] = alias.local
                for key, stripped in self._keys(alias.name):
                    # Lookup is case-insensitive for Latin names ("ISIS", "hts"); Arabic is unaffected.
                    bucket = self._lookup.setdefault(stripped.casefold(), [])
                    if (actor.id, alias) not in bucket:
                        bucket.append((actor.id, alias))
                    # (+ the token norms the entity matcher keys by: "الحر" -> "حر", where `stripped` keeps it)
                    for k in (key, stripped, _token_key(key)):
                        ids = self._index.setdefault(k, [])
                        if actor.id not in ids:
                            ids.append(actor.id)
        self.max_alias_words = max((len(k.split()) for k in self._index), default=0)
        # surface -> lookup key: the entity stage looks up the same few hundred names in every article.
        self._key_cache: dict[str, str] = {}
        # lookup key -> actors, best first, for keys none of whose aliases or actors carry dates
        self._fixed_rankings: dict[str, tuple[Actor, ...]] = {}

    def _keys(self, name: str) -> list[tuple[str, str]]:
        """(full key, article-stripped key) for each spelling variant of `name`."""
        words = _words(name)
        if not words:
            return []
        options = [self._variants.get(w, (w,)) for w in words]
        out: list[tuple[str, str]] = []
        for combo in itertools.product(*options):
            full = " ".join(combo)
            stripped = " ".join(_strip_article(w, self.article_prefixes) for w in combo)
            out.append((full, stripped))
        return out

    # -- public API

    def __len__(self) -> int:
        return len(self._actors)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._by_id

    def get(self, actor_id: str) -> Actor:
        try:
            return self._by_id[actor_id]
        except KeyError:
            raise KeyError(f"unknown actor id {actor_id!r}") from None

    def all(self) -> tuple[Actor, ...]:
        return self._actors

    def parents(self, actor_id: str) -> list[Actor]:
        """Parent chain, nearest first (not including the actor itself)."""
        chain: list[Actor] = []
        current = self.get(actor_id).parent
        while current is not None:
            actor = self._by_id[current]
            chain.append(actor)
            current = actor.parent
        return chain

    def children(self, actor_id: str) -> list[Actor]:
        return [a for a in self._actors if a.parent == actor_id]

    def normalize(self, surface: str) -> str:
        """The lookup key of a surface string (article-stripped, folded)."""
        return " ".join(_strip_article(w, self.article_prefixes) for w in _words(surface))

    def lookup(self, surface: str, at: dt.date | None = None) -> list[Actor]:
        """Actors with an alias equal to `surface` after normalisation.

        With `at`, actors whose alias (and existence) is valid on that date come first; the
        others are still returned because partisan outlets keep old names ("جبهة النصرة").
        """
        key = self._lookup_key(surface)
        fixed = self._fixed_rankings.get(key)
        if fixed is not None:
            return list(fixed)
        hits = self._lookup.get(key, [])
        ranked: dict[str, tuple[int, int, int]] = {}
        for order, (actor_id, alias) in enumerate(hits):
            actor = self._by_id[actor_id]
            stale = 0 if alias.valid_on(at) and actor.active_on(at) else 1
            rank = (stale, int(actor.generic), order)
            if actor_id not in ranked or rank < ranked[actor_id]:
                ranked[actor_id] = rank
        found = [self._by_id[i] for i in sorted(ranked, key=lambda i: ranked[i])]
        if hits and all(_undated(alias) and _undated(self._by_id[i]) for i, alias in hits):
            # No date involved: the ranking is the same on every day, keep it (keys are finite).
            self._fixed_rankings[key] = tuple(found)
        return found

    def matching_aliases(self, surface: str) -> list[tuple[Actor, Alias]]:
        """Every (actor, alias record) behind `surface`, e.g. to read an alias's dates/usage."""
        return [(self._by_id[i], a) for i, a in self._lookup.get(self._lookup_key(surface), [])]

    def _lookup_key(self, surface: str) -> str:
        key = self._key_cache.get(surface)
        if key is None:
            if len(self._key_cache) >= _KEY_CACHE_SIZE:
                self._key_cache.clear()  # bounded: a long-running process sees unboundedly many surfaces
            key = self._key_cache[surface] = self.normalize(surface).casefold()
        return key

    def alias_index(self) -> dict[str, list[str]]:
        """Normalised alias (space-joined words, with and without articles) -> actor ids.

        Meant for a longest-match entity matcher; `max_alias_words` bounds the window.
        """
        return {k: list(v) for k, v in self._index.items()}

    def by_side(self, side: str) -> list[Actor]:
        return [a for a in self._actors if a.side == side]

    # -- ACLED names by date and country (data: `countries`, `periods`, `local_forces`, per-actor names)

    def actor_by_acled_name(self, name: str) -> Actor | None:
        """The actor whose (default) ACLED name this is: a role actor recorded by its name alone."""
        found = self._by_acled_name.get(name)
        return self._by_id[found] if found is not None else None

    def home_country(self, actor_id: str) -> str | None:  # the actor's ISO-3 country or its ancestor's
        chain = [self.get(actor_id), *self.parents(actor_id)]
        return next((a.country for a in chain if a.country), None)

    def local_kind(self, actor_id: str, text: str) -> str | None:
        """military|police|security when `text` is one of the actor's local words ("الجيش")."""
        return self._local_keys.get(actor_id, {}).get(self._lookup_key(text))

    def acled_name_on(
        self,
        actor_id: str,
        on: dt.date | None = None,
        country: str | None = None,
        text: str | None = None,
        violent: bool = False,
    ) -> str:
        """The ACLED name of an actor for an event on `on` in `country` (ISO-3 or English name);
        see `actor_names.resolve` for `text` (the words naming it) and `violent`."""
        return resolve(self, actor_id, on, self.naming.code(country), text, violent)


def _check_graph(actors: Sequence[Actor], path: Path) -> None:
    ids = {a.id for a in actors}
    for i, a in enumerate(actors, 1):
        where = f"{path.name}: entry #{i} ({a.id})"
        require(a.parent is None or a.parent in ids, where, f"unknown parent {a.parent!r}")
        for b in a.backed_by:
            require(b in ids, where, f"unknown backed_by id {b!r}")
    by_id = {a.id: a for a in actors}
    for a in actors:
        seen = {a.id}
        cur = a.parent
        while cur is not None:
            require(cur not in seen, f"{path.name}: entry ({a.id})", f"parent cycle through {cur!r}")
            seen.add(cur)
            cur = by_id[cur].parent


@lru_cache(maxsize=8)
def load_actors(path: Path | None = None) -> ActorBase:
    """Load and validate actors.yaml (or `path`), once per path."""
    path = path or ACTORS_FILE
    data = _read_yaml(path)
    items = _top(path, data, "actors")
    naming = parse_naming(data, path.name)
    actors: list[Actor] = []
    seen: set[str] = set()
    for i, raw in enumerate(items, 1):
        where = entry_label(path, i, raw)
        actor = _parse_actor(raw, where, naming)
        require(actor.id not in seen, where, f"duplicate id {actor.id!r}")
        seen.add(actor.id)
        actors.append(actor)
    _check_graph(actors, path)
    check_naming(actors, naming, path.name)
    groups = data.get("variant_groups") or []
    require(
        isinstance(groups, list)
        and all(isinstance(g, list) and all(isinstance(w, str) for w in g) for g in groups),
        path.name,
        "variant_groups must be a list of lists of words",
    )
    prefixes = as_str_list(data.get("article_prefixes"), path.name, "article_prefixes")
    return ActorBase(actors, groups, prefixes, naming)


def acled_actor_name(
    actor_id: str,
    on: dt.date | None = None,
    country: str | None = None,
    text: str | None = None,
    violent: bool = False,
) -> str:
    """The ACLED name of a knowledge-base actor for an event on `on` in `country` (ISO-3 or English).

    "Military Forces of the United States (2009-2017)" for a 2015 event, "Islamic State (Iraq)" for
    an event in Iraq, "Jabhat al Nusra" before 28 July 2016. An unknown id raises KeyError.
    """
    return load_actors().acled_name_on(actor_id, on, country, text, violent)


# --------------------------------------------------------------------------- outlets


@dataclass(frozen=True, slots=True)
class Outlet:
    id: str
    name_ar: str
    name_en: str
    actor: str | None
    country: str | None
    leaning: str
    domains: tuple[str, ...]
    names: tuple[str, ...]  # usable anywhere: attribution "ل<name>", sign-off, masthead, dateline
    line_cues: tuple[str, ...]  # only count as a whole line (masthead / sign-off), e.g. "العرب"
    wire: bool = False


@dataclass(frozen=True, slots=True)
class OutletDetection:
    """The outlet an article comes from, with the strongest piece of evidence."""

    outlet: Outlet
    evidence: str  # url | signoff | masthead | dateline | attribution | caption | mention
    score: float
    span: Span | None  # None for URL evidence
    matched: str
    kinds: tuple[str, ...] = ()  # all evidence kinds found for this outlet


_OUTLET_REQUIRED = {"id", "name_ar", "name_en", "leaning", "names"}
_OUTLET_OPTIONAL = {"actor", "country", "domains", "line_cues", "wire", "note"}

_LINE_STRIP = " \t\r\"'«»“”‘’()[]-–—:|.،,؛;*#"


class _OutletPattern(NamedTuple):
    """One outlet name's regexes, with the cheap tests that rule it out of most articles."""

    outlet: Outlet
    name: str
    first_word: str  # the name's first word without its article
    cue: str  # the longest word of `tail`
    tail: re.Pattern[str]  # the name without its article, any spacing
    attribution: re.Pattern[str]
    mention: re.Pattern[str]
    dash: re.Pattern[str]


class OutletBase:
    def __init__(
        self,
        outlets: Sequence[Outlet],
        attribution_prefixes: Sequence[str],
        lead_words: Sequence[str],
        scores: Mapping[str, float],
        source_labels: Sequence[str] = (),
    ) -> None:
        self._outlets = tuple(outlets)
        self._by_id = {o.id: o for o in self._outlets}
        self._scores = dict(scores)
        labels = sorted((_fold_with_offsets(x)[0] for x in source_labels), key=len, reverse=True)
        self._source_label = re.compile(
            r"^(?:" + "|".join(map(re.escape, labels)) + r")\s*[:：\-–—]\s*" if labels else r"(?!)"
        )
        self._domains: list[tuple[str, Outlet]] = sorted(
            ((d, o) for o in self._outlets for d in o.domains), key=lambda x: len(x[0]), reverse=True
        )
        prefixes = [_fold_with_offsets(p)[0] for p in attribution_prefixes]
        leads = [_fold_with_offsets(w)[0] for w in lead_words]
        quote = "[\"'«»“”(]?\\s*"
        # Characters other than spaces that a regex below may match before a name's tail: the
        # longest attribution word (or a dash, or "ل" of "لل"), a quote and the article "ال".
        self._lead_budget = max((len(x) for x in (*prefixes, *leads)), default=0) + 4
        self._patterns: list[_OutletPattern] = []
        for o in self._outlets:
            for name in o.names:
                folded = _fold_with_offsets(name)[0]
                esc = re.escape(folded).replace("\\ ", "\\s+")
                # "ل" + name; when the name starts with the article, ل+ال is written لل.
                forms = [p + "\\s*" + quote + esc for p in map(re.escape, prefixes)]
                if folded.startswith("ال"):
                    forms += [re.escape(p) + "ل" + re.escape(folded[2:]) for p in prefixes if p == "ل"]
                forms += [re.escape(w) + "\\s+" + quote + esc for w in leads]
                attribution = re.compile(r"(?<!\w)(?:" + "|".join(forms) + r")(?!\w)")
                # Same matches as r"(?<!\w)" + esc + r"(?!\w)", but starting with the name's first
                # word as a literal lets the regex engine jump between its occurrences instead of
                # testing the look-behind at every character.
                first, _, rest = esc.partition("\\s+")
                rest = "\\s+" + rest if rest else ""
                mention = re.compile(first + r"(?<!\w" + first + ")" + rest + r"(?!\w)")
                # "- رويترز" / "(رويترز)" at a line edge: a dateline at the top, a caption elsewhere.
                dash = re.compile(r"(?:[-–—]\s*" + quote + esc + "|\\(\\s*" + esc + "\\s*\\))")
                head = folded.split()[0]
                # Filter on the word without its article: "الجزيرة" appears as "للجزيرة".
                head = head[2:] if head.startswith("ال") and len(head) > 4 else head
                # Every match of the three regexes contains the name without its article (the
                # "لل" form drops it), so that text, with any spacing, must occur in the article.
                tail = folded[2:] if folded.startswith("ال") else folded
                tail_re = re.compile(re.escape(tail).replace("\\ ", "\\s+"))
                # Its longest word is the cue tested first: a plain substring test, shared by the names
                # with that word, rules out most outlets before any of their regexes runs.
                cue = max(_WORD_RE.findall(tail) or [tail], key=len)
                self._patterns.append(_OutletPattern(o, name, head, cue, tail_re, attribution, mention, dash))
        # Distinct cue words, each looked for once per article.
        self._pattern_cues = tuple(dict.fromkeys(p.cue for p in self._patterns))
        # Whole-line cues (masthead / sign-off), keyed by their folded text.
        self._line_cues: dict[str, list[tuple[Outlet, str]]] = {}
        for o in self._outlets:
            for cue in (*o.names, *o.line_cues):
                self._line_cues.setdefault(_fold_with_offsets(cue)[0], []).append((o, cue))

    def all(self) -> tuple[Outlet, ...]:
        return self._outlets

    def get(self, outlet_id: str) -> Outlet:
        try:
            return self._by_id[outlet_id]
        except KeyError:
            raise KeyError(f"unknown outlet id {outlet_id!r}") from None

    def for_domain(self, url: str) -> Outlet | None:
        host = (urlparse(url if "//" in url else "//" + url).hostname or "").lower()
        host = host.removeprefix("www.")
        for domain, outlet in self._domains:
            if host == domain or host.endswith("." + domain):
                return outlet
        return None

    def detect(self, text: str, url: str | None = None) -> OutletDetection | None:
        """The most likely outlet of an article, or None when nothing points to one."""
        found = self.detect_all(text, url)
        return found[0] if found else None

    def detect_all(self, text: str, url: str | None = None) -> list[OutletDetection]:
        """Every outlet with evidence, best first; each outlet keeps its strongest evidence."""
        evidence: dict[str, list[tuple[float, str, Span | None, str]]] = {}

        def add(outlet: Outlet, kind: str, span: Span | None, matched: str) -> None:
            score = self._scores[kind]
            if outlet.wire and kind == "attribution":
                # Outlets quote wire agencies all the time ("قالت مصادر لرويترز").
                score = self._scores["wire_attribution"]
            evidence.setdefault(outlet.id, []).append((score, kind, span, matched))

        if url:
            by_url = self.for_domain(url)
            if by_url is not None:
                add(by_url, "url", None, url)

        folded, offsets = _fold_with_offsets(text)
        lines = self._lines(folded)
        for idx, (start, _end, line) in enumerate(lines):
            # The very first line is a masthead even in a short text; otherwise the last
            # three lines are the sign-off zone and the first two the masthead zone.
            if idx == 0 or (idx < 2 and idx < len(lines) - 3):
                kind = "masthead"
            elif idx >= len(lines) - 3:
                kind = "signoff"
            else:
                continue
            core = line.strip(_LINE_STRIP)
            # "المصدر: الأناضول" — a source label before the outlet name.
            label = self._source_label.match(core)
            if label:
                core = core[label.end() :].strip(_LINE_STRIP)
            for o, cue in self._line_cues.get(core, []):
                lo = start + line.index(core)
                add(o, kind, Span(offsets[lo], offsets[lo + len(core)]), cue)
        for o, kind, start, end, name in self._pattern_evidence(folded, lines):
            add(o, kind, Span(offsets[start], offsets[end]), name)

        results: list[OutletDetection] = []
        for outlet_id, items in evidence.items():
            items.sort(key=lambda x: -x[0])
            best = items[0]
            kinds = tuple(dict.fromkeys(k for _, k, _, _ in items))
            strong = [k for k in kinds if k != "mention"]
            # Independent kinds of evidence reinforce each other a little.
            score = min(1.0, best[0] + self._scores["bonus"] * max(0, len(strong) - 1))
            results.append(OutletDetection(self._by_id[outlet_id], best[1], score, best[2], best[3], kinds))
        results.sort(key=lambda d: -d.score)
        if results and results[0].score < self._scores["minimum"]:
            return []
        return results

    def _candidate_patterns(self, folded: str) -> list[tuple[_OutletPattern, int]]:
        """The name patterns that can match `folded`, each with a position no match starts before.

        All other patterns are certain to find nothing.
        """
        # Most outlets are absent from an article: one substring test per distinct cue word
        # rules them out before any of their three regexes scans the text.
        present = {cue for cue in self._pattern_cues if cue in folded}
        out: list[tuple[_OutletPattern, int]] = []
        for p in self._patterns:
            if p.cue not in present or p.first_word not in folded:
                continue
            found = p.tail.search(folded)
            if found is not None:
                out.append((p, self._scan_start(folded, found.start())))
        return out

    def _scan_start(self, folded: str, tail_at: int) -> int:
        """Where a name's regexes may start scanning, given the first place its tail occurs.

        Every match holds the tail, and before it only an attribution word (or dash, bracket),
        a quote and the article: at most `_lead_budget` characters besides spaces. Going back
        from the first tail that far, no match can start earlier, so the text before is skipped
        (look-behinds still see it).
        """
        budget = self._lead_budget
        i = tail_at
        while i > 0:
            if not folded[i - 1].isspace():
                if budget == 0:
                    break
                budget -= 1
            i -= 1
        return i

    def _pattern_evidence(
        self, folded: str, lines: list[tuple[int, int, str]]
    ) -> list[tuple[Outlet, str, int, int, str]]:
        """(outlet, kind, start, end, name) for each name match in `folded`, in pattern order."""
        out: list[tuple[Outlet, str, int, int, str]] = []
        line_starts = [s for s, _, _ in lines]
        for p, start in self._candidate_patterns(folded):
            o, name = p.outlet, p.name
            for m in p.attribution.finditer(folded, start):
                out.append((o, "attribution", m.start(), m.end(), name))
            for m in p.dash.finditer(folded, start):
                line_no = self._line_of(m.start(), lines, line_starts)
                near_top = line_no < 2 and m.start() - lines[line_no][0] < 60
                out.append((o, "dateline" if near_top else "caption", m.start(), m.end(), name))
            for m in p.mention.finditer(folded, start):
                out.append((o, "mention", m.start(), m.end(), name))
        return out

    @staticmethod
    def _line_of(pos: int, lines: list[tuple[int, int, str]], line_starts: list[int]) -> int:
        """Index of the line holding `pos`; for a dash alone on its line, the next line (the name's)."""
        i = bisect.bisect_right(line_starts, pos) - 1
        return i if i >= 0 and pos < lines[i][1] else i + 1

    @staticmethod
    def _lines(folded: str) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        pos = 0
        for line in folded.split("\n"):
            if line.strip(_LINE_STRIP):
                out.append((pos, pos + len(line), line))
            pos += len(line) + 1
        return out


def _parse_outlet(raw: Any, where: str, actors: ActorBase) -> Outlet:
    require(isinstance(raw, Mapping), where, "entry must be a mapping")
    check_keys(raw, where, _OUTLET_REQUIRED, _OUTLET_OPTIONAL)
    ident = raw["id"]
    require(isinstance(ident, str) and bool(ID_RE.match(ident)), where, f"bad id {ident!r}")
    require(raw["leaning"] in OUTLET_LEANINGS, where, f"unknown leaning {raw['leaning']!r}")
    actor = raw.get("actor")
    require(actor is None or actor in actors, where, f"unknown actor {actor!r}")
    country = raw.get("country")
    require(country is None or bool(COUNTRY_RE.match(str(country))), where, f"bad country {country!r}")
    domains = tuple(d.lower() for d in as_str_list(raw.get("domains"), where, "domains"))
    for d in domains:
        require(bool(DOMAIN_RE.match(d)), where, f"bad domain {d!r}")
    names = as_str_list(raw["names"], where, "names")
    require(len(names) > 0, where, "names must not be empty")
    wire = raw.get("wire", False)
    require(isinstance(wire, bool), where, "wire must be true/false")
    return Outlet(
        id=ident,
        name_ar=str(as_text(raw["name_ar"], where, "name_ar")),
        name_en=str(as_text(raw["name_en"], where, "name_en")),
        actor=actor,
        country=country,
        leaning=raw["leaning"],
        domains=domains,
        names=names,
        line_cues=as_str_list(raw.get("line_cues"), where, "line_cues"),
        wire=wire,
    )


_SCORE_KINDS = (
    "url",
    "signoff",
    "masthead",
    "dateline",
    "attribution",
    "wire_attribution",
    "caption",
    "mention",
    "bonus",
    "minimum",
)


@lru_cache(maxsize=8)
def load_outlets(path: Path | None = None, actors_path: Path | None = None) -> OutletBase:
    """Load and validate outlets.yaml (actor links are checked against actors.yaml)."""
    path = path or OUTLETS_FILE
    actors = load_actors(actors_path)
    data = _read_yaml(path)
    items = _top(path, data, "outlets")
    outlets: list[Outlet] = []
    seen: set[str] = set()
    for i, raw in enumerate(items, 1):
        where = entry_label(path, i, raw)
        outlet = _parse_outlet(raw, where, actors)
        require(outlet.id not in seen, where, f"duplicate id {outlet.id!r}")
        seen.add(outlet.id)
        outlets.append(outlet)
    scores = data.get("scores")
    require(isinstance(scores, Mapping), path.name, "'scores' must be a mapping")
    for kind in _SCORE_KINDS:
        require(isinstance(scores.get(kind), int | float), path.name, f"scores.{kind} must be a number")
    prefixes = as_str_list(data.get("attribution_prefixes"), path.name, "attribution_prefixes")
    leads = as_str_list(data.get("attribution_lead_words"), path.name, "attribution_lead_words")
    labels = as_str_list(data.get("source_labels"), path.name, "source_labels")
    return OutletBase(outlets, prefixes, leads, {k: float(scores[k]) for k in _SCORE_KINDS}, labels)


# --------------------------------------------------------------------------- titles


@dataclass(frozen=True, slots=True)
class Title:
    """A rank, role or office written before a person's name.

    `affiliation` says how the person's actor is found: "none" (a bare rank), "following"
    (the actor follows: "الناطق باسم X"), "nationality" (a nationality adjective follows:
    "وزير الخارجية الإيراني"), or "fixed" (the title names it: expanded forms carry `actor`).
    """

    text: str
    name_en: str
    kind: str
    affiliation: str
    actor: str | None = None
    branch: str | None = None

    @property
    def implies_affiliation(self) -> bool:
        return self.affiliation != "none"

    @property
    def norm(self) -> str:
        return " ".join(_words(self.text))


_TITLE_REQUIRED = {"text", "name_en", "kind"}
_TITLE_OPTIONAL = {"affiliation", "actor", "branch", "note"}
_NATIONALITY_REQUIRED = {"masc", "fem", "country", "government"}
_NATIONALITY_OPTIONAL = {"foreign", "defence", "military", "interior", "name_en"}


def _parse_title(raw: Any, where: str, actors: ActorBase, branches: set[str]) -> Title:
    require(isinstance(raw, Mapping), where, "entry must be a mapping")
    check_keys(raw, where, _TITLE_REQUIRED, _TITLE_OPTIONAL)
    text = as_text(raw["text"], where, "text")
    assert text is not None
    require(raw["kind"] in TITLE_KINDS, where, f"unknown kind {raw['kind']!r}")
    mode = raw.get("affiliation", "none")
    require(mode in AFFILIATION_MODES, where, f"unknown affiliation {mode!r}")
    actor = raw.get("actor")
    require(
        (mode == "fixed") == (actor is not None),
        where,
        "'actor' is required exactly when affiliation is fixed",
    )
    require(actor is None or actor in actors, where, f"unknown actor {actor!r}")
    branch = raw.get("branch")
    require(branch is None or branch in branches, where, f"unknown branch {branch!r}")
    return Title(text, str(as_text(raw["name_en"], where, "name_en")), raw["kind"], mode, actor, branch)


@lru_cache(maxsize=8)
def load_titles(path: Path | None = None, actors_path: Path | None = None) -> tuple[Title, ...]:
    """Titles, longest first, with "nationality" titles also expanded into fixed forms.

    E.g. "وزير الخارجية" + "الإيراني" gives a fixed title linked to Iran's foreign ministry.
    Returned as a tuple so the cached value cannot be mutated by callers.
    """
    path = path or TITLES_FILE
    actors = load_actors(actors_path)
    data = _read_yaml(path)
    nationalities = _top(path, data, "nationalities")
    branches = {"foreign", "defence", "military", "interior"}
    nats: list[Mapping[str, Any]] = []
    for i, raw in enumerate(nationalities, 1):
        where = f"{path.name}: nationality #{i}"
        require(isinstance(raw, Mapping), where, "entry must be a mapping")
        check_keys(raw, where, _NATIONALITY_REQUIRED, _NATIONALITY_OPTIONAL)
        for key in ("government", *sorted(branches)):
            if key in raw:
                require(raw[key] in actors, where, f"unknown actor {raw[key]!r} for {key}")
        nats.append(raw)
    titles: list[Title] = []
    for i, raw in enumerate(_top(path, data, "titles"), 1):
        title = _parse_title(raw, entry_label(path, i, raw), actors, branches)
        titles.append(title)
    expanded: list[Title] = []
    for t in titles:
        if t.affiliation != "nationality":
            continue
        # Offices take the masculine adjective ("وزير الخارجية الإيراني"); bodies named by a
        # feminine noun ("الناطق باسم الخارجية الإيرانية") take the feminine one.
        for nat in nats:
            actor_id = nat.get(t.branch, nat["government"]) if t.branch else nat["government"]
            for form in (nat["masc"], nat["fem"]):
                expanded.append(Title(f"{t.text} {form}", t.name_en, t.kind, "fixed", actor_id, t.branch))
    seen: set[str] = set()
    out: list[Title] = []
    for t in [*titles, *expanded]:
        if t.norm not in seen:
            seen.add(t.norm)
            out.append(t)
    out.sort(key=lambda t: -len(t.norm))
    return tuple(out)


def title_index(titles: Iterable[Title] | None = None) -> dict[str, Title]:
    """Normalised title text (with and without articles) -> Title, for a longest-match scan.

    The longest title wins when keys collide, because `load_titles` is sorted longest first.
    """
    actors = load_actors()
    index: dict[str, Title] = {}
    for t in titles if titles is not None else load_titles():
        for key in (t.norm, actors.normalize(t.text)):
            index.setdefault(key, t)
    return index
