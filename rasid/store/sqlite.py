"""SQLite storage: one file, created on first use, schema versioned by numbered migrations.

WAL journaling plus one transaction per batch means an interrupted run (Ctrl-C, kill)
leaves the file consistent: the unfinished batch is rolled back and a re-run redoes it.
Several processes may write one file: schema changes are made once, under the write lock;
a writer waits for another at most `busy_timeout` seconds; an article another process stored
meanwhile is not stored twice. Every SQLite error leaves as a one-line `StoreError` naming the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from rasid.document import Document
from rasid.serialize import pack_legacy_record
from rasid.store.base import StoreDamagedError, StoreError, StoreLockedError
from rasid.store.codec import (
    pack_legacy,
    pack_legacy_text,
    pack_signature,
    pack_text,
    unpack_signature,
    unpack_text,
)
from rasid.store.migrations import MIGRATIONS
from rasid.store.shared import SharedQueries, candidate_pool, search_groups

# Built once: json.dumps with options constructs a new encoder on every call, which adds up per article.
_encode_json_lenient = json.JSONEncoder(ensure_ascii=False, default=str).encode

# Upserts rather than INSERT OR REPLACE: with foreign keys on, SQLite makes every REPLACE statement
# far dearer (about 0.1 ms each, even with no row to replace); the rows left behind are the same.
_UPSERT_SIGNATURE = (
    "INSERT INTO minhash (article_id, signature) VALUES (?, ?)"
    " ON CONFLICT (article_id) DO UPDATE SET signature = excluded.signature"
)
# Page cache per connection, in KiB (64 MiB).
CACHE_KIB = 65536
# Page size of new files. Rasid's large rows (compressed texts, annotations, event records, story
# features: 1-3 KB each) leave a fifth of SQLite's default 4 KB pages unused; 16 KB pages waste a
# twentieth (the file is ~6% smaller on realnews). Older files keep their page size.
PAGE_SIZE = 16384
# How long a writer waits for another one's transaction (a batch, or a run's story grouping, which
# takes minutes for tens of thousands of articles) before giving up with a one-line error.
# RASID_BUSY_TIMEOUT (seconds) overrides it.
DEFAULT_BUSY_TIMEOUT = 300.0
# Waits for the write lock are made of slices this long (ms), so that Ctrl-C is handled between them.
_WAIT_SLICE_MS = 200

_P = ParamSpec("_P")
_R = TypeVar("_R")


def busy_timeout_from_env() -> float:
    """RASID_BUSY_TIMEOUT in seconds if set to a positive number, else `DEFAULT_BUSY_TIMEOUT`."""
    try:
        value = float(os.environ.get("RASID_BUSY_TIMEOUT", ""))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT
    return value if value > 0 else DEFAULT_BUSY_TIMEOUT


def _is_busy(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def sqlite_error(location: str, exc: sqlite3.Error, busy_timeout: float) -> StoreError:
    """A one-line `StoreError` for an SQLite error: the file, what is wrong, what to do."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    message = str(exc)
    if message.startswith("Could not decode to UTF-8"):
        # Python's sqlite3 quotes the whole undecodable value: keep the column, drop the garbage.
        message = message.split(" with text ", 1)[0].replace("Could not decode to UTF-8", "text that is not UTF-8 in")
        primary = sqlite3.SQLITE_CORRUPT
    if len(message) > 300:
        message = message[:300] + "…"
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in message:
        return StoreLockedError(
            f"{location}: the database is locked by another writer for more than {busy_timeout:g} s;"
            " try again when it finishes (RASID_BUSY_TIMEOUT sets how long to wait)"
        )
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in message:
        return StoreDamagedError(
            f"{location}: the database file is damaged ({message}); restore a backup,"
            f" or run `rasid doctor --db {location}` to see what can be saved"
        )
    if primary == sqlite3.SQLITE_FULL:
        return StoreError(f"{location}: the disk is full ({message}); free some space and run the command again")
    if primary == sqlite3.SQLITE_READONLY:
        return StoreError(f"{location}: cannot write ({message}); check the permissions of the file and its folder")
    if primary in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN):
        return StoreError(f"{location}: cannot read or write the file ({message}); check the disk and the path")
    return StoreError(f"{location}: database error ({message})")


def _guarded(method: Callable[Concatenate[SQLiteStore, _P], _R]) -> Callable[Concatenate[SQLiteStore, _P], _R]:
    """Run a store method with SQLite's errors turned into `StoreError` (see `sqlite_error`)."""

    @functools.wraps(method)
    def run(self: SQLiteStore, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise sqlite_error(self.location, exc, self.busy_timeout) from exc

    return run


def check_file(path: Path, *, create: bool) -> None:
    """Refuse, with a one-line `StoreError`, a path that is not (and may not become) a Rasid database."""
    if path.is_dir():
        raise StoreError(f"{path}: is a directory; give a database file path such as rasid.db")
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no such database; run `rasid analyze PATH --db {path}` first")
        return
    size = path.stat().st_size
    if size == 0:
        if not create:
            raise StoreError(
                f"{path} is empty (0 bytes): not a Rasid database; run `rasid analyze PATH --db {path}` to fill it"
            )
        return
    with open(path, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise StoreError(f"{path}: not a SQLite database; choose another --db path")


class SQLiteStore(SharedQueries):
    """A Rasid database in one SQLite file.

    `create`: a missing or empty (0-byte) file becomes a new database; without it such a file is
    refused (read commands must not silently turn a wrong path into an empty database).
    `busy_timeout`: seconds to wait for another writer (default: `busy_timeout_from_env()`).
    """

    def __init__(self, path: str | Path, *, create: bool = True, busy_timeout: float | None = None):
        self.location = str(path)
        self.busy_timeout = busy_timeout_from_env() if busy_timeout is None else busy_timeout
        target = Path(path)
        check_file(target, create=create)
        if create and target.parent and not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
        self._in_tx = False
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves so batches are explicit.
            self._conn = sqlite3.connect(str(target), isolation_level=None, timeout=self.busy_timeout)
        except sqlite3.Error as exc:
            raise sqlite_error(self.location, exc, self.busy_timeout) from exc
        try:
            self._setup(create=create)
        except BaseException:
            self._conn.close()
            raise

    @_guarded
    def _setup(self, *, create: bool) -> None:
        # Checked before switching to WAL, which rewrites the file's header: another program's
        # database, or one from a newer Rasid, is left exactly as it was.
        self._conn.execute("BEGIN")  # one snapshot for the version and the tables
        try:
            self._refuse_schema(self.schema_version(), len(MIGRATIONS), create=create)
        finally:
            if self._conn.in_transaction:  # SQLite may have ended it after an error
                self._conn.execute("COMMIT")
        # Only takes effect on a new file (before its header is written by the switch to WAL).
        self._conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        self._set_wal()
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        # SQLite's default page cache is 2 MB; the mention and event indexes of a large corpus outgrow it
        # within a few thousand articles, and every insert then re-reads index pages from the OS.
        self._conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        # Migration 10 re-encodes older rows (annotations, texts, search terms, signatures, event records).
        self._conn.create_function("rasid_pack_annotations", 2, pack_legacy, deterministic=True)
        self._conn.create_function("rasid_pack_text", 1, pack_legacy_text, deterministic=True)
        self._conn.create_function("rasid_unpack_text", 1, unpack_text, deterministic=True)
        self._conn.create_function("rasid_pack_signature", 1, pack_signature, deterministic=True)
        self._conn.create_function("rasid_pack_record", 1, pack_legacy_record, deterministic=True)
        self._migrate(create=create)

    def _set_wal(self) -> None:
        """Switch to WAL journaling, waiting up to `busy_timeout` for other processes to let go.

        SQLite does not wait by itself here: when another process is creating the same new file,
        the switch fails at once with "database is locked", so it is retried.
        """
        deadline = time.monotonic() + self.busy_timeout
        pause = 0.005
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

    # -- schema -------------------------------------------------------------
    @_guarded
    def schema_version(self) -> int:
        row = self._conn.execute("PRAGMA user_version").fetchone()
        return int(row[0])

    def _migrate(self, *, create: bool = True) -> None:
        """Bring the schema to the latest version, one migration per transaction.

        Each step takes the write lock first and reads the version again inside it, so when two
        processes open a new or old file at once, each migration runs exactly once.
        """
        latest = len(MIGRATIONS)
        while True:
            current = self.schema_version()
            if current == latest:
                return
            if current > latest:
                self._refuse_schema(current, latest, create=create)
            self._begin()
            try:
                # Read inside the lock: outside it, the version and the tables could come from two
                # snapshots, either side of another process's first migration.
                current = self.schema_version()
                self._refuse_schema(current, latest, create=create)
                if current < latest:
                    for statement in _split_sql(MIGRATIONS[current]):
                        self._conn.execute(statement)
                    self._conn.execute(f"PRAGMA user_version = {current + 1}")
                self._conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def _refuse_schema(self, current: int, latest: int, *, create: bool) -> None:
        if current > latest:
            raise StoreError(
                f"{self.location}: database schema v{current} is newer than this Rasid (v{latest}); upgrade Rasid"
            )
        if current > 0:
            return
        tables = [r[0] for r in self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 4"
        )]
        if tables:
            # Version 0 with tables: another program's database; never add Rasid's tables to it.
            raise StoreError(
                f"{self.location}: a SQLite database of another program (tables {', '.join(tables)}),"
                " not a Rasid database; choose another --db path"
            )
        if not create:
            raise StoreError(
                f"{self.location}: an empty SQLite database, not a Rasid one;"
                f" run `rasid analyze PATH --db {self.location}` to fill it"
            )

    # -- transactions ---------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (nested calls join the outer one); rolled back on any exception.

        It starts by taking the write lock (BEGIN IMMEDIATE), waiting up to `busy_timeout` seconds
        for another writer, so reads inside see every article committed before it.
        """
        if self._in_tx:
            yield
            return
        self._begin_guarded()
        self._in_tx = True
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self._execute_guarded("COMMIT")
            except BaseException:
                self._rollback()
                raise
        finally:
            self._in_tx = False

    @_guarded
    def _execute_guarded(self, sql: str) -> None:
        self._conn.execute(sql)

    @_guarded
    def _begin_guarded(self) -> None:
        self._begin()

    def _begin(self) -> None:
        """BEGIN IMMEDIATE: take the write lock, waiting up to `busy_timeout` for another writer.

        SQLite waits inside one C call, where Python cannot act on a signal; waiting in short
        slices instead lets Ctrl-C or SIGTERM end a waiting process at once.
        """
        deadline = time.monotonic() + self.busy_timeout
        self._conn.execute(f"PRAGMA busy_timeout = {_WAIT_SLICE_MS}")
        try:
            while True:
                try:
                    self._conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc) or time.monotonic() >= deadline:
                        raise
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")

    def _rollback(self) -> None:
        # SQLite rolls back by itself after some errors (disk full, I/O); a second ROLLBACK would fail.
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # the error being raised says more than this one
                self._conn.execute("ROLLBACK")

    # -- articles -------------------------------------------------------------
    def add_document(
        self,
        doc: Document,
        *,
        search_text: str,
        title_terms: str,
        duplicate_of: int | None = None,
        similarity: float | None = None,
    ) -> int | None:
        """Store an article and its search terms; its id, or None if it is already stored.

        Already stored means the same content hash or doc id, for instance committed by another
        process after the caller's own check: then nothing is written, and the caller must not
        write the article's signature or annotations either.
        """
        meta = doc.meta
        flags = ",".join(meta.get("flags", ()))
        cursor = self._conn.execute(
            "INSERT INTO articles (doc_id, content_hash, origin, url, source, source_evidence, title, published,"
            " language, length, text, duplicate_of, similarity, flags, meta, ingested_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
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
                pack_text(doc.text),
                duplicate_of,
                similarity,
                flags,
                _encode_json_lenient(meta if type(meta) is dict else dict(meta)),
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            ),
        )
        if cursor.rowcount != 1:
            return None
        article_id = int(cursor.lastrowid or 0)
        self._write_search_terms(article_id, title_terms, search_text)
        return article_id

    def _write_search_terms(self, article_id: int, title_terms: str, search_text: str) -> None:
        # The index holds no copy of the terms (contentless); `article_terms` keeps them, the body compressed.
        self._conn.execute(
            "INSERT INTO article_terms (article_id, title, body) VALUES (?, ?, ?)",
            (article_id, title_terms, pack_text(search_text)),
        )
        self._conn.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", (article_id, title_terms, search_text)
        )

    @_guarded
    def set_search_terms(self, article_id: int, title_terms: str, search_text: str) -> None:
        """Replace a stored article's search terms (title words, folded body) in the full-text index."""
        old = self._conn.execute("SELECT title, body FROM article_terms WHERE article_id = ?", (article_id,)).fetchone()
        if old is not None:
            # A contentless index forgets an article's terms only when told them again.
            self._conn.execute(
                "INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
                (article_id, old[0], unpack_text(old[1])),
            )
            self._conn.execute("DELETE FROM article_terms WHERE article_id = ?", (article_id,))
        self._write_search_terms(article_id, title_terms, search_text)

    @_guarded
    def search_terms_of(self, article_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """The stored (title terms, folded body) of these articles, as the full-text index was given them."""
        found: dict[int, tuple[str, str]] = {}
        for i in range(0, len(article_ids), 500):
            chunk = tuple(article_ids[i : i + 500])
            sql = f"SELECT article_id, title, body FROM article_terms WHERE article_id IN ({','.join('?' * len(chunk))})"
            found.update((int(r[0]), (r[1], unpack_text(r[2]))) for r in self._conn.execute(sql, chunk))
        return found

    @_guarded
    def rebuild_search_index(self) -> None:
        """Empty the full-text index and index every article's kept terms again (a contentless index
        cannot drop a row whose terms it is not told, so stray rows go this way)."""
        self._conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
        ids = [int(r[0]) for r in self._conn.execute("SELECT article_id FROM article_terms ORDER BY article_id")]
        for i in range(0, len(ids), 500):
            terms = self.search_terms_of(ids[i : i + 500])
            self._conn.executemany(
                "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", [(a, t, b) for a, (t, b) in terms.items()]
            )

    @_guarded
    def save_signature(self, article_id: int, signature: bytes, band_keys: Sequence[tuple[int, bytes]]) -> None:
        self._conn.execute(_UPSERT_SIGNATURE, (article_id, pack_signature(signature)))
        self._conn.executemany(
            # OR IGNORE: saving an article's signature again must not fail on the (bucket, article) key.
            "INSERT OR IGNORE INTO lsh_bands (band, bucket, article_id) VALUES (?, ?, ?)",
            [(band, bytes([band]) + bucket, article_id) for band, bucket in band_keys],
        )

    @_guarded
    def band_candidates(self, band_keys: Sequence[tuple[int, bytes]]) -> list[int]:
        if not band_keys:
            return []
        # Buckets carry their band number as the first byte, so one indexed IN lookup suffices.
        keys = [bytes([band]) + bucket for band, bucket in band_keys]
        marks = ",".join("?" for _ in keys)
        rows = self._conn.execute(f"SELECT DISTINCT article_id FROM lsh_bands WHERE bucket IN ({marks})", keys).fetchall()
        return sorted(int(r[0]) for r in rows)

    @_guarded
    def signatures(self, article_ids: Sequence[int]) -> dict[int, bytes]:
        found: dict[int, bytes] = {}
        # One query per chunk, not per id; chunks stay under SQLite's bound-parameter limit.
        for i in range(0, len(article_ids), 500):
            chunk = tuple(article_ids[i : i + 500])
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT article_id, signature FROM minhash WHERE article_id IN ({marks})"
            found.update((int(r[0]), unpack_signature(r[1])) for r in self._conn.execute(sql, chunk))
        # In the order asked for: callers break ties by taking the first.
        return {a: found[a] for a in article_ids if a in found}

    @_guarded
    def search(self, terms: Sequence[str] | Sequence[Sequence[str]], *, limit: int = 10) -> list[tuple[int, float]]:
        """Articles matching all term groups (any spelling in a group), ranked by BM25.

        FTS5 finds the candidates; ranking is recomputed here with a non-negative IDF
        (FTS5's own goes to zero when a term is in half the articles, as in small
        collections) and a bonus when query words appear next to each other, as a phrase.
        """
        # A double quote would end an FTS5 phrase: the terms are quoted in the MATCH query.
        groups = [[t.replace('"', "") for t in g] for g in search_groups(terms)]
        if not groups:
            return []

        def fts_query(joiner: str) -> str:
            return joiner.join("(" + " OR ".join(f'"{t}"' for t in g) + ")" for g in groups)

        # The best-ranked ids first, then their text: selecting title and body with the ranking
        # would read the text of every matching article (thousands for a common word) to sort it.
        sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 2.0, 1.0) LIMIT ?"
        pool = candidate_pool(limit, len(groups))
        ids = [r[0] for r in self._conn.execute(sql, (fts_query(" AND "), pool))]
        if len(ids) < limit and len(groups) > 1:
            seen = set(ids)
            ids += [r[0] for r in self._conn.execute(sql, (fts_query(" OR "), pool)) if r[0] not in seen]
        if not ids:
            return []
        stored = self.search_terms_of(ids)
        rows = [(i, *stored[i]) for i in ids if i in stored]
        total, avg_len = self._fts_totals()
        doc_freq = {}
        for group in groups:
            for term in group:
                hit = self._conn.execute("SELECT doc FROM articles_vocab WHERE term = ?", (term,)).fetchone()
                doc_freq[term] = int(hit[0]) if hit else 0
        return rank_bm25(rows, groups, doc_freq, total, avg_len or 1.0)[:limit]

    def _fts_totals(self) -> tuple[int, float]:
        """(indexed articles, average body length in words) for BM25, without reading every body.

        FTS5 keeps both in its averages record (row 1 of `articles_fts_data`: varints for the
        row count, then the token total of each column). Its tokens of the stored normalised text
        are the space-separated words within a fraction of a percent; only when that record
        cannot be read are the bodies' words counted, which reads every body (half a second at
        30,000 articles, once per search).
        """
        record = self._conn.execute("SELECT block FROM articles_fts_data WHERE id = 1").fetchone()
        numbers = _fts5_varints(bytes(record[0])) if record and record[0] is not None else []
        if len(numbers) == 3:  # rows, title tokens, body tokens
            return numbers[0], numbers[2] / numbers[0] if numbers[0] else 1.0
        lengths = [unpack_text(r[0]).count(" ") + 1 for r in self._conn.execute("SELECT body FROM article_terms")]
        return len(lengths), (sum(lengths) / len(lengths) if lengths else 1.0)

    # -- generic ------------------------------------------------------------------
    @_guarded
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._conn.execute(sql, tuple(params)).fetchall()]

    def iter_query(self, sql: str, params: Sequence[Any] = (), *, batch: int = 1000) -> Iterator[tuple[Any, ...]]:
        """The rows of `sql` as they are read, `batch` at a time from a cursor of their own, so that an
        export of every event never holds them all. Other queries may run between rows (reads see the
        same database); an SQLite error leaves as a `StoreError`, as from `query`."""
        if batch < 1:
            raise ValueError("batch: at least 1")
        try:
            cursor = self._conn.execute(sql, tuple(params))
            try:
                while rows := cursor.fetchmany(batch):
                    for row in rows:
                        yield tuple(row)
            finally:
                cursor.close()
        except sqlite3.Error as exc:
            raise sqlite_error(self.location, exc, self.busy_timeout) from exc

    @_guarded
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cursor = self._conn.execute(sql, tuple(params))
        return int(cursor.lastrowid or 0)

    @_guarded
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._conn.executemany(sql, rows)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _split_sql(script: str) -> list[str]:
    # Migrations hold plain DDL without semicolons inside strings or triggers, so a split is safe.
    return [s.strip() for s in script.split(";") if s.strip()]


def _fts5_varints(blob: bytes) -> list[int]:
    """The SQLite varints (big-endian, 7 bits a byte, the 9th byte whole) packed in `blob`."""
    numbers = []
    i = 0
    while i < len(blob):
        value = 0
        for k in range(9):
            if i >= len(blob):
                return []  # truncated: not a record this code understands
            byte = blob[i]
            i += 1
            if k == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        numbers.append(value)
    return numbers


def _occurrences(padded: str, terms: set[str]) -> dict[str, tuple[list[int], list[int]]]:
    """Where each of `terms` occurs in `padded` (single-spaced words, a space at each end):
    term -> (positions, positions of the word after each). Positions are character offsets found
    by substring search for a few terms, word indexes from one pass over the words for many."""
    found: dict[str, tuple[list[int], list[int]]] = {}
    if len(terms) <= _FEW_TERMS:
        for term in terms:
            needle = f" {term} "
            at = padded.find(needle)
            while at >= 0:
                hits = found.setdefault(term, ([], []))
                hits[0].append(at + 1)
                hits[1].append(at + len(needle))  # where the next word starts
                at = padded.find(needle, at + len(needle) - 1)
        return found
    for i, word in enumerate(padded.split()):
        if word in terms:
            hits = found.setdefault(word, ([], []))
            hits[0].append(i)
            hits[1].append(i + 1)
    return found


_FEW_TERMS = 12  # up to this many query words, substring search beats a pass over the words


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

    member_sets = [set(group) for group in groups]
    idfs = []
    for group in groups:
        df = max(doc_freq.get(t, 0) for t in group)
        idfs.append(math.log(1.0 + (total - df + 0.5) / (df + 0.5)))
    wanted = set().union(*member_sets)
    scored = []
    for rowid, title, body in rows:
        padded = f" {body or ''} "
        if "  " in padded or "\n" in padded or "\t" in padded:  # not single-spaced: make it so
            padded = f" {' '.join(padded.split())} "
        length = max(1, padded.count(" ") - 1)
        found = _occurrences(padded, wanted)
        title_words = (title or "").split()
        norm = k1 * (1 - b + b * length / avg_len)
        score = 0.0
        starts: list[set[int]] = []
        nexts: list[set[int]] = []
        for members, idf in zip(member_sets, idfs, strict=True):
            here: set[int] = set()
            after: set[int] = set()
            for term in members & found.keys():
                here.update(found[term][0])
                after.update(found[term][1])
            tf = len(here) + title_weight * sum(1 for w in title_words if w in members)
            score += idf * tf * (k1 + 1) / (tf + norm) if tf else 0.0
            starts.append(here)
            nexts.append(after)
        for after, here in zip(nexts, starts[1:], strict=False):
            adjacent = len(after & here)
            if adjacent:
                score += phrase_bonus * math.log(1 + adjacent) * (1 + score / (len(groups) or 1))
        scored.append((int(rowid), round(score, 4)))
    scored.sort(key=lambda x: -x[1])
    return scored
