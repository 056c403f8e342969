"""Recognise page furniture in plain text: menus, footers, about-us blurbs, comment and share
widgets, related-article lists, embedded tweets, photo captions and credits.

Works on the lines of a page (HTML is already reduced to its text by trafilatura). Every line gets
a verdict: kept whole, kept in part (a header before the headline or a footer after the last
sentence cut off) or dropped. The phrases and patterns are data (data/furniture.yaml), validated
when loaded; this module holds the mechanism only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

_DATA = "rasid/ingest/data/furniture.yaml"
_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_WORD = re.compile(r"\S*[^\W\d_]\S*")
_LETTERS = re.compile(r"[^\W\d_]+")


def fold(text: str) -> str:
    """Alef forms, ya and ta marbuta folded and Latin lower-cased; the length is unchanged.

    (Chained replaces: far faster than str.translate on non-ASCII text.)
    """
    folded = text.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ى", "ي").replace("ة", "ه")
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    # a few letters lower-case to two characters ("İ"): keep those as they are
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in folded)


@dataclass(frozen=True)
class FurnitureRules:
    version: int
    markers: re.Pattern[str]
    cut_markers: re.Pattern[str]
    marker_keys: Mapping[str, tuple[tuple[str, ...], ...]]
    cut_keys: Mapping[str, tuple[tuple[str, ...], ...]]
    about_cues: tuple[str, ...]
    short_line_words: int
    min_kept_words: int
    menu_words: frozenset[str]
    menu_min_hits: int
    menu_min_share: float
    line_patterns: tuple[re.Pattern[str], ...]
    anchored_patterns: tuple[re.Pattern[str], ...]
    loose_patterns: tuple[re.Pattern[str], ...]
    pattern_cues: tuple[str, ...]
    about_subject: tuple[re.Pattern[str], ...]
    about_claim: tuple[re.Pattern[str], ...]
    about_max_words: int
    about_lines: tuple[re.Pattern[str], ...]
    last_line_patterns: tuple[re.Pattern[str], ...]
    header_markers: re.Pattern[str]
    header_min_rest_words: int
    header_max_words: int


class FurnitureDataError(ValueError):
    """furniture.yaml is malformed; the message names the file and the line."""


class _LineLoader(yaml.SafeLoader):
    """A loader that remembers the line of every list item (for error messages)."""


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> list[tuple[int, Any]]:
    return [(item.start_mark.line + 1, loader.construct_object(item, deep=True)) for item in node.value]


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def _strings(raw: dict[str, Any], key: str) -> list[tuple[int, str]]:
    items = raw.get(key)
    if not isinstance(items, list) or not items:
        raise FurnitureDataError(f"{_DATA}: {key!r} must be a non-empty list")
    out: list[tuple[int, str]] = []
    for line, value in items:
        if not isinstance(value, str) or not value.strip():
            raise FurnitureDataError(
                f"{_DATA}:{line}: {key} entries must be non-empty strings, got {value!r}"
            )
        out.append((line, value))
    return out


def _fold_pattern(pattern: str) -> str:
    """A pattern matching folded text: its letters folded like the text, escapes (\\S, \\W) kept.

    (Matching folded, lower-cased text without IGNORECASE is several times faster on Arabic.)
    """
    out: list[str] = []
    escaped = False
    for ch in pattern:
        out.append(ch if escaped else fold(ch))
        escaped = ch == "\\" and not escaped
    return "".join(out)


def _regex(line: int, key: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(_fold_pattern(pattern))
    except re.error as exc:
        raise FurnitureDataError(f"{_DATA}:{line}: bad pattern in {key} ({exc})") from exc


def _keys(raw: dict[str, Any], key: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The words of each phrase, filed under its longest word (a quick test before the regex)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for _, phrase in _strings(raw, key):
        words = tuple(_LETTERS.findall(fold(phrase)))
        if words:
            index.setdefault(max(words, key=len), []).append(words)
    return {k: tuple(v) for k, v in index.items()}


_PUNCT = ":.,،؛;!؟?()[]{}\"'«»|/-–—…*#"
LATIN_MIN_LETTERS = 12


@lru_cache(maxsize=16)
def _tokens(folded: str) -> frozenset[str]:
    """The line's words without the punctuation around them (cached: each line is asked twice)."""
    for mark in _PUNCT:  # a few C-level replaces beat one regex scan of Arabic text
        if mark in folded:
            folded = folded.replace(mark, " ")
    return frozenset(folded.split())


def _may_hold(folded: str, keys: Mapping[str, tuple[tuple[str, ...], ...]]) -> bool:
    """Whether every word of one of the phrases is among the line's words (the regex decides)."""
    return _holds(_tokens(folded), keys)


def _holds(tokens: frozenset[str], keys: Mapping[str, tuple[tuple[str, ...], ...]]) -> bool:
    for token in tokens & keys.keys():
        if any(all(w in tokens for w in words) for words in keys[token]):
            return True
    return False


def _phrases(raw: dict[str, Any], key: str) -> re.Pattern[str]:
    """Whole-word alternation of literal phrases, longest first."""
    phrases = sorted({" ".join(fold(p).split()) for _, p in _strings(raw, key)}, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def _number(raw: dict[str, Any], key: str, kind: type) -> Any:
    value = raw.get(key)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise FurnitureDataError(f"{_DATA}: {key!r} must be a positive number, got {value!r}")
    return kind(value)


def _pattern_cues(raw: dict[str, Any]) -> tuple[str, ...]:
    """Substrings one of which every line pattern not anchored at the start needs (checked here)."""
    cues = tuple(fold(c) for _, c in _strings(raw, "pattern_cues"))
    for line, pattern in _strings(raw, "line_patterns"):
        literal = fold(pattern.replace("\\", ""))
        if not pattern.startswith("^") and not any(cue in literal for cue in cues):
            raise FurnitureDataError(
                f"{_DATA}:{line}: a pattern not anchored with ^ needs one of pattern_cues"
            )
    return cues


def parse_rules(text: str) -> FurnitureRules:
    """Rules from the YAML text of furniture.yaml (errors name the file and line)."""
    try:
        raw = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        raise FurnitureDataError(f"{_DATA}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise FurnitureDataError(f"{_DATA}: expected a mapping at the top")

    def regexes(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(_regex(line, key, p) for line, p in _strings(raw, key))

    headers = [_fold_pattern(p) for _, p in _strings(raw, "header_markers")]
    for line, p in _strings(raw, "header_markers"):
        _regex(line, "header_markers", p)
    return FurnitureRules(
        version=_number(raw, "version", int),
        markers=_phrases(raw, "markers"),
        cut_markers=_phrases(raw, "cut_markers"),
        marker_keys=_keys(raw, "markers"),
        cut_keys=_keys(raw, "cut_markers"),
        about_cues=tuple(fold(c) for _, c in _strings(raw, "about_cues")),
        short_line_words=_number(raw, "short_line_words", int),
        min_kept_words=_number(raw, "min_kept_words", int),
        menu_words=frozenset(fold(w) for _, w in _strings(raw, "menu_words")),
        menu_min_hits=_number(raw, "menu_min_hits", int),
        menu_min_share=_number(raw, "menu_min_share", float),
        line_patterns=regexes("line_patterns"),
        anchored_patterns=tuple(p for p in regexes("line_patterns") if p.pattern.startswith("^")),
        loose_patterns=tuple(p for p in regexes("line_patterns") if not p.pattern.startswith("^")),
        pattern_cues=_pattern_cues(raw),
        about_subject=regexes("about_subject"),
        about_claim=regexes("about_claim"),
        about_max_words=_number(raw, "about_max_words", int),
        about_lines=regexes("about_lines"),
        last_line_patterns=regexes("last_line_patterns"),
        header_markers=re.compile("|".join(f"(?:{p})" for p in headers)),
        header_min_rest_words=_number(raw, "header_min_rest_words", int),
        header_max_words=_number(raw, "header_max_words", int),
    )


@lru_cache(maxsize=1)
def load_furniture() -> FurnitureRules:
    return parse_rules(resources.files("rasid.ingest").joinpath("data/furniture.yaml").read_text("utf-8"))


def _is_about_us(folded: str, words: int, rules: FurnitureRules, *, after_about: bool = False) -> bool:
    """An about-us line: it names the outlet and describes it, or states the site's mission.

    Right after an about-us line, a description alone is enough (the blurb goes on).
    """
    if words > rules.about_max_words or not any(cue in folded for cue in rules.about_cues):
        return False
    if any(p.search(folded) for p in rules.about_lines):
        return True
    claim = any(p.search(folded) for p in rules.about_claim)
    return claim and (after_about or any(p.search(folded) for p in rules.about_subject))


def _is_menu(words: list[str], rules: FurnitureRules) -> bool:
    """Enough distinct menu words, and a large enough share of the line's words."""
    hits = len(rules.menu_words.intersection(words))
    return hits >= rules.menu_min_hits and hits / len(words) >= rules.menu_min_share


def _mostly_latin(line: str) -> bool:
    """Mostly Latin letters: a widget or cookie notice on an Arabic page (the page decides)."""
    if _LATIN.search(line) is None:
        return False
    latin = len(_LATIN.findall(line))
    return latin >= LATIN_MIN_LETTERS and latin > 2 * len(_ARABIC.findall(line))


@dataclass(frozen=True)
class PageGate:
    """Which kinds of furniture a page may hold at all, found once for the whole page.

    Most news articles hold none, and then no line needs the per-line tests.
    """

    patterns: bool = True
    markers: bool = True
    about: bool = True
    latin: bool = True

    @property
    def any(self) -> bool:
        return self.patterns or self.markers or self.about


def page_gate(folded_page: str, rules: FurnitureRules | None = None) -> PageGate:
    """The gate for a page given as its folded lines joined by newlines."""
    rules = rules or load_furniture()
    tokens = _tokens(folded_page)
    return PageGate(
        patterns=any(cue in folded_page for cue in rules.pattern_cues),
        markers=_holds(tokens, rules.marker_keys) or _holds(tokens, rules.cut_keys),
        about=any(cue in folded_page for cue in rules.about_cues),
        latin=len(_LATIN.findall(folded_page)) >= LATIN_MIN_LETTERS,
    )


OPEN = PageGate()


def furniture_reason(
    line: str,
    rules: FurnitureRules | None = None,
    *,
    after_about: bool = False,
    last: bool = False,
    folded: str | None = None,
    gate: PageGate = OPEN,
) -> str | None:
    """Why a whole line (already trimmed) is furniture, or None when it may be the article's.

    `after_about`: the line before was an about-us blurb; `last`: the page's last line; `folded`:
    `fold(line)` when the caller has it already; `gate`: what the page may hold (all by default).
    """
    rules = rules or load_furniture()
    folded = fold(line) if folded is None else folded
    words = folded.split()
    if not words:
        return None
    if any(p.search(folded) for p in rules.anchored_patterns) or (
        gate.patterns and any(p.search(folded) for p in rules.loose_patterns)
    ):
        return "pattern"
    hits = (
        {m.group(0) for m in rules.markers.finditer(folded)}
        if gate.markers and _may_hold(folded, rules.marker_keys)
        else set()
    )
    if len(hits) >= 2 or (hits and len(words) <= rules.short_line_words):
        return "marker"
    if _is_menu(words, rules):
        return "menu"
    if gate.about and _is_about_us(folded, len(words), rules, after_about=after_about):
        return "about"
    if last and any(p.search(folded) for p in rules.last_line_patterns):
        return "signoff"
    return None


def word_count(text: str) -> int:
    """Words with at least one letter (a run of dots or dashes is no word)."""
    return len(_WORD.findall(text))


def tweet_attribution(line: str, rules: FurnitureRules | None = None, *, folded: str | None = None) -> bool:
    """The "— name (@handle) date" line that closes an embedded tweet."""
    rules = rules or load_furniture()
    return rules.line_patterns[0].search(fold(line) if folded is None else folded) is not None


def cut_footer(line: str, rules: FurnitureRules | None = None, *, folded: str | None = None) -> int | None:
    """Where a footer starts inside a line (after enough text of the article's own), or None."""
    rules = rules or load_furniture()
    folded = fold(line) if folded is None else folded
    if not _may_hold(folded, rules.cut_keys):
        return None
    match = rules.cut_markers.search(folded)
    if match is None or word_count(line[: match.start()]) < rules.min_kept_words:
        return None
    return match.start()


def has_cut_marker(line: str, rules: FurnitureRules | None = None, *, folded: str | None = None) -> bool:
    """The line holds a phrase that only a page's footer or related-links block uses."""
    rules = rules or load_furniture()
    folded = fold(line) if folded is None else folded
    return _may_hold(folded, rules.cut_keys) and rules.cut_markers.search(folded) is not None


def cut_header(line: str, rules: FurnitureRules | None = None) -> int | None:
    """Where the text after a page header starts on a page's first line, or None.

    The last header marker among the first `header_max_words` words wins when enough words follow.
    """
    rules = rules or load_furniture()
    folded = fold(line)
    best: int | None = None
    for match in rules.header_markers.finditer(folded):
        if len(folded[: match.start()].split()) > rules.header_max_words:
            break
        if word_count(folded[match.end() :]) >= rules.header_min_rest_words:
            best = match.end()
    if best is None:
        return None
    while best < len(line) and line[best] in " \t:>|/-–—":
        best += 1
    return best


def mostly_latin(line: str) -> bool:
    return _mostly_latin(line)
