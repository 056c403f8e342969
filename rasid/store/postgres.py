"""PostgreSQL storage behind the same interface as SQLite (`--db postgresql://user@host/dbname`).

The database must exist (`createdb rasid`); Rasid creates its tables in it. Everything Rasid's code
asks of SQLite is asked of PostgreSQL the same way: the SQL is translated (`rasid.store.pg_dialect`),
the schema is the SQLite migrations translated, and write transactions are serialised with one
advisory lock, as SQLite's single writer is, so several processes (the workers of `rasid analyze`,
`rasid serve`, a Dask run) may write to one database and each write sees every earlier one.
Full-text search indexes Rasid's own folded words (PostgreSQL has no Arabic stemmer, stop words or
accent rules; Rasid folds the text before it is indexed), and ranks with the same BM25 as SQLite.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import urlsplit

import psycopg
from psycopg.adapt import Loader

from rasid.document import Document
from rasid.store.base import StoreError, StoreLockedError
from rasid.store.codec import (
    pack_signature,
    pack_text,
    unpack_signature,
    unpack_text,
)
from rasid.store.migrations import MIGRATIONS
from rasid.store.pg_dialect import COMPAT_FUNCTIONS, Schema, translate_ddl, tsquery
from rasid.store.shared import SharedQueries, candidate_pool, search_groups
from rasid.store.sqlite import (
    _encode_json_lenient,
    busy_timeout_from_env,
    rank_bm25,
)

# Advisory lock keys ("rasid" and "rasid schema" as numbers): one writer at a time, one migration at a time.
_WRITE_LOCK = 0x726173_6964
_SCHEMA_LOCK = 0x726173_6973

_P = ParamSpec("_P")
_R = TypeVar("_R")


def is_postgres_url(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


class _NumericLoader(Loader):
    # SUM over integers and AVG return `numeric`, which SQLite never does: integers stay int, the rest float.
    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        if text.lstrip("-").isdigit():
            return int(text)
        return float(text)


def postgres_error(location: str, exc: psycopg.Error, busy_timeout: float) -> StoreError:
    """A one-line `StoreError` for a server error: the database, what is wrong, what to do."""
    message = " ".join(str(exc).split())
    if len(message) > 300:
        message = message[:300] + "…"
    state = getattr(exc, "sqlstate", None) or ""
    if state in ("55P03", "40P01"):  # lock_not_available (our lock_timeout), deadlock
        return StoreLockedError(
            f"{location}: the database is locked by another writer for more than {busy_timeout:g} s;"
            " try again when it finishes (RASID_BUSY_TIMEOUT sets how long to wait)"
        )
    if not state and "does not exist" in message and 'database "' in message:
        state = "3D000"  # said by the server while connecting, where psycopg gives no code
    elif not state and ("password authentication failed" in message or ('role "' in message and "does not exist" in message)):
        state = "28000"
    if state == "3D000":
        said = re.search(r'database "([^"]+)" does not exist', message)
        name = said.group(1) if said else urlsplit(location).path.lstrip("/") or "rasid"
        return StoreError(f"{location}: no such database; create it first (`createdb {name}`), then run the command again")
    if (isinstance(exc, psycopg.OperationalError) and not state) or state.startswith("08") or state in ("57P01", "57P02", "57P03"):
        return StoreError(
            f"{location}: cannot reach the PostgreSQL server ({message}); check that it is running and the URL,"
            " then run the command again (what was committed is kept)"
        )
    if state == "53100":
        return StoreError(f"{location}: the server's disk is full ({message}); free some space and run the command again")
    if state.startswith("28"):
        return StoreError(f"{location}: the server refused the login ({message}); check the user and password in the URL")
    return StoreError(f"{location}: database error ({message})")


def _guarded(method: Callable[Concatenate[PostgresStore, _P], _R]) -> Callable[Concatenate[PostgresStore, _P], _R]:
    @functools.wraps(method)
    def run(self: PostgresStore, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except psycopg.Error as exc:
            raise postgres_error(self.location, exc, self.busy_timeout) from exc

    return run


def _plain(params: Sequence[Any]) -> tuple[Any, ...]:
    # SQLite stores booleans as integers; PostgreSQL would refuse a boolean for an integer column.
    return tuple(int(p) if type(p) is bool else p for p in params)


class PostgresStore(SharedQueries):
    """A Rasid database in a PostgreSQL database (which must exist; Rasid creates its tables)."""

    def __init__(self, url: str, *, create: bool = True, busy_timeout: float | None = None):
        self.url = url
        self.location = redact(url)
        self.busy_timeout = busy_timeout_from_env() if busy_timeout is None else busy_timeout
        self._in_tx = False
        self._reader: psycopg.Connection[Any] | None = None
        self._conn = self._connect()
        try:
            self._setup(create=create)
        except BaseException:
            self._conn.close()
            raise

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=int(os.environ.get("RASID_PG_CONNECT_TIMEOUT", "10")))
        except psycopg.Error as exc:
            raise postgres_error(self.location, exc, self.busy_timeout) from exc
        conn.adapters.register_loader("numeric", _NumericLoader)
        return conn

    # -- schema -------------------------------------------------------------
    @_guarded
    def _setup(self, *, create: bool) -> None:
        self._conn.execute(f"SET lock_timeout = {int(self.busy_timeout * 1000)}")
        version = self.schema_version()
        latest = len(MIGRATIONS)
        if version > latest:
            raise StoreError(f"{self.location}: database schema v{version} is newer than this Rasid (v{latest}); upgrade Rasid")
        if version == 0:
            self._refuse_foreign(create=create)
        if version < latest:
            self._migrate(latest)
        self._load_keys()

    def _refuse_foreign(self, *, create: bool) -> None:
        tables = [r[0] for r in self._conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_name <> 'rasid_schema' ORDER BY table_name LIMIT 4"
        )]
        if tables:
            raise StoreError(
                f"{self.location}: a database of another program (tables {', '.join(tables)}), not a Rasid one;"
                " give Rasid a database of its own (`createdb rasid`)"
            )
        if not create:
            raise StoreError(f"{self.location}: no Rasid tables yet; run `rasid analyze PATH --db {self.location}` first")

    def _migrate(self, latest: int) -> None:
        """Bring the schema to `latest` in one transaction, under a lock, so two processes opening a new
        database at once create it once."""
        with self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            self._conn.execute("CREATE TABLE IF NOT EXISTS rasid_schema (version BIGINT NOT NULL)")
            row = self._conn.execute("SELECT version FROM rasid_schema").fetchone()
            current = int(row[0]) if row else 0
            if current >= latest:
                return
            if row is None:
                self._conn.execute("INSERT INTO rasid_schema (version) VALUES (0)")
            for statement in COMPAT_FUNCTIONS:
                self._conn.execute(statement)
            empty = current == 0
            for number in range(current, latest):
                for statement in translate_ddl(MIGRATIONS[number], empty=empty):
                    self._conn.execute(statement)
            self._conn.execute("UPDATE rasid_schema SET version = %s", (latest,))

    def _load_keys(self) -> None:
        rows = self._conn.execute(
            "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc"
            " JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name"
            " AND kcu.table_schema = tc.table_schema WHERE tc.constraint_type = 'PRIMARY KEY'"
            " AND tc.table_schema = current_schema() ORDER BY tc.table_name, kcu.ordinal_position"
        ).fetchall()
        keys: dict[str, list[str]] = {}
        for table, column in rows:
            keys.setdefault(str(table), []).append(str(column))
        id_rows = self._conn.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND column_name = 'id' AND is_identity = 'YES'"
        ).fetchall()
        null_rows = self._conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " GROUP BY column_name HAVING bool_and(is_nullable = 'NO')"
        ).fetchall()
        self._schema = Schema(keys, frozenset(str(r[0]) for r in id_rows), frozenset(str(r[0]) for r in null_rows))

    @_guarded
    def schema_version(self) -> int:
        exists = self._conn.execute("SELECT to_regclass('rasid_schema') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return 0
        row = self._conn.execute("SELECT version FROM rasid_schema").fetchone()
        return int(row[0]) if row else 0

    # -- transactions ---------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (nested calls join the outer one); rolled back on any exception.

        It takes Rasid's write lock first, waiting up to `busy_timeout` for another writer, so writers
        follow each other as in SQLite and reads inside see every article committed before it.
        """
        if self._in_tx:
            yield
            return
        self._in_tx = True
        try:
            with self._conn.transaction():
                self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
                yield
        except psycopg.Error as exc:
            raise postgres_error(self.location, exc, self.busy_timeout) from exc
        finally:
            self._in_tx = False

    # -- generic ------------------------------------------------------------------
    def _sql(self, sql: str) -> tuple[str, bool]:
        return self._schema.translate(sql)

    @_guarded
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        text, _ = self._sql(sql)
        return [tuple(r) for r in self._conn.execute(text, _plain(params)).fetchall()]

    @_guarded
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        text, returns_id = self._sql(sql)
        cursor = self._conn.execute(text, _plain(params))
        if returns_id:
            row = cursor.fetchone()
            return int(row[0]) if row else 0
        return 0

    @_guarded
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        text, returns_id = self._sql(sql)
        if returns_id:
            text = text[: -len(" RETURNING id")]
        with self._conn.cursor() as cursor:
            cursor.executemany(text, [_plain(r) for r in rows])

    def iter_query(self, sql: str, params: Sequence[Any] = (), *, batch: int = 1000) -> Iterator[tuple[Any, ...]]:
        """The rows of `sql`, read from the server `batch` at a time (a server-side cursor on a
        connection of its own, so the caller may write through the store while reading)."""
        text, _ = self._sql(sql)
        try:
            if self._reader is None:
                self._reader = self._connect()
                self._reader.autocommit = False
            with self._reader.transaction(), self._reader.cursor(name=f"rasid_{next(_cursor_numbers)}") as cursor:
                cursor.itersize = batch
                cursor.execute(text, _plain(params))
                for row in cursor:
                    yield tuple(row)
        except psycopg.Error as exc:
            raise postgres_error(self.location, exc, self.busy_timeout) from exc

    # -- articles -------------------------------------------------------------
    @_guarded
    def add_document(
        self,
        doc: Document,
        *,
        search_text: str,
        title_terms: str,
        duplicate_of: int | None = None,
        similarity: float | None = None,
    ) -> int | None:
        """Store an article and its search terms; its id, or None if it is already stored (same content
        hash or doc id, perhaps committed by another process since the caller looked)."""
        meta = doc.meta
        row = self._conn.execute(
            "INSERT INTO articles (doc_id, content_hash, origin, url, source, source_evidence, title, published,"
            " language, length, text, duplicate_of, similarity, flags, meta, ingested_at)"
            " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT DO NOTHING RETURNING id",
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
                ",".join(meta.get("flags", ())),
                _encode_json_lenient(meta if type(meta) is dict else dict(meta)),
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            ),
        ).fetchone()
        if row is None:
            return None
        article_id = int(row[0])
        self._write_search_terms(article_id, title_terms, search_text)
        return article_id

    def _write_search_terms(self, article_id: int, title_terms: str, search_text: str) -> None:
        self._conn.execute(
            "INSERT INTO article_terms (article_id, title, body) VALUES (%s, %s, %s)",
            (article_id, title_terms, pack_text(search_text)),
        )
        self._conn.execute(
            "INSERT INTO articles_fts (rowid, words, terms) VALUES (%s, rasid_word_count(%s), rasid_terms(%s, %s))",
            (article_id, search_text, title_terms, search_text),
        )

    @_guarded
    def set_search_terms(self, article_id: int, title_terms: str, search_text: str) -> None:
        """Replace a stored article's search terms (title words, folded body) in the full-text index."""
        self._conn.execute("DELETE FROM articles_fts WHERE rowid = %s", (article_id,))
        self._conn.execute("DELETE FROM article_terms WHERE article_id = %s", (article_id,))
        self._write_search_terms(article_id, title_terms, search_text)

    @_guarded
    def search_terms_of(self, article_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """The stored (title terms, folded body) of these articles, as the full-text index was given them."""
        rows = self._conn.execute(
            "SELECT article_id, title, body FROM article_terms WHERE article_id = ANY(%s)", (list(article_ids),)
        ).fetchall()
        return {int(r[0]): (str(r[1]), unpack_text(r[2])) for r in rows}

    @_guarded
    def rebuild_search_index(self) -> None:
        """Index every article's kept search terms again (the index rows of no article go)."""
        self._conn.execute("DELETE FROM articles_fts")
        ids = [int(r[0]) for r in self._conn.execute("SELECT article_id FROM article_terms ORDER BY article_id")]
        for i in range(0, len(ids), 500):
            for article_id, (title, body) in self.search_terms_of(ids[i : i + 500]).items():
                self._conn.execute(
                    "INSERT INTO articles_fts (rowid, words, terms)"
                    " VALUES (%s, rasid_word_count(%s), rasid_terms(%s, %s))",
                    (article_id, body, title, body),
                )

    @_guarded
    def save_signature(self, article_id: int, signature: bytes, band_keys: Sequence[tuple[int, bytes]]) -> None:
        self._conn.execute(
            "INSERT INTO minhash (article_id, signature) VALUES (%s, %s)"
            " ON CONFLICT (article_id) DO UPDATE SET signature = EXCLUDED.signature",
            (article_id, pack_signature(signature)),
        )
        with self._conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO lsh_bands (band, bucket, article_id) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                [(band, bytes([band]) + bucket, article_id) for band, bucket in band_keys],
            )

    @_guarded
    def band_candidates(self, band_keys: Sequence[tuple[int, bytes]]) -> list[int]:
        if not band_keys:
            return []
        keys = [bytes([band]) + bucket for band, bucket in band_keys]
        rows = self._conn.execute(
            "SELECT DISTINCT article_id FROM lsh_bands WHERE bucket = ANY(%s)", (keys,)
        ).fetchall()
        return sorted(int(r[0]) for r in rows)

    @_guarded
    def signatures(self, article_ids: Sequence[int]) -> dict[int, bytes]:
        rows = self._conn.execute(
            "SELECT article_id, signature FROM minhash WHERE article_id = ANY(%s)", (list(article_ids),)
        ).fetchall()
        found = {int(r[0]): unpack_signature(r[1]) for r in rows}
        return {a: found[a] for a in article_ids if a in found}

    @_guarded
    def search(self, terms: Sequence[str] | Sequence[Sequence[str]], *, limit: int = 10) -> list[tuple[int, float]]:
        """Articles matching all term groups (any spelling in a group), ranked by the BM25 SQLite's store uses.

        The index finds the candidates, a pool larger than SQLite's (the server's rank only counts matched
        words), whose texts are then ranked exactly as in SQLite."""
        groups = search_groups(terms)
        if not groups:
            return []
        sql = (
            "SELECT rowid FROM articles_fts WHERE terms @@ %s::tsquery"
            " ORDER BY ts_rank(terms, %s::tsquery, 8) DESC, rowid LIMIT %s"
        )
        pool = 4 * candidate_pool(limit, len(groups))
        query = tsquery(groups, "&")
        ids = [int(r[0]) for r in self._conn.execute(sql, (query, query, pool))]
        if len(ids) < limit and len(groups) > 1:
            seen = set(ids)
            query = tsquery(groups, "|")
            ids += [int(r[0]) for r in self._conn.execute(sql, (query, query, pool)) if int(r[0]) not in seen]
        if not ids:
            return []
        kept = self.search_terms_of(ids)
        rows = [(i, *kept[i]) for i in ids if i in kept]
        total_row = self._conn.execute("SELECT COUNT(*), AVG(words) FROM articles_fts").fetchone()
        total = int(total_row[0]) if total_row else 0
        avg_len = float(total_row[1] or 1.0) if total_row else 1.0
        doc_freq = {}
        for group in groups:
            for term in group:
                hit = self._conn.execute(
                    "SELECT COUNT(*) FROM articles_fts WHERE terms @@ %s::tsquery", (tsquery([[term]], "&"),)
                ).fetchone()
                doc_freq[term] = int(hit[0]) if hit else 0
        return rank_bm25(rows, groups, doc_freq, total, avg_len)[:limit]

    def close(self) -> None:
        for conn in (self._reader, self._conn):
            if conn is not None and not conn.closed:
                with suppress(psycopg.Error):
                    conn.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_cursor_numbers = itertools.count(1)
