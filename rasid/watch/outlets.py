"""The outlets' public feeds and sitemaps (`rasid/knowledge/data/feeds.yaml`), validated at load.

Each entry names an outlet by its id in outlets.yaml, which gives its name (as the knowledge base
spells it), leaning and country; a problem is reported as `feeds.yaml:LINE: problem`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from rasid.knowledge.actors import OutletBase, load_outlets
from rasid.knowledge.schema import KnowledgeDataError
from rasid.serialize import load_yaml_nodes, yaml_item_lines

FEEDS_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "data" / "feeds.yaml"
_FIELDS = {"outlet", "language", "groups", "urls"}
ALL = "all"


@dataclass(frozen=True)
class OutletFeeds:
    outlet_id: str
    name: str  # the outlet's Arabic name in outlets.yaml: the `source` of what is stored
    name_en: str
    leaning: str
    country: str | None
    language: str
    groups: tuple[str, ...]
    urls: tuple[str, ...]


@dataclass(frozen=True)
class FeedList:
    groups: Mapping[str, str]
    outlets: tuple[OutletFeeds, ...]

    def select(self, name: str) -> list[OutletFeeds]:
        """The outlets of a group, `all`, or one outlet by its id; KeyError naming the choices otherwise."""
        chosen = [o for o in self.outlets if name == ALL or name in o.groups or name == o.outlet_id]
        if not chosen:
            choices = ", ".join([ALL, *sorted(self.groups)])
            raise KeyError(f"no outlets group {name!r}; choose one of {choices}, or an outlet id from feeds.yaml")
        return chosen


def _nodes_with_lines(path: Path) -> tuple[Any, yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeDataError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        data, node = load_yaml_nodes(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise KnowledgeDataError(f"{path.name}{line}: invalid YAML: {exc}") from exc
    return data, node


def _check(cond: bool, where: str, problem: str) -> None:
    if not cond:
        raise KnowledgeDataError(f"{where}: {problem}")


def _strings(value: Any, where: str, name: str) -> tuple[str, ...]:
    _check(isinstance(value, list) and bool(value) and all(isinstance(v, str) and v.strip() for v in value),
           where, f"{name} must be a non-empty list of strings")
    return tuple(v.strip() for v in value)


def _entry(raw: Any, where: str, groups: Mapping[str, str], kb: OutletBase) -> OutletFeeds:
    _check(isinstance(raw, Mapping), where, "entry must be a mapping")
    missing, unknown = _FIELDS - set(raw), set(raw) - _FIELDS
    _check(not missing, where, f"missing field(s) {sorted(missing)}")
    _check(not unknown, where, f"unknown field(s) {sorted(unknown)}")
    try:
        outlet = kb.get(str(raw["outlet"]))
    except KeyError:
        raise KnowledgeDataError(f"{where}: outlet {raw['outlet']!r} is not an id in outlets.yaml") from None
    language = raw["language"]
    _check(isinstance(language, str) and len(language) == 2 and language.isalpha(), where,
           f"language must be a two-letter code, got {language!r}")
    names = _strings(raw["groups"], where, "groups")
    for g in names:
        _check(g in groups, where, f"unknown group {g!r} (declare it under 'groups')")
    urls = _strings(raw["urls"], where, "urls")
    for url in urls:
        parts = urlsplit(url)
        _check(parts.scheme in ("http", "https") and bool(parts.hostname), where, f"not an http(s) URL: {url!r}")
    return OutletFeeds(outlet.id, outlet.name_ar, outlet.name_en, outlet.leaning, outlet.country, language, names, urls)


def load_feeds(path: Path | None = None, outlets: OutletBase | None = None) -> FeedList:
    """Read and validate the feeds list (outlet ids are checked against outlets.yaml)."""
    path = path or FEEDS_FILE
    data, root = _nodes_with_lines(path)
    _check(isinstance(data, Mapping), path.name, "top level must be a mapping with 'groups' and 'feeds'")
    groups = data.get("groups")
    _check(isinstance(groups, Mapping) and all(isinstance(k, str) for k in groups), path.name,
           "'groups' must map group names to descriptions")
    _check(ALL not in groups, path.name, f"'{ALL}' is every outlet; do not declare it")
    items = data.get("feeds")
    _check(isinstance(items, list) and bool(items), path.name, "'feeds' must be a non-empty list")
    lines = yaml_item_lines(root, "feeds")
    kb = outlets or load_outlets()
    out: list[OutletFeeds] = []
    seen: set[str] = set()
    for i, raw in enumerate(items):
        where = f"{path.name}:{lines[i]}" if i < len(lines) else f"{path.name}: entry #{i + 1}"
        entry = _entry(raw, where, groups, kb)
        _check(entry.outlet_id not in seen, where, f"outlet {entry.outlet_id!r} listed twice")
        seen.add(entry.outlet_id)
        out.append(entry)
    return FeedList(dict(groups), tuple(out))


def sources_of(outlets: Sequence[OutletFeeds]) -> list[tuple[str, str]]:
    """(URL, outlet name) of every feed of `outlets`."""
    return [(url, o.name) for o in outlets for url in o.urls]
