"""The stories lexicon (data/stories.yaml), loaded once and validated."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from rasid.serialize import load_yaml
from rasid.text.fold import MATCH_LOWER

_FILE = "stories.yaml"


class LexiconError(ValueError):
    """The bundled stories lexicon is malformed."""


@dataclass(frozen=True)
class StoriesLexicon:
    stopwords: frozenset[str]
    retraction_cues: tuple[str, ...]  # normalised phrases
    withdrawal: dict[str, tuple[str, ...]]  # framing -> normalised phrases
    cause_families: dict[str, str]
    attribution_verbs: frozenset[str]
    same_source: tuple[str, ...]


def norm_phrase(text: str) -> str:
    """Normalised, lower-cased words of a phrase joined by single spaces (for substring matching).

    Word by word, so a "word" that folds to nothing still leaves its space, as the keys always had."""
    return " ".join(map(MATCH_LOWER.word_folder, text.split()))  # `fold_word`, without a call per word


def read_mapping(file: str) -> dict[str, Any]:
    """The top-level mapping of one YAML file under rasid/stories/data."""
    raw = resources.files("rasid.stories").joinpath("data", file).read_text(encoding="utf-8")
    data = load_yaml(raw)
    if not isinstance(data, dict):
        raise LexiconError(f"{file}: expected a mapping at the top level")
    return data


def phrase_list(data: dict[str, Any], key: str, file: str, what: str = "strings") -> tuple[str, ...]:
    """The normalised phrases listed under `key`; a missing, empty or non-text entry names the file."""
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{file}: '{key}' must be a non-empty list of {what}")
    return tuple(norm_phrase(v) for v in value)


def _phrases(data: dict[str, Any], key: str) -> tuple[str, ...]:
    return phrase_list(data, key, _FILE)


def _search_stopwords() -> frozenset[str]:
    from rasid.text._data import read_word_list

    return frozenset(norm_phrase(w) for w in read_word_list("search_stopwords.txt"))


@lru_cache(maxsize=1)
def lexicon() -> StoriesLexicon:
    data = read_mapping(_FILE)
    framings = data.get("withdrawal")
    if not isinstance(framings, dict) or not framings:
        raise LexiconError(f"{_FILE}: 'withdrawal' must map framing names to phrase lists")
    causes = data.get("cause_families")
    if not isinstance(causes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in causes.items()
    ):
        raise LexiconError(f"{_FILE}: 'cause_families' must map sub-event types to family names")
    return StoriesLexicon(
        stopwords=frozenset(_phrases(data, "stopwords")) | _search_stopwords(),
        retraction_cues=_phrases(data, "retraction_cues"),
        withdrawal={str(k): _phrases(framings, k) for k in framings},
        cause_families=dict(causes),
        attribution_verbs=frozenset(_phrases(data, "attribution_verbs")),
        same_source=_phrases(data, "same_source"),
    )
