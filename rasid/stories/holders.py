"""Short, canonical labels for who holds a claim: the outlet, plus the source it quotes.

An event's attribution is a phrase cut from the sentence ("ما أفادت مصادر محلية لأورينت نت",
"مدير المركز الإعلامي لقسد فرهاد شامي"). The label is, in order of preference: a known outlet
or actor named in it (its Arabic name; the reporting outlet itself means the outlet's own
reporting, so no quoted source), an unnamed source kept short ("مصادر محلية", "ناشطون"), or
the first few words of the phrase. Back-references ("المصدر نفسه", "الشبكة") take the label
of the source named before them in the same article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasid.knowledge.actors import Actor, Outlet, load_actors, load_outlets, normalize_alias
from rasid.stories._data import LexiconError, lexicon, norm_phrase, phrase_list, read_mapping

_FILE = "holders.yaml"
_MAX_NGRAM = 7
_QUOTES = re.compile(r"[\"“”«»'‘’()]")


@dataclass(frozen=True)
class HolderLexicon:
    leading: frozenset[str]
    generic_heads: dict[str, str]
    qualifiers: frozenset[str]
    qualified_heads: frozenset[str]
    correspondent: frozenset[str]
    stop_words: frozenset[str]
    max_words: int


def _word_set(data: dict[str, Any], key: str) -> frozenset[str]:
    return frozenset(phrase_list(data, key, _FILE, "words"))


@lru_cache(maxsize=1)
def holder_lexicon() -> HolderLexicon:
    data = read_mapping(_FILE)
    heads = data.get("generic_heads")
    if not isinstance(heads, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in heads.items()):
        raise LexiconError(f"{_FILE}: 'generic_heads' must map head words to labels")
    max_words = data.get("max_words")
    if not isinstance(max_words, int) or max_words < 1:
        raise LexiconError(f"{_FILE}: 'max_words' must be a positive integer")
    return HolderLexicon(
        leading=_word_set(data, "leading"),
        generic_heads={norm_phrase(k): v for k, v in heads.items()},
        qualifiers=_word_set(data, "qualifiers"),
        qualified_heads=frozenset(str(v) for v in data.get("qualified_heads") or []),
        correspondent=_word_set(data, "correspondent"),
        stop_words=_word_set(data, "stop_words"),
        max_words=max_words,
    )


@lru_cache(maxsize=1)
def _outlet_names() -> dict[str, Outlet]:
    """Normalised outlet spelling -> outlet (names and the Arabic name)."""
    out: dict[str, Outlet] = {}
    for outlet in load_outlets().all():
        for name in (outlet.name_ar, *outlet.names):
            out.setdefault(normalize_alias(name), outlet)
    return out


def outlet_of(name: str | None) -> Outlet | None:
    """The known outlet an article's `source` names, if any."""
    return _outlet_names().get(normalize_alias(name)) if name else None


@lru_cache(maxsize=1)
def _outlet_domains() -> dict[str, Outlet]:
    return {d.lower().removeprefix("www."): o for o in load_outlets().all() for d in o.domains}


def outlet_for_source(source: str | None) -> Outlet | None:
    """The known outlet behind an article's `source`: a name ("الجزيرة نت") or a site ("aljazeera.net")."""
    if not source:
        return None
    known = outlet_of(source)
    if known is not None:
        return known
    host = source.strip().lower().removeprefix("www.")
    domains = _outlet_domains()
    while host and host not in domains and "." in host:
        host = host.split(".", 1)[1]  # "arabic.rt.com" -> "rt.com"
    return domains.get(host)


def named_actors(words: list[str]) -> list[tuple[int, Actor]]:
    """(word index, actor) for each known, non-generic actor named in `words`."""
    return [(f.start, f.actor) for f in _known_names(words) if f.actor is not None]


def named_outlets(words: list[str]) -> list[tuple[int, Outlet]]:
    """(word index, outlet) for each known outlet named in `words` ("لأورينت نت", spoken to, is not)."""
    return [(f.start, f.outlet) for f in _known_names(words) if f.outlet is not None]


@dataclass(frozen=True)
class _Found:
    start: int  # word index in the phrase
    label: str
    outlet: Outlet | None = None
    actor: Actor | None = None


def _known_names(words: list[str]) -> list[_Found]:
    """Outlets and (non-generic) actors named in the phrase, longest match first at each word.

    An outlet written with the preposition ل ("لأورينت نت") is who the source spoke to, not a source.
    """
    actors = load_actors()
    outlets = _outlet_names()
    found: list[_Found] = []
    i = 0
    while i < len(words):
        hit: tuple[int, _Found] | None = None
        for n in range(min(_MAX_NGRAM, len(words) - i), 0, -1):
            surface = " ".join(words[i : i + n])
            outlet = outlets.get(normalize_alias(surface))
            if (
                outlet is None
                and surface.startswith("ل")
                and not surface.startswith("ال")
                and outlets.get(normalize_alias(surface[1:].lstrip("ـ"))) is not None
            ):
                i += n - 1
                hit = None
                break
            if outlet is not None:
                hit = (n, _Found(i, outlet.name_ar, outlet=outlet))
                break
            candidates = [a for a in actors.lookup(surface) if not a.generic]
            if candidates:
                hit = (n, _Found(i, candidates[0].name_ar, actor=candidates[0]))
                break
        if hit is not None:
            found.append(hit[1])
            i += hit[0]
        else:
            i += 1
    return found


def _is_own(found: _Found, own: Outlet | None) -> bool:
    if own is None:
        return False
    if found.outlet is not None:
        return found.outlet.id == own.id
    return found.actor is not None and found.actor.id in (own.actor, own.id)


def _strip_prefix(word: str) -> str:
    for prefix in ("و", "ب", "ل", "ف"):
        if word.startswith(prefix) and len(word) > 3:
            return word[1:]
    return word


def source_label(
    text: str | None,
    own_outlet: str | None,
    linked_actor: dict[str, Any] | None = None,
) -> str | None:
    """Canonical label of a quoted source; None when the phrase is the outlet's own reporting."""
    if not text or not text.strip():
        return None
    lex = holder_lexicon()
    own = outlet_of(own_outlet)
    words = [w.strip("،,.:؛") for w in _QUOTES.sub(" ", text).split()]
    words = [w for w in words if w]
    # Leading connectives and the attribution verb itself ("ما أفادت مصادر ...") are not the source.
    skip = lex.leading | lexicon().attribution_verbs
    while words and (norm_phrase(words[0]) in skip or norm_phrase(words[0]).removeprefix("و") in skip):
        words = words[1:]
    if not words:
        return None
    found = _known_names(words)
    if linked_actor and linked_actor.get("id") in load_actors():
        actor = load_actors().get(str(linked_actor["id"]))
        if not actor.generic and not any(f.actor is not None and f.actor.id == actor.id for f in found):
            found.insert(0, _Found(0, actor.name_ar, actor=actor))
    head = norm_phrase(words[0])
    if head in lex.correspondent or _strip_prefix(head) in lex.correspondent:
        # "مراسل سانا": that outlet; "المراسل", "مراسل أورينت" in Orient: the outlet's own reporting.
        others = [f for f in found if f.outlet is not None and not _is_own(f, own)]
        return others[0].label if others else None
    generic = lex.generic_heads.get(head) or lex.generic_heads.get(_strip_prefix(head))
    if generic is not None:
        qualifiers = [w for w in words[1:3] if norm_phrase(w) in lex.qualifiers]
        if qualifiers and generic in lex.qualified_heads:
            return " ".join([generic, *qualifiers[:1]])
        named = [f for f in found if f.start <= 2]
        if named:
            return None if _is_own(named[0], own) else named[0].label
        return generic
    if found:
        first = found[0]
        return None if _is_own(first, own) else first.label
    kept: list[str] = []
    for word in words:
        if kept and norm_phrase(word) in lex.stop_words:
            break
        kept.append(word)
    return " ".join(kept[: lex.max_words])


def resolve_back_references(labels: list[str | None]) -> list[str | None]:
    """In one article's claims (in text order), "المصدر نفسه" / a bare head noun ("الشبكة") take the
    label of the source named before them that it refers to."""
    back = lexicon().same_source
    generic = set(holder_lexicon().generic_heads.values())
    out: list[str | None] = []
    named: list[str] = []
    for label in labels:
        if label is None:
            out.append(None)
            continue
        norm = norm_phrase(label)
        words = norm.split()
        head = words[0].removeprefix("ال") if words else ""
        if any(norm.startswith(ref) for ref in back) and named:
            label = named[-1]
        elif len(words) == 1 and head and label not in generic:
            # A bare "الشبكة" or "شبكة" refers to a source named in full earlier or later.
            fuller = [n for n in named if norm_phrase(n).split()[0].removeprefix("ال") == head and n != label]
            if fuller:
                label = fuller[-1]
        out.append(label)
        if label not in named and len(label.split()) > 1:
            named.append(label)
    # A bare head noun met before the full name ("شبكة" then "شبكة حي الزهراء") still refers to it.
    for i, label in enumerate(out):
        if label is not None and len(label.split()) == 1 and label not in generic:
            head = norm_phrase(label).removeprefix("ال")
            fuller = [n for n in named if norm_phrase(n).split()[0].removeprefix("ال") == head]
            if fuller:
                out[i] = fuller[0]
    return out
