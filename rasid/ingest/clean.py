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

_WS = re.compile(r"[ \t\u00a0\u200f\u200e\u200b]+")


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
    if patterns and len({p.flags for p in patterns}) == 1 and not any(_GROUP_REFERENCE.search(p.pattern) for p in patterns):
        try:
            search = re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags).search
        except re.error:
            pass
        else:
            return lambda line: search(line) is not None
    return lambda line: any(p.search(line) for p in patterns)


@lru_cache(maxsize=1)
def load_rules() -> BoilerplateRules:
    raw: dict[str, Any] = yaml.safe_load(resources.files("rasid.ingest").joinpath("data/boilerplate.yaml").read_text("utf-8"))
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


def clean_text(raw: str, *, title: str | None = None, mastheads: frozenset[str] = frozenset()) -> Cleaned:
    """Drop furniture lines, cut trailing page furniture, and pick the title.

    `mastheads` are outlet names that may stand alone on the first or last line.
    """
    rules = load_rules()
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    squashed = [_squash(x) for x in lines]
    removed: list[str] = []

    # Cut at the first tail marker in the last 60% of the page's non-empty lines.
    content_idx = [i for i, s in enumerate(squashed) if s]
    if content_idx:
        threshold = content_idx[int(len(content_idx) * 0.4)] if len(content_idx) > 3 else content_idx[-1] + 1
        is_tail = _searcher(rules.tail_markers)
        for i in content_idx:
            if i >= threshold and is_tail(squashed[i]):
                removed.extend(s for s in squashed[i:] if s)
                lines, squashed = lines[:i], squashed[:i]
                break

    kept: list[str] = []
    previous = ""
    first_content = True
    for line, sq in zip(lines, squashed, strict=True):
        if not sq:
            kept.append("")
            continue
        if _squashed_is_boilerplate(sq, rules):  # `sq` is squashed already
            removed.append(sq)
            continue
        if first_content and (sq in rules.section_lines or sq in mastheads):
            removed.append(sq)
            continue
        if sq == previous:
            # Pages often print the headline twice in a row.
            removed.append(sq)
            continue
        first_content = False
        previous = sq
        kept.append(line.strip())

    # A trailing sign-off line naming the outlet is furniture too.
    while kept and not kept[-1]:
        kept.pop()
    if kept and _squash(kept[-1]) in mastheads:
        removed.append(_squash(kept.pop()))

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
