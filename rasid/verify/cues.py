"""The cue lexicons of the claim check (`data/check_cues.yaml`), validated on load, and phrase search.

Kept apart from `rasid.verify.check` so the page reading (`page_check`) and the check-worthy
sentence lister (`story_claims`) use the same lexicons without importing the checker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from rasid.text.tokens import search_terms


class CueDataError(ValueError):
    """The cue lexicon file is malformed."""


@dataclass(frozen=True)
class Cues:
    predicates: dict[str, tuple[tuple[str, ...], ...]]
    negation: tuple[tuple[str, ...], ...]
    negation_window: int
    denial: tuple[tuple[str, ...], ...]
    disputed: tuple[tuple[str, ...], ...]
    partial: tuple[tuple[str, ...], ...]
    redeployment: tuple[tuple[str, ...], ...]
    hedges: tuple[tuple[str, ...], ...]
    place_scopes: dict[str, tuple[tuple[str, ...], ...]]
    attribution: tuple[tuple[str, ...], ...]
    relay: tuple[tuple[str, ...], ...] = ()
    relay_window: int = 5
    fact_checkers: frozenset[str] = frozenset()  # sites (lower case) and names, as written


def _phrases(values: Any, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise CueDataError(f"check_cues.yaml: '{where}' must be a list of non-empty strings")
    out = []
    for value in values:
        terms = tuple(search_terms(value))
        if not terms:
            raise CueDataError(f"check_cues.yaml: '{where}' entry {value!r} has no words")
        out.append(terms)
    return tuple(dict.fromkeys(out))


def _families(values: Any, where: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    if not isinstance(values, dict) or not values:
        raise CueDataError(f"check_cues.yaml: '{where}' must map names to word lists")
    return {str(k): _phrases(v, f"{where}.{k}") for k, v in values.items()}


def _names(values: Any, where: str) -> frozenset[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise CueDataError(f"check_cues.yaml: '{where}' must be a list of non-empty strings")
    return frozenset(v.strip().lower() for v in values)


def _positive(value: Any, where: str) -> int:
    if not isinstance(value, int) or value < 1:
        raise CueDataError(f"check_cues.yaml: '{where}' must be a positive integer")
    return value


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    raw = yaml.safe_load(resources.files("rasid.verify").joinpath("data/check_cues.yaml").read_text("utf-8"))
    if not isinstance(raw, dict):
        raise CueDataError("check_cues.yaml: expected a mapping at the top level")
    window = raw.get("negation_window", 3)
    if not isinstance(window, int) or window < 1:
        raise CueDataError("check_cues.yaml: 'negation_window' must be a positive integer")
    return Cues(
        predicates=_families(raw.get("predicates"), "predicates"),
        negation=_phrases(raw.get("negation"), "negation"),
        negation_window=window,
        denial=_phrases(raw.get("denial"), "denial"),
        disputed=_phrases(raw.get("disputed"), "disputed"),
        partial=_phrases(raw.get("partial"), "partial"),
        redeployment=_phrases(raw.get("redeployment"), "redeployment"),
        hedges=_phrases(raw.get("hedges"), "hedges"),
        place_scopes=_families(raw.get("place_scopes"), "place_scopes"),
        attribution=_phrases(raw.get("attribution"), "attribution"),
        relay=_phrases(raw.get("relay"), "relay"),
        relay_window=_positive(raw.get("relay_window", 5), "relay_window"),
        fact_checkers=_names(raw.get("fact_checkers", []), "fact_checkers"),
    )


def _word_matches(cue: str, word: str) -> bool:
    # One-word cues match as prefixes ("انسحب" ~ "انسحبت"); short cues must match exactly.
    return word == cue or (len(cue) >= 4 and word.startswith(cue))


def find_phrases(terms: Sequence[str], phrases: Sequence[tuple[str, ...]]) -> list[int]:
    """Positions in `terms` where one of `phrases` starts."""
    hits = []
    for i in range(len(terms)):
        for phrase in phrases:
            if len(phrase) == 1:
                if _word_matches(phrase[0], terms[i]):
                    hits.append(i)
                    break
            elif tuple(terms[i : i + len(phrase)]) == phrase:
                hits.append(i)
                break
    return hits


