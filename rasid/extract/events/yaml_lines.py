"""YAML read with line numbers, and a reader that checks a mapping key by key.

The event lexicon is edited by hand: a problem is reported as `file:line: section.key: problem`,
and a key no rule reads (a typo, a retired list) is an error rather than silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from typing import Any

import yaml

from rasid.extract.events.lexicon import EventLexiconError
from rasid.extract.events.matching import PhraseSet
from rasid.serialize import safe_yaml_loader
from rasid.text.normalize import normalize_word


class LineMap(dict[Any, Any]):
    """A YAML mapping that remembers the line of itself and of each of its keys (1-based)."""

    __slots__ = ("key_lines", "line")

    line: int
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A YAML sequence that remembers the line of itself and of each item (1-based)."""

    __slots__ = ("item_lines", "line")

    line: int
    item_lines: list[int]


class _LineLoader(safe_yaml_loader()):  # type: ignore[misc]
    """SafeLoader's documents and line marks; libyaml's parser where installed (~6x less CPU)."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[LineMap]:
    data = LineMap()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))
    data.key_lines = {loader.construct_object(k): k.start_mark.line + 1 for k, _v in node.value}


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> Iterator[LineList]:
    data = LineList()
    data.line = node.start_mark.line + 1
    yield data
    data.extend(loader.construct_sequence(node))
    data.item_lines = [n.start_mark.line + 1 for n in node.value]


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def read_data_file(name: str, path: str | None, what: str) -> Any:
    """The YAML (with line numbers) of the packaged `rasid/extract/data/<name>`, or of `path`; an
    unreadable file is an `EventLexiconError` naming it and `what` was being read."""
    where = path or f"rasid/extract/data/{name}"
    try:
        if path is None:
            raw = resources.files("rasid.extract").joinpath(f"data/{name}").read_text(encoding="utf-8")
        else:
            with open(path, encoding="utf-8") as handle:
                raw = handle.read()
        return load_lines(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise EventLexiconError(f"{where}: cannot read {what}: {exc}") from exc


def load_lines(text: str) -> Any:
    """Parse YAML text; mappings come back as `LineMap`, sequences as `LineList`."""
    return yaml.load(text, Loader=_LineLoader)  # (a safe loader: no arbitrary objects)


def words(values: Iterable[Any]) -> frozenset[str]:
    """Folded forms of a word list (spaces inside a form normalised)."""
    return frozenset(" ".join(normalize_word(str(v)).split()) for v in values)


class Reader:
    """One mapping of the lexicon read key by key; `finish()` rejects the keys nobody read."""

    def __init__(self, data: Any, path: str, name: str, line: int = 1):
        self.path, self.name = path, name
        self.line = getattr(data, "line", line)
        if not isinstance(data, dict):
            raise self.error(None, "expected a mapping")
        self.data: dict[Any, Any] = data
        self._read: set[Any] = set()

    def line_of(self, key: Any) -> int:
        return getattr(self.data, "key_lines", {}).get(key, self.line)

    def error(self, key: Any, problem: str, line: int | None = None) -> EventLexiconError:
        at = line if line is not None else (self.line_of(key) if key is not None else self.line)
        what = ".".join(str(p) for p in (self.name, key) if p not in (None, ""))
        return EventLexiconError(f"{self.path}:{at}: {what + ': ' if what else ''}{problem}")

    def get(self, key: str, kind: type | tuple[type, ...], required: bool = True) -> Any:
        self._read.add(key)
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(None, f"missing {key!r}")
            return None
        if not isinstance(value, kind):
            expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.error(key, f"malformed (expected {expected})")
        return value

    def seq(self, key: str, required: bool = True) -> list[Any]:
        return self.get(key, list, required) or []

    def phrases(self, key: str, required: bool = True) -> PhraseSet:
        return PhraseSet(self.seq(key, required))

    def words(self, key: str, required: bool = True) -> frozenset[str]:
        return words(self.seq(key, required))

    def number(self, key: str, default: float | None = None, kind: type = int) -> Any:
        value = self.get(key, (int, float), required=default is None)
        return kind(default if value is None else value)

    def sub(self, key: str, required: bool = True) -> Reader:
        value = self.get(key, dict, required)
        return Reader(value if value is not None else LineMap(), self.path, self._child(key), self.line_of(key))

    def items(self, key: str, required: bool = True) -> Iterator[Reader]:
        """The mappings of a list, each as a Reader named `key[#n]`."""
        for i, item in enumerate(self.seq(key, required)):
            yield Reader(item, self.path, f"{self._child(key)}[#{i + 1}]", self.item_line(key, i))

    def item_line(self, key: str, i: int) -> int:
        value = self.data.get(key)
        lines = getattr(value, "item_lines", None)
        return lines[i] if lines and i < len(lines) else self.line_of(key)

    def check_items(self, key: str, ok: Callable[[Any], bool], problem: str) -> list[Any]:
        """The list under `key`, each item passing `ok` (else an error at the item's line)."""
        values = self.seq(key)
        for i, v in enumerate(values):
            if not ok(v):
                raise self.error(key, f"{problem}: {v!r}", self.item_line(key, i))
        return values

    def finish(self) -> None:
        unknown = [k for k in self.data if k not in self._read]
        if unknown:
            raise self.error(unknown[0], "unknown key")

    def _child(self, key: str) -> str:
        return f"{self.name}.{key}" if self.name else key
