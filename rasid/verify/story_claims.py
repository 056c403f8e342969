"""Check-worthy sentences of the stored articles, grouped by story (`rasid claims`).

The score comes from the CheckThat!-trained model (`rasid.verify.checkworthy`); the
reasons shown next to it are explicit: numbers in the sentence, an attribution
("قال", "بحسب", "مصادر"), and a control/withdrawal/attack/casualty predicate from
`data/check_cues.yaml`. Stories come from the `story_articles` table when
`rasid stories` has filled it; otherwise each article is its own group.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from rasid.records import ArticleStore
from rasid.text.numbers import find_numbers
from rasid.text.sentences import split_sentences
from rasid.text.tokens import search_terms
from rasid.verify.cues import find_phrases, load_cues

MIN_SENTENCE_CHARS = 25


@dataclass
class ClaimSentence:
    article_id: int
    start: int
    end: int
    text: str
    score: float
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 3),
            "reasons": self.reasons,
        }


@dataclass
class StoryClaims:
    story_id: int | None  # None: articles not grouped into stories
    title: str
    article_ids: list[int]
    claims: list[ClaimSentence]

    def to_dict(self) -> dict[str, Any]:
        return {
            "story_id": self.story_id,
            "title": self.title,
            "articles": self.article_ids,
            "claims": [c.to_dict() for c in self.claims],
        }


def reasons_for(sentence: str) -> list[str]:
    """Why a sentence looks checkable: numbers, attribution, control of places, ..."""
    cues = load_cues()
    terms = search_terms(sentence)
    out = []
    # Counted quantities only: "عدة" (several) has no value, a dual "يومين" is a duration.
    numbers = [n for n in find_numbers(sentence) if n.value is not None and n.kind in ("cardinal", "percent", "fraction")]
    if numbers:
        out.append("numbers: " + ", ".join(sentence[n.start : n.end] for n in numbers[:3]))
    if find_phrases(terms, cues.attribution):
        out.append("attribution")
    for family, phrases in cues.predicates.items():
        if find_phrases(terms, phrases):
            out.append(family)
    return out


def story_groups(store: ArticleStore) -> tuple[list[tuple[int | None, str, list[int]]], str | None]:
    """[(story id, title, article ids)] and a note when stories are not available."""
    try:
        rows = store.query(
            "SELECT sa.story_id, s.title, sa.article_id FROM story_articles sa"
            " JOIN stories s ON s.id = sa.story_id ORDER BY sa.story_id, sa.article_id"
        )
    except sqlite3.OperationalError:
        rows = []
        note: str | None = "no stories table in this database (run `rasid stories`); listing claims per article"
    else:
        note = None if rows else "no stories built yet (run `rasid stories`); listing claims per article"
    groups: dict[int | None, tuple[str, list[int]]] = {}
    for story_id, title, article_id in rows:
        groups.setdefault(int(story_id), (str(title or ""), []))[1].append(int(article_id))
    grouped = {a for _, ids in groups.values() for a in ids}
    out: list[tuple[int | None, str, list[int]]] = [(sid, t, ids) for sid, (t, ids) in groups.items()]
    for article in store.articles():
        if article.id not in grouped:
            out.append((None, article.title, [article.id]))
    return out, note


def list_claims(store: ArticleStore, *, threshold: float | None = None, model: Any | None = None) -> tuple[list[StoryClaims], str | None]:
    """Check-worthy sentences per story (or per article), best first within each group."""
    if model is None:
        from rasid.verify.checkworthy import load_checkworthy_model

        model = load_checkworthy_model()
    cut = float(threshold if threshold is not None else getattr(model, "threshold", 0.5))
    groups, note = story_groups(store)
    result = []
    for story_id, title, article_ids in groups:
        claims: list[ClaimSentence] = []
        for article_id in article_ids:
            text = store.get_text(article_id)
            spans = [(s, e) for s, e in split_sentences(text) if len(text[s:e].strip()) >= MIN_SENTENCE_CHARS]
            sentences = [" ".join(text[s:e].split()) for s, e in spans]
            for (start, end), sentence, score in zip(spans, sentences, model.score(sentences), strict=True):
                if score >= cut:
                    claims.append(ClaimSentence(article_id, start, end, sentence, score, reasons_for(sentence)))
        claims.sort(key=lambda c: -c.score)
        result.append(StoryClaims(story_id, title, article_ids, claims))
    return result, note
