"""What every store reads and writes the same way, through its own `query` / `execute`.

The SQL is Rasid's one dialect (SQLite's, with `?` parameters), which the PostgreSQL store translates;
each store keeps only what its database does differently (connections, locking, the full-text index,
signatures). Its `query` and `execute` already turn the database's errors into `StoreError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from rasid.document import Document
from rasid.records import ArticleRow, StageFailure
from rasid.store.base import StoreDamagedError, StoreError
from rasid.store.codec import CodecError, decode_document, encode_annotations, unpack_text

# An error message is kept to this many characters (some exceptions quote a whole article).
MAX_ERROR_CHARS = 2000

ARTICLE_COLUMNS = (
    "id, doc_id, origin, url, source, title, published, language, length, duplicate_of, similarity,"
    " content_hash, flags"
)

# Upserts rather than INSERT OR REPLACE: with foreign keys on, SQLite makes every REPLACE statement
# far dearer (about 0.1 ms each, even with no row to replace); the rows left behind are the same.
_UPSERT_ANNOTATIONS = (
    "INSERT INTO annotations (article_id, stages, data) VALUES (?, ?, ?)"
    " ON CONFLICT (article_id) DO UPDATE SET stages = excluded.stages, data = excluded.data"
)
_UPSERT_STAGE_FAILURE = (
    "INSERT INTO stage_failures (article_id, stage, error, rasid_version, at) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (article_id, stage) DO UPDATE"
    " SET error = excluded.error, rasid_version = excluded.rasid_version, at = excluded.at"
)


def row_to_article(row: Sequence[Any]) -> ArticleRow:
    """An `ArticleRow` from the columns of `ARTICLE_COLUMNS`, in that order."""
    published = dt.date.fromisoformat(row[6]) if row[6] else None
    flags = tuple(f for f in (row[12] or "").split(",") if f)
    return ArticleRow(
        id=row[0],
        doc_id=row[1],
        origin=row[2],
        url=row[3],
        source=row[4],
        title=row[5] or "",
        published=published,
        language=row[7],
        length=row[8],
        duplicate_of=row[9],
        similarity=row[10],
        content_hash=row[11],
        flags=flags,
    )


def search_groups(terms: Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
    """A search's term groups (a bare term is a group of one), blank terms and empty groups left out."""
    groups = [[g] if isinstance(g, str) else list(g) for g in terms]
    groups = [[t for t in g if t.strip()] for g in groups]
    return [g for g in groups if g]


def candidate_pool(limit: int, groups: int) -> int:
    """How many of the index's best candidates are ranked again for the best `limit`.

    The index ranks a pool, which BM25 with the phrase bonus reranks. For one group SQLite's FTS5
    order is already nearly the final one (one IDF, no phrase bonus), so a smaller pool keeps the
    same best `limit`: over 727 one-word searches of 31,840 articles, 10 of 14,540 top-20 places
    changed with a pool of 100 instead of 400, and each search read a quarter of the bodies.
    """
    return max(limit * 20, 200) if groups > 1 else max(limit * 5, 100)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class SharedQueries:
    """Store methods written once for both databases (mixed into `SQLiteStore` and `PostgresStore`)."""

    location: str

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        raise NotImplementedError

    # -- articles -------------------------------------------------------------
    def find_by_hash(self, content_hash: str) -> int | None:
        rows = self.query("SELECT id FROM articles WHERE content_hash = ?", (content_hash,))
        return int(rows[0][0]) if rows else None

    def doc_id_exists(self, doc_id: str) -> bool:
        return bool(self.query("SELECT 1 FROM articles WHERE doc_id = ?", (doc_id,)))

    def get_article(self, article_id: int) -> ArticleRow | None:
        rows = self.query(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        return row_to_article(rows[0]) if rows else None

    def get_text(self, article_id: int) -> str:
        rows = self.query("SELECT text FROM articles WHERE id = ?", (article_id,))
        if not rows:
            raise StoreError(f"{self.location}: no article with id {article_id}")
        try:
            return unpack_text(rows[0][0])
        except CodecError as exc:
            raise StoreDamagedError(f"{self.location}: article {article_id}: {exc}") from exc

    def articles(self) -> Iterator[ArticleRow]:
        for row in self.query(f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY id"):
            yield row_to_article(row)

    def articles_without_story(self) -> list[int]:
        """Ids of stored articles in no story. Every article is grouped (near-duplicates join their
        original's story, non-Arabic articles get one of their own), so after a finished run: none."""
        rows = self.query(
            "SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM story_articles s WHERE s.article_id = a.id)"
            " ORDER BY id"
        )
        return [int(r[0]) for r in rows]

    def count_articles(self) -> int:
        return int(self.query("SELECT COUNT(*) FROM articles")[0][0])

    # -- annotations ------------------------------------------------------------
    def save_annotations(self, article_id: int, doc: Document) -> None:
        self.execute(_UPSERT_ANNOTATIONS, (article_id, ",".join(doc.stages), encode_annotations(doc)))

    def load_document(self, article_id: int) -> Document:
        rows = self.query(
            "SELECT a.text, n.data, a.meta FROM articles a LEFT JOIN annotations n ON n.article_id = a.id WHERE a.id = ?",
            (article_id,),
        )
        if not rows:
            raise StoreError(f"{self.location}: no article with id {article_id}")
        text, data, meta = rows[0]
        article = self.get_article(article_id)
        assert article is not None
        try:
            return decode_document(article, unpack_text(text), meta, data, article_id)
        except CodecError as exc:
            raise StoreDamagedError(f"{self.location}: article {article_id}: {exc}") from exc

    # -- log and stage failures ------------------------------------------------------
    def log(self, origin: str, status: str, message: str) -> None:
        """Record a skipped file or record, so problems stay visible after the terminal is gone."""
        self.execute(
            "INSERT INTO ingest_log (at, origin, status, message) VALUES (?, ?, ?, ?)", (_now(), origin, status, message)
        )

    def record_stage_failure(self, article_id: int, stage: str, error: str, version: str) -> None:
        """Remember that `stage` raised on a stored article (replacing an earlier record of that stage)."""
        self.execute(_UPSERT_STAGE_FAILURE, (article_id, stage, error[:MAX_ERROR_CHARS], version, _now()))

    def stage_failures(self) -> list[StageFailure]:
        rows = self.query(
            "SELECT article_id, stage, error, rasid_version, at FROM stage_failures ORDER BY article_id, stage"
        )
        return [StageFailure(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]

    def clear_stage_failure(self, article_id: int, stage: str) -> None:
        self.execute("DELETE FROM stage_failures WHERE article_id = ? AND stage = ?", (article_id, stage))
