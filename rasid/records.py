"""Stored articles as the domain packages see them: the row type and what they may ask of storage.

The cross-article code (stories, claim checks) reads and writes through `ArticleStore`, a
protocol defined here rather than in `rasid.store`, so domain packages never import the storage
layer; `rasid.store` implements it (and adds the ingest writes in its full `Store`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from rasid.document import Document


@dataclass(frozen=True)
class ArticleRow:
    id: int
    doc_id: str
    origin: str
    url: str | None
    source: str | None
    title: str
    published: dt.date | None
    language: str
    length: int
    duplicate_of: int | None
    similarity: float | None
    content_hash: str
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageFailure:
    """A stage that raised on a stored article: the article keeps what the stages before it produced."""

    article_id: int
    stage: str
    error: str
    rasid_version: str
    at: str  # UTC time of the failure, ISO 8601 (seconds)


class ArticleStore(Protocol):
    """Stored articles, their analyses and SQL over the derived tables (stories, events, mentions)."""

    location: str

    def transaction(self) -> AbstractContextManager[None]: ...

    def band_candidates(self, band_keys: Sequence[tuple[int, bytes]]) -> list[int]: ...

    def signatures(self, article_ids: Sequence[int]) -> dict[int, bytes]: ...

    def get_article(self, article_id: int) -> ArticleRow | None: ...

    def get_text(self, article_id: int) -> str: ...

    def load_document(self, article_id: int) -> Document: ...

    def articles(self) -> Iterator[ArticleRow]: ...

    def articles_without_story(self) -> list[int]: ...

    def search(self, terms: Sequence[str] | Sequence[Sequence[str]], *, limit: int = 10) -> list[tuple[int, float]]: ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def iter_query(self, sql: str, params: Sequence[Any] = (), *, batch: int = 1000) -> Iterator[tuple[Any, ...]]:
        """The rows of `sql` streamed, read `batch` at a time (SQLite: `fetchmany` on its own cursor;
        PostgreSQL: a server-side cursor), never all held at once."""
        ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...
