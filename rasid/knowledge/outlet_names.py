"""Outlet names in any known spelling mapped to the knowledge base's canonical name."""

from __future__ import annotations

from functools import lru_cache

from rasid.knowledge.actors import load_outlets
from rasid.text.normalize import normalize_word


@lru_cache(maxsize=1)
def _outlet_names() -> dict[str, str]:
    index: dict[str, str] = {}
    for outlet in load_outlets().all():
        for name in (*outlet.names, outlet.name_ar, outlet.name_en):
            index[" ".join(normalize_word(w) for w in name.lower().split())] = outlet.name_ar
    return index


def canonical_outlet(name: str) -> str:
    """The knowledge base's name for an outlet given in any known spelling ("سانا" -> its canonical name)."""
    key = " ".join(normalize_word(w) for w in name.lower().split())
    return _outlet_names().get(key, name.strip())
