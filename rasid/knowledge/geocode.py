"""Geocoding place mentions in Arabic news text.

Every place phrase gets coordinates, admin1/admin2 and an ACLED-style geo-precision:

1  the place itself: a town/village, or a neighbourhood/landmark whose own coordinates are known;
2  part of or near a town: a neighbourhood or landmark known only by its city's coordinates, the
   outskirts/surroundings of a town ("محيط", "أطراف", "الضواحي الغربية لمدينة حلب"), a part of a
   city ("حلب الشرقية"), the countryside of a town ("ريف منبج"), a road, a small named region;
3  only a governorate or larger: "محافظة حلب", the countryside of a governorate ("ريف حلب الغربي" —
   journalists mean the governorate's rural part), "غربي محافظة حلب", a district, Syria, a large region.

Nested phrases resolve to the most specific place and keep the container: "حي الخالدية بحلب" is
the neighbourhood (container: Aleppo city); "قرية العيس بريف حلب الجنوبي" is the village
(container: Aleppo governorate, qualifier "southern countryside").

Ambiguity: a bare "حلب" is the city (cities outrank governorates of the same name) unless preceded
by محافظة or ريف. Names that are also common words (data: geocoder.ambiguous) are accepted only
after a cue word (حي، بلدة، قرية، مدينة، منطقة ...), before a container, after a direction word, or
in a list joined to an accepted place; those of geocoder.ambiguous_locative also after في or ب
("في القريتين" is the town, "القريتين" alone two villages).

Countries: a name shared by places of several countries (دوما in Syria and the West Bank, رفح in Gaza
and Egypt, البيضاء in Yemen and Libya) is read in the countries of the other, unambiguous places of
its sentence and article and of the countries they name (`resolve_sentences`); without such context a
Syrian place, a city or a first-level area wins over a foreign village. A district cue ("مديرية X",
"قضاء X", "ناحية X") codes X's main town with geo-precision 2; a neighbourhood said to be in a city it
is not known in ("حي القصور في دير الزور") is coded at that city with precision 2.

Matching is a longest match over tokens against a dict of normalised names (no regex per place).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, NamedTuple

import yaml

from rasid.knowledge.places import (
    DATA_DIR,
    HOME_COUNTRY,
    Place,
    PlaceBase,
    country_of,
    load_places,
    normalize_name,
    normalize_word,
    prominence,
)
from rasid.serialize import load_yaml

LEXICON_PATH = DATA_DIR / "places_extra.yaml"
FOREIGN = "__foreign__"  # pseudo-id of names outside Syria: matched so they block, never reported


@dataclass(frozen=True, slots=True)
class GeoResult:
    place_id: str
    name: str  # the place's Arabic name in the knowledge base
    lat: float
    lon: float
    admin1: str
    admin2: str
    geo_precision: int
    container_id: str | None = None
    qualifier: str | None = None  # e.g. "western countryside", "outskirts", "eastern part"
    place_type: str = ""
    name_en: str = ""
    admin1_ar: str = ""
    admin2_ar: str = ""
    surface: str = ""  # the words naming the place (without cue words or the container)
    head: tuple[int, int] | None = None  # offsets of `surface` in the text given to resolve_phrase
    country: str = ""  # as ACLED spells it ("Yemen")
    iso: int = 0  # ISO 3166 numeric (ACLED's `iso`)
    country_code: str = ""  # ISO-3


# ---------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class _Lexicon:
    cues: dict[str, tuple[str, bool]]  # normalised cue word -> (cue type, is dual/plural)
    countryside: dict[str, bool]  # word -> is dual/plural
    vicinity: frozenset[str]
    directions: dict[str, str]  # word -> north/south/east/west
    linkers: frozenset[str]
    connectors: frozenset[str]
    locatives: frozenset[str]
    ambiguous: frozenset[str]
    locative: frozenset[str]  # ambiguous names that are places after في / ب as well
    needs_cue: frozenset[str]  # ambiguous names that are places only right after a cue word
    risky: frozenset[str]  # ambiguous | locative: never read off a split-off ب/ل/ك
    not_places: frozenset[str]
    foreign: frozenset[str]


# Dual/plural cue forms make the cue carry over a coordinated list ("محافظتي حلب وإدلب").
_PLURAL_SUFFIXES = ("ي", "ات", "تا")
_PLURAL_WORDS = frozenset({"احياء", "قري", "مدن", "مناطق", "محاور", "جبهات", "مزارع", "ارياف"})


def _is_plural(norm: str, singular_forms: set[str]) -> bool:
    if norm in _PLURAL_WORDS:
        return True
    return any(norm.endswith(s) and norm not in singular_forms for s in _PLURAL_SUFFIXES) and len(norm) > 3


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    try:
        raw: dict[str, Any] = load_yaml(LEXICON_PATH.read_text(encoding="utf-8"))["geocoder"]
        cue_lists: dict[str, list[str]] = raw["cues"]
        singular = {normalize_word(ws[0]) for ws in cue_lists.values()} | {"ريف", "بلده", "ناحيه"}
        cues = {}
        for cue_type, words in cue_lists.items():
            for w in words:
                n = normalize_word(w)
                cues[n] = (cue_type, _is_plural(n, singular))
        countryside = {normalize_word(w): normalize_word(w) != "ريف" for w in raw["countryside"]}
        directions = {normalize_word(w): d for d, ws in raw["directions"].items() for w in ws}
        return _Lexicon(
            cues=cues,
            countryside=countryside,
            vicinity=frozenset(normalize_word(w) for w in raw["vicinity"]),
            directions=directions,
            linkers=frozenset(normalize_word(w) for w in raw["linkers"]),
            connectors=frozenset(normalize_word(w) for w in raw.get("connectors", [])),
            locatives=frozenset(normalize_word(w) for w in raw.get("locatives", [])),
            ambiguous=frozenset(
                normalize_name(w) for w in [*raw["ambiguous"], *raw.get("ambiguous_world", [])]
            ),
            locative=frozenset(normalize_name(w) for w in raw.get("ambiguous_locative", [])),
            needs_cue=frozenset(normalize_name(w) for w in raw.get("needs_cue", [])),
            risky=frozenset(
                normalize_name(w)
                for key in ("ambiguous", "ambiguous_world", "ambiguous_locative")
                for w in raw.get(key, [])
            ),
            not_places=frozenset(normalize_name(w) for w in raw["not_places"]),
            foreign=frozenset(normalize_name(w) for w in raw.get("foreign", [])),
        )
    except (OSError, KeyError, TypeError, AttributeError, yaml.YAMLError) as exc:
        raise ValueError(f"{LEXICON_PATH.name}: bad geocoder lexicon ({exc})") from None


@dataclass(frozen=True)
class _Index:
    names: dict[str, list[str]]
    max_len: dict[str, int]  # first word -> longest name (in words) starting with it


@lru_cache(maxsize=1)
def _index() -> _Index:
    kb = load_places()
    lex = _lexicon()
    names = {k: v for k, v in kb.name_index().items() if k not in lex.not_places and len(k) > 1}
    for name in lex.foreign:
        names.setdefault(name, [FOREIGN])
    max_len: dict[str, int] = {}
    for key in names:
        words = key.split(" ")
        max_len[words[0]] = max(max_len.get(words[0], 0), len(words))
    return _Index(names=names, max_len=max_len)


# ---------------------------------------------------------------- tokens

_TOKEN = re.compile(r"[\w\u0640\u064b-\u065f\u0670]+")
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")
# What may separate the words of one place phrase; a sentence or clause break (. : ; ( \n ...) may not.
_SOFT_CHARS = " \t\u00a0،,\"'“”«»‘’-–"


class _WordInfo(NamedTuple):
    norm: str
    forms: tuple[tuple[str, str], ...]  # (form, stripped proclitics) — the bare word first
    # (form, clitics, longest name in words, risky) for each form that starts a known name
    names: tuple[tuple[str, str, int, bool], ...]
    # the forms (in order) that are a cue, countryside, vicinity, direction, linker or connector word
    modifiers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class _Tokens:
    """The words of a text: their offsets and infos."""

    starts: list[int]
    ends: list[int]
    words: list[_WordInfo]

    def start(self, i: int) -> int:
        return self.starts[i]

    def end(self, i: int) -> int:
        return self.ends[i]


@lru_cache(maxsize=5_000)  # only `_word`'s misses reach it: few repeat (issue 17)
def _forms(norm: str) -> tuple[tuple[str, str], ...]:
    out = [(norm, "")]
    bases = [(norm, "")]
    # "ف" starts many words (فاطمة): only split it off before the article.
    if len(norm) > 2 and (norm[0] == "و" or (norm[0] == "ف" and norm[1:3] == "ال")):
        bases.append((norm[1:], norm[0]))
        out.append((norm[1:], norm[0]))
    for base, pre in bases:
        if len(base) > 4 and base.startswith("لل"):
            out.append(("ال" + base[2:], pre + "ل"))
        elif len(base) > 3 and base[0] in "بلك":
            out.append((base[1:], pre + base[0]))
    return tuple(out)


@lru_cache(maxsize=1)
def _modifier_words() -> frozenset[str]:
    lex = _lexicon()
    return frozenset(
        itertools.chain(
            lex.cues,
            lex.countryside,
            lex.vicinity,
            lex.directions,
            lex.linkers,
            lex.connectors,
            lex.locatives,
        )
    )


@lru_cache(maxsize=50_000)  # bound: hit rate vs size on real text, see docs/RESULTS.md (issue 17)
def _word(surface: str) -> _WordInfo:
    """Norm, clitic forms, name starts and modifier forms of one surface word.

    Sentences repeat the same words: normalising, splitting clitics and looking each form up in
    the name index and the modifier lexicon happen once per surface form, so the scan skips the
    ~80% of words that can neither start a name nor modify one.
    """
    norm = normalize_word(surface)
    if not norm:
        return _NO_WORD
    forms = _forms(norm)
    max_len = _index().max_len
    modifiers = _modifier_words()
    names = tuple(
        # A split-off ب/ل/ك must leave the article or an unambiguous name ("لبنان" is not ل + بنان).
        (form, clitics, max_len[form], bool(clitics.strip("و")) and not form.startswith("ال"))
        for form, clitics in forms
        if max_len.get(form)
    )
    return _WordInfo(norm, forms, names, tuple(f for f in forms if f[0] in modifiers))


_NO_WORD = _WordInfo("", (), (), ())  # only tatweel/harakat: not a word


def _tokenize(text: str) -> _Tokens:
    # Splitting on the token pattern gives [gap, word, gap, word, ..., gap]: the words `finditer`
    # finds, without a match object each, and their offsets as running sums of the piece lengths.
    parts = _TOKEN_SPLIT.split(text)
    offsets = list(itertools.accumulate(map(len, parts)))
    starts, ends = offsets[0:-1:2], offsets[1::2]
    words = list(map(_word, parts[1::2]))
    if _NO_WORD in words:
        keep = [k for k, w in enumerate(words) if w.norm]
        starts = [starts[k] for k in keep]
        ends = [ends[k] for k in keep]
        words = [words[k] for k in keep]
    return _Tokens(starts, ends, words)


def _gap_ok(text: str, start: int, end: int, allow_comma: bool = True) -> bool:
    """True if only spaces/quotes (and commas) separate two tokens: no sentence or clause break."""
    if end - start > 12:
        return False
    gap = text[start:end]
    # Nothing is left after stripping the soft characters only if every character is one of them.
    return not gap.strip(_SOFT_CHARS) and (allow_comma or ("،" not in gap and "," not in gap))


# ---------------------------------------------------------------- atoms


@dataclass(slots=True)
class _Atom:
    tok_start: int  # first token of the place name
    tok_end: int  # one past the last token of the name (and trailing direction adjectives)
    phrase_start: int  # char offset of the first modifier (cue, ريف, direction ...) or the name
    head_start: int
    head_end: int
    end: int  # char offset of the end of the phrase
    key: str
    ids: list[str]
    clitics: str  # proclitics on the name's first word
    cue: str | None = None
    cue_plural: bool = False
    countryside: bool = False
    countryside_plural: bool = False
    vicinity: bool = False
    directions: list[str] = field(default_factory=list)
    pre_direction: bool = False
    linked: bool = False  # introduced by ب/ل/في/a direction: a container of the preceding phrase
    locative: bool = False  # introduced by في or ب
    coordinated: bool = False  # joined to the preceding atom by و or a comma
    mod_start_tok: int = 0


def _match_name(toks: _Tokens, i: int, idx: _Index, ambiguous: frozenset[str]) -> tuple[int, str, str] | None:
    """Longest name starting at token i: (length in tokens, key, clitics)."""
    best: tuple[int, str, str] | None = None
    words = toks.words
    for form, clitics, limit, risky in words[i].names:
        limit = min(limit, len(words) - i)
        for length in range(limit, 0, -1):
            if best is not None and length <= best[0]:
                break
            key = form if length == 1 else " ".join([form, *[w.norm for w in words[i + 1 : i + length]]])
            if key in idx.names and not (risky and key in ambiguous):
                best = (length, key, clitics)
                break
    return best


def _direction_label(dirs: list[str]) -> str:
    # "الشمالي الغربي" -> north-west; a single word -> its own direction.
    order = {"north": 0, "south": 1, "east": 2, "west": 3}
    return "-".join(sorted(dict.fromkeys(dirs), key=order.__getitem__))


_ADJ = {
    "north": "northern",
    "south": "southern",
    "east": "eastern",
    "west": "western",
    "north-east": "north-eastern",
    "north-west": "north-western",
    "south-east": "south-eastern",
    "south-west": "south-western",
}


def _scan(text: str, toks: _Tokens) -> list[_Atom]:
    lex = _lexicon()
    idx = _index()
    atoms: list[_Atom] = []
    # The current run of modifiers before a name (cue, ريف, directions, linker ...) and where it began.
    mods: dict[str, Any] = {}
    mod_start: int | None = None
    words, starts, ends = toks.words, toks.starts, toks.ends
    # A word that neither starts a name nor is a modifier only ends the current run of modifiers,
    # so the scan visits just the words that can (about a fifth of them) and resets in between.
    relevant = [k for k, w in enumerate(words) if w.names or w.modifiers]
    i = 0
    for k in relevant:
        if k < i:
            continue  # inside a name (or its trailing directions) matched before
        if k > i:
            mods.clear()
            mod_start = None
        i = k
        tok = words[i]
        if mod_start is not None and not _gap_ok(text, ends[i - 1], starts[i]):
            mods.clear()
            mod_start = None
        hit = _match_name(toks, i, idx, lex.risky) if tok.names else None
        if hit is not None:
            atom = _name_atom(text, toks, i, hit, mods, mod_start, lex, idx)
            atoms.append(atom)
            mods.clear()
            mod_start = None
            i = atom.tok_end
            continue
        # Not a name: is it a modifier?
        if _add_modifier(tok, i, mods, mod_start is not None, lex):
            if mod_start is None:
                mod_start = i
        else:
            mods.clear()
            mod_start = None
        i += 1
    return atoms


def _name_atom(
    text: str,
    toks: _Tokens,
    i: int,
    hit: tuple[int, str, str],
    mods: dict[str, Any],
    mod_start: int | None,
    lex: _Lexicon,
    idx: _Index,
) -> _Atom:
    """The atom of the name `hit` at token i, with the run of modifiers before it and the
    direction adjectives after it."""
    words, starts, ends = toks.words, toks.starts, toks.ends
    n = len(words)
    length, key, clitics = hit
    j = i + length
    dirs: list[str] = list(mods.get("pre_dirs", []))
    # Trailing direction adjectives with the article ("ريف حلب الغربي", "حلب الشرقية").
    while (
        j < n
        and words[j].norm.startswith("ال")
        and words[j].norm in lex.directions
        and _gap_ok(text, ends[j - 1], starts[j], allow_comma=False)
    ):
        dirs.append(lex.directions[words[j].norm])
        j += 1
    start_tok = mod_start if mod_start is not None else i
    # The phrase starts at its first cue word: a bare preposition ("في", "من") is not part of it.
    content_tok = mods.get("content_start", i)
    lead = clitics if start_tok == i else mods.get("lead_clitics", "")
    atom = _Atom(
        tok_start=i,
        tok_end=j,
        phrase_start=_skip_clitics(
            text,
            starts[content_tok],
            ends[content_tok],
            len(clitics if content_tok == i else mods.get("content_clitics", "")),
        ),
        head_start=starts[i],
        head_end=ends[i + length - 1],
        end=ends[j - 1],
        key=key,
        ids=idx.names[key],
        clitics=clitics,
        cue=mods.get("cue"),
        cue_plural=bool(mods.get("cue_plural")),
        countryside=bool(mods.get("countryside")),
        countryside_plural=bool(mods.get("countryside_plural")),
        vicinity=bool(mods.get("vicinity")),
        directions=dirs,
        pre_direction=bool(mods.get("pre_dirs")),
        # "وللسفيرة" after a place is coordination, not a container.
        linked=bool(mods.get("linker"))
        or bool(mods.get("pre_dirs"))
        or (not lead.startswith("و") and ("ب" in lead or "ل" in lead)),
        coordinated="و" in lead[:1] or "ف" in lead[:1],
        locative=bool(mods.get("linker") or mods.get("locative")) or "ب" in lead,
        mod_start_tok=start_tok,
    )
    if clitics:
        # head offsets must skip the proclitic letters as written (they may carry harakat).
        atom.head_start = _skip_clitics(text, starts[i], ends[i], len(clitics))
    return atom


def _add_modifier(tok: _WordInfo, i: int, mods: dict[str, Any], in_run: bool, lex: _Lexicon) -> bool:
    """Record the first modifier form of word i in `mods`; False if the word is no modifier here.

    `in_run` tells whether a run of modifiers is already open (a direction with the article or a
    connector only continues one; the first word of a run gives its leading clitics)."""
    for form, clitics in tok.modifiers:
        if form in lex.cues:
            mods["cue"], mods["cue_plural"] = lex.cues[form]
        elif form in lex.countryside:
            mods["countryside"] = True
            mods["countryside_plural"] = lex.countryside[form]
        elif form in lex.vicinity:
            mods["vicinity"] = True
        elif (form in lex.directions and not form.startswith("ال")) or (form in lex.directions and in_run):
            mods.setdefault("pre_dirs", []).append(lex.directions[form])
        elif form in lex.linkers and not clitics:
            mods["linker"] = True
        elif form in lex.connectors and not clitics and in_run:
            pass  # "بالقرب من": keeps the run of modifiers alive without linking
        elif form in lex.locatives and not clitics:
            mods["locative"] = True  # "إلى القريتين"
        else:
            continue
        if not in_run:
            mods["lead_clitics"] = clitics
        if "content_start" not in mods and not (
            form in lex.linkers or form in lex.connectors or form in lex.locatives
        ):
            mods["content_start"] = i
            mods["content_clitics"] = clitics
        return True
    return False


def _skip_clitics(text: str, start: int, end: int, count: int) -> int:
    """Char offset after `count` letters (harakat and tatweel belong to the letter before them)."""
    pos = start
    letters = 0
    while pos < end and letters < count:
        pos += 1
        while pos < end and (
            text[pos] in "\u0640" or "\u064b" <= text[pos] <= "\u065f" or text[pos] == "\u0670"
        ):
            pos += 1
        letters += 1
    return pos


# ---------------------------------------------------------------- resolution

_CUE_TYPES = {
    "neighbourhood": ("neighbourhood",),
    "village": ("village", "town"),
    "town": ("town", "village", "city", "subdistrict"),
    "city": ("city", "town"),
    "governorate": ("governorate",),
    "district": ("district", "subdistrict", "town", "city", "village"),
    "area": (),
}
_SETTLEMENTS = ("city", "town", "village")
_IN_TOWN = ("neighbourhood", "landmark", "airport", "base", "road")


def _within(kb: PlaceBase, place: Place, container: Place) -> bool:
    if container.type == "country":
        return True
    if any(c.id == container.id for c in kb.containers(place.id)):
        return True
    return (
        container.type in ("governorate", "district")
        and bool(place.admin1)
        and place.admin1 == container.admin1
    )


def _choose(
    kb: PlaceBase,
    ids: list[str],
    cue: str | None,
    containers: list[Place],
    hints: frozenset[str],
    want_area: bool = False,
) -> Place:
    """The place a name stands for, given its cue word, the containers it is linked to and hints."""
    # The same names come back with the same cue and containers in article after article.
    return _choose_cached(kb, tuple(ids), cue, tuple(c.id for c in containers), hints, want_area)


@lru_cache(maxsize=20_000)
def _choose_cached(
    kb: PlaceBase,
    ids: tuple[str, ...],
    cue: str | None,
    container_ids: tuple[str, ...],
    hints: frozenset[str],
    want_area: bool,
) -> Place:
    containers = [c for c in map(kb.get, container_ids) if c is not None]
    places = [kb.get(i) for i in ids]
    cands = [p for p in places if p is not None]
    allowed = _CUE_TYPES.get(cue or "", ())
    if allowed:
        typed = [p for p in cands if p.type in allowed]
        cands = typed or cands
    elif not want_area:
        # Without a cue, a district never wins over the town it is named after.
        cands = [p for p in cands if p.type != "district"] or cands

    countries = {p.country for p in cands}

    def score(p: Place) -> tuple[int, int, int, int, int, tuple[int, int]]:
        inside = any(_within(kb, p, c) for c in containers)
        hinted = p.id in hints or p.admin1 in hints or any(c.id in hints for c in kb.containers(p.id))
        area_first = 0 if (want_area and p.type == "governorate") else 1
        in_context = len(countries) > 1 and _CONTEXT + p.country in hints
        return (
            0 if inside else 1,
            0 if hinted else 1,
            0 if in_context else 1,
            _tier(p),
            area_first,
            prominence(p),
        )

    return min(cands, key=score)


_CONTEXT = "@"  # hints "@YEM": the article reports on Yemen


def _tier(place: Place) -> int:
    """Without context, a Syrian place, a foreign country, first-level area or large city (GeoNames
    population) before a foreign town: Syrian outlets name Syrian villages without their country."""
    big = place.type in ("country", "governorate") or place.population >= 100_000
    return 0 if place.country == HOME_COUNTRY or big else 1


@lru_cache(maxsize=64)
def _country_fields(iso3: str) -> tuple[str, int]:
    country = country_of(iso3)
    return (country.name_en, country.iso) if country else ("", 0)


def _result(
    place: Place,
    text: str,
    atom: _Atom,
    precision: int,
    container: Place | None,
    qualifier: str | None,
) -> GeoResult:
    return GeoResult(
        place_id=place.id,
        name=place.name_ar,
        lat=place.lat,
        lon=place.lon,
        admin1=place.admin1,
        admin2=place.admin2,
        geo_precision=precision,
        container_id=container.id if container else None,
        qualifier=qualifier,
        place_type=place.type,
        name_en=place.name_en,
        admin1_ar=place.admin1_ar,
        admin2_ar=place.admin2_ar,
        surface=text[atom.head_start : atom.head_end],
        head=(atom.head_start, atom.head_end),
        country=_country_fields(place.country)[0],
        iso=_country_fields(place.country)[1],
        country_code=place.country,
    )


def _resolve_atom(
    kb: PlaceBase,
    text: str,
    atom: _Atom,
    containers: list[Place],
    hints: frozenset[str],
) -> GeoResult:
    """Turn one place phrase (with its container, if any) into a GeoResult."""
    direction = _direction_label(atom.directions) if atom.directions else None
    adj = _ADJ.get(direction or "", direction)
    if atom.countryside:
        place = _choose(kb, atom.ids, None, containers, hints, want_area=True)
        if place.type in _SETTLEMENTS:
            gov = kb.governorate_of(place.id)
            # "ريف حلب" names the governorate's countryside when the city is the governorate capital.
            if gov is not None and normalize_name(gov.name_ar) == atom.key:
                place = gov
        rural = f"{adj} countryside" if adj else "countryside"
        if place.type == "governorate":
            return _result(place, text, atom, 3, place, rural)
        return _result(place, text, atom, max(2, place.geo_precision), place, rural)

    place = _choose(kb, atom.ids, atom.cue, containers, hints)
    precision = place.geo_precision
    qualifier: str | None = None
    if containers and not any(_within(kb, place, c) for c in containers):
        city = next((c for c in containers if c.type in _SETTLEMENTS), None)
        if city is not None and place.type in _IN_TOWN:
            # "حي القصور في دير الزور": a part of that city whose own name the gazetteer lacks.
            return _result(city, text, atom, 2, None, "neighbourhood")
        if all(c.country != place.country for c in containers):
            # "الحويجة بريف حماة" is a Syrian village the gazetteer lacks, not Hawija in Iraq: the
            # place it is said to be in, near it.
            area = containers[0]
            return _result(area, text, atom, max(2, area.geo_precision), None, "near")
    if atom.cue == "district" and place.type not in ("governorate", "country"):
        precision = 2  # "مديرية X" / "قضاء X": coded at X's main town, as the coding guide says
    if atom.vicinity:
        precision = max(precision, 2)
        qualifier = f"{adj} outskirts" if adj else "outskirts"
    elif adj:
        # "حلب الشرقية" = a part of the city; "غربي محافظة حلب" = the west of the governorate.
        precision = max(precision, 2)
        qualifier = f"{adj} part"
    # With "بريفي حلب وإدلب" the container is the one the place lies in.
    container = next((c for c in containers if _within(kb, place, c)), containers[0] if containers else None)
    if container is not None and container.type in _SETTLEMENTS and not _within(kb, place, container):
        # "البوكمال في دير الزور": the city name stands for its governorate.
        gov = kb.governorate_of(container.id)
        if gov is not None and gov.admin1 == place.admin1:
            container = gov
    if container is None and place.type in _IN_TOWN and place.parent:
        parent = kb.get(place.parent)
        if parent is not None and parent.type in (*_SETTLEMENTS, "neighbourhood"):
            container = parent
    if container is not None and container.type == "country" and place.type == "country":
        container = None
    return _result(place, text, atom, precision, container, qualifier)


def _container_places(kb: PlaceBase, atoms: list[_Atom], hints: frozenset[str]) -> list[Place]:
    out = []
    for a in atoms:
        if a.countryside:
            place = _choose(kb, a.ids, None, [], hints, want_area=True)
            gov = kb.governorate_of(place.id)
            if gov is not None and normalize_name(gov.name_ar) == a.key:
                place = gov
        else:
            place = _choose(kb, a.ids, a.cue, [], hints)
        out.append(place)
    return out


def _prepare(text: str) -> tuple[_Tokens, list[_Atom]]:
    toks = _tokenize(text)
    return toks, [a for a in _scan(text, toks) if a.ids != [FOREIGN]]


@lru_cache(maxsize=20_000)
def _key_country(key: str, ambiguous: bool) -> tuple[str, int] | None:
    """The one country a name's places lie in and its weight as evidence, or None if several."""
    kb = load_places()
    places = [p for p in map(kb.get, _index().names.get(key, ())) if p is not None]
    countries = {p.country for p in places}
    if len(countries) != 1 or (ambiguous and not any(p.type == "country" for p in places)):
        return None
    # A country named outright ("اليمن") weighs more than one of its towns.
    return next(iter(countries)), 3 if any(p.type in ("country", "governorate") for p in places) else 1


@lru_cache(maxsize=20_000)
def _shared(key: str) -> bool:
    """True if places of several countries bear this name (only then does context matter)."""
    kb = load_places()
    return len({p.country for p in map(kb.get, _index().names.get(key, ())) if p is not None}) > 1


def _votes(atoms: list[_Atom], lex: _Lexicon, evidence: dict[str, set[str]] | None = None) -> Counter[str]:
    """Countries the unambiguous places of a text lie in, weighted; `evidence` collects their names."""
    votes: Counter[str] = Counter()
    for a in atoms:
        found = _key_country(a.key, a.key in lex.risky)
        if found is not None:
            votes[found[0]] += found[1]
            if evidence is not None:
                evidence.setdefault(found[0], set()).add(a.key)
    return votes


@lru_cache(maxsize=20_000)
def _own_keys(place_id: str) -> frozenset[str]:
    place = load_places().get(place_id)
    return frozenset(normalize_name(n) for n in place.names) if place else frozenset()


def _stray(res: GeoResult, evidence: dict[str, set[str]]) -> bool:
    """A small place of a country nothing else in the article is in, while the article is about
    another country: a namesake of a local village missing from the gazetteer, not that place
    ("الحويجة" in a report on Hama is not Hawija in Kirkuk)."""
    kb = load_places()
    place = kb.get(res.place_id)
    if place is None or place.type in ("country", "governorate", "district") or place.population >= 100_000:
        return False
    if evidence.get(place.country, set()) - _own_keys(place.id):
        return False
    others = [len(keys) for c, keys in evidence.items() if c != place.country]
    # A Syrian village gives way only to an article plainly about one other country.
    return bool(others) and (place.country != HOME_COUNTRY or max(others) >= 3)


def _context_hints(votes: Counter[str]) -> frozenset[str]:
    """The countries a text reports on: the most voted and any with at least half its votes."""
    if not votes:
        return frozenset()
    top = max(votes.values())
    return frozenset(_CONTEXT + c for c, v in votes.items() if 2 * v >= top)


def _resolve(
    text: str,
    hints: frozenset[str],
    accept_all: bool,
    prepared: tuple[_Tokens, list[_Atom]] | None = None,
    evidence: dict[str, set[str]] | None = None,
) -> list[tuple[int, int, GeoResult]]:
    kb = load_places()
    lex = _lexicon()
    toks, atoms = prepared or _prepare(text)
    if not atoms:
        return []
    if evidence is None and not accept_all:  # the text is its own context
        evidence = {}
        hints = hints | _context_hints(_votes(atoms, lex, evidence))

    # Coordination: "قريتي الطلحية وأبو قنصة", "حيي المشهد، الزبدية" — adjacent atoms joined by و or a comma.
    for prev, cur in itertools.pairwise(atoms):
        adjacent = cur.mod_start_tok == prev.tok_end and _gap_ok(
            text, prev.end, toks.start(cur.mod_start_tok)
        )
        comma = (
            "،" in text[prev.end : toks.start(cur.mod_start_tok)]
            or "," in text[prev.end : toks.start(cur.mod_start_tok)]
        )
        cur.coordinated = adjacent and (cur.coordinated or comma) and not cur.linked
        if cur.coordinated and cur.cue is None and not cur.countryside:
            if prev.cue_plural:
                cur.cue, cur.cue_plural = prev.cue, True
            if prev.countryside_plural:
                cur.countryside, cur.countryside_plural = True, True
                cur.directions = cur.directions or prev.directions
        # Linking: "حي الخالدية بحلب", "البوابية بريف حلب الجنوبي", "الأتارب غربي محافظة حلب".
        if not (cur.linked and adjacent):
            cur.linked = False
    for atom in atoms:
        # "في جبهتي بلة والعند": a name joined by و to a word or two after في/ب (an unknown place, a
        # list noun) is in the same place phrase, so after the locative as well.
        if atom.clitics.startswith("و") and not atom.locative and _LOCATIVE_LIST.search(text, 0, atom.phrase_start):
            atom.locative = True

    # Group atoms: a chain of coordinated atoms followed by a linked container chain.
    groups: list[tuple[list[_Atom], list[_Atom]]] = []
    k = 0
    while k < len(atoms):
        chain = [atoms[k]]
        k += 1
        while k < len(atoms) and atoms[k].coordinated:
            chain.append(atoms[k])
            k += 1
        cont: list[_Atom] = []
        if k < len(atoms) and atoms[k].linked:
            cont.append(atoms[k])
            k += 1
            # ("مديرية حيس بمحافظة الحديدة ومديرية ميدي": a district after a governorate starts a new
            # place, it is no second container)
            while k < len(atoms) and atoms[k].coordinated and not _finer(atoms[k], cont[0]):
                cont.append(atoms[k])
                k += 1
        groups.append((chain, cont))

    results: list[tuple[int, int, GeoResult]] = []
    for chain, cont in groups:
        containers = _container_places(kb, cont, hints) if cont else []
        cont_ok = bool(cont) and any(_acceptable(a, lex, accept_all, True) for a in cont)
        if cont and not cont_ok:
            # The would-be container is an ambiguous word on its own: keep the chain alone.
            containers = []
        if containers and all(_choose(kb, a.ids, a.cue, [], hints).type == "country" for a in chain):
            # "على الحدود السعودية في قطاع الطوال": a country lies in nothing; the place after في is its own.
            containers = []
        any_sure = any(_acceptable(a, lex, accept_all, bool(containers)) for a in chain)
        for pos, atom in enumerate(chain):
            ok = _acceptable(atom, lex, accept_all, bool(containers)) or (any_sure and len(chain) > 1)
            if not ok:
                continue
            res = _resolve_atom(kb, text, atom, containers, hints)
            end = cont[-1].end if (containers and pos == len(chain) - 1) else atom.end
            results.append((atom.phrase_start, end, res))
        if cont and not containers:
            for atom in cont:
                if _acceptable(atom, lex, accept_all, False):
                    res = _resolve_atom(kb, text, atom, [], hints)
                    results.append((atom.phrase_start, atom.end, res))
    if evidence and len(evidence) > 1:  # only a text naming two countries can have a stray place
        results = [r for r in results if not _stray(r[2], evidence)]
    return results


# Cue kinds, from the largest area to the smallest.
_CUE_RANK = {"governorate": 0, "district": 1, "city": 2, "area": 3, "town": 3, "village": 4, "neighbourhood": 5}


def _finer(atom: _Atom, container: _Atom) -> bool:
    """A place whose cue names a smaller kind than the container's cue ("ومديرية ميدي" after "بمحافظة
    الحديدة"): a place of its own, not another container."""
    if atom.cue is None or container.cue is None:
        return False
    return _CUE_RANK.get(atom.cue, 9) > _CUE_RANK.get(container.cue, 9)


_LOCATIVE_LIST = re.compile(r"(?:^|\s)(?:في|ب|الى|إلى)\s+(?:[^\s،,.؛:]+\s+){1,2}و?$")


def _acceptable(atom: _Atom, lex: _Lexicon, accept_all: bool, has_container: bool) -> bool:
    if accept_all:
        return True
    if atom.key in lex.needs_cue:
        return bool(atom.cue)
    if atom.key in lex.locative:
        if atom.locative:
            return True
    elif atom.key not in lex.ambiguous:
        return True
    return bool(atom.cue or atom.countryside or atom.vicinity or atom.pre_direction or has_container)


# ---------------------------------------------------------------- public API


def resolve_phrase(text: str) -> list[tuple[int, int, GeoResult]]:
    """Find place phrases in `text`: (start, end, GeoResult) with character offsets, in text order.

    One result per place: a container phrase ("بريف حلب الجنوبي") is folded into the place it
    locates and reported as `container_id`; the span then covers the whole nested phrase.
    """
    return _resolve(text, frozenset(), accept_all=False)


def resolve_sentences(texts: Sequence[str]) -> list[list[tuple[int, int, GeoResult]]]:
    """`resolve_phrase` for each sentence of one article, names shared by several countries read in
    the countries the article's other places (and the sentence's own, first) lie in."""
    lex = _lexicon()
    prepared = [_prepare(t) for t in texts]
    evidence: dict[str, set[str]] = {}
    own = [_votes(atoms, lex, evidence) for _, atoms in prepared]
    article: Counter[str] = Counter()
    for votes in own:
        article.update(votes)
    hints = [frozenset[str]()] * len(texts)
    for k, (_, atoms) in enumerate(prepared):
        if any(_shared(a.key) for a in atoms):  # the sentence's own places first, then the article's
            hints[k] = _context_hints(Counter({c: 3 * v for c, v in own[k].items()}) + article)
    return [
        _resolve(t, h, accept_all=False, prepared=p, evidence=evidence)
        for t, p, h in zip(texts, prepared, hints, strict=True)
    ]


# Pure (the knowledge base is loaded once) and called for every place name the tagger finds, and
# the same names ("حلب", "ريف إدلب الجنوبي") come back in article after article: memoised, bounded.
@lru_cache(maxsize=20_000)
def geocode(surface: str, context: str = "", container_hint: str | None = None) -> GeoResult | None:
    """Geocode one place mention, e.g. "حي الخالدية بحلب" or "ريف إدلب الجنوبي".

    `context` (surrounding text) and `container_hint` (a place id) break ties between places
    sharing a name: "الخالدية" with a hint of Homs is the Homs neighbourhood.
    """
    kb = load_places()
    hints: set[str] = set()
    if container_hint:
        hint = kb.get(container_hint)
        if hint is not None:
            hints.add(hint.id)
            if hint.admin1:
                hints.add(hint.admin1)
    if context:
        for _, _, r in _resolve(context, frozenset(), accept_all=False):
            hints.add(r.place_id)
            hints.add(_CONTEXT + r.country_code)  # the countries the context is about
            if r.admin1:
                hints.add(r.admin1)
    found = _resolve(surface, frozenset(hints), accept_all=True)
    if found:
        # The phrase covering most of the surface is the mention; others are stray words.
        _start, _end, best = max(found, key=lambda f: (f[1] - f[0], -f[0]))
        place = kb.get(best.place_id)
        if (
            not hints
            and place is not None
            and _tier(place)
            and normalize_name(best.surface) in _lexicon().risky
        ):
            # A foreign village whose name is also a common word or a person's ("كنعان"), with nothing
            # to say the text is about its country: running text did not take it, neither do we.
            return None
        return replace(best, head=None)
    places = kb.lookup(surface)
    if not places:
        return None
    place = min(places, key=lambda p: (0 if (p.id in hints or p.admin1 in hints) else 1, prominence(p)))
    return GeoResult(
        place_id=place.id,
        name=place.name_ar,
        lat=place.lat,
        lon=place.lon,
        admin1=place.admin1,
        admin2=place.admin2,
        geo_precision=place.geo_precision,
        place_type=place.type,
        name_en=place.name_en,
        admin1_ar=place.admin1_ar,
        admin2_ar=place.admin2_ar,
        surface=surface,
        country=_country_fields(place.country)[0],
        iso=_country_fields(place.country)[1],
        country_code=place.country,
    )
