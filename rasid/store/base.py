"""The storage interface. SQLite implements it today; PostgreSQL slots in behind the same methods."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rasid.document import Document
from rasid.records import ArticleStore, StageFailure


class Store(ArticleStore, Protocol):
    """What the rest of Rasid needs from storage. Every write happens inside `transaction()`.

    The reads and the SQL that domain code uses are in `rasid.records.ArticleStore`; this adds
    what ingest writes and the connection's lifetime.
    """

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
    ) -> int | None:
        """The new article's id, or None when the article (its content hash or doc id) is already stored,
        for instance committed by another process since the caller looked: then nothing is written."""
        ...

    def save_signature(self, article_id: int, signature: bytes, band_keys: Sequence[tuple[int, bytes]]) -> None: ...

    def count_articles(self) -> int: ...

    def save_annotations(self, article_id: int, doc: Document) -> None: ...

    def set_search_terms(self, article_id: int, title_terms: str, search_text: str) -> None: ...

    def search_terms_of(self, article_ids: Sequence[int]) -> dict[int, tuple[str, str]]: ...

    def rebuild_search_index(self) -> None:
        """Index every article's kept search terms again; index rows of no article go."""
        ...

    def log(self, origin: str, status: str, message: str) -> None: ...

    def record_stage_failure(self, article_id: int, stage: str, error: str, version: str) -> None:
        """Remember that `stage` raised on a stored article (one row per article and stage, replaced)."""
        ...

    def stage_failures(self) -> list[StageFailure]: ...

    def clear_stage_failure(self, article_id: int, stage: str) -> None: ...

    def schema_version(self) -> int: ...

    def close(self) -> None: ...


def is_server_url(location: str) -> bool:
    """Whether `location` names a database server (PostgreSQL) rather than a SQLite file."""
    return location.startswith(("postgresql://", "postgres://"))


class StoreError(Exception):
    """A storage problem the user can act on (wrong file, newer schema, locked database)."""


class StoreLockedError(StoreError):
    """Another writer held the database for longer than the busy timeout."""


class StoreDamagedError(StoreError):
    """The file is a damaged SQLite database (malformed pages, truncated)."""
