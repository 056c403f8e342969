"""Remove site boilerplate from an article's text and find its title.

The cleaned text keeps the article's own lines unchanged (offsets downstream point into it).
Lists of furniture lines live in data/boilerplate.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from rasid.ingest.furniture import (
    FurnitureRules,
    PageGate,
    cut_footer,
    cut_header,
    fold,
    furniture_reason,
    has_cut_marker,
    load_furniture,
    mostly_latin,
    page_gate,
    tweet_attribution,
)

_WS = re.compile(r"[ \t\u00a0\u200f\u200e\u200b]+")
_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0600-\u06FF]")


@dataclass(frozen=True)
class BoilerplateRules:
    version: int
    drop_lines: frozenset[str]
    drop_patterns: tuple[re.Pattern[str], ...]
    tail_markers: tuple[re.Pattern[str], ...]
    section_lines: frozenset[str]


@dataclass(frozen=True)
class Cleaned:
    text: str
    title: str
    removed: tuple[str, ...]


# Characters `_WS` rewrites besides a single space (a lone space is replaced by itself).
_SQUASHED_AWAY = ("  ", "\t", "\u00a0", "\u200f", "\u200e", "\u200b")


def _squash(line: str) -> str:
    # Most lines have none of these: a few substring tests are far cheaper than the substitution.
    for s in _SQUASHED_AWAY:
        if s in line:
            return _WS.sub(" ", line).strip()
    return line.strip()


# Group references, which an alternation of several patterns would renumber.
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


@lru_cache(maxsize=8)
def _searcher(patterns: tuple[re.Pattern[str], ...]) -> Callable[[str], bool]:
    """Whether any of `patterns` is found in a line, with one search instead of one per pattern.

    The alternation is exactly equivalent when the patterns share their flags and refer to no
    group; otherwise (or if it does not compile, e.g. inline flags) they are tried one by one.
    """
    if (
        patterns
        and len({p.flags for p in patterns}) == 1
        and not any(_GROUP_REFERENCE.search(p.pattern) for p in patterns)
    ):
        try:
            search = re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags).search
        except re.error:
            pass
        else:
            return lambda line: search(line) is not None
    return lambda line: any(p.search(line) for p in patterns)


@lru_cache(maxsize=1)
def load_rules() -> BoilerplateRules:
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("rasid.ingest").joinpath("data/boilerplate.yaml").read_text("utf-8")
    )
    for key in ("version", "drop_lines", "drop_patterns", "tail_markers", "section_lines"):
        if key not in raw:
            raise ValueError(f"rasid/ingest/data/boilerplate.yaml: missing key {key!r}")
    return BoilerplateRules(
        version=int(raw["version"]),
        drop_lines=frozenset(_squash(x) for x in raw["drop_lines"]),
        drop_patterns=tuple(re.compile(p) for p in raw["drop_patterns"]),
        tail_markers=tuple(re.compile(p) for p in raw["tail_markers"]),
        section_lines=frozenset(_squash(x) for x in raw["section_lines"]),
    )


def is_boilerplate(line: str, rules: BoilerplateRules | None = None) -> bool:
    rules = rules or load_rules()
    squashed = _squash(line)
    if not squashed:
        return False
    return _squashed_is_boilerplate(squashed, rules)


def _squashed_is_boilerplate(squashed: str, rules: BoilerplateRules) -> bool:
    return squashed in rules.drop_lines or _searcher(rules.drop_patterns)(squashed)


@dataclass(frozen=True)
class LineVerdict:
    """What cleaning did to one line of the page: kept whole, kept in part, or dropped (and why)."""

    kept: str | None
    reason: str = ""

    @property
    def dropped(self) -> bool:
        return self.kept is None


def line_verdicts(raw: str, *, mastheads: frozenset[str] = frozenset()) -> list[LineVerdict]:
    """One verdict per line of `raw` (split on newlines after \\r\\n is made \\n)."""
    rules = load_rules()
    furniture = load_furniture()
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    squashed = [_squash(x) for x in lines]
    verdicts: list[LineVerdict | None] = [None] * len(lines)
    content_idx = [i for i, s in enumerate(squashed) if s]
    tail_from = (
        content_idx[int(len(content_idx) * 0.4)]
        if len(content_idx) > 3
        else (content_idx[-1] + 1 if content_idx else 0)
    )
    _cut_tail(squashed, content_idx, tail_from, rules, verdicts)
    page = _Page(squashed)
    folded_page = fold("\n".join(squashed))
    folded_lines = folded_page.split("\n")  # fold keeps lengths, so these are the squashed lines folded
    gate = page_gate(folded_page, furniture)
    seen: set[str] = set()
    shingles: set[tuple[str, ...]] = set()
    first_content = True
    previous = ""
    last = content_idx[-1] if content_idx else -1
    footer_from: int | None = None
    for i, sq in enumerate(squashed):
        if verdicts[i] is not None:
            continue
        if not sq:
            verdicts[i] = LineVerdict("")
            continue
        if footer_from is not None:
            verdicts[i] = LineVerdict(None, "tail")
            continue
        after_about = i > 0 and verdicts[i - 1] is not None and verdicts[i - 1].reason == "about"  # type: ignore[union-attr]
        folded = folded_lines[i]
        reason = _drop_reason(
            sq, folded, rules, furniture, page=page, gate=gate, after_about=after_about, last=i == last
        )
        if reason is None and first_content and (sq in rules.section_lines or sq in mastheads):
            reason = "section"
        if reason is None and (sq == previous or (len(sq.split()) >= REPEAT_MIN_WORDS and sq in seen)):
            reason = "repeat"  # pages print the headline twice, or a second copy of the article
        if reason == "marker" and (i >= tail_from or i == last):
            end = cut_footer(sq, furniture, folded=folded) if gate.markers else None
            if end is not None and furniture_reason(sq[:end], furniture, folded=folded[:end]) is None:
                # the article's last sentence with the footer glued after it
                verdicts[i] = LineVerdict(sq[:end].rstrip(), "trimmed")
                footer_from = i
                continue
        if gate.any:  # copies of the article come with scraped pages, which carry other furniture
            grams = _shingles(sq)
            if reason is None and _mostly_seen(grams, shingles):
                reason = "repeat"
            shingles.update(grams)
        if reason is not None:
            verdicts[i] = LineVerdict(None, reason)
            if reason == "tweet":
                _drop_tweet_text(i, squashed, verdicts)
            if i >= tail_from and reason == "marker" and has_cut_marker(sq, furniture, folded=folded):
                footer_from = i  # related links, comments or the footer: nothing after is the article's
            continue
        kept = sq
        if first_content:
            start = cut_header(sq, furniture)
            kept = sq[start:] if start is not None else sq
        if i >= tail_from or i == last:
            end = cut_footer(kept, furniture, folded=folded if kept is sq else None) if gate.markers else None
            if end is not None:
                kept, footer_from = kept[:end].rstrip(), i
        first_content = False
        previous = sq
        seen.add(sq)
        verdicts[i] = LineVerdict(kept, "trimmed" if kept != sq else "")
    _drop_trailing_masthead(squashed, verdicts, mastheads)
    return [v if v is not None else LineVerdict("") for v in verdicts]


REPEAT_MIN_WORDS = 6
# A line of at least SHINGLE_MIN_WORDS words whose word 4-grams mostly (REPEAT_SHARE) appeared
# earlier on the page is a second copy (teaser blocks and "print" copies of the article).
SHINGLE_SIZE = 4
SHINGLE_MIN_WORDS = 15
REPEAT_SHARE = 0.9


def _shingles(line: str) -> list[tuple[str, ...]]:
    words = line.split()
    return list(zip(*(words[k:] for k in range(SHINGLE_SIZE)), strict=False))


def _mostly_seen(grams: list[tuple[str, ...]], seen: set[tuple[str, ...]]) -> bool:
    if len(grams) < SHINGLE_MIN_WORDS - SHINGLE_SIZE + 1:
        return False
    return sum(1 for g in grams if g in seen) >= REPEAT_SHARE * len(grams)


class _Page:
    """Whether the page is mostly Arabic, counted only when a line asks (most never do)."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._arabic: bool | None = None

    @property
    def arabic(self) -> bool:
        if self._arabic is None:
            arabic = sum(len(_ARABIC.findall(s)) for s in self._lines)
            self._arabic = arabic > sum(len(_LATIN.findall(s)) for s in self._lines)
        return self._arabic


def _drop_reason(
    sq: str,
    folded: str,
    rules: BoilerplateRules,
    furniture: FurnitureRules,
    *,
    page: _Page,
    gate: PageGate,
    after_about: bool,
    last: bool,
) -> str | None:
    if _squashed_is_boilerplate(sq, rules):
        return "boilerplate"
    if gate.patterns and tweet_attribution(sq, furniture, folded=folded):
        return "tweet"
    reason = furniture_reason(sq, furniture, after_about=after_about, last=last, folded=folded, gate=gate)
    if reason is None and gate.latin and mostly_latin(sq) and page.arabic:
        reason = "latin"
    return reason


def _cut_tail(
    squashed: list[str],
    content_idx: list[int],
    tail_from: int,
    rules: BoilerplateRules,
    verdicts: list[LineVerdict | None],
) -> None:
    """The first tail marker in the last 60% of the page drops it and everything after it."""
    is_tail = _searcher(rules.tail_markers)
    for i in content_idx:
        if i >= tail_from and is_tail(squashed[i]):
            for j in range(i, len(squashed)):
                verdicts[j] = LineVerdict(None, "tail") if squashed[j] else LineVerdict("")
            return


def _drop_tweet_text(i: int, squashed: list[str], verdicts: list[LineVerdict | None]) -> None:
    """An embedded tweet's text is the line just above its "— name (@handle) date" line."""
    j = i - 1
    while j >= 0 and not squashed[j]:
        j -= 1
    alone = len(re.split(r"[—–]", squashed[i], maxsplit=1)[0].split()) < 3
    if j >= 0 and alone and len(squashed[j].split()) <= TWEET_MAX_WORDS:
        verdicts[j] = LineVerdict(None, "tweet")


TWEET_MAX_WORDS = 60


def _drop_trailing_masthead(
    squashed: list[str], verdicts: list[LineVerdict | None], mastheads: frozenset[str]
) -> None:
    """A trailing sign-off line naming the outlet is furniture too."""
    for i in range(len(squashed) - 1, -1, -1):
        verdict = verdicts[i]
        if verdict is None or not verdict.kept:
            continue
        if squashed[i] in mastheads and verdict.kept == squashed[i]:
            verdicts[i] = LineVerdict(None, "masthead")
        return


def clean_text(raw: str, *, title: str | None = None, mastheads: frozenset[str] = frozenset()) -> Cleaned:
    """Drop furniture lines, cut headers and footers glued to the article's lines, and pick the title.

    `mastheads` are outlet names that may stand alone on the first or last line. The text kept is
    the article's own lines (trimmed), so every offset computed on it points into what remains.
    """
    verdicts = line_verdicts(raw, mastheads=mastheads)
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    removed: list[str] = []
    kept: list[str] = []
    for line, verdict in zip(lines, verdicts, strict=True):
        if verdict.kept is None:
            removed.append(_squash(line))
            continue
        if verdict.reason == "trimmed":
            removed.append(_squash(line).replace(verdict.kept, " ").strip())
        kept.append(verdict.kept if verdict.reason == "trimmed" else line.strip())
    while kept and not kept[-1]:
        kept.pop()
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    found_title = _squash(title) if title else ""
    if not found_title:
        found_title = _guess_title(body)
    return Cleaned(text=body, title=found_title, removed=tuple(removed))


def _guess_title(body: str) -> str:
    """A headline is a short first line, without a final full stop, followed by more text."""
    first, _, rest = body.partition("\n")
    first = first.strip()
    words = first.split()
    if rest.strip() and 2 <= len(words) <= 30 and not first.endswith((".", "۔")):
        return first
    return ""
