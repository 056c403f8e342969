"""SQLite storage: one file, created on first use, schema versioned by numbered migrations.

WAL journaling plus one transaction per batch means an interrupted run (Ctrl-C, kill)
leaves the file consistent: the unfinished batch is rolled back and a re-run redoes it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rasid.document import Document
from rasid.records import ArticleRow
from rasid.serialize import document_from_dict, document_to_dict
from rasid.store.base import StoreError
from rasid.store.migrations import MIGRATIONS

# Built once: json.dumps with options constructs a new encoder on every call, which adds up per article.
# No circular check for annotations: they are trees built by document_to_dict (a cycle still fails, by recursion).
_encode_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
_encode_json_lenient = json.JSONEncoder(ensure_ascii=False, default=str).encode

# Upserts rather than INSERT OR REPLACE: with foreign keys on, SQLite makes every REPLACE statement
# far dearer (about 0.1 ms each, even with no row to replace); the rows left behind are the same.
_UPSERT_SIGNATURE = (
    "INSERT INTO minhash (article_id, signature) VALUES (?, ?)"
    " ON CONFLICT (article_id) DO UPDATE SET signature = excluded.signature"
)
_UPSERT_ANNOTATIONS = (
    "INSERT INTO annotations (article_id, stages, data) VALUES (?, ?, ?)"
    " ON CONFLICT (article_id) DO UPDATE SET stages = excluded.stages, data = excluded.data"
)

_ARTICLE_COLUMNS = (
    "id, doc_id, origin, url, source, title, published, language, length, duplicate_of, similarity,"
    " content_hash, flags"
)


def _row_to_article(row: Sequence[Any]) -> ArticleRow:
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


# Page cache per connection, in KiB (64 MiB).
CACHE_KIB = 65536


class SQLiteStore:
    def __init__(self, path: str | Path):
        self.location = str(path)
        target = Path(path)
        if target.exists() and target.is_dir():
            raise StoreError(f"{path}: is a directory; give a database file path such as rasid.db")
        if target.exists() and target.stat().st_size > 0:
            with open(target, "rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    raise StoreError(f"{path}: not a SQLite database; choose another --db path")
        if target.parent and not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves so batches are explicit.
        self._conn = sqlite3.connect(str(target), isolation_level=None, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        # SQLite's default page cache is 2 MB; the mention and event indexes of a large corpus outgrow it
        # within a few thousand articles, and every insert then re-reads index pages from the OS.
        self._conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self._in_tx = False
        self._migrate()

    # -- schema -------------------------------------------------------------
    def schema_version(self) -> int:
        row = self._conn.execute("PRAGMA user_version").fetchone()
        return int(row[0])

    def _migrate(self) -> None:
        current = self.schema_version()
        latest = len(MIGRATIONS)
        if current > latest:
            raise StoreError(
                f"{self.location}: database schema v{current} is newer than this Rasid (v{latest}); upgrade Rasid"
            )
        for version in range(current + 1, latest + 1):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _split_sql(MIGRATIONS[version - 1]):
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {version}")
                self._conn.execute("COMMIT")
            except Exception:
                self._conn.execute("ROLLBACK")
                raise

    # -- transactions ---------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_tx:
            yield
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._in_tx = True
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._in_tx = False

    # -- articles -------------------------------------------------------------
    def find_by_hash(self, content_hash: str) -> int | None:
        row = self._conn.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return int(row[0]) if row else None

    def add_document(
        self,
        doc: Document,
        *,
        search_text: str,
        title_terms: str,
        duplicate_of: int | None = None,
        similarity: float | None = None,
    ) -> int:
        meta = doc.meta
        flags = ",".join(meta.get("flags", ()))
        cursor = self._conn.execute(
            "INSERT INTO articles (doc_id, content_hash, origin, url, source, source_evidence, title, published,"
            " language, length, text, duplicate_of, similarity, flags, meta, ingested_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.id,
                doc.content_hash,
                doc.origin,
                doc.url,
                doc.source,
                meta.get("source_evidence"),
                doc.title,
                doc.published.isoformat() if doc.published else None,
                doc.language,
                len(doc.text),
                doc.text,
                duplicate_of,
                similarity,
                flags,
                _encode_json_lenient(meta if type(meta) is dict else dict(meta)),
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            ),
        )
        article_id = int(cursor.lastrowid or 0)
        self._conn.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", (article_id, title_terms, search_text)
        )
        return article_id

    def doc_id_exists(self, doc_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM articles WHERE doc_id = ?", (doc_id,)).fetchone() is not None

    def save_signature(self, article_id: int, signature: bytes, band_keys: Sequence[tuple[int, bytes]]) -> None:
        self._conn.execute(_UPSERT_SIGNATURE, (article_id, signature))
        self._conn.executemany(
            # OR IGNORE: saving an article's signature again must not fail on the (bucket, article) key.
            "INSERT OR IGNORE INTO lsh_bands (band, bucket, article_id) VALUES (?, ?, ?)",
            [(band, bytes([band]) + bucket, article_id) for band, bucket in band_keys],
        )

    def band_candidates(self, band_keys: Sequence[tuple[int, bytes]]) -> list[int]:
        if not band_keys:
            return []
        # Buckets carry their band number as the first byte, so one indexed IN lookup suffices.
        keys = [bytes([band]) + bucket for band, bucket in band_keys]
        marks = ",".join("?" for _ in keys)
        rows = self._conn.execute(f"SELECT DISTINCT article_id FROM lsh_bands WHERE bucket IN ({marks})", keys).fetchall()
        return sorted(int(r[0]) for r in rows)

    def signatures(self, article_ids: Sequence[int]) -> dict[int, bytes]:
        found: dict[int, bytes] = {}
        # One query per chunk, not per id; chunks stay under SQLite's bound-parameter limit.
        for i in range(0, len(article_ids), 500):
            chunk = tuple(article_ids[i : i + 500])
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT article_id, signature FROM minhash WHERE article_id IN ({marks})"
            found.update((int(r[0]), bytes(r[1])) for r in self._conn.execute(sql, chunk))
        # In the order asked for: callers break ties by taking the first.
        return {a: found[a] for a in article_ids if a in found}

    def get_article(self, article_id: int) -> ArticleRow | None:
        row = self._conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _row_to_article(row) if row else None

    def get_text(self, article_id: int) -> str:
        row = self._conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self.location}: no article with id {article_id}")
        return str(row[0])

    def articles(self) -> Iterator[ArticleRow]:
        for row in self._conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY id").fetchall():
            yield _row_to_article(row)

    def count_articles(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def search(self, terms: Sequence[str] | Sequence[Sequence[str]], *, limit: int = 10) -> list[tuple[int, float]]:
        """Articles matching all term groups (any spelling in a group), ranked by BM25.

        FTS5 finds the candidates; ranking is recomputed here with a non-negative IDF
        (FTS5's own goes to zero when a term is in half the articles, as in small
        collections) and a bonus when query words appear next to each other, as a phrase.
        """
        groups = [[g] if isinstance(g, str) else list(g) for g in terms]
        groups = [[t.replace('"', "") for t in g if t.strip()] for g in groups]
        groups = [g for g in groups if g]
        if not groups:
            return []

        def fts_query(joiner: str) -> str:
            return joiner.join("(" + " OR ".join(f'"{t}"' for t in g) + ")" for g in groups)

        sql = (
            "SELECT rowid, title, body FROM articles_fts WHERE articles_fts MATCH ?"
            " ORDER BY bm25(articles_fts, 2.0, 1.0) LIMIT ?"
        )
        pool = max(limit * 20, 200)
        rows = self._conn.execute(sql, (fts_query(" AND "), pool)).fetchall()
        if len(rows) < limit and len(groups) > 1:
            seen = {r[0] for r in rows}
            rows += [r for r in self._conn.execute(sql, (fts_query(" OR "), pool)).fetchall() if r[0] not in seen]
        if not rows:
            return []
        total, avg_len = self._conn.execute(
            "SELECT COUNT(*), AVG(length(body) - length(replace(body, ' ', '')) + 1) FROM articles_fts"
        ).fetchone()
        doc_freq = {}
        for group in groups:
            for term in group:
                hit = self._conn.execute(
                    "SELECT doc FROM articles_vocab WHERE term = ?", (term,)
                ).fetchone()
                doc_freq[term] = int(hit[0]) if hit else 0
        return rank_bm25(rows, groups, doc_freq, int(total), float(avg_len or 1.0))[:limit]

    # -- annotations ------------------------------------------------------------
    def save_annotations(self, article_id: int, doc: Document) -> None:
        payload = document_to_dict(doc, include_text=False)
        self._conn.execute(
            _UPSERT_ANNOTATIONS,
            (article_id, ",".join(doc.stages), _encode_json(payload)),
        )

    def load_document(self, article_id: int) -> Document:
        row = self._conn.execute(
            "SELECT a.text, n.data, a.meta FROM articles a LEFT JOIN annotations n ON n.article_id = a.id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"{self.location}: no article with id {article_id}")
        article = self.get_article(article_id)
        assert article is not None
        data = json.loads(row[1]) if row[1] else {}
        meta = json.loads(row[2]) if row[2] else {}
        base = {
            "id": article.doc_id,
            "title": article.title,
            "source": article.source,
            "origin": article.origin,
            "url": article.url,
            "published": article.published.isoformat() if article.published else None,
            "language": article.language,
            "content_hash": article.content_hash,
            "meta": meta,
        }
        base.update(data)
        base["text"] = row[0]
        base["meta"] = {**meta, "article_id": article_id}
        return document_from_dict(base)

    # -- generic ------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._conn.execute(sql, tuple(params)).fetchall()]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cursor = self._conn.execute(sql, tuple(params))
        return int(cursor.lastrowid or 0)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._conn.executemany(sql, rows)

    def log(self, origin: str, status: str, message: str) -> None:
        """Record a skipped file or record, so problems stay visible after the terminal is gone."""
        self._conn.execute(
            "INSERT INTO ingest_log (at, origin, status, message) VALUES (?, ?, ?, ?)",
            (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), origin, status, message),
        )

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _split_sql(script: str) -> list[str]:
    # Migrations hold plain DDL without semicolons inside strings or triggers, so a split is safe.
    return [s.strip() for s in script.split(";") if s.strip()]


def rank_bm25(
    rows: Sequence[tuple[Any, ...]],
    groups: Sequence[Sequence[str]],
    doc_freq: dict[str, int],
    total: int,
    avg_len: float,
    *,
    k1: float = 1.2,
    b: float = 0.75,
    title_weight: float = 2.0,
    phrase_bonus: float = 0.5,
) -> list[tuple[int, float]]:
    """BM25 (Lucene IDF, never negative) over term groups, plus a bonus for adjacent query words."""
    import math

    scored = []
    for rowid, title, body in rows:
        words = (body or "").split()
        title_words = (title or "").split()
        length = len(words) or 1
        score = 0.0
        positions: list[set[int]] = []
        for group in groups:
            members = set(group)
            tf = sum(1 for w in words if w in members) + title_weight * sum(1 for w in title_words if w in members)
            df = max(doc_freq.get(t, 0) for t in group)
            idf = math.log(1.0 + (total - df + 0.5) / (df + 0.5))
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg_len)) if tf else 0.0
            positions.append({i for i, w in enumerate(words) if w in members})
        for left, right in itertools.pairwise(positions):
            adjacent = sum(1 for i in left if i + 1 in right)
            if adjacent:
                score += phrase_bonus * math.log(1 + adjacent) * (1 + score / (len(groups) or 1))
        scored.append((int(rowid), round(score, 4)))
    scored.sort(key=lambda x: -x[1])
    return scored
