"""Search queries as index terms: normalised words, function words dropped, each with its accepted spellings.

Used by full-text search (`rasid.api.search`) and by claim checking (`rasid.verify.retrieve`).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from rasid.text.tokens import search_terms


@lru_cache(maxsize=1)
def _variant_groups() -> dict[str, tuple[str, ...]]:
    raw = yaml.safe_load(resources.files("rasid.text").joinpath("data/spelling_variants.yaml").read_text("utf-8"))
    out: dict[str, tuple[str, ...]] = {}
    for group in raw.get("groups", []):
        # Group members are written as people spell them; fold them like indexed terms.
        forms = tuple(dict.fromkeys(" ".join(search_terms(str(g))) for g in group))
        for form in forms:
            out[form] = forms
    return out


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    raw = resources.files("rasid.text").joinpath("data/search_stopwords.txt").read_text("utf-8")
    lines = [line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#")]
    return frozenset(t for w in lines for t in search_terms(w))


def query_groups(query: str) -> list[tuple[str, ...]]:
    """Normalised query terms (function words dropped), each with its accepted spellings."""
    variants = _variant_groups()
    terms = search_terms(query)
    content = [t for t in terms if t not in _stopwords()] or terms
    return [variants.get(t, (t,)) for t in content]
