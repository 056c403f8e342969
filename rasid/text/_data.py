"""Loading of the text layer's data files (read once, validated)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from rasid.serialize import load_yaml
from rasid.text.normalize import normalize_word


class TextDataError(ValueError):
    """A data file of the text layer is missing or malformed."""


def read_text(name: str) -> str:
    try:
        return resources.files("rasid.text").joinpath("data", name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TextDataError(f"rasid/text/data/{name}: file missing") from exc


def read_yaml(name: str) -> dict[str, Any]:
    try:
        data = load_yaml(read_text(name))
    except yaml.YAMLError as exc:
        raise TextDataError(f"rasid/text/data/{name}: invalid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise TextDataError(f"rasid/text/data/{name}: expected a mapping at top level")
    return data


def read_word_list(name: str) -> list[str]:
    """One entry per line; '#' starts a comment line; blank lines ignored."""
    out = []
    for line in read_text(name).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _str_list(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TextDataError(f"rasid/text/data/{where}: '{key}' must be a list of non-empty strings")
    return tuple(normalize_word(v) for v in value)


def _str(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise TextDataError(f"rasid/text/data/{where}: '{key}' must be a non-empty string")
    return normalize_word(value)


def _int(data: dict[str, Any], key: str, where: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or value < 1:
        raise TextDataError(f"rasid/text/data/{where}: '{key}' must be a positive integer")
    return value


@dataclass(frozen=True)
class CliticConfig:
    conjunctions: tuple[str, ...]
    prepositions: tuple[str, ...]
    article: str
    lam_article: str
    article_only_prepositions: frozenset[str]
    conjunctions_needing_clitic: frozenset[str]
    min_base_after_article: int
    min_base_after_letter: int


@dataclass(frozen=True)
class StemConfig:
    min_stem: int
    articles: tuple[str, ...]
    pronoun_suffixes: tuple[str, ...]
    inflection_suffixes: tuple[str, ...]
    final_suffixes: tuple[str, ...]
    short_stem_suffixes: frozenset[str]


@lru_cache(maxsize=1)
def clitic_config() -> CliticConfig:
    where = "affixes.yaml"
    data = read_yaml(where)
    pro = data.get("proclitics")
    if not isinstance(pro, dict):
        raise TextDataError(f"rasid/text/data/{where}: 'proclitics' must be a mapping")
    cfg = CliticConfig(
        conjunctions=_str_list(pro, "conjunctions", where),
        prepositions=_str_list(pro, "prepositions", where),
        article=_str(pro, "article", where),
        lam_article=_str(pro, "lam_article", where),
        article_only_prepositions=frozenset(_str_list(pro, "article_only_prepositions", where)),
        conjunctions_needing_clitic=frozenset(_str_list(pro, "conjunctions_needing_clitic", where)),
        min_base_after_article=_int(data, "min_base_after_article", where),
        min_base_after_letter=_int(data, "min_base_after_letter", where),
    )
    # The splitter assumes one-letter conjunctions and prepositions.
    for form in (*cfg.conjunctions, *cfg.prepositions):
        if len(form) != 1:
            raise TextDataError(f"rasid/text/data/{where}: clitic {form!r} must be a single letter")
    return cfg


@lru_cache(maxsize=1)
def stem_config() -> StemConfig:
    where = "affixes.yaml"
    data = read_yaml(where).get("stemmer")
    if not isinstance(data, dict):
        raise TextDataError(f"rasid/text/data/{where}: 'stemmer' must be a mapping")
    return StemConfig(
        min_stem=_int(data, "min_stem", where),
        articles=_str_list(data, "articles", where),
        pronoun_suffixes=tuple(sorted(_str_list(data, "pronoun_suffixes", where), key=len, reverse=True)),
        inflection_suffixes=tuple(
            sorted(_str_list(data, "inflection_suffixes", where), key=len, reverse=True)
        ),
        final_suffixes=_str_list(data, "final_suffixes", where),
        short_stem_suffixes=frozenset(_str_list(data, "short_stem_suffixes", where)),
    )


@lru_cache(maxsize=1)
def clitic_exceptions() -> frozenset[str]:
    name = "clitic_exceptions.txt"
    words = set()
    for entry in read_word_list(name):
        if " " in entry or len(entry) < 3:
            raise TextDataError(f"rasid/text/data/{name}: entry {entry!r} must be one word of 3+ letters")
        words.add(normalize_word(entry))
    return frozenset(words)
