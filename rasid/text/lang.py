"""Language identification: Arabic, English, other, or undetermined.

Script counts decide first (Arabic letters vs Latin vs anything else); within
a script, small stopword lists (data/lang_stopwords.yaml) separate Arabic from
Persian/Urdu and English from other Latin-script languages.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rasid.text._data import TextDataError, read_yaml

_MIN_LETTERS = 12
_WORD_RE = re.compile(r"[^\W\d_\u0640]+")
# Arabic-script letters (tatweel excluded: Python counts it as a letter but it says nothing).
_ARABIC_RE = re.compile(
    "[\u0620-\u063f\u0641-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]+"
)
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
# Letters used in Persian/Urdu but not in Arabic (پ چ ژ گ ک ی ہ ے ...).
_NON_ARABIC_RE = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc\u06c1\u06d2\u0679\u0688\u0691]+")


@lru_cache(maxsize=1)
def _stopwords() -> dict[str, dict[str, frozenset[str]]]:
    where = "lang_stopwords.yaml"
    data = read_yaml(where)
    out: dict[str, dict[str, frozenset[str]]] = {}
    for script in ("latin", "arabic_script"):
        langs = data.get(script)
        if not isinstance(langs, dict) or not langs:
            raise TextDataError(f"rasid/text/data/{where}: '{script}' must map language codes to word lists")
        out[script] = {}
        for code, words in langs.items():
            if not isinstance(words, str) or not words.split():
                raise TextDataError(f"rasid/text/data/{where}: '{script}.{code}' must be a string of words")
            out[script][str(code)] = frozenset(w.lower() for w in words.split())
    for needed, script in (("en", "latin"), ("ar", "arabic_script")):
        if needed not in out[script]:
            raise TextDataError(f"rasid/text/data/{where}: '{script}' needs a '{needed}' list")
    return out


def _best(words: list[str], lists: dict[str, frozenset[str]]) -> tuple[str, int]:
    scores = {code: sum(1 for w in words if w in sw) for code, sw in lists.items()}
    code = max(scores, key=lambda c: scores[c])
    return code, scores[code]


def detect_language(text: str) -> str:
    """Return "ar", "en", "other" (another language) or "und" (too little text to tell)."""
    sample = text[:20_000]  # the opening is enough and keeps long texts cheap
    # Count letters per script by summing the lengths of letter runs (fast, no per-char loop).
    letters = sum(map(len, _WORD_RE.findall(sample)))
    if letters < _MIN_LETTERS:
        return "und"
    arabic = sum(map(len, _ARABIC_RE.findall(sample)))
    stop = _stopwords()
    if 2 * arabic >= letters:
        # Persian and Urdu share the script: letters absent from Arabic and stopwords decide.
        persian = sum(map(len, _NON_ARABIC_RE.findall(sample)))
        if persian / arabic > 0.02:
            code, hits = _best(_WORD_RE.findall(sample), stop["arabic_script"])
            return "ar" if code == "ar" and hits > 0 else "other"
        return "ar"
    latin = sum(map(len, _LATIN_RE.findall(sample)))
    other = max(0, letters - arabic - latin)
    if arabic >= latin and arabic >= other:
        return "ar"  # plurality of Arabic letters in mixed-script text
    if latin >= other:
        words = [w.lower() for w in _WORD_RE.findall(sample)]
        code, hits = _best(words, stop["latin"])
        if hits == 0:
            # No function words at all (a list of names, a short headline): Latin text
            # in a pipeline of English and Arabic sources is most likely English.
            return "en"
        return "en" if code == "en" else "other"
    return "other"
