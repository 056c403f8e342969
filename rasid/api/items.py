"""Analyse articles given in memory (an HTTP upload) as `Rasid.analyze` does files.

Every item is read first (text or HTML cleaned, language and outlet found); if any cannot be
read, nothing is stored and `ItemError` names it. The readable ones go through the pipeline
together and are stored in ONE transaction (all or none: an error or an interruption rolls the
whole batch back), then grouped into stories in a second step, which `Rasid.finish` (any later
analyse) redoes if it was cut short.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from rasid.document import Document
from rasid.errors import IngestError
from rasid.ingest.readers import RawArticle
from rasid.ingest.runner import Ingestor, build_document
from rasid.pipeline import Pipeline
from rasid.store.base import Store


@dataclass(frozen=True)
class ArticleInput:
    """One article to analyse: its plain text or its HTML page, and what is known about it."""

    text: str | None = None
    html: str | None = None
    title: str | None = None
    source: str | None = None
    published: dt.date | None = None
    url: str | None = None


class ItemError(ValueError):
    """An item that cannot be analysed (no text, nothing left after cleaning); `index` says which."""

    def __init__(self, index: int, message: str):
        super().__init__(f"article {index}: {message}")
        self.index = index


@dataclass
class ItemsReport:
    stored: list[int] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)  # {"index", "article"}: already stored
    stories: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _document(index: int, item: ArticleInput, origin: str) -> Document:
    body = item.html if item.html is not None else item.text
    if body is None or not body.strip():
        raise ItemError(index, "give the article's `text` or `html`")
    raw = RawArticle(
        origin=origin,
        kind="html" if item.html is not None else "text",
        body=body,
        url=item.url,
        source=item.source,
        published=item.published,
        title=item.title,
    )
    try:
        return build_document(raw)
    except IngestError as exc:
        raise ItemError(index, exc.problem) from None


def analyze_items(store: Store, pipeline: Pipeline, items: Sequence[ArticleInput], *, origin: str = "api") -> ItemsReport:
    """Store and analyse `items` (all or none), then group the new articles into stories."""
    from rasid.indexing import group_pending, index_article
    from rasid.verify.track_record import refresh_track_records

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    docs = [_document(i, item, item.url or f"{origin}:{stamp}#{i}") for i, item in enumerate(items)]
    report = ItemsReport()
    fresh: list[Document] = []
    seen: dict[str, int] = {}
    for i, doc in enumerate(docs):
        existing = store.find_by_hash(doc.content_hash)
        if existing is not None or doc.content_hash in seen:
            report.duplicates.append({"index": i, "article": existing, "same_as_index": seen.get(doc.content_hash)})
            continue
        seen[doc.content_hash] = i
        fresh.append(doc)

    def after_store(article_id: int, doc: Document, /, *, stages: Collection[str] | None = None) -> None:
        index_article(store, article_id, doc, stages=stages)

    ingestor = Ingestor(store, pipeline, after_store=after_store, batch_size=max(1, len(fresh)))
    ingestor.on_error = report.errors.append
    ingested = ingestor.run_documents(fresh)
    if ingested.interrupted:
        raise KeyboardInterrupt
    report.stored = list(ingested.added_ids)
    if report.stored:
        group_pending(store)
        refresh_track_records(store)
        marks = ",".join("?" * len(report.stored))
        rows = store.query(
            f"SELECT DISTINCT story_id FROM story_articles WHERE article_id IN ({marks}) ORDER BY story_id",
            report.stored,
        )
        report.stories = [int(r[0]) for r in rows]
    return report
