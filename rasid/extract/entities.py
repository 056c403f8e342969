"""Entity recognition and linking: persons, actors, places, outlets, times and numbers.

Knowledge-base matches (longest match over clitic-stripped, normalised tokens) come first
because they are linked; the CRF tagger trained on ANERcorp adds what the knowledge base
does not know (new persons, unknown places and organisations). Titles ("النقيب",
"الناطق باسم X", "وزير الخارجية الإيراني") introduce persons and link them to the actor
they speak for. Overlaps are resolved in favour of longer, linked spans.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rasid.document import Document, Mention, Token
from rasid.text.normalize import normalize_word

_QUOTES_OPEN = "\"“«(‘'"
_QUOTES_CLOSE = "\"”»)’'"
_PRIORITY = {"outlet": 5, "place": 4, "actor": 4, "person": 3, "time": 2, "number": 1}
_SLUG_RE = re.compile(r"\s+")
_QUOTED_RE = re.compile(r"[“\"«]([^“”\"«»\n]{5,160})[”\"»]")
# Words that end a person name or can never be part of one.
_NAME_BREAKERS = frozenset(
    normalize_word(w)
    for w in (
        "في", "من", "على", "إلى", "عن", "أن", "إن", "الذي", "التي", "قال", "أكد", "أن", "بأن", "مع", "و",
        "وهو", "هو", "خلال", "بعد", "قبل", "حسب", "بحسب", "الملقب", "القيادي", "إنه", "انه",
    )
)


@dataclass
class _Candidate:
    start: int
    end: int
    type: str
    kb_id: str | None
    confidence: float
    attrs: dict[str, Any] = field(default_factory=dict)
    linked: bool = True

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class _PhraseIndex:
    """Multi-word keys (space-joined normalised words) -> values, with every word-prefix of a key."""

    entries: dict[str, Any]
    heads: frozenset[str]  # first words of keys
    prefixes: frozenset[str]  # "w1", "w1 w2", ... of every key (the keys themselves included)

    @classmethod
    def build(cls, entries: dict[str, Any]) -> _PhraseIndex:
        heads: set[str] = set()
        prefixes: set[str] = set()
        for k in entries:
            parts = k.split(" ")
            heads.add(parts[0])
            prefixes.update(" ".join(parts[:j]) for j in range(1, len(parts) + 1))
        return cls(entries, frozenset(heads), frozenset(prefixes))


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    from importlib import resources

    raw = resources.files("rasid.knowledge").joinpath("data/given_names.txt").read_text("utf-8")
    return frozenset(normalize_word(w.strip()) for w in raw.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def _title_nationalities() -> tuple[dict[str, Any], ...]:
    """The `nationalities` entries of titles.yaml, read once."""
    from importlib import resources

    from rasid.serialize import load_yaml

    text = resources.files("rasid.knowledge").joinpath("data/titles.yaml").read_text("utf-8")
    raw = load_yaml(text)
    return tuple(raw.get("nationalities", []))


@lru_cache(maxsize=1)
def _nationality_forms() -> frozenset[str]:
    """Nationality adjectives (الإيراني، روسي…), article-less: never a person's name on their own."""
    forms: set[str] = set()
    for nat in _title_nationalities():
        for key in ("masc", "fem"):
            word = normalize_word(str(nat[key]))
            forms.add(word[2:] if word.startswith("ال") else word)
    return frozenset(forms)


@lru_cache(maxsize=1)
def _state_ids() -> frozenset[str]:
    """Government actor ids of the countries in titles.yaml: "إيران" alone is a state."""
    return frozenset(str(nat["government"]) for nat in _title_nationalities() if nat.get("government"))


def _span_start(token: Token) -> int:
    """Where an entity starting at `token` begins: the article stays, و/ب/ل/ف do not."""
    for clitic in token.clitics:
        if clitic.form == "ال":
            return clitic.start
    return token.base_start


def _place_start(text: str, words: Sequence[Token], starts: Sequence[int], start: int, end: int) -> int:
    """A tagged place "وإدلب" / "بإدلب" starts after its proclitics, unless they belong to the name ("بنش")."""
    from rasid.knowledge.geocode import geocode
    from rasid.knowledge.places import load_places

    k = bisect.bisect_left(starts, start)
    if k == len(words) or words[k].start != start:
        return start
    trimmed = _span_start(words[k])
    if trimmed == start or trimmed >= end:
        return start
    kb = load_places()
    if kb.lookup(text[start:end]) or geocode(text[trimmed:end]) is None:
        return start
    return trimmed


def person_id(name: str) -> str:
    """A stable id for a person not in the knowledge base: the normalised name as a slug."""
    return "person:" + _SLUG_RE.sub("-", " ".join(normalize_word(w) for w in name.split()).strip())


@lru_cache(maxsize=1)
def _actor_resources() -> tuple[Any, _PhraseIndex]:
    from rasid.knowledge.actors import load_actors

    actors = load_actors()
    return actors, _PhraseIndex.build(actors.alias_index())


@lru_cache(maxsize=1)
def _title_resources() -> _PhraseIndex:
    from rasid.knowledge.actors import title_index

    return _PhraseIndex.build(title_index())


@lru_cache(maxsize=1)
def _outlet_resources() -> tuple[Any, _PhraseIndex]:
    from rasid.knowledge.actors import load_outlets

    outlets = load_outlets()
    index: dict[str, str] = {}
    for outlet in outlets.all():
        for name in outlet.names:
            key = " ".join(_key_words(name))
            if key:
                index[key] = outlet.id
    return outlets, _PhraseIndex.build(index)


def _key_words(text: str) -> list[str]:
    from rasid.text.tokens import tokenize

    return [t.norm for t in tokenize(text) if t.is_word]


def actor_attrs(actor: Any) -> dict[str, Any]:
    """The attributes an actor mention carries (the event stage reads side, inter and names from them)."""
    return {
        "side": actor.side,
        "parent": actor.parent,
        "inter": actor.inter,
        "name_en": actor.name_en,
        "acled_name": actor.acled_name,
        "actor_type": actor.type,
        "generic": actor.generic,
    }


@lru_cache(maxsize=5_000)  # few repeats get past `_TITLE_STARTS` and `_with_article` (issue 17)
def _title_form(surface: str, drop_first: bool) -> str:
    word = normalize_word(surface).strip(_QUOTES_OPEN + _QUOTES_CLOSE)
    return word[1:] if drop_first and len(word) > 1 else word


def _with_article(token: Token) -> str:
    """The token as titles are written: whole word folded, only a leading و/ف dropped ("والمتحدث")."""
    return _title_form(token.text, bool(token.clitics) and token.clitics[0].form in ("و", "ف"))


@lru_cache(maxsize=1_000)  # only `_TITLE_STARTS`'s misses reach it (issue 17)
def _may_start_title(surface: str) -> bool:
    """Whether a word written `surface` can start a title, with or without a leading و/ف dropped.

    Decided from the text alone so that most words of an article are ruled out by one cached
    lookup, without reading their clitics.
    """
    heads = _title_resources().heads
    return _title_form(surface, False) in heads or _title_form(surface, True) in heads


# surface -> `_may_start_title`: read for every word of every article, so looked up in bulk (bounded).
_TITLE_STARTS: dict[str, bool] = {}


def _title_starts(surfaces: Sequence[str]) -> list[int]:
    """Positions of the words that may start a title (`_may_start_title`)."""
    memo = _TITLE_STARTS
    flags = list(map(memo.get, surfaces))
    if None in flags:
        if len(memo) > 100_000:  # bound: hit rate vs size on real text (issue 17)
            memo.clear()
        for k, surface in enumerate(surfaces):
            if flags[k] is None:
                flags[k] = memo[surface] = _may_start_title(surface)
    return [k for k, flag in enumerate(flags) if flag]


def _geo_attrs(geo: Any) -> dict[str, Any]:
    return {
        "name": geo.name,
        "name_en": getattr(geo, "name_en", None),
        "lat": geo.lat,
        "lon": geo.lon,
        "admin1": geo.admin1,
        "admin2": geo.admin2,
        "geo_precision": geo.geo_precision,
        "container_id": geo.container_id,
        "qualifier": geo.qualifier,
        "place_type": getattr(geo, "place_type", None),
        "country": getattr(geo, "country", None) or None,
        "iso": getattr(geo, "iso", None) or None,
    }


def _link_coreferent_persons(chosen: list[_Candidate]) -> None:
    """A later short mention ("عبدالرزاق") of a person named in full earlier takes that person's id."""
    full = [c for c in chosen if c.type == "person" and c.kb_id and c.kb_id.count("-") >= 1]
    for c in chosen:
        if c.type != "person" or not c.kb_id or c.kb_id.count("-") >= 1:
            continue
        word = c.kb_id.removeprefix("person:")
        for f in full:
            parts = f.kb_id.removeprefix("person:").split("-") if f.kb_id else []
            if word in parts[1:] or (word == parts[0] and len(word) > 3):
                c.kb_id = f.kb_id
                c.attrs = {**f.attrs, "coreference": True}
                break


def _sentence_start(doc: Document, index: int) -> int:
    for sentence in doc.sentences:
        if sentence.index == index:
            return sentence.start
    return 0


def _is_nisba(token: Token) -> bool:
    return any(c.form == "ال" for c in token.clitics) and token.norm.endswith(("ي", "يه", "يين", "يون"))


class EntityStage:
    """Fills `doc.mentions` with linked entity, time and number mentions."""

    name = "entities"
    requires = ("text", "published", "sentences", "tokens")
    assigns = ("mentions",)

    def __init__(self, *, use_crf: bool = True):
        self.use_crf = use_crf

    def __call__(self, doc: Document) -> Document:
        return self._annotate(doc, self._crf(doc) if self.use_crf else [])

    def call_batch(self, docs: Sequence[Document]) -> list[Document | Exception]:
        """`self(doc)` for each document (or the exception it raised); the CRF tags them together."""
        spans: list[list[tuple[int, int, str, float]] | Exception] = []
        if not self.use_crf:
            spans = [[] for _ in docs]
        else:
            from rasid.extract.ner_crf import load_tagger

            try:
                spans = list(load_tagger().tag_documents(docs))
            except Exception:
                # Find the document that fails by tagging each alone; the others keep their spans.
                for doc in docs:
                    try:
                        spans.append(self._crf(doc))
                    except Exception as exc:
                        spans.append(exc)
        out: list[Document | Exception] = []
        for doc, found in zip(docs, spans, strict=True):
            if isinstance(found, Exception):
                out.append(found)
                continue
            try:
                out.append(self._annotate(doc, found))
            except Exception as exc:  # one document's failure must not stop the others
                out.append(exc)
        return out

    def _annotate(self, doc: Document, crf_spans: Sequence[tuple[int, int, str, float]]) -> Document:
        words = [t for t in doc.tokens if t.is_word]
        norms = [t.norm for t in words]
        candidates: list[_Candidate] = []
        candidates += self._outlets(doc, words, norms)
        candidates += self._places(doc)
        candidates += self._actors(doc, words, norms)
        candidates += self._titled_persons(doc, words, candidates, crf_spans)
        candidates += self._quoted_name_lists(doc, words, candidates)
        # The tagger adds what the knowledge base missed; on a span both found, the knowledge-base
        # reading (resolved in its phrase: "ريفي حلب وإدلب" is two governorates) stands.
        known = {(c.start, c.end, c.type) for c in candidates}
        candidates += [
            c for c in self._crf_candidates(doc, words, crf_spans) if (c.start, c.end, c.type) not in known
        ]
        chosen = _resolve_overlaps(candidates)
        _link_coreferent_persons(chosen)
        mentions = [
            Mention(c.start, c.end, doc.text[c.start : c.end], c.type, c.kb_id, round(c.confidence, 3), c.attrs)
            for c in chosen
        ]
        mentions += self._times_and_numbers(doc)
        mentions.sort(key=lambda m: (m.start, -m.end))
        return doc.evolve(mentions=tuple(mentions))

    # -- knowledge-base matches ---------------------------------------------------
    def _ngram_matches(
        self,
        words: Sequence[Token],
        index: _PhraseIndex,
        form: Callable[[int], str],
        candidates: Iterable[int],
    ) -> list[tuple[int, int, Any]]:
        """Longest matches of token n-grams (within a sentence) in `index`: (first, last, value).

        `form(k)` is word k as the index keys it; `candidates` are, in order, the words that may
        start a key (a superset is fine). An n-gram grows word by word while it is the beginning
        of some key, and the longest key it passed through wins; a match skips the words it covers.
        """
        heads, entries, prefixes = index.heads, index.entries, index.prefixes
        out: list[tuple[int, int, Any]] = []
        n = len(words)
        free = 0  # first word not inside an earlier match
        for i in candidates:
            if i < free:
                continue
            key = form(i)
            if key not in heads:
                continue
            sentence = words[i].sentence
            found: tuple[int, int, Any] | None = None
            value = entries.get(key)
            if value is not None:
                found = (i, i, value)
            for last in range(i + 1, n):
                key = f"{key} {form(last)}"
                if key not in prefixes:
                    break
                # A key must end in the sentence it starts in.
                if words[last].sentence == sentence:
                    value = entries.get(key)
                    if value is not None:
                        found = (i, last, value)
            if found is not None:
                out.append(found)
                free = found[1] + 1
        return out

    def _outlets(self, doc: Document, words: Sequence[Token], norms: Sequence[str]) -> list[_Candidate]:
        outlets, index = _outlet_resources()
        out = []
        heads = index.heads
        starts = [k for k, norm in enumerate(norms) if norm in heads]
        for first, last, outlet_id in self._ngram_matches(words, index, norms.__getitem__, starts):
            outlet = outlets.get(outlet_id)
            out.append(
                _Candidate(
                    _span_start(words[first]),
                    words[last].end,
                    "outlet",
                    outlet.id,
                    0.95,
                    {"name_en": outlet.name_en, "actor_id": outlet.actor, "name_ar": outlet.name_ar},
                )
            )
        return out

    def _actors(self, doc: Document, words: Sequence[Token], norms: Sequence[str]) -> list[_Candidate]:
        actors, index = _actor_resources()
        out = []
        # An article names the same actors again and again ("قوات النظام"): look each surface up once.
        looked_up: dict[str, list[Any]] = {}
        heads = index.heads
        starts = [k for k, norm in enumerate(norms) if norm in heads]
        for first, last, ids in self._ngram_matches(words, index, norms.__getitem__, starts):
            surface = doc.text[_span_start(words[first]) : words[last].end]
            if surface not in looked_up:
                looked_up[surface] = actors.lookup(surface, at=doc.published)
            ranked = looked_up[surface] or [actors.get(i) for i in ids]
            actor = ranked[0]
            confidence = 0.9 if len(ranked) == 1 else 0.7
            attrs = actor_attrs(actor)
            if len(ranked) > 1:
                attrs["alternatives"] = [a.id for a in ranked[1:4]]
            out.append(_Candidate(_span_start(words[first]), words[last].end, "actor", actor.id, confidence, attrs))
            if last > first:
                out += self._coordinated_kin(doc, words, first, last, actor.id, looked_up)
        return out

    def _coordinated_kin(
        self, doc: Document, words: Sequence[Token], first: int, last: int, actor_id: str, looked_up: dict[str, list[Any]]
    ) -> list[_Candidate]:
        """"ميليشيات روسيا وإيران", "الميليشيات الإيرانية والروسية": the noun carries over a و-joined
        country or nationality, so the second word names militias too, not the Iranian state."""
        actors, _ = _actor_resources()
        head = doc.text[_span_start(words[first]) : words[last].start]
        out: list[_Candidate] = []
        k = last + 1
        while (
            k < len(words)
            and words[k].sentence == words[last].sentence
            and any(c.form == "و" for c in words[k].clitics[:1])
            and not doc.text[words[k - 1].end : words[k].start].strip()
        ):
            base = doc.text[_span_start(words[k]) : words[k].end]
            bare = normalize_word(base).removeprefix("ال")
            country = actors.lookup(base, at=doc.published)
            if bare not in _nationality_forms() and not (country and country[0].id in _state_ids()):
                break
            surface = head + base
            if surface not in looked_up:
                looked_up[surface] = actors.lookup(surface, at=doc.published)
            ranked = looked_up[surface]
            if not ranked or ranked[0].id == actor_id:
                break
            out.append(_Candidate(_span_start(words[k]), words[k].end, "actor", ranked[0].id, 0.95, actor_attrs(ranked[0])))
            k += 1
        return out

    def _places(self, doc: Document) -> list[_Candidate]:
        from rasid.knowledge.geocode import resolve_sentences

        out = []
        # One call per article: a name shared by two countries is read in the article's countries.
        found = resolve_sentences([doc.text[s.start : s.end] for s in doc.sentences])
        for sentence, places in zip(doc.sentences, found, strict=True):
            for start, end, geo in places:
                out.append(
                    _Candidate(
                        sentence.start + start,
                        sentence.start + end,
                        "place",
                        geo.place_id,
                        0.85,
                        _geo_attrs(geo),
                    )
                )
        return out

    # -- persons ------------------------------------------------------------------
    def _titled_persons(
        self,
        doc: Document,
        words: Sequence[Token],
        found: Sequence[_Candidate],
        crf_spans: Sequence[tuple[int, int, str, float]],
    ) -> list[_Candidate]:
        titles = _title_resources()
        actors, _ = _actor_resources()
        actor_spans = sorted((c for c in found if c.type == "actor"), key=lambda c: c.start)
        taken = [(c.start, c.end) for c in found if c.type in ("actor", "place", "outlet")]
        out: list[_Candidate] = []
        pending: tuple[int, int, str] | None = None
        starts = _title_starts([w.text for w in words])
        matches = self._ngram_matches(words, titles, lambda k: _with_article(words[k]), starts)
        for first, last, title in matches:
            cursor = last + 1
            affiliation: str | None = title.actor
            # "الناطق باسم X" / "قائد ميليشيا X": an actor right after the title is the affiliation.
            if cursor < len(words):
                following = next((a for a in actor_spans if a.start <= words[cursor].start < a.end), None)
                if following is not None:
                    if title.affiliation in ("following", "nationality") or affiliation is None:
                        affiliation = following.kb_id
                    while cursor < len(words) and words[cursor].start < following.end:
                        cursor += 1
                    # A nisba adjective may follow the actor ("الحرس الثوري الإيراني").
                    if cursor < len(words) and _is_nisba(words[cursor]):
                        cursor += 1
            role = doc.text[words[first].base_start : words[last].end]
            coordinated = any(c.form in ("و", "ف") for c in words[first].clitics)
            # A title with no name whose actor is named ("رئيس فرع الأمن العسكري في حماة العميد (…)")
            # hands its affiliation to the next title in the same sentence.
            if pending is not None and pending[0] == words[first].sentence and first - pending[1] <= 5:
                if affiliation is None and not coordinated:
                    affiliation = pending[2]
                pending = None
            # Apposition: "النقيب “X” القيادي في فصائل المعارضة" — the role describes the name before it.
            previous = out[-1] if out else None
            if (
                previous is not None
                and not coordinated
                and not doc.text[previous.end : words[first].start].strip(" \"”»)’',،")
            ):
                if affiliation and not previous.attrs.get("affiliation"):
                    previous.attrs["affiliation"] = affiliation
                    previous.attrs["role"] = f"{previous.attrs.get('role', '')} {role}".strip()
                    if affiliation in actors:
                        previous.attrs["side"] = actors.get(affiliation).side
                continue
            span = self._name_after(doc, words, cursor, crf_spans, taken)
            if span is None:
                if affiliation is not None:
                    pending = (words[first].sentence, cursor, affiliation)
                continue
            start, end = span
            name = doc.text[start:end].strip(_QUOTES_OPEN + _QUOTES_CLOSE + " ")
            attrs: dict[str, Any] = {"role": role, "affiliation": affiliation}
            if affiliation and affiliation in actors:
                attrs["side"] = actors.get(affiliation).side
            out.append(_Candidate(start, end, "person", person_id(name), 0.85, attrs))
        return out

    def _name_after(
        self,
        doc: Document,
        words: Sequence[Token],
        i: int,
        crf_spans: Sequence[tuple[int, int, str, float]],
        taken: Sequence[tuple[int, int]],
    ) -> tuple[int, int] | None:
        """The person name after a title: quoted or bracketed, tagged by the CRF, or a known given name."""
        if i >= len(words) or i == 0 or words[i].sentence != words[i - 1].sentence:
            return None
        gap = doc.text[words[i - 1].end : words[i].start]
        stripped_gap = gap.strip(" ،,:")
        before = doc.text[_sentence_start(doc, words[i].sentence) : words[i - 1].end]
        if stripped_gap and stripped_gap[0] in _QUOTES_CLOSE and (
            stripped_gap[0] not in _QUOTES_OPEN or before.count(stripped_gap[0]) % 2 == 1
        ):
            # The gap closes a quote around the actor ("الناطق باسم "إدارة العمليات"، حسن …").
            stripped_gap = stripped_gap[1:].strip(" ،,:")
        if stripped_gap and stripped_gap[-1] in _QUOTES_OPEN:
            close = _QUOTES_CLOSE[_QUOTES_OPEN.index(stripped_gap[-1])]
            end_char = doc.text.find(close, words[i].start)
            if end_char != -1:
                inside = [w for w in words[i:] if w.end <= end_char]
                if 1 <= len(inside) <= 5 and all(w.sentence == words[i].sentence for w in inside):
                    return inside[0].start, inside[-1].end
            return None
        if stripped_gap:
            return None
        for start, end, label, _conf in crf_spans:
            if label == "PERS" and start == words[i].start:
                return start, end

        def free(w: Token) -> bool:
            return not any(s < w.end and w.start < e for s, e in taken)

        given = _given_names()
        head = words[i]
        if not (head.norm in given or head.norm.startswith("عبد")) or not free(head):
            return None
        name_words = [head]
        for w in words[i + 1 : i + 4]:
            if (
                w.sentence != head.sentence
                or w.norm in _NAME_BREAKERS
                or not w.text[:1].isalpha()
                or any(c.form in ("و", "ف") for c in w.clitics)
                or not free(w)
                or doc.text[name_words[-1].end : w.start].strip()
            ):
                break
            name_words.append(w)
        if len(name_words) < 2:
            return None
        return name_words[0].start, name_words[-1].end

    def _quoted_name_lists(
        self, doc: Document, words: Sequence[Token], found: Sequence[_Candidate]
    ) -> list[_Candidate]:
        """“أحمد الخلف ومحمود الديري وعلي الحمود”: a quoted list of names joined by و, each from a given name."""
        given = _given_names()
        out: list[_Candidate] = []
        starts = [w.start for w in words]
        for match in _QUOTED_RE.finditer(doc.text):
            first = bisect.bisect_left(starts, match.start(1))
            last = bisect.bisect_left(starts, match.end(1))
            inner = [w for w in words[first:last] if w.end <= match.end(1)]
            groups: list[list[Token]] = []
            for w in inner:
                if not groups or any(c.form == "و" for c in w.clitics):
                    groups.append([w])
                else:
                    groups[-1].append(w)
            if len(groups) < 2 or not all(2 <= len(g) <= 3 and g[0].norm in given for g in groups):
                continue
            sentence = inner[0].sentence
            context = [c for c in found if c.type == "actor" and c.end <= match.start() and c.kb_id]
            before = [c for c in context if c.start >= _sentence_start(doc, sentence)]
            affiliation = before[-1].kb_id if before else None
            for g in groups:
                start, end = g[0].base_start, g[-1].end
                attrs: dict[str, Any] = {"affiliation": affiliation, "in_list": True}
                if affiliation:
                    attrs["side"] = before[-1].attrs.get("side")
                out.append(_Candidate(start, end, "person", person_id(doc.text[start:end]), 0.8, attrs))
        return out

    # -- statistical tagger -----------------------------------------------------------
    def _crf(self, doc: Document) -> list[tuple[int, int, str, float]]:
        from rasid.extract.ner_crf import load_tagger

        return list(load_tagger().tag_document(doc))

    def _crf_candidates(
        self, doc: Document, tokens: Sequence[Token], spans: Sequence[tuple[int, int, str, float]]
    ) -> list[_Candidate]:
        """Tagger spans the knowledge base did not cover, linked where a lookup succeeds."""
        from rasid.extract.ner_spans import (
            LazyBareForms,
            clean_span,
            generic_place,
            load_span_words,
            load_word_counts,
        )
        from rasid.knowledge.geocode import geocode

        out = []
        actors, _ = _actor_resources()
        starts = [w.start for w in tokens]
        counts, span_words, given = load_word_counts(), load_span_words(), _given_names()
        bare = LazyBareForms(doc.text, tokens)
        for start, end, label, conf in spans:
            first, last = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
            if first < last and tokens[first].start == start:
                # Proclitics off the first word, verbs and particles out of persons (ner_spans).
                cleaned = clean_span(
                    doc.text, tokens[first:last], label, counts=counts, words=span_words, given=given, bare_words=bare
                )
                if cleaned is None:
                    continue
                start = cleaned
            if label == "LOC":
                start = _place_start(doc.text, tokens, starts, start, end)
            surface = doc.text[start:end].strip(_QUOTES_OPEN + _QUOTES_CLOSE + " ")
            words = surface.split()
            if label == "PERS":
                # A lone word the tagger is unsure of is too often a common word.
                if len(words) < 2 and conf < 0.7:
                    continue
                nationalities = _nationality_forms()
                if any(normalize_word(w).removeprefix("ال") in nationalities for w in words):
                    continue
                out.append(_Candidate(start, end, "person", person_id(surface), conf * 0.8, {}, linked=False))
            elif label == "ORG":
                ranked = actors.lookup(surface, at=doc.published)
                if ranked:
                    out.append(_Candidate(start, end, "actor", ranked[0].id, conf, actor_attrs(ranked[0])))
                elif conf >= 0.6:
                    out.append(_Candidate(start, end, "actor", None, conf * 0.7, {}, linked=False))
            elif label == "LOC":
                geo = geocode(surface)
                if geo is not None:
                    out.append(_Candidate(start, end, "place", geo.place_id, conf, _geo_attrs(geo)))
                elif conf >= 0.6 and len(surface) > 2 and not generic_place(surface, span_words):
                    out.append(_Candidate(start, end, "place", None, conf * 0.7, {}, linked=False))
        return out

    # -- times and numbers ----------------------------------------------------------
    def _times_and_numbers(self, doc: Document) -> list[Mention]:
        from rasid.text.numbers import find_numbers
        from rasid.text.timex import find_times

        out: list[Mention] = []
        for t in find_times(doc.text, doc.published):
            out.append(
                Mention(
                    t.start,
                    t.end,
                    t.text,
                    "time",
                    None,
                    0.9 if t.resolved else 0.5,
                    {
                        "value": t.value.isoformat() if t.value else None,
                        "end_value": t.end_value.isoformat() if t.end_value else None,
                        "precision": t.precision,
                        "kind": t.kind,
                        "resolved": t.resolved,
                        "part_of_day": t.part_of_day,
                        "grain": t.grain,
                    },
                )
            )
        for n in find_numbers(doc.text):
            out.append(
                Mention(
                    n.start,
                    n.end,
                    n.text,
                    "number",
                    None,
                    1.0,
                    {
                        "value": n.value,
                        "value_max": n.value_max,
                        "bound": n.bound,
                        "kind": n.kind,
                        "unit": n.unit,
                        "unit_start": n.unit_start,
                        "unit_end": n.unit_end,
                    },
                )
            )
        return out


def _resolve_overlaps(candidates: Sequence[_Candidate]) -> list[_Candidate]:
    """Keep non-overlapping spans: linked before unlinked, then longer, then by type priority."""
    ordered = sorted(
        candidates,
        key=lambda c: (not c.linked, -c.length, -_PRIORITY.get(c.type, 0), -c.confidence, c.start),
    )
    # Kept spans never overlap, so sorted by start they are sorted by end too: a new span can only
    # overlap the kept span starting at or before it or the one right after it.
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[_Candidate] = []
    for c in ordered:
        if c.length <= 0:
            continue
        k = bisect.bisect_right(starts, c.start)
        if (k > 0 and ends[k - 1] > c.start) or (k < len(starts) and starts[k] < c.end):
            continue
        starts.insert(k, c.start)
        ends.insert(k, c.end)
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    return chosen
