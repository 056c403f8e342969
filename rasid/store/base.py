"""The storage interface. SQLite implements it today; PostgreSQL slots in behind the same methods."""

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



class Store(Protocol):
    """What the rest of Rasid needs from storage. Every write happens inside `transaction()`."""

    location: str

    def transaction(self) -> AbstractContextManager[None]: ...

    def find_by_hash(self, content_hash: str) -> int | None: ...

    def doc_id_exists(self, doc_id: str) -> bool: ...

    def add_document(
        self,
        doc: Document,
        *,
        search_text: str,
        title_terms: str,
        duplicate_of: int | None = None,
        similarity: float | None = None,
    ) -> int: ...

    def save_signature(self, article_id: int, signature: bytes, band_keys: Sequence[tuple[int, bytes]]) -> None: ...

    def band_candidates(self, band_keys: Sequence[tuple[int, bytes]]) -> list[int]: ...

    def signatures(self, article_ids: Sequence[int]) -> dict[int, bytes]: ...

    def get_article(self, article_id: int) -> ArticleRow | None: ...

    def get_text(self, article_id: int) -> str: ...

    def load_document(self, article_id: int) -> Document: ...

    def articles(self) -> Iterator[ArticleRow]: ...

    def count_articles(self) -> int: ...

    def search(self, terms: Sequence[str] | Sequence[Sequence[str]], *, limit: int = 10) -> list[tuple[int, float]]: ...

    def save_annotations(self, article_id: int, doc: Document) -> None: ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def log(self, origin: str, status: str, message: str) -> None: ...

    def close(self) -> None: ...


class StoreError(Exception):
    """A storage problem the user can act on (wrong file, newer schema, locked database)."""


def open_store(location: str) -> Store:
    """Open a store from a path or URL: `file.db` / `sqlite:///file.db` today, `postgresql://...` later."""
    if location.startswith("postgresql://") or location.startswith("postgres://"):
        raise StoreError(
            f"{location}: PostgreSQL storage is not available in this version; use a SQLite file path"
        )
    from rasid.store.sqlite import SQLiteStore

    path = location.removeprefix("sqlite:///")
    return SQLiteStore(path)
