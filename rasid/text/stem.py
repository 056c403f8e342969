"""A light Arabic stemmer for matching and search.

Light stemming strips a few frequent affixes and leaves broken plurals and
roots alone; for matching news text it conflates the forms that matter
(ايراني / ايرانيه / ايرانيين, قذيفه / قذائف is left apart on purpose).

Why our own instead of snowballstemmer's Arabic algorithm: it was compared on
word pairs that should share a stem (tests/text/test_stem.py) and it conflated
them inconsistently on folded input (اشتباك -> اشتب but اشتباكات -> اشتباكا,
قوه vs قوا, ايرانيه -> اير), because it expects unfolded ة/ى and strips
aggressively. NLTK's ISRI is root-oriented (too aggressive for entity
matching) and would add a dependency; Tashaphyne likewise. The affix lists
live in data/affixes.yaml.
"""

from __future__ import annotations

from functools import lru_cache

from rasid.text._data import stem_config


@lru_cache(maxsize=50_000)  # bound: hit rate vs size on real text, see docs/RESULTS.md (issue 17)
def stem(norm_word: str) -> str:
    """Light stem of a normalised word (see normalize_word); non-Arabic words are returned unchanged.

    Expects the base without proclitics (tokenize strips them); a leading
    article is still removed when present so callers with raw words get the
    same stem.
    """
    word = norm_word
    if not word or not ("\u0621" <= word[0] <= "\u064a"):
        return word
    cfg = stem_config()
    min_stem = cfg.min_stem
    short = cfg.short_stem_suffixes
    for art in cfg.articles:
        if word.startswith(art) and len(word) - len(art) >= min_stem:
            word = word[len(art) :]
            break
    for group in (cfg.pronoun_suffixes, cfg.inflection_suffixes, cfg.final_suffixes):
        for suffix in group:
            keep = min_stem - 1 if suffix in short else min_stem
            if word.endswith(suffix) and len(word) - len(suffix) >= keep:
                word = word[: -len(suffix)]
                break
    return word
